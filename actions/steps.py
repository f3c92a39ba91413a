"""action_affirm_step: affirm a reported step specifically, then invite (never push) a next step.

Steps (actions/cues.py STEP_PATTERNS): got naloxone, not using alone, testing the supply,
using less, a day off, a safer route, called a clinic, started treatment, a meeting,
N days without use. The affirmation names the step and the effort; a complex reflection
says what it shows about the person; then the invitation ("what might come next, if
anything?"), which keeps recovery in view: a step is never the end point. The invitation
is not repeated when the last turn already asked it (two steps reported in a row).
"""

from __future__ import annotations

from typing import Any, Dict, List

from actions import cues, mi
from actions.base import Context, MIAction, Turn
from actions.echo import echo
from actions.phrases import Message, has, say
from actions.reflect import reflect_turn

STEP_ONLY_WORDS = 8  # a longer message says more than the step ("... and they put me on a waitlist")


def step_turn(context: Context) -> Turn:
    """Affirmation and reflection for the most specific step in the message.

    When the words name no step at all ("now i buy them off the street"), the classifier
    was probably wrong: affirming it would be worse than useless, so it is reflected as
    anything else the person shares.
    """
    key = cues.step_of_report(context.text)
    if key is None or (key not in cues.steps(context.text) + ["general"] and not cues.words_only_step(context.text)):
        # No step pattern matched, only a word ("clinic", "script"), and nothing says the person did it: they
        # may be telling of a barrier ("they put me on a waitlist"), so it is said back rather than praised.
        return reflect_turn(context)
    found = [key] if key != "general" else []
    rng, recent = context.rng, context.said
    if key == "days":
        length = cues.step_duration(context.text)
        affirm = (
            say("step.affirm.days", rng, recent, duration=length)
            if length
            else say("step.affirm.days_vague", rng, recent)
        )
    else:
        affirm = say(f"step.affirm.{key}", rng, recent)
    reflect_key = f"step.reflect.{key}" if has(f"step.reflect.{key}") else "step.reflect.general"
    slots: Dict[str, Any] = {"last_prompt": "next_step", "pending_offer": None}
    if found:
        slots["steps_taken"] = mi.add_unique(context.slots.get("steps_taken"), found)
    # The rest of the message said back (a barrier, a person, a plan) when there is one; else what the step shows.
    said = echo(context.text) if len(context.text.split()) > STEP_ONLY_WORDS else None
    messages = [affirm, Message(said, "simple_reflection") if said else say(reflect_key, rng, recent)]
    if context.slots.get("last_prompt") != "next_step":
        messages.append(say("step.invite", rng, recent))
    return Turn(messages, slots)


class ActionAffirmStep(MIAction):
    """`report_step`: affirm the step and what it says about the person, invite a next step."""

    action_name = "action_affirm_step"
    max_messages = 3
    takes_answers = True

    def decide(self, context: Context) -> Turn:
        return step_turn(context)


SAMPLE_MESSAGES = [
    "got narcan today",
    "i didnt use alone last night",
    "tested my stuff with fent strips",
    "i cut down to half",
    "didnt use yesterday",
    "switched to smoking instead of shooting",
    "called the clinic",
    "started subs monday",
    "went to my first na meeting",
    "30 days clean today",
    "a couple weeks sober",
    "been off it for a while now",
    "i threw out my stash",
    "now i buy them off the street",
]


def sample_texts() -> List[str]:
    texts: List[str] = []
    for message in SAMPLE_MESSAGES:
        for seed in range(4):
            texts.extend(m.text for m in step_turn(Context.plain(message, seed=seed)).messages)
    return texts
