"""Import an HSDS directory into the database: the good rows of a messy file, idempotent by HSDS id.

By default the rows validate.py sets aside (and everything that points at
them) are left out and listed in the report, and the rest is imported; with
`strict`, any problem means nothing is written (the old all-or-nothing).
A file that cannot be read at all stops the import in both modes.

Rows are grouped into three kinds of record that own everything under them:
an organization (its phones), a location (addresses, phones, hours, languages)
and a service (phones, hours, languages, taxonomy links, service-at-locations
with their own phones and hours). Each record gets a content hash; on
re-import a record is added, updated in place (same primary key, so staff's
`disabled` flag survives) or removed, and its owned rows are replaced only
when its hash changed. Everything happens in one transaction. A record set
aside this time counts as gone from the feed (removed), so an old copy of a
service the publisher may have just marked closed is never left in search.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lantern.directory import languages as lang
from lantern.directory import models as m
from lantern.directory import taxonomy, zipgeo
from lantern.directory.readers import (
    FIELD_LEFT_OUT,
    IMPORT_STOPPED,
    ROW_SET_ASIDE,
    VALUE_CLEANED,
    Bundle,
    Issue,
    ReadError,
    SetAside,
    read,
)
from lantern.directory.validate import parse_time, report_entries, sal_pairs, schedule_owner, validate

logger = logging.getLogger(__name__)
CHUNK = 500


class ImportFailed(Exception):
    """Nothing was written. `issues` are what stopped it; `entries` is the full staff report."""

    def __init__(self, issues: Sequence[Issue], entries: Sequence[SetAside] = ()):
        self.issues = list(issues)
        self.entries = list(entries) or [SetAside(i, "", IMPORT_STOPPED) for i in self.issues]
        super().__init__(f"{len(self.issues)} problem(s) in the input; nothing was imported")


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class ImportReport:
    source: str
    format: str
    counts: Dict[str, Counts] = field(default_factory=dict)
    warnings: List[Issue] = field(default_factory=list)
    dry_run: bool = False
    entries: List[SetAside] = field(default_factory=list)  # rows set aside, fields left out, values cleaned
    rows: Dict[str, List[int]] = field(default_factory=dict)  # table → [rows imported, rows set aside]

    @property
    def rows_imported(self) -> int:
        return sum(n for n, _x in self.rows.values())

    @property
    def rows_set_aside(self) -> int:
        return sum(x for _n, x in self.rows.values())

    @property
    def set_aside(self) -> List[SetAside]:
        """The problems that cost data: rows set aside and fields left out (not cleaned values)."""
        return [e for e in self.entries if e.outcome in (ROW_SET_ASIDE, FIELD_LEFT_OUT)]

    @property
    def complete(self) -> bool:
        """True when everything in the input was imported (cleaned values count as imported)."""
        return not self.set_aside

    def summary(self) -> str:
        parts = [
            f"{kind}: {c.added} added, {c.updated} updated, {c.unchanged} unchanged, {c.removed} removed"
            for kind, c in self.counts.items()
        ]
        fields = sum(1 for e in self.entries if e.outcome == FIELD_LEFT_OUT)
        cleaned = sum(1 for e in self.entries if e.outcome == VALUE_CLEANED)
        parts.append(
            f"rows: {self.rows_imported} imported, {self.rows_set_aside} set aside; "
            f"{fields} field(s) left out, {cleaned} value(s) cleaned"
        )
        head = f"{'Checked (dry run, nothing written)' if self.dry_run else 'Imported'} {self.source} ({self.format})"
        return head + "\n  " + "\n  ".join(parts)


REPORT_COLUMNS = ("outcome", "file", "row", "record_id", "table", "field", "problem", "data")


def write_report(entries: Sequence[SetAside], path: Path) -> Path:
    """Write the staff report as CSV (one line per problem), replacing any older one atomically.

    A spreadsheet opens it next to the publisher's files: `row` is the same
    spreadsheet row (header = 1) the import names, `data` the row as read.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(REPORT_COLUMNS)
        for e in entries:
            i = e.issue
            out.writerow(
                [
                    e.outcome,
                    i.file,
                    i.where,
                    i.record,
                    e.table,
                    i.field,
                    i.message,
                    json.dumps(dict(e.data), ensure_ascii=False) if e.data else "",
                ]
            )
    os.replace(tmp, path)
    return path


