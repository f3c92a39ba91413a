"""Shared Alembic plumbing for Lantern's own table groups (transcripts, directory).

Each group keeps its own migration history and version table, so the groups can live in
one database beside Rasa's `events` table without seeing each other: autogenerate only
looks at tables with the group's prefix.
"""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def run_env(metadata: sa.MetaData, version_table: str, table_prefix: str) -> None:
    """The body of a group's `migrations/env.py` (Alembic runs that file as a script)."""
    from alembic import context

    config = context.config

    def include(obj: Any, name: Optional[str], type_: str, reflected: bool, compare_to: Any) -> bool:
        return type_ != "table" or (name or "").startswith(table_prefix)

    def run(connection: sa.engine.Connection) -> None:
        context.configure(connection=connection, target_metadata=metadata, version_table=version_table,
                          render_as_batch=True, include_object=include)
        with context.begin_transaction():
            context.run_migrations()

    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                          version_table=version_table, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"), future=True)
    with engine.begin() as conn:
        run(conn)


def current_revision(engine: Engine, version_table: str) -> Optional[str]:
    """The revision a group's tables are at in `engine`'s database (None: never migrated)."""
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": version_table}).get_current_revision()
