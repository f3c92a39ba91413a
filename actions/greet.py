"""The greeting: say what Lantern is and who can read the chat, then ask openly.

A returning person with something kept from before (actions/returning.py) hears
it back ("Last time we talked, you said you ...") and chooses: pick up from there,
or start fresh.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Context, Turn, send
from actions.human import staff_can_write_to
from actions.phrases import Message, one_wording, say
from actions.returning import recap as recap_of
from lantern import settings
from lantern.memory import has_memory


def greeting_messages(org_name: str, returning: bool, staffed_hours: str = "") -> List[Dict[str, Any]]:
    """The two greeting messages: who we are and who reads, then an open question. The first one fits
    one SMS segment with a short organisation name: the greeting is what every texter pays for first.
    With staffed hours set (docs/handoffs.md), the question says a person can be asked for, and when."""
    intro = (
        "Welcome back. I'm still a bot, and staff still only read chats later, with names and numbers removed."
        if returning
        else f"Hi, I'm Lantern, an automated assistant run by {org_name}. Not a person. Staff may read chats "
        "later, with names and numbers removed."
    )
    if returning:
        question = "What's on your mind today?"
    elif staffed_hours:
        question = (
            "What brings you here today? Just looking is fine too. You can ask about privacy anytime, "
            f"and for a person from the team {staffed_hours}."
        )
    else:
        question = "What brings you here today? Just looking is fine too, and you can ask about privacy anytime."
    return [
        {"text": intro, "metadata": {"mi": "structure"}},
        {"text": question, "metadata": {"mi": "open_question"}},
    ]


def is_returning(tracker: Tracker) -> bool:
    """True when this conversation already had a greeting before this one."""
    greeted = [e for e in tracker.events if e.get("event") == "action" and e.get("name") == "action_greet"]
    return len(greeted) > 0


def greet_turn(context: Context, org_name: str, greeted_before: bool, staffed_hours: str = "") -> Turn:
    """First visit: who we are, who reads, an open question. Hello again in the same conversation: no
    second introduction. Back with memory: a short reminder, the recap, a choice."""
    slots = context.slots
    back = bool(slots.get("memory_from_before")) or has_memory(slots)
    if greeted_before and not slots.get("memory_from_before"):
        return Turn([say("greet.again", context.rng, context.said)])
    intro, question = (
        Message(m["text"], m["metadata"]["mi"]) for m in greeting_messages(org_name, back, staffed_hours)
    )
    recap = recap_of(context) if slots.get("memory_from_before") else None
    if recap is None:
        return Turn([intro, question], {"memory_from_before": False} if slots.get("memory_from_before") else {})
    return Turn(
        [intro, recap, say("returning.ask", context.rng, context.said)],
        {"pending_offer": "resume", "memory_from_before": False},
    )


class ActionGreet(Action):
    max_messages = 3

    def name(self) -> Text:
        return "action_greet"

    @one_wording
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        context = Context.of(tracker)
        s = settings.load()
        hours = s.staffed.describe() if staff_can_write_to(context.sender_id) else ""
        turn = greet_turn(context, s.org_name, is_returning(tracker), hours)
        return send(dispatcher, turn, context.said)


def sample_texts() -> List[str]:
    """Every greeting shape (for the lint test)."""
    from actions.phrases import SAMPLES

    texts: List[str] = []
    memories = [
        {},
        {
            "memory_from_before": True,
            "change_themes": ["family", "less"],
            "who": "your kids",
            "steps_taken": ["naloxone"],
        },
        {"memory_from_before": True, "steps_taken": ["testing"]},
        {"memory_from_before": True, "role": "family", "who": "your son", "change_themes": []},
    ]
    for org in SAMPLES["org"]:
        for slots in memories:
            for greeted in (False, True):
                for seed in range(2):
                    for hours in ("", SAMPLES["hours"][1]):
                        context = Context.plain("hi", slots, seed=seed)
                        texts.extend(m.text for m in greet_turn(context, org, greeted, hours).messages)
    return texts
