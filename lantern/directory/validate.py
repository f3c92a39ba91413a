"""Check rows against the bundled HSDS schemas, convert 2.0 to 3.0 shape, and check links.

Each problem becomes an `Issue` with file, row, record id, field and a plain
message, so staff can fix the source and re-run. Real directories are messy,
so a problem decides the fate of as little as it can:

- a value that is messy but unambiguous (quotes around a phone number, `Active`
  for `active`) is cleaned and noted (`Row.cleaned`);
- a bad value in a field nothing depends on (coordinates, a web or email
  address) is left out and the row kept (`Row.dropped`): search places the
  location by its ZIP code instead, the card shows no link;
- anything else sets the row aside (`Row.problems`), and with it every row
  that points at it, so nothing is imported half-attached: a phone whose
  service is set aside would otherwise ring for the wrong thing.

`validate()` says what blocks the import: file problems always, row and field
problems only with `strict`. Set-aside rows end up in `Bundle.rejected`.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

from jsonschema import Draft7Validator

from lantern.directory.readers import (
    FIELD_LEFT_OUT,
    IMPORT_STOPPED,
    ROW_SET_ASIDE,
    VALUE_CLEANED,
    Bundle,
    Issue,
    Row,
    SetAside,
)

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@lru_cache(maxsize=None)
def load_schema(version: str) -> Dict[str, Any]:
    with (SCHEMA_DIR / f"hsds-{version}.json").open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=None)
def _validator(version: str, table: str) -> Optional[Draft7Validator]:
    root = load_schema(version)
    if table not in root["definitions"]:
        return None
    return Draft7Validator({"definitions": root["definitions"], "$ref": f"#/definitions/{table}"})


@lru_cache(maxsize=None)
def _property_types(version: str, table: str) -> Dict[str, Tuple[str, ...]]:
    """Field → JSON types, resolving local $refs, for coercing CSV text."""
    defs = load_schema(version)["definitions"]
    spec = defs[table]
    while "$ref" in spec:
        spec = defs[spec["$ref"].rsplit("/", 1)[-1]]
    out: Dict[str, Tuple[str, ...]] = {}
    for name, prop in spec.get("properties", {}).items():
        while "$ref" in prop:
            prop = defs[prop["$ref"].rsplit("/", 1)[-1]]
        t = prop.get("type", "string")
        out[name] = tuple(t) if isinstance(t, list) else (t,)
    return out


@lru_cache(maxsize=None)
def _constraints(
    version: str, table: str
) -> Dict[str, Tuple[Tuple[str, ...], Optional[Tuple[Any, ...]], Optional["re.Pattern[str]"]]]:
    """Field → (JSON types, enum, pattern) for the fields whose content the schema constrains."""
    defs = load_schema(version)["definitions"]
    spec = defs.get(table, {})
    while "$ref" in spec:
        spec = defs[spec["$ref"].rsplit("/", 1)[-1]]
    out = {}
    for name, prop in spec.get("properties", {}).items():
        while "$ref" in prop:
            prop = defs[prop["$ref"].rsplit("/", 1)[-1]]
        t = prop.get("type", "string")
        types = tuple(t) if isinstance(t, list) else (t,)
        enum = tuple(prop["enum"]) if "enum" in prop else None
        pattern = re.compile(prop["pattern"]) if "pattern" in prop else None
        if types != ("string",) or enum is not None or pattern is not None:
            out[name] = (types, enum, pattern)
    return out


_WRAPS = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb"}
_UPPER_CODES = {"byday", "weekday"}  # day codes the schema spells in capitals: 'mo,tu' is plainly MO,TU


def _unwrap(value: str) -> str:
    """'"+44 1234 234567"' → '+44 1234 234567': quotes around a whole value, a common export slip.

    Only when the quotes wrap the value whole ('"a" or "b"' is left alone).
    """
    while len(value) >= 2 and value[0] in _WRAPS and value[-1] == _WRAPS[value[0]]:
        inner = value[1:-1]
        if value[0] in inner or value[-1] in inner or not inner.strip():
            break
        value = inner.strip()
    return value


def _repair(row: Row, version: str, table: str) -> None:
    """Clean values that are messy but can only mean one thing, noting each in `row.cleaned`.

    Only fields whose content the schema constrains (numbers, true/false, fixed
    lists, patterns) are touched: free text such as a name is kept exactly as given.
    """
    rules = _constraints(version, table)
    for name, value in list(row.data.items()):
        rule = rules.get(name)
        if rule is None or not isinstance(value, str):
            continue
        _types, enum, pattern = rule
        new = _unwrap(value)
        if enum is not None and new not in enum:
            folded = {" ".join(str(e).lower().split()): e for e in enum}
            new = folded.get(" ".join(new.lower().split()), new)
        if pattern is not None and name in _UPPER_CODES and not pattern.search(new) and pattern.search(new.upper()):
            new = new.upper()
        if new != value:
            row.data[name] = new
            row.cleaned.append(row.issue(name, f"{_short(value)} read as {_short(new)}"))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _coerce(row: Row, version: str, table: str, from_text: bool, issues: List[Issue]) -> Dict[str, Any]:
    """Turn CSV text into the types the schema asks for; numbers in JSON string fields become text."""
    types = _property_types(version, table)
    data = dict(row.data)
    for name, value in row.data.items():
        want = types.get(name)
        if want is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            if "boolean" in want and isinstance(value, bool):
                continue
            if "string" in want and isinstance(value, bool):
                data[name] = str(value).lower()
            continue
        if isinstance(value, (int, float)) and "string" in want and "number" not in want:
            data[name] = str(value)
        elif isinstance(value, str) and "number" in want and "string" not in want:
            try:
                number = float(value.replace(",", "")) if from_text or value else None
            except ValueError:
                issues.append(row.issue(name, f"{_short(value)} is not a number"))
                data.pop(name)
                continue
            if number is not None:
                data[name] = int(number) if number.is_integer() else number
        elif isinstance(value, str) and "boolean" in want:
            low = value.lower()
            if low in _TRUE or low in _FALSE:
                data[name] = low in _TRUE
            else:
                issues.append(row.issue(name, f"{_short(value)} is not true or false"))
                data.pop(name)
    return data


def _message(error: Any) -> Tuple[str, str]:
    """(field, message) for one jsonschema error, in words rather than schema jargon."""
    kind = error.validator
    field = str(error.path[0]) if error.path else ""
    value = error.instance
    hint = error.schema.get("description") if isinstance(error.schema, dict) else None
    if kind == "required":
        missing = [f for f in error.validator_value if f not in value]
        return (missing[0] if missing else ""), "is required but missing or empty"
    if kind == "enum":
        return field, f"{_short(value)} is not one of: {', '.join(map(str, error.validator_value))}"
    if kind == "maxLength":
        return field, f"is too long ({len(value)} characters; at most {error.validator_value})"
    if kind == "minLength":
        return field, "is empty"
    if kind == "pattern":
        return field, f"{_short(value)} is not {hint or 'in the expected format'}"
    if kind == "type":
        want = error.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        return field, f"{_short(value)} should be a {want}"
    if kind in ("minimum", "maximum"):
        return field, f"{_short(value)} is out of range ({kind} {error.validator_value})"
    if kind == "anyOf" and not field:
        return "name", "needs a name or a code"
    return field, error.message if len(error.message) < 200 else error.message[:197] + "..."


_ANNOTATIONS = {"description", "title", "$schema", "$id", "definitions", "examples"}
_PY_TYPES = {"string": (str,), "number": (int, float), "integer": (int,), "boolean": (bool,)}


class _FastCheck:
    """A yes/no check compiled from the same bundled schema, ~30x quicker than jsonschema.

    Every row goes through this; only rows it rejects go through jsonschema, which
    then words the errors. It refuses to compile a schema that uses a keyword it
    does not implement, so it cannot quietly accept what jsonschema would reject.
    """

    _SUPPORTED = {
        "type",
        "enum",
        "maxLength",
        "minLength",
        "pattern",
        "minimum",
        "maximum",
        "properties",
        "required",
        "anyOf",
        "$ref",
    } | _ANNOTATIONS

    def __init__(self, version: str, table: str) -> None:
        defs = load_schema(version)["definitions"]
        spec = self._resolve(defs, defs[table])
        self._check_keywords(spec)
        self.required = tuple(spec.get("required", ()))
        self.any_required = [tuple(alt.get("required", ())) for alt in spec.get("anyOf", [])]
        for alt in spec.get("anyOf", []):
            self._check_keywords(alt, allowed={"required"})
        self.props = {}
        for name, prop in spec.get("properties", {}).items():
            prop = self._resolve(defs, prop)
            self._check_keywords(prop)
            types = prop.get("type", "string")
            types = types if isinstance(types, list) else [types]
            self.props[name] = (
                tuple(t for name_ in types for t in _PY_TYPES[name_]),
                "integer" in types and "number" not in types,
                set(prop["enum"]) if "enum" in prop else None,
                prop.get("minLength"),
                prop.get("maxLength"),
                re.compile(prop["pattern"]) if "pattern" in prop else None,
                prop.get("minimum"),
                prop.get("maximum"),
            )

    @staticmethod
    def _resolve(defs: Dict[str, Any], spec: Dict[str, Any]) -> Dict[str, Any]:
        while "$ref" in spec:
            spec = defs[spec["$ref"].rsplit("/", 1)[-1]]
        return spec

    def _check_keywords(self, spec: Dict[str, Any], allowed: Optional[Set[str]] = None) -> None:
        unknown = set(spec) - (allowed or self._SUPPORTED)
        if unknown:
            raise ValueError(f"fast schema check does not implement {sorted(unknown)}")

    def ok(self, data: Dict[str, Any]) -> bool:
        for name in self.required:
            if name not in data:
                return False
        if self.any_required and not any(all(n in data for n in alt) for alt in self.any_required):
            return False
        for name, value in data.items():
            rule = self.props.get(name)
            if rule is None:
                continue
            types, int_only, enum, min_len, max_len, pattern, minimum, maximum = rule
            if isinstance(value, bool) and bool not in types:
                return False
            if not isinstance(value, types) or (int_only and isinstance(value, float) and not value.is_integer()):
                return False
            if enum is not None and value not in enum:
                return False
            if isinstance(value, str):
                if (min_len is not None and len(value) < min_len) or (max_len is not None and len(value) > max_len):
                    return False
                if pattern is not None and not pattern.search(value):
                    return False
            elif not isinstance(value, bool) and isinstance(value, (int, float)):
                if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
                    return False
        return True


@lru_cache(maxsize=None)
def _fast(version: str, table: str) -> Optional[_FastCheck]:
    return _FastCheck(version, table) if table in load_schema(version)["definitions"] else None


# Fields that may be left out of a row that is otherwise fine, instead of setting the row aside.
# Nothing a referral depends on is lost and nothing wrong is shown: a location without usable
# coordinates is placed at its ZIP code (search.py needs only latitude/longitude, and importer.py
# fills them from the address ZIP), a service without a usable web or email address keeps its
# phone and address. Ids, names, statuses, phone numbers, addresses and hours are never dropped.
_DROPPABLE: Dict[str, Set[str]] = {
    "location": {"latitude", "longitude", "url"},
    "organization": {"email", "website", "url"},
    "service": {"email", "url", "assurer_email"},
}
_COORDINATES = {"latitude", "longitude"}


def _leave_out(row: Row, table: str) -> None:
    """Move the row's problems (all in droppable fields) to `dropped`, removing those fields."""
    fields = {i.field for i in row.problems}
    if table == "location" and fields & _COORDINATES:
        fields |= _COORDINATES  # half a coordinate pair is no use, and the other half is suspect
    for name in fields:
        row.data.pop(name, None)
    row.dropped += row.problems
    row.problems = []


