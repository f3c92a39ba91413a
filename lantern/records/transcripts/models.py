"""Transcript tables: one row per conversation (a Rasa session), one per message.

Nothing here identifies a person: the sender is a keyed pseudonym
(lantern/records/anonymizer/pseudonym.py) and every text is anonymized before it is
written. The schema is versioned by the Alembic history in `migrations/`
(version table `transcripts_alembic_version`); change it only with a new
migration.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship

# SQLAlchemy 1.4's declarative_base() returns a class mypy cannot use as a base without a plugin.
Base: Any = declarative_base()

CONVERSATIONS = "transcript_conversations"
MESSAGES = "transcript_messages"


class Conversation(Base):
    """One conversation session of one (pseudonymous) sender."""

    __tablename__ = CONVERSATIONS

    id = sa.Column(sa.String(32), primary_key=True)  # random hex, shown in exports
    sender_pseudonym = sa.Column(sa.String(64), nullable=False, index=True)
    channel = sa.Column(sa.String(64))
    started_at = sa.Column(sa.DateTime, nullable=False, index=True)  # UTC; t0003 indexes it (staff console)
    last_message_at = sa.Column(sa.DateTime, nullable=False, index=True)  # UTC; retention uses it
    turns = sa.Column(sa.Integer, nullable=False, default=0)  # user messages so far
    message_count = sa.Column(sa.Integer, nullable=False, default=0)
    crisis = sa.Column(sa.Boolean, nullable=False, default=False)  # any message flagged
    # Summaries kept by record.py as messages arrive, so the staff console filters 100,000
    # conversations without reading their messages (t0002).
    crisis_level = sa.Column(sa.String(32))  # the highest level any message reached (LEVELS order)
    crisis_category = sa.Column(sa.String(64))  # the category of that message
    change_talk = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")  # user change talk
    sustain_talk = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")  # ... sustain talk
    fallbacks = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")  # turns not understood
    referral_offered = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    referral_accepted = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())

    messages = relationship(
        "Message",
        back_populates="conversation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Message.seq",
    )


class Message(Base):
    """One anonymized user or bot message."""

    __tablename__ = MESSAGES
    __table_args__ = (
        sa.UniqueConstraint("conversation_id", "seq", name="uq_transcript_messages_seq"),
        sa.Index("ix_transcript_messages_intent", "intent", "conversation_id"),  # staff console filter
        sa.Index("ix_transcript_messages_action", "action", "created_at"),  # dashboard: fallbacks in a period
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    conversation_id = sa.Column(
        sa.String(32), sa.ForeignKey(f"{CONVERSATIONS}.id", ondelete="CASCADE"), nullable=False, index=True
    )
    seq = sa.Column(sa.Integer, nullable=False)  # order within the conversation, from 1
    turn = sa.Column(sa.Integer, nullable=False)  # user message number; bot replies share it
    sender = sa.Column(sa.String(8), nullable=False)  # "user" | "bot" | "staff" (hand-offs)
    text = sa.Column(sa.Text, nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, index=True)  # UTC
    intent = sa.Column(sa.String(128))
    intent_confidence = sa.Column(sa.Float)
    talk_type = sa.Column(sa.String(32))
    talk_type_confidence = sa.Column(sa.Float)
    crisis = sa.Column(sa.Boolean, nullable=False, default=False)
    crisis_level = sa.Column(sa.String(32))
    crisis_category = sa.Column(sa.String(64))
    action = sa.Column(sa.String(128))  # bot messages: the action or response that sent it
    # Bot messages: the MI skill its template is labelled with (phrases' metadata.mi; t0003). A label
    # the template's author gave, shown to reviewers as such: not a fidelity code.
    mi_code = sa.Column(sa.String(32))
    pii_types = sa.Column(sa.String(255))  # placeholders put in, e.g. "PERSON,PHONE"; never values
    degraded = sa.Column(sa.Boolean, nullable=False, default=False)  # anonymizer ran without NER

    conversation = relationship("Conversation", back_populates="messages")
