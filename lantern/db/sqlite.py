"""How Lantern opens SQLite files: write-ahead log, and a commit that doesn't wait for the disk.

SQLite's default rollback journal syncs the disk two or three times per
commit; on these machines that was 10-20 ms of every turn. In WAL mode a
commit appends to one log file, and readers (staff tools, the transcripts
app) never block the bot's writes. With `synchronous=NORMAL` a commit is
durable against a crash of Lantern itself; only a power cut or kernel crash
can take back the last commits before the next checkpoint. Set
`LANTERN_SQLITE_SYNCHRONOUS=FULL` to sync on every commit instead (one sync,
not three). PostgreSQL, the production store, is not affected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

SYNCHRONOUS_CHOICES = ("NORMAL", "FULL")
SIDE_FILE_SUFFIXES = ("-wal", "-shm", "-journal")  # what SQLite keeps beside a database file


def is_file_sqlite(engine: Engine) -> bool:
    """True for a SQLite database kept in a file (not `:memory:`)."""
    database = engine.url.database or ""
    return engine.dialect.name == "sqlite" and database not in ("", ":memory:") and "mode=memory" not in str(engine.url)


def use_wal(engine: Engine, synchronous: str = "") -> Engine:
    """Put a file SQLite engine in WAL mode, now and on every new connection; other engines pass through."""
    if not is_file_sqlite(engine):
        return engine
    level = (synchronous or _configured_level()).upper()
    if level not in SYNCHRONOUS_CHOICES:
        raise ValueError(f"LANTERN_SQLITE_SYNCHRONOUS must be one of {', '.join(SYNCHRONOUS_CHOICES)}, got {level!r}")

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA synchronous={level}")  # per connection
        cursor.close()

    sa.event.listen(engine, "connect", on_connect)
    with engine.connect() as conn:  # WAL is kept in the file: once is enough
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    return engine


def _configured_level() -> str:
    from lantern import settings

    return settings.load().sqlite_synchronous


def checkpoint(engine: Engine) -> None:
    """Fold the WAL back into the database file and empty it.

    After a deletion (retention, a person's request) the log still holds the
    old page images until it is reused; with `secure_delete` on, truncating
    it leaves the deleted rows nowhere on disk.
    """
    if is_file_sqlite(engine):
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def database_files(url: str) -> List[Path]:
    """The files of a SQLite database URL (the database and its -wal/-shm/-journal), existing or not.

    Empty for other databases and in-memory SQLite. `make run` makes these
    private (tools/processes.py `secure_data`) even when they live outside the
    data folder; SQLite gives a new -wal/-shm the mode of the database file.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        return []
    database = parsed.database or ""
    if not parsed.drivername.startswith("sqlite") or database in ("", ":memory:") or "mode=memory" in url:
        return []
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    path = Path(database)
    return [path] + [path.with_name(path.name + suffix) for suffix in SIDE_FILE_SUFFIXES]
