"""Directory import: every accepted format, clear errors, messy rows set aside (or --strict), idempotent re-import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lantern.directory import db
from lantern.directory import models as m
from lantern.directory.importer import ImportFailed, import_path
from lantern.directory.readers import ReadError
from lantern.directory.search import search
from tests.unit import directory_data as dd
from tools.cli import main as cli_main

PROJECT = Path(__file__).resolve().parents[2]
SAMPLE = PROJECT / "data" / "directory" / "sample-dayton"
EXAMPLE = PROJECT / "tests" / "data" / "directory-hsds3-example"  # Open Referral's own HSDS 3.0 example (CC BY-SA 4.0)


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch):
    """The CLI writes its report under LANTERN_DATA_DIR: never into the project's var/ from a test."""
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def url(tmp_path: Path):
    u = f"sqlite:///{tmp_path / 'directory.db'}"
    yield u
    db.dispose(u)


def run_import(url: str, path: Path, **kw):
    with db.session_scope(url) as session:
        return import_path(path, session, **kw)


def count(url: str, model) -> int:
    with db.session_scope(url) as session:
        return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def problems(url: str, path: Path, **kw) -> list:
    """The issues an import refuses with (strict unless told otherwise: every problem is reported)."""
    kw.setdefault("strict", True)
    with pytest.raises(ImportFailed) as err:
        run_import(url, path, **kw)
    return err.value.issues


# ---------------------------------------------------------------- formats


def test_sample_dayton_imports_and_is_marked_fictional(url):
    report = run_import(url, SAMPLE)
    assert report.format == "hsds3-csv"
    assert report.counts["services"].added == 14
    with db.session_scope(url) as session:
        names = session.execute(sa.select(m.Service.name, m.Service.description)).all()
        phones = session.execute(sa.select(m.Phone.number)).scalars().all()
    assert all(n.startswith("FICTIONAL") and "FICTIONAL" in d for n, d in names)
    assert phones and all("555-01" in p for p in phones)


@pytest.mark.parametrize(
    "writer, fmt",
    [
        (lambda tmp, t: dd.write_csv30(tmp / "pkg", t), "hsds3-csv"),
        (lambda tmp, t: dd.write_csv30(tmp / "nopkg", t, datapackage=False), "hsds3-csv"),
        (lambda tmp, t: dd.write_compiled_json(tmp / "services.json", t), "hsds3-json"),
        (lambda tmp, t: dd.write_tabular_json(tmp / "tabular.json", t), "hsds3-json"),
        (lambda tmp, t: dd.write_csv20(tmp / "v2", t), "hsds2-csv"),
    ],
)
def test_each_format_imports_the_same_directory(url, tmp_path, writer, fmt):
    path = writer(tmp_path, dd.base())
    report = run_import(url, path)
    assert report.format == fmt
    assert (
        report.counts["services"].added,
        report.counts["locations"].added,
        report.counts["organizations"].added,
    ) == (5, 4, 3)
    with db.session_scope(url) as session:
        bup = session.execute(sa.select(m.Service).where(m.Service.hsds_id == "s-bup")).scalar_one()
        assert {t.type_code for t in bup.types} == {"buprenorphine", "treatment"}
        assert bup.no_insurance and not bup.is_free
        assert {(lang.code, lang.name) for lang in bup.languages} == {("es", "Spanish"), ("en", "English")}
        assert [p.number for p in bup.phones] == ["555-0101"]
        terms = session.execute(sa.select(m.ServiceTerm.name).where(m.ServiceTerm.service_id == bup.id)).scalars().all()
        assert terms == ["Buprenorphine"]  # the publisher's term, kept as given
        ssp = session.execute(sa.select(m.Service).where(m.Service.hsds_id == "s-ssp")).scalar_one()
        assert ssp.is_free and ssp.is_walk_in
        l4 = session.execute(sa.select(m.Location).where(m.Location.hsds_id == "l4")).scalar_one()
        assert l4.geo_approximate and l4.latitude is not None and l4.timezone == "America/New_York"
        assert session.execute(sa.select(sa.func.count()).select_from(m.Schedule)).scalar_one() >= 3
    results = search(db_session(url), zip_code="45402", service_types=["naloxone"])
    assert [r.hsds_id for r in results][:1] == ["s-nal"]


def db_session(url):
    return Session(db.get_engine(url), future=True)


def test_format_override_and_source_name(url, tmp_path):
    path = dd.write_csv30(tmp_path / "x", dd.base())
    report = run_import(url, path, source="county-2026", fmt="hsds3-csv")
    assert report.source == "county-2026"
    with pytest.raises(ReadError):
        run_import(url, path, fmt="hsds3-json")
    with pytest.raises(ReadError):
        run_import(url, tmp_path / "missing")


# ---------------------------------------------------------------- validation errors


def test_errors_name_file_row_and_field(url, tmp_path):
    t = dd.base()
    t["service"][1]["status"] = "open"  # services.csv row 3
    t["schedule"][0]["opens_at"] = "nine"  # schedules.csv row 2
    t["address"][2]["postal_code"] = ""  # addresses.csv row 4: required
    t["location"][0]["latitude"] = "north"  # locations.csv row 2: not a number
    t["service_at_location"][0]["location_id"] = "nowhere"
    issues = problems(url, dd.write_csv30(tmp_path / "bad", t))
    text = [str(i) for i in issues]
    assert any(
        i.file == "services.csv" and i.where == "row 3" and i.field == "status" and "'open'" in i.message
        for i in issues
    ), text
    assert any(i.file == "schedules.csv" and i.where == "row 2" and i.field == "opens_at" for i in issues), text
    assert any(
        i.file == "addresses.csv" and i.where == "row 4" and i.field == "postal_code" and "required" in i.message
        for i in issues
    ), text
    assert any(i.file == "locations.csv" and i.field == "latitude" and "not a number" in i.message for i in issues), (
        text
    )
    assert count(url, m.Service) == 0


