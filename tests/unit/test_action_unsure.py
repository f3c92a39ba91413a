"""action_unsure: 'idk' reflected; during a ruler, one gentle re-ask."""

from actions.unsure import ActionUnsure
from tests.unit.mi_helpers import bot_event, codes, make_tracker, run

ACTION = ActionUnsure()


def test_not_knowing_is_reflected_not_pushed():
    messages, _ = run(ACTION, make_tracker("idk", "unsure", events=[bot_event("open_question")]))
    assert codes(messages)[0] in ("complex_reflection", "simple_reflection")
    assert len(messages) == 1


def test_idk_during_a_ruler_is_a_gentle_reask():
    messages, slots = run(ACTION, make_tracker("idk", "unsure", slots={"ruler_pending": "confidence"}))
    assert codes(messages)[1] == "closed_question"
    assert slots["ruler_pending"] == "confidence:retry"


def test_idk_to_the_bots_own_question():
    messages, _ = run(ACTION, make_tracker("dunno", "unsure", slots={"last_prompt": "why_not_lower"}))
    assert len(messages) == 1 and codes(messages)[0].endswith("reflection")


def test_an_invitation_only_after_several_reflections():
    events = [bot_event("complex_reflection")] * 3
    messages, _ = run(ACTION, make_tracker("not sure", "unsure", events=events))
    assert codes(messages)[-1] == "open_question"
