"""The Rasa server's side of hand-offs (docs/handoffs.md): who has a conversation, and staff messages out.

One `HandoffService` per process, opened on first use (`service()`), shared by every channel:

- before a turn, `status` says whether staff have the conversation ("taken": the bot stays silent,
  rasa_plugins/policies/handoff.py), read with a short deadline so a slow database never delays a
  reply (it then counts as not taken: the bot answers, never silence by accident);
- after a turn, `after_turn` opens a hand-off when the bot's reply was the "a person will join" line
  (the person asked, during staffed hours) or a crisis reply while staff are on duty. Over SMS the
  number is kept, encrypted, while the hand-off is open;
- `deliver` is one pass of a channel's relay loop: it claims the queued staff messages it can deliver
  (the widget: only for sessions whose socket this replica holds; SMS: any) and writes each into the
  conversation as the bot's turn would (`record_message`), so the transcript has it, anonymized.

The console writes the queue (lantern/handoffs/store.py); every replica polls it, LANTERN_HANDOFF_POLL_SECONDS
apart, which is what bounds the time from a staff member's Send to the person's screen.
Log lines carry ids and counts only: never a number, never a message's text.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any, Awaitable, Callable, Collection, Dict, List, Optional

from lantern import settings as settings_mod
from lantern.handoffs import store
from lantern.handoffs.hours import StaffedHours
from lantern.identity import stored_id
from lantern.records.transcripts.scrub import NOT_CRISIS_MARKERS

logger = logging.getLogger(__name__)

STATUS_DEADLINE_S = 0.25  # the lookup before a turn; past it the turn goes on as if nobody had taken it
REQUEST_LINE = "human.requested"  # the phrase (actions/phrases/human.yml) that tells the person someone will come
RETRY_OPEN_S = 30.0  # a failed open is tried again after this long, not on every turn
LATER = "later"  # what a channel's send returns for a message it cannot deliver now but may soon
Deliver = Callable[[Dict[str, Any]], Awaitable[Optional[str]]]  # a message row -> None (sent) or a failure code
Reachable = Callable[[], Optional[Collection[str]]]  # the conversations this replica can deliver to; None: all


def says_someone_will_come(message: Dict[str, Any]) -> bool:
    """The reply line that promises a person (only then is there a request to open)."""
    metadata = message.get("metadata")
    return isinstance(metadata, dict) and metadata.get("source") == f"phrase:{REQUEST_LINE}"  # actions/phrases.py


def is_crisis_reply(message: Dict[str, Any]) -> bool:
    """A crisis reply (not a check-in question): its custom marker, as the transcript reads it."""
    custom = message.get("custom")
    marker = custom.get("crisis") if isinstance(custom, dict) else None
    return isinstance(marker, str) and marker not in NOT_CRISIS_MARKERS


class HandoffService:
    """The hand-off tables and settings one Rasa server process works with."""

    def __init__(self, handoffs: store.HandoffStore, s: settings_mod.Settings) -> None:
        self.store = handoffs
        self.pseudonym_key = s.pseudonym_key
        self.contact_key = s.contact_key
        self.hours: StaffedHours = s.staffed
        self.poll_seconds = s.handoff_poll_seconds

    def conversation(self, sender_id: str) -> str:
        return stored_id(sender_id, self.pseudonym_key)

    async def call(self, fn: Any, *args: Any) -> Any:
        """`fn(conn, *args)` in one transaction, in a worker thread."""
        return await asyncio.to_thread(self.store.run, fn, *args)

    async def status(self, sender_id: str) -> Optional[str]:
        """ "waiting", "taken" or None; None too when the database does not answer in time."""
        try:
            return await asyncio.wait_for(self.call(store.status_of, self.conversation(sender_id)), STATUS_DEADLINE_S)
        except Exception as exc:  # a timeout included: the bot answers rather than stays silent
            logger.warning("hand-off status unavailable (%s): the bot answers this turn", type(exc).__name__)
            return None

    async def after_turn(
        self, sender_id: str, channel: str, messages: List[Dict[str, Any]], number: Optional[str] = None
    ) -> Optional[int]:
        """Open a hand-off if this turn's reply calls for one; its id (None when none was opened)."""
        if channel not in store.CHANNELS:
            return None
        if any(says_someone_will_come(m) for m in messages):
            kind = "request"
        elif any(is_crisis_reply(m) for m in messages) and self.hours.is_staffed(time.time()):
            kind = "crisis"
        else:
            return None
        phone = None
        if number:
            if not self.contact_key:
                logger.error("hand-off over SMS without LANTERN_CONTACT_KEY: staff replies cannot be sent")
            else:
                phone = store.encrypted(number, self.contact_key)
        try:
            handoff_id = await self.call(
                store.open_handoff, self.conversation(sender_id), channel, kind, time.time(), phone
            )
        except Exception as exc:
            logger.error("hand-off (%s) not opened (%s): staff will not see it in the queue", kind, type(exc).__name__)
            return None
        logger.info("hand-off %s open (%s, %s)", handoff_id, kind, channel)
        return int(handoff_id)

    async def close_for(self, sender_id: str, reason: str) -> None:
        """STOP over SMS: the open hand-off closes and its unsent messages are dropped."""
        await self.call(store.close_for, self.conversation(sender_id), reason, time.time())

    async def deliver(self, channel: str, worker: str, send: Deliver, reachable: Reachable) -> int:
        """One relay pass for `channel`: claim and send what this replica can reach; the messages sent.

        `reachable()` is asked once a pass, and only when messages are waiting: the conversations this
        replica can deliver to (the widget: the sessions whose socket it holds), or None for all (SMS).
        """
        rows = await self.call(store.pending, channel, time.time())
        here = reachable() if rows else None
        sent = 0
        for row in rows:
            if here is not None and row["conversation"] not in here:
                continue
            if not await self.call(store.claim, row["id"], worker, time.time()):
                continue  # another replica has it
            try:
                failure = await send(row)
            except Exception as exc:  # left claimed: offered again after the stale limit
                logger.error("hand-off message %s not delivered (%s)", row["id"], type(exc).__name__)
                continue
            if failure == LATER:
                await self.call(store.release, row["id"], worker)
                continue
            await self.call(store.finish, row["id"], worker, time.time(), failure)
            if failure:
                logger.error("hand-off message %s failed (%s)", row["id"], failure)
            else:
                sent += 1
        return sent

    async def run_forever(self, channel: str, worker: str, send: Deliver, reachable: Reachable) -> None:
        """The relay loop of one channel in this replica; errors are logged and the loop goes on."""
        while True:
            try:
                await self.deliver(channel, worker, send, reachable)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.error("hand-off relay (%s) pass failed (%s)", channel, type(exc).__name__)
            await asyncio.sleep(self.poll_seconds)


