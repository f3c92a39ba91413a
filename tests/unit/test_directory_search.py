"""Directory search: place, filters, nearest first, open now, and bad input that must not crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from lantern.directory import db, national_resources, search
from lantern.directory.importer import import_path
from lantern.directory.staff import set_disabled
from tests.unit import directory_data as dd

ET = dt.timezone(dt.timedelta(hours=-4))  # US Eastern in June (EDT)
WED_NOON = dt.datetime(2026, 6, 3, 12, 0, tzinfo=ET)
WED_NIGHT = dt.datetime(2026, 6, 3, 23, 30, tzinfo=ET)
SAT_11 = dt.datetime(2026, 6, 6, 11, 0, tzinfo=ET)
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "directory" / "sample-dayton"


@pytest.fixture
def session(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    with db.session_scope(url) as s:
        import_path(dd.write_csv30(tmp_path / "base", dd.base()), s, source="test")
    s = Session(db.get_engine(url), future=True)
    yield s
    s.close()
    db.dispose(url)


def ids(results):
    return [r.hsds_id for r in results]


def test_nearest_first_with_distances(session):
    results = search(session, zip_code="45402", limit=10, now=WED_NOON)
    assert results.ok and results.origin.zip_code == "45402"
    miles = [r.distance_miles for r in results]
    assert miles == sorted(miles)
    assert ids(results)[:2] in (["s-nal", "s-ssp"], ["s-ssp", "s-nal"])  # same building, 0.2 miles
    assert "s-cbus" in ids(results) and ids(results)[-1] == "s-cbus"  # Columbus is ~65 miles away
    cbus = next(r for r in results if r.hsds_id == "s-cbus")
    assert 60 < cbus.distance_miles < 75
    assert "s-old" not in ids(results)  # defunct services never show


def test_one_result_per_service_at_its_nearest_location(session):
    results = search(session, zip_code="45420", service_types=["buprenorphine"], now=WED_NOON)
    assert ids(results) == ["s-bup"]
    assert results[0].postal_code == "45420" and results[0].approximate_location  # l4, placed at its ZIP
    assert results[0].phone == "555-0101 ext. 12"
    assert results[0].languages == ("Spanish", "English")


def test_result_fields(session):
    r = search(session, zip_code="45402", service_types=["naloxone"], now=WED_NOON)[0]
    assert (r.name, r.organization) == ("Naloxone Kits", "Test Harm Reduction")
    assert r.address == "1 Test St, Dayton, OH 45402"
    assert r.phone == "555-0100"  # falls back to the organisation's phone
    assert r.service_types == ("naloxone",)
    assert r.free and r.open_now is True and r.hours == ("MO,TU,WE,TH,FR 09:00-17:00",)


def test_type_filter_accepts_codes_and_aliases(session):
    assert ids(search(session, zip_code="45402", service_types=["narcan"], limit=5, now=WED_NOON)) == [
        "s-nal",
        "s-cbus",
    ]
    assert ids(search(session, zip_code="45402", service_types="Syringe services", now=WED_NOON)) == ["s-ssp"]
    both = search(session, zip_code="45402", service_types=["naloxone", "syringe_services"], limit=5, now=WED_NOON)
    assert set(ids(both)) == {"s-nal", "s-ssp", "s-cbus"}
    treatment = search(session, zip_code="45402", service_types=["treatment"], now=WED_NOON)
    assert ids(treatment) == ["s-bup"]  # buprenorphine implies treatment


def test_access_filters(session):
    assert ids(search(session, zip_code="45402", free=True, limit=10)) == ["s-ssp", "s-nal"] or set(
        ids(search(session, zip_code="45402", free=True, limit=10))
    ) == {"s-ssp", "s-nal"}
    assert ids(search(session, zip_code="45402", walk_in=True, limit=10)) == ["s-ssp"]
    assert ids(search(session, zip_code="45402", no_insurance=True, limit=10)) == ["s-bup"]
    assert ids(search(session, zip_code="45402", free=True, walk_in=True, service_types=["naloxone"])) == []


def test_language_filter(session):
    assert ids(search(session, zip_code="45402", language="Spanish", limit=10)) == ["s-bup"]
    assert ids(search(session, zip_code="45402", language="es", limit=10)) == ["s-bup"]
    assert ids(search(session, zip_code="45402", language="español", limit=10)) == ["s-bup"]
    english = ids(search(session, zip_code="45402", language="English", limit=10))
    assert set(english) == {"s-nal", "s-ssp", "s-bup", "s-cbus"}  # no language listed counts as English
    assert ids(search(session, zip_code="45402", language="Klingon", limit=10)) == []


def test_open_now(session):
    assert set(ids(search(session, zip_code="45402", open_now=True, limit=10, now=WED_NOON))) == {"s-nal", "s-bup"}
    assert ids(search(session, zip_code="45402", open_now=True, limit=10, now=WED_NIGHT)) == ["s-bup"]  # 24 hours
    sat = search(session, zip_code="45402", open_now=True, limit=10, now=SAT_11)
    assert set(ids(sat)) == {"s-bup", "s-cbus"}  # Columbus location hours: Saturday 10-12
    closed = search(session, zip_code="45402", service_types=["naloxone"], limit=10, now=WED_NIGHT)
    assert [r.open_now for r in closed] == [False, False]
    unknown = search(session, zip_code="45402", service_types=["syringe_services"], now=WED_NOON)
    assert unknown[0].open_now is None  # no hours listed: never claimed open
    assert ids(search(session, zip_code="45402", service_types=["syringe_services"], open_now=True, now=WED_NOON)) == []
    naive_utc = dt.datetime(2026, 6, 3, 16, 0)  # 12:00 in Dayton
    assert "s-nal" in ids(search(session, zip_code="45402", open_now=True, limit=10, now=naive_utc))


def test_pagination(session):
    everything = ids(search(session, zip_code="45402", limit=10))
    pages = ids(search(session, zip_code="45402", limit=2)) + ids(search(session, zip_code="45402", limit=2, offset=2))
    assert pages == everything[:4]
    assert ids(search(session, zip_code="45402", limit=2, offset=50)) == []
    assert len(search(session, zip_code="45402", limit=0)) == 1  # clamped to at least one
    assert len(search(session, zip_code="45402", limit=10**6)) == 4  # and at most MAX_LIMIT


def test_max_miles(session):
    near = search(session, zip_code="45402", limit=10, max_miles=30)
    assert "s-cbus" not in ids(near) and near.searched_miles == 30
    assert ids(search(session, zip_code="10001", limit=10)) == []  # New York: nothing within 100 miles


def test_city_and_state(session):
    results = search(session, city="Dayton", state="Ohio", service_types=["naloxone"])
    assert results.ok and ids(results)[0] == "s-nal" and results.origin.label == "Dayton, OH"
    assert ids(search(session, city="columbus", state="oh", service_types=["naloxone"]))[0] == "s-cbus"


def test_disabled_services_and_organisations_are_hidden(session):
    set_disabled(session, "s-nal", True, "closed")
    session.commit()
    assert "s-nal" not in ids(search(session, zip_code="45402", limit=10))
    set_disabled(session, "s-nal", False)
    session.commit()
    assert "s-nal" in ids(search(session, zip_code="45402", limit=10))


@pytest.mark.parametrize(
    "kwargs, status",
    [
        ({"zip_code": "99999"}, "unknown_zip"),
        ({"zip_code": "4540"}, "unknown_zip"),
        ({"zip_code": "45402'; DROP TABLE dir_service;--"}, "unknown_zip"),
        ({"zip_code": "x" * 10_000}, "unknown_zip"),
        ({"city": "Nowhereville", "state": "OH"}, "unknown_city"),
        ({"city": "Dayton", "state": "Narnia"}, "unknown_city"),
        ({"city": "Dayton' OR '1'='1", "state": "OH"}, "unknown_city"),
        ({}, "no_place"),
        ({"zip_code": "  ", "city": ""}, "no_place"),
        ({"zip_code": "45402", "service_types": ["'; DELETE FROM dir_service;--"]}, "unknown_service_type"),
    ],
)
def test_bad_input_gives_a_status_not_an_exception(session, kwargs, status):
    results = search(session, **kwargs)
    assert results.status == status and not results.ok and list(results) == [] and results.message
    assert len(results.message) < 300
    assert len(search(session, zip_code="45402", limit=10)) == 4  # nothing was harmed


def test_injection_strings_in_filters_are_only_data(session):
    evil = "es' OR '1'='1"
    assert ids(search(session, zip_code="45402", language=evil, limit=10)) == []
    assert ids(search(session, zip_code="45402", language="%", limit=10)) == []
    assert len(search(session, zip_code="45402", limit=10)) == 4


def test_zip_plus_four_and_whitespace(session):
    assert ids(search(session, zip_code=" 45402-1234 ", service_types=["naloxone"]))[0] == "s-nal"


def test_sample_directory_answers_a_realistic_question(tmp_path):
    url = f"sqlite:///{tmp_path / 'sample.db'}"
    try:
        with db.session_scope(url) as s:
            import_path(SAMPLE, s)
            results = search(
                s,
                zip_code="45417",
                service_types=["methadone"],
                open_now=True,
                now=dt.datetime(2026, 6, 3, 6, 15, tzinfo=ET),
            )
            assert [r.name for r in results] == ["FICTIONAL Methadone Treatment"]
            shelter = search(
                s,
                zip_code="45404",
                service_types=["housing"],
                open_now=True,
                now=dt.datetime(2026, 6, 4, 2, 0, tzinfo=ET),
            )  # overnight hours past midnight
            assert shelter and shelter[0].open_now
            food = search(
                s,
                zip_code="45403",
                service_types=["food"],
                open_now=True,
                now=dt.datetime(2026, 6, 13, 12, 0, tzinfo=ET),
            )  # second Saturday of June 2026
            assert food and food[0].hours[-1].startswith("2SA")
            not_second = search(
                s,
                zip_code="45403",
                service_types=["food"],
                open_now=True,
                now=dt.datetime(2026, 6, 20, 12, 0, tzinfo=ET),
            )
            assert not not_second
    finally:
        db.dispose(url)


def test_national_resources():
    keys = {r.key for r in national_resources()}
    assert keys == {"988", "samhsa", "findtreatment", "nextdistro", "poison", "neverusealone"}
    assert {r.key for r in national_resources(["narcan"])} == {"nextdistro", "neverusealone"}
    by_key = {r.key: r for r in national_resources()}
    assert by_key["samhsa"].phone == "1-800-662-4357" and by_key["poison"].phone == "1-800-222-1222"
    assert by_key["neverusealone"].phone == "1-800-484-3731" and by_key["988"].text == "988"
    assert by_key["findtreatment"].url == "https://findtreatment.gov"