# ---------------------------------------------------------------- entry points


def import_path(
    path: Path,
    session: Session,
    source: Optional[str] = None,
    fmt: Optional[str] = None,
    dry_run: bool = False,
    strict: bool = False,
) -> ImportReport:
    """Read, validate and import `path` as source `source` (default: the file or folder name).

    Rows with problems are set aside (listed in `report.entries`) and the rest
    imported; with `strict`, any problem raises ImportFailed instead. ImportFailed
    (a file cannot be read, nothing valid left) and ReadError write nothing.
    The caller owns the transaction: commit on return, roll back on exception.
    With `dry_run`, the changes are counted and then rolled back (the whole session).
    """
    path = Path(path)
    bundle = read(path, fmt)
    problems = validate(bundle, strict=strict)
    if problems:
        raise ImportFailed(problems, report_entries(bundle, stopped=True))
    name = source or default_source_name(path)
    report = apply(session, bundle, name, str(path.resolve()))
    report.entries = report_entries(bundle, stopped=False)
    for table, rows in bundle.tables.items():
        report.rows.setdefault(table, [0, 0])[0] += len(rows)
    for table, _row in bundle.rejected:
        report.rows.setdefault(table, [0, 0])[1] += 1
    if dry_run:
        session.rollback()
        report.dry_run = True
    return report


def default_source_name(path: Path) -> str:
    """The source name an import uses when staff give none: the file or folder name."""
    path = Path(path).resolve()
    if path.name == "datapackage.json":
        path = path.parent
    return path.stem if path.is_file() else path.name


# ---------------------------------------------------------------- building records from rows


def _hash(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str, separators=(",", ":")).encode()).hexdigest()


def _date(value: Any) -> Optional[dt.date]:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _pick(data: Dict[str, Any], *names: str) -> Dict[str, Any]:
    return {n: data.get(n) for n in names}


def _str(value: Any) -> Optional[str]:
    return None if value is None else str(value)


_RULE_FIELDS = (
    "opens_min",
    "closes_min",
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "valid_from",
    "valid_to",
    "dtstart",
    "until",
    "utc_offset_min",
    "closed",
)


def rec_types_sorted(types: Iterable[str]) -> List[str]:
    order = {code: i for i, code in enumerate(taxonomy.TYPE_CODES)}
    return sorted(types, key=lambda c: order.get(c, len(order)))


