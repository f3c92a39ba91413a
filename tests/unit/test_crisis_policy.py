"""CrisisPolicy's pure logic: which action comes next in a crisis turn."""
from bot.crisis.policy import DEACTIVATE, LISTEN, crisis_sequence, next_action


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