def _consequence(table: str, fieldname: str) -> str:
    """What leaving a field out means, for the report (not said under --strict, where nothing is imported)."""
    if table == "location" and fieldname in _COORDINATES:
        return "latitude and longitude left out (placed at its ZIP code instead, if it has a known one)"
    if (table, fieldname) in _SOFT_LINKS:
        return "link left out"
    return "left out"


def check_rows(bundle: Bundle) -> None:
    """Schema-check every row in place (rows get cleaned, coerced values); problems go on the rows."""
    for table, rows in bundle.tables.items():
        validator = _validator(bundle.version, table)
        fast = _fast(bundle.version, table)
        if validator is None or fast is None:
            continue
        droppable = _DROPPABLE.get(table, set())
        for row in rows:
            if row.problems:  # could not even be read as a row (e.g. too many values): set aside as is
                continue
            before = dict(row.data)
            _repair(row, bundle.version, table)
            row.data = _coerce(row, bundle.version, table, bundle.from_text, row.problems)
            if not fast.ok(row.data):
                for error in validator.iter_errors(row.data):
                    fieldname, message = _message(error)
                    row.problems.append(row.issue(fieldname, message))
            if row.problems and all(i.field in droppable for i in row.problems):
                _leave_out(row, table)
            if row.problems or row.dropped:
                row.as_read = before


