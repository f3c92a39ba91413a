"""Check-ins: one row per consented check-in text (lantern/db/checkin_tables.py, docs/checkins.md).

Written out as it was at c0001 (not read from the models), so a later change to the models goes in
a new migration; tests/unit/test_checkin_store.py checks the models and the migrations agree.

Revision ID: c0001
Revises:
Create Date: 2026-12-08
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "c0001"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = ("checkins",)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender", sa.String(length=40), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=True),
        sa.Column("due_at", sa.Float(), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.Float(), nullable=True),
        sa.Column("phone_enc", sa.Text(), nullable=True),
        sa.Column("consent_at", sa.Float(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("sent_at", sa.Float(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_checkins_sender", "checkins", ["sender"], unique=False)
    op.create_index("ix_checkins_due_at", "checkins", ["due_at"], unique=False)
    op.create_index("ix_checkins_status", "checkins", ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("checkins")  # its indexes go with it
