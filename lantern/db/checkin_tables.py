"""The check-ins table (docs/checkins.md): lantern/checkins/store.py uses it, versions/checkins makes it.

It lives in the shared library beside sms_tables.py for the same reason: the one Alembic environment
compares it with the database. `sender` is the pseudonym, as in the SMS tables. The one reversible
copy of a number Lantern keeps is `phone_enc`, encrypted (lantern/checkins/contact.py), only for a
consented check-in, and only until it is sent, failed or cancelled. `step` is a label chosen by the
bot ("clinic"), never the person's words; `reason` is a code ("stop", "HTTP 400"), never text.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

STATUSES = ("scheduled", "claimed", "sent", "cancelled", "failed")
ACTIVE = ("scheduled", "claimed")

checkins = sa.Table(
    "checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender", sa.String(40), nullable=False, index=True),
    sa.Column("step", sa.String(40)),
    sa.Column("due_at", sa.Float, nullable=False, index=True),  # UTC epoch seconds
    sa.Column("tz", sa.String(64), nullable=False),  # IANA zone: quiet hours are on the person's clock
    sa.Column("status", sa.String(12), nullable=False, index=True),  # STATUSES
    sa.Column("claimed_by", sa.String(64)),  # the worker (replica) sending it now
    sa.Column("claimed_at", sa.Float),
    sa.Column("phone_enc", sa.Text),  # Fernet token; NULL until attached and once the row is finished
    sa.Column("consent_at", sa.Float, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("sent_at", sa.Float),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),  # times claimed
    sa.Column("reason", sa.String(80)),  # why cancelled or failed: a code, never text
)