class _Plan:
    """Records keyed by HSDS id, each with its owned child rows, ready to write."""

    def __init__(self, bundle: Bundle) -> None:
        t = bundle.tables
        self.terms = {str(r.data["id"]): r.data for r in t.get("taxonomy_term", [])}
        self.orgs: Dict[str, Dict[str, Any]] = {}
        self.locations: Dict[str, Dict[str, Any]] = {}
        self.services: Dict[str, Dict[str, Any]] = {}
        for r in t.get("organization", []):
            d = r.data
            self.orgs[str(d["id"])] = {
                "row": {**_pick(d, "name", "alternate_name", "description", "email", "website")},
                "phones": [],
            }
        for r in t.get("location", []):
            d = r.data
            self.locations[str(d["id"])] = {
                "row": {
                    **_pick(d, "name", "alternate_name", "description", "transportation", "latitude", "longitude"),
                    "location_type": d.get("location_type") or "physical",
                    "organization_hsds": _str(d.get("organization_id")),
                },
                "addresses": [],
                "phones": [],
                "schedules": [],
                "languages": [],
            }
        for r in t.get("service", []):
            d = r.data
            self.services[str(d["id"])] = {
                "row": {
                    **_pick(
                        d,
                        "name",
                        "alternate_name",
                        "description",
                        "url",
                        "email",
                        "status",
                        "eligibility_description",
                        "application_process",
                        "interpretation_services",
                        "alert",
                        "minimum_age",
                        "maximum_age",
                    ),
                    "fees_description": d.get("fees_description") or d.get("fees"),
                    "assured_date": d.get("assured_date"),
                    "organization_hsds": str(d["organization_id"]),
                },
                "phones": [],
                "schedules": [],
                "languages": [],
                "terms": [],
                "cost": [],
                "sals": {},
            }
        sal_service: Dict[str, str] = {}
        sal_by_pair: Dict[Tuple[str, str], str] = {}
        for r in t.get("service_at_location", []):
            d = r.data
            sid, lid, said = str(d["service_id"]), str(d["location_id"]), str(d["id"])
            self.services[sid]["sals"][said] = {
                "location_hsds": lid,
                "description": d.get("description"),
                "phones": [],
                "schedules": [],
            }
            sal_service[said] = sid
            sal_by_pair.setdefault((sid, lid), said)
        for r in t.get("address", []):
            d = r.data
            self.locations[str(d["location_id"])]["addresses"].append(
                {
                    "hsds_id": _str(d.get("id")),
                    **_pick(
                        d,
                        "address_type",
                        "attention",
                        "address_1",
                        "address_2",
                        "city",
                        "region",
                        "state_province",
                        "postal_code",
                        "country",
                    ),
                }
            )
        for r in t.get("phone", []):
            d = r.data
            phone = {
                "hsds_id": _str(d.get("id")),
                "number": str(d["number"]),
                "extension": _str(d.get("extension")),
                "type": d.get("type"),
                "description": d.get("description"),
            }
            sal_id = _str(d.get("service_at_location_id"))
            if sal_id:
                self.services[sal_service[sal_id]]["sals"][sal_id]["phones"].append(phone)
            elif d.get("service_id") is not None:
                self.services[str(d["service_id"])]["phones"].append(phone)
            elif d.get("location_id") is not None:
                self.locations[str(d["location_id"])]["phones"].append(phone)
            elif d.get("organization_id") is not None:
                self.orgs[str(d["organization_id"])]["phones"].append(phone)
        for r in t.get("schedule", []):
            d = r.data
            sched = _schedule(d)
            sal_id = _str(d.get("service_at_location_id"))
            svc_id, loc_id = _str(d.get("service_id")), _str(d.get("location_id"))
            if not sal_id and svc_id and loc_id:
                sal_id = sal_by_pair.get((svc_id, loc_id))
            if sal_id:
                self.services[sal_service[sal_id]]["sals"][sal_id]["schedules"].append(sched)
            elif svc_id:
                self.services[svc_id]["schedules"].append(sched)
            elif loc_id:
                self.locations[loc_id]["schedules"].append(sched)
        for r in t.get("language", []):
            d = r.data
            entry = lang.normalise(d.get("name"), d.get("code"))
            if d.get("service_id") is not None:
                self.services[str(d["service_id"])]["languages"].append(entry)
            elif d.get("location_id") is not None:
                self.locations[str(d["location_id"])]["languages"].append(entry)
        for r in t.get("attribute", []):
            d = r.data
            link, entity = _str(d.get("link_id")), str(d.get("link_entity") or "service").lower()
            if link in self.services and entity in ("service", ""):
                term = self.terms.get(str(d["taxonomy_term_id"]), {})
                self.services[link]["terms"].append(
                    {
                        "term_hsds_id": str(d["taxonomy_term_id"]),
                        "taxonomy": _str(term.get("taxonomy")),
                        "code": _str(term.get("code")),
                        "name": _str(term.get("name")),
                        "value": _str(d.get("value")),
                    }
                )
        for r in t.get("cost_option", []):
            d = r.data
            self.services[str(d["service_id"])]["cost"].append(_pick(d, "option", "amount", "amount_description"))
        for rec in self.services.values():
            self._derive(rec)
        # Owners whose hours or addresses were set aside: their cards must not fall back to
        # broader hours (a building's hours for one service) or to a postal address.
        rejected = bundle.rejected
        pairs = sal_pairs(t.get("service_at_location", []) + [r for tb, r in rejected if tb == "service_at_location"])
        self.hours_set_aside = {schedule_owner(r.data, pairs) for tb, r in rejected if tb == "schedule"}
        self.addresses_set_aside = {
            str(r.data["location_id"])
            for tb, r in rejected
            if tb == "address" and r.data.get("location_id") is not None
        }
        for kind, oid in self.hours_set_aside:  # part of the content hash: a card changes with it
            if kind == "service" and oid in self.services:
                self.services[oid]["hours_set_aside"] = True
            elif kind == "location" and oid in self.locations:
                self.locations[oid]["hours_set_aside"] = True
            elif kind == "service_at_location" and oid in sal_service:
                self.services[sal_service[oid]]["sals"][oid]["hours_set_aside"] = True
        for lid in self.addresses_set_aside & set(self.locations):
            self.locations[lid]["addresses_set_aside"] = True
        self.warnings: List[Issue] = []
        rows_by_id = {str(r.data["id"]): r for r in t.get("location", [])}
        for hid, rec in self.locations.items():
            self._place(rec)
            if rec["row"]["location_type"] == "physical" and rec["row"].get("latitude") is None:
                self.warnings.append(
                    rows_by_id[hid].issue(
                        "latitude",
                        "no coordinates and no known US ZIP code in its address; services here will not show in search",
                        warning=True,
                    )
                )
        unplaced = sum(1 for rec in self.services.values() if not rec["sals"])
        if unplaced:
            self.warnings.append(
                Issue(
                    "",
                    "",
                    "",
                    f"{unplaced} service(s) have no location, so local search "
                    "will not show them (phone or online services)",
                    warning=True,
                )
            )
        for table in (self.orgs, self.locations, self.services):
            for rec in table.values():
                rec["hash"] = _hash({k: v for k, v in rec.items() if k != "hash"})

    def card(self, svc_hid: str, sal_hid: str) -> Tuple[str, str]:
        """(card JSON, hours JSON) for one service at one location: what search shows and checks."""
        svc = self.services[svc_hid]
        sal = svc["sals"][sal_hid]
        loc = self.locations[sal["location_hsds"]]
        org = self.orgs[svc["row"]["organization_hsds"]]
        addresses = sorted(loc["addresses"], key=lambda a: a.get("address_type") not in (None, "physical"))
        if sal["location_hsds"] in self.addresses_set_aside:  # never a postal address in place of a rejected one
            addresses = [x for x in addresses if x.get("address_type") in (None, "physical")]
        a = addresses[0] if addresses else None
        phone = next((p for p in sal["phones"] + svc["phones"] + loc["phones"] + org["phones"]), None)
        rules: List[Dict[str, Any]] = []
        for owner, own in (
            (("service_at_location", sal_hid), sal["schedules"]),
            (("service", svc_hid), svc["schedules"]),
            (("location", sal["location_hsds"]), loc["schedules"]),
        ):
            if own:
                rules = own
                break
            if owner in self.hours_set_aside:
                break  # hours unknown, rather than someone else's hours
        row = svc["row"]
        card = {
            "name": row["name"],
            "organization": org["row"]["name"],
            "description": row.get("description"),
            "url": row.get("url") or org["row"].get("website"),
            "fees": row.get("fees_description"),
            "address": ", ".join(filter(None, [a.get("address_1"), a.get("address_2")])) + f", {a.get('city')}, "
            f"{a.get('state_province')} {a.get('postal_code')}"
            if a
            else None,
            "city": a.get("city") if a else None,
            "state": a.get("state_province") if a else None,
            "postal_code": a.get("postal_code") if a else None,
            "phone": (phone["number"] + (f" ext. {phone['extension']}" if phone.get("extension") else ""))
            if phone
            else None,
            "languages": [x["name"] or x["code"] for x in (svc["languages"] or loc["languages"])],
            "types": rec_types_sorted(svc["types"]),
            "flags": svc["flags"],
            "timezone": loc["row"].get("timezone"),
        }
        hours_rules = [{k: s.get(k) for k in _RULE_FIELDS} for s in rules]
        return (
            json.dumps(card, separators=(",", ":"), default=str),
            json.dumps(hours_rules, separators=(",", ":"), default=str),
        )

    @staticmethod
    def _derive(rec: Dict[str, Any]) -> None:
        """Lantern types and access flags from the publisher's terms, costs and text."""
        types: Set[str] = set()
        flags: Set[str] = set()
        for term in rec["terms"]:
            types |= taxonomy.types_for_term(term["name"] or "", term["code"] or "", term["taxonomy"] or "")
            flags |= taxonomy.flags_for_term(term["name"] or "", term["code"] or "", term["taxonomy"] or "")
        if not types:
            types = taxonomy.types_for_service_name(rec["row"]["name"] or "")
        row = rec["row"]
        flags |= {f for f in taxonomy.flags_for_text(row.get("fees_description")) if f in ("free", "no_insurance")}
        flags |= {f for f in taxonomy.flags_for_text(row.get("application_process")) if f == "walk_in"}
        flags |= {f for f in taxonomy.flags_for_text(row.get("eligibility_description")) if f == "no_insurance"}
        costs = rec["cost"]
        if (
            costs
            and all(c.get("amount") in (0, 0.0) for c in costs if c.get("amount") is not None)
            and any(c.get("amount") is not None for c in costs)
        ):
            flags.add("free")
        for c in costs:
            flags |= {f for f in taxonomy.flags_for_text(c.get("option"), c.get("amount_description")) if f == "free"}
        rec["types"] = sorted(types)
        rec["flags"] = sorted(flags)

    @staticmethod
    def _place(rec: Dict[str, Any]) -> None:
        """Coordinates and time zone: given coordinates win; else the address ZIP centroid."""
        row = rec["row"]
        postal = next(
            (
                a["postal_code"]
                for a in rec["addresses"]
                if a.get("address_type") in (None, "physical") and a.get("postal_code")
            ),
            None,
        )
        place = zipgeo.lookup_zip(postal) if postal else None
        row["timezone"] = place.timezone if place else None
        row["geo_approximate"] = False
        if (row.get("latitude") is None or row.get("longitude") is None) and place is not None:
            row["latitude"], row["longitude"] = place.lat, place.lon
            row["geo_approximate"] = True


