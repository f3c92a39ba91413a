"""Engine and sessions for the directory database, with its schema kept at Alembic head.

The directory has its own database URL (setting LANTERN_DIRECTORY_DB_URL,
default `sqlite:///<data_dir>/directory.db`) and its own Alembic history in
`migrations/` (version table `dir_alembic_version`), so it can live in its own
file or share a database with other Lantern tables without clashing.
`get_engine()` runs `upgrade head` once per URL per process: on bot startup
and before any import, the schema is current.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from lantern.db import migrations
from lantern.db.sqlite import use_wal

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "dir_alembic_version"

_engines: Dict[str, Engine] = {}
_lock = threading.Lock()


def default_url() -> str:
    """The directory URL from settings (falls back to `<data_dir>/directory.db`)."""
    from lantern import settings

    s = settings.load()
    return getattr(s, "directory_db_url", "") or f"sqlite:///{s.data_dir / 'directory.db'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")  # cascades remove a service's phones, hours, ...
    cur.execute("PRAGMA busy_timeout=5000")  # the bot reads while staff import
    cur.close()


def create_engine(url: str) -> Engine:
    """A new engine for `url` (no migration); SQLite gets foreign keys and WAL."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///"):]).expanduser().parent.mkdir(parents=True, exist_ok=True)
    options = {}
    if url.startswith("sqlite") and ":memory:" not in url:
        # SQLAlchemy 1.4 gives file SQLite a NullPool (a new connection per session); keep a few open instead.
        # A pooled connection may be handed to another thread later (one session at a time uses it).
        options = {"poolclass": sa.pool.QueuePool, "pool_size": 5, "max_overflow": 10,
                   "connect_args": {"check_same_thread": False}}
    engine = sa.create_engine(url, future=True, **options)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return use_wal(engine)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the directory's Alembic migrations up to `revision` on `engine`."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> Optional[str]:
    return migrations.current_revision(engine, VERSION_TABLE)


def get_engine(url: Optional[str] = None) -> Engine:
    """The process-wide engine for `url` (default from settings), migrated to head."""
    url = url or default_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = create_engine(url)
            upgrade(engine)
            _engines[url] = engine
    return engine


def dispose(url: str) -> None:
    """Close and forget the engine for `url` (tests, and before deleting a database file)."""
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def dispose_all() -> None:
    """Close every cached engine (tests, and before deleting a database file)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


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
