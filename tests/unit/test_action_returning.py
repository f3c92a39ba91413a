"""Returning people: session start carries memory (within retention), the greeting recaps, start fresh clears."""

import asyncio
import time

from rasa_sdk.executor import CollectingDispatcher

from actions.base import Context, Turn, stamp_memory
from actions.greet import ActionGreet
from actions.returning import ActionStartFresh, recap
from actions.session import ActionSessionStart
from lantern.memory import MEMORY_SLOTS, carried_slots, expired
from tests.unit.mi_helpers import codes, make_tracker, run

MEMORY = {
    "change_themes": ["family", "less"],
    "who": "your kids",
    "steps_taken": ["naloxone"],
    "memory_since": time.time() - 86400,
}


def test_session_start_carries_memory_and_drops_turn_state():
    slots = {
        **MEMORY,
        "ruler_pending": "importance",
        "pending_offer": "recovery_menu",
        "last_prompt": "invite",
        "crisis_active": False,
        "paused": False,
        "session_started_metadata": {"x": 1},
    }
    carried = carried_slots(slots, time.time(), 90)
    assert carried["change_themes"] == ["family", "less"] and carried["memory_from_before"] is True
    assert "ruler_pending" not in carried and "pending_offer" not in carried and "last_prompt" not in carried
    assert carried["crisis_active"] is False  # everything else is carried over as Rasa does
    assert carried["session_started_metadata"] == {"x": 1}  # as Rasa's own session start does


def test_memory_older_than_retention_is_dropped():
    old = {**MEMORY, "memory_since": time.time() - 100 * 86400}
    carried = carried_slots(old, time.time(), 90)
    assert "change_themes" not in carried and carried["memory_from_before"] is False
    assert carried_slots(old, time.time(), 0)["memory_from_before"] is True  # 0: kept until staff delete it
    assert expired(10.0, 10.0 + 91 * 86400, 90) and not expired(None, 1e9, 90)


def test_session_start_action_events():
    tracker = make_tracker("hi", "greet", slots={**MEMORY, "ruler_pending": "importance"})
    events = asyncio.run(ActionSessionStart().run(CollectingDispatcher(), tracker, {}))
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"
    names = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert names["memory_from_before"] is True and "ruler_pending" not in names


def test_greeting_recaps_and_offers_a_choice(monkeypatch):
    monkeypatch.setenv("LANTERN_ORG_NAME", "Harbor Health")
    messages, slots = run(ActionGreet(), make_tracker("hey", "greet", slots={**MEMORY, "memory_from_before": True}))
    assert codes(messages) == ["structure", "summary", "closed_question"]
    assert messages[0]["text"].startswith("Welcome back")
    assert "want to be there for your kids" in messages[1]["text"] and "picked up naloxone" in messages[1]["text"]
    assert "start fresh" in messages[2]["text"]
    assert {k: v for k, v in slots.items() if k != "said"} == {"pending_offer": "resume", "memory_from_before": False}
    assert messages[2]["buttons"] == [
        {"title": "Pick up from there", "payload": "/affirm"},
        {"title": "Start fresh", "payload": "/start_fresh"},
    ]


def test_greeting_without_memory_is_the_first_visit_greeting():
    messages, _ = run(ActionGreet(), make_tracker("hey", "greet"))
    assert codes(messages) == ["structure", "open_question"]
    assert messages[0]["text"].startswith("Hi, I'm Lantern")


def test_recap_for_a_family_member():
    message = recap(Context.plain("", {"role": "family", "who": "your son"}))
    assert message.text == "Last time we talked, you were worried about your son."


def test_start_fresh_clears_memory_and_says_so():
    messages, slots = run(ActionStartFresh(), make_tracker("start fresh", "start_fresh", slots=MEMORY))
    assert codes(messages) == ["structure", "open_question"]
    assert "won't bring up" in messages[0]["text"] or "set aside" in messages[0]["text"]
    for name in MEMORY_SLOTS + ("memory_since",):
        assert slots[name] is None


def test_memory_is_stamped_when_first_kept():
    turn = stamp_memory({}, Turn(slots={"change_themes": ["family"]}), 123.0)
    assert turn.slots["memory_since"] == 123.0
    turn = stamp_memory({"memory_since": 50.0}, Turn(slots={"change_themes": ["family"]}), 123.0)
    assert "memory_since" not in turn.slots
