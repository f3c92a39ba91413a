"""action_fallback: what Lantern does with a message the intent classifier is unsure of.

Before saying "I didn't get that", it checks whether the message is still
something the conversation can use: a ruler number while a ruler is pending; a
question about a known topic (naloxone, methadone, how to talk with my son...),
answered as `ask_info`; clear change or sustain talk (the talk-type component is
confident, or the words name a reason or a worry), an answer to the bot's own
question, or a statement about their life that can be said back in their words
(actions/echo.py), reflected as `share`. Otherwise the kind utter_default (domain/core.yml).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import cues
from actions.base import Context, MIAction, Turn, send, stamp_memory
from actions.echo import echo
from actions.family import family_turn
from actions.info import info_turn
from actions.mi import REFLECTIONS
from actions.plans import PLAN_PROMPTS
from actions.reflect import EVOKING_PROMPTS, reflect_turn
from actions.rulers import reply_turn

RESCUE_CONFIDENCE = 0.7
SAYABLE_WORDS = 4  # a message this long with a part that can be said back is reflected, not "I missed that"


def rescue_turn(context: Context) -> Optional[Turn]:
    """A reflection or ruler reply for a message that can still be used, else None."""
    if context.slots.get("ruler_pending"):
        answer = cues.parse_ruler(context.text)
        if answer.status in ("number", "unknown"):
            return reply_turn(answer, context)
    if context.slots.get("last_prompt") in PLAN_PROMPTS:  # "tomorrow morning" answers "when are you thinking of it?"
        return reflect_turn(context)
    topics = [t for t in cues.topics(context.text) if t in cues.SPECIFIC]
    if topics and cues.is_question(context.text):
        if context.slots.get("role") == "family":
            return family_turn(context)
        return info_turn(context, topics)
    change, sustain = cues.themes(context.text)
    talk = context.talk or {}
    confident = talk.get("name") in ("change", "sustain") and float(talk.get("confidence") or 0) >= RESCUE_CONFIDENCE
    answering = context.slots.get("last_prompt") in EVOKING_PROMPTS | {"elicit"}
    # A statement of a few words in a conversation where the person has been sharing: listen.
    sharing = (
        len(cues.normalise(context.text).split()) >= 3
        and not cues.is_question(context.text)
        and any(code in REFLECTIONS for code in context.codes)
    )
    # Something about their life that can be said back in their own words ("been smoking since clinton",
    # "im in a village out past bethel"): blind coders found "Sorry, I missed that" after such lines.
    if confident or change or sustain or answering or sharing or cues.feeling(context.text) or _sayable(context.text):
        return reflect_turn(context)
    return None


def _sayable(text: str) -> bool:
    """Long enough, not a question, with a part actions/echo.py can say back (checked last: it is the dearest)."""
    return len(cues.normalise(text).split()) >= SAYABLE_WORDS and not cues.is_question(text) and echo(text) is not None


class ActionFallback(MIAction):
    """`nlu_fallback`: rescue what can be used, else the kind default reply."""

    action_name = "action_fallback"
    max_messages = 3
    takes_answers = True

    def decide(self, context: Context) -> Turn:
        return Turn()  # nothing of its own: `run` rescues what it can when no waiting question took the message

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        import time

        context = Context.of(tracker)
        turn = self.decide_turn(context) if self.takes_answers else None  # an answer the bot waits on comes first
        turn = turn if turn is not None and turn.messages else rescue_turn(context)
        if turn is None:
            dispatcher.utter_message(response="utter_default")
            return []
        if turn.effects:
            from actions.checkins import carry_out

            turn = carry_out(turn, context)
        return send(dispatcher, stamp_memory(context.slots, turn, time.time()))
