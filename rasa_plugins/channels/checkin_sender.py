"""Send the check-ins that are due: one loop per Rasa replica, each text exactly once across all of them.

Every replica runs `run_forever`; they share the `checkins` table (lantern/checkins/store.py), whose
claim decides which replica sends a row. At sending time, in this order: a sender who texted STOP
(`sms_opt_outs`) gets nothing and their other check-ins are cancelled; a time inside quiet hours on
the person's own clock is moved to the end of them (they may have been scheduled before the setting
changed, or the loop was down); a number that cannot be decrypted (key changed, never attached) fails
as "no_phone"; otherwise the SMS goes through the Twilio client, which retries what may succeed.

A claim is held for at most the store's stale limit; a tick that runs long (Twilio slow, many rows)
gives the rest back rather than let another replica release and send them while this one still might.
Log lines carry pseudonyms, ids and counts only: never a number, never the text.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Awaitable, Callable, Dict, Optional, Protocol
from zoneinfo import ZoneInfo

from lantern.checkins.contact import decrypt_number
from lantern.checkins.store import STALE_CLAIM_S, CheckinStore
from lantern.checkins.when import QuietHours, is_quiet, next_allowed
from rasa_plugins.channels.twilio_api import TWILIO_OPTED_OUT, TwilioSender

logger = logging.getLogger(__name__)

OnSent = Callable[[str, str, Optional[str]], Awaitable[None]]  # (sender, text sent, step)
CLAIM_LIMIT = 20  # rows per tick: at worst ~50 s each with Twilio's retries, and the rest given back in time


class OptOuts(Protocol):
    """What the sender needs of rasa_plugins/channels/sms_state.SmsState."""

    def is_opted_out(self, sender: str) -> bool: ...


@dataclass
class TickReport:
    """What one tick did, in counts (for logs and tests)."""

    sent: int = 0
    failed: int = 0
    postponed: int = 0
    opted_out: int = 0
    released: int = 0  # stale claims of other (dead) workers put back
    returned: int = 0  # claimed by this tick but given back unsent (the tick ran too long)
    errors: int = 0  # rows whose handling raised: left claimed, so the stale release retries them

    @property
    def busy(self) -> bool:
        return any((self.sent, self.failed, self.postponed, self.opted_out, self.released, self.returned, self.errors))


def worker_id() -> str:
    """A name unique to this process (host, pid, random): a claim says which replica holds it."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"[:64]