def test_reference_errors_after_rows_are_valid(url, tmp_path):
    t = dd.base()
    t["service_at_location"][0]["location_id"] = "nowhere"
    t["service"].append(dict(t["service"][0]))  # duplicate id
    issues = problems(url, dd.write_csv30(tmp_path / "refs", t))
    text = [str(i) for i in issues]
    assert any(
        i.field == "location_id" and "'nowhere'" in i.message and i.file == "service_at_locations.csv" for i in issues
    ), text
    assert any(i.field == "id" and "duplicate" in i.message and i.where == "row 7" for i in issues), text


def test_json_errors_use_json_paths(url, tmp_path):
    services = dd.compiled_services(dd.base())
    services[2]["service_at_locations"][0]["location"]["addresses"][0]["country"] = "USA"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(services))
    issues = problems(url, path)
    assert any(
        i.where == "$[2].service_at_locations[0].location.addresses[0]" and i.field == "country" for i in issues
    ), [str(i) for i in issues]


def test_hsds20_errors_use_20_field_names(url, tmp_path):
    folder = dd.write_csv20(tmp_path / "v2", dd.base())
    text = (folder / "regular_schedules.csv").read_text().replace("Monday", "Moonday", 1)
    (folder / "regular_schedules.csv").write_text(text)
    issues = problems(url, folder)
    assert any(i.file == "regular_schedules.csv" and i.field == "weekday" for i in issues), [str(i) for i in issues]


# ---------------------------------------------------------------- all or nothing (--strict), idempotence


def test_strict_one_bad_record_writes_nothing(url, tmp_path):
    run_import(url, dd.write_csv30(tmp_path / "good", dd.base()), source="test")
    before = (count(url, m.Service), count(url, m.Phone), count(url, m.Schedule))
    t = dd.base()
    t["service"].append({"id": "s-new", "organization_id": "o1", "name": "New", "status": "active"})
    t["service"][0]["name"] = "Renamed"
    t["phone"].append({"id": "p-bad", "service_id": "s-new", "number": "call us!!"})
    problems(url, dd.write_csv30(tmp_path / "bad", t), source="test")
    assert (count(url, m.Service), count(url, m.Phone), count(url, m.Schedule)) == before
    with db.session_scope(url) as session:
        assert (
            session.execute(sa.select(m.Service.name).where(m.Service.hsds_id == "s-nal")).scalar_one()
            == "Naloxone Kits"
        )


def test_database_failure_midway_rolls_back(url, tmp_path, monkeypatch):
    from lantern.directory import importer

    run_import(url, dd.write_csv30(tmp_path / "good", dd.base()), source="test")
    before = count(url, m.Service), count(url, m.ServiceAtLocation)
    t = dd.base()
    t["service"] = [s for s in t["service"] if s["id"] != "s-old"]
    t["service_at_location"] = [s for s in t["service_at_location"] if s["service_id"] != "s-old"]
    real = importer._refresh_cards

    def boom(*a, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_refresh_cards", boom)
    with pytest.raises(RuntimeError):
        run_import(url, dd.write_csv30(tmp_path / "next", t), source="test")
    monkeypatch.setattr(importer, "_refresh_cards", real)
    assert (count(url, m.Service), count(url, m.ServiceAtLocation)) == before


def test_reimport_is_idempotent_and_counts_changes(url, tmp_path):
    first = run_import(url, dd.write_csv30(tmp_path / "a", dd.base()), source="test")
    assert first.counts["services"].added == 5
    same = run_import(url, dd.write_csv30(tmp_path / "b", dd.base()), source="test")
    c = same.counts["services"]
    assert (c.added, c.updated, c.unchanged, c.removed) == (0, 0, 5, 0)
    counts_before = {t: count(url, t) for t in (m.Phone, m.Schedule, m.Address, m.ServiceType, m.Language)}

    t = dd.base()
    t["service"][0]["name"] = "Naloxone Kits and Training"  # updated
    t["service"] = [s for s in t["service"] if s["id"] != "s-old"]  # removed
    t["service_at_location"] = [s for s in t["service_at_location"] if s["service_id"] != "s-old"]
    t["service"].append({"id": "s-new", "organization_id": "o3", "name": "New Peer Support", "status": "active"})
    t["service_at_location"].append({"id": "sal-new", "service_id": "s-new", "location_id": "l3"})
    t["address"][2]["address_1"] = "33 New Test St"  # location l3 updated
    changed = run_import(url, dd.write_csv30(tmp_path / "c", t), source="test")
    c = changed.counts["services"]
    assert (c.added, c.updated, c.unchanged, c.removed) == (1, 1, 3, 1)
    assert changed.counts["locations"].updated == 1
    with db.session_scope(url) as session:
        assert (
            session.execute(sa.select(m.Service.name).where(m.Service.hsds_id == "s-nal")).scalar_one()
            == "Naloxone Kits and Training"
        )
        assert session.execute(sa.select(m.Service).where(m.Service.hsds_id == "s-old")).first() is None
    # An unchanged service at the changed location shows the new address in search.
    cbus = search(db_session(url), zip_code="43215", service_types=["naloxone"])
    assert cbus[0].address.startswith("33 New Test St")
    # The same input again changes nothing; owned rows are not duplicated.
    again = run_import(url, dd.write_csv30(tmp_path / "d", t), source="test")
    assert again.counts["services"].unchanged == 5 and again.counts["services"].added == 0
    assert count(url, m.Phone) == counts_before[m.Phone]


def test_staff_disable_survives_reimport(url, tmp_path):
    from lantern.directory.staff import set_disabled

    run_import(url, dd.write_csv30(tmp_path / "a", dd.base()), source="test")
    with db.session_scope(url) as session:
        assert set_disabled(session, "s-nal", True, "closed for renovation") is not None
    t = dd.base()
    t["service"][0]["description"] = "Updated text."
    run_import(url, dd.write_csv30(tmp_path / "b", t), source="test")
    with db.session_scope(url) as session:
        svc = session.execute(sa.select(m.Service).where(m.Service.hsds_id == "s-nal")).scalar_one()
        assert svc.disabled and svc.disabled_reason == "closed for renovation"
        assert svc.description == "Updated text."


def test_sources_are_independent(url, tmp_path):
    run_import(url, dd.write_csv30(tmp_path / "a", dd.base()), source="one")
    run_import(url, dd.write_csv30(tmp_path / "b", dd.base()), source="two")
    assert count(url, m.Service) == 10
    t = dd.keep_services(dd.base(), {"s-nal"})
    report = run_import(url, dd.write_csv30(tmp_path / "c", t), source="one")
    assert report.counts["services"].removed == 4
    assert count(url, m.Service) == 6


# ---------------------------------------------------------------- bad input


def test_empty_file(url, tmp_path):
    folder = dd.write_csv30(tmp_path / "e", dd.base())
    (folder / "services.csv").write_bytes(b"")
    issues = problems(url, folder)
    assert any(i.file == "services.csv" and "empty" in i.message for i in issues)
    (tmp_path / "empty.json").write_text("   \n")
    assert "empty" in problems(url, tmp_path / "empty.json")[0].message


def test_malformed_json(url, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"id": "s1", "name": "x",\n  "status": }]')
    issue = problems(url, path)[0]
    assert issue.file == "broken.json" and issue.where == "line 2 column 13" and "not valid JSON" in issue.message


