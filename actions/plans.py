"""A named next step leads somewhere: reflect it, ask permission to think it through, then when, what might get
in the way and who could help, one question a turn (issue 18, "a named next step leads somewhere").

Blind coders found plans ("ok im gonna call her place tomorrow") met with a stock line or nothing, and the
step left where it was said. The flow is pure: `plan_offer` decides whether to offer, `plan_step_turn` what to
ask after each answer (`last_prompt` says where it stands). Nothing the person types is kept: the bot asks,
reflects the answer in the person's words (actions/echo.py) and moves on.
"""

from __future__ import annotations

from typing import Optional

from actions import cues
from actions.base import Context, Turn
from actions.checkins import checkin_offer, step_label
from actions.phrases import say

# The questions of the flow, in order, by the `last_prompt` that waits for the answer to each.
PLAN_STEPS = {"plan_when": ("plan.obstacle", "plan_obstacle"), "plan_obstacle": ("plan.support", "plan_support")}
PLAN_LAST = "plan_support"
PLAN_PROMPTS = frozenset({*PLAN_STEPS, PLAN_LAST})


def plan_offer(context: Context) -> Optional[Turn]:
    """After a reflected plan: "want to think it through?" (yes / no), unless something is pending already."""
    slots = context.slots
    if slots.get("pending_offer") or slots.get("last_prompt") in PLAN_PROMPTS or not cues.plan_of(context.text):
        return None
    return Turn(
        [say("plan.offer", context.rng, context.said)],
        {"pending_offer": "plan", "last_prompt": None, "plan_step": step_label(context.text)},
    )


def plan_start_turn(context: Context) -> Turn:
    """Yes to thinking it through: the first question."""
    return Turn([say("plan.when", context.rng, context.said)], {"pending_offer": None, "last_prompt": "plan_when"})


def plan_step_turn(context: Context) -> Optional[Turn]:
    """The next question after an answer in the flow, or the close after the last; None outside the flow."""
    prompt = context.slots.get("last_prompt")
    if prompt in PLAN_STEPS:
        key, waiting = PLAN_STEPS[prompt]
        return Turn([say(key, context.rng, context.said)], {"last_prompt": waiting})
    if prompt == PLAN_LAST:  # the plan is thought through: a check-in may help it hold (actions/checkins.py)
        return Turn([say("plan.close", context.rng, context.said)], {"last_prompt": None}).extend(
            checkin_offer(context)
        )
    return None
