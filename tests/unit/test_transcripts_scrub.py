"""What the tracker store may keep: event dicts with no raw user text and no identifying values."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from lantern.records.anonymizer import get_anonymizer
from lantern.records.transcripts.scrub import REDACTED, DomainInfo, MessageRecord, Scrubber, SessionMark

DATA = Path(__file__).resolve().parents[1] / "data"
PHONE_SENDER = "+1 (614) 555-0188"
RAW = "hi im Keisha Brown, my PO is officer brennan, call me at 380-555-0147"
DOMAIN = DomainInfo(
    slot_types={
        "crisis_active": "bool",
        "crisis_type": "categorical",
        "emergency_number": "text",
        "first_name": "text",
        "session_started_metadata": "any",
        "change_count": "float",
    },
    response_texts={
        "utter_call": ["Call {emergency_number} now."],
        "utter_hi_name": ["Nice to meet you, {first_name}."],
        "utter_fixed": ["I'm here to listen."],
        "utter_kwarg": ["You said {thing}."],
    },
)


@pytest.fixture(scope="module")
def scrubber() -> Scrubber:
    return Scrubber(DOMAIN, get_anonymizer())


def user(text: str = RAW, **parse) -> dict:
    parse_data = {
        "intent": {"name": "greet", "confidence": 0.91},
        "entities": [],
        "text": text,
        "message_id": "m1",
        "metadata": {"from": PHONE_SENDER},
    }
    parse_data.update(parse)
    return {
        "event": "user",
        "timestamp": 1700000000.0,
        "metadata": {"from": PHONE_SENDER},
        "text": text,
        "parse_data": parse_data,
        "input_channel": "rest",
        "message_id": "m1",
    }


def bot(text: str, utter_action=None, custom=None) -> dict:
    metadata = {"utter_action": utter_action} if utter_action else {}
    return {
        "event": "bot",
        "timestamp": 1700000001.0,
        "metadata": metadata,
        "text": text,
        "data": {"custom": custom} if custom else {},
    }


def stored_json(scrubbed) -> str:
    return json.dumps(scrubbed.events).lower()


def test_user_text_and_parse_text_are_anonymized(scrubber):
    out = scrubber.scrub([user()], PHONE_SENDER)
    event = out.events[0]
    assert event["text"] == "hi im <PERSON>, my PO is officer <PERSON>, call me at <PHONE>"
    assert event["parse_data"]["text"] == event["text"]
    assert event["metadata"] == {} and event["parse_data"]["metadata"] == {}
    assert event["parse_data"]["intent"] == {"name": "greet", "confidence": 0.91}
    for raw in ("keisha", "brennan", "380-555-0147", "555-0188", "6145550188"):
        assert raw not in stored_json(out)


def test_input_events_are_not_changed(scrubber):
    events = [user(), {"event": "slot", "timestamp": 1.0, "name": "first_name", "value": "Keisha"}]
    before = copy.deepcopy(events)
    scrubber.scrub(events, PHONE_SENDER)
    assert events == before  # the live tracker keeps the real values


def test_entities_public_kept_pii_redacted_plain_kept(scrubber):
    text = "my son jayden needs narcan near 43215"
    entities = [
        {"entity": "emergency_number", "value": "911", "start": 0, "end": 0, "extractor": "CrisisDetector"},
        {"entity": "name", "value": "jayden", "start": 7, "end": 13, "extractor": "DIETClassifier"},
        {"entity": "supply", "value": "narcan", "start": 20, "end": 26, "extractor": "RegexEntityExtractor"},
        {"entity": "zip", "value": "43215", "start": 32, "end": 37},
        {"entity": "other", "value": "Marisol Vega", "extractor": "x"},  # no offsets, not in the text
        {"entity": "n", "value": 6145550100},
    ]
    out = scrubber.scrub([user(text, entities=entities)]).events[0]
    values = [e["value"] for e in out["parse_data"]["entities"]]
    assert values == ["911", "<PERSON>", "narcan", "43215", REDACTED, REDACTED]
    assert "jayden" not in json.dumps(out).lower()


def test_slots_redacted_unless_public_or_not_free_text(scrubber):
    slots = [
        ("first_name", "Keisha"),
        ("emergency_number", "911"),
        ("crisis_active", True),
        ("crisis_type", "overdose"),
        ("change_count", 3.0),
        ("unknown_slot", "Brennan"),
        ("session_started_metadata", {"from": PHONE_SENDER}),
        ("first_name", None),
    ]
    events = [{"event": "slot", "timestamp": 1.0, "name": n, "value": v} for n, v in slots]
    out = [e["value"] for e in scrubber.scrub(events).events]
    assert out == [REDACTED, "911", True, "overdose", 3.0, REDACTED, REDACTED, None]


def test_code_slots_keep_their_codes_and_lose_the_turns_pii(scrubber):
    events = [
        user("my son jayden and i want to stop, im at 380-555-0147"),
        {"event": "slot", "timestamp": 1.0, "name": "change_themes", "value": ["family", "stop"]},
        {"event": "slot", "timestamp": 1.0, "name": "who", "value": "your son"},
        {"event": "slot", "timestamp": 1.0, "name": "referral_place", "value": "Columbus, OH"},
        {"event": "slot", "timestamp": 1.0, "name": "referral_retry", "value": "unknown_zip:3805550147"},
        bot("It sounds like your son matters a lot."),
    ]
    out = scrubber.scrub(events, live_slots={"who": "your son"}).events
    assert [e["value"] for e in out[1:5]] == [["family", "stop"], "your son", "Columbus, OH", "unknown_zip:<PHONE>"]
    assert out[5]["text"] == "It sounds like your son matters a lot."  # code values are not secrets


def test_every_domain_slot_has_a_policy():
    """A new text/any/list slot must be listed in scrub.CODE_SLOTS (codes only) or REDACTED_SLOTS,
    or its value reloads as "<REDACTED>" in the next turn without anyone having decided so."""
    from rasa.shared.core.domain import Domain

    from lantern.records.transcripts.scrub import CODE_SLOTS, PUBLIC_SLOTS, REDACTED_SLOTS, SAFE_SLOT_TYPES

    domain = Domain.load(str(Path(__file__).resolve().parents[2] / "domain"))
    unclassified = [
        s.name
        for s in domain.slots
        if s.type_name not in SAFE_SLOT_TYPES and s.name not in PUBLIC_SLOTS | CODE_SLOTS | REDACTED_SLOTS
    ]
    assert unclassified == []


def test_template_bot_text_keeps_public_values_and_redacts_slot_values(scrubber):
    events = [
        user("hi"),
        bot("Call 911 now.", "utter_call", {"crisis": "overdose", "emergency_number": "911"}),
        bot("Nice to meet you, Keisha.", "utter_hi_name"),
        bot("I'm here to listen.", "utter_fixed"),
        bot("You said (380) 555-0147.", "utter_kwarg"),
    ]
    out = scrubber.scrub(events, live_slots={"first_name": "Keisha"}).events
    assert [e["text"] for e in out[1:]] == [
        "Call 911 now.",
        f"Nice to meet you, {REDACTED}.",
        "I'm here to listen.",
        "You said (380) 555-0147.",
    ]
    assert out[1]["data"]["custom"] == {"crisis": "overdose", "emergency_number": "911"}


def test_public_information_the_bot_gives_is_kept(scrubber):
    """A referral's phone number and address are not personal data: the bot text keeps them."""
    referral = "Hope Clinic, 250 E Town St, Columbus. Call (614) 555-0123, walk-ins 9-5."
    out = scrubber.scrub([user("where can i get suboxone near 43215"), bot(referral)]).events
    assert out[1]["text"] == referral


