"""Database plumbing shared by every table group: one way to open an engine, one Alembic environment.

`create_engine(url)` gives every group the same SQLite pragmas and waits (lantern/db/engine.py);
`upgrade(engine_or_url, groups)` brings table groups to head (lantern/db/schema.py). docs/database.md
explains both, and how to add a group or a migration.
"""

from lantern.db.engine import configure, create_engine, dispose, dispose_all, get_engine
from lantern.db.schema import (
    DIRECTORY_DB_GROUPS,
    EVENT_INDEXES,
    GROUPS,
    TRACKER_DB_GROUPS,
    alembic_config,
    current_revision,
    downgrade,
    ensure_event_indexes,
    head_revision,
    heads,
    upgrade,
)

__all__ = [
    "configure",
    "create_engine",
    "dispose",
    "dispose_all",
    "get_engine",
    "DIRECTORY_DB_GROUPS",
    "EVENT_INDEXES",
    "GROUPS",
    "TRACKER_DB_GROUPS",
    "alembic_config",
    "current_revision",
    "downgrade",
    "ensure_event_indexes",
    "head_revision",
    "heads",
    "upgrade",
]
