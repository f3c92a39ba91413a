"""The bundled HSDS schemas, the fast row check, the taxonomy mapping, and the versioned DB schema."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sqlalchemy as sa
from jsonschema import Draft7Validator

from lantern.directory import db, taxonomy
from lantern.directory.validate import _fast, load_schema

TABLES_30 = [
    "organization",
    "service",
    "location",
    "address",
    "phone",
    "schedule",
    "service_at_location",
    "taxonomy_term",
    "attribute",
    "language",
    "cost_option",
]
TABLES_20 = [
    "organization",
    "service",
    "location",
    "physical_address",
    "postal_address",
    "phone",
    "regular_schedule",
    "holiday_schedule",
    "service_at_location",
    "taxonomy_term",
    "service_attribute",
    "language",
]


@pytest.mark.parametrize("version, tables", [("3.0", TABLES_30), ("2.0", TABLES_20)])
def test_schemas_are_valid_draft7_and_cover_the_objects(version, tables):
    schema = load_schema(version)
    Draft7Validator.check_schema(schema)
    assert set(tables) <= set(schema["definitions"])


_SAMPLES = {
    "id": ["x", "", 5, None, True, "a" * 300],
    "name": ["Clinic", "", "n" * 501, 3],
    "status": ["active", "open", "temporarily closed", "ACTIVE"],
    "latitude": [39.7, -91, 91, "39.7", True, 0],
    "opens_at": ["09:00", "9am", "nine", "24:00", "09:00-05:00", "25:00"],
    "byday": ["MO,TU", "2SA", "-1FR", "MONDAY", "MO, TU", ""],
    "email": ["a@b.org", "nope", ""],
    "url": ["https://example.org", "example.org", "www.example.org"],
    "country": ["US", "USA", "us"],
    "number": ["555-0100", "(937) 555-0100 x12", "call us!!"],
    "interval": [1, 0, 2.5, 60],
    "closed": [True, False, "yes"],
    "weekday": ["Monday", "MO", "1", 7, 8, "Funday"],
    "code": ["es", "x" * 30],
}


@pytest.mark.parametrize("version, tables", [("3.0", TABLES_30), ("2.0", TABLES_20)])
def test_fast_check_agrees_with_jsonschema(version, tables):
    """Every row the fast check accepts, jsonschema accepts too (and vice versa), on mixed good/bad rows."""
    rng = random.Random(4)
    schema = load_schema(version)
    for table in tables:
        validator = Draft7Validator({"definitions": schema["definitions"], "$ref": f"#/definitions/{table}"})
        fast = _fast(version, table)
        for _ in range(300):
            row = {k: rng.choice(v) for k, v in _SAMPLES.items() if rng.random() < 0.5}
            for req in fast.required:
                if rng.random() < 0.9:
                    row.setdefault(req, "ok" if req != "status" else "active")
            assert fast.ok(row) == validator.is_valid(row), (table, row)


def test_taxonomy_mapping_of_publisher_terms():
    t = taxonomy.types_for_term
    assert t("Medication for Opioid Use Disorder - Buprenorphine") == {"buprenorphine", "treatment"}
    assert t("Opioid Treatment Program") == {"methadone", "treatment"}
    assert t("Needle Exchange") == {"syringe_services"}
    assert t("Narcan distribution") == {"naloxone"}
    assert t("Fentanyl Test Strips") == {"test_strips"}
    assert t("Narcotics Anonymous") == {"mutual_help"}
    assert t("Food Pantries") == {"food"}
    assert t("National Hotline Directory") == set()  # "na" alone is not Narcotics Anonymous
    assert t("Free", "free", "lantern") == set()  # a Lantern flag, not a type
    assert t("anything", "naloxone", "Lantern") == {"naloxone"}
    assert taxonomy.flags_for_term("Free", "free", "lantern") == {"free"}
    assert taxonomy.flags_for_text("Walk-ins welcome, no appointment needed") == {"walk_in"}
    assert taxonomy.flags_for_text("A drug-free program") == set()
    assert taxonomy.flags_for_text("Free of charge. No insurance required.") == {"free", "no_insurance"}
    assert taxonomy.normalise_type("Suboxone") == "buprenorphine"
    assert taxonomy.normalise_type("syringe-services") == "syringe_services"
    assert taxonomy.normalise_type("pizza") is None


def test_database_is_created_by_migrations_at_head(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    try:
        engine = db.get_engine(url)
        assert db.current_revision(engine) == "0001"
        names = set(sa.inspect(engine).get_table_names())
        assert {"dir_service", "dir_location", "dir_schedule", "dir_alembic_version"} <= names
        index_names = {ix["name"] for ix in sa.inspect(engine).get_indexes("dir_location")}
        assert "ix_dir_location_lat_lon" in index_names
        db.dispose(url)
        assert db.current_revision(db.get_engine(url)) == "0001"  # upgrading again is a no-op
    finally:
        db.dispose(url)


def test_models_match_the_migrations(tmp_path: Path):
    """Autogenerate finds nothing to do: models.py and migrations/ describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from lantern.directory.models import Base

    url = f"sqlite:///{tmp_path / 'cmp.db'}"
    try:
        with db.get_engine(url).connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": db.VERSION_TABLE})
            diff = [
                d
                for d in compare_metadata(ctx, Base.metadata)
                if not (d[0] == "remove_table" and d[1].name == db.VERSION_TABLE)
            ]
        assert diff == []
    finally:
        db.dispose(url)


def test_directory_db_url_setting(tmp_path: Path):
    from lantern import settings

    s = settings.load({"LANTERN_DATA_DIR": str(tmp_path)})
    assert s.directory_db_url == f"sqlite:///{tmp_path / 'directory.db'}"
    s = settings.load({"LANTERN_DATA_DIR": str(tmp_path), "LANTERN_DIRECTORY_DB_URL": "sqlite:////elsewhere/d.db"})
    assert s.directory_db_url == "sqlite:////elsewhere/d.db"