_service: Optional[HandoffService] = None
_failed_at = 0.0
_opening = threading.Lock()  # not an asyncio lock: tests run several event loops in one process


def _open() -> Optional[HandoffService]:
    global _service, _failed_at
    with _opening:
        if _service is None:
            s = settings_mod.load()
            try:
                _service = HandoffService(store.HandoffStore(s.db_url), s)
            except Exception as exc:
                _failed_at = time.monotonic()
                logger.error("hand-offs are OFF for now: their tables could not be opened (%s)", type(exc).__name__)
        return _service


async def service() -> Optional[HandoffService]:
    """This process's HandoffService, opened (and its tables migrated) on first use; None if that fails."""
    if _service is not None:
        return _service
    if _failed_at and time.monotonic() - _failed_at < RETRY_OPEN_S:
        return None
    return await asyncio.to_thread(_open)


async def record_message(app: Any, sender_id: str, text: str, metadata: Dict[str, Any], slots: Dict[str, Any]) -> bool:
    """Write a message sent outside a turn (a check-in, a staff reply) into the conversation; False without a model.

    Under the conversation's lock, so it never interleaves with a turn; the tracker store scrubs and
    records it like any other (a staff message is anonymized like the person's own: `staff` metadata).
    """
    from rasa.shared.core.events import BotUttered, SlotSet

    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or not agent.is_ready():
        logger.warning("a message went out but was not written into the conversation (no model loaded)")
        return False
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.processor.get_tracker(sender_id)
        tracker.update(BotUttered(text, metadata=metadata))
        for name, value in slots.items():
            tracker.update(SlotSet(name, value))
        await agent.processor.save_tracker(tracker)
    return True
