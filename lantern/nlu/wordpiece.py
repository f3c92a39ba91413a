"""BERT's uncased WordPiece tokenizer, as the sentence encoder (lantern/nlu/sentence_encoder.py) was trained with.

Written here so the encoder needs no tokenizer library: clean the text, put spaces around
CJK ideographs, strip accents, lower-case, split on white space and punctuation, then cut
each word into the longest pieces the vocabulary knows ("##" marks a piece inside a word).
tests/unit/test_sentence_encoder.py checks the ids against the reference tokenizer's.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Dict, List

MAX_WORD_CHARS = 100  # a longer "word" is one unknown token, as in BERT


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def basic_words(text: str) -> List[str]:
    """Lower-cased, accent-free words and single punctuation marks."""
    out: List[str] = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        if ch in "\t\n\r" or unicodedata.category(ch) == "Zs":
            out.append(" ")
        elif unicodedata.category(ch).startswith("C"):
            continue
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    cleaned = unicodedata.normalize("NFD", "".join(out).lower())
    cleaned = "".join(ch for ch in cleaned if unicodedata.category(ch) != "Mn")
    words: List[str] = []
    for chunk in cleaned.split():
        current = ""
        for ch in chunk:
            if _is_punctuation(ch):
                if current:
                    words.append(current)
                    current = ""
                words.append(ch)
            else:
                current += ch
        if current:
            words.append(current)
    return words


class WordPiece:
    """Text -> token ids, with [CLS] first and [SEP] last."""

    def __init__(self, vocab: Dict[str, int]) -> None:
        self.vocab = vocab
        self.unk = vocab["[UNK]"]
        self.cls = vocab["[CLS]"]
        self.sep = vocab["[SEP]"]
        self.pad = vocab["[PAD]"]

    @classmethod
    def from_file(cls, path: Path) -> "WordPiece":
        """vocab.txt: one token per line, the line number is the id."""
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return cls({token: i for i, token in enumerate(lines)})

    def word_ids(self, word: str) -> List[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.unk]
        ids: List[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str, max_tokens: int) -> List[int]:
        """Token ids of `text`, cut so the whole sequence with [CLS] and [SEP] has at most `max_tokens`."""
        ids = [self.cls]
        for word in basic_words(text):
            ids.extend(self.word_ids(word))
            if len(ids) >= max_tokens - 1:
                break
        return ids[: max_tokens - 1] + [self.sep]
