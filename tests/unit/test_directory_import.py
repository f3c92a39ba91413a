"""Directory import: every accepted format, clear errors, all-or-nothing, idempotent re-import."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.cli import main as cli_main
from bot.directory import db, models as m
from bot.directory.importer import ImportFailed, import_path
from bot.directory.readers import ReadError
from bot.directory.search import search
from tests.unit import directory_data as dd

PROJECT = Path(__file__).resolve().parents[2]
SAMPLE = PROJECT / "data" / "directory" / "sample-dayton"


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


@pytest.mark.parametrize("writer, fmt", [
    (lambda tmp, t: dd.write_csv30(tmp / "pkg", t), "hsds3-csv"),
    (lambda tmp, t: dd.write_csv30(tmp / "nopkg", t, datapackage=False), "hsds3-csv"),
    (lambda tmp, t: dd.write_compiled_json(tmp / "services.json", t), "hsds3-json"),
    (lambda tmp, t: dd.write_tabular_json(tmp / "tabular.json", t), "hsds3-json"),
    (lambda tmp, t: dd.write_csv20(tmp / "v2", t), "hsds2-csv"),
])
def test_each_format_imports_the_same_directory(url, tmp_path, writer, fmt):
    path = writer(tmp_path, dd.base())
    report = run_import(url, path)
    assert report.format == fmt
    assert (report.counts["services"].added, report.counts["locations"].added,
            report.counts["organizations"].added) == (5, 4, 3)
    with db.session_scope(url) as session:
        bup = session.execute(sa.select(m.Service).where(m.Service.hsds_id == "s-bup")).scalar_one()
        assert {t.type_code for t in bup.types} == {"buprenorphine", "treatment"}
        assert bup.no_insurance and not bup.is_free
        assert {(l.code, l.name) for l in bup.languages} == {("es", "Spanish"), ("en", "English")}
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
    t["service"][1]["status"] = "open"          # services.csv row 3
    t["schedule"][0]["opens_at"] = "nine"        # schedules.csv row 2
    t["address"][2]["postal_code"] = ""          # addresses.csv row 4: required
    t["location"][0]["latitude"] = "north"       # locations.csv row 2: not a number
    t["service_at_location"][0]["location_id"] = "nowhere"
    issues = problems(url, dd.write_csv30(tmp_path / "bad", t))
    text = [str(i) for i in issues]
    assert any(i.file == "services.csv" and i.where == "row 3" and i.field == "status" and "'open'" in i.message
               for i in issues), text
    assert any(i.file == "schedules.csv" and i.where == "row 2" and i.field == "opens_at" for i in issues), text
    assert any(i.file == "addresses.csv" and i.where == "row 4" and i.field == "postal_code"
               and "required" in i.message for i in issues), text
    assert any(i.file == "locations.csv" and i.field == "latitude" and "not a number" in i.message for i in issues), text
    assert count(url, m.Service) == 0


def test_reference_errors_after_rows_are_valid(url, tmp_path):
    t = dd.base()
    t["service_at_location"][0]["location_id"] = "nowhere"
    t["service"].append(dict(t["service"][0]))  # duplicate id
    issues = problems(url, dd.write_csv30(tmp_path / "refs", t))
    text = [str(i) for i in issues]
    assert any(i.field == "location_id" and "'nowhere'" in i.message and i.file == "service_at_locations.csv"
               for i in issues), text
    assert any(i.field == "id" and "duplicate" in i.message and i.where == "row 7" for i in issues), text


def test_json_errors_use_json_paths(url, tmp_path):
    services = dd.compiled_services(dd.base())
    services[2]["service_at_locations"][0]["location"]["addresses"][0]["country"] = "USA"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(services))
    issues = problems(url, path)
    assert any(i.where == "$[2].service_at_locations[0].location.addresses[0]" and i.field == "country"
               for i in issues), [str(i) for i in issues]


def test_hsds20_errors_use_20_field_names(url, tmp_path):
    folder = dd.write_csv20(tmp_path / "v2", dd.base())
    text = (folder / "regular_schedules.csv").read_text().replace("Monday", "Moonday", 1)
    (folder / "regular_schedules.csv").write_text(text)
    issues = problems(url, folder)
    assert any(i.file == "regular_schedules.csv" and i.field == "weekday" for i in issues), [str(i) for i in issues]


# ---------------------------------------------------------------- all or nothing, idempotence


def test_one_bad_record_writes_nothing(url, tmp_path):
    run_import(url, dd.write_csv30(tmp_path / "good", dd.base()), source="test")
    before = (count(url, m.Service), count(url, m.Phone), count(url, m.Schedule))
    t = dd.base()
    t["service"].append({"id": "s-new", "organization_id": "o1", "name": "New", "status": "active"})
    t["service"][0]["name"] = "Renamed"
    t["phone"].append({"id": "p-bad", "service_id": "s-new", "number": "call us!!"})
    problems(url, dd.write_csv30(tmp_path / "bad", t), source="test")
    assert (count(url, m.Service), count(url, m.Phone), count(url, m.Schedule)) == before
    with db.session_scope(url) as session:
        assert session.execute(sa.select(m.Service.name).where(m.Service.hsds_id == "s-nal")).scalar_one() == "Naloxone Kits"


def test_database_failure_midway_rolls_back(url, tmp_path, monkeypatch):
    from bot.directory import importer

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
    t["service"][0]["name"] = "Naloxone Kits and Training"                    # updated
    t["service"] = [s for s in t["service"] if s["id"] != "s-old"]           # removed
    t["service_at_location"] = [s for s in t["service_at_location"] if s["service_id"] != "s-old"]
    t["service"].append({"id": "s-new", "organization_id": "o3", "name": "New Peer Support", "status": "active"})
    t["service_at_location"].append({"id": "sal-new", "service_id": "s-new", "location_id": "l3"})
    t["address"][2]["address_1"] = "33 New Test St"                          # location l3 updated
    changed = run_import(url, dd.write_csv30(tmp_path / "c", t), source="test")
    c = changed.counts["services"]
    assert (c.added, c.updated, c.unchanged, c.removed) == (1, 1, 3, 1)
    assert changed.counts["locations"].updated == 1
    with db.session_scope(url) as session:
        assert session.execute(sa.select(m.Service.name).where(m.Service.hsds_id == "s-nal")).scalar_one() \
            == "Naloxone Kits and Training"
        assert session.execute(sa.select(m.Service).where(m.Service.hsds_id == "s-old")).first() is None
    # An unchanged service at the changed location shows the new address in search.
    cbus = search(db_session(url), zip_code="43215", service_types=["naloxone"])
    assert cbus[0].address.startswith("33 New Test St")
    # The same input again changes nothing; owned rows are not duplicated.
    again = run_import(url, dd.write_csv30(tmp_path / "d", t), source="test")
    assert again.counts["services"].unchanged == 5 and again.counts["services"].added == 0
    assert count(url, m.Phone) == counts_before[m.Phone]


def test_staff_disable_survives_reimport(url, tmp_path):
    from bot.directory.staff import set_disabled

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
        assert session.execute(sa.select(m.Organization.name).where(m.Organization.hsds_id == "o1")).scalar_one() \
            == "Centro de Reducción de Daños"


def test_huge_field_is_an_error_not_a_crash(url, tmp_path):
    t = dd.base()
    t["service"][0]["description"] = "x" * 2_000_000
    t["service"][1]["name"] = "y" * 600
    issues = problems(url, dd.write_csv30(tmp_path / "huge", t))
    assert any(i.field == "description" and "too long" in i.message for i in issues) or \
        any("cannot be read as CSV" in i.message for i in issues)
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
    (folder / "datapackage.json").write_text(json.dumps({"resources": [{"name": "organization", "path": "../secret.csv"}]}))
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
        o["locations"] = [{**loc, "addresses": [a for a in t["address"] if a["location_id"] == loc["id"]]}
                          for loc in t["location"] if loc.get("organization_id") == org["id"]]
        o["services"] = [{**{k: v for k, v in s.items() if k != "organization_id"},
                          "service_at_locations": [{"id": sal["id"], "location_id": sal["location_id"]}
                                                   for sal in t["service_at_location"] if sal["service_id"] == s["id"]]}
                         for s in t["service"] if s["organization_id"] == org["id"]]
        orgs.append(o)
    path = tmp_path / "orgs.json"
    path.write_text(json.dumps(orgs))
    report = run_import(url, path)
    assert report.counts["services"].added == 5 and report.counts["locations"].added == 4


def test_hsds20_holiday_closure(url, tmp_path):
    import datetime as dt

    folder = dd.write_csv20(tmp_path / "v2", dd.base())
    (folder / "holiday_schedules.csv").write_text(
        "id,service_id,closed,start_date,end_date\nhol1,s-nal,true,2026-07-03,2026-07-03\n")
    run_import(url, folder)
    et = dt.timezone(dt.timedelta(hours=-4))
    friday_holiday = dt.datetime(2026, 7, 3, 12, tzinfo=et)
    thursday = dt.datetime(2026, 7, 2, 12, tzinfo=et)
    assert search(db_session(url), zip_code="45402", service_types=["naloxone"], now=friday_holiday)[0].open_now is False
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
    assert any("locations.csv, row 5, field 'latitude'" in w and "will not show" in w for w in text), text
    assert any("1 service(s) have no location" in w for w in text), text
    assert report.counts["services"].added == 6
