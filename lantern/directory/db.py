"""Engine and sessions for the directory database, with its schema kept at Alembic head.

The directory has its own database URL (setting LANTERN_DIRECTORY_DB_URL,
default `sqlite:///<data_dir>/directory.db`) and is the `directory` table group of
Lantern's one Alembic environment (lantern/db, docs/database.md: branch `directory`,
version table `dir_alembic_version`), so it can live in its own file or share a
database with other Lantern tables without clashing. `get_engine()` runs the
upgrade once per URL per process: on bot startup and before any import, the
schema is current. Engines get lantern/db's pragmas (foreign keys for the
cascades, WAL, busy timeout, secure delete).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from lantern import db

GROUP = "directory"
VERSION_TABLE = db.GROUPS[GROUP].version_table


def default_url() -> str:
    """The directory URL from settings (falls back to `<data_dir>/directory.db`)."""
    from lantern import settings

    s = settings.load()
    return getattr(s, "directory_db_url", "") or f"sqlite:///{s.data_dir / 'directory.db'}"


def create_engine(url: str) -> Engine:
    """A new engine for `url` (no migration), pooled: searches are many and short."""
    return db.create_engine(url, pooled=True)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the directory's migrations up to `revision` on `engine`."""
    db.upgrade(engine, groups=(GROUP,), revision=revision)


def current_revision(engine: Engine) -> Optional[str]:
    return db.current_revision(engine, GROUP)


def get_engine(url: Optional[str] = None) -> Engine:
    """The process-wide engine for `url` (default from settings), migrated to head."""
    return db.get_engine(url or default_url(), groups=(GROUP,), pooled=True)


def dispose(url: str) -> None:
    """Close and forget the engine for `url` (tests, and before deleting a database file)."""
    db.dispose(url)


def dispose_all() -> None:
    """Close every cached engine (tests, and before deleting a database file)."""
    db.dispose_all()


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = sessionmaker(bind=get_engine(url), future=True)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
