"""What the SMS channel must remember across restarts, in the tracker store's database.

- `sms_inbound`: every MessageSid seen, so a webhook Twilio retries (or anyone
  replays) is answered but not processed twice.
- `sms_opt_outs`: who texted STOP; nothing is sent to them until START.
- `sms_choices`: the payloads behind the numbered choices last offered, so "2" answers.
- `sms_failed_sends`: replies Twilio did not accept after every retry.
- `sms_crisis_flags`: crisis signs from opted-out numbers, for staff (level, category, whether a reply went out).

Phone numbers are never stored: every row is keyed by the sender's pseudonym
(HMAC with LANTERN_PSEUDONYM_KEY, lantern/records/anonymizer/pseudonym.py). Synchronous
SQLAlchemy Core; the channel calls it from a worker thread.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lantern import db
from lantern.db.sms_tables import (  # noqa: F401  (re-exported: the SMS tools and tests name the tables here)
    choices,
    crisis_flags,
    failed_sends,
    inbound,
    metadata,
    opt_outs,
)

CHOICES_TTL_S = 24 * 3600
INBOUND_KEEP_S = 30 * 24 * 3600  # Twilio retries within minutes; a month is plenty


class SmsState:
    """Small persistent state of the SMS channel (any SQLAlchemy URL; SQLite by default)."""

    def __init__(self, db_url: str) -> None:
        self.engine = db.create_engine(db_url)
        db.upgrade(self.engine, groups=("sms",))  # the `sms` migrations (lantern/db/migrations/versions/sms)
        self._claims = 0
        self._lock = threading.Lock()

    # -- de-duplication --------------------------------------------------------------------
    def claim(self, message_sid: str, sender: str) -> bool:
        """True the first time a MessageSid is seen; False for a retry or a replay."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    inbound.insert().values(
                        message_sid=message_sid, sender=sender, received_at=time.time(), status="received"
                    )
                )
        except IntegrityError:
            return False
        with self._lock:
            self._claims += 1
            prune = self._claims % 500 == 1
        if prune:
            with self.engine.begin() as conn:
                conn.execute(inbound.delete().where(inbound.c.received_at < time.time() - INBOUND_KEEP_S))
        return True

    def set_status(self, message_sid: str, status: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(inbound.update().where(inbound.c.message_sid == message_sid).values(status=status))

    def status(self, message_sid: str) -> Optional[str]:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(inbound.c.status).where(inbound.c.message_sid == message_sid)).scalar()

    def unfinished(self) -> int:
        """Messages received but never answered (the process stopped mid-turn)."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(inbound).where(inbound.c.status == "received")
                ).scalar()
                or 0
            )

    # -- opt-out ---------------------------------------------------------------------------
    def is_opted_out(self, sender: str) -> bool:
        with self.engine.connect() as conn:
            return bool(conn.execute(sa.select(opt_outs.c.opted_out).where(opt_outs.c.sender == sender)).scalar())

    def set_opted_out(self, sender: str, opted_out: bool) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                opt_outs.update().where(opt_outs.c.sender == sender).values(opted_out=opted_out, updated_at=time.time())
            ).rowcount
            if not done:
                conn.execute(opt_outs.insert().values(sender=sender, opted_out=opted_out, updated_at=time.time()))

    # -- numbered choices ------------------------------------------------------------------
    def save_choices(self, sender: str, payloads: Sequence[str], titles: Sequence[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(choices.delete().where(choices.c.sender == sender))
            if payloads:
                conn.execute(
                    choices.insert().values(
                        sender=sender,
                        payloads=json.dumps(list(payloads)),
                        titles=json.dumps(list(titles)),
                        created_at=time.time(),
                    )
                )

    def pop_choices(self, sender: str) -> Tuple[List[str], List[str]]:
        """The choices last offered (valid for one reply, within a day); removed once read."""
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(choices.c.payloads, choices.c.titles, choices.c.created_at).where(choices.c.sender == sender)
            ).first()
            if row is None:
                return [], []
            conn.execute(choices.delete().where(choices.c.sender == sender))
        if row.created_at < time.time() - CHOICES_TTL_S:
            return [], []
        return json.loads(row.payloads), json.loads(row.titles)

    # -- failed sends ----------------------------------------------------------------------
    def record_failed_send(
        self,
        sender: str,
        message_sid: Optional[str],
        attempts: int,
        http_status: int,
        error_code: Optional[int],
        reason: str,
        chars: int,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                failed_sends.insert().values(
                    sender=sender,
                    message_sid=message_sid,
                    created_at=time.time(),
                    attempts=attempts,
                    http_status=http_status,
                    error_code=error_code,
                    reason=reason[:200],
                    chars=chars,
                )
            )

    def failed(self, sender: Optional[str] = None) -> List[Dict[str, Any]]:
        query = sa.select(failed_sends).order_by(failed_sends.c.id)
        if sender:
            query = query.where(failed_sends.c.sender == sender)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # -- crisis signs from opted-out numbers -------------------------------------------------
    def flag_crisis(
        self, sender: str, message_sid: Optional[str], level: str, category: Optional[str], reply: str
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                crisis_flags.insert().values(
                    sender=sender,
                    message_sid=message_sid,
                    created_at=time.time(),
                    level=level,
                    category=category,
                    reply=reply,
                    reviewed=False,
                )
            )

    def crisis_flags(self, unreviewed_only: bool = True) -> List[Dict[str, Any]]:
        query = sa.select(crisis_flags).order_by(crisis_flags.c.id)
        if unreviewed_only:
            query = query.where(crisis_flags.c.reviewed.is_(False))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def mark_reviewed(self, flag_id: int) -> bool:
        with self.engine.begin() as conn:
            return bool(
                conn.execute(crisis_flags.update().where(crisis_flags.c.id == flag_id).values(reviewed=True)).rowcount
            )
