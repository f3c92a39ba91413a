"""Check rows against the bundled HSDS schemas, convert 2.0 to 3.0 shape, and check links.

Each problem becomes an `Issue` with file, row, field and a plain message, so
staff can fix the source and re-run. An import goes ahead only when there are
no issues (warnings are reported but do not block).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

from jsonschema import Draft7Validator

from .readers import Bundle, Issue, Row

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

    _SUPPORTED = {"type", "enum", "maxLength", "minLength", "pattern", "minimum", "maximum",
                  "properties", "required", "anyOf", "$ref"} | _ANNOTATIONS

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
                prop.get("minLength"), prop.get("maxLength"),
                re.compile(prop["pattern"]) if "pattern" in prop else None,
                prop.get("minimum"), prop.get("maximum"),
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


def check_rows(bundle: Bundle) -> None:
    """Schema-check every row in place (rows get coerced values); append issues to the bundle."""
    for table, rows in bundle.tables.items():
        validator = _validator(bundle.version, table)
        fast = _fast(bundle.version, table)
        if validator is None or fast is None:
            continue
        for row in rows:
            coerced = _coerce(row, bundle.version, table, bundle.from_text, bundle.issues)
            row.data = coerced
            if fast.ok(coerced):
                continue
            for error in validator.iter_errors(coerced):
                fieldname, message = _message(error)
                bundle.issues.append(row.issue(fieldname, message))


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
    "phone": (("service_id", "service", False), ("location_id", "location", False),
              ("organization_id", "organization", False), ("service_at_location_id", "service_at_location", False)),
    "schedule": (("service_id", "service", False), ("location_id", "location", False),
                 ("service_at_location_id", "service_at_location", False)),
    "language": (("service_id", "service", False), ("location_id", "location", False)),
    "attribute": (("taxonomy_term_id", "taxonomy_term", True),),
}
_LINK_ENTITIES = ("service", "organization", "location", "service_at_location")


def check_references(bundle: Bundle) -> None:
    """Unique ids per table, and every link points at a record that exists."""
    ids: Dict[str, Set[str]] = {}
    for table, rows in bundle.tables.items():
        seen: Dict[str, str] = {}
        for row in rows:
            rid = row.data.get("id")
            if rid is None:
                continue
            rid = str(rid)
            if rid in seen:
                bundle.issues.append(row.issue("id", f"duplicate id {_short(rid)} (first at {seen[rid]})"))
            else:
                seen[rid] = row.where
        ids[table] = set(seen)
    for table, refs in _PARENT_REFS.items():
        for row in bundle.tables.get(table, []):
            for fieldname, target, required in refs:
                value = row.data.get(fieldname)
                if value is None:
                    if required:
                        bundle.issues.append(row.issue(fieldname, f"is required: every {table.replace('_', ' ')} "
                                                                   f"must point at a {target.replace('_', ' ')}"))
                    continue
                if str(value) not in ids.get(target, set()):
                    bundle.issues.append(row.issue(fieldname, f"points at {target.replace('_', ' ')} {_short(value)}, "
                                                              "which is not in the data"))
    for row in bundle.tables.get("attribute", []):
        link = row.data.get("link_id")
        entity = str(row.data.get("link_entity") or "").lower()
        if link is None:
            continue
        pool = [entity] if entity in _LINK_ENTITIES else list(_LINK_ENTITIES)
        if not any(str(link) in ids.get(p, set()) for p in pool):
            bundle.issues.append(row.issue("link_id", f"points at {_short(link)}, which is not in the data"))
    for row in bundle.tables.get("location", []):
        if row.data.get("location_type", "physical") != "physical":
            continue
        has_geo = row.data.get("latitude") is not None and row.data.get("longitude") is not None
        if has_geo and (row.data.get("latitude") == 0 and row.data.get("longitude") == 0):
            bundle.issues.append(row.issue("latitude", "is 0,0 (in the ocean); leave it empty if unknown", warning=True))
    if not bundle.tables.get("service") and not any(not i.warning for i in bundle.issues):
        bundle.issues.append(Issue("", "", "", "the input contains no services"))


def validate(bundle: Bundle) -> List[Issue]:
    """Run every check; returns the blocking issues (warnings stay in bundle.issues)."""
    if not any(not i.warning for i in bundle.issues):  # unreadable files: stop at the reading problems
        check_rows(bundle)
        convert_20(bundle)
        if not any(not i.warning for i in bundle.issues):
            check_references(bundle)
    return [i for i in bundle.issues if not i.warning]


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
