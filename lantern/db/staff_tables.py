"""The staff console's tables (staff/, docs/staff-console.md): accounts, sessions, audit, review notes.

They live in the shared library for the same reason as sms_tables.py: the one Alembic environment
compares them with the database, and lantern/ may not import the staff app. They sit in the
tracker store's database beside the transcripts they annotate. Review rows, tags and message
notes point at `transcript_conversations` / `transcript_messages` with ON DELETE CASCADE, made by
the migration (st0001) rather than here, because those tables belong to another group's metadata:
when retention, a person's request or a supervisor deletes a conversation, its notes go with it.
The audit log points at nothing and is append-only (triggers in st0001 refuse UPDATE and DELETE).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

ROLES = ("reviewer", "supervisor", "trainer", "admin")
REVIEW_STATUSES = ("new", "needs_follow_up", "reviewed")

users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(128), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),  # argon2id, encoded with its parameters
    sa.Column("role", sa.String(16), nullable=False),  # ROLES
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("totp_secret", sa.String(64)),  # base32; set when an admin turns on a second factor
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),  # since the last success
    sa.Column("locked_until", sa.DateTime),  # UTC
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_login_at", sa.DateTime),
)

sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256 of the cookie's token; never the token
    sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("second_factor_done", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen_at", sa.DateTime, nullable=False),
)

login_attempts = sa.Table(
    "staff_login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client", sa.String(64), nullable=False),  # keyed hash of the client address
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Index("ix_staff_login_attempts_client_at", "client", "at"),
)

audit = sa.Table(
    "staff_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("user_id", sa.Integer),  # no foreign key: the log outlives accounts
    sa.Column("username", sa.String(64)),
    sa.Column("action", sa.String(32), nullable=False, index=True),  # login, view, search, export, tag, ...
    sa.Column("target", sa.String(255)),  # a conversation id, a message id, a user name
    sa.Column("detail", sa.Text),  # JSON: filters used, tag names, counts; never message text
)

reviews = sa.Table(
    "staff_reviews",
    metadata,
    sa.Column("conversation_id", sa.String(32), primary_key=True),  # -> transcript_conversations (CASCADE)
    sa.Column("status", sa.String(16), nullable=False, server_default="new"),  # REVIEW_STATUSES
    sa.Column("assignee_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="SET NULL"), index=True),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("updated_by", sa.Integer),
    sa.Index("ix_staff_reviews_status", "status"),
)

conversation_tags = sa.Table(
    "staff_conversation_tags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(32), nullable=False),  # -> transcript_conversations (CASCADE)
    sa.Column("tag", sa.String(64), nullable=False),
    sa.Column("user_id", sa.Integer),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("conversation_id", "tag", name="uq_staff_conversation_tags"),
    sa.Index("ix_staff_conversation_tags_tag", "tag", "conversation_id"),
)

message_notes = sa.Table(
    "staff_message_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.Integer, nullable=False, index=True),  # -> transcript_messages (CASCADE)
    sa.Column("conversation_id", sa.String(32), nullable=False, index=True),  # -> transcript_conversations
    sa.Column("tag", sa.String(64)),  # a message tag, or NULL for a plain comment or flag
    sa.Column("flagged", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("comment", sa.Text),
    sa.Column("user_id", sa.Integer),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_staff_message_notes_tag", "tag"),
)
