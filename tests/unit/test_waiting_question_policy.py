"""WaitingQuestionPolicy (rasa_plugins/policies/answers.py): an answer to the waiting check-in question goes to it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Optional

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from lantern.checkins import questions
from rasa_plugins.policies.answers import WaitingQuestionPolicy

NOW = datetime(2026, 12, 9, 21, 0, tzinfo=timezone.utc)


def tracker(text: str, intent: str, slots: Dict[str, Any], after: Optional[str] = None) -> DialogueStateTracker:
    t = DialogueStateTracker.from_events("t", [], slots=[])
    from rasa.shared.core.slots import AnySlot

    for name in ("last_prompt", "timezone", "referral_place"):
        t.slots[name] = AnySlot(name, mappings=[])
    events = [ActionExecuted("action_listen")] + [SlotSet(k, v) for k, v in slots.items()]
    events.append(UserUttered(text, {"name": intent, "confidence": 0.9}))
    if after:
        events.append(ActionExecuted(after))
    for e in events:
        t.update(e)
    return t


@pytest.mark.parametrize(
    "text, intent, slots, expected",
    [
        ("central", "referral_request", {"last_prompt": "checkin_tz"}, "action_reflect"),
        ("im in 60614", "share", {"last_prompt": "checkin_tz"}, "action_reflect"),
        ("tomorrow at 2pm", "greet", {"last_prompt": "checkin_when", "timezone": "America/Chicago"}, "action_reflect"),
        # Not an answer: the message keeps its own intent.
        ("can i talk to a real person", "ask_human", {"last_prompt": "checkin_tz"}, None),
        ("whatever", "share", {"last_prompt": "checkin_when", "timezone": "America/Chicago"}, None),
        # No question waiting: nothing to take.
        ("central", "referral_request", {}, None),
        ("friday", "share", {"last_prompt": "plan_when"}, None),
    ],
)
def test_an_answer_goes_to_the_question_and_anything_else_keeps_its_intent(text, intent, slots, expected):
    assert WaitingQuestionPolicy._next(tracker(text, intent, slots)) == expected


def test_after_the_answer_the_bot_listens():
    t = tracker("central", "referral_request", {"last_prompt": "checkin_tz"}, after="action_reflect")
    assert WaitingQuestionPolicy._next(t) == "action_listen"


def test_the_shared_reading():
    assert questions.answers("checkin_tz", "pacific time", {}, NOW)
    assert questions.answers("checkin_when", "fri eve", {"referral_place": "60614"}, NOW)
    assert not questions.answers("checkin_when", "fri eve", {}, NOW)  # no zone known yet
    assert questions.known_zone({"referral_place": "Dayton, OH"}) is None
