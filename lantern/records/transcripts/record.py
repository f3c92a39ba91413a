"""Add one save's transcript records to a database session (the tracker store's own).

The caller commits: the tracker events and the transcript rows of a turn go in
one transaction, so a turn is either fully stored or not at all (and then the
channel answers 503). SQLAlchemy Core statements, not ORM objects: this runs on
every turn and the ORM's bookkeeping would cost more than the inserts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa

from lantern.records.transcripts.models import Conversation, Message
from lantern.records.transcripts.scrub import MessageRecord, SessionMark

CONVERSATIONS = Conversation.__table__
MESSAGES = Message.__table__


def utc(timestamp: float) -> datetime:
    """A naive UTC datetime (what the DateTime columns hold) from a Unix timestamp."""
    return datetime.fromtimestamp(float(timestamp), tz=timezone.utc).replace(tzinfo=None)


@dataclass
class _Open:
    """A conversation as this save changes it."""

    id: str
    started_at: datetime
    last_message_at: datetime
    turns: int = 0
    message_count: int = 0
    channel: Optional[str] = None
    crisis: bool = False
    new: bool = True
    changed: bool = False
    messages: List[Dict[str, Any]] = field(default_factory=list)


def _latest(session: Any, pseudonym: str) -> Optional[_Open]:
    c = CONVERSATIONS.c
    row = session.execute(
        sa.select(c.id, c.started_at, c.last_message_at, c.turns, c.message_count, c.channel, c.crisis)
        .where(c.sender_pseudonym == pseudonym)
        .order_by(c.started_at.desc(), c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return _Open(
        row.id,
        row.started_at,
        row.last_message_at,
        row.turns or 0,
        row.message_count or 0,
        row.channel,
        bool(row.crisis),
        new=False,
    )


def _new(timestamp: float) -> _Open:
    when = utc(timestamp)
    return _Open(uuid.uuid4().hex, when, when)


def add_records(session: Any, pseudonym: str, records: Iterable[Any]) -> int:
    """Add the messages in `records` to the sender's current conversation (opening new ones at
    session starts); return how many messages were added. `session` is a Session or Connection."""
    touched: List[_Open] = []
    current: Optional[_Open] = None
    looked_up = False
    for record in records:
        if isinstance(record, SessionMark):
            current, looked_up = _new(record.timestamp), True
            touched.append(current)
            continue
        if not isinstance(record, MessageRecord):
            continue
        if not looked_up:
            current, looked_up = _latest(session, pseudonym), True
            if current is not None:
                touched.append(current)
        if current is None:
            current = _new(record.timestamp)
            touched.append(current)
        if record.sender == "user":
            current.turns += 1
            if record.channel and not current.channel:
                current.channel = record.channel[:64]
        current.message_count += 1
        when = utc(record.timestamp)
        current.last_message_at = max(current.last_message_at, when)
        current.crisis = current.crisis or record.crisis
        current.changed = True
        current.messages.append(
            {
                "conversation_id": current.id,
                "seq": current.message_count,
                "turn": current.turns,
                "sender": record.sender,
                "text": record.text or "",
                "created_at": when,
                "intent": _cut(record.intent, 128),
                "intent_confidence": record.intent_confidence,
                "talk_type": _cut(record.talk_type, 32),
                "talk_type_confidence": record.talk_type_confidence,
                "crisis": bool(record.crisis),
                "crisis_level": _cut(record.crisis_level, 32),
                "crisis_category": _cut(record.crisis_category, 64),
                "action": _cut(record.action, 128),
                "pii_types": _cut(",".join(sorted(set(record.pii_types))), 255) or None,
                "degraded": bool(record.degraded),
            }
        )

    added = 0
    for conv in touched:
        values = {
            "last_message_at": conv.last_message_at,
            "turns": conv.turns,
            "message_count": conv.message_count,
            "channel": conv.channel,
            "crisis": conv.crisis,
        }
        if conv.new:
            session.execute(
                CONVERSATIONS.insert().values(
                    id=conv.id, sender_pseudonym=pseudonym, started_at=conv.started_at, **values
                )
            )
        elif conv.changed:
            session.execute(CONVERSATIONS.update().where(CONVERSATIONS.c.id == conv.id).values(**values))
        if conv.messages:
            session.execute(MESSAGES.insert(), conv.messages)
            added += len(conv.messages)
    return added


def _cut(value: Optional[str], size: int) -> Optional[str]:
    return value[:size] if isinstance(value, str) else value
