"""The PII anonymizer: accuracy on the labelled set, no leaks, robustness, offline, pseudonyms."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from lantern.records.anonymizer import AnonymizedText, Anonymizer, normalize_sender, pseudonymize
from lantern.records.anonymizer.evaluation import load_messages, score, whole_word_spans

ROOT = Path(__file__).resolve().parents[2]

RECALL_MIN = {
    "PHONE": 0.99,
    "EMAIL": 0.99,
    "SSN": 0.99,
    "DATE_OF_BIRTH": 0.99,
    "ADDRESS": 0.99,
    "PERSON": 0.95,
    # not in the figures; held to a floor so they cannot quietly rot
    "ID_NUMBER": 0.90,
    "HANDLE": 0.90,
    "PLATE": 0.90,
    "URL": 0.90,
}
PRECISION_MIN = 0.80


@pytest.fixture(scope="module")
def anonymizer() -> Anonymizer:
    return Anonymizer().load()


@pytest.fixture(scope="module")
def messages():
    return load_messages()


@pytest.fixture(scope="module")
def predictions(anonymizer, messages):
    return [anonymizer.analyze(m.text) for m in messages]


@pytest.fixture(scope="module")
def scores(messages, predictions):
    return score(messages, predictions)


# --- the test set itself ---------------------------------------------------------------


def test_test_set_is_big_and_varied(messages):
    assert len(messages) >= 220
    assert sum(1 for m in messages if not m.expected) >= 40
    assert sum(1 for m in messages if len({e.value for e in m.expected}) >= 2) >= 25
    for pii_type in ("PHONE", "EMAIL", "SSN", "DATE_OF_BIRTH", "ADDRESS", "PERSON"):
        assert sum(e.type == pii_type for m in messages for e in m.expected) >= 10, pii_type


# --- accuracy ------------------------------------------------------------------------------


@pytest.mark.parametrize("pii_type", sorted(RECALL_MIN))
def test_recall_per_type(scores, pii_type):
    ts = scores[pii_type]
    assert ts.recall >= RECALL_MIN[pii_type], f"{pii_type} recall {ts.recall:.3f}; missed: {ts.misses}"


def test_precision_per_type(scores):
    low = {t: round(s.precision, 3) for t, s in scores.items() if s.predicted and s.precision < PRECISION_MIN}
    assert not low, {t: scores[t].false_positives for t in low}


def test_look_alikes_are_left_alone(messages, predictions):
    """Doses, scale answers, times, ZIPs, drug names, crisis numbers: nothing redacted."""
    flagged = [
        (m.text, [(p.type, m.text[p.start : p.end]) for p in pred])
        for m, pred in zip(messages, predictions, strict=True)
        if not m.expected and pred
    ]
    assert not flagged


def test_no_raw_pii_survives(anonymizer, messages):
    leaks = []
    for m in messages:
        out = anonymizer.anonymize(m.text)
        assert not out.degraded
        leaks += [(e.value, out.text) for e in m.expected if whole_word_spans(out.text, e.value)]
    assert not leaks


def test_placeholders_and_entity_spans(anonymizer):
    text = "my name is jake miller, call 614-555-0190 or jake.m93@gmail.com, dob 3/14/1989"
    out = anonymizer.anonymize(text)
    assert out.text == "my name is <PERSON>, call <PHONE> or <EMAIL>, dob <DATE_OF_BIRTH>"
    assert [e.type for e in out.entities] == ["PERSON", "PHONE", "EMAIL", "DATE_OF_BIRTH"]
    for ent in out.entities:
        assert out.text[ent.start : ent.end] == f"<{ent.type}>"
    assert out.counts() == {"PERSON": 1, "PHONE": 1, "EMAIL": 1, "DATE_OF_BIRTH": 1}
    assert not any(hasattr(e, "value") or hasattr(e, "text") for e in out.entities)


@pytest.mark.parametrize(
    "text",
    [
        "call 988 or 911",
        "samhsa is 1-800-662-4357",
        "poison control +1 (800) 222-1222",
        "my zip is 43215",
        "i took 2mg of xanax at 3:30",
        "id say a 6, maybe 7/10",
    ],
)
def test_public_numbers_zips_and_doses_kept(anonymizer, text):
    assert anonymizer.anonymize(text).text == text


# --- hyphenated and non-Anglo names, disguised phones, addresses without a street type -----------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("My name is Maria Lopez-Ferreira", "My name is <PERSON>"),
        ("my counselor Fatima Al-Hassan is great", "my counselor <PERSON> is great"),
        ("my case manager is anne-marie dubois", "my case manager is <PERSON>"),
        ("my son tyler has a check-in at 3", "my son <PERSON> has a check-in at 3"),
        ("jake's mom found my stash", "<PERSON>'s mom found my stash"),
        ("my name is josé luis garcía márquez", "my name is <PERSON>"),
        ("my name is nguyen van minh", "my name is <PERSON>"),
        ("my friend obiageli got me narcan", "my friend <PERSON> got me narcan"),
        ("hola me llamo guadalupe hernández", "hola me llamo <PERSON>"),
        ("my kids are amara and zainab", "my kids are <PERSON> and <PERSON>"),
        ("call me at nine three seven five five five zero one eight eight", "call me at <PHONE>"),
        ("call me at 937 five five five 0188 one more time", "call me at <PHONE> one more time"),
        ("my number is 937-555-O188", "my number is <PHONE>"),
        ("number is (614) 555-O1O7", "number is <PHONE>"),
        ("its 555 0l92, same area code", "its <PHONE>, same area code"),
        ("I live at 412 Linden", "I live at <ADDRESS>"),
        ("staying at 88 West Fifth with my aunt", "staying at <ADDRESS> with my aunt"),
        ("i live at 4 Mound apt 2", "i live at <ADDRESS>"),
        ("pick me up at 515 e livingston", "pick me up at <ADDRESS>"),
    ],
)
def test_hyphenated_names_disguised_phones_and_bare_streets(anonymizer, text, expected):
    assert anonymizer.anonymize(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "we have a check-in at 5, then my follow-up",
        "my mother-in-law found my self-harm journal",
        "my friend od'd last night",
        "im sooo tired, my bf finna leave",
        "my friend is dopesick and my po sayin i gotta test",
        "i did 3 points and 2 bags, took 4 pills at 9",
        "counting down nine eight seven six five four three two one",
        "on a scale 1 2 3 4 5 6 7 8 9 10 im a 7",
        "I've been clean 412 days",
        "the doc said im staying at 40 mg, living at 110 percent lol",
        "meet me at 9 tonight",
    ],
)
def test_hard_look_alikes_stay(anonymizer, text):
    assert anonymizer.anonymize(text).text == text


def test_english_words_come_from_the_model(anonymizer):
    words = anonymizer._nlp_engine.vocabulary
    assert words is not None and len(words) > 50_000
    for word in ("drinks", "ghosted", "relapsed", "dopesick", "goodnight", "check-in"):
        assert word in words, word
    for word in ("obiageli", "xochitl", "venkataraman", "wisniewska", "warsame"):
        assert word not in words, word


def test_overlapping_detections_of_one_type_are_merged():
    from presidio_analyzer import RecognizerResult

    from lantern.records.anonymizer.engine import _resolve

    kept = _resolve(
        [
            RecognizerResult("PERSON", 11, 22, 0.8),  # "Maria Lopez" from a cue
            RecognizerResult("PERSON", 11, 31, 0.55),  # "Maria Lopez-Ferreira" from NER
            RecognizerResult("PHONE", 40, 52, 0.7),
        ]
    )
    assert [(r.entity_type, r.start, r.end, r.score) for r in kept] == [("PERSON", 11, 31, 0.8), ("PHONE", 40, 52, 0.7)]


def test_spelled_digits_stay_fast(anonymizer):
    began = time.perf_counter()
    out = anonymizer.anonymize("one two " * 1200)  # 2400 digit words, none a phone number
    assert time.perf_counter() - began < 5 and "<PHONE>" not in out.text


# --- robustness ------------------------------------------------------------------------------

BAD_INPUTS = [
    "",
    "   \n\t ",
    None,
    12345,
    b"\xff\xfe\x00 jake 614-555-0100",
    "\x00\x01\x02\x1b[31m\x7f\x9f",
    "\ud800 lone \udfff surrogates \udbff",
    "\u202e\u200b\ufeff" * 500,
    "🙂" * 3000,
    "(" * 5000,
    "1" * 5000,
    "@" * 3000 + "$" * 3000,
    "a@b." * 2000,
    "my name is " * 800,
    "x" * 100_000,
    bytes(range(256)) * 20,
]


@pytest.mark.parametrize(
    "value", BAD_INPUTS, ids=lambda v: f"{type(v).__name__}:{len(v) if hasattr(v, '__len__') else v}"
)
def test_bad_input_never_raises(anonymizer, value):
    out = anonymizer.anonymize(value)
    assert isinstance(out, AnonymizedText) and isinstance(out.text, str)
    out.text.encode("utf-8")  # storable: no lone surrogates
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in out.text)


def test_control_characters_do_not_hide_pii(anonymizer):
    out = anonymizer.anonymize("call me jake 614\x00555\x000100")
    assert "jake" not in out.text and "0100" not in out.text


def test_long_input_is_chunked_and_capped(anonymizer):
    para = "hi im jake, text 614-555-0100. took 2mg of xanax. "
    text = para * 400  # ~20 kB
    began = time.perf_counter()
    out = anonymizer.anonymize(text)
    assert time.perf_counter() - began < 5
    assert "614-555-0100" not in out.text and "jake" not in out.text
    assert out.text.endswith("<TRUNCATED>")  # past max_chars the tail is dropped, never stored unchecked
    assert len(out.text) < len(text)
    uncapped = Anonymizer(max_chars=None)
    uncapped._nlp_engine, uncapped._analyzer, uncapped._anonymizer = (
        anonymizer._nlp_engine,
        anonymizer._analyzer,
        anonymizer._anonymizer,
    )
    full = uncapped.anonymize(text)
    assert full.text.count("<PHONE>") == 400 and "<TRUNCATED>" not in full.text


def test_internal_failure_fails_closed(anonymizer, monkeypatch):
    def boom(_text):
        raise RuntimeError("simulated")

    monkeypatch.setattr(anonymizer, "_analyze", boom)
    out = anonymizer.anonymize("my name is jake, 614-555-0100")
    assert out.text == "<REDACTED>" and out.degraded


def test_missing_spacy_model_degrades_but_still_redacts():
    fallback = Anonymizer("no_such_spacy_model_xyz").load()
    assert fallback.degraded
    out = fallback.anonymize("my name is jake, text 614-555-0100, ssn 123-45-6789")
    assert "jake" not in out.text and "614-555-0100" not in out.text and "123-45-6789" not in out.text
    assert out.degraded


# --- offline ---------------------------------------------------------------------------------

_OFFLINE_SCRIPT = textwrap.dedent(
    """
    import socket
    attempts = []
    def refuse(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError("network disabled in test")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from lantern.records.anonymizer import Anonymizer
    a = Anonymizer().load()
    out = a.anonymize("mail jake.m93@gmail.com or r.okafor@franklincounty.oh.us, see findtreatment.gov/x "
                      "and https://gofund.me/a1b2")
    print(out.text)
    print("ATTEMPTS", len(attempts))
    """
)


def test_runs_with_network_unreachable(tmp_path):
    env = dict(os.environ)
    env.update(
        {
            "HTTP_PROXY": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "http_proxy": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            "PYTHONPATH": str(ROOT),
            "XDG_CACHE_HOME": str(tmp_path),  # no tldextract cache from earlier runs
            "HOME": str(tmp_path),
        }
    )
    env.pop("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", None)
    proc = subprocess.run(
        [sys.executable, "-c", _OFFLINE_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == "ATTEMPTS 0", proc.stdout
    assert lines[-2] == "mail <EMAIL> or <EMAIL>, see <URL> and <URL>"


# --- pseudonyms -----------------------------------------------------------------------------


def test_pseudonym_is_stable_short_and_prefixed():
    a = pseudonymize("+16145550100", "key-one")
    assert a == pseudonymize("+16145550100", "key-one")
    assert a.startswith("p_") and len(a) == 22
    assert "6145550100" not in a


def test_pseudonym_depends_on_key_and_sender():
    assert pseudonymize("+16145550100", "key-one") != pseudonymize("+16145550100", "key-two")
    assert pseudonymize("+16145550100", "key-one") != pseudonymize("+16145550101", "key-one")
    assert pseudonymize("+16145550100", b"key-one") == pseudonymize("+16145550100", "key-one")


def test_pseudonym_normalizes_phone_formats():
    forms = ["+16145550100", "16145550100", "6145550100", "(614) 555-0100", "+1 614.555.0100"]
    assert len({pseudonymize(f, "k") for f in forms}) == 1
    assert normalize_sender("6145550100") == "+16145550100"
    assert normalize_sender("web-session-42") == "web-session-42"
    assert pseudonymize("web-session-42", "k") != pseudonymize("web-session-43", "k")


def test_pseudonym_refuses_empty_key():
    with pytest.raises(ValueError):
        pseudonymize("+16145550100", "")
