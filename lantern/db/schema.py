"""Every table group's schema kept at head by one Alembic environment (lantern/db/migrations).

A *table group* is a set of tables with one prefix and one migration history, an Alembic
branch with its own versions folder (`lantern/db/migrations/versions/<group>`) and
branch label. Each group keeps its **own version table**, as before there was one
environment (`dir_alembic_version`, `transcripts_alembic_version`; `sms_alembic_version`
is new). That choice is deliberate:

- databases made by the old layout upgrade with nothing to convert, and the code
  before this one still runs against a database the new code upgraded (a rollback);
- the groups live in different databases (the directory in its own file by default,
  transcripts and SMS state with Rasa's `events`), and each database holds only its groups;
- a group never sees another group's revision, and no table is named plain
  `alembic_version`, which a shared PostgreSQL might already have.

So `upgrade()` runs `<group>@head` once per group, each with its version table, in one
transaction and (PostgreSQL) under one advisory lock. Autogenerate, per group, looks only
at that group's tables (prefix), never at Rasa's `events` or another group.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Several Rasa replicas may start at once on one PostgreSQL: only one migrates at a time.
PG_LOCK_KEY = 0x4C414E5452  # "LANTR"


def _directory_metadata() -> sa.MetaData:
    from lantern.directory.models import Base

    return Base.metadata


def _transcripts_metadata() -> sa.MetaData:
    from lantern.records.transcripts.models import Base

    return Base.metadata


def _sms_metadata() -> sa.MetaData:
    from lantern.db.sms_tables import metadata

    return metadata


def _checkins_metadata() -> sa.MetaData:
    from lantern.db.checkin_tables import metadata

    return metadata


def _handoffs_metadata() -> sa.MetaData:
    from lantern.db.handoff_tables import metadata

    return metadata


def _staff_metadata() -> sa.MetaData:
    from lantern.db.staff_tables import metadata

    return metadata


@dataclass(frozen=True)
class Group:
    """One table group: its branch label (= name), version table, table prefix and models."""

    name: str
    version_table: str
    table_prefix: str
    metadata: Callable[[], sa.MetaData]

    @property
    def versions_dir(self) -> Path:
        return MIGRATIONS_DIR / "versions" / self.name


GROUPS: Dict[str, Group] = {
    group.name: group
    for group in (
        Group("directory", "dir_alembic_version", "dir_", _directory_metadata),
        Group("transcripts", "transcripts_alembic_version", "transcript_", _transcripts_metadata),
        Group("sms", "sms_alembic_version", "sms_", _sms_metadata),
        # After transcripts: its review notes cascade from transcript rows (st0001).
        Group("staff", "staff_alembic_version", "staff_", _staff_metadata),
        # Beside the SMS tables: sending reads `sms_opt_outs` (rasa_plugins/channels/checkin_sender.py).
        Group("checkins", "checkins_alembic_version", "checkin", _checkins_metadata),
        # Read by the Rasa server's channels (rasa_plugins/channels/handoff_relay.py) and the staff console.
        Group("handoffs", "handoffs_alembic_version", "handoff", _handoffs_metadata),
    )
}
# Which groups live in which database (settings): the tracker store's and the directory's.
TRACKER_DB_GROUPS = ("transcripts", "sms", "staff", "checkins", "handoffs")
DIRECTORY_DB_GROUPS = ("directory",)

# Indexes Lantern adds to Rasa's `events` table. Rasa creates the table itself (after our
# migrations could run), so these are not a migration: `ensure_event_indexes` makes them,
# idempotently, whenever `upgrade` finds the table.
EVENT_INDEXES = {
    "ix_events_sender_type": "sender_id, type_name",
    # Covers the latest-value-per-slot lookup of the tracker store's `_state_before` (slot name is in
    # action_name): without it every earlier slot event of the conversation is read from the table each turn.
    "ix_events_sender_type_name": "sender_id, type_name, action_name",
}


def _escape(value: str) -> str:
    """Alembic's Config is a ConfigParser: a `%` (URL-encoded password, odd path) must be doubled."""
    return value.replace("%", "%%")