# ---------------------------------------------------------------- HSDS 2.0 → 3.0 shape


def _weekday_code(value: Any) -> Optional[str]:
    if isinstance(value, (int, float)) and 1 <= int(value) <= 7:
        return _DAY_CODES[int(value) - 1]
    text = str(value).strip().upper()
    if text.isdigit() and 1 <= int(text) <= 7:
        return _DAY_CODES[int(text) - 1]
    return text[:2] if text[:2] in _DAY_CODES else None


def convert_20(bundle: Bundle) -> None:
    """Rename HSDS 2.0 tables and fields to the 3.0 shape the importer uses (after check_rows)."""
    if bundle.version != "2.0":
        return
    t = bundle.tables
    addresses: List[Row] = []
    for table, kind in (("physical_address", "physical"), ("postal_address", "postal")):
        for row in t.pop(table, []):
            row.data["address_type"] = kind
            row.data.setdefault("country", "US")
            for extra in ("address_3", "address_4"):
                if extra in row.data:
                    row.data["address_2"] = ", ".join(filter(None, [row.data.get("address_2"), row.data.pop(extra)]))
            addresses.append(row)
    if addresses:
        t["address"] = addresses
    schedules: List[Row] = []
    for row in t.pop("regular_schedule", []):
        weekday = row.data.pop("weekday", None)
        if weekday is not None and "byday" not in row.data:
            row.data["byday"] = _weekday_code(weekday)
            row.data.setdefault("freq", "WEEKLY")
            row.aliases["byday"] = "weekday"
        schedules.append(row)
    for row in t.pop("holiday_schedule", []):
        row.data["valid_from"] = row.data.pop("start_date", None)
        row.data["valid_to"] = row.data.pop("end_date", None)
        row.data["holiday"] = True
        row.aliases.update(valid_from="start_date", valid_to="end_date")
        schedules.append(row)
    if schedules:
        t["schedule"] = schedules
    for row in t.get("organization", []):
        if "url" in row.data:
            row.data["website"] = row.data.pop("url")
    for row in t.get("service", []):
        if "fees" in row.data:
            row.data.setdefault("fees_description", row.data["fees"])
    for row in t.get("taxonomy_term", []):
        row.data["name"] = row.data.pop("term", None)
        row.aliases["name"] = "term"
    attributes = t.pop("service_attribute", [])
    for row in attributes:
        row.data["link_id"] = row.data.pop("service_id", None)
        row.data["link_entity"] = "service"
        row.aliases["link_id"] = "service_id"
    if attributes:
        t["attribute"] = attributes
    for row in t.get("language", []):
        row.data["name"] = row.data.pop("language", None)
        row.aliases["name"] = "language"
    for row in t.get("location", []):
        row.data.setdefault("location_type", "physical")


