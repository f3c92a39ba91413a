"""Alembic environment for the transcript tables only (version table transcripts_alembic_version)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from bot.transcripts.db import VERSION_TABLE
from bot.transcripts.models import Base

config = context.config


def _include(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Autogenerate looks only at transcript tables, never at Rasa's `events` or other Lantern tables."""
    return type_ != "table" or (name or "").startswith("transcript_")


def _run(connection: sa.engine.Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, version_table=VERSION_TABLE,
                      render_as_batch=True, include_object=_include)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=Base.metadata,
                      version_table=VERSION_TABLE, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        engine = sa.create_engine(config.get_main_option("sqlalchemy.url"), future=True)
        with engine.begin() as conn:
            _run(conn)
