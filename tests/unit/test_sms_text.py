"""SMS encodings, segment counts, splitting, keywords and numbered choices (rasa_plugins/channels/sms_text.py)."""

from __future__ import annotations

import re

import pytest

from rasa_plugins.channels import sms_text as t


@pytest.mark.parametrize(
    "text, encoding, segments",
    [
        ("a" * 160, "gsm7", 1),
        ("a" * 161, "gsm7", 2),
        ("a" * 306, "gsm7", 2),
        ("a" * 307, "gsm7", 3),
        ("{" * 80, "gsm7", 1),  # extension characters cost two septets
        ("{" * 81, "gsm7", 2),
        ("é" * 160, "gsm7", 1),  # in the GSM basic set
        ("ê" * 70, "ucs2", 1),  # not in it
        ("ê" * 71, "ucs2", 2),
        ("a" * 69 + "\U0001f600", "ucs2", 2),  # an emoji is two UTF-16 units: 71 > 70
        ("x" * 134, "gsm7", 1),
    ],
)
def test_encoding_and_segments(text, encoding, segments):
    assert t.encoding_of(text) == encoding
    assert t.segment_count(text) == segments


def test_smart_punctuation_stays_gsm7():
    text = t.smart_to_gsm("It\u2019s okay \u2014 really\u2026 \u201cyes\u201d")
    assert text == 'It\'s okay - really... "yes"'
    assert t.is_gsm7(text)


def test_short_text_is_one_part():
    assert t.split_for_sms("Call 911 now.") == ["Call 911 now."]
    assert t.split_for_sms("   ") == []


def _sentences(n: int) -> str:
    return " ".join(f"This is sentence number {i} and it has a few more words in it." for i in range(n))


def test_long_text_splits_at_sentence_ends_within_the_limit():
    text = _sentences(12)
    parts = t.split_for_sms(text)
    assert len(parts) > 1
    assert all(t.segment_count(p) <= t.MAX_SEGMENTS_PER_SMS for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == text


def test_ucs2_limits_apply_when_text_has_an_emoji():
    text = "Okay \U0001f642. " + _sentences(3)
    parts = t.split_for_sms(text)
    assert all(t.segment_count(p) <= 2 for p in parts)
    assert t.encoding_of(parts[0]) == "ucs2"
    assert t.encoding_of(parts[-1]) == "gsm7"  # each message is encoded on its own


@pytest.mark.parametrize(
    "protected",
    [
        "1-800-662-4357",
        "(614) 555-0100",
        "+1 614 555 0100",
        "https://findtreatment.gov/locator?x=1&y=2",
        "www.neverusealone.com",
        "help@example.org",
        "findtreatment.gov",
    ],
)
def test_never_splits_inside_a_phone_number_or_link(protected):
    filler = "Some words here to fill up the message so that it must be split somewhere soon"
    for pad in range(0, 300, 7):
        text = ("x " * (pad // 2)) + filler + " call " + protected + " any time " + filler + ". " + _sentences(4)
        parts = t.split_for_sms(text)
        assert any(protected in p for p in parts), (pad, parts)
        assert all(t.segment_count(p) <= 2 or protected in p for p in parts)


def test_abbreviations_are_not_sentence_ends():
    text = ("Dr. Smith works at 12 Main St. in town and sees people every day of the week. " * 3).strip()
    parts = t.split_for_sms(text)
    assert not any(p.endswith("Dr.") or p.endswith("St.") for p in parts)


def test_an_overlong_link_goes_out_whole():
    link = "https://example.org/" + "a" * 400
    parts = t.split_for_sms("Here is the page: " + link + " and that is all.")
    assert any(link in p for p in parts)


def test_numbered_choices_and_answers():
    body, payloads = t.numbered_choices(
        "Want me to share what some people try?",
        [{"title": "Yes, please", "payload": "/affirm"}, {"title": "Not now", "payload": "/deny"}],
    )
    assert body.endswith("Reply with a number:\n1: Yes, please\n2: Not now")
    assert payloads == ["/affirm", "/deny"]
    titles = ["Yes, please", "Not now"]
    assert t.choice_payload("1", payloads, titles) == "/affirm"
    assert t.choice_payload(" 2. ", payloads, titles) == "/deny"
    assert t.choice_payload("#2", payloads, titles) == "/deny"
    assert t.choice_payload("not now", payloads, titles) == "/deny"
    assert t.choice_payload("3", payloads, titles) is None
    assert t.choice_payload("1 more thing", payloads, titles) is None


@pytest.mark.parametrize(
    "text, opted_out, kind",
    [
        ("STOP", False, "stop"),
        ("stop.", False, "stop"),
        (" Unsubscribe ", False, "stop"),
        ("cancel", False, "stop"),
        ("END", False, "stop"),
        ("quit!", False, "stop"),
        ("opt out", False, "stop"),
        ("stopall", False, "stop"),
        ("START", False, "start"),
        ("unstop", False, "start"),
        ("yes", True, "start"),
        ("yes", False, None),  # "yes" answers questions while subscribed
        ("HELP", False, "help"),
        ("info", True, "help"),
        ("stop texting me", False, None),
        ("please help me", False, None),
        ("help, he isn't breathing", False, None),
    ],
)
def test_keywords(text, opted_out, kind):
    assert t.keyword(text, opted_out) == kind


@pytest.mark.parametrize("kind", ["stop", "start", "help"])
def test_keyword_replies_are_ctia_style_and_short(kind):
    reply = t.keyword_reply(kind, "Lantern", "Test Org", "1-800-555-0100", "911", "988")
    assert reply.startswith("Lantern:")
    assert t.is_gsm7(reply) and len(reply) <= 320
    if kind == "help":
        assert "Msg & data rates may apply" in reply and "STOP" in reply and "1-800-555-0100" in reply
        assert "911" in reply
    if kind == "stop":
        assert "START" in reply and "no more messages" in reply
    if kind == "start":
        assert "STOP" in reply and "Msg & data rates may apply" in reply
    assert not re.search(r"\byou (should|need to|must)\b", reply, re.I)
