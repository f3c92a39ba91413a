"""lantern/db/sqlite.py: file SQLite engines run in WAL mode with the configured sync level."""

import pytest
import sqlalchemy as sa

from lantern import settings
from lantern.db.sqlite import use_wal


def pragmas(engine):
    with engine.connect() as conn:
        return (
            conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
            conn.exec_driver_sql("PRAGMA synchronous").scalar(),
        )


@pytest.mark.parametrize("level, code", [("NORMAL", 1), ("FULL", 2), ("full", 2)])
def test_file_database_gets_wal_and_the_sync_level(tmp_path, level, code):
    engine = use_wal(sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}", future=True), level)
    assert pragmas(engine) == ("wal", code)
    # WAL is kept in the file: a plain connection opened later sees it too
    plain = sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}", future=True)
    assert pragmas(plain)[0] == "wal"


def test_memory_database_is_left_alone():
    engine = use_wal(sa.create_engine("sqlite://", future=True), "NORMAL")
    assert pragmas(engine)[0] == "memory"


def test_unknown_level_is_refused(tmp_path):
    with pytest.raises(ValueError, match="LANTERN_SQLITE_SYNCHRONOUS"):
        use_wal(sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}", future=True), "OFF")
    with pytest.raises(ValueError, match="LANTERN_SQLITE_SYNCHRONOUS"):
        settings.load({"LANTERN_SQLITE_SYNCHRONOUS": "off"})


def test_level_comes_from_settings_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTERN_SQLITE_SYNCHRONOUS", "FULL")
    engine = use_wal(sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}", future=True))
    assert pragmas(engine) == ("wal", 2)
