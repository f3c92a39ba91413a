"""action_fallback: rescue clear change or sustain talk and ruler numbers; else the kind default."""

from actions.base import Context
from actions.fallback import ActionFallback, rescue_turn
from tests.unit.mi_helpers import CHANGE, make_tracker, run


def test_clear_change_talk_is_reflected_even_when_the_intent_is_unsure():
    turn = rescue_turn(Context.plain("tbh the fent is costing me everything", {}, CHANGE))
    assert turn is not None and turn.messages[0].mi.endswith("reflection")


def test_a_number_during_a_ruler_is_a_ruler_answer():
    turn = rescue_turn(Context.plain("mmm 7 i think??", {"ruler_pending": "importance"}))
    assert turn.slots["importance"] == 7.0


def test_nothing_usable_gets_the_default_response():
    messages, slots = run(ActionFallback(), make_tracker("asdf qwer", "nlu_fallback"))
    assert len(messages) == 1 and messages[0].get("response") == "utter_default"
    assert slots == {}


def test_a_statement_that_can_be_said_back_is_reflected_not_missed():
    """Blind conversation coders: "yeah i smoke rock. been smoking since clinton" got "Sorry, I missed that"."""
    turn = rescue_turn(Context.plain("yeah i smoke rock. been smoking since clinton", {}))
    assert turn is not None and "You" in turn.messages[0].text
    assert rescue_turn(Context.plain("u alright for a robot", {})) is None  # nothing of theirs to say back
    messages, _ = run(ActionFallback(), make_tracker("blue green very", "nlu_fallback"))
    assert messages[0].get("response") == "utter_default"
