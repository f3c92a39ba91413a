"""One way to open a database for every table group: the same pragmas and waits everywhere.

Every SQLite connection, whoever opens it (the tracker store, the SMS channel, the
directory, the transcripts CLI), gets:

- `foreign_keys=ON`: SQLite ignores `ON DELETE CASCADE` without it, so deleting a
  directory service would leave its phones and hours behind, and purging a
  conversation would leave its messages.
- `secure_delete=ON`: deleted rows (retention, a person's request) are zeroed on
  disk instead of lingering in free pages.
- `busy_timeout`: wait for another process's write instead of failing at once
  (5 s, or 2 s on the bot's request path; a URL's own `?timeout=` wins).
- WAL and `synchronous` (lantern/db/sqlite.py `use_wal`).

PostgreSQL engines on the bot's request path (`short_waits=True`) get a lock and a
statement timeout, so a stuck database fails a turn in seconds (503) instead of holding
a worker. Command-line engines don't: a purge or a migration may rightly take longer.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Dict, List

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lantern.db.sqlite import use_wal

BUSY_TIMEOUT_MS = 5000  # staff tools and the CLI wait this long for the bot's writes
SHORT_BUSY_TIMEOUT_MS = 2000  # the bot's turns: a locked SQLite file fails a write after 2 s
PG_LOCK_TIMEOUT_MS = 2000  # PostgreSQL, bot's turns: waiting for a lock, then the statement fails
PG_STATEMENT_TIMEOUT_MS = 10000  # PostgreSQL, bot's turns: any one statement
_CONFIGURED_ATTR = "_lantern_configured"


def sqlite_statements(engine: Engine, short_waits: bool = False) -> List[str]:
    """The pragmas every new SQLite connection of `engine` runs (empty for other databases)."""
    if engine.dialect.name != "sqlite":
        return []
    statements = ["PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON"]
    if "timeout" not in engine.url.query:  # a URL's own ?timeout= (tests use 1 s) is kept
        statements.append(f"PRAGMA busy_timeout={SHORT_BUSY_TIMEOUT_MS if short_waits else BUSY_TIMEOUT_MS}")
    return statements


def postgres_statements(engine: Engine, short_waits: bool = False) -> List[str]:
    """What every new PostgreSQL connection of `engine` runs: the timeouts, on the request path only."""
    if engine.dialect.name != "postgresql" or not short_waits:
        return []
    return [f"SET lock_timeout = {PG_LOCK_TIMEOUT_MS}", f"SET statement_timeout = {PG_STATEMENT_TIMEOUT_MS}"]


def configure(engine: Engine, short_waits: bool = False) -> Engine:
    """Give an engine made elsewhere (Rasa's tracker store makes its own) Lantern's settings; once per engine."""
    if getattr(engine, _CONFIGURED_ATTR, False):
        return engine
    statements = sqlite_statements(engine, short_waits) + postgres_statements(engine, short_waits)
    is_postgres = engine.dialect.name == "postgresql"

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        cursor.close()
        if is_postgres and statements:
            dbapi_connection.commit()  # psycopg2 opened a transaction for the SETs: keep them, end it

    if statements:
        sa.event.listen(engine, "connect", on_connect)
        engine.dispose()  # connections opened before the listener are not reused without it
    setattr(engine, _CONFIGURED_ATTR, True)
    return use_wal(engine)


def create_engine(url: str, short_waits: bool = False, pooled: bool = False) -> Engine:
    """A new engine for `url` with every setting above; a SQLite file's folder is created.

    `pooled` keeps a few SQLite connections open (SQLAlchemy 1.4 gives file SQLite a new
    connection per checkout): the directory's searches are many and short.
    """
    parsed = sa.engine.make_url(url)
    database = parsed.database or ""
    options: Dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") and "mode=memory" not in url:
        if not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        if pooled:  # a pooled connection may be handed to another thread later (one session at a time uses it)
            options = {
                "poolclass": sa.pool.QueuePool,
                "pool_size": 5,
                "max_overflow": 10,
                "connect_args": {"check_same_thread": False},
            }
    return configure(sa.create_engine(url, future=True, **options), short_waits=short_waits)


_engines: Dict[str, Engine] = {}
_migrated: Dict[str, set] = {}
_lock = threading.RLock()


def get_engine(url: str, groups: tuple, pooled: bool = True) -> Engine:
    """The process-wide engine for `url`, with `groups` migrated to head once per process."""
    from lantern.db.schema import upgrade

    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = create_engine(url, pooled=pooled)
            _migrated[url] = set()
        missing = tuple(g for g in groups if g not in _migrated[url])
        if missing:
            upgrade(engine, groups=missing)
            _migrated[url].update(missing)
    return engine


def dispose(url: str) -> None:
    """Close and forget the cached engine for `url` (tests, and before deleting a database file)."""
    with _lock:
        engine = _engines.pop(url, None)
        _migrated.pop(url, None)
    if engine is not None:
        engine.dispose()


def dispose_all() -> None:
    """Close every cached engine."""
    with _lock:
        engines = list(_engines.values())
        _engines.clear()
        _migrated.clear()
    for engine in engines:
        engine.dispose()
