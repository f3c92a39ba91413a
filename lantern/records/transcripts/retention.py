"""Retention: conversations older than LANTERN_RETENTION_DAYS are deleted, transcript and tracker events.

A transcript conversation is purged when its last message is older than the
cutoff. Rasa's tracker events are purged session by session, the same way: a
sender whose events are all older than the cutoff loses them all; a sender
still active keeps the session that was running at the cutoff and everything
after it, and loses the sessions before. Deletes run in small transactions so
a running bot is never locked out for long; on SQLite `secure_delete` zeroes
the freed pages.

`purge()` is run by `python -m tools transcripts purge` and, while `make run`
is up, by `RetentionSchedule` (tools/runner.py) at start and every hour.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lantern.db.sqlite import checkpoint
from lantern.records.transcripts.models import Conversation, Message

BATCH = 500
EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore table
SESSION_START_ACTION = "action_session_start"
INTERVAL_SECONDS = 3600.0


@dataclass(frozen=True)
class PurgeReport:
    """What a purge deleted (or, in a dry run, would delete). Counts only, never content."""

    cutoff: datetime
    conversations: int
    messages: int
    events: int
    dry_run: bool

    def summary(self, days: int) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        return (
            f"Retention ({days} days, before {self.cutoff.isoformat(timespec='seconds')}Z): {verb} "
            f"{self.conversations} conversations ({self.messages} messages) and {self.events} tracker events."
        )


def cutoff_for(days: int, now: Optional[datetime] = None) -> datetime:
    if days < 1:
        raise ValueError("retention must be at least 1 day")
    return (now or datetime.utcnow()) - timedelta(days=days)


def _chunks(items: List, size: int) -> List[List]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _purge_transcripts(engine: Engine, cutoff: datetime, dry_run: bool) -> tuple:
    conversations = messages = 0
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.select(Conversation.id).where(Conversation.last_message_at < cutoff))]
    for chunk in _chunks(ids, BATCH):
        with engine.begin() as conn:
            count = (
                conn.execute(
                    sa.select(sa.func.count()).select_from(Message).where(Message.conversation_id.in_(chunk))
                ).scalar()
                or 0
            )
            if not dry_run:
                conn.execute(sa.delete(Message).where(Message.conversation_id.in_(chunk)))
                conn.execute(sa.delete(Conversation).where(Conversation.id.in_(chunk)))
        conversations += len(chunk)
        messages += count
    return conversations, messages


def _purge_events(engine: Engine, cutoff: datetime, dry_run: bool) -> int:
    if not sa.inspect(engine).has_table(EVENTS_TABLE):
        return 0
    events = sa.table(
        EVENTS_TABLE,
        sa.column("id"),
        sa.column("sender_id"),
        sa.column("type_name"),
        sa.column("timestamp"),
        sa.column("action_name"),
    )
    cut_ts = (cutoff - datetime(1970, 1, 1)).total_seconds()
    with engine.connect() as conn:
        senders = [
            r[0] for r in conn.execute(sa.select(events.c.sender_id).where(events.c.timestamp < cut_ts).distinct())
        ]
    deleted = 0
    for sender in senders:
        with engine.begin() as conn:
            mine = events.c.sender_id == sender
            first_recent = conn.execute(
                sa.select(sa.func.min(events.c.id)).where(mine, events.c.timestamp >= cut_ts)
            ).scalar()
            if first_recent is None:
                condition = mine  # the whole conversation is past retention
            else:
                boundary = conn.execute(
                    sa.select(sa.func.max(events.c.id)).where(
                        mine,
                        events.c.id <= first_recent,
                        events.c.type_name == "action",
                        events.c.action_name == SESSION_START_ACTION,
                    )
                ).scalar()
                if boundary is None:
                    boundary = conn.execute(
                        sa.select(sa.func.max(events.c.id)).where(
                            mine, events.c.id <= first_recent, events.c.type_name == "session_started"
                        )
                    ).scalar()
                if boundary is None:
                    continue  # one session still running since before the cutoff: keep it whole
                condition = sa.and_(mine, events.c.id < boundary)
            count = conn.execute(sa.select(sa.func.count()).select_from(events).where(condition)).scalar() or 0
            if count and not dry_run:
                conn.execute(sa.delete(events).where(condition))
            deleted += count
    return deleted


def purge(engine: Engine, days: int, now: Optional[datetime] = None, dry_run: bool = False) -> PurgeReport:
    """Delete (or count, with `dry_run`) everything older than `days` days."""
    cutoff = cutoff_for(days, now)
    conversations, messages = _purge_transcripts(engine, cutoff, dry_run)
    events = _purge_events(engine, cutoff, dry_run)
    if not dry_run and (conversations or events):
        checkpoint(engine)  # the deleted rows' old pages leave the WAL too
    return PurgeReport(cutoff, conversations, messages, events, dry_run)


def erase_in(conn: Connection, pseudonym: str, dry_run: bool = False) -> Tuple[int, int, int]:
    """Delete (or count) one sender's transcript conversations, messages, tracker events, check-ins and hand-offs.

    Runs in the caller's transaction: `forget` commits it alone; the tracker store commits it in place of a
    turn when the person confirmed "delete my chat" in the chat (rasa_plugins/tracker_store.py). Staff rows
    that point at the conversations go with them (foreign keys ON DELETE CASCADE). Returns the counts
    (conversations, messages, events).
    """
    ids = [r[0] for r in conn.execute(sa.select(Conversation.id).where(Conversation.sender_pseudonym == pseudonym))]
    messages = (
        conn.execute(sa.select(sa.func.count()).select_from(Message).where(Message.conversation_id.in_(ids))).scalar()
        if ids
        else 0
    )
    if not dry_run and sa.inspect(conn).has_table("checkins"):  # a check-in holds their number: it goes too
        from lantern.db.checkin_tables import checkins

        conn.execute(sa.delete(checkins).where(checkins.c.sender == pseudonym))
    if not dry_run and sa.inspect(conn).has_table("handoffs"):  # an SMS hand-off holds their number too
        from lantern.handoffs.store import forget as forget_handoffs

        forget_handoffs(conn, pseudonym)
    events = 0
    if sa.inspect(conn).has_table(EVENTS_TABLE):
        table = sa.table(EVENTS_TABLE, sa.column("sender_id"))
        events = (
            conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.sender_id == pseudonym)).scalar()
            or 0
        )
        if events and not dry_run:
            conn.execute(sa.delete(table).where(table.c.sender_id == pseudonym))
    if ids and not dry_run:
        conn.execute(sa.delete(Message).where(Message.conversation_id.in_(ids)))
        conn.execute(sa.delete(Conversation).where(Conversation.id.in_(ids)))
    return len(ids), messages or 0, events


def forget(engine: Engine, pseudonym: str, dry_run: bool = False) -> PurgeReport:
    """Delete everything stored for one sender (a deletion request): transcript and tracker events."""
    with engine.begin() as conn:
        conversations, messages, events = erase_in(conn, pseudonym, dry_run)
    if not dry_run:
        checkpoint(engine)
    return PurgeReport(datetime.utcnow(), conversations, messages, events, dry_run)


class RetentionSchedule:
    """Runs `purge` now and then every `interval` seconds in a background thread until `stop()`."""

    def __init__(
        self, db_url: str, days: int, interval: float = INTERVAL_SECONDS, report: Callable[[str], None] = print
    ) -> None:
        self.db_url = db_url
        self.days = days
        self.interval = interval
        self.report = report
        self.runs = 0
        self.last: Optional[PurgeReport] = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lantern-retention", daemon=True)
        self._engine: Optional[Engine] = None

    def start(self) -> "RetentionSchedule":
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._engine is not None:
            self._engine.dispose()

    def run_once(self) -> Optional[PurgeReport]:
        from lantern.records.transcripts.db import open_engine

        try:
            if self._engine is None:
                self._engine = open_engine(self.db_url)
            result = purge(self._engine, self.days)
        except Exception as error:  # try again next interval; never stop the bot
            print(
                f"Retention run failed ({type(error).__name__}); will try again in {self.interval / 60:.0f} minutes.",
                file=sys.stderr,
                flush=True,
            )
            return None
        self.runs += 1
        self.last = result
        if self.runs == 1 or result.conversations or result.events:
            self.report(result.summary(self.days))
        return result

    def _loop(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            self.run_once()
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - began)))