def _schedule(d: Dict[str, Any]) -> Dict[str, Any]:
    opens, off1 = parse_time(_str(d.get("opens_at")))
    closes, off2 = parse_time(_str(d.get("closes_at")))
    offset = off1 if off1 is not None else off2
    if offset is None and d.get("timezone") is not None:
        offset = int(round(float(d["timezone"]) * 60))
    return {
        "hsds_id": _str(d.get("id")),
        "freq": d.get("freq"),
        "interval": int(d["interval"]) if d.get("interval") else None,
        "byday": (str(d["byday"]).replace(" ", "").upper() or None) if d.get("byday") else None,
        "bymonthday": str(d["bymonthday"]).replace(" ", "") if d.get("bymonthday") else None,
        "opens_at": _str(d.get("opens_at")),
        "closes_at": _str(d.get("closes_at")),
        "opens_min": opens,
        "closes_min": closes,
        "utc_offset_min": offset,
        "valid_from": d.get("valid_from"),
        "valid_to": d.get("valid_to"),
        "dtstart": d.get("dtstart"),
        "until": d.get("until"),
        "closed": bool(d.get("holiday") and d.get("closed")),
        "description": d.get("description"),
    }


# ---------------------------------------------------------------- writing


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _existing(session: Session, table: sa.Table, source_id: int) -> Dict[str, Tuple[int, str]]:
    rows = session.execute(
        sa.select(table.c.hsds_id, table.c.id, table.c.content_hash).where(table.c.source_id == source_id)
    )
    return {r.hsds_id: (r.id, r.content_hash) for r in rows}


