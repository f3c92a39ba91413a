"""Crisis handling through the real NLU pipeline and dialogue, and with parts of the system down."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from lantern.crisis import registry
from tests.conftest import MODEL, make_settings
from tests.integration.faults import database_locked
from tools.client import api, send
from tools.processes import start_stack

DATA = Path(__file__).resolve().parents[1] / "data" / "crisis_messages.yml"
MESSAGES: List[Dict] = yaml.safe_load(DATA.read_text(encoding="utf-8"))["messages"]
# The set's categories are stored values; a positive is caught by any crisis intent of its family (marker).
FAMILY_INTENTS = {
    c.stored: {o.intent for o in registry.CATEGORIES if o.marker == c.marker} for c in registry.CATEGORIES
}
FULL_SCRIPT = set(registry.INTENTS)
STORED = {c.stored for c in registry.CATEGORIES} | {None}


def parse(lantern, text: str) -> Dict:
    status, body = api(lantern.settings, "/model/parse", {"text": text})
    assert status == 200, body
    return body


def test_crisis_set_through_the_real_pipeline(lantern):
    """Every positive reaches a full crisis intent of its family; hard negatives rarely do."""
    misses, false_alarms, silent_ambiguous = [], 0, []
    negatives = [m for m in MESSAGES if m["level"] == "none"]
    for m in MESSAGES:
        parsed = parse(lantern, m["text"])
        intent = parsed["intent"]["name"]
        assert "crisis" in parsed and parsed["crisis"]["level"] in {"crisis", "check_in", "none"}
        assert parsed["crisis"]["category"] in STORED  # stored as transcripts always had it
        if m["level"] == "crisis" and intent not in FAMILY_INTENTS[m["category"]]:
            misses.append((m["text"], intent))
        elif m["level"] == "none" and intent in FULL_SCRIPT:
            false_alarms += 1
        elif m["level"] == "check_in" and not intent.startswith("crisis_"):
            silent_ambiguous.append((m["text"], intent))
    assert misses == []
    assert false_alarms / len(negatives) <= 0.10
    assert silent_ambiguous == []


def texts(replies):
    return [r.get("text", "") for r in replies]


def test_overdose_reply_leads_with_the_call_and_carries_the_marker(lantern):
    who = "crisis-" + uuid.uuid4().hex[:8]
    send(lantern.settings, who, "hi")
    status, replies = send(lantern.settings, who, "my friend is turning blue and wont wake up")
    assert status == 200 and 2 <= len(replies) <= 3
    assert texts(replies)[0].startswith("Call 911")
    assert all(r["custom"] == {"crisis": "overdose", "emergency_number": "911"} for r in replies)
    assert "naloxone" in " ".join(texts(replies)).lower()
    assert "second dose" in " ".join(texts(replies))

    # Crisis mode listens: a question gets its step, with the marker still on (test_crisis_dialogue.py).
    status, replies = send(lantern.settings, who, "what do i say to them")
    assert "address" in texts(replies)[0] and replies[0]["custom"]["crisis"] == "overdose"
    status, replies = send(lantern.settings, who, "hes ok now, hes awake and talking. thank you")
    assert "glad" in texts(replies)[0]
    assert "custom" not in replies[0]
    status, replies = send(lantern.settings, who, "r u a bot")
    assert "custom" not in replies[0]


def test_suicide_reply_gives_988_and_asks_about_safety(lantern):
    status, replies = send(lantern.settings, "crisis-" + uuid.uuid4().hex[:8], "i want to kms tonight")
    joined = " ".join(texts(replies))
    assert status == 200 and "988" in texts(replies)[0]
    assert "safe right now" in joined
    assert replies[0]["custom"] == {"crisis": "suicide", "emergency_number": "988"}


def test_goodbye_in_crisis_mode_keeps_the_numbers(lantern):
    """ "bye" clears crisis mode (a slot mapping, before any policy runs), but its reply still carries the numbers."""
    who = "crisis-" + uuid.uuid4().hex[:8]
    send(lantern.settings, who, "i want to kms tonight")
    status, replies = send(lantern.settings, who, "bye")
    assert status == 200 and "988" in texts(replies)[0] and "911" in texts(replies)[0]
    assert replies[0]["custom"]["crisis"] == "active"
    status, replies = send(lantern.settings, who, "bye")  # crisis mode is over now: a plain goodbye
    assert "custom" not in replies[0]


def test_figurative_use_gets_no_full_script(lantern):
    status, replies = send(lantern.settings, "crisis-" + uuid.uuid4().hex[:8], "im dying to get out of this town lol")
    assert status == 200
    assert not any(r.get("custom", {}).get("crisis") in {"overdose", "suicide", "danger"} for r in replies)


@pytest.fixture(scope="module")
def degraded(tmp_path_factory):
    """A separate Lantern whose action server we can stop."""
    s = make_settings(tmp_path_factory.mktemp("degraded"))
    stack = start_stack(s, model=MODEL)
    yield stack
    stack.stop()


def test_crisis_reply_needs_neither_action_server_nor_database(degraded):
    actions = degraded.child("actions")
    actions.process.terminate()
    actions.process.wait(timeout=30)
    status, replies = send(degraded.settings, "sp-" + uuid.uuid4().hex[:8], "he isnt breathing after a shot")
    assert status == 200 and texts(replies)[0].startswith("Call 911")

    who = "sp-" + uuid.uuid4().hex[:8]
    with database_locked(degraded, "EXCLUSIVE"):
        status, body = send(degraded.settings, who, "my girl is od'ing and turning blue")
    assert status == 503 and body["saved"] is False
    first = body["messages"][0]
    assert "911" in first["text"] and first["custom"]["crisis"] == "overdose"