def alembic_config(url: str = "sqlite://", group: Optional[str] = None) -> Any:  # alembic.config.Config
    """The one Alembic config: every group's versions folder; `group` picks the version table and models."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", _escape(str(MIGRATIONS_DIR)))
    cfg.set_main_option("version_path_separator", "newline")
    cfg.set_main_option("version_locations", _escape("\n".join(str(g.versions_dir) for g in GROUPS.values())))
    cfg.set_main_option("sqlalchemy.url", _escape(url))
    if group is not None:
        cfg.attributes["group"] = _group(group).name
    return cfg


def _group(name: str) -> Group:
    try:
        return GROUPS[name]
    except KeyError:
        raise ValueError(f"unknown table group {name!r}; known: {', '.join(GROUPS)}") from None


def _url_of(conn: Connection) -> str:
    return conn.engine.url.render_as_string(hide_password=False)


def _target(group: str, revision: str) -> str:
    """`head`/`base` of one branch; a revision id as given."""
    return f"{group}@{revision}" if revision in ("head", "base") else revision


def _in_transaction(bind: Union[Engine, Connection], work: Callable[[Connection], None]) -> None:
    if isinstance(bind, Connection):
        work(bind)
        return
    with bind.begin() as conn:
        work(conn)


def _advisory_lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":  # released at the end of the transaction
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})


_UPGRADING = threading.RLock()  # re-entrant: a URL's call goes through here twice


def upgrade(
    bind: Union[Engine, Connection, str], groups: Optional[Iterable[str]] = None, revision: str = "head"
) -> None:
    """Add the `events` indexes, then bring `groups` (default: all) to `revision`, in one transaction.

    Idempotent. A URL gets a Lantern engine (lantern/db/engine.py) for the call.
    """
    from alembic import command

    if isinstance(bind, str):
        from lantern.db.engine import create_engine

        engine = create_engine(bind)
        try:
            upgrade(engine, groups, revision)
        finally:
            engine.dispose()
        return
    if isinstance(groups, str):
        groups = (groups,)
    names = [_group(name).name for name in (GROUPS if groups is None else groups)]

    def run(conn: Connection) -> None:
        _advisory_lock(conn)
        ensure_event_indexes(conn)
        for name in names:
            cfg = alembic_config(_url_of(conn), name)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, _target(name, revision))

    # Alembic's `context` is one module-level proxy per process: two threads upgrading at once (the SMS
    # channel and the hand-off relay open their tables together at start-up) would run on each other's
    # connection. The database's own lock (above) orders processes; this orders threads.
    with _UPGRADING:
        _in_transaction(bind, run)


def downgrade(bind: Union[Engine, Connection], group: str, revision: str) -> None:
    """Migrate one group down to `revision` ("base" drops its tables)."""
    from alembic import command

    def run(conn: Connection) -> None:
        _advisory_lock(conn)
        cfg = alembic_config(_url_of(conn), group)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, _target(group, revision))

    _in_transaction(bind, run)


def ensure_event_indexes(conn: Connection) -> List[str]:
    """Create Lantern's indexes on Rasa's `events` table if it exists and they don't; returns those made."""
    if not sa.inspect(conn).has_table("events"):
        return []
    existing = {index["name"] for index in sa.inspect(conn).get_indexes("events")}
    made = []
    for name, columns in EVENT_INDEXES.items():
        if name not in existing:
            conn.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})"))
            made.append(name)
    return made


def current_revision(bind: Union[Engine, Connection], group: str) -> Optional[str]:
    """The revision a group's tables are at (None: never migrated)."""
    from alembic.migration import MigrationContext

    def read(conn: Connection) -> Optional[str]:
        context = MigrationContext.configure(conn, opts={"version_table": _group(group).version_table})
        return context.get_current_revision()

    if isinstance(bind, Connection):
        return read(bind)
    with bind.connect() as conn:
        return read(conn)


def head_revision(group: str) -> str:
    """The newest revision of a group's history."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return script.get_revision(f"{_group(group).name}@head").revision


def heads() -> Dict[str, str]:
    """Every group's head revision: one per group."""
    return {name: head_revision(name) for name in GROUPS}


def revision(message: str, group: str, url: str, autogenerate: bool = True) -> Any:
    """Write a new migration for one group into its versions folder; autogenerate compares `url` with the models.

    Alembic's own autogenerate wants every branch's head in the one version table it reads;
    with a version table per group it would refuse, so the comparison is made here, for this
    group only (its tables, its version table), and handed to Alembic to render.
    """
    from alembic import command
    from alembic.autogenerate import produce_migrations
    from alembic.util import CommandError

    selected = _group(group)
    head = head_revision(group)
    cfg = alembic_config(url, group)
    cfg.set_main_option("revision_environment", "true")  # run env.py (connect, configure) without autogenerate

    def compare(context: Any, _revision: Any, directives: List[Any]) -> None:
        if not autogenerate:
            return
        if set(context.get_current_heads()) != {head}:
            raise CommandError(f"the {group} tables in {url!r} are not at {head}: upgrade them first")
        produced = produce_migrations(context, selected.metadata())
        directives[0].upgrade_ops = produced.upgrade_ops
        directives[0].downgrade_ops = produced.downgrade_ops

    return command.revision(
        cfg,
        message=message,
        head=f"{group}@head",
        version_path=str(selected.versions_dir),
        process_revision_directives=compare,
    )


def run_env() -> None:
    """The body of lantern/db/migrations/env.py (Alembic runs that file as a script).

    The group comes from `config.attributes["group"]` (set by `alembic_config`) or from
    `alembic -x group=NAME`; without one Alembic can't know which version table to use.
    """
    from alembic import context

    config = context.config
    name = config.attributes.get("group") or context.get_x_argument(as_dictionary=True).get("group")
    if not name:
        raise RuntimeError(
            "say which table group to migrate: lantern.db.upgrade(...) or `alembic -x group=NAME`; "
            f"groups: {', '.join(GROUPS)}"
        )
    group = _group(name)
    metadata = group.metadata()

    def include(obj: Any, obj_name: Optional[str], type_: str, reflected: bool, compare_to: Any) -> bool:
        return type_ != "table" or (obj_name or "").startswith(group.table_prefix)

    options = {"target_metadata": metadata, "version_table": group.version_table, "include_object": include}
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return

    def run(connection: Connection) -> None:
        context.configure(connection=connection, render_as_batch=True, **options)
        with context.begin_transaction():
            context.run_migrations()

    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"), future=True)
    try:
        with engine.begin() as conn:
            run(conn)
    finally:
        engine.dispose()