def _delete_in(session: Session, table: sa.Table, column: str, ids: Sequence[int]) -> None:
    for chunk in _chunks(list(ids)):
        session.execute(sa.delete(table).where(table.c[column].in_(chunk)))


def _insert(session: Session, table: sa.Table, rows: List[Dict[str, Any]]) -> None:
    """Bulk insert; executemany needs every row to have the same keys."""
    if not rows:
        return
    keys = sorted({k for r in rows for k in r})
    for chunk in _chunks(rows, 5000):
        session.execute(sa.insert(table), [{k: r.get(k) for k in keys} for r in chunk])


def _sync(
    session: Session, table: sa.Table, source_id: int, records: Dict[str, Dict[str, Any]], to_row: Any, counts: Counts
) -> Tuple[Dict[str, int], Set[int]]:
    """Insert new, update changed (in place), delete missing; return (hsds→id, ids whose children to rebuild)."""
    existing = _existing(session, table, source_id)
    gone = [pk for hid, (pk, _h) in existing.items() if hid not in records]
    _delete_in(session, table, "id", gone)
    counts.removed += len(gone)
    new_rows, changed = [], set()
    for hid, rec in records.items():
        row = {**to_row(rec), "content_hash": rec["hash"]}
        if hid not in existing:
            new_rows.append({**row, "source_id": source_id, "hsds_id": hid})
            counts.added += 1
        elif existing[hid][1] != rec["hash"]:
            pk = existing[hid][0]
            session.execute(sa.update(table).where(table.c.id == pk).values(**row))
            changed.add(pk)
            counts.updated += 1
        else:
            counts.unchanged += 1
    _insert(session, table, new_rows)
    ids = {hid: pk for hid, (pk, _h) in _existing(session, table, source_id).items()}
    rebuild = changed | {ids[r["hsds_id"]] for r in new_rows}
    return ids, rebuild


