"""The transcript schema kept at Alembic head, and engines for the command line.

Transcripts live in the tracker store's database (`LANTERN_DB_URL`), so a turn's
events and its transcript rows commit together. The tables have their own
Alembic history (`migrations/`, version table `transcripts_alembic_version`), so
they can share a database with Rasa's `events` table and the directory tables.
The tracker store runs `upgrade()` at start-up; the CLI does too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lantern.db import migrations
from lantern.db.sqlite import use_wal

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "transcripts_alembic_version"
HEAD = "head"
# Several Rasa replicas may start at once on one PostgreSQL: only one migrates at a time.
_PG_LOCK_KEY = 0x4C414E5452  # "LANTR"


def default_url() -> str:
    """The tracker store URL from settings (`LANTERN_DB_URL`)."""
    from lantern import settings

    return settings.load().db_url


def create_engine(url: str) -> Engine:
    """An engine for `url`; creates a SQLite file's folder so a fresh checkout works."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return use_wal(engine)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA busy_timeout=5000")  # wait for the bot's writes instead of failing
    cur.execute("PRAGMA secure_delete=ON")  # purged rows are zeroed on disk, not just unlinked
    cur.close()


def alembic_config(url: str):  # noqa: ANN201 - alembic.config.Config
    """Alembic config for the transcript history (e.g. for `command.revision(..., autogenerate=True)`)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(bind: Union[Engine, Connection], revision: str = HEAD) -> None:
    """Run the transcript migrations up to `revision` (idempotent)."""
    from alembic import command

    def run(conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        cfg = alembic_config(str(conn.engine.url))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

    if isinstance(bind, Connection):
        run(bind)
    else:
        with bind.begin() as conn:
            run(conn)


def downgrade(bind: Engine, revision: str) -> None:
    """Migrate down to `revision` ("base" drops the transcript tables)."""
    from alembic import command

    with bind.begin() as conn:
        cfg = alembic_config(str(conn.engine.url))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current_revision(bind: Engine) -> Optional[str]:
    return migrations.current_revision(bind, VERSION_TABLE)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def open_engine(url: Optional[str] = None) -> Engine:
    """An engine for `url` (default: settings), with the transcript schema at head."""
    engine = create_engine(url or default_url())
    upgrade(engine)
    return engine
