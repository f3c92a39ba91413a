"""Deleting the conversation when the person asks: confirm first, then everything stored for them is gone.

`request_erasure` ("delete my chat", "erase everything i said") -> action_erasure_ask: "Want me to delete
this whole conversation? ... Yes or no?". The answer right after it -> action_erasure_answer (rules in
data/rules/privacy.yml); the same request again right after the question counts as a yes.

- yes: the "done" line, and the slot `erase_requested` set to true. The action server cannot delete
  the conversation itself (Rasa saves the tracker after the action, which would write it back), so the
  tracker store does it: a save whose new events set `erase_requested` deletes every `events` row of
  the sender's pseudonym and every transcript conversation and message (staff notes on them cascade),
  in one transaction, and writes nothing of the turn (rasa_plugins/tracker_store.py). The reply still
  goes out; the next message starts a new conversation.
- no: nothing is deleted, and the bot says so.
- Crisis first: while crisis mode is on, or when the bot's last turn was a crisis reply or check-in,
  the request is declined kindly (the emergency number, "once you're safe, ask again") and nothing is
  deleted; asking again after that gets the question. CrisisPolicy answers crisis mode before any rule,
  so this is the case where crisis mode has just ended on an everyday message.

A question about deleting ("can i delete this chat?") is ask_privacy: action_privacy says how.
Decisions are in the pure `erasure_turn`; the Action classes only read the tracker and send.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Context, MIAction, Turn, send
from actions.phrases import SAMPLES, say

REQUEST_INTENT = "request_erasure"
ASK_ACTION = "action_erasure_ask"
ANSWER_ACTION = "action_erasure_answer"
PENDING_SLOT = "erasure_pending"  # the question was asked and waits for yes or no
ERASE_SLOT = "erase_requested"  # read by the tracker store (rasa_plugins/tracker_store.py ERASE_SLOT)
YES_INTENTS = frozenset({"affirm", REQUEST_INTENT})
NO_INTENTS = frozenset({"deny"})
_NOT_ACTIONS = frozenset({"action_listen", "action_extract_slots", None})
DEFAULT_EMERGENCY = "911"


def erasure_turn(context: Context, asked: bool = False, crisis: bool = False) -> Turn:
    """What to say and set for a deletion request or the answer to the deletion question.

    `asked`: the bot's last turn asked "delete this whole conversation?" (`asked_before`).
    `crisis`: crisis mode is on or the bot's last turn was a crisis reply (`crisis_before`).
    """
    rng, said = context.rng, context.said
    if crisis:
        number = str(context.slots.get("emergency_number") or DEFAULT_EMERGENCY)
        return Turn([say("erasure.crisis", rng, said, emergency_number=number)], {PENDING_SLOT: None})
    if asked and context.intent in YES_INTENTS:
        return Turn([say("erasure.done", rng, said)], {ERASE_SLOT: True, PENDING_SLOT: None})
    if asked and context.intent in NO_INTENTS:
        return Turn([say("erasure.kept", rng, said)], {PENDING_SLOT: None})
    if context.intent == REQUEST_INTENT:
        # A new question: any offer or ruler waiting for a yes is dropped, so "yes" answers this one.
        return Turn([say("erasure.ask", rng, said)], {PENDING_SLOT: True, "pending_offer": None, "ruler_pending": None})
    return Turn([say("erasure.nothing", rng, said)], {PENDING_SLOT: None})


def _before_latest_user(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events of the bot's last turn: after the previous user message, before the latest one."""
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if not users:
        return []
    start = users[-2] + 1 if len(users) > 1 else 0
    return events[start : users[-1]]


def asked_before(events: Iterable[Dict[str, Any]], slots: Dict[str, Any]) -> bool:
    """True when the bot's last action before this message asked the deletion question (and it is pending)."""
    if not slots.get(PENDING_SLOT):
        return False
    actions = [e.get("name") for e in _before_latest_user(list(events)) if e.get("event") == "action"]
    actions = [name for name in actions if name not in _NOT_ACTIONS]
    return bool(actions) and actions[-1] == ASK_ACTION


def _crisis_marker(event: Dict[str, Any]) -> bool:
    """A bot message of the crisis layer: `custom.crisis` in its data, or `crisis` in its response metadata."""
    data = event.get("data")
    custom = data.get("custom") if isinstance(data, dict) else None
    if isinstance(custom, dict) and custom.get("crisis"):
        return True
    metadata = event.get("metadata")
    for layer in (metadata, metadata.get("metadata") if isinstance(metadata, dict) else None):
        if isinstance(layer, dict) and layer.get("crisis"):
            return True
    return False


def crisis_before(events: Iterable[Dict[str, Any]], slots: Dict[str, Any]) -> bool:
    """True when crisis mode is on, or the bot's last turn carried a crisis reply or check-in."""
    if slots.get("crisis_active"):
        return True
    return any(e.get("event") == "bot" and _crisis_marker(e) for e in _before_latest_user(list(events)))


class ActionErasureAsk(MIAction):
    """`request_erasure`: ask to confirm (or, right after the question, take it as a yes)."""

    action_name = ASK_ACTION
    max_messages = 1

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        context = Context.of(tracker)
        events = list(tracker.events or [])
        turn = erasure_turn(
            context, asked=asked_before(events, context.slots), crisis=crisis_before(events, context.slots)
        )
        # Sent whole: the question and the confirmation must never lose a sentence as a repeat (base.send).
        return send(dispatcher, turn)


class ActionErasureAnswer(ActionErasureAsk):
    """Yes or no right after the deletion question."""

    action_name = ANSWER_ACTION
    max_messages = 1


def sample_texts() -> List[str]:
    texts: List[str] = []
    cases: List[Tuple[str, bool, bool]] = [
        (REQUEST_INTENT, False, False),
        ("affirm", True, False),
        ("deny", True, False),
        ("affirm", False, False),
    ]
    for seed in range(4):
        for intent, asked, crisis in cases:
            turn = erasure_turn(Context.plain(intent=intent, seed=seed), asked=asked, crisis=crisis)
            texts.extend(m.text for m in turn.messages)
        for number in SAMPLES["emergency_number"]:
            context = Context.plain(intent=REQUEST_INTENT, slots={"emergency_number": number}, seed=seed)
            texts.extend(m.text for m in erasure_turn(context, crisis=True).messages)
    return texts
