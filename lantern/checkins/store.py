"""Check-ins that were agreed to, kept until sent: each sent exactly once, whichever replica sends it.

Every Rasa replica runs a sender (rasa_plugins/channels/checkin_sender.py) against the same table, so
the claim is what makes a text go out once: a replica may send a row only after its own conditional
UPDATE (`... WHERE id=:id AND status='scheduled'`) changed that row. The database decides between
replicas (SQLite serialises writers; PostgreSQL re-checks the WHERE after the other's commit), so no
lock outside it is needed, and a restart loses nothing: the state is the row.

Synchronous SQLAlchemy Core like rasa_plugins/channels/sms_state.py; async callers use a worker thread.
`now` is always given (epoch seconds), so tests drive a fake clock. Rows carry the sender's pseudonym,
never the number in clear: `phone_enc` is encrypted (lantern/checkins/contact.py) and is dropped when
the row is sent, failed or cancelled. Nothing returned outside `claim_due` contains it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from lantern import db
from lantern.checkins.contact import encrypt_number
from lantern.db.checkin_tables import ACTIVE, STATUSES, checkins

STALE_CLAIM_S = 300.0  # a claim older than this is taken to be from a replica that died
MAX_CLAIMS = 5  # a row claimed this often without an outcome is given up ("abandoned"), not retried forever
_PUBLIC = [column for column in checkins.c if column.name != "phone_enc"]


def _zone(tz: str) -> str:
    """The zone's name if Python knows it: a bad one would only fail at sending time, on another replica."""
    try:
        ZoneInfo(tz)
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone {tz!r}") from exc
    return tz


