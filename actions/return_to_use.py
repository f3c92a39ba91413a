"""action_return_to_use: no shame, the time achieved still counts, then (rule) the tolerance note and
"what helped before?".

Recovery is often serial (mi-style.md): the reply affirms the time the person had
("3 months without using is real") and says plainly that a return to use does not
erase it. The rule follows with utter_tolerance_note (overdose risk after time off
opioids, always) and utter_ask_what_helped; the answer to that is reflected by
action_reflect as change talk (last_prompt = what_helped).
"""
from __future__ import annotations

from typing import List

from actions import cues, mi
from actions.base import Context, MIAction, Turn
from actions.phrases import say


def return_turn(context: Context) -> Turn:
    length = cues.duration(context.text)
    rng, recent = context.rng, context.recent
    message = (say("return.affirm.duration", rng, recent, duration=length) if length
               else say("return.affirm.general", rng, recent))
    slots = {"last_prompt": "what_helped", "pending_offer": None, "ruler_pending": None}
    if length:
        slots["steps_taken"] = mi.add_unique(context.slots.get("steps_taken"), ["days"])
    return Turn([message], slots)


class ActionReturnToUse(MIAction):
    """`return_to_use`: affirm the time achieved, without shame."""

    action_name = "action_return_to_use"
    max_messages = 1

    def decide(self, context: Context) -> Turn:
        return return_turn(context)


SAMPLE_MESSAGES = ["i relapsed after 3 months", "used again after like a year clean", "slipped up last night",
                   "i was 90 days sober and i used", "back at it after a couple weeks off"]


def sample_texts() -> List[str]:
    texts: List[str] = []
    for message in SAMPLE_MESSAGES:
        for seed in range(3):
            texts.extend(m.text for m in return_turn(Context.plain(message, seed=seed)).messages)
    return texts
