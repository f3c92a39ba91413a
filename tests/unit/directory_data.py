"""Small HSDS directories for the directory tests, written in each accepted format.

One base dataset (HSDS 3.0 tables as dicts) and writers for: 3.0 CSV
datapackage, 3.0 compiled JSON (nested services), 3.0 tabular JSON, and 2.0 CSV.
All names, addresses and numbers are fictional.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any, Dict, List

Tables = Dict[str, List[Dict[str, Any]]]

FILES_30 = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "phone": "phones.csv",
    "schedule": "schedules.csv",
    "service_at_location": "service_at_locations.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "attribute": "attributes.csv",
    "language": "languages.csv",
    "cost_option": "cost_options.csv",
}


def base() -> Tables:
    """Three organisations in Dayton and one in Columbus, OH; five services."""
    t: Tables = {k: [] for k in FILES_30}
    t["organization"] = [
        {"id": "o1", "name": "Test Harm Reduction", "description": "Test org one."},
        {"id": "o2", "name": "Test Recovery Clinic", "description": "Test org two."},
        {"id": "o3", "name": "Columbus Test Center", "description": "Test org three."},
    ]
    t["location"] = [
        {"id": "l1", "location_type": "physical", "organization_id": "o1", "latitude": 39.7581, "longitude": -84.1921},
        {"id": "l2", "location_type": "physical", "organization_id": "o2", "latitude": 39.7905, "longitude": -84.2101},
        {"id": "l3", "location_type": "physical", "organization_id": "o3", "latitude": 39.9612, "longitude": -82.9988},
        {"id": "l4", "location_type": "physical", "organization_id": "o2"},  # no coordinates: ZIP centroid
    ]
    t["address"] = [
        {
            "id": "a1",
            "location_id": "l1",
            "address_1": "1 Test St",
            "city": "Dayton",
            "state_province": "OH",
            "postal_code": "45402",
            "country": "US",
            "address_type": "physical",
        },
        {
            "id": "a2",
            "location_id": "l2",
            "address_1": "2 Test St",
            "city": "Dayton",
            "state_province": "OH",
            "postal_code": "45405",
            "country": "US",
            "address_type": "physical",
        },
        {
            "id": "a3",
            "location_id": "l3",
            "address_1": "3 Test St",
            "city": "Columbus",
            "state_province": "OH",
            "postal_code": "43215",
            "country": "US",
            "address_type": "physical",
        },
        {
            "id": "a4",
            "location_id": "l4",
            "address_1": "4 Test St",
            "city": "Dayton",
            "state_province": "OH",
            "postal_code": "45420",
            "country": "US",
            "address_type": "physical",
        },
    ]
    t["service"] = [
        {
            "id": "s-nal",
            "organization_id": "o1",
            "name": "Naloxone Kits",
            "status": "active",
            "description": "Naloxone to take home.",
            "fees_description": "Free.",
        },
        {
            "id": "s-ssp",
            "organization_id": "o1",
            "name": "Syringe Program",
            "status": "active",
            "application_process": "Walk-ins welcome.",
        },
        {
            "id": "s-bup",
            "organization_id": "o2",
            "name": "Bridge Clinic",
            "status": "active",
            "eligibility_description": "No insurance needed.",
        },
        {"id": "s-cbus", "organization_id": "o3", "name": "Columbus Naloxone", "status": "active"},
        {"id": "s-old", "organization_id": "o2", "name": "Closed Program", "status": "defunct"},
    ]
    t["service_at_location"] = [
        {"id": "sal1", "service_id": "s-nal", "location_id": "l1"},
        {"id": "sal2", "service_id": "s-ssp", "location_id": "l1"},
        {"id": "sal3", "service_id": "s-bup", "location_id": "l2"},
        {"id": "sal3b", "service_id": "s-bup", "location_id": "l4"},
        {"id": "sal4", "service_id": "s-cbus", "location_id": "l3"},
        {"id": "sal5", "service_id": "s-old", "location_id": "l2"},
    ]
    t["phone"] = [
        {"id": "p1", "organization_id": "o1", "number": "555-0100"},
        {"id": "p2", "service_id": "s-bup", "number": "555-0101", "extension": "12"},
        {"id": "p3", "service_at_location_id": "sal4", "number": "555-0102"},
    ]
    t["schedule"] = [  # times are local (America/New_York)
        {
            "id": "h1",
            "service_id": "s-nal",
            "freq": "WEEKLY",
            "byday": "MO,TU,WE,TH,FR",
            "opens_at": "09:00",
            "closes_at": "17:00",
        },
        {
            "id": "h2",
            "service_at_location_id": "sal3",
            "freq": "WEEKLY",
            "byday": "MO,TU,WE,TH,FR,SA,SU",
            "opens_at": "00:00",
            "closes_at": "24:00",
        },
        {"id": "h3", "location_id": "l3", "freq": "WEEKLY", "byday": "SA", "opens_at": "10:00", "closes_at": "12:00"},
    ]
    t["taxonomy_term"] = [
        {"id": "t-nal", "code": "N1", "name": "Naloxone Distribution", "taxonomy": "test-tax"},
        {"id": "t-ssp", "code": "S1", "name": "Syringe Services Program", "taxonomy": "test-tax"},
        {"id": "t-bup", "code": "B1", "name": "Buprenorphine", "taxonomy": "test-tax"},
        {"id": "t-free", "code": "free", "name": "Free", "taxonomy": "lantern"},
    ]
    t["attribute"] = [
        {"id": "at1", "link_id": "s-nal", "link_entity": "service", "taxonomy_term_id": "t-nal"},
        {"id": "at2", "link_id": "s-ssp", "link_entity": "service", "taxonomy_term_id": "t-ssp"},
        {"id": "at3", "link_id": "s-ssp", "link_entity": "service", "taxonomy_term_id": "t-free"},
        {"id": "at4", "link_id": "s-bup", "link_entity": "service", "taxonomy_term_id": "t-bup"},
        {"id": "at5", "link_id": "s-cbus", "link_entity": "service", "taxonomy_term_id": "t-nal"},
    ]
    t["language"] = [
        {"id": "lg1", "service_id": "s-bup", "name": "Spanish", "code": "es"},
        {"id": "lg2", "service_id": "s-bup", "name": "English", "code": "en"},
    ]
    return t


def write_csv30(folder: Path, t: Tables, datapackage: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in t.items():
        if rows:
            _write(folder / FILES_30[table], rows)
    if datapackage:
        (folder / "datapackage.json").write_text(
            json.dumps({"name": "test", "resources": [{"name": k, "path": FILES_30[k]} for k, v in t.items() if v]})
        )
    return folder


def _write(path: Path, rows: List[Dict[str, Any]]) -> None:
    cols: List[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, cols)
        w.writeheader()
        w.writerows(rows)


def write_tabular_json(path: Path, t: Tables) -> Path:
    path.write_text(json.dumps({k: v for k, v in t.items() if v}), encoding="utf-8")
    return path


def compiled_services(t: Tables) -> List[Dict[str, Any]]:
    """Nest the tables the way an HSDS 3.0 API returns full service objects."""
    t = copy.deepcopy(t)

    def by(table, key, value):
        return [r for r in t[table] if r.get(key) == value]

    terms = {r["id"]: r for r in t["taxonomy_term"]}
    out = []
    for s in t["service"]:
        s = dict(s)
        oid = s.pop("organization_id")
        org = next(o for o in t["organization"] if o["id"] == oid)
        s["organization"] = {**org, "phones": by("phone", "organization_id", org["id"])}
        s["phones"] = by("phone", "service_id", s["id"])
        s["schedules"] = by("schedule", "service_id", s["id"])
        s["languages"] = by("language", "service_id", s["id"])
        s["attributes"] = [
            {**{k: v for k, v in a.items() if k != "taxonomy_term_id"}, "taxonomy_term": terms[a["taxonomy_term_id"]]}
            for a in by("attribute", "link_id", s["id"])
        ]
        sals = []
        for sal in by("service_at_location", "service_id", s["id"]):
            loc = next(dict(x) for x in t["location"] if x["id"] == sal["location_id"])
            loc["addresses"] = by("address", "location_id", loc["id"])
            loc["schedules"] = by("schedule", "location_id", loc["id"])
            sals.append(
                {
                    "id": sal["id"],
                    "location": loc,
                    "phones": by("phone", "service_at_location_id", sal["id"]),
                    "schedules": by("schedule", "service_at_location_id", sal["id"]),
                }
            )
        s["service_at_locations"] = sals
        for row in s["phones"] + s["schedules"] + s["languages"]:
            row.pop("service_id", None)
        out.append(s)
    return out


def write_compiled_json(path: Path, t: Tables) -> Path:
    path.write_text(json.dumps(compiled_services(t), indent=1), encoding="utf-8")
    return path


_DAY = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}


def write_csv20(folder: Path, t: Tables) -> Path:
    """The same directory as HSDS 2.0 CSV: 2.0 file and field names, weekday per row."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "organizations.csv", t["organization"])
    _write(folder / "services.csv", t["service"])
    _write(folder / "locations.csv", [{k: v for k, v in r.items() if k != "location_type"} for r in t["location"]])
    _write(
        folder / "physical_addresses.csv", [{k: v for k, v in r.items() if k != "address_type"} for r in t["address"]]
    )
    _write(folder / "phones.csv", t["phone"])
    _write(folder / "services_at_location.csv", t["service_at_location"])
    rows = []
    for r in t["schedule"]:
        for day in r["byday"].split(","):
            rows.append(
                {
                    "id": f"{r['id']}-{day}",
                    **{k: r[k] for k in ("service_id", "location_id", "service_at_location_id") if k in r},
                    "weekday": _DAY[day],
                    "opens_at": r["opens_at"],
                    "closes_at": r["closes_at"],
                }
            )
    _write(folder / "regular_schedules.csv", rows)
    _write(
        folder / "taxonomy_terms.csv",
        [{"id": r["id"], "term": r["name"], "taxonomy": r["taxonomy"]} for r in t["taxonomy_term"]],
    )
    _write(
        folder / "service_attributes.csv",
        [
            {"id": r["id"], "service_id": r["link_id"], "taxonomy_term_id": r["taxonomy_term_id"]}
            for r in t["attribute"]
        ],
    )
    _write(
        folder / "languages.csv",
        [{"id": r["id"], "service_id": r["service_id"], "language": r["name"]} for r in t["language"]],
    )
    return folder


def keep_services(t: Tables, ids: set) -> Tables:
    """The directory with only the given services (and nothing that points at the others)."""
    t = copy.deepcopy(t)
    t["service"] = [s for s in t["service"] if s["id"] in ids]
    t["service_at_location"] = [s for s in t["service_at_location"] if s["service_id"] in ids]
    sals = {s["id"] for s in t["service_at_location"]}
    t["attribute"] = [a for a in t["attribute"] if a["link_id"] in ids]

    def linked(r: Dict[str, Any]) -> bool:
        return ("service_id" not in r or r["service_id"] in ids) and (
            "service_at_location_id" not in r or r["service_at_location_id"] in sals
        )

    for table in ("phone", "schedule", "language"):
        t[table] = [r for r in t[table] if linked(r)]
    return t
