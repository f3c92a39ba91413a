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

from lantern.db.sqlite import use_wal

metadata = sa.MetaData()

inbound = sa.Table(
    "sms_inbound", metadata,
    sa.Column("message_sid", sa.String(64), primary_key=True),
    sa.Column("sender", sa.String(40), nullable=False),
    sa.Column("received_at", sa.Float, nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False),  # received | replied | keyword | opted_out | opted_out_crisis | empty | turn_failed | send_failed
)

opt_outs = sa.Table(
    "sms_opt_outs", metadata,
    sa.Column("sender", sa.String(40), primary_key=True),
    sa.Column("opted_out", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

choices = sa.Table(
    "sms_choices", metadata,
    sa.Column("sender", sa.String(40), primary_key=True),
    sa.Column("payloads", sa.Text, nullable=False),  # JSON list, in the order offered
    sa.Column("titles", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

failed_sends = sa.Table(
    "sms_failed_sends", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender", sa.String(40), nullable=False, index=True),
    sa.Column("message_sid", sa.String(64)),  # the inbound message being answered
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("http_status", sa.Integer),  # 0 when Twilio was not reached
    sa.Column("error_code", sa.Integer),  # Twilio's error code, e.g. 21610 (recipient opted out)
    sa.Column("reason", sa.String(200), nullable=False),  # error type or Twilio's message, never the text sent
    sa.Column("chars", sa.Integer, nullable=False),
)

# A crisis sign from a number that texted STOP: the turn is not processed (no conversation is kept for
# them), but staff must know. Labels only, never the text.
crisis_flags = sa.Table(
    "sms_crisis_flags", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender", sa.String(40), nullable=False, index=True),
    sa.Column("message_sid", sa.String(64)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("level", sa.String(20), nullable=False),  # crisis | check_in
    sa.Column("category", sa.String(40)),  # overdose | overdose_stimulant | suicide | danger | None
    sa.Column("reply", sa.String(20), nullable=False),  # sent | refused (Twilio would not deliver) | failed
    sa.Column("reviewed", sa.Boolean, nullable=False, default=False),
)

CHOICES_TTL_S = 24 * 3600
INBOUND_KEEP_S = 30 * 24 * 3600  # Twilio retries within minutes; a month is plenty


class SmsState:
    """Small persistent state of the SMS channel (any SQLAlchemy URL; SQLite by default)."""

    def __init__(self, db_url: str) -> None:
        self.engine = use_wal(sa.create_engine(db_url, future=True))
        metadata.create_all(self.engine)
        self._claims = 0
        self._lock = threading.Lock()

    # -- de-duplication --------------------------------------------------------------------
    def claim(self, message_sid: str, sender: str) -> bool:
        """True the first time a MessageSid is seen; False for a retry or a replay."""
        try:
            with self.engine.begin() as conn:
                conn.execute(inbound.insert().values(message_sid=message_sid, sender=sender,
                                                     received_at=time.time(), status="received"))
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
            return int(conn.execute(sa.select(sa.func.count()).select_from(inbound)
                                    .where(inbound.c.status == "received")).scalar() or 0)

    # -- opt-out ---------------------------------------------------------------------------
    def is_opted_out(self, sender: str) -> bool:
        with self.engine.connect() as conn:
            return bool(conn.execute(sa.select(opt_outs.c.opted_out).where(opt_outs.c.sender == sender)).scalar())

    def set_opted_out(self, sender: str, opted_out: bool) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(opt_outs.update().where(opt_outs.c.sender == sender)
                                .values(opted_out=opted_out, updated_at=time.time())).rowcount
            if not done:
                conn.execute(opt_outs.insert().values(sender=sender, opted_out=opted_out, updated_at=time.time()))

    # -- numbered choices ------------------------------------------------------------------
    def save_choices(self, sender: str, payloads: Sequence[str], titles: Sequence[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(choices.delete().where(choices.c.sender == sender))
            if payloads:
                conn.execute(choices.insert().values(sender=sender, payloads=json.dumps(list(payloads)),
                                                     titles=json.dumps(list(titles)), created_at=time.time()))

    def pop_choices(self, sender: str) -> Tuple[List[str], List[str]]:
        """The choices last offered (valid for one reply, within a day); removed once read."""
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(choices.c.payloads, choices.c.titles, choices.c.created_at)
                               .where(choices.c.sender == sender)).first()
            if row is None:
                return [], []
            conn.execute(choices.delete().where(choices.c.sender == sender))
        if row.created_at < time.time() - CHOICES_TTL_S:
            return [], []
        return json.loads(row.payloads), json.loads(row.titles)

    # -- failed sends ----------------------------------------------------------------------
    def record_failed_send(self, sender: str, message_sid: Optional[str], attempts: int,
                           http_status: int, error_code: Optional[int], reason: str, chars: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(failed_sends.insert().values(
                sender=sender, message_sid=message_sid, created_at=time.time(), attempts=attempts,
                http_status=http_status, error_code=error_code, reason=reason[:200], chars=chars))

    def failed(self, sender: Optional[str] = None) -> List[Dict[str, Any]]:
        query = sa.select(failed_sends).order_by(failed_sends.c.id)
        if sender:
            query = query.where(failed_sends.c.sender == sender)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # -- crisis signs from opted-out numbers -------------------------------------------------
    def flag_crisis(self, sender: str, message_sid: Optional[str], level: str, category: Optional[str],
                    reply: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(crisis_flags.insert().values(sender=sender, message_sid=message_sid, created_at=time.time(),
                                                      level=level, category=category, reply=reply, reviewed=False))

    def crisis_flags(self, unreviewed_only: bool = True) -> List[Dict[str, Any]]:
        query = sa.select(crisis_flags).order_by(crisis_flags.c.id)
        if unreviewed_only:
            query = query.where(crisis_flags.c.reviewed.is_(False))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def mark_reviewed(self, flag_id: int) -> bool:
        with self.engine.begin() as conn:
            return bool(conn.execute(crisis_flags.update().where(crisis_flags.c.id == flag_id)
                                     .values(reviewed=True)).rowcount)
