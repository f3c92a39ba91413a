"""lantern/db: one way to open engines, one Alembic environment for every table group, old databases upgraded."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from pathlib import Path
from typing import Dict, List

import pytest
import sqlalchemy as sa

from lantern import db
from lantern.directory import db as ddb
from lantern.records.transcripts import db as tdb
from rasa_plugins.channels.sms_state import SmsState
from rasa_plugins.tracker_store import LanternTrackerStore
from tests.unit.test_transcripts_store import DOMAIN, KEY, pii_turns, tracker

OLD = Path(__file__).parent / "data" / "old_layout_98e38a5"  # made by the code at 98e38a5 (README there)
GROUP_TABLES = {
    "directory": "dir_service",
    "transcripts": "transcript_messages",
    "sms": "sms_crisis_flags",
    "staff": "staff_audit",
    "checkins": "checkins",
    "handoffs": "handoff_messages",
}


def load_old(tmp_path: Path, name: str) -> str:
    """A copy of an old-layout database; its URL."""
    path = tmp_path / f"{name}.db"
    conn = sqlite3.connect(path)
    conn.executescript((OLD / f"{name}.sql").read_text(encoding="utf-8"))
    conn.close()
    return f"sqlite:///{path}"


def schema(url: str) -> List[str]:
    """The `sqlite3 .schema` statements of a file, in a stable order."""
    conn = sqlite3.connect(sa.engine.make_url(url).database)
    try:
        return sorted(sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
    finally:
        conn.close()


# What came after the old layout: t0002 (summary columns, the intent index, full-text search) and the
# staff group. `before_staff` drops them, so old and new databases compare on what they share.
LATER = (
    "fts_transcript_messages",
    "ix_transcript_messages_intent",
    "ix_transcript_conversations_started_at",
    "ix_transcript_messages_action",
    "staff_",
)


def before_staff(statements: List[str]) -> List[str]:
    kept = [s for s in statements if not any(word in s for word in LATER)]
    kept = [re.sub(r", crisis_level .*referral_accepted BOOLEAN DEFAULT \(0\) NOT NULL", "", s) for s in kept]
    return [s.replace(", mi_code VARCHAR(32)", "") for s in kept]


def counts(url: str) -> Dict[str, int]:
    conn = sqlite3.connect(sa.engine.make_url(url).database)
    try:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    yield
    db.dispose_all()


def test_one_head_per_group_each_with_its_branch_label():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(db.alembic_config())
    heads = {script.get_revision(h).revision: script.get_revision(h) for h in script.get_heads()}
    assert len(heads) == len(db.GROUPS) == 6
    assert db.heads() == {
        "directory": "0001",
        "transcripts": "t0003",
        "sms": "s0001",
        "staff": "st0001",
        "checkins": "c0001",
        "handoffs": "h0001",
    }
    for name, revision in db.heads().items():  # each head is on its group's branch, in its group's folder
        assert name in heads[revision].branch_labels
        assert Path(heads[revision].path).parent == db.GROUPS[name].versions_dir


def test_one_upgrade_brings_every_group_to_head_on_a_fresh_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'all.db'}"
    db.upgrade(url)
    engine = db.create_engine(url)
    names = set(sa.inspect(engine).get_table_names())
    for name, group in db.GROUPS.items():
        assert db.current_revision(engine, name) == db.head_revision(name)
        assert {GROUP_TABLES[name], group.version_table} <= names
    assert "alembic_version" not in names  # every group keeps its own version table
    db.upgrade(engine)  # idempotent
    engine.dispose()


def test_each_group_only_creates_its_own_tables(tmp_path):
    engine = db.create_engine(f"sqlite:///{tmp_path / 'sms.db'}")
    db.upgrade(engine, groups=("sms",))
    names = set(sa.inspect(engine).get_table_names())
    assert {"sms_inbound", "sms_alembic_version"} <= names
    assert not any(n.startswith(("dir_", "transcript")) for n in names)
    engine.dispose()


def test_a_percent_sign_in_the_url_is_not_read_as_interpolation(tmp_path):
    """Alembic's Config is a ConfigParser: an unescaped `%` (an encoded password, a path) breaks the upgrade."""
    folder = tmp_path / "100%"
    engine = db.create_engine(f"sqlite:///{folder / 'x%41.db'}")
    db.upgrade(engine)
    assert db.current_revision(engine, "sms") == "s0001"
    engine.dispose()