def test_bot_text_repeating_user_input_is_anonymized(scrubber):
    events = [
        user(),
        {"event": "action", "timestamp": 1.0, "name": "action_reflect"},
        bot("It sounds like Brennan is really on your case, KEISHA BROWN."),
        bot("I'll text you at 614.555.0188 later, or (380) 555 0147?"),
        bot("Hi, I'm Lantern, an automated assistant run by Test Harm Reduction Org."),
        bot("ok", custom={"echo": "keisha brown 3805550147"}),
    ]
    out = scrubber.scrub(events, PHONE_SENDER)
    texts = [e["text"] for e in out.events[2:]]
    assert texts[0] == "It sounds like <PERSON> is really on your case, <PERSON>."
    assert texts[1] == "I'll text you at <PHONE> later, or <PHONE>?"  # any formatting of the digits
    assert texts[2] == "Hi, I'm Lantern, an automated assistant run by Test Harm Reduction Org."
    assert out.events[5]["data"]["custom"] == {"echo": "<PERSON> <PHONE>"}
    assert out.records[2].pii_types == ("REPEATED",)
    for raw in ("brennan", "keisha", "0147", "0188"):
        assert raw not in stored_json(out)


def test_metadata_of_other_events_is_dropped(scrubber):
    events = [
        {"event": "session_started", "timestamp": 1.0, "metadata": {"phone": PHONE_SENDER}},
        {
            "event": "action",
            "timestamp": 1.0,
            "name": "utter_x",
            "action_text": "we'll call 614-555-0188",
            "metadata": {"phone": PHONE_SENDER},
        },
    ]
    out = scrubber.scrub(events, PHONE_SENDER)
    assert out.events[0]["metadata"] == {} and out.events[1]["metadata"] == {}
    assert out.events[1]["action_text"] == "we'll call <PHONE>"
    assert isinstance(out.records[0], SessionMark)