@pytest.mark.parametrize("doc", ["42", '"text"', "[1, 2]", '{"services": "nope"}', "[]"])
def test_json_of_the_wrong_shape(url, tmp_path, doc):
    path = tmp_path / "odd.json"
    path.write_text(doc)
    assert problems(url, path)


def test_wrong_encoding(url, tmp_path):
    folder = dd.write_csv30(tmp_path / "latin", dd.base())
    text = (folder / "organizations.csv").read_text().replace("Test org two.", "Caf\u00e9 org.")
    (folder / "organizations.csv").write_bytes(text.encode("latin-1"))
    issue = next(i for i in problems(url, folder) if i.file == "organizations.csv")
    assert issue.where == "line 3" and "not UTF-8" in issue.message and "0xe9" in issue.message


def test_utf8_bom_and_non_ascii_are_fine(url, tmp_path):
    t = dd.base()
    t["organization"][0]["name"] = "Centro de Reducción de Daños"
    folder = dd.write_csv30(tmp_path / "bom", t)
    data = (folder / "organizations.csv").read_bytes()
    (folder / "organizations.csv").write_bytes(b"\xef\xbb\xbf" + data)
    run_import(url, folder)
    with db.session_scope(url) as session:
        assert (
            session.execute(sa.select(m.Organization.name).where(m.Organization.hsds_id == "o1")).scalar_one()
            == "Centro de Reducción de Daños"
        )


def test_huge_field_is_an_error_not_a_crash(url, tmp_path):
    t = dd.base()
    t["service"][0]["description"] = "x" * 2_000_000
    t["service"][1]["name"] = "y" * 600
    issues = problems(url, dd.write_csv30(tmp_path / "huge", t))
    assert any(i.field == "description" and "too long" in i.message for i in issues) or any(
        "cannot be read as CSV" in i.message for i in issues
    )
    assert any(i.field == "name" and "too long (600 characters; at most 500)" in i.message for i in issues)
    assert all(len(str(i)) < 400 for i in issues)


def test_nul_bytes_and_ragged_rows(url, tmp_path):
    folder = dd.write_csv30(tmp_path / "nul", dd.base())
    (folder / "phones.csv").write_bytes(b"id,number\np1,555\x000100\n")
    assert any("NUL" in i.message for i in problems(url, folder))
    folder = dd.write_csv30(tmp_path / "ragged", dd.base())
    with (folder / "phones.csv").open("a") as fh:
        fh.write("p9,,555-0199,,,,extra,values\n")
    assert any("values but the header has" in i.message for i in problems(url, folder))


def test_missing_required_file(url, tmp_path):
    folder = dd.write_csv30(tmp_path / "nosvc", dd.base())
    (folder / "services.csv").unlink()
    (folder / "datapackage.json").unlink()
    assert any(i.file == "services.csv" and "not found" in i.message for i in problems(url, folder))


def test_datapackage_cannot_point_outside_its_folder(url, tmp_path):
    folder = dd.write_csv30(tmp_path / "escape", dd.base())
    outside = tmp_path / "secret.csv"
    outside.write_text("id,name,description\nx,y,z\n")
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "organization", "path": "../secret.csv"}]})
    )
    report = run_import(url, folder)  # falls back to organizations.csv in the folder
    assert report.counts["organizations"].added == 3


