"""One turn, run by every channel the same way: a crisis reply in time, an honest answer always.

Why not just `await on_new_message(...)`: a turn can wait on things that fail
slowly (a locked database, a hung action server, a PostgreSQL server gone
quiet). The person must not wait with it. `run_turn`:

- answers a message that reads as a crisis within `CRISIS_DEADLINE` whatever
  the turn is waiting on: with the turn's own crisis reply when it has one
  already, otherwise with the crisis script built from the locale file alone;
- gives any other turn `TURN_DEADLINE` (under Sanic's 30 s response timeout);
- never answers with nothing: a turn that produced no message gets a short
  apology that still names the emergency number;
- tells the channel whether the turn was saved. A turn that misses its
  deadline is *abandoned*: its save is refused at the commit (`TurnTicket`,
  checked by rasa_plugins/tracker_store.py), so "not saved" is never a guess, and a client
  told `saved: false` can send again without doubling anything.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa_plugins.channels import handoff_relay
from rasa_plugins.channels.guard import describe_failure, failure_messages
from rasa_plugins.policies.handoff import METADATA_KEY

logger = logging.getLogger(__name__)

CRISIS_DEADLINE = 0.8  # seconds from receipt: the figure is a crisis reply p95 within 1 s
TURN_DEADLINE = (
    20.0  # seconds: below Sanic's response timeout (rasa_plugins/server.py) so the channel answers, not Sanic
)
COMMIT_GRACE = 5.0  # a save already committing when the deadline passes is waited for, this long at most

NO_REPLY_TEXT = (
    "Sorry, I couldn't put an answer together for that. Could you say it another way? "
    "If you or someone with you is in danger, call {emergency} now."
)


class TurnAbandoned(RuntimeError):
    """The channel gave up on this turn before it was saved; the store must not commit it."""


class TurnTicket:
    """Decides once, under one lock, whether a turn's save may still commit.

    The store calls `begin_commit` just before it commits the person's message
    (in its worker thread; saves without a user message, such as a new
    tracker's first events, do not count);
    the channel calls `abandon` at its deadline. Whichever comes first wins:
    an abandoned turn never commits, and a turn already committing is not
    reported as lost.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.state = "open"  # open | committing | committed | abandoned

    def begin_commit(self) -> bool:
        with self._lock:
            if self.state == "abandoned":
                return False
            self.state = "committing"
            return True

    def end_commit(self, committed: bool) -> None:
        with self._lock:
            if self.state == "committing":
                self.state = "committed" if committed else "open"

    def abandon(self) -> bool:
        """True when the turn is now abandoned (nothing of it will be stored)."""
        with self._lock:
            if self.state in ("committing", "committed"):
                return False
            self.state = "abandoned"
            return True


class MessageCollector(CollectingOutputChannel):
    """Collects each bot message as ONE JSON object: text, buttons, custom payload and metadata together.

    Rasa's collector splits a response with a `custom` payload (the crisis
    marker) into two entries; a client then has to guess which text the marker
    belongs to.
    """

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        keys = ("text", "buttons", "quick_replies", "custom", "image", "attachment", "metadata")
        out = {"recipient_id": recipient_id, **{k: message[k] for k in keys if message.get(k)}}
        if "quick_replies" in out:
            out["buttons"] = out.pop("quick_replies")
        if len(out) > 1:
            await self._persist_message(out)


CURRENT_TICKET: contextvars.ContextVar[Optional[TurnTicket]] = contextvars.ContextVar("lantern_turn", default=None)


@dataclass
class TurnOutcome:
    """What the channel sends and tells: the messages, and whether the turn is stored."""

    messages: List[Dict[str, Any]]
    saved: bool
    status: str  # "ok", "failed" (the turn raised) or "abandoned" (deadline passed before the save)
    reason: str = ""


def reads_as_crisis(text: str) -> bool:
    """The deterministic detector alone: no model, no database, under a millisecond."""
    from lantern.crisis.detector import detect

    try:
        return bool(detect(text).needs_reply)
    except Exception:  # a detector fault must not stop the turn
        logger.error("crisis detector failed in the channel; the turn goes on")
        return False


def _has_crisis_marker(messages: List[Dict[str, Any]]) -> bool:
    return any(isinstance(m.get("custom"), dict) and m["custom"].get("crisis") for m in messages)


def _emergency_number() -> str:
    from lantern.crisis.resources import load_locale

    try:
        return load_locale().emergency_number
    except Exception:
        return "911"


def no_reply_messages() -> List[Dict[str, Any]]:
    return [{"text": NO_REPLY_TEXT.format(emergency=_emergency_number())}]


async def run_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    text: str,
    sender_id: str,
    channel: str,
    collector: Optional[CollectingOutputChannel] = None,
    metadata: Optional[Dict[str, Any]] = None,
    message_id: Optional[str] = None,
    crisis_deadline: float = CRISIS_DEADLINE,
    turn_deadline: float = TURN_DEADLINE,
    contact: Optional[str] = None,
) -> TurnOutcome:
    """Run one turn through Rasa with the deadlines above; never raises.

    Hand-offs (rasa_plugins/channels/handoff_relay.py): whether staff have the conversation goes into
    the message's metadata (the client's own value is overwritten), where HandoffPolicy reads it; a
    turn that says nothing is then expected, not a fault. After the turn, a reply that promised a
    person (or a crisis reply while staff are on duty) opens a hand-off; `contact` is the number an
    SMS hand-off's replies go to.
    """
    collector = collector if collector is not None else MessageCollector()
    ticket = TurnTicket()
    received = time.monotonic()  # the lookup below counts against the deadlines: they run from receipt
    handoffs = await handoff_relay.service()
    handoff = await handoffs.status(sender_id) if handoffs is not None else None
    metadata = {**(metadata or {}), METADATA_KEY: handoff}
    message = UserMessage(text, collector, sender_id, input_channel=channel, metadata=metadata, message_id=message_id)
    reset = CURRENT_TICKET.set(ticket)
    try:
        task = asyncio.ensure_future(on_new_message(message))  # copies the context: the store sees the ticket
    finally:
        CURRENT_TICKET.reset(reset)

    looked_up = time.monotonic() - received
    crisis_deadline, turn_deadline = max(0.0, crisis_deadline - looked_up), max(0.0, turn_deadline - looked_up)
    done, _ = await asyncio.wait({task}, timeout=crisis_deadline)
    crisis = not done and (reads_as_crisis(text) or _has_crisis_marker(collector.messages))
    if not done and not crisis:
        done, _ = await asyncio.wait({task}, timeout=max(0.0, turn_deadline - crisis_deadline))
    if not done:
        if ticket.abandon():
            task.cancel()
            task.add_done_callback(_swallow)
            scripted = [m for m in collector.messages if _has_crisis_marker([m])]
            messages = scripted or failure_messages(text)
            logger.error(
                "%s turn abandoned at its deadline (%s): not saved, degraded reply sent",
                channel,
                "crisis" if crisis else "ordinary",
            )
            return TurnOutcome(messages, saved=False, status="abandoned", reason="deadline")
        done, _ = await asyncio.wait({task}, timeout=COMMIT_GRACE)  # the save is committing right now
        if not done:
            task.add_done_callback(_swallow)
            logger.error("%s turn: commit still running %.0f s after the deadline", channel, COMMIT_GRACE)
            return TurnOutcome(
                collector.messages or failure_messages(text), saved=True, status="ok", reason="slow_commit"
            )

    error = task.exception()
    if error is not None:
        logger.error("%s turn failed: %s", channel, describe_failure(error))
        return TurnOutcome(
            failure_messages(text), saved=ticket.state == "committed", status="failed", reason=type(error).__name__
        )
    messages = list(collector.messages)
    if not messages and handoff == "taken":
        return TurnOutcome([], saved=True, status="ok", reason="handoff")  # staff answer, not the bot
    if not messages:
        logger.error("%s turn produced no reply; the person is told so", channel)
        messages = no_reply_messages()
    if handoffs is not None:
        await handoffs.after_turn(sender_id, channel, messages, contact)
    return TurnOutcome(messages, saved=True, status="ok")


def _swallow(task: "asyncio.Future[Any]") -> None:
    """Collect the result of an abandoned turn so asyncio does not log it as never retrieved."""
    if not task.cancelled() and task.exception() is not None:
        logger.info("abandoned turn ended with %s", type(task.exception()).__name__)