class Exploding:
    max_chars = 10_000
    degraded = False

    def analyze(self, text):
        raise RuntimeError("boom")


def test_anonymizer_failure_fails_closed():
    scrubber = Scrubber(DOMAIN, Exploding())
    out = scrubber.scrub([user(), bot("It sounds like brennan is on your case.")])
    assert out.events[0]["text"] == REDACTED and out.events[0]["parse_data"]["text"] == REDACTED
    assert out.events[1]["text"] == REDACTED  # a bot text after an unchecked user text is not kept either
    assert out.degraded and out.records[0].degraded


def test_records_carry_intent_talk_type_crisis_and_action(scrubber):
    events = [
        user(
            "he isnt breathing",
            intent={"name": "crisis_overdose", "confidence": 1.0},
            talk_type={"name": "neutral", "confidence": 0.6, "probabilities": {}},
            crisis={"level": "crisis", "category": "overdose", "confidence": 0.97},
        ),
        {"event": "action", "timestamp": 1.0, "name": "utter_call"},
        bot("Call 911 now.", "utter_call", {"crisis": "overdose", "emergency_number": "911"}),
        user("ok", parse_data=None),
        bot("Are you safe?", None, {"crisis": "check"}),
    ]
    events[3].pop("parse_data")
    records = scrubber.scrub(events).records
    assert all(isinstance(r, MessageRecord) for r in records)
    first, reply, second, check = records
    assert (
        first.sender,
        first.intent,
        first.intent_confidence,
        first.talk_type,
        first.crisis,
        first.crisis_category,
        first.channel,
    ) == ("user", "crisis_overdose", 1.0, "neutral", True, "overdose", "rest")
    assert (reply.sender, reply.action, reply.crisis, reply.crisis_category) == ("bot", "utter_call", True, "overdose")
    assert (second.intent, second.talk_type, second.crisis) == (None, None, False)  # absent parse data is fine
    assert (check.crisis, check.crisis_level) == (False, "check_in")


def test_long_text_is_truncated_not_stored_unchecked(scrubber):
    text = "call 380-555-0147 " + "x" * 12_000
    out = scrubber.scrub([user(text)]).events[0]["text"]
    assert out.startswith("call <PHONE>") and out.endswith("<TRUNCATED>") and len(out) < 10_100


@pytest.mark.parametrize("name", ["pii_messages.yml", "pii_messages_holdout.yml"])
def test_redact_matches_the_anonymizer(scrubber, name):
    """The scrubber redacts exactly like `Anonymizer.anonymize` (it also needs the raw spans)."""
    messages = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["messages"]
    anonymizer = get_anonymizer()
    mismatches = [
        m["text"] for m in messages if scrubber.redact(m["text"]).text != anonymizer.anonymize(m["text"]).text
    ]
    assert mismatches == []
