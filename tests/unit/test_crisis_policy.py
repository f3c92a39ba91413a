"""CrisisPolicy's pure logic: which action comes next in a crisis turn."""
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.crisis.policy import DEACTIVATE, LISTEN, crisis_mode, crisis_sequence, next_action


def test_overdose_script_then_listen():
    seq = crisis_sequence("crisis_overdose", crisis_active=True, loop_active=False)
    assert seq == ["utter_crisis_overdose_call", "utter_crisis_overdose_steps", "utter_crisis_good_samaritan", LISTEN]
    assert next_action(seq, []) == "utter_crisis_overdose_call"
    assert next_action(seq, seq[:3]) == LISTEN
    assert next_action(seq, seq) is None


def test_no_good_samaritan_note_when_the_locale_has_none():
    seq = crisis_sequence("crisis_overdose", crisis_active=True, loop_active=False, good_samaritan=False)
    assert "utter_crisis_good_samaritan" not in seq


def test_an_active_form_is_ended_before_listening():
    seq = crisis_sequence("crisis_suicide", crisis_active=True, loop_active=True)
    assert seq[-2:] == [DEACTIVATE, LISTEN]
    assert next_action(seq, seq[:-1]) == LISTEN


def test_crisis_mode_keeps_the_emergency_step_until_safe():
    assert crisis_sequence("bot_challenge", crisis_active=True, loop_active=False)[0] == "utter_crisis_still_here"
    assert crisis_sequence("crisis_safe", crisis_active=True, loop_active=False)[0] == "utter_crisis_safe"
    assert crisis_sequence("goodbye", crisis_active=True, loop_active=False)[0] == "utter_crisis_goodbye"


def test_outside_crisis_the_policy_stays_silent():
    assert crisis_sequence("greet", crisis_active=False, loop_active=False) is None


def test_a_turn_that_went_elsewhere_is_not_taken_over():
    seq = crisis_sequence("crisis_danger", crisis_active=True, loop_active=False)
    assert next_action(seq, ["utter_greet"]) is None


def _tracker(*events):
    return DialogueStateTracker.from_events("t", list(events))


def test_goodbye_that_clears_the_slot_still_counts_as_crisis_mode():
    """Slot mappings set crisis_active=false for goodbye before any policy runs."""
    before = [UserUttered("i dont want to be alive", {"name": "crisis_suicide"}), SlotSet("crisis_active", True),
              ActionExecuted("utter_crisis_suicide_call"), ActionExecuted(LISTEN)]
    tracker = _tracker(*before, UserUttered("bye", {"name": "goodbye"}), SlotSet("crisis_active", False))
    assert tracker.get_slot("crisis_active") is False
    assert crisis_mode(tracker) is True


def test_after_a_safe_turn_crisis_mode_is_over():
    tracker = _tracker(UserUttered("od", {"name": "crisis_overdose"}), SlotSet("crisis_active", True),
                       ActionExecuted(LISTEN), UserUttered("hes ok", {"name": "crisis_safe"}),
                       SlotSet("crisis_active", False), ActionExecuted("utter_crisis_safe"), ActionExecuted(LISTEN),
                       UserUttered("bye", {"name": "goodbye"}), SlotSet("crisis_active", False))
    assert crisis_mode(tracker) is False
    assert crisis_mode(_tracker(UserUttered("hi", {"name": "greet"}))) is False