class CheckinSender:
    """Sends due check-ins for one replica; `tick` is one pass, `run_forever` the loop."""

    def __init__(
        self,
        store: CheckinStore,
        sms_state: OptOuts,
        twilio: TwilioSender,
        contact_key: str,
        quiet_hours: QuietHours,
        text: str,
        worker: str,
        on_sent: Optional[OnSent] = None,
        stale_after_s: float = STALE_CLAIM_S,
        claim_limit: int = CLAIM_LIMIT,
    ) -> None:
        if not contact_key:
            raise ValueError("LANTERN_CONTACT_KEY is empty: check-ins cannot be sent")
        if not text.strip():
            raise ValueError("the check-in text is empty")
        self.store = store
        self.sms_state = sms_state
        self.twilio = twilio
        self.contact_key = contact_key
        self.quiet_hours = quiet_hours
        self.text = text
        self.worker = worker
        self.on_sent = on_sent
        self.stale_after_s = stale_after_s
        self.claim_limit = claim_limit

    async def tick(self, now: float) -> TickReport:
        """Release dead workers' claims, claim what is due at `now`, and settle each claimed row."""
        report = TickReport()
        report.released = await asyncio.to_thread(self.store.release_stale, now, self.stale_after_s)
        if report.released:
            logger.warning("checkins: %d stale claims released (a sender stopped mid-send)", report.released)
        rows = await asyncio.to_thread(self.store.claim_due, now, self.worker, self.claim_limit)
        started = time.monotonic()  # the claims' age on the real clock, whatever `now` says
        for index, row in enumerate(rows):
            if time.monotonic() - started > self.stale_after_s / 2:
                for rest in rows[index:]:
                    if await asyncio.to_thread(self.store.postpone, rest["id"], self.worker, rest["due_at"], now):
                        report.returned += 1
                logger.warning("checkins: tick ran long; %d claimed check-ins given back", report.returned)
                break
            try:
                await self._settle(row, now, report)
            except Exception as exc:  # the database failed mid-row: whether the SMS left is unknown, so the
                # row stays claimed and goes back only after the stale limit; the other rows go on. Type only.
                report.errors += 1
                logger.error("checkins: %s for %s left claimed: %s", row["id"], row["sender"], type(exc).__name__)
        if report.busy:
            logger.info(
                "checkins: sent %d, failed %d, postponed %d, opted out %d, released %d, returned %d, errors %d",
                report.sent,
                report.failed,
                report.postponed,
                report.opted_out,
                report.released,
                report.returned,
                report.errors,
            )
        return report

    async def _settle(self, row: Dict[str, Any], now: float, report: TickReport) -> None:
        checkin_id, sender = int(row["id"]), str(row["sender"])
        if await asyncio.to_thread(self.sms_state.is_opted_out, sender):
            await self._opted_out(checkin_id, sender, now, report)
            return
        try:
            local = datetime.fromtimestamp(now, ZoneInfo(row["tz"]))
        except (ValueError, KeyError):  # the store checks zones; a row edited by hand might not pass
            await self._failed(checkin_id, sender, "bad_tz", now, report)
            return
        if is_quiet(local, self.quiet_hours):
            later = next_allowed(local, self.quiet_hours).timestamp()
            if await asyncio.to_thread(self.store.postpone, checkin_id, self.worker, later, now):
                report.postponed += 1
                logger.info("checkins: %d for %s postponed %.0f s (quiet hours)", checkin_id, sender, later - now)
            return
        number = decrypt_number(row.get("phone_enc"), self.contact_key)
        if number is None:
            await self._failed(checkin_id, sender, "no_phone", now, report)
            return
        result = await self.twilio.send(number, self.text)
        if not result.ok:
            if result.error_code == TWILIO_OPTED_OUT:  # they blocked us at the carrier: same as STOP
                await self._opted_out(checkin_id, sender, now, report)
            else:
                await self._failed(checkin_id, sender, result.reason or "send failed", now, report)
            return
        report.sent += 1
        if not await asyncio.to_thread(self.store.mark_sent, checkin_id, self.worker, now):
            # Released (this tick outlived the stale limit) or cancelled while the SMS was on its way.
            logger.warning(
                "checkins: %d for %s sent, but the claim was lost before it was recorded", checkin_id, sender
            )
        else:
            logger.info("checkins: %d sent to %s after %d attempt(s)", checkin_id, sender, result.attempts)
        if self.on_sent is not None:  # the text did go out: the conversation should show it either way
            try:
                await self.on_sent(sender, self.text, row.get("step"))
            except Exception as exc:  # never undoes the send; the type only (no text in logs)
                logger.error("checkins: on_sent failed for %s: %s", sender, type(exc).__name__)

    async def _opted_out(self, checkin_id: int, sender: str, now: float, report: TickReport) -> None:
        await asyncio.to_thread(self.store.mark_failed, checkin_id, self.worker, "opted_out", now)
        cancelled = await asyncio.to_thread(self.store.cancel_all, sender, "opted_out", now)
        report.opted_out += 1
        logger.info("checkins: %d for %s not sent (opted out); %d more cancelled", checkin_id, sender, cancelled)

    async def _failed(self, checkin_id: int, sender: str, reason: str, now: float, report: TickReport) -> None:
        await asyncio.to_thread(self.store.mark_failed, checkin_id, self.worker, reason, now)
        report.failed += 1
        logger.warning("checkins: %d for %s failed: %s", checkin_id, sender, reason)

    async def run_forever(self, poll_seconds: float, clock: Callable[[], float] = time.time) -> None:
        """Tick every `poll_seconds` until cancelled; a failing tick (database down) is logged and retried."""
        logger.info("checkins: sender %s polling every %.1f s", self.worker, poll_seconds)
        while True:
            try:
                await self.tick(clock())
            except Exception as exc:  # the loop must outlive a bad tick; type only
                logger.error("checkins: tick failed: %s", type(exc).__name__)
            await asyncio.sleep(poll_seconds)
