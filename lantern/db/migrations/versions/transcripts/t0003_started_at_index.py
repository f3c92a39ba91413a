"""Two indexes for the staff console.

- transcript_conversations.started_at: the list sorts and filters by it.
- transcript_messages (action, created_at): the dashboard finds the turns not understood (fallback
  replies) in a period in 0.07 s instead of 0.3-0.8 s on 2,000,000 messages.

And one column, transcript_messages.mi_code: the MI label of the template a bot message came from
(metadata.mi), shown beside each bot message in the transcript view.

Revision ID: t0003
Revises: t0002
Create Date: 2026-12-07
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "t0003"
down_revision: Union[str, None] = "t0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_transcript_conversations_started_at", "transcript_conversations", ["started_at"])
    op.create_index("ix_transcript_messages_action", "transcript_messages", ["action", "created_at"])
    op.add_column("transcript_messages", sa.Column("mi_code", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transcript_messages", schema=None) as batch_op:
        batch_op.drop_column("mi_code")
    op.drop_index("ix_transcript_messages_action", table_name="transcript_messages")
    op.drop_index("ix_transcript_conversations_started_at", table_name="transcript_conversations")
