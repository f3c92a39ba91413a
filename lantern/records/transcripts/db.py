"""The transcript schema kept at Alembic head, and engines for the command line.

Transcripts live in the tracker store's database (`LANTERN_DB_URL`), so a turn's
events and its transcript rows commit together. The tables are the `transcripts`
table group of Lantern's one Alembic environment (lantern/db, docs/database.md:
branch `transcripts`, version table `transcripts_alembic_version`), so they can
share a database with Rasa's `events` table and the other groups. The tracker
store runs `upgrade()` at start-up; the CLI does too.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from sqlalchemy.engine import Connection, Engine

from lantern import db

GROUP = "transcripts"
VERSION_TABLE = db.GROUPS[GROUP].version_table
HEAD = "head"


def default_url() -> str:
    """The tracker store URL from settings (`LANTERN_DB_URL`)."""
    from lantern import settings

    return settings.load().db_url


def create_engine(url: str) -> Engine:
    """An engine for `url` with lantern/db's settings (secure_delete: purged rows are zeroed on disk)."""
    return db.create_engine(url)


def alembic_config(url: str) -> Any:  # alembic.config.Config
    """Alembic config for the transcript history (e.g. for `command.revision(..., autogenerate=True)`)."""
    return db.alembic_config(url, GROUP)


def upgrade(bind: Union[Engine, Connection], revision: str = HEAD) -> None:
    """Run the transcript migrations up to `revision` (idempotent; one migrator at a time on PostgreSQL)."""
    db.upgrade(bind, groups=(GROUP,), revision=revision)


def downgrade(bind: Engine, revision: str) -> None:
    """Migrate down to `revision` ("base" drops the transcript tables)."""
    db.downgrade(bind, GROUP, revision)


def current_revision(bind: Engine) -> Optional[str]:
    return db.current_revision(bind, GROUP)


def head_revision() -> str:
    return db.head_revision(GROUP)


def open_engine(url: Optional[str] = None) -> Engine:
    """An engine for `url` (default: settings), with the transcript schema at head."""
    engine = create_engine(url or default_url())
    upgrade(engine)
    return engine
