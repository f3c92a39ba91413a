"""lantern.directory.listed_towns: the towns with listings, read through the directory package (not SQL in actions/)."""

from __future__ import annotations

from pathlib import Path

from lantern.directory import db, listed_towns, models
from lantern.directory.importer import import_path

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "directory" / "sample-dayton"


def test_listed_towns_of_the_sample_and_of_an_empty_directory(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    try:
        with db.session_scope(url) as session:
            import_path(SAMPLE, session)
            first = session.query(models.Address).filter(models.Address.city == "Dayton").first()
            for city, state in (("Dayton", "Ohio"), ("", "OH"), ("Gotham", "Nowhere")):  # same town, no town, no state
                session.add(models.Address(location_id=first.location_id, city=city, state_province=state))
        towns = listed_towns(url)
        assert ("Dayton", "OH") in towns
        assert towns.count(("Dayton", "OH")) == 1  # each town once, however its state is written
        assert not [town for town in towns if town[0] in ("", "Gotham")]
        assert all(len(code) == 2 and code.isupper() and city.strip() for city, code in towns)
        assert listed_towns(empty) == []
    finally:
        db.dispose(url)
        db.dispose(empty)