# ---------------------------------------------------------------- links between records

_PARENT_REFS: Dict[str, Tuple[Tuple[str, str, bool], ...]] = {
    # table: (field, target table, required)
    "service": (("organization_id", "organization", True),),
    "location": (("organization_id", "organization", False),),
    "address": (("location_id", "location", True),),
    "service_at_location": (("service_id", "service", True), ("location_id", "location", True)),
    "cost_option": (("service_id", "service", True),),
    "phone": (
        ("service_id", "service", False),
        ("location_id", "location", False),
        ("organization_id", "organization", False),
        ("service_at_location_id", "service_at_location", False),
    ),
    "schedule": (
        ("service_id", "service", False),
        ("location_id", "location", False),
        ("service_at_location_id", "service_at_location", False),
    ),
    "language": (("service_id", "service", False), ("location_id", "location", False)),
    "attribute": (("taxonomy_term_id", "taxonomy_term", True),),
}
_LINK_ENTITIES = ("service", "organization", "location", "service_at_location")


# Tables in link order: every link points at a table earlier in this list.
_ORDER = (
    "taxonomy_term",
    "organization",
    "location",
    "service",
    "service_at_location",
    "address",
    "cost_option",
    "phone",
    "schedule",
    "language",
    "attribute",
)
# Optional links that only inform (a location's organization: never shown, never searched). A broken
# one is left out and the row kept; every other broken link sets the row aside.
_SOFT_LINKS = {("location", "organization_id")}


