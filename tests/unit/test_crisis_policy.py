"""CrisisPolicy's reading of the tracker: the state a turn starts from, and the actions it plays."""

from typing import Any, Dict, Optional

from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from lantern.crisis.dialogue import LISTEN, crisis_turn
from rasa_plugins.policies.crisis import actions_since_message, context_from_tracker, next_action, slots_before_message


def _user(
    text: str, intent: str, level: str = "none", category: Optional[str] = None, by: Optional[str] = None, **signal: Any
) -> UserUttered:
    parse: Dict[str, Any] = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
        "crisis": {"level": level, "category": category, "confidence": 0.9, "by": by},
        "crisis_signal": {
            "risk": 0.0,
            "category": "suicide",
            "answer": "unclear",
            "answer_confidence": 0.0,
            "update": "other",
            "update_confidence": 0.0,
            "question": None,
            "question_confidence": 0.0,
            "literal": None,
            "words": len(text.split()),
            **signal,
        },
    }
    return UserUttered(text, parse["intent"], [], parse)


def _tracker(*events):
    return DialogueStateTracker.from_events("t", list(events))


def test_next_action_follows_a_sequence_and_never_takes_over_another_turn():
    seq = ["utter_crisis_overdose_call", "utter_crisis_overdose_steps", LISTEN]
    assert next_action(seq, []) == "utter_crisis_overdose_call"
    assert next_action(seq, seq[:2]) == LISTEN
    assert next_action(seq, seq) is None
    assert next_action(seq, ["utter_greet"]) is None


def test_slots_are_read_as_they_were_when_the_message_arrived():
    """Slot mappings set crisis_active for a crisis intent before any policy runs: that is not crisis mode yet."""
    tracker = _tracker(
        _user("he wont wake up", "crisis_overdose", "crisis", "overdose"),
        SlotSet("crisis_active", True),
        SlotSet("crisis_type", "overdose"),
    )
    assert tracker.get_slot("crisis_active") is True
    assert slots_before_message(tracker) == {"crisis_active": False, "crisis_type": None}
    ctx = context_from_tracker(tracker)
    assert ctx is not None and not ctx.crisis_active
    assert crisis_turn(ctx).actions[0] == "utter_crisis_overdose_call"


def test_goodbye_that_clears_the_slot_is_still_answered_in_crisis_mode():
    before = [
        _user("i dont want to be alive", "crisis_suicide", "crisis", "suicide"),
        SlotSet("crisis_active", True),
        SlotSet("crisis_type", "suicide"),
        ActionExecuted("utter_crisis_suicide_call"),
        ActionExecuted("utter_crisis_suicide_stay"),
        ActionExecuted(LISTEN),
    ]
    tracker = _tracker(*before, _user("bye", "goodbye"), SlotSet("crisis_active", False))
    assert slots_before_message(tracker)["crisis_active"] is True
    turn = crisis_turn(context_from_tracker(tracker))
    assert turn.actions == ("utter_crisis_goodbye",)


def test_the_check_in_kind_and_the_last_bot_action_are_read_from_the_tracker():
    tracker = _tracker(
        _user("gave my dog to my sister", "share", "check_in", "suicide", risk=0.6),
        ActionExecuted("utter_crisis_check_suicide"),
        ActionExecuted(LISTEN),
        _user("yeah", "affirm", answer="yes", answer_confidence=0.9, literal="yes"),
    )
    ctx = context_from_tracker(tracker)
    assert ctx.last_bot_action == "utter_crisis_check_suicide"
    assert ctx.check_in_kind == "suicide"
    turn = crisis_turn(ctx)
    assert turn.actions == ("utter_crisis_suicide_call", "utter_crisis_suicide_stay")
    assert dict(turn.events) == {"crisis_active": True, "crisis_type": "suicide"}


def test_risks_of_earlier_messages_add_up_until_a_crisis_reply():
    tracker = _tracker(
        _user("so tired of everything", "share", risk=0.3),
        ActionExecuted("utter_reflect"),
        ActionExecuted(LISTEN),
        _user("got a bottle of pills saved", "share", risk=0.5),
    )
    ctx = context_from_tracker(tracker)
    assert ctx.previous_risks == (0.3,)
    assert crisis_turn(ctx).actions[0].startswith("utter_crisis_check")
    answered = _tracker(
        _user("so tired of everything", "share", risk=0.3),
        ActionExecuted("utter_crisis_check"),
        ActionExecuted(LISTEN),
        _user("nah", "deny", risk=0.0),
        ActionExecuted("utter_crisis_check_no"),
        ActionExecuted(LISTEN),
        _user("anyway got a bottle saved", "share", risk=0.5),
    )
    assert context_from_tracker(answered).previous_risks == ()  # the answered check-in starts afresh


def test_a_check_in_the_meaning_model_asked_for_alone_is_not_asked_again_soon_after():
    """Blind conversations: the person who had just answered a check-in was asked again a few messages later."""
    events = [
        _user("my wife left in june", "crisis_check", "check_in", "suicide", by="signal", risk=0.6),
        ActionExecuted("utter_crisis_check_suicide"),
        ActionExecuted(LISTEN),
        _user("no nothing like that", "deny", answer="no", answer_confidence=0.9),
        ActionExecuted("utter_crisis_check_no"),
        ActionExecuted(LISTEN),
    ]
    again = _user("i keep thinking shed be disappointed", "crisis_check", "check_in", "suicide", by="signal", risk=0.7)
    ctx = context_from_tracker(_tracker(*events, again))
    assert ctx.signal_only and ctx.recent_check_in
    assert crisis_turn(ctx).actions == ("action_reflect",)
    by_words = _user("i have the pills right here", "crisis_check", "check_in", "suicide", by="patterns", risk=0.7)
    assert crisis_turn(context_from_tracker(_tracker(*events, by_words))).actions == ("utter_crisis_check_suicide",)


def test_the_actions_already_taken_this_turn_are_listed_without_bookkeeping():
    tracker = _tracker(
        _user("x", "crisis_danger", "crisis", "danger"),
        ActionExecuted("action_extract_slots"),
        ActionExecuted("utter_crisis_danger_call"),
    )
    assert actions_since_message(list(tracker.events)) == ["utter_crisis_danger_call"]


def test_odd_parse_data_still_gives_a_context():
    tracker = _tracker(
        UserUttered("hi", {"name": "greet", "confidence": 1.0}, [], {"crisis": "??", "crisis_signal": 5})
    )
    ctx = context_from_tracker(tracker)
    assert ctx.risk == 0.0 and ctx.level == "none"
    assert crisis_turn(ctx) is None
