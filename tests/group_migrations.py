"""One check for a table group's migration (lantern/db/schema.py GROUPS): the tests of each store use it."""

from __future__ import annotations

from pathlib import Path
from typing import Set

import sqlalchemy as sa

from lantern import db


def upgraded_group_matches_its_models(tmp_path: Path, name: str, tables: Set[str]) -> sa.engine.Engine:
    """Upgrade a new file to the group's head and check: it is a tracker-database group, it made exactly
    `tables` and its own version table, and Alembic finds no difference from the models. Returns the engine
    (still holding the tables) for the caller's own checks; the caller disposes of it."""
    assert name in db.TRACKER_DB_GROUPS
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = db.create_engine(f"sqlite:///{tmp_path / (name + '.db')}")
    db.upgrade(engine, groups=(name,))
    group = db.GROUPS[name]
    assert set(sa.inspect(engine).get_table_names()) == tables | {group.version_table}  # nothing of another group
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": group.version_table})
        diffs = [
            d
            for d in compare_metadata(context, group.metadata())
            if not (d[0] == "remove_table" and d[1].name == group.version_table)
        ]
    assert diffs == []
    return engine