def schedule_owner(data: Dict[str, Any], sal_by_pair: Dict[Tuple[str, str], str]) -> Tuple[str, str]:
    """Whose opening hours a schedule row is, the way the importer attaches it: (table, id)."""
    sal, sid, lid = data.get("service_at_location_id"), data.get("service_id"), data.get("location_id")
    if sal is None and sid is not None and lid is not None:
        sal = sal_by_pair.get((str(sid), str(lid)))
    if sal is not None:
        return "service_at_location", str(sal)
    if sid is not None:
        return "service", str(sid)
    if lid is not None:
        return "location", str(lid)
    return "", ""


def sal_pairs(rows: List[Row]) -> Dict[Tuple[str, str], str]:
    """(service id, location id) → the first service-at-location id joining them."""
    pairs: Dict[Tuple[str, str], str] = {}
    for row in rows:
        d = row.data
        if d.get("id") is not None and d.get("service_id") is not None and d.get("location_id") is not None:
            pairs.setdefault((str(d["service_id"]), str(d["location_id"])), str(d["id"]))
    return pairs


class _Links:
    """Which ids each table will import, and which were set aside, filled table by table."""

    def __init__(self) -> None:
        self.ok: Dict[str, Set[str]] = {}
        self.bad: Dict[str, Dict[str, Row]] = {}

    def settle(self, table: str, rows: List[Row]) -> None:
        ok, bad = self.ok.setdefault(table, set()), self.bad.setdefault(table, {})
        for row in rows:
            rid = row.data.get("id")
            if rid is None:
                continue
            if row.problems:
                bad.setdefault(str(rid), row)
            else:
                ok.add(str(rid))

    def problem(self, tables: List[str], value: Any, label: str) -> Optional[str]:
        """None when `value` names a record that will be imported, else why the link is broken."""
        key = str(value)
        if any(key in self.ok.get(t, ()) for t in tables):
            return None
        other = next((self.bad[t][key] for t in tables if key in self.bad.get(t, {})), None)
        if other is not None:
            return f"points at {label}{_short(value)}, which has problems of its own ({other.file}, {other.where})"
        return f"points at {label}{_short(value)}, which is not in the data"


def _all_or_none(rows: List[Row], owner: Any, what: str, why: str) -> None:
    """Set aside all of an owner's rows of one kind when any is set aside (part of them misleads)."""
    groups: Dict[Any, List[Row]] = {}
    for row in rows:
        key = owner(row.data)
        if key[1]:
            groups.setdefault(key, []).append(row)
    for (kind, oid), members in groups.items():
        broken = next((r for r in members if r.problems), None)
        if broken is None:
            continue
        for row in members:
            if not row.problems:
                row.reject(
                    "",
                    f"set aside with {broken.file}, {broken.where}: the {what} of "
                    f"{kind.replace('_', ' ')} {_short(oid)} are imported whole or not at all ({why})",
                )


