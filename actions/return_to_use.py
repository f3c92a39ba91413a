"""action_return_to_use: no shame, the time achieved still counts, then (rule) the tolerance note and
"what helped before?".

Recovery is often serial (mi-style.md): the reply affirms the time the person had
("3 months without using is real") and says plainly that a return to use does not
erase it. The rule follows with utter_tolerance_note (overdose risk after time off
opioids, always) and utter_ask_what_helped; the answer to that is reflected by
action_reflect as change talk (last_prompt = what_helped).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import cues, mi
from actions.base import Context, MIAction, Turn
from actions.phrases import say
from actions.reflect import reflect_turn


def return_turn(context: Context) -> Optional[Turn]:
    """The affirmation, or None when the words say nothing about using again (the classifier erred)."""
    if not cues.is_return_to_use(context.text):
        return None
    length = cues.duration(context.text)
    rng, recent = context.rng, context.said
    message = (
        say("return.affirm.duration", rng, recent, duration=length)
        if length
        else say("return.affirm.general", rng, recent)
    )
    slots: Dict[str, Any] = {"last_prompt": "what_helped", "pending_offer": None, "ruler_pending": None}
    if length:
        slots["steps_taken"] = mi.add_unique(context.slots.get("steps_taken"), ["days"])
    return Turn([message], slots)


class ActionReturnToUse(MIAction):
    """`return_to_use`: affirm the time achieved, without shame.

    If the words say nothing about using again, the message is reflected like any other
    (action_reflect's answer) and the rule's tolerance note and question are skipped: the
    conversation goes back to listening.
    """

    action_name = "action_return_to_use"
    max_messages = 1

    def decide(self, context: Context) -> Turn:
        return return_turn(context) or just_the_reflection(context)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        if not cues.is_return_to_use(mi.text_of(tracker)):  # reflected only: skip the rule's next steps
            events.append(FollowupAction("action_listen"))
        return events


def just_the_reflection(context: Context) -> Turn:
    """action_reflect's reflection alone (no follow-up question): the rule's turn ends here."""
    turn = reflect_turn(context)
    turn.messages = turn.messages[:1]
    turn.slots = {
        k: v for k, v in turn.slots.items() if k not in ("ruler_pending", "ruler_asked", "pending_offer", "summary_at")
    }
    turn.slots["last_prompt"] = None
    return turn


SAMPLE_MESSAGES = [
    "i relapsed after 3 months",
    "used again after like a year clean",
    "slipped up last night",
    "i was 90 days sober and i used",
    "back at it after a couple weeks off",
]


def sample_texts() -> List[str]:
    texts: List[str] = []
    for message in SAMPLE_MESSAGES:
        for seed in range(3):
            texts.extend(m.text for m in ActionReturnToUse().decide(Context.plain(message, seed=seed)).messages)
    return texts
