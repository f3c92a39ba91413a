"""The deterministic crisis layer against the hand-written crisis test set, plus hostile input.

Targets from the issue: recall 100% on crisis positives (level crisis, right
family), false alarms (full script) on hard negatives at most 10%.
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
import time
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from lantern.crisis import patterns, registry
from lantern.crisis.detector import CATEGORIES, LEVELS, NONE, CrisisResult, combine, detect, family
from lantern.crisis.normalize import normalize

# The set labels each message with the category as a parsed message stores it (registry `stored`).
DATA = Path(__file__).resolve().parents[1] / "data" / "crisis_messages.yml"
MESSAGES: List[Dict] = yaml.safe_load(DATA.read_text(encoding="utf-8"))["messages"]
POSITIVES = [m for m in MESSAGES if m["level"] == "crisis"]
CHECK_INS = [m for m in MESSAGES if m["level"] == "check_in"]
NEGATIVES = [m for m in MESSAGES if m["level"] == "none"]
FALSE_ALARM_BUDGET = 0.10
STORED = {c.stored for c in registry.CATEGORIES} | {None}

KNOWN_NAMES = (
    {r.name for r in patterns.RULES}
    | {g.name for g in patterns.GUARDS}
    | {"neg." + r.name for r in patterns.RULES}
    | {"mod.uncertain", "mod.hypothetical", "mod.past", "mod.joking", "ctx.stimulant", "error.internal"}
)


# ---- the test set itself -------------------------------------------------------------------


def test_the_set_is_big_and_well_formed():
    assert len(MESSAGES) >= 220
    assert len(POSITIVES) >= 120 and len(NEGATIVES) >= 80 and len(CHECK_INS) >= 10
    texts = [m["text"] for m in MESSAGES]
    assert len(texts) == len(set(texts)), "duplicate messages"
    for m in MESSAGES:
        assert m["level"] in LEVELS and m["category"] in STORED, m
        if m["level"] == "none":
            assert m["category"] is None, m
        if m["level"] == "crisis":
            assert m["category"] is not None, m
    for cat in registry.CATEGORIES:
        assert sum(m["category"] == cat.stored for m in POSITIVES) >= 20, cat.name


# ---- the figures -----------------------------------------------------------------------------


def test_recall_on_crisis_positives_is_total():
    missed = []
    for m in POSITIVES:
        r = detect(m["text"])
        if r.level != "crisis" or family(r.category) != family(m["category"]):
            missed.append((m["text"], m["category"], r.category, r.level, r.matched))
    assert not missed, f"{len(missed)}/{len(POSITIVES)} positives missed:\n" + "\n".join(map(repr, missed))


def test_exact_category_on_positives():
    right = sum(detect(m["text"]).stored_category == m["category"] for m in POSITIVES)
    assert right / len(POSITIVES) >= 0.95


def test_false_alarms_on_hard_negatives_within_budget():
    alarms = [m["text"] for m in NEGATIVES if detect(m["text"]).level == "crisis"]
    assert len(alarms) / len(NEGATIVES) <= FALSE_ALARM_BUDGET, alarms


def test_ambiguous_messages_are_never_ignored_and_mostly_check_in():
    levels = [detect(m["text"]).level for m in CHECK_INS]
    silent = [m["text"] for m, lvl in zip(CHECK_INS, levels, strict=False) if lvl == "none"]
    assert not silent
    assert levels.count("check_in") / len(levels) >= 0.8


# ---- the examples named in the issue -----------------------------------------------------


@pytest.mark.parametrize(
    "text, fam",
    [
        ("my friend is turning blue", "overdose"),
        ("he fell out", "overdose"),
        ("she won't wake up", "overdose"),
        ("not breathing", "overdose"),
        ("kms", "suicide"),
        ("gonna do a hot shot on purpose", "suicide"),
        ("heart racing after a line of coke", "overdose"),
        ("overheating bad after molly", "overdose"),
        ("chest pain after smoking meth", "overdose"),
        ("i want to unalive myself", "suicide"),
        ("gonna end it all", "suicide"),
        ("i dont want to wake up", "suicide"),
        ("he has a gun", "danger"),
        ("im being beaten", "danger"),
        ("someone is trying to hurt me", "danger"),
    ],
)
def test_issue_positives(text, fam):
    r = detect(text)
    assert (r.level, r.family) == ("crisis", fam), r


@pytest.mark.parametrize(
    "text",
    [
        "this job is killing me",
        "dying to get out of here",
        "i overdosed on netflix",
        "i'd kill for a pizza",
        "got my flu shot",
        "took a great shot of the lake",
        "he's breathing fine now",
        "i'm not suicidal",
        "no one is overdosing",
        "my friend OD'd last year",
        "how does narcan work",
        "i use dope most days",
    ],
)
def test_issue_negatives_do_not_get_the_full_script(text):
    assert detect(text).level != "crisis"


@pytest.mark.parametrize("text", ["i feel like giving up", "my friend took a lot", "i want to die lol"])
def test_issue_check_ins(text):
    assert detect(text).level == "check_in"


def test_a_real_mention_after_a_hypothetical_one_still_counts():
    assert detect("what do i do if someone overdoses").level == "check_in"
    assert detect("what do i do if someone overdoses. my friend just overdosed please help").level == "crisis"
    assert detect("im not suicidal but i want to kill myself").level == "crisis"


def test_figurative_and_negated_hits_are_reported_as_defused():
    for text in ("this job is killing me", "i overdosed on netflix", "he's breathing fine now", "i'm not suicidal"):
        r = detect(text)
        assert r.level == "none" and r.defused, (text, r)
    assert not detect("hello there").defused


# ---- normalisation: how people actually type ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "HE IS NOT BREATHING",
        "hes not breathinggg",
        "he\u2019s not breathing",
        "he's not bre\u200bathing",
        "\uff48\uff45\uff53 \uff4e\uff4f\uff54 \uff42\uff52\uff45\uff41\uff54\uff48\uff49\uff4e\uff47",  # full-width
        "h\u0435s n\u043et br\u0435athing",  # Cyrillic look-alikes
        "hes n0t br3athing",
        "he's not breathing!!!!!!",
        "h e s  n o t  b r e a t h i n g",
        "hes not breathin",
        "he\tis\nnot\r\nbreathing",
        "he is not bre\u00adathing",
        "  he is   not    breathing  ",
    ],
)
def test_spellings_of_not_breathing(text):
    assert detect(text).level == "crisis", normalize(text)


def test_normalize_shapes():
    assert normalize("He's NOT breathing!!! Help.") == "he is not breathing | help"
    assert normalize("won't wake up") == "will not wake up"
    assert normalize("my friend od'd") == "my friend overdosed"
    assert normalize("that's odd") == "that is odd"
    assert normalize("k1ll mys3lf") == "kill myself"
    assert normalize("pleaseeeee helllp") == "please help"


# ---- the result type -----------------------------------------------------------------------


def test_result_is_frozen_and_names_only():
    r = detect("my friend is not breathing")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.level = "none"  # type: ignore[misc]
    assert r.category == "overdose" and r.is_crisis and r.needs_reply and 0 < r.confidence <= 1
    assert isinstance(r.matched, tuple)


def test_matched_holds_pattern_names_never_text():
    for m in MESSAGES:
        r = detect(m["text"])
        assert set(r.matched) <= KNOWN_NAMES, (m["text"], r.matched)
        assert r.category in CATEGORIES and r.level in LEVELS
        assert 0.0 <= r.confidence <= 1.0
        assert (r.level == "none") == (r.confidence == 0.0)


# ---- hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "|||",
        "\x00",
        "\x00\x01\x02\x1b[31m",
        "\ud800\udfff",
        "\ufeff" * 50,
        "\u202e" * 10,
        "🙂" * 1000,
        "a" * 100_000,
        ("lorem ipsum " * 9000),
        None,
        b"\xff\xfe\x00garbage",
        bytearray(b"he is not breathing"),
        12345,
        3.5,
        ["not", "breathing"],
        object(),
        "\u0000he is not breathing",
    ],
)
def test_any_input_gives_a_result_never_an_exception(value):
    r = detect(value)  # type: ignore[arg-type]
    assert isinstance(r, CrisisResult) and r.level in LEVELS
    assert "error.internal" not in r.matched


def test_empty_is_none():
    assert detect("") == NONE and detect(None) == NONE  # type: ignore[arg-type]


def test_bytes_are_read_as_utf8():
    assert detect(b"he is not breathing").level == "crisis"


def test_crisis_at_the_end_of_a_huge_paste_still_counts():
    text = "blah " * 20_000 + " he is not breathing"
    started = time.perf_counter()
    assert detect(text).level == "crisis"
    assert time.perf_counter() - started < 0.5


def test_random_garbage_never_trips_the_failsafe():
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0, 0x3000) if not 0xD800 <= c <= 0xDFFF] + list("not breathing kill myself '|!")
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 400)))
        r = detect(text)
        assert "error.internal" not in r.matched


def _none(text="hello"):
    return detect(text)


def test_model_cannot_lower_a_deterministic_crisis():
    det = detect("he is not breathing")
    for intent, conf in (("greet", 0.99), ("crisis_suicide", 0.5), ("crisis_check", 0.95), (None, 0.0)):
        out = combine(det, intent, conf)
        assert out.level == "crisis" and out.category == "overdose"


@pytest.mark.parametrize(
    "conf, level",
    [(1.0, "crisis"), (0.995, "crisis"), (0.99, "check_in"), (0.6, "check_in"), (0.59, "none"), (0.0, "none")],
)
def test_confident_model_intent_raises_the_level(conf, level):
    out = combine(_none("can you text me"), "crisis_overdose", conf)
    assert out.level == level
    if level != "none":
        assert out.category == "overdose" and "intent.crisis_overdose" in out.matched


def test_crisis_check_intent_gives_a_check_in_only():
    assert combine(_none(), "crisis_check", 0.99).level == "check_in"


def test_model_check_in_intent_alone_must_be_nearly_sure():
    assert combine(_none("she said i seem happier"), "crisis_check", 0.91).level == "none"
    assert combine(_none("she said i seem happier"), "crisis_check", 0.97).level == "check_in"
    assert combine(_none("i feel kinda off"), "crisis_overdose", 0.91).level == "check_in"  # other intents: 0.6


def test_figurative_hit_demotes_a_weak_model_crisis_but_never_to_none():
    fig = detect("this job is killing me")
    assert fig.defused
    assert combine(fig, "crisis_suicide", 0.85).level == "check_in"
    assert combine(fig, "crisis_suicide", 0.7).level == "check_in"
    assert combine(fig, "crisis_suicide", 0.9995).level == "crisis"


def test_model_can_upgrade_a_deterministic_check_in():
    det = detect("i feel like giving up")
    out = combine(det, "crisis_suicide", 0.92)
    assert (out.level, out.category) == ("crisis", "suicide")
    assert combine(det, "crisis_suicide", 0.5).level == "check_in"


@pytest.mark.parametrize("conf", [None, "high", math.nan, math.inf, -1, 7])
def test_combine_never_raises_on_odd_confidences(conf):
    out = combine(_none(), "crisis_danger", conf)  # type: ignore[arg-type]
    assert out.level in LEVELS


def test_unknown_intents_change_nothing():
    det = detect("i feel like giving up")
    assert combine(det, "greet", 0.99) == det
    assert combine(det, "crisis_unknown", 0.99) == det
    assert re.fullmatch(r"[a-z_.]+", ".".join(det.matched))