def check_references(bundle: Bundle) -> None:
    """Unique ids per table, every link points at a record that will be imported, whole sets of hours.

    A row whose link is broken (the target is missing or was itself set aside) is
    set aside in turn; tables are visited in link order so this carries all the way
    down (organization → service → service at location → its phones and hours).
    """
    t = bundle.tables
    for rows in t.values():
        first: Dict[str, Row] = {}
        flagged: Set[str] = set()
        for row in rows:
            rid = row.data.get("id")
            if rid is None:
                continue
            rid = str(rid)
            if rid not in first:
                first[rid] = row
                continue
            # Which copy the links mean is unknowable: neither is imported.
            row.reject("id", f"duplicate id {_short(rid)} (first at {first[rid].where})")
            if rid not in flagged:
                flagged.add(rid)
                first[rid].reject("id", f"id {_short(rid)} is used again at {row.where}")
    links = _Links()
    for table in [x for x in t if x not in _ORDER]:
        links.settle(table, t[table])
    pairs = sal_pairs(t.get("service_at_location", []))
    sal_rows = {str(r.data["id"]): r for r in t.get("service_at_location", []) if r.data.get("id") is not None}
    for table in _ORDER:
        for row in t.get(table, []):
            if row.problems:
                continue
            for fieldname, target, required in _PARENT_REFS.get(table, ()):
                value = row.data.get(fieldname)
                if value is None:
                    if required:
                        row.reject(
                            fieldname,
                            f"is required: every {table.replace('_', ' ')} must point at a {target.replace('_', ' ')}",
                        )
                    continue
                reason = links.problem([target], value, target.replace("_", " ") + " ")
                if reason is None:
                    continue
                if (table, fieldname) in _SOFT_LINKS:
                    if row.as_read is None:
                        row.as_read = dict(row.data)
                    row.data.pop(fieldname)
                    row.dropped.append(row.issue(fieldname, reason))
                else:
                    row.reject(fieldname, reason)
            if table == "attribute" and row.data.get("link_id") is not None:
                entity = str(row.data.get("link_entity") or "").lower()
                pool = [entity] if entity in _LINK_ENTITIES else list(_LINK_ENTITIES)
                reason = links.problem(pool, row.data["link_id"], "")
                if reason is not None:
                    row.reject("link_id", reason)
            if table == "schedule" and not row.problems and row.data.get("service_at_location_id") is None:
                kind, sal_id = schedule_owner(row.data, pairs)
                if kind == "service_at_location" and sal_rows[sal_id].problems:
                    other = sal_rows[sal_id]
                    row.reject(
                        "location_id",
                        f"belongs to service at location {_short(sal_id)}, which has "
                        f"problems of its own ({other.file}, {other.where})",
                    )
        links.settle(table, t.get(table, []))
    _all_or_none(
        t.get("schedule", []),
        lambda d: schedule_owner(d, pairs),
        "opening hours",
        "part of them could show it open when it is closed",
    )
    _all_or_none(
        t.get("cost_option", []),
        lambda d: ("service", str(d.get("service_id") or "")),
        "cost options",
        "part of them could make it look free",
    )
    for row in t.get("location", []):
        if row.problems or row.data.get("location_type", "physical") != "physical":
            continue
        if row.data.get("latitude") == 0 and row.data.get("longitude") == 0:
            bundle.issues.append(
                row.issue("latitude", "is 0,0 (in the ocean); leave it empty if unknown", warning=True)
            )


def _snapshot(data: Dict[str, Any]) -> Tuple[Tuple[str, str], ...]:
    """The row's values for the staff report, each cut to a readable length."""
    out = []
    for k, v in data.items():
        text = str(v)
        out.append((k, text if len(text) <= 200 else text[:197] + "..."))
    return tuple(out)


