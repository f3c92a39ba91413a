"""Crisis replies: emergency step first, accurate steps, SMS-sized, calm plain words, payload on every message."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Callable, Dict, List

import pytest

from lantern.crisis import messages as M
from lantern.crisis import registry
from lantern.crisis import script as S
from lantern.crisis.detector import detect
from lantern.crisis.resources import GOOD_SAMARITAN_MAX, NAME_MAX, PROJECT_ROOT, Locale, parse_locale, validate_all

# A legal locale with every field as long as the validator allows: replies must still fit.
WORST = parse_locale(
    {
        "locale": "xx-LONG",
        "country": "Longland",
        "emergency": {"number": "+1 (800) 555-0100 99"},
        "crisis_line": {"name": "N" * NAME_MAX, "number": "+1 (800) 555-0199 88", "call": True, "text": True},
        "helplines": {k: {"name": "H" * NAME_MAX, "number": "+1 (800) 555-0123 45"} for k in ("a", "b", "c", "d", "e")},
        "good_samaritan": {"applies": True, "text": ("Good Samaritan law text " * 10)[:GOOD_SAMARITAN_MAX]},
    },
    "worst-case",
)
NO_GS = parse_locale(
    {
        "locale": "xx-NOGS",
        "country": "X",
        "emergency": {"number": "112"},
        "crisis_line": {"name": "Line", "number": "116 123", "call": True, "text": False},
        "good_samaritan": {"applies": False},
    },
    "no-gs",
)
LOCALES: List[Locale] = list(validate_all().values()) + [WORST, NO_GS]

BUILDERS: Dict[str, Callable[[Locale], List[dict]]] = {
    **{f"first:{k}": (lambda loc, k=k: S.first_reply(k, loc)) for k in registry.NAMES},
    **{f"check_in:{k}": (lambda loc, k=k: S.check_in(k, loc)) for k in (None, *registry.NAMES)},
    **{f"still_here:{k}": (lambda loc, k=k: S.still_here(k, loc)) for k in (None, *registry.NAMES)},
}
MARKERS = {c.marker for c in registry.CATEGORIES} | {registry.CHECK_MARKER, registry.ACTIVE_MARKER}
CASES = [(loc, name) for loc in LOCALES for name in BUILDERS]
IDS = [f"{loc.name}-{name}" for loc, name in CASES]

_FORBIDDEN = re.compile(r"\byou\s+(?:should|need\s+to|must|have\s+to|ought\s+to)\b|\bmust\b", re.I)
_STIGMA = re.compile(r"\b(?:addict|junkie|abuser|clean|dirty)\b", re.I)


def _syllables(word: str) -> int:
    word = re.sub(r"[^a-z]", "", word.lower())
    if len(word) <= 3:
        return 1 if word else 0
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", re.sub(r"^y", "", word))))


def grade(text: str) -> float:
    """Flesch-Kincaid grade: a rough check that the words stay plain."""
    words = re.findall(r"[A-Za-z']+", text)
    sentences = max(1, len(re.findall(r"[.!?]+", text)))
    return 0.39 * len(words) / sentences + 11.8 * sum(map(_syllables, words)) / max(1, len(words)) - 15.59


@pytest.mark.parametrize("loc, name", CASES, ids=IDS)
def test_sms_shape_and_wording(loc, name):
    msgs = BUILDERS[name](loc)
    assert 1 <= len(msgs) <= M.MAX_MESSAGES
    for msg in msgs:
        text = msg["text"]
        assert 0 < len(text) <= M.MAX_CHARS, (len(text), text)
        assert all(ord(ch) < 0x2000 for ch in text), "no emoji or symbols in safety content"
        assert not _FORBIDDEN.search(text), text
        assert not _STIGMA.search(text), text
        assert "  " not in text and text == text.strip()
        if loc in (LOCALES[0], LOCALES[1]) and text != loc.good_samaritan:  # the law's own name is not ours to simplify
            assert grade(text) <= 8.0, (round(grade(text), 1), text)


@pytest.mark.parametrize("loc, name", CASES, ids=IDS)
def test_every_message_carries_the_marker(loc, name):
    for msg in BUILDERS[name](loc):
        c = msg["custom"]
        assert c["crisis"] in MARKERS
        assert c["emergency_number"] in (loc.emergency_number, loc.crisis_line_number)


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0]


@pytest.mark.parametrize("loc", LOCALES, ids=[loc.name for loc in LOCALES])
def test_first_message_leads_with_the_emergency_step(loc):
    for kind in ("overdose", "stimulant"):
        first = _first_sentence(S.first_reply(kind, loc)[0]["text"])
        assert f"call {loc.emergency_number} now" in first.lower(), first
    assert f"call {loc.emergency_number}" in _first_sentence(S.first_reply("danger", loc)[0]["text"]).lower()
    text = S.first_reply("suicide", loc)[0]["text"]
    assert loc.crisis_line_number in " ".join(text.split(".")[:2]), text
    assert loc.emergency_number in S.check_in(None, loc)[0]["text"]


@pytest.mark.parametrize("loc", LOCALES, ids=[loc.name for loc in LOCALES])
def test_overdose_steps_are_complete_and_in_order(loc):
    text = " ".join(m["text"] for m in S.first_reply("overdose", loc))
    steps = [
        f"Call {loc.emergency_number}",
        "naloxone (Narcan)",
        "one nostril",
        "rescue breaths",
        "1 every 5 seconds",
        "onto their side",
        "Stay with them",
        "2 to 3 minutes",
        "second dose",
    ]
    positions = [text.find(s) for s in steps]
    assert -1 not in positions, dict(zip(steps, positions, strict=False))
    assert positions == sorted(positions)


@pytest.mark.parametrize("loc", LOCALES, ids=[loc.name for loc in LOCALES])
def test_stimulant_steps(loc):
    text = " ".join(m["text"] for m in S.first_reply("stimulant", loc)).lower()
    for step in (
        f"call {loc.emergency_number} now",
        "cool",
        "damp cloths",
        "calmly",
        "don't hold them down",
        "naloxone",
    ):
        assert step in text, step


@pytest.mark.parametrize("loc", LOCALES, ids=[loc.name for loc in LOCALES])
def test_suicide_steps(loc):
    text = " ".join(m["text"] for m in S.first_reply("suicide", loc))
    assert "Are you safe right now?" in text and "I'm here with you" in text and loc.crisis_line_number in text


def test_good_samaritan_note_only_where_it_applies():
    us = LOCALES[[loc.name for loc in LOCALES].index("en-US")]
    assert us.good_samaritan in " ".join(m["text"] for m in S.first_reply("overdose", us))
    assert us.good_samaritan in " ".join(m["text"] for m in S.first_reply("stimulant", us))
    assert "Samaritan" not in " ".join(
        m["text"] for m in S.first_reply("overdose", NO_GS) + S.first_reply("stimulant", NO_GS)
    )
    assert "Samaritan" not in " ".join(m["text"] for m in S.first_reply("suicide", us) + S.first_reply("danger", us))


@pytest.mark.parametrize(
    "text, crisis",
    [
        ("my friend is not breathing", "overdose"),
        ("chest pain after smoking meth", "overdose"),
        ("i want to kill myself", "suicide"),
        ("he has a gun", "danger"),
        ("i feel like giving up", "check"),
    ],
)
def test_replies_for_detector_results(text, crisis):
    loc = LOCALES[0]
    msgs = M.replies_for(detect(text), loc)
    assert msgs and msgs[0]["custom"]["crisis"] == crisis
    again = M.replies_for(detect(text), loc, in_crisis_mode=True)
    assert len(again) == 1 and again[0]["text"].startswith("I'm still here")
    assert loc.emergency_number in again[0]["text"] or loc.crisis_line_number in again[0]["text"]


def test_no_reply_when_no_crisis():
    assert M.replies_for(detect("hi there"), LOCALES[0]) == []


def test_fallback_needs_nothing_but_the_locale_file():
    code = (
        "import sys; from lantern.crisis import messages, detect, load_locale; "
        "msgs = messages.replies_for(detect('he is not breathing'), load_locale('en-US')); "
        "heavy = [m for m in ('rasa', 'rasa_sdk', 'sqlalchemy', 'spacy', 'presidio_analyzer') if m in sys.modules]; "
        "assert msgs and not heavy, heavy"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
