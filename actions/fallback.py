"""action_fallback: what Lantern does with a message the intent classifier is unsure of.

Before saying "I didn't get that", it checks whether the message is still
something the conversation can use: a ruler number while a ruler is pending, or
clear change or sustain talk (the talk-type component is confident, or the words
name a reason or a worry). Then it reflects, as for `share`. Otherwise the kind
utter_default (domain/core.yml).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import cues, mi
from actions.base import Context, MIAction, Turn, send, stamp_memory
from actions.reflect import reflect_turn
from actions.rulers import reply_turn

RESCUE_CONFIDENCE = 0.7


def rescue_turn(context: Context) -> Optional[Turn]:
    """A reflection or ruler reply for a message that can still be used, else None."""
    if context.slots.get("ruler_pending"):
        answer = cues.parse_ruler(context.text)
        if answer.status in ("number", "unknown"):
            return reply_turn(answer, context)
    change, sustain = cues.themes(context.text)
    talk = context.talk or {}
    confident = talk.get("name") in ("change", "sustain") and float(talk.get("confidence") or 0) >= RESCUE_CONFIDENCE
    if confident or change or sustain:
        return reflect_turn(context)
    return None


class ActionFallback(MIAction):
    """`nlu_fallback`: rescue what can be used, else the kind default reply."""

    action_name = "action_fallback"
    max_messages = 3

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        import time

        context = Context.of(tracker)
        turn = rescue_turn(context)
        if turn is None:
            dispatcher.utter_message(response="utter_default")
            return []
        return send(dispatcher, stamp_memory(context.slots, turn, time.time()))
