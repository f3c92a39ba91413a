"""`make run` on a first run imports the fictional sample directory, and never over staff's data."""

from __future__ import annotations

from pathlib import Path

from lantern.directory import db
from lantern.directory.search import search
from lantern.directory.staff import list_sources
from tests.conftest import make_settings
from tools.runner import ensure_sample_directory


def test_first_run_imports_the_sample_once(tmp_path: Path):
    s = make_settings(tmp_path)
    try:
        said = ensure_sample_directory(s)
        assert said and "sample-dayton" in said and "fictional" in said
        with db.session_scope(s.directory_db_url) as session:
            assert [src["name"] for src in list_sources(session)] == ["sample-dayton"]
            assert search(session, zip_code="45402", service_types=["naloxone"])
        assert ensure_sample_directory(s) is None  # already there: nothing re-imported
    finally:
        db.dispose(s.directory_db_url)


def test_a_directory_staff_imported_is_left_alone(tmp_path: Path):
    s = make_settings(tmp_path)
    with db.session_scope(s.directory_db_url) as session:
        from lantern.directory.importer import import_path

        import_path(
            Path(__file__).resolve().parents[2] / "data" / "directory" / "sample-dayton", session, source="staff-data"
        )
    try:
        assert ensure_sample_directory(s) is None
        with db.session_scope(s.directory_db_url) as session:
            assert [src["name"] for src in list_sources(session)] == ["staff-data"]
    finally:
        db.dispose(s.directory_db_url)
