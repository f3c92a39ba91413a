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

# The order of crisis levels (lantern/crisis/detector.py LEVELS): a conversation keeps its highest.
LEVEL_RANK = {None: 0, "none": 1, "check_in": 2, "crisis": 3}
# Bot actions that mean a turn was not understood, a referral was offered, or services were shown.
FALLBACK_ACTIONS = frozenset({"action_fallback", "action_default_fallback", "utter_default"})
REFERRAL_OFFER_ACTIONS = frozenset({"referral_form", "action_ask_referral_need", "action_ask_referral_place"})
REFERRAL_ACCEPT_ACTIONS = frozenset({"action_referral_search", "action_referral_more", "action_referral_choose"})
SUMMARY_COLUMNS = (
    "crisis_level",
    "crisis_category",
    "change_talk",
    "sustain_talk",
    "fallbacks",
    "referral_offered",
    "referral_accepted",
)


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
    crisis_level: Optional[str] = None
    crisis_category: Optional[str] = None
    change_talk: int = 0
    sustain_talk: int = 0
    fallbacks: int = 0
    referral_offered: bool = False
    referral_accepted: bool = False
    fallback_turn: int = -1  # the last turn counted as a fallback (a turn counts once)
    new: bool = True
    changed: bool = False
    messages: List[Dict[str, Any]] = field(default_factory=list)


def _latest(session: Any, pseudonym: str) -> Optional[_Open]:
    c = CONVERSATIONS.c
    row = session.execute(
        sa.select(
            c.id,
            c.started_at,
            c.last_message_at,
            c.turns,
            c.message_count,
            c.channel,
            c.crisis,
            *(getattr(c, name) for name in SUMMARY_COLUMNS),
        )
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
        row.crisis_level,
        row.crisis_category,
        row.change_talk or 0,
        row.sustain_talk or 0,
        row.fallbacks or 0,
        bool(row.referral_offered),
        bool(row.referral_accepted),
        fallback_turn=row.turns if _last_turn_was_fallback(session, row.id, row.turns) else -1,
        new=False,
    )


def _last_turn_was_fallback(session: Any, conversation_id: str, turn: int) -> bool:
    """Whether the conversation's latest turn was already counted (its reply may arrive in a later save)."""
    m = MESSAGES.c
    found = session.execute(
        sa.select(m.id)
        .where(m.conversation_id == conversation_id, m.turn == turn, m.action.in_(FALLBACK_ACTIONS))
        .limit(1)
    ).first()
    return found is not None


def summarise(conv: _Open, record: MessageRecord) -> None:
    """Fold one message into the conversation's summary columns."""
    if LEVEL_RANK.get(record.crisis_level, 0) > LEVEL_RANK.get(conv.crisis_level, 0) or (
        record.crisis_level == conv.crisis_level and record.crisis_category and not conv.crisis_category
    ):
        conv.crisis_level = _cut(record.crisis_level, 32)
        conv.crisis_category = _cut(record.crisis_category, 64) or conv.crisis_category
    if record.sender == "user":
        if record.talk_type == "change":
            conv.change_talk += 1
        elif record.talk_type == "sustain":
            conv.sustain_talk += 1
        return
    action = record.action or ""
    if action in FALLBACK_ACTIONS and conv.fallback_turn != conv.turns:
        conv.fallbacks += 1
        conv.fallback_turn = conv.turns
    conv.referral_offered = conv.referral_offered or action in REFERRAL_OFFER_ACTIONS | REFERRAL_ACCEPT_ACTIONS
    conv.referral_accepted = conv.referral_accepted or action in REFERRAL_ACCEPT_ACTIONS


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
        summarise(current, record)
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
                "mi_code": _cut(record.mi_code, 32),
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
            **{name: getattr(conv, name) for name in SUMMARY_COLUMNS},
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
