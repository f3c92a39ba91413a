"""Conversation summaries and full-text search, for the staff console (issue 19).

- Seven summary columns on `transcript_conversations` (highest crisis level and its category,
  change and sustain talk counts, fallback turns, referral offered and accepted), kept by
  lantern/records/transcripts/record.py as messages arrive and filled here for older rows, so the
  console filters 100,000 conversations without reading their messages.
- An index on (intent, conversation_id) for "conversations with this intent".
- Full-text search over the anonymized text: on SQLite an FTS5 table kept in step by triggers
  (external content: the text is stored once, in transcript_messages); on PostgreSQL a GIN index
  on to_tsvector('english', text). The FTS table's name does not start with `transcript_`, so
  autogenerate (which looks only at the group's prefix) leaves it and its shadow tables alone.

Revision ID: t0002
Revises: t0001
Create Date: 2026-12-07
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "t0002"
down_revision: Union[str, None] = "t0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FTS = "fts_transcript_messages"
FALLBACK_ACTIONS = "('action_fallback', 'action_default_fallback', 'utter_default')"
OFFER_ACTIONS = (
    "('referral_form', 'action_ask_referral_need', 'action_ask_referral_place', "
    "'action_referral_search', 'action_referral_more', 'action_referral_choose')"
)
ACCEPT_ACTIONS = "('action_referral_search', 'action_referral_more', 'action_referral_choose')"
RANK = "CASE m.crisis_level WHEN 'crisis' THEN 3 WHEN 'check_in' THEN 2 WHEN 'none' THEN 1 ELSE 0 END"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER {FTS}_ai AFTER INSERT ON transcript_messages BEGIN
        INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text); END""",
    f"""CREATE TRIGGER {FTS}_ad AFTER DELETE ON transcript_messages BEGIN
        INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text); END""",
    f"""CREATE TRIGGER {FTS}_au AFTER UPDATE OF text ON transcript_messages BEGIN
        INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text); END""",
)


def _backfill() -> None:
    where = "m.conversation_id = transcript_conversations.id"
    op.execute(
        f"""UPDATE transcript_conversations SET
        change_talk = (SELECT count(*) FROM transcript_messages m
                       WHERE {where} AND m.sender = 'user' AND m.talk_type = 'change'),
        sustain_talk = (SELECT count(*) FROM transcript_messages m
                        WHERE {where} AND m.sender = 'user' AND m.talk_type = 'sustain'),
        fallbacks = (SELECT count(DISTINCT m.turn) FROM transcript_messages m
                     WHERE {where} AND m.action IN {FALLBACK_ACTIONS}),
        referral_offered = EXISTS (SELECT 1 FROM transcript_messages m WHERE {where} AND m.action IN {OFFER_ACTIONS}),
        referral_accepted = EXISTS (SELECT 1 FROM transcript_messages m
                                    WHERE {where} AND m.action IN {ACCEPT_ACTIONS}),
        crisis_level = (SELECT m.crisis_level FROM transcript_messages m WHERE {where}
                        AND m.crisis_level IS NOT NULL ORDER BY {RANK} DESC, m.seq LIMIT 1),
        crisis_category = (SELECT m.crisis_category FROM transcript_messages m WHERE {where}
                           AND m.crisis_category IS NOT NULL ORDER BY {RANK} DESC, m.seq LIMIT 1)"""
    )


def upgrade() -> None:
    false = sa.false()
    op.add_column("transcript_conversations", sa.Column("crisis_level", sa.String(length=32), nullable=True))
    op.add_column("transcript_conversations", sa.Column("crisis_category", sa.String(length=64), nullable=True))
    for name in ("change_talk", "sustain_talk", "fallbacks"):
        op.add_column("transcript_conversations", sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    for name in ("referral_offered", "referral_accepted"):
        op.add_column("transcript_conversations", sa.Column(name, sa.Boolean(), nullable=False, server_default=false))
    op.create_index("ix_transcript_messages_intent", "transcript_messages", ["intent", "conversation_id"], unique=False)
    _backfill()
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(text, content='transcript_messages', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_transcript_messages_fts ON transcript_messages USING gin (to_tsvector('english', text))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_transcript_messages_fts")
    op.drop_index("ix_transcript_messages_intent", table_name="transcript_messages")
    with op.batch_alter_table("transcript_conversations", schema=None) as batch_op:
        for name in (
            "referral_accepted",
            "referral_offered",
            "fallbacks",
            "sustain_talk",
            "change_talk",
            "crisis_category",
            "crisis_level",
        ):
            batch_op.drop_column(name)