def validate(bundle: Bundle, strict: bool = True) -> List[Issue]:
    """Run every check, move set-aside rows to `bundle.rejected`, and return what blocks the import.

    File problems (and "no services left") always block. Row and field problems
    block only when `strict`; otherwise those rows and fields are set aside and
    the rest imported. Warnings stay in `bundle.issues`.
    """
    if not bundle.tables.get("service") and not any(not i.warning for i in bundle.issues):
        bundle.issues.append(Issue("", "", "", "the input contains no services"))  # links to them are beside the point
    if not any(not i.warning for i in bundle.issues):  # unreadable files: stop at the reading problems
        check_rows(bundle)
        convert_20(bundle)
        check_references(bundle)
        had_services = len(bundle.tables.get("service", []))
        for table in list(bundle.tables):
            bundle.rejected += [(table, row) for row in bundle.tables[table] if row.problems]
            bundle.tables[table] = [row for row in bundle.tables[table] if not row.problems]
        bundle.rejected.sort(key=lambda tr: tr[1].seq)
        if not bundle.tables.get("service"):
            bundle.issues.append(
                Issue(
                    "",
                    "",
                    "",
                    f"none of the {had_services} service(s) can be imported: each has a problem (listed here)",
                )
            )
    blocking = [i for i in bundle.issues if not i.warning]
    if strict:
        blocking += [i for _t, row in bundle.rejected for i in row.problems]
        blocking += [i for rows in bundle.tables.values() for row in rows for i in row.dropped]
    return blocking


def report_entries(bundle: Bundle, stopped: bool) -> List[SetAside]:
    """Every problem as a line of the staff report, in input order, saying what the import did.

    With `stopped` (nothing was imported), rows and fields are marked IMPORT_STOPPED
    rather than set aside; cleaned values are listed either way.
    """
    lines: List[Tuple[int, int, SetAside]] = []
    for i in bundle.issues:
        if not i.warning:
            lines.append((0, 0, SetAside(i, "", IMPORT_STOPPED)))
    for table, row in bundle.rejected:
        for i in row.problems:
            lines.append(
                (
                    row.seq,
                    1,
                    SetAside(
                        i, table, IMPORT_STOPPED if stopped else ROW_SET_ASIDE, _snapshot(row.as_read or row.data)
                    ),
                )
            )
    for table, rows in bundle.tables.items():
        for row in rows:
            for i in row.dropped:
                if not stopped:
                    i = replace(i, message=f"{i.message}; {_consequence(table, i.field)}")
                lines.append(
                    (
                        row.seq,
                        2,
                        SetAside(
                            i, table, IMPORT_STOPPED if stopped else FIELD_LEFT_OUT, _snapshot(row.as_read or row.data)
                        ),
                    )
                )
            for i in row.cleaned:
                lines.append((row.seq, 3, SetAside(i, table, VALUE_CLEANED, ())))
    lines.sort(key=lambda x: (x[0], x[1]))
    return [entry for _s, _o, entry in lines]


_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}:?\d{2})?\s*$", re.IGNORECASE)
_TIME12_RE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*([AaPp])[Mm]\s*$")


def parse_time(text: Optional[str]) -> Tuple[Optional[int], Optional[int]]:
    """'09:30' → (570, None); '09:30-05:00' → (570, -300); '5pm' → (1020, None). Minutes after midnight."""
    if not text:
        return None, None
    m = _TIME_RE.match(text)
    if m:
        hours, minutes = int(m.group(1)), int(m.group(2))
        if hours > 24 or minutes > 59 or (hours == 24 and minutes):
            return None, None
        offset = None
        if m.group(4):
            tz = m.group(4).upper()
            if tz == "Z":
                offset = 0
            else:
                sign = -1 if tz[0] == "-" else 1
                digits = tz[1:].replace(":", "")
                offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
        return hours * 60 + minutes, offset
    m = _TIME12_RE.match(text)
    if m:
        hours, minutes = int(m.group(1)) % 12, int(m.group(2) or 0)
        if m.group(3).lower() == "p":
            hours += 12
        return hours * 60 + minutes, None
    return None, None