def pragmas(engine: sa.engine.Engine) -> Dict[str, object]:
    """The pragmas a new connection has, on a SQLite whose defaults are off (Debian's builds turn secure_delete on)."""

    def defaults_off(dbapi_connection, _record) -> None:  # runs before Lantern's own listener
        dbapi_connection.execute("PRAGMA secure_delete=OFF")
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    sa.event.listen(engine, "connect", defaults_off, insert=True)
    engine.dispose()
    with engine.connect() as conn:
        return {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("foreign_keys", "secure_delete", "journal_mode", "busy_timeout")
        }


def test_every_groups_engine_has_the_pragmas(tmp_path):
    """Foreign keys (cascades), secure delete (purged rows zeroed), WAL and a busy timeout, whoever opens the file."""
    url = f"sqlite:///{tmp_path / 'lantern.db'}"
    store = LanternTrackerStore(domain=DOMAIN, host=url, pseudonym_key=KEY)
    engines = {
        "tracker store": store.engine,
        "sms": SmsState(url).engine,
        "transcripts cli": tdb.open_engine(url),
        "directory": ddb.get_engine(f"sqlite:///{tmp_path / 'directory.db'}"),
    }
    for who, engine in engines.items():
        found = pragmas(engine)
        assert (found["foreign_keys"], found["secure_delete"], found["journal_mode"]) == (1, 1, "wal"), who
        assert found["busy_timeout"] == (2000 if who == "tracker store" else 5000), who
        engine.dispose()


def test_old_layout_databases_upgrade_and_keep_every_row(tmp_path):
    """Databases made by the code at 98e38a5 (own migrations per group, SMS tables by create_all) upgrade in place."""
    lantern_url, directory_url = load_old(tmp_path, "lantern"), load_old(tmp_path, "directory")
    before = {
        lantern_url: (schema(lantern_url), counts(lantern_url)),
        directory_url: (schema(directory_url), counts(directory_url)),
    }

    store = LanternTrackerStore(domain=DOMAIN, host=lantern_url, pseudonym_key=KEY)
    sms = SmsState(lantern_url)
    directory = ddb.get_engine(directory_url)

    assert tdb.current_revision(store.engine) == tdb.head_revision()
    assert db.current_revision(sms.engine, "sms") == db.head_revision("sms")
    assert ddb.current_revision(directory) == db.head_revision("directory")
    # The same tables and indexes; the only new one is the SMS group's version table.
    after = before_staff(schema(lantern_url))
    new_tables = set(after) - set(before_staff(before[lantern_url][0]))
    assert set(before[lantern_url][0]) <= set(after)
    assert [s.split("(")[0].strip() for s in new_tables] == ["CREATE TABLE sms_alembic_version"]
    assert schema(directory_url) == before[directory_url][0]
    for url, (_, rows) in before.items():
        assert {t: n for t, n in counts(url).items() if t in rows} == rows
    assert before[lantern_url][1]["transcript_messages"] == 4 and before[directory_url][1]["dir_service"] == 14
    # ... and the code reads them. Offered choices last a day, so the fixture's offer is made recent first
    # (its time is when the fixture was made; left as it is, the test would fail a day later).
    with sqlite3.connect(sa.engine.make_url(lantern_url).database) as conn:
        conn.execute("UPDATE sms_choices SET created_at = ?", (time.time(),))
    assert sms.is_opted_out("pseudo-a") and sms.pop_choices("pseudo-b") == (["/a", "/b"], ["A", "B"])
    assert [f["category"] for f in sms.crisis_flags()] == ["overdose"]
    asyncio.run(store.save(tracker(pii_turns(), sender="web:someone-new")))
    for engine in (store.engine, sms.engine):
        engine.dispose()