class CheckinStore:
    """The `checkins` table of one database (any SQLAlchemy URL; the tracker store's by default)."""

    def __init__(self, db_url: str) -> None:
        self.engine = db.create_engine(db_url)
        db.upgrade(self.engine, groups=("checkins",))  # lantern/db/migrations/versions/checkins

    # -- the conversation's side ------------------------------------------------------------
    def schedule(self, sender: str, due_at: float, tz: str, step: Optional[str], consent_at: float, now: float) -> int:
        """A new check-in; any other active one of this sender is cancelled ("replaced"). Returns its id.

        One active check-in per person: a second yes means the plan changed, not two texts. A number
        already attached to the replaced row moves to the new one, so a new time needs no new message.
        """
        zone = _zone(tz)
        # Written first, then read: on SQLite a transaction that starts by writing waits for another
        # writer; one that reads first and then writes fails at once.
        with self.engine.begin() as conn:
            new_id = int(
                conn.execute(
                    checkins.insert().values(
                        sender=sender,
                        step=step,
                        due_at=float(due_at),
                        tz=zone,
                        status="scheduled",
                        consent_at=float(consent_at),
                        created_at=now,
                        updated_at=now,
                        attempts=0,
                    )
                ).inserted_primary_key[0]
            )
            others = sa.and_(_active_where(sender), checkins.c.id != new_id)
            phone = conn.execute(
                sa.select(checkins.c.phone_enc)
                .where(others, checkins.c.phone_enc.isnot(None))
                .order_by(checkins.c.id.desc())
                .limit(1)
            ).scalar()
            conn.execute(checkins.update().where(others).values(**_finished("cancelled", "replaced", now)))
            if phone is not None:
                conn.execute(checkins.update().where(checkins.c.id == new_id).values(phone_enc=phone))
            return new_id

    def attach_phone(self, sender: str, number: str, key: str, now: float) -> int:
        """Store the number, encrypted, on this sender's scheduled rows that have none; the rows updated."""
        token = encrypt_number(number, key)
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    checkins.update()
                    .where(
                        checkins.c.sender == sender,
                        checkins.c.status == "scheduled",
                        checkins.c.phone_enc.is_(None),
                    )
                    .values(phone_enc=token, updated_at=now)
                ).rowcount
            )

    def active(self, sender: str) -> Optional[Dict[str, Any]]:
        """The sender's scheduled (or being-sent) check-in, without the number; None if there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(*_PUBLIC).where(_active_where(sender)).order_by(checkins.c.id.desc()).limit(1)
            ).first()
        return dict(row._mapping) if row is not None else None

    def cancel_all(self, sender: str, reason: str, now: float) -> int:
        """Cancel every active check-in of the sender (STOP, "cancel my check-in"); the rows cancelled.

        A row being sent at this moment is cancelled too; its sender then cannot mark it sent (the text
        may still go out once: it was already on its way to Twilio).
        """
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    checkins.update().where(_active_where(sender)).values(**_finished("cancelled", reason, now))
                ).rowcount
            )

    def move(self, sender: str, due_at: float, tz: str, now: float) -> bool:
        """A new time for the sender's scheduled check-in; False when there is none (or it is being sent)."""
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    checkins.update()
                    .where(checkins.c.sender == sender, checkins.c.status == "scheduled")
                    .values(due_at=float(due_at), tz=_zone(tz), updated_at=now)
                ).rowcount
            )

    def forget(self, sender: str) -> int:
        """Delete every row of the sender, whatever its state (erasure); the rows deleted."""
        with self.engine.begin() as conn:
            return int(conn.execute(checkins.delete().where(checkins.c.sender == sender)).rowcount)

    # -- the sender's side --------------------------------------------------------------------
    def claim_due(self, now: float, worker: str, limit: int = 50) -> List[Dict[str, Any]]:
        """Claim due check-ins for `worker`; only rows this call's own UPDATE changed come back (with phone_enc).

        The candidates are read first, outside the write transaction: on SQLite a transaction that
        reads and then writes cannot wait for another writer (it fails at once), one that starts by
        writing waits (busy_timeout). Each claim re-checks `status='scheduled'`, so when two replicas
        pick the same candidate exactly one UPDATE changes it and the other's changes nothing.
        """
        with self.engine.connect() as conn:
            ids = list(
                conn.execute(
                    sa.select(checkins.c.id)
                    .where(checkins.c.status == "scheduled", checkins.c.due_at <= now)
                    .order_by(checkins.c.due_at, checkins.c.id)
                    .limit(limit)
                ).scalars()
            )
        if not ids:
            return []
        won: List[int] = []
        with self.engine.begin() as conn:
            for row_id in sorted(ids):  # one lock order for every replica: PostgreSQL cannot deadlock on it
                changed = conn.execute(
                    checkins.update()
                    .where(checkins.c.id == row_id, checkins.c.status == "scheduled")
                    .values(
                        status="claimed",
                        claimed_by=worker,
                        claimed_at=now,
                        updated_at=now,
                        attempts=checkins.c.attempts + 1,
                    )
                ).rowcount
                if changed == 1:
                    won.append(row_id)
            if not won:
                return []
            rows = conn.execute(
                sa.select(checkins)
                .where(checkins.c.id.in_(won), checkins.c.claimed_by == worker)
                .order_by(checkins.c.due_at, checkins.c.id)
            )
            return [dict(row._mapping) for row in rows]

    def release_stale(self, now: float, older_than_s: float = STALE_CLAIM_S) -> int:
        """Claims older than `older_than_s` go back to scheduled: their replica died between claim and outcome.

        The one way a check-in can go out twice: a replica that crashed (or stalled past the limit) after
        Twilio accepted the SMS but before `mark_sent` leaves a claim that is released and sent again.
        That window is one HTTP request (plus its retries); the sender gives back what it cannot finish
        well within the limit. A row claimed MAX_CLAIMS times without an outcome fails as "abandoned"
        instead, so one that crashes its sender is not retried forever. Returns the rows released.
        """
        stale = sa.and_(checkins.c.status == "claimed", checkins.c.claimed_at < now - older_than_s)
        with self.engine.begin() as conn:
            conn.execute(
                checkins.update()
                .where(stale, checkins.c.attempts >= MAX_CLAIMS)
                .values(**_finished("failed", "abandoned", now))
            )
            return int(
                conn.execute(
                    checkins.update()
                    .where(stale)
                    .values(status="scheduled", claimed_by=None, claimed_at=None, updated_at=now)
                ).rowcount
            )

    def mark_sent(self, checkin_id: int, worker: str, now: float) -> bool:
        """Sent: the number is dropped. False when `worker` no longer holds the claim (released, cancelled)."""
        return self._finish(checkin_id, worker, now, status="sent", reason=None, sent_at=now)

    def mark_failed(self, checkin_id: int, worker: str, reason: str, now: float) -> bool:
        """Not sent and not to be retried ("opted_out", "no_phone", "HTTP 400"): the number is dropped."""
        return self._finish(checkin_id, worker, now, status="failed", reason=reason[:80])

    def postpone(self, checkin_id: int, worker: str, due_at: float, now: float) -> bool:
        """Back to scheduled with a new due time (quiet hours; or given back unsent), if `worker` holds the claim."""
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    checkins.update()
                    .where(_claimed_by(checkin_id, worker))
                    .values(status="scheduled", due_at=float(due_at), claimed_by=None, claimed_at=None, updated_at=now)
                ).rowcount
            )

    def _finish(self, checkin_id: int, worker: str, now: float, **values: Any) -> bool:
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    checkins.update()
                    .where(_claimed_by(checkin_id, worker))
                    .values(phone_enc=None, updated_at=now, **values)
                ).rowcount
            )

    # -- for staff and tests -------------------------------------------------------------------
    def upcoming(self, now: float, limit: int = 100) -> List[Dict[str, Any]]:
        """Scheduled check-ins, soonest first, without the number (`has_phone` says whether one is attached).

        `now` is accepted for symmetry and future filtering; overdue rows (a sender is down) are shown too.
        """
        query = (
            sa.select(*_PUBLIC, checkins.c.phone_enc.isnot(None).label("has_phone"))
            .where(checkins.c.status == "scheduled")
            .order_by(checkins.c.due_at, checkins.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def counts(self) -> Dict[str, int]:
        """Rows by status, every status present (0 when none)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(checkins.c.status, sa.func.count()).group_by(checkins.c.status))
            found = {status: count for status, count in rows}
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def get(self, checkin_id: int) -> Optional[Dict[str, Any]]:
        """One row without the number (tests, the console)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*_PUBLIC).where(checkins.c.id == checkin_id)).first()
        return dict(row._mapping) if row is not None else None

    def has_phone(self, checkin_id: int) -> bool:
        """Whether an encrypted number is stored on the row (without reading it out)."""
        with self.engine.connect() as conn:
            return bool(
                conn.execute(sa.select(checkins.c.phone_enc.isnot(None)).where(checkins.c.id == checkin_id)).scalar()
            )

    def dispose(self) -> None:
        self.engine.dispose()


def _active_where(sender: str) -> Any:
    return sa.and_(checkins.c.sender == sender, checkins.c.status.in_(ACTIVE))


def _claimed_by(checkin_id: int, worker: str) -> Any:
    return sa.and_(checkins.c.id == checkin_id, checkins.c.status == "claimed", checkins.c.claimed_by == worker)


def _finished(status: str, reason: Optional[str], now: float) -> Dict[str, Any]:
    return {"status": status, "reason": reason, "phone_enc": None, "updated_at": now}