def test_sql_in_data_is_just_text(url, tmp_path):
    t = dd.base()
    t["service"][0]["name"] = "Robert'); DROP TABLE dir_service;--"
    t["service"][0]["id"] = "s-nal' OR '1'='1"
    for sal in t["service_at_location"]:
        if sal["service_id"] == "s-nal":
            sal["service_id"] = "s-nal' OR '1'='1"
    for a in t["attribute"]:
        if a["link_id"] == "s-nal":
            a["link_id"] = "s-nal' OR '1'='1"
    t["schedule"][0]["service_id"] = "s-nal' OR '1'='1"
    run_import(url, dd.write_csv30(tmp_path / "sql", t))
    assert count(url, m.Service) == 5


# ---------------------------------------------------------------- CLI


def test_cli_import_reports_and_fails_cleanly(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    try:
        assert cli_main(["directory", "--db", url, "import", str(SAMPLE)]) == 0
        out = capsys.readouterr().out
        assert "services: 14 added, 0 updated, 0 unchanged, 0 removed" in out
        assert cli_main(["directory", "--db", url, "import", str(SAMPLE), "--dry-run"]) == 0
        assert "dry run" in capsys.readouterr().out
        bad = tmp_path / "bad.json"
        bad.write_text("{")
        assert cli_main(["directory", "--db", url, "import", str(bad)]) == 1
        err = capsys.readouterr().err
        assert "Nothing was imported" in err and "bad.json, line 1 column 2" in err
        assert (tmp_path / "data" / "directory-reports" / "bad.csv").exists()
        assert cli_main(["directory", "--db", url, "import", str(tmp_path / "nope")]) == 2
        assert cli_main(["directory", "--db", url, "list", "--type", "naloxone"]) == 0
        assert "Naloxone and Fentanyl Test Strips" in capsys.readouterr().out
        assert cli_main(["directory", "--db", url, "disable", "s-ssp", "--reason", "moved"]) == 0
        assert cli_main(["directory", "--db", url, "list", "--disabled"]) == 0
        assert "DISABLED (moved)" in capsys.readouterr().out
        assert cli_main(["directory", "--db", url, "enable", "s-ssp"]) == 0
        assert cli_main(["directory", "--db", url, "disable", "no-such-service"]) == 1
        assert cli_main(["directory", "--db", url, "search", "--zip", "45402", "--type", "syringes"]) == 0
        assert "Syringe Services" in capsys.readouterr().out
        assert cli_main(["directory", "--db", url, "search", "--zip", "1'; DROP TABLE dir_service;--"]) == 1
        assert "unknown_zip" in capsys.readouterr().err
        assert cli_main(["directory", "--db", url, "sources"]) == 0
        assert "sample-dayton" in capsys.readouterr().out
    finally:
        db.dispose(url)


def test_organizations_with_nested_services_json(url, tmp_path):
    t = dd.base()
    orgs = []
    for org in t["organization"]:
        o = dict(org)
        o["locations"] = [
            {**loc, "addresses": [a for a in t["address"] if a["location_id"] == loc["id"]]}
            for loc in t["location"]
            if loc.get("organization_id") == org["id"]
        ]
        o["services"] = [
            {
                **{k: v for k, v in s.items() if k != "organization_id"},
                "service_at_locations": [
                    {"id": sal["id"], "location_id": sal["location_id"]}
                    for sal in t["service_at_location"]
                    if sal["service_id"] == s["id"]
                ],
            }
            for s in t["service"]
            if s["organization_id"] == org["id"]
        ]
        orgs.append(o)
    path = tmp_path / "orgs.json"
    path.write_text(json.dumps(orgs))
    report = run_import(url, path)
    assert report.counts["services"].added == 5 and report.counts["locations"].added == 4


def test_hsds20_holiday_closure(url, tmp_path):
    import datetime as dt

    folder = dd.write_csv20(tmp_path / "v2", dd.base())
    (folder / "holiday_schedules.csv").write_text(
        "id,service_id,closed,start_date,end_date\nhol1,s-nal,true,2026-07-03,2026-07-03\n"
    )
    run_import(url, folder)
    et = dt.timezone(dt.timedelta(hours=-4))
    friday_holiday = dt.datetime(2026, 7, 3, 12, tzinfo=et)
    thursday = dt.datetime(2026, 7, 2, 12, tzinfo=et)
    assert (
        search(db_session(url), zip_code="45402", service_types=["naloxone"], now=friday_holiday)[0].open_now is False
    )
    assert search(db_session(url), zip_code="45402", service_types=["naloxone"], now=thursday)[0].open_now is True


def test_dry_run_writes_nothing(url, tmp_path):
    report = run_import(url, dd.write_csv30(tmp_path / "a", dd.base()), dry_run=True)
    assert report.dry_run and report.counts["services"].added == 5
    assert count(url, m.Service) == 0


def test_warnings_for_records_search_cannot_place(url, tmp_path):
    t = dd.base()
    t["address"][3]["postal_code"] = "00000"  # l4: no coordinates, unknown ZIP
    t["service"].append({"id": "s-line", "organization_id": "o1", "name": "Phone Line", "status": "active"})
    report = run_import(url, dd.write_csv30(tmp_path / "w", t))
    text = [str(w) for w in report.warnings]
    assert any("locations.csv, row 5 (id 'l4'), field 'latitude'" in w and "will not show" in w for w in text), text
    assert any("1 service(s) have no location" in w for w in text), text
    assert report.counts["services"].added == 6


# ---------------------------------------------------------------- messy data: set aside, clean, report


def lines(entries, outcome: str = None) -> list:
    return [e for e in entries if outcome is None or e.outcome == outcome]


def sal_hours(url: str, sal_hsds: str) -> list:
    with db.session_scope(url) as session:
        return json.loads(
            session.execute(
                sa.select(m.ServiceAtLocation.hours).where(m.ServiceAtLocation.hsds_id == sal_hsds)
            ).scalar_one()
        )


def test_open_referral_example_imports_its_good_rows(url):
    """The HSDS 3.0 example from the specification (tests/data/directory-hsds3-example/README.md)."""
    report = run_import(url, EXAMPLE)
    assert report.format == "hsds3-csv" and not report.complete
    assert (
        report.counts["organizations"].added,
        report.counts["locations"].added,
        report.counts["services"].added,
    ) == (1, 1, 1)
    assert (report.rows_imported, report.rows_set_aside) == (10, 1)
    assert report.rows["attribute"] == [0, 1] and report.rows["phone"] == [1, 0]
    text = [str(e) for e in report.entries]
    # The two values that used to refuse the whole file: one cleaned, one left out.
    phone = lines(report.entries, "value cleaned")
    assert [(e.issue.file, e.issue.where, e.issue.field, e.issue.record) for e in phone] == [
        ("phones.csv", "row 2", "number", "1554f2e2-a373-45db-a3fa-9fc48a61c15e")
    ], text
    assert "'\"+44 1234 234567\"' read as '+44 1234 234567'" in phone[0].issue.message
    left_out = lines(report.entries, "field left out")
    assert [(e.issue.file, e.issue.where, e.issue.field) for e in left_out] == [
        ("locations.csv", "row 2", "latitude"),
        ("locations.csv", "row 2", "organization_id"),
    ], text
    assert "100 is out of range (maximum 90)" in left_out[0].issue.message
    assert "latitude and longitude left out" in left_out[0].issue.message
    assert left_out[0].issue.record == "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
    assert dict(left_out[0].data)["latitude"] == "100"  # the report shows the row as read
    assert "985e4a42" in left_out[1].issue.message and "not in the data" in left_out[1].issue.message
    # Checking the links (which the old importer never reached) finds one row that points at nothing.
    rows = lines(report.entries, "row set aside")
    assert [(e.issue.file, e.issue.where, e.issue.field, e.table) for e in rows] == [
        ("attributes.csv", "row 2", "link_id", "attribute")
    ], text
    assert "'f28dd44b-0c4d-479f-8e90-4c52219a8b3c', which is not in the data" in rows[0].issue.message
    assert any("no known US ZIP code" in str(w) for w in report.warnings)  # 'ABC 1234': search cannot place it
    with db.session_scope(url) as session:
        assert session.execute(sa.select(m.Phone.number)).scalars().all() == ["+44 1234 234567"]
        loc = session.execute(sa.select(m.Location)).scalar_one()
        assert (loc.latitude, loc.longitude, loc.organization_id, loc.name) == (None, None, None, "MyCity Civic Center")
        svc = session.execute(sa.select(m.Service)).scalar_one()
        assert svc.name == "Community Counselling" and [lang.code for lang in svc.languages] == ["ur"]
        sal = session.execute(sa.select(m.ServiceAtLocation)).scalar_one()
        assert json.loads(sal.card)["phone"] == "+44 1234 234567 ext. 100"
        assert session.execute(sa.select(sa.func.count()).select_from(m.ServiceTerm)).scalar_one() == 0


def test_open_referral_example_strict_imports_nothing(url):
    with pytest.raises(ImportFailed) as err:
        run_import(url, EXAMPLE, strict=True)
    issues = err.value.issues
    assert {(i.file, i.field) for i in issues} == {
        ("locations.csv", "latitude"),
        ("locations.csv", "organization_id"),
        ("attributes.csv", "link_id"),
    }, [str(i) for i in issues]
    assert all("left out" not in i.message for i in issues)  # nothing is imported, so nothing is "left out"
    assert [e.outcome for e in err.value.entries].count("value cleaned") == 1
    assert count(url, m.Service) == 0 and count(url, m.Organization) == 0


def test_sample_directory_has_nothing_to_set_aside(url):
    report = run_import(url, SAMPLE)
    assert report.complete and report.entries == [] and report.rows_set_aside == 0
    assert report.rows_imported == 170 and report.counts["services"].added == 14


def test_a_bad_service_takes_what_depends_on_it_and_nothing_else(url, tmp_path):
    t = dd.base()
    t["service"][2]["status"] = "open now"  # s-bup, services.csv row 4
    report = run_import(url, dd.write_csv30(tmp_path / "svc", t))
    assert report.counts["services"].added == 4
    aside = {(e.issue.file, e.issue.record) for e in lines(report.entries, "row set aside")}
    assert aside == {
        ("services.csv", "s-bup"),
        ("service_at_locations.csv", "sal3"),
        ("service_at_locations.csv", "sal3b"),
        ("phones.csv", "p2"),
        ("schedules.csv", "h2"),
        ("attributes.csv", "at4"),
        ("languages.csv", "lg1"),
        ("languages.csv", "lg2"),
    }
    phone = next(e for e in report.entries if e.issue.record == "p2")
    assert phone.issue.field == "service_id" and "(services.csv, row 4)" in phone.issue.message
    with db.session_scope(url) as session:
        assert session.execute(sa.select(m.Service).where(m.Service.hsds_id == "s-bup")).first() is None
        assert [p.number for p in session.execute(sa.select(m.Phone)).scalars()] == ["555-0100", "555-0102"]
    assert not search(db_session(url), zip_code="45405", service_types=["bupe"])
    assert search(db_session(url), zip_code="45402", service_types=["naloxone"])[0].hsds_id == "s-nal"


def test_a_bad_location_takes_its_service_at_location_but_not_the_service(url, tmp_path):
    t = dd.base()
    t["location"][2]["location_type"] = "building"  # l3, the only place of s-cbus
    report = run_import(url, dd.write_csv30(tmp_path / "loc", t))
    aside = {e.issue.record for e in lines(report.entries, "row set aside")}
    assert aside == {"l3", "a3", "sal4", "p3", "h3"}
    assert report.counts["services"].added == 5  # s-cbus kept, with nowhere to be found by place
    assert any("1 service(s) have no location" in str(w) for w in report.warnings)
    assert "s-cbus" not in [r.hsds_id for r in search(db_session(url), zip_code="43215", service_types=["naloxone"])]


def test_a_bad_organization_takes_its_services_and_leaves_locations_unlinked(url, tmp_path):
    t = dd.base()
    t["organization"][1]["name"] = "y" * 600  # o2
    report = run_import(url, dd.write_csv30(tmp_path / "org", t))
    rows = {e.issue.record for e in lines(report.entries, "row set aside")}
    assert {"o2", "s-bup", "s-old", "sal3", "sal3b", "sal5", "p2", "h2"} <= rows
    links = [(e.issue.record, e.issue.field) for e in lines(report.entries, "field left out")]
    assert links == [("l2", "organization_id"), ("l4", "organization_id")]
    with db.session_scope(url) as session:
        assert (
            session.execute(sa.select(m.Location.organization_id).where(m.Location.hsds_id == "l2")).scalar_one()
            is None
        )


@pytest.mark.parametrize("bad", ["100", "north", "-200"])
def test_impossible_coordinates_are_left_out_and_the_zip_places_the_location(url, tmp_path, bad):
    t = dd.base()
    t["location"][0]["latitude" if bad != "-200" else "longitude"] = bad  # l1, ZIP 45402
    report = run_import(url, dd.write_csv30(tmp_path / "geo", t))
    assert report.rows_set_aside == 0 and [e.issue.field for e in lines(report.entries, "field left out")] in (
        ["latitude"],
        ["longitude"],
    )
    with db.session_scope(url) as session:
        l1 = session.execute(sa.select(m.Location).where(m.Location.hsds_id == "l1")).scalar_one()
        assert l1.geo_approximate and abs(l1.latitude - 39.76) < 0.1 and abs(l1.longitude + 84.19) < 0.1
    found = search(db_session(url), zip_code="45402", service_types=["naloxone"])
    assert found[0].hsds_id == "s-nal" and found[0].approximate_location


def test_opening_hours_are_set_aside_whole_never_in_part(url, tmp_path):
    import datetime as dt

    t = dd.base()
    t["schedule"].append(
        {"id": "h4", "service_id": "s-nal", "freq": "WEEKLY", "byday": "SA", "opens_at": "noon", "closes_at": "14:00"}
    )
    report = run_import(url, dd.write_csv30(tmp_path / "hours", t))
    h1 = next(e for e in report.entries if e.issue.record == "h1")
    assert h1.outcome == "row set aside" and "schedules.csv, row 5" in h1.issue.message and "whole" in h1.issue.message
    weekday_noon = dt.datetime(2026, 7, 2, 16, 0, tzinfo=dt.timezone.utc)
    nal = search(db_session(url), zip_code="45402", service_types=["naloxone"], now=weekday_noon)[0]
    assert nal.hsds_id == "s-nal" and nal.open_now is None and nal.hours == ()  # unknown, not "open" or "closed"


def test_set_aside_hours_never_fall_back_to_broader_hours(url, tmp_path):
    t = dd.base()
    t["schedule"][1]["opens_at"] = "nine"  # h2: sal3's own hours (s-bup at l2)
    t["schedule"].append(
        {"id": "h5", "service_id": "s-bup", "freq": "WEEKLY", "byday": "SA", "opens_at": "10:00", "closes_at": "12:00"}
    )
    run_import(url, dd.write_csv30(tmp_path / "fallback", t))
    assert sal_hours(url, "sal3") == []  # not the service's Saturday hours
    assert [r["byday"] for r in sal_hours(url, "sal3b")] == ["SA"]  # no hours of its own: the service's


def test_cost_options_are_set_aside_whole_so_a_service_never_looks_free_by_mistake(url, tmp_path):
    t = dd.base()
    t["cost_option"] = [
        {"id": "c1", "service_id": "s-bup", "option": "Under 18", "amount": "0"},
        {"id": "c2", "service_id": "s-bup", "option": "Adults", "amount": "fifty dollars"},
    ]
    report = run_import(url, dd.write_csv30(tmp_path / "cost", t))
    assert {e.issue.record for e in lines(report.entries, "row set aside")} == {"c1", "c2"}
    with db.session_scope(url) as session:
        assert session.execute(sa.select(m.Service.is_free).where(m.Service.hsds_id == "s-bup")).scalar_one() is False


def test_a_set_aside_address_is_never_replaced_by_a_postal_one(url, tmp_path):
    t = dd.base()
    t["address"][0]["country"] = "USA"  # a1, l1's physical address
    t["address"].append(
        {
            "id": "a1p",
            "location_id": "l1",
            "address_1": "PO Box 9",
            "city": "Dayton",
            "state_province": "OH",
            "postal_code": "45401",
            "country": "US",
            "address_type": "postal",
        }
    )
    report = run_import(url, dd.write_csv30(tmp_path / "addr", t))
    assert [e.issue.record for e in lines(report.entries, "row set aside")] == ["a1"]
    nal = search(db_session(url), zip_code="45402", service_types=["naloxone"])[0]
    assert nal.hsds_id == "s-nal" and nal.address is None


def test_duplicate_ids_set_every_copy_aside(url, tmp_path):
    t = dd.base()
    t["service"].append({**t["service"][0], "name": "Naloxone Kits (old copy)"})
    report = run_import(url, dd.write_csv30(tmp_path / "dup", t))
    dup = [(e.issue.where, e.issue.field) for e in report.entries if e.issue.record == "s-nal"]
    assert dup == [("row 2", "id"), ("row 7", "id")]
    assert {"sal1", "h1", "at1"} <= {e.issue.record for e in report.entries}
    assert count(url, m.Service) == 4


def test_nothing_valid_left_imports_nothing_even_by_default(url, tmp_path):
    t = dd.base()
    for s in t["service"]:
        s["status"] = "maybe"
    issues = problems(url, dd.write_csv30(tmp_path / "none", t), strict=False)
    assert "none of the 5 service(s) can be imported" in issues[0].message
    assert count(url, m.Service) == 0


def test_a_service_set_aside_on_reimport_is_removed_not_kept_stale(url, tmp_path):
    run_import(url, dd.write_csv30(tmp_path / "a", dd.base()), source="test")
    t = dd.base()
    t["service"][0]["status"] = "closed for good"  # a typo for 'defunct' must not leave the old active copy
    report = run_import(url, dd.write_csv30(tmp_path / "b", t), source="test")
    assert report.counts["services"].removed == 1
    with db.session_scope(url) as session:
        assert session.execute(sa.select(m.Service).where(m.Service.hsds_id == "s-nal")).first() is None


def test_messy_but_readable_values_are_cleaned_and_imported(url, tmp_path):
    t = dd.base()
    t["phone"][1]["number"] = '"555-0101"'
    t["phone"][0]["number"] = "\u201c555-0100\u201d"
    t["service"][0]["status"] = " Active "
    t["schedule"][0]["byday"] = "mo,tu,we,th,fr"
    t["location"][1]["latitude"] = "'39.7905'"
    t["organization"][0]["name"] = "\u200bTest Harm Reduction\ufeff"
    report = run_import(url, dd.write_csv30(tmp_path / "messy", t))
    assert report.complete and report.rows_set_aside == 0
    cleaned = {(e.issue.record, e.issue.field) for e in lines(report.entries, "value cleaned")}
    assert cleaned == {("p2", "number"), ("p1", "number"), ("s-nal", "status"), ("h1", "byday"), ("l2", "latitude")}
    with db.session_scope(url) as session:
        assert sorted(session.execute(sa.select(m.Phone.number)).scalars()) == ["555-0100", "555-0101", "555-0102"]
        assert (
            session.execute(sa.select(m.Organization.name).where(m.Organization.hsds_id == "o1")).scalar_one()
            == "Test Harm Reduction"
        )
    t["phone"][1]["number"] = '"555-0101" or "555-0199"'  # not one value in quotes: not guessed at
    report = run_import(url, dd.write_csv30(tmp_path / "ambiguous", t))
    assert [e.issue.record for e in lines(report.entries, "row set aside")] == ["p2"]


def test_json_rows_are_set_aside_by_path(url, tmp_path):
    services = dd.compiled_services(dd.base())
    services[2]["phones"][0]["number"] = "call us!!"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(services))
    report = run_import(url, path)
    assert [(e.issue.where, e.issue.field) for e in lines(report.entries, "row set aside")] == [
        ("$[2].phones[0]", "number")
    ]
    assert report.counts["services"].added == 5