def apply(session: Session, bundle: Bundle, source_name: str, path: str = "") -> ImportReport:
    """Write a validated bundle as source `source_name`. One transaction, owned by the caller."""
    plan = _Plan(bundle)
    report = ImportReport(
        source=source_name, format=bundle.format, warnings=[i for i in bundle.issues if i.warning] + plan.warnings
    )
    src = m.Source.__table__
    now = dt.datetime.utcnow()
    row = session.execute(sa.select(src.c.id).where(src.c.name == source_name)).first()
    if row is None:
        source_id = session.execute(
            sa.insert(src).values(name=source_name, format=bundle.format, path=path, imported_at=now)
        ).inserted_primary_key[0]
    else:
        source_id = row.id
        session.execute(
            sa.update(src).where(src.c.id == source_id).values(format=bundle.format, path=path, imported_at=now)
        )
    T = {
        name: model.__table__
        for name, model in (
            ("org", m.Organization),
            ("svc", m.Service),
            ("loc", m.Location),
            ("addr", m.Address),
            ("phone", m.Phone),
            ("sched", m.Schedule),
            ("sal", m.ServiceAtLocation),
            ("lang", m.Language),
            ("term", m.TaxonomyTerm),
            ("sterm", m.ServiceTerm),
            ("stype", m.ServiceType),
        )
    }
    # Services first: removing a service must happen before its organization or locations go.
    c_svc, c_loc, c_org = Counts(), Counts(), Counts()
    existing_svc = _existing(session, T["svc"], source_id)
    gone = [pk for hid, (pk, _h) in existing_svc.items() if hid not in plan.services]
    _delete_in(session, T["svc"], "id", gone)
    c_svc.removed = len(gone)

    org_ids, org_rebuild = _sync(session, T["org"], source_id, plan.orgs, lambda r: r["row"], c_org)
    _delete_in(session, T["phone"], "organization_id", sorted(org_rebuild))
    phones: List[Dict[str, Any]] = []
    for hid, rec in plan.orgs.items():
        if org_ids[hid] in org_rebuild:
            phones += [{**p, "organization_id": org_ids[hid]} for p in rec["phones"]]

    def loc_row(rec: Dict[str, Any]) -> Dict[str, Any]:
        r = dict(rec["row"])
        r["organization_id"] = org_ids.get(r.pop("organization_hsds") or "")
        return r

    loc_ids, loc_rebuild = _sync(session, T["loc"], source_id, plan.locations, loc_row, c_loc)
    rebuild = sorted(loc_rebuild)
    _delete_in(session, T["addr"], "location_id", rebuild)
    _delete_in(session, T["phone"], "location_id", rebuild)
    _delete_in(session, T["sched"], "location_id", rebuild)
    _delete_in(session, T["lang"], "location_id", rebuild)
    addresses, schedules, languages = [], [], []
    for hid, rec in plan.locations.items():
        pk = loc_ids[hid]
        if pk in loc_rebuild:
            addresses += [
                {**a, "location_id": pk, "address_type": a.get("address_type") or "physical"} for a in rec["addresses"]
            ]
            phones += [{**p, "location_id": pk} for p in rec["phones"]]
            schedules += [{**_sched_row(s), "location_id": pk} for s in rec["schedules"]]
            languages += [{**x, "location_id": pk} for x in rec["languages"]]

    def svc_row(rec: Dict[str, Any]) -> Dict[str, Any]:
        r = dict(rec["row"])
        r["organization_id"] = org_ids[r.pop("organization_hsds")]
        r["assured_date"] = _date(r.get("assured_date"))
        r["is_free"] = "free" in rec["flags"]
        r["is_walk_in"] = "walk_in" in rec["flags"]
        r["no_insurance"] = "no_insurance" in rec["flags"]
        return r

    c_svc_sync = Counts()
    svc_ids, svc_rebuild = _sync(session, T["svc"], source_id, plan.services, svc_row, c_svc_sync)
    c_svc.added, c_svc.updated, c_svc.unchanged = c_svc_sync.added, c_svc_sync.updated, c_svc_sync.unchanged
    rebuild = sorted(svc_rebuild)
    for table, column in (
        ("sal", "service_id"),
        ("phone", "service_id"),
        ("sched", "service_id"),
        ("lang", "service_id"),
        ("sterm", "service_id"),
        ("stype", "service_id"),
    ):
        _delete_in(session, T[table], column, rebuild)
    sals, terms, types = [], [], []
    sal_children: List[Tuple[Dict[str, Any], Dict[str, Any]]] = []
    for hid, rec in plan.services.items():
        pk = svc_ids[hid]
        if pk not in svc_rebuild:
            continue
        phones += [{**p, "service_id": pk} for p in rec["phones"]]
        schedules += [{**_sched_row(s), "service_id": pk} for s in rec["schedules"]]
        languages += [{**x, "service_id": pk} for x in rec["languages"]]
        terms += [{**t, "service_id": pk} for t in rec["terms"]]
        types += [{"service_id": pk, "type_code": code} for code in rec["types"]]
        for sal_hid, sal in rec["sals"].items():
            card, hours_json = plan.card(hid, sal_hid)
            sal_row = {
                "hsds_id": sal_hid,
                "service_id": pk,
                "location_id": loc_ids[sal["location_hsds"]],
                "description": sal["description"],
                "card": card,
                "hours": hours_json,
            }
            sals.append(sal_row)
            if sal["phones"] or sal["schedules"]:
                sal_children.append((sal_row, sal))
    _insert(session, T["sal"], sals)
    if sal_children:
        touched = sorted({r["service_id"] for r, _s in sal_children})
        sal_pk: Dict[Tuple[int, str], int] = {}
        for chunk in _chunks(touched):
            for r in session.execute(
                sa.select(T["sal"].c.id, T["sal"].c.service_id, T["sal"].c.hsds_id).where(
                    T["sal"].c.service_id.in_(chunk)
                )
            ):
                sal_pk[(r.service_id, r.hsds_id)] = r.id
        for sal_row, sal in sal_children:
            pk = sal_pk[(sal_row["service_id"], sal_row["hsds_id"])]
            phones += [{**p, "service_at_location_id": pk} for p in sal["phones"]]
            schedules += [{**_sched_row(s), "service_at_location_id": pk} for s in sal["schedules"]]
    _refresh_cards(session, T["sal"], plan, svc_ids, svc_rebuild, loc_rebuild, org_rebuild)
    _insert(session, T["addr"], addresses)
    _insert(session, T["phone"], phones)
    _insert(session, T["sched"], schedules)
    _insert(session, T["lang"], languages)
    _insert(session, T["sterm"], terms)
    _insert(session, T["stype"], types)
    # The publisher's taxonomy, kept as given: replaced whole on each import of this source.
    session.execute(sa.delete(T["term"]).where(T["term"].c.source_id == source_id))
    _insert(
        session,
        T["term"],
        [
            {
                "source_id": source_id,
                "hsds_id": hid,
                "code": _str(t.get("code")),
                "name": str(t.get("name")),
                "description": t.get("description"),
                "taxonomy": _str(t.get("taxonomy")),
                "parent_hsds_id": _str(t.get("parent_id")),
                "language": _str(t.get("language")),
                "term_uri": _str(t.get("term_uri")),
            }
            for hid, t in plan.terms.items()
        ],
    )
    report.counts = {"organizations": c_org, "locations": c_loc, "services": c_svc}
    logger.info(
        "directory import %s: %s",
        source_name,
        "; ".join(f"{k} +{c.added} ~{c.updated} -{c.removed}" for k, c in report.counts.items()),
    )
    return report


