"""The greeting: say what Lantern is and who can read the chat, then ask openly."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import settings


def greeting_messages(org_name: str, returning: bool) -> List[Dict[str, Any]]:
    """The two greeting messages: who we are and who reads, then an open question."""
    intro = (
        f"Welcome back. I'm Lantern, an automated assistant run by {org_name}."
        if returning
        else f"Hi, I'm Lantern, an automated assistant run by {org_name}. I'm not a person."
    )
    who_reads = (
        " A small team of staff can read chats, with names and numbers removed, to follow up and "
        "improve care. You can ask me about privacy any time."
    )
    question = (
        "What's on your mind today?"
        if returning
        else "What brings you here today? Just looking around is fine too."
    )
    return [
        {"text": intro + who_reads, "metadata": {"mi": "structure"}},
        {"text": question, "metadata": {"mi": "open_question"}},
    ]


def is_returning(tracker: Tracker) -> bool:
    """True when this conversation already had a greeting before this one."""
    greeted = [e for e in tracker.events if e.get("event") == "action" and e.get("name") == "action_greet"]
    return len(greeted) > 0


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        for message in greeting_messages(settings.load().org_name, is_returning(tracker)):
            dispatcher.utter_message(text=message["text"], metadata=message["metadata"])
        return []
