"""Staff console tables: accounts, sessions, login attempts, audit log, reviews, tags, message notes.

Review rows, conversation tags and message notes cascade with the conversation or message they
annotate (foreign keys into the transcripts group, which is migrated first). The audit log is
append-only: triggers refuse UPDATE and DELETE on SQLite and PostgreSQL.

The tables are written out here as they were at st0001 (not read from lantern/db/staff_tables.py),
so a later change to the models goes in a new migration and a fresh database still gets this shape
first. tests/unit/test_staff_auth.py checks the models and the migrations agree.

Revision ID: st0001
Revises:
Create Date: 2026-12-07
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "st0001"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = ("staff",)
depends_on: Union[str, Sequence[str], None] = None

PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION staff_audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'staff_audit is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER staff_audit_no_update BEFORE UPDATE OR DELETE ON staff_audit
FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only();
"""


def _conversation(name: str = "conversation_id") -> sa.Column:
    return sa.Column(
        name, sa.String(32), sa.ForeignKey("transcript_conversations.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("totp_secret", sa.String(64)),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_login_at", sa.DateTime),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("second_factor_done", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_sessions_user_id", "staff_sessions", ["user_id"])
    op.create_table(
        "staff_login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_login_attempts_client_at", "staff_login_attempts", ["client", "at"])
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("user_id", sa.Integer),
        sa.Column("username", sa.String(64)),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(255)),
        sa.Column("detail", sa.Text),
    )
    op.create_index("ix_staff_audit_at", "staff_audit", ["at"])
    op.create_index("ix_staff_audit_action", "staff_audit", ["action"])
    op.create_table(
        "staff_reviews",
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("transcript_conversations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("status", sa.String(16), nullable=False, server_default="new"),
        sa.Column("assignee_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="SET NULL")),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.Integer),
    )
    op.create_index("ix_staff_reviews_assignee_id", "staff_reviews", ["assignee_id"])
    op.create_index("ix_staff_reviews_status", "staff_reviews", ["status"])
    op.create_table(
        "staff_conversation_tags",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _conversation(),
        sa.Column("tag", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("conversation_id", "tag", name="uq_staff_conversation_tags"),
    )
    op.create_index("ix_staff_conversation_tags_tag", "staff_conversation_tags", ["tag", "conversation_id"])
    op.create_table(
        "staff_message_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "message_id", sa.Integer, sa.ForeignKey("transcript_messages.id", ondelete="CASCADE"), nullable=False
        ),
        _conversation(),
        sa.Column("tag", sa.String(64)),
        sa.Column("flagged", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("comment", sa.Text),
        sa.Column("user_id", sa.Integer),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_message_notes_message_id", "staff_message_notes", ["message_id"])
    op.create_index("ix_staff_message_notes_conversation_id", "staff_message_notes", ["conversation_id"])
    op.create_index("ix_staff_message_notes_tag", "staff_message_notes", ["tag"])
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER staff_audit_no_{event.lower()} BEFORE {event} ON staff_audit "
                "BEGIN SELECT RAISE(ABORT, 'staff_audit is append-only'); END"
            )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(PG_APPEND_ONLY)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS staff_audit_no_update ON staff_audit")
        op.execute("DROP FUNCTION IF EXISTS staff_audit_append_only()")
    for table in (
        "staff_message_notes",
        "staff_conversation_tags",
        "staff_reviews",
        "staff_audit",
        "staff_login_attempts",
        "staff_sessions",
        "staff_users",
    ):
        op.drop_table(table)
