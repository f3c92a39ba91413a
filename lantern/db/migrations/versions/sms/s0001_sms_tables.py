"""SMS channel state: inbound message ids, opt-outs, numbered choices, failed sends, crisis flags.

Before this migration the channel made these tables with `metadata.create_all`, so a database
from then has some or all of them and no `sms_alembic_version`: each table and index is made
only if it is missing, and rows already there are kept.

Revision ID: s0001
Revises:
Create Date: 2026-12-07
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "s0001"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = ("sms",)
depends_on: Union[str, Sequence[str], None] = None


def _create(name: str, *columns: sa.Column, indexes: Sequence[tuple] = ()) -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table(name):
        op.create_table(name, *columns)
        existing = set()
    else:
        existing = {index["name"] for index in inspector.get_indexes(name)}
    for index_name, index_columns in indexes:
        if index_name not in existing:
            op.create_index(index_name, name, list(index_columns), unique=False)


def upgrade() -> None:
    _create(
        "sms_inbound",
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("message_sid"),
        indexes=[("ix_sms_inbound_received_at", ("received_at",))],
    )
    _create(
        "sms_opt_outs",
        sa.Column("sender", sa.String(length=40), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("sender"),
    )
    _create(
        "sms_choices",
        sa.Column("sender", sa.String(length=40), nullable=False),
        sa.Column("payloads", sa.Text(), nullable=False),
        sa.Column("titles", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("sender"),
    )
    _create(
        "sms_failed_sends",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender", sa.String(length=40), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=[("ix_sms_failed_sends_sender", ("sender",))],
    )
    _create(
        "sms_crisis_flags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender", sa.String(length=40), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("reply", sa.String(length=20), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=[("ix_sms_crisis_flags_sender", ("sender",))],
    )


def downgrade() -> None:
    for name in ("sms_crisis_flags", "sms_failed_sends", "sms_choices", "sms_opt_outs", "sms_inbound"):
        op.drop_table(name)  # their indexes go with them
