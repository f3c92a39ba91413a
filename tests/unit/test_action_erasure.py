"""Deleting the conversation in the chat (actions/erasure.py): confirm first, yes deletes, no keeps, crisis first."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from actions.base import Context
from actions.erasure import (
    ERASE_SLOT,
    PENDING_SLOT,
    ActionErasureAnswer,
    ActionErasureAsk,
    asked_before,
    crisis_before,
    erasure_turn,
    sample_texts,
)
from actions.privacy import ActionPrivacy
from tests.unit.mi_helpers import make_tracker, run
from tools import lint


def user(text: str = "...", intent: str = "share") -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def action(name: str) -> Dict[str, Any]:
    return {"event": "action", "name": name}


def bot(text: str = "...", crisis: str = "") -> Dict[str, Any]:
    event: Dict[str, Any] = {"event": "bot", "text": text, "data": {}, "metadata": {"mi": "structure"}}
    if crisis:
        event["data"] = {"custom": {"crisis": crisis, "emergency_number": "911"}}
        event["metadata"] = {"mi": "closed_question", "crisis": crisis}
    return event


def after_question(answer: str, intent: str) -> List[Dict[str, Any]]:
    return [
        action("action_listen"),
        user("delete my chat", "request_erasure"),
        action("action_erasure_ask"),
        bot("Want me to delete this whole conversation? ... Yes or no?"),
        {"event": "slot", "name": PENDING_SLOT, "value": True},
        action("action_listen"),
        user(answer, intent),
    ]


# ------------------------------------------------------------------ the pure decision


def test_a_request_is_asked_to_confirm_first():
    turn = erasure_turn(Context.plain("delete my chat", intent="request_erasure"))
    assert len(turn.messages) == 1 and turn.messages[0].mi == "closed_question"
    text = turn.messages[0].text
    assert "delete" in text and "Yes or no?" in text
    assert [payload for _, payload in turn.messages[0].buttons] == ["/affirm", "/deny"]
    assert turn.slots[PENDING_SLOT] is True and ERASE_SLOT not in turn.slots
    assert turn.slots["pending_offer"] is None  # "yes" now answers this question, not an earlier offer


@pytest.mark.parametrize("intent", ["affirm", "request_erasure"])
def test_yes_after_the_question_deletes_and_says_done(intent):
    for seed in range(4):
        turn = erasure_turn(Context.plain("yes", intent=intent, seed=seed), asked=True)
        assert turn.slots == {ERASE_SLOT: True, PENDING_SLOT: None}
        text = turn.messages[0].text
        assert text.startswith("Done") and "deleted" in text and "start again" in text


def test_no_after_the_question_keeps_everything_and_says_so():
    for seed in range(4):
        turn = erasure_turn(Context.plain("no", intent="deny", seed=seed), asked=True)
        assert ERASE_SLOT not in turn.slots and turn.slots[PENDING_SLOT] is None
        text = turn.messages[0].text.lower()
        assert "kept" in text or "nothing is deleted" in text


@pytest.mark.parametrize("intent", ["affirm", "request_erasure", "deny"])
def test_in_a_crisis_nothing_is_deleted_and_the_number_comes_first(intent):
    context = Context.plain("yes", intent=intent, slots={"emergency_number": "112"})
    turn = erasure_turn(context, asked=True, crisis=True)
    assert ERASE_SLOT not in turn.slots and turn.slots[PENDING_SLOT] is None
    text = turn.messages[0].text
    assert "call 112 now" in text and "once you're safe" in text.lower()


def test_a_yes_with_no_question_pending_deletes_nothing():
    turn = erasure_turn(Context.plain("ok", intent="affirm"), asked=False)
    assert ERASE_SLOT not in turn.slots and "Nothing has been deleted" in turn.messages[0].text


def test_every_text_passes_the_lint_and_fits_an_sms():
    texts = sample_texts()
    assert len(texts) >= 10
    problems = [p for t in texts for p in lint.check_text(t, None, None, "erasure", check_mi=False)]
    assert problems == []


# ------------------------------------------------------------------ reading the tracker


def test_asked_before_needs_the_question_as_the_last_action_and_the_slot():
    events = after_question("yes", "affirm")
    assert asked_before(events, {PENDING_SLOT: True})
    assert not asked_before(events, {PENDING_SLOT: None})
    later = events[:-1] + [action("action_reflect"), bot(), action("action_listen"), user("yes", "affirm")]
    assert not asked_before(later, {PENDING_SLOT: True})  # a stale slot does not count: the question was earlier
    assert not asked_before([user("yes", "affirm")], {PENDING_SLOT: True})


def test_crisis_before_reads_crisis_mode_and_the_bots_last_turn():
    calm = [action("action_listen"), user("hi", "greet"), action("action_greet"), bot(), action("action_listen")]
    assert not crisis_before(calm + [user("delete my chat", "request_erasure")], {})
    assert crisis_before(calm + [user("delete my chat", "request_erasure")], {"crisis_active": True})
    still_here = bot("I'm still here...", crisis="active")
    crisis_turn = [action("utter_crisis_still_here"), still_here, action("action_listen")]
    just_after = calm + [user("x", "share")] + crisis_turn + [user("delete my chat", "request_erasure")]
    assert crisis_before(just_after, {"crisis_active": False})  # crisis mode ended on this very message
    asked_again = just_after + [action("action_erasure_ask"), bot(), action("action_listen"), user("delete my chat")]
    assert not crisis_before(asked_again, {})  # declined once; asking again after that gets the question


# ------------------------------------------------------------------ the actions, as the action server runs them


def test_the_ask_action_asks_and_the_answer_action_deletes():
    messages, slots = run(ActionErasureAsk(), make_tracker("delete my chat", "request_erasure"))
    assert "Yes or no?" in messages[0]["text"] and slots[PENDING_SLOT] is True
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]

    events = after_question("yes", "affirm")
    messages, slots = run(ActionErasureAnswer(), make_tracker("yes", "affirm", {PENDING_SLOT: True}, events))
    assert messages[0]["text"].startswith("Done") and slots[ERASE_SLOT] is True


def test_the_same_request_again_right_after_the_question_is_a_yes():
    events = after_question("yes delete it", "request_erasure")
    tracker = make_tracker("yes delete it", "request_erasure", {PENDING_SLOT: True}, events)
    messages, slots = run(ActionErasureAsk(), tracker)
    assert slots[ERASE_SLOT] is True and messages[0]["text"].startswith("Done")


def test_the_answer_action_keeps_everything_on_no():
    events = after_question("no", "deny")
    messages, slots = run(ActionErasureAnswer(), make_tracker("no", "deny", {PENDING_SLOT: True}, events))
    assert ERASE_SLOT not in slots and slots[PENDING_SLOT] is None


def test_a_request_in_crisis_mode_is_declined_kindly():
    slots_in = {"crisis_active": True, "emergency_number": "911"}
    messages, slots = run(ActionErasureAsk(), make_tracker("delete my chat", "request_erasure", slots_in))
    assert ERASE_SLOT not in slots and PENDING_SLOT in slots and slots[PENDING_SLOT] is None
    assert "call 911 now" in messages[0]["text"]


def test_the_privacy_answer_says_how_to_delete_in_the_chat(monkeypatch):
    monkeypatch.setenv("LANTERN_SUPPORT_CONTACT", "privacy@example.org")
    messages, _ = run(ActionPrivacy(), make_tracker("can i delete this chat", "ask_privacy"))
    first = messages[0]["text"]
    assert "'delete my chat'" in first and "gone for good" in first and "privacy@example.org" in first
    assert "can't delete" not in " ".join(m["text"] for m in messages)