def test_sms_tables_missing_from_an_old_database_are_added(tmp_path):
    """A database from before `sms_crisis_flags` existed had the other SMS tables but not that one."""
    url = load_old(tmp_path, "lantern")
    with sqlite3.connect(sa.engine.make_url(url).database) as conn:
        conn.execute("DROP TABLE sms_crisis_flags")
    state = SmsState(url)
    assert state.is_opted_out("pseudo-a")
    state.flag_crisis("pseudo-a", None, "crisis", None, "sent")
    assert "CREATE INDEX ix_sms_crisis_flags_sender ON sms_crisis_flags (sender)" in schema(url)
    state.engine.dispose()


def test_a_fresh_database_has_the_same_schema_as_an_old_one_plus_the_sms_version_table(tmp_path):
    old_url = load_old(tmp_path, "lantern")
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    LanternTrackerStore(domain=DOMAIN, host=url, pseudonym_key=KEY).engine.dispose()
    SmsState(url).engine.dispose()
    fresh, old = before_staff(schema(url)), before_staff(schema(old_url))
    assert set(fresh) - set(old) == {stmt for stmt in fresh if "sms_alembic_version" in stmt}
    assert set(old) <= set(fresh)


def test_events_indexes_come_once_rasa_made_the_table(tmp_path):
    engine = db.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    db.upgrade(engine, groups=("transcripts",))  # before Rasa: nothing to index, nothing recorded
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, action_name TEXT)"
        )
    db.upgrade(engine, groups=("transcripts",))
    with engine.begin() as conn:
        assert set(db.EVENT_INDEXES) <= {i["name"] for i in sa.inspect(conn).get_indexes("events")}
        assert db.ensure_event_indexes(conn) == []  # idempotent
    engine.dispose()


def test_sms_models_match_the_migrations(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = db.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    db.upgrade(engine, groups=("sms",))
    group = db.GROUPS["sms"]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": group.version_table})
        diffs = [
            d
            for d in compare_metadata(context, group.metadata())
            if not (d[0] == "remove_table" and d[1].name == group.version_table)
        ]
    assert diffs == []
    db.downgrade(engine, "sms", "base")
    assert not any(n.startswith("sms_") and n != group.version_table for n in sa.inspect(engine).get_table_names())
    engine.dispose()


def test_a_new_migration_goes_to_its_group_and_compares_only_that_group(tmp_path, monkeypatch):
    """How docs/database.md says to add a migration: models changed, revision(), upgrade()."""
    import dataclasses
    import shutil

    from lantern.db import schema

    migrations = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", migrations)
    models = sa.MetaData()
    for table in db.GROUPS["sms"].metadata().tables.values():
        table.to_metadata(models)
    sa.Table("sms_extra", models, sa.Column("id", sa.Integer, primary_key=True))
    monkeypatch.setitem(schema.GROUPS, "sms", dataclasses.replace(schema.GROUPS["sms"], metadata=lambda: models))
    url = f"sqlite:///{tmp_path / 'x.db'}"
    db.upgrade(url)  # every group at head; autogenerate must still see only the sms tables

    script = schema.revision("add sms_extra", "sms", url)
    written = Path(script.path)
    assert written.parent == migrations / "versions" / "sms"
    text = written.read_text(encoding="utf-8")
    assert "create_table('sms_extra'" in text and "transcript" not in text and "dir_" not in text
    assert db.heads()["sms"] == script.revision and db.heads()["transcripts"] == "t0003"
    db.upgrade(url)
    engine = db.create_engine(url)
    assert "sms_extra" in sa.inspect(engine).get_table_names()
    assert db.current_revision(engine, "sms") == script.revision
    engine.dispose()