def test_hsds20_bad_weekday_sets_aside_that_services_hours(url, tmp_path):
    folder = dd.write_csv20(tmp_path / "v2", dd.base())
    text = (folder / "regular_schedules.csv").read_text().replace("Monday", "Moonday", 1)
    (folder / "regular_schedules.csv").write_text(text)
    report = run_import(url, folder)
    aside = lines(report.entries, "row set aside")
    assert aside[0].issue.field == "weekday" and aside[0].issue.file == "regular_schedules.csv"
    assert {e.issue.record for e in aside} == {"h1-MO", "h1-TU", "h1-WE", "h1-TH", "h1-FR"}
    assert search(db_session(url), zip_code="45402", service_types=["naloxone"])[0].open_now is None


# ---------------------------------------------------------------- bad input of every kind: a clear error, never a crash


def _spoil(folder: Path, how: str) -> None:
    if how == "empty services":
        (folder / "services.csv").write_bytes(b"")
    elif how == "empty optional file":
        (folder / "phones.csv").write_bytes(b"")
    elif how == "header-only services":
        (folder / "services.csv").write_text("id,organization_id,name,status\n")
    elif how == "wrong encoding":
        (folder / "services.csv").write_bytes(
            (folder / "services.csv").read_text().replace("Free.", "Gratuit \u00e9.").encode("cp1252")
        )
    elif how == "binary":
        (folder / "services.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    elif how == "nul byte":
        (folder / "phones.csv").write_bytes(b"id,number\np1,555\x000100\n")
    elif how == "unclosed quote":
        (folder / "services.csv").write_text(
            (folder / "services.csv").read_text().replace("Naloxone to", '"Naloxone to')
        )
    elif how == "stray quote":
        (folder / "phones.csv").write_text('id,service_id,number\np2,s-bup,"555-0101"x\np9,s-nal,555-0109\n')
    elif how == "ragged row":
        with (folder / "phones.csv").open("a") as fh:
            fh.write("p9,,555-0199,,,,extra,values\n")
    elif how == "huge field":
        text = (folder / "services.csv").read_text().replace("Naloxone to take home.", "x" * 5_000_000)
        (folder / "services.csv").write_text(text)
    elif how == "broken datapackage":
        (folder / "datapackage.json").write_text('{"resources": [')
    elif how == "header-only optional file":
        (folder / "phones.csv").write_text("id,service_id,number\n")


@pytest.mark.parametrize(
    "how, default_exit, says",
    [
        ("empty services", 1, "services.csv: file is empty"),
        ("empty optional file", 1, "phones.csv: file is empty"),
        ("header-only services", 1, "the input contains no services"),
        ("wrong encoding", 1, "services.csv, line 2: is not UTF-8 text (byte 0xe9)"),
        ("binary", 1, "services.csv, line 1: is not UTF-8 text (byte 0x89)"),
        ("nul byte", 1, "phones.csv, line 2: contains a NUL byte"),
        ("unclosed quote", 1, "services.csv, row 2: a quote opened in this row is never closed"),
        ("broken datapackage", 1, "datapackage.json, line 1 column 16: is not valid JSON"),
        ("stray quote", 3, "phones.csv, row 2: cannot be read as CSV"),
        ("ragged row", 3, "phones.csv, row 5 (id 'p9'): has 8 values but the header has 6 columns"),
        ("huge field", 3, "services.csv, row 2 (id 's-nal'), field 'description': is too long (5000000 characters"),
        ("header-only optional file", 0, "rows: 36 imported, 0 set aside"),
    ],
)
def test_bad_input_gives_a_clear_message_and_exit_status(tmp_path, capsys, how, default_exit, says):
    """Default and --strict: exit 1 (nothing imported), 3 (bad rows set aside) or 0; never a traceback."""
    folder = dd.write_csv30(tmp_path / "in", dd.base())
    _spoil(folder, how)
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"
    try:
        for strict, want in ((False, default_exit), (True, 0 if default_exit == 0 else 1)):
            args = ["directory", "--db", db_url, "import", str(folder), "--report", str(tmp_path / "report.csv")]
            assert cli_main(args + (["--strict"] if strict else [])) == want, (how, strict)
            out = capsys.readouterr()
            said = out.out + out.err
            assert says in said and "Traceback" not in said, said[:2000]
            assert all(len(line) < 600 for line in said.splitlines()), how  # a huge value is never echoed
            assert count(db_url, m.Service) == (0 if want == 1 else 5 if want == 0 else 4 if how == "huge field" else 5)
            if want:
                assert len((tmp_path / "report.csv").read_text(encoding="utf-8")) < 20_000  # values cut short
            db.dispose(db_url)
            (tmp_path / "cli.db").unlink(missing_ok=True)
    finally:
        db.dispose(db_url)


def test_huge_field_sets_aside_its_row_with_the_reason(url, tmp_path):
    folder = dd.write_csv30(tmp_path / "huge", dd.base())
    _spoil(folder, "huge field")
    report = run_import(url, folder)
    first = lines(report.entries, "row set aside")[0]
    assert (first.issue.record, first.issue.field) == ("s-nal", "description")
    assert "too long (5000000 characters; at most 20000)" in first.issue.message
    assert len(dict(first.data)["description"]) <= 200
    assert report.counts["services"].added == 4


# ---------------------------------------------------------------- CLI: exit statuses and the report file


def test_cli_exit_statuses_and_report_file(tmp_path, capsys, monkeypatch):
    import csv

    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path / "data"))
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"
    default_report = tmp_path / "data" / "directory-reports" / "directory-hsds3-example.csv"
    try:
        assert cli_main(["directory", "--db", db_url, "import", str(EXAMPLE), "--strict"]) == 1
        err = capsys.readouterr().err
        assert "Nothing was imported (--strict" in err and "locations.csv, row 2 (id '3a19ff88" in err
        assert count(db_url, m.Service) == 0
        assert cli_main(["directory", "--db", db_url, "import", str(EXAMPLE)]) == 3
        out = capsys.readouterr().out
        assert "rows: 10 imported, 1 set aside; 2 field(s) left out, 1 value(s) cleaned" in out
        assert "attributes.csv, row 2 (id 'ae58cc39-8b70-4ab1-8aea-786882e5ac8e'), field 'link_id'" in out
        assert f"Report: {default_report}" in out
        with default_report.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert [(r["outcome"], r["file"], r["row"], r["field"]) for r in rows] == [
            ("row set aside", "attributes.csv", "row 2", "link_id"),
            ("field left out", "locations.csv", "row 2", "latitude"),
            ("field left out", "locations.csv", "row 2", "organization_id"),
            ("value cleaned", "phones.csv", "row 2", "number"),
        ]
        assert rows[0]["record_id"] == "ae58cc39-8b70-4ab1-8aea-786882e5ac8e"
        assert json.loads(rows[1]["data"])["latitude"] == "100"
        # A clean import of the same source removes the stale report; the sample has nothing to report.
        assert (
            cli_main(["directory", "--db", db_url, "import", str(SAMPLE), "--source", "directory-hsds3-example"]) == 0
        )
        assert not default_report.exists() and "Report:" not in capsys.readouterr().out
        assert cli_main(["directory", "--db", db_url, "import", str(tmp_path / "missing")]) == 2
    finally:
        db.dispose(db_url)
