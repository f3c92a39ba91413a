"""A named next step leads somewhere (actions/plans.py): offer, when, what might get in the way, who could help."""

import pytest

from actions import cues
from actions.base import Context
from actions.offers import accept_turn, decline_turn
from actions.plans import PLAN_PROMPTS
from actions.reflect import reflect_turn


@pytest.mark.parametrize(
    "text, plan",
    [
        ("ok im gonna call her place tomorrow. worst they say is no", True),
        ("i think ill ask my sister to drive me", True),
        ("gonna hit up the outreach van tmrw they might have kits", True),
        ("im gonna get high tonight", False),  # using is not a step toward change
        ("ima grab some dope", False),
        ("im not gonna call them", False),
        ("if i do end up using im not gonna do it alone", False),
        ("should i call them?", False),  # a question
    ],
)
def test_a_plan_is_a_step_the_person_says_they_will_take(text, plan):
    assert cues.plan_of(text) is plan


def test_a_plan_is_said_back_then_thinking_it_through_is_offered_with_yes_and_no():
    turn = reflect_turn(Context.plain("ok im gonna call her place tomorrow"))
    assert turn.messages[0].text == "You're going to call her place tomorrow."
    assert turn.messages[-1].mi == "permission" and [p for _, p in turn.messages[-1].buttons] == ["/affirm", "/deny"]
    assert turn.slots["pending_offer"] == "plan"


def test_yes_walks_through_when_what_might_get_in_the_way_and_who_could_help_then_closes():
    turn = accept_turn(Context.plain("yeah", {"pending_offer": "plan"}))
    assert turn.slots == {"pending_offer": None, "last_prompt": "plan_when"} and turn.messages[0].mi == "open_question"
    seen = []
    slots = {"last_prompt": "plan_when"}
    for answer in ("tomorrow morning", "my phone might be dead lol", "my sister could drive me there"):
        turn = reflect_turn(Context.plain(answer, dict(slots)))
        seen.append([m.mi for m in turn.messages])
        slots = {**slots, **turn.slots}
    assert seen[0] == ["open_question"]  # "tomorrow morning": nothing to say back, the next question
    assert seen[1] == ["simple_reflection", "open_question"]
    # The close; then, in a chat with no phone number, once, that check-ins need SMS (actions/checkins.py).
    assert seen[2] == ["simple_reflection", "affirm", "information"]
    assert slots["last_prompt"] is None and not (set(PLAN_PROMPTS) & {slots["last_prompt"]})


def test_no_is_respected_and_a_plan_is_not_offered_twice_in_the_flow():
    assert decline_turn(Context.plain("nah", {"pending_offer": "plan"})).slots["pending_offer"] is None
    inside = reflect_turn(Context.plain("im gonna ask my sister", {"last_prompt": "plan_obstacle"}))
    assert "pending_offer" not in inside.slots