def _refresh_cards(
    session: Session,
    sal_table: sa.Table,
    plan: "_Plan",
    svc_ids: Dict[str, int],
    svc_rebuild: Set[int],
    loc_rebuild: Set[int],
    org_rebuild: Set[int],
) -> None:
    """Unchanged services whose location or organization changed still need fresh search cards."""
    svc_t = m.Service.__table__
    stale: Set[int] = set()
    for chunk in _chunks(sorted(loc_rebuild)):
        stale |= {
            r.service_id
            for r in session.execute(sa.select(sal_table.c.service_id).where(sal_table.c.location_id.in_(chunk)))
        }
    for chunk in _chunks(sorted(org_rebuild)):
        stale |= {r.id for r in session.execute(sa.select(svc_t.c.id).where(svc_t.c.organization_id.in_(chunk)))}
    stale -= svc_rebuild
    if not stale:
        return
    hsds_of = {pk: hid for hid, pk in svc_ids.items()}
    updates = []
    for chunk in _chunks(sorted(stale)):
        for r in session.execute(
            sa.select(sal_table.c.id, sal_table.c.service_id, sal_table.c.hsds_id).where(
                sal_table.c.service_id.in_(chunk)
            )
        ):
            card, hours_json = plan.card(hsds_of[r.service_id], r.hsds_id)
            updates.append({"pk": r.id, "card": card, "hours": hours_json})
    stmt = (
        sa.update(sal_table)
        .where(sal_table.c.id == sa.bindparam("pk"))
        .values(card=sa.bindparam("card"), hours=sa.bindparam("hours"))
    )
    for chunk in _chunks(updates, 5000):
        session.execute(stmt, list(chunk))


def _sched_row(s: Dict[str, Any]) -> Dict[str, Any]:
    return {
        **s,
        "valid_from": _date(s["valid_from"]),
        "valid_to": _date(s["valid_to"]),
        "dtstart": _date(s["dtstart"]),
        "until": _date(s["until"]),
    }


def remove_source(session: Session, name: str) -> bool:
    """Delete a source and everything imported from it (staff: a directory you no longer use)."""
    src = m.Source.__table__
    row = session.execute(sa.select(src.c.id).where(src.c.name == name)).first()
    if row is None:
        return False
    for model in (m.Service, m.Location, m.Organization, m.TaxonomyTerm):
        session.execute(sa.delete(model.__table__).where(model.__table__.c.source_id == row.id))
    session.execute(sa.delete(src).where(src.c.id == row.id))
    return True


__all__ = [
    "ImportFailed",
    "ImportReport",
    "Counts",
    "import_path",
    "apply",
    "remove_source",
    "ReadError",
    "write_report",
    "default_source_name",
    "REPORT_COLUMNS",
]
