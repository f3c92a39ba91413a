"""Transcript tables: conversations and messages (anonymized text, pseudonymous sender).

Revision ID: t0001
Revises:
Create Date: 2026-11-29
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "t0001"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = ("transcripts",)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "transcript_conversations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("sender_pseudonym", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_message_at", sa.DateTime(), nullable=False),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transcript_conversations", schema=None) as batch_op:
        batch_op.create_index("ix_transcript_conversations_sender_pseudonym", ["sender_pseudonym"], unique=False)
        batch_op.create_index("ix_transcript_conversations_last_message_at", ["last_message_at"], unique=False)

    op.create_table(
        "transcript_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("intent", sa.String(length=128), nullable=True),
        sa.Column("intent_confidence", sa.Float(), nullable=True),
        sa.Column("talk_type", sa.String(length=32), nullable=True),
        sa.Column("talk_type_confidence", sa.Float(), nullable=True),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.Column("crisis_level", sa.String(length=32), nullable=True),
        sa.Column("crisis_category", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=128), nullable=True),
        sa.Column("pii_types", sa.String(length=255), nullable=True),
        sa.Column("degraded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["transcript_conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_transcript_messages_seq"),
    )
    with op.batch_alter_table("transcript_messages", schema=None) as batch_op:
        batch_op.create_index("ix_transcript_messages_conversation_id", ["conversation_id"], unique=False)
        batch_op.create_index("ix_transcript_messages_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("transcript_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_transcript_messages_created_at")
        batch_op.drop_index("ix_transcript_messages_conversation_id")
    op.drop_table("transcript_messages")
    with op.batch_alter_table("transcript_conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_transcript_conversations_last_message_at")
        batch_op.drop_index("ix_transcript_conversations_sender_pseudonym")
    op.drop_table("transcript_conversations")
