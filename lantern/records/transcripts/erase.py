"""Delete one conversation: its transcript, its staff notes and the tracker events of its session.

Used by the staff console when a supervisor deletes a conversation (issue 19). A conversation is
one Rasa session of one sender (pseudonym), so its tracker events are that sender's rows in Rasa's
`events` table whose timestamp falls between the conversation's start and its last message
(widened by TOLERANCE for the rounding of float timestamps to datetimes, but never into the
sender's previous or next conversation). Everything goes in one transaction; on SQLite
`secure_delete` zeroes the freed pages and the WAL is checkpointed afterwards, as the retention
purge does. Counts only come back, never content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lantern.db import staff_tables
from lantern.db.sqlite import checkpoint
from lantern.records.transcripts.models import Conversation, Message

EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore table
TOLERANCE = 0.001  # seconds either side of the conversation's first and last message
EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class ForgetCounts:
    """What `forget_conversation` deleted."""

    conversations: int
    messages: int
    notes: int  # staff message notes, conversation tags and review rows
    events: int


def _ts(moment: datetime) -> float:
    return (moment - EPOCH).total_seconds()


def forget_conversation(engine: Engine, conversation_id: str) -> ForgetCounts:
    """Delete the conversation `conversation_id`; all zero counts if there is none."""
    C, M = Conversation.__table__, Message.__table__
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(C.c.sender_pseudonym, C.c.started_at, C.c.last_message_at).where(C.c.id == conversation_id)
        ).first()
        if row is None:
            return ForgetCounts(0, 0, 0, 0)
        sender = row.sender_pseudonym
        first = conn.execute(
            sa.select(sa.func.min(M.c.created_at)).where(M.c.conversation_id == conversation_id)
        ).scalar()
        low = _ts(min(row.started_at, first or row.started_at)) - TOLERANCE
        high = _ts(row.last_message_at) + TOLERANCE
        previous: Optional[datetime] = conn.execute(
            sa.select(sa.func.max(C.c.last_message_at)).where(
                C.c.sender_pseudonym == sender, C.c.id != conversation_id, C.c.started_at < row.started_at
            )
        ).scalar()
        following: Optional[datetime] = conn.execute(
            sa.select(sa.func.min(C.c.started_at)).where(
                C.c.sender_pseudonym == sender, C.c.id != conversation_id, C.c.started_at > row.started_at
            )
        ).scalar()

        messages = int(
            conn.execute(
                sa.select(sa.func.count()).select_from(M).where(M.c.conversation_id == conversation_id)
            ).scalar()
            or 0
        )
        notes = 0
        inspector = sa.inspect(conn)
        for table in (staff_tables.message_notes, staff_tables.conversation_tags, staff_tables.reviews):
            if inspector.has_table(table.name):
                notes += int(
                    conn.execute(table.delete().where(table.c.conversation_id == conversation_id)).rowcount or 0
                )

        events = 0
        if inspector.has_table(EVENTS_TABLE):
            table = sa.table(EVENTS_TABLE, sa.column("sender_id"), sa.column("timestamp"))
            condition = [table.c.sender_id == sender, table.c.timestamp >= low, table.c.timestamp <= high]
            if previous is not None:
                condition.append(table.c.timestamp > _ts(previous))
            if following is not None:
                condition.append(table.c.timestamp < _ts(following))
            events = int(conn.execute(table.delete().where(*condition)).rowcount or 0)

        conn.execute(M.delete().where(M.c.conversation_id == conversation_id))
        conn.execute(C.delete().where(C.c.id == conversation_id))
    checkpoint(engine)
    return ForgetCounts(1, messages, notes, events)
