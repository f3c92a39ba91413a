"""The SMS channel's tables: rasa_plugins/channels/sms_state.py uses them, versions/sms makes them.

They live in the shared library, not beside the channel, because the one Alembic environment
(lantern/db/migrations/env.py) compares them with the database, and the library may not import
the Rasa server's plug-ins. Phone numbers are never stored: `sender` is the pseudonym.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

inbound = sa.Table(
    "sms_inbound",
    metadata,
    sa.Column("message_sid", sa.String(64), primary_key=True),
    sa.Column("sender", sa.String(40), nullable=False),
    sa.Column("received_at", sa.Float, nullable=False, index=True),
    # received | replied | keyword | opted_out | opted_out_crisis | empty | turn_failed | send_failed
    sa.Column("status", sa.String(20), nullable=False),
)

opt_outs = sa.Table(
    "sms_opt_outs",
    metadata,
    sa.Column("sender", sa.String(40), primary_key=True),
    sa.Column("opted_out", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

choices = sa.Table(
    "sms_choices",
    metadata,
    sa.Column("sender", sa.String(40), primary_key=True),
    sa.Column("payloads", sa.Text, nullable=False),  # JSON list, in the order offered
    sa.Column("titles", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

failed_sends = sa.Table(
    "sms_failed_sends",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender", sa.String(40), nullable=False, index=True),
    sa.Column("message_sid", sa.String(64)),  # the inbound message being answered
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("http_status", sa.Integer),  # 0 when Twilio was not reached
    sa.Column("error_code", sa.Integer),  # Twilio's error code, e.g. 21610 (recipient opted out)
    sa.Column("reason", sa.String(200), nullable=False),  # error type or Twilio's message, never the text sent
    sa.Column("chars", sa.Integer, nullable=False),
)

# A crisis sign from a number that texted STOP: the turn is not processed (no conversation is kept for
# them), but staff must know. Labels only, never the text.
crisis_flags = sa.Table(
    "sms_crisis_flags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender", sa.String(40), nullable=False, index=True),
    sa.Column("message_sid", sa.String(64)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("level", sa.String(20), nullable=False),  # crisis | check_in
    sa.Column("category", sa.String(40)),  # overdose | overdose_stimulant | suicide | danger | None
    sa.Column("reply", sa.String(20), nullable=False),  # sent | refused (Twilio would not deliver) | failed
    sa.Column("reviewed", sa.Boolean, nullable=False, default=False),
)
