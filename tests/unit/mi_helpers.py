"""Running an MI action on a `Tracker.from_dict(tracker_dict(...))` tracker, for the action tests."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.conftest import tracker_dict


def bot_event(mi: str, text: str = "...") -> Dict[str, Any]:
    """A `bot` event as the action server receives it (utter actions nest metadata once more)."""
    return {"event": "bot", "text": text, "metadata": {"metadata": {"mi": mi}, "utter_action": "utter_x"}}


def make_tracker(
    text: str = "hi",
    intent: str = "share",
    slots: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    talk: Optional[Dict[str, Any]] = None,
) -> Tracker:
    data = tracker_dict(events=events, slots=slots, text=text, intent=intent)
    if talk is not None:
        data["latest_message"]["talk_type"] = talk
    return Tracker.from_dict(data)


def run(action: Action, tracker: Tracker) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """(messages sent, slots set) by one run of the action."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots


def codes(messages: List[Dict[str, Any]]) -> List[str]:
    return [m["metadata"]["mi"] for m in messages]


def texts(messages: List[Dict[str, Any]]) -> str:
    return " | ".join(m["text"] for m in messages)


CHANGE = {
    "name": "change",
    "confidence": 0.92,
    "probabilities": {"change": 0.92, "neutral": 0.05, "sustain": 0.03},
    "ambivalent": False,
}
SUSTAIN = {
    "name": "sustain",
    "confidence": 0.88,
    "probabilities": {"change": 0.05, "neutral": 0.07, "sustain": 0.88},
    "ambivalent": False,
}
NEUTRAL = {
    "name": "neutral",
    "confidence": 0.9,
    "probabilities": {"change": 0.05, "neutral": 0.9, "sustain": 0.05},
    "ambivalent": False,
}
AMBIVALENT = {
    "name": "change",
    "confidence": 0.5,
    "probabilities": {"change": 0.5, "neutral": 0.1, "sustain": 0.4},
    "ambivalent": True,
}
