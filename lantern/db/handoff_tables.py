"""The hand-off tables (docs/handoffs.md): lantern/handoffs/store.py uses them, versions/handoffs makes them.

`handoffs`: one row each time a conversation is put in front of staff (the person asked for a person, or
a crisis reply went out while staff were on duty). `conversation` is the id the tracker store keeps for
it (lantern/identity.py `stored_id`: a keyed hash, never a widget session id or a number), so the
console links it to its transcript. Over SMS the number is kept encrypted in `phone_enc` (the key of
lantern/checkins/contact.py) while the hand-off is open, so staff replies can be sent; it is dropped
when the hand-off closes.

`handoff_messages`: what staff (or the join and leave notices) send, queued until the replica that can
deliver it does (the one holding the widget's socket; any one for SMS). The text is kept only until it
is delivered or fails: the stored copy is the anonymized one in the transcript.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

KINDS = ("request", "crisis")
STATUSES = ("waiting", "taken", "closed")
OPEN = ("waiting", "taken")
MESSAGE_KINDS = ("staff", "joined", "left")
MESSAGE_STATUSES = ("queued", "claimed", "delivered", "failed")

handoffs = sa.Table(
    "handoffs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation", sa.String(40), nullable=False, index=True),  # stored id (p_… or SMS pseudonym)
    sa.Column("channel", sa.String(16), nullable=False),  # "socketio" (the widget) or "sms"
    sa.Column("kind", sa.String(12), nullable=False),  # KINDS
    sa.Column("status", sa.String(12), nullable=False, index=True),  # STATUSES
    sa.Column("staff_user", sa.Integer),  # staff_users.id of who took it (no foreign key: another group)
    sa.Column("phone_enc", sa.Text),  # SMS only, Fernet token; NULL once closed
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("taken_at", sa.Float),
    sa.Column("closed_at", sa.Float),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("reason", sa.String(40)),  # why closed: "handed_back", "dismissed", "stop" (a code, never text)
)

handoff_messages = sa.Table(
    "handoff_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("handoff_id", sa.Integer, sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("kind", sa.String(12), nullable=False),  # MESSAGE_KINDS
    sa.Column("text", sa.Text),  # NULL once delivered or failed
    sa.Column("chars", sa.Integer, nullable=False),
    sa.Column("staff_user", sa.Integer),
    sa.Column("status", sa.String(12), nullable=False, index=True),  # MESSAGE_STATUSES
    sa.Column("claimed_by", sa.String(64)),
    sa.Column("claimed_at", sa.Float),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("delivered_at", sa.Float),
    sa.Column("reason", sa.String(80)),  # why it failed: a code ("opted_out", "HTTP 400"), never text
)
