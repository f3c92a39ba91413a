"""Read an HSDS directory from disk into plain tables of rows, remembering where each row came from.

Three inputs are accepted: HSDS 3.0 JSON (compiled service or organization
objects, a page of them, or tabular JSON), the HSDS 3.0 CSV datapackage, and
HSDS 2.0 CSV. Every row carries its file and row (CSV) or JSON path so a
validation error can say exactly where to look. Nothing is validated here
beyond "can this be read at all"; see validate.py.

Problems come in two sizes. A file that cannot be read (not UTF-8, binary,
no header, broken CSV quoting) is a file problem in `Bundle.issues` and stops
the import. A row that is wrong on its own (too many values, a duplicate JSON
object with different content) is a row problem in `Row.problems`: the import
sets that row aside and keeps the rest (see validate.py and docs/directory.md).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

MAX_FILE_BYTES = 512 * 1024 * 1024
# The whole file is in memory already, so any field that fits in a file can be parsed: a runaway
# field is then one row's "too long" problem (that row set aside), not a broken file.
csv.field_size_limit(MAX_FILE_BYTES)

FORMATS = ("hsds3-json", "hsds3-csv", "hsds2-csv")

# Table → accepted file names (first is the spec's name). Internal table names are singular.
FILES_30: Dict[str, Tuple[str, ...]] = {
    "organization": ("organizations.csv", "organization.csv"),
    "service": ("services.csv", "service.csv"),
    "location": ("locations.csv", "location.csv"),
    "address": ("addresses.csv", "address.csv"),
    "phone": ("phones.csv", "phone.csv"),
    "schedule": ("schedules.csv", "schedule.csv"),
    "service_at_location": ("service_at_locations.csv", "service_at_location.csv", "services_at_location.csv"),
    "taxonomy_term": ("taxonomy_terms.csv", "taxonomy_term.csv"),
    "attribute": ("attributes.csv", "attribute.csv"),
    "language": ("languages.csv", "language.csv"),
    "cost_option": ("cost_options.csv", "cost_option.csv"),
}
FILES_20: Dict[str, Tuple[str, ...]] = {
    "organization": ("organizations.csv", "organization.csv"),
    "service": ("services.csv", "service.csv"),
    "location": ("locations.csv", "location.csv"),
    "physical_address": ("physical_addresses.csv", "physical_address.csv"),
    "postal_address": ("postal_addresses.csv", "postal_address.csv"),
    "phone": ("phones.csv", "phone.csv"),
    "regular_schedule": ("regular_schedules.csv", "regular_schedule.csv"),
    "holiday_schedule": ("holiday_schedules.csv", "holiday_schedule.csv"),
    "service_at_location": ("services_at_location.csv", "service_at_location.csv", "services_at_locations.csv"),
    "taxonomy_term": ("taxonomy_terms.csv", "taxonomy_term.csv", "taxonomy.csv"),
    "service_attribute": ("service_attributes.csv", "service_attribute.csv", "services_taxonomy.csv"),
    "language": ("languages.csv", "language.csv"),
}
_ONLY_20 = {"physical_address", "postal_address", "regular_schedule", "holiday_schedule", "service_attribute"}
_ONLY_30 = {"address", "schedule", "attribute", "cost_option"}


@dataclass(frozen=True)
class Issue:
    """One problem with the input: where it is and what is wrong, in words staff can act on."""

    file: str
    where: str
    field: str
    message: str
    warning: bool = False
    record: str = ""  # the row's HSDS id, when it has one: staff search their data by it

    def __str__(self) -> str:
        parts = [self.file or "(input)"]
        if self.where:
            parts.append(self.where + (f" (id {_short_id(self.record)})" if self.record else ""))
        if self.field:
            parts.append(f"field '{self.field}'")
        return ("warning: " if self.warning else "") + ", ".join(parts) + ": " + self.message


def _short_id(value: Any) -> str:
    text = repr(str(value))
    return text if len(text) <= 60 else text[:57] + "...'"


# What the import did about a problem (the `outcome` column of the staff report).
ROW_SET_ASIDE = "row set aside"
FIELD_LEFT_OUT = "field left out"
VALUE_CLEANED = "value cleaned"
IMPORT_STOPPED = "import stopped"


@dataclass(slots=True)  # one per input row: no per-instance dict keeps big imports small
class Row:
    file: str
    where: str
    data: Dict[str, Any]
    aliases: Dict[str, str] = field(default_factory=dict)  # internal field → field name in the file
    problems: List[Issue] = field(default_factory=list)  # any → the row is set aside
    dropped: List[Issue] = field(default_factory=list)  # fields left out of a row that is kept
    cleaned: List[Issue] = field(default_factory=list)  # messy values read (e.g. quotes removed)
    as_read: Optional[Dict[str, Any]] = None  # the values before cleaning and leaving out, for the report
    seq: int = 0  # reading order, so a report lists rows as they appear in the input

    def issue(self, fieldname: str, message: str, warning: bool = False) -> Issue:
        rid = self.data.get("id")
        return Issue(
            self.file,
            self.where,
            self.aliases.get(fieldname, fieldname),
            message,
            warning,
            "" if rid is None or isinstance(rid, (dict, list)) else str(rid),
        )

    def reject(self, fieldname: str, message: str) -> None:
        """Record a problem that sets this whole row aside."""
        self.problems.append(self.issue(fieldname, message))


@dataclass(frozen=True)
class SetAside:
    """One line of the staff report: a problem, where it is, and what the import did about it."""

    issue: Issue
    table: str
    outcome: str  # ROW_SET_ASIDE, FIELD_LEFT_OUT, VALUE_CLEANED or IMPORT_STOPPED
    data: Tuple[Tuple[str, str], ...] = ()  # the row as read (values cut short), to find and fix it

    def __str__(self) -> str:
        return f"{self.issue} [{self.outcome}]"


@dataclass
class Bundle:
    """Everything read from one input: tables of rows plus any problems reading them."""

    version: str
    format: str
    tables: Dict[str, List[Row]] = field(default_factory=dict)
    issues: List[Issue] = field(default_factory=list)  # file problems (stop the import) and warnings
    from_text: bool = True  # CSV: every value is a string and needs coercion
    rejected: List[Tuple[str, Row]] = field(default_factory=list)  # (table, row) set aside, filled by validate
    _seq: int = 0

    def add(self, table: str, row: Row) -> None:
        self._seq += 1
        row.seq = self._seq
        self.tables.setdefault(table, []).append(row)

    def set_aside(self, table: str, row: Row) -> None:
        """A row that cannot go in a table at all (not even an object): straight to the rejects."""
        self._seq += 1
        row.seq = self._seq
        self.rejected.append((table, row))


class ReadError(ValueError):
    """The input cannot be read at all (missing path, unknown format)."""


# ---------------------------------------------------------------- entry point


def read(path: Path, fmt: Optional[str] = None) -> Bundle:
    """Read `path` (a .json file, a datapackage.json, or a folder of CSV files)."""
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path} does not exist")
    if fmt is not None and fmt not in FORMATS:
        raise ReadError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if path.is_file() and path.name != "datapackage.json":
        if path.suffix.lower() == ".json" or fmt == "hsds3-json":
            return _read_json(path)
        raise ReadError(f"{path.name}: give a .json file, a datapackage.json, or a folder of HSDS CSV files")
    folder = path if path.is_dir() else path.parent
    return _read_csv_folder(folder, fmt)


# ---------------------------------------------------------------- shared helpers


def _decode(path: Path, display: str, issues: List[Issue]) -> Optional[str]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        issues.append(
            Issue(display, "", "", f"file is {size // 2**20} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB")
        )
        return None
    raw = path.read_bytes()
    if not raw.strip():
        issues.append(Issue(display, "", "", "file is empty"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        issues.append(
            Issue(
                display,
                f"line {line}",
                "",
                f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8 and try again",
            )
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        issues.append(Issue(display, f"line {line}", "", "contains a NUL byte; is this a binary file?"))
        return None
    return text


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width spaces and stray BOMs that str.strip() keeps


def _clean(value: Any) -> Any:
    """Blank strings mean 'not given' in HSDS; trim the rest (spaces, also the invisible kinds)."""
    if isinstance(value, str):
        value = value.strip().strip(_INVISIBLE).strip()
        return value if value else None
    return value


# ---------------------------------------------------------------- CSV


def _detect_version(folder: Path, package: Optional[Dict[str, Any]]) -> Tuple[str, str]:
    names = {p.name.lower() for p in folder.iterdir() if p.is_file()}
    version = ""
    if package:
        res = {str(r.get("name", "")).lower() for r in package.get("resources", []) if isinstance(r, dict)}
        if res & {"physical_address", "physical_addresses", "regular_schedule", "regular_schedules"}:
            version = "2.0"
        elif res & {"address", "addresses", "schedule", "schedules"}:
            version = "3.0"
    if not version:
        has20 = any(n in names for t in _ONLY_20 for n in FILES_20[t])
        has30 = any(n in names for t in _ONLY_30 for n in FILES_30[t])
        version = "2.0" if has20 and not has30 else "3.0"
    return version, ("hsds2-csv" if version == "2.0" else "hsds3-csv")


def _package_paths(
    folder: Path, package: Optional[Dict[str, Any]], files: Dict[str, Tuple[str, ...]]
) -> Dict[str, Path]:
    """Which file holds which table: the datapackage's resources first, then the usual names."""
    found: Dict[str, Path] = {}
    if package:
        for res in package.get("resources", []):
            if not isinstance(res, dict) or not isinstance(res.get("path"), str):
                continue
            rel = Path(res["path"])
            candidate = (folder / rel).resolve()
            if rel.is_absolute() or folder.resolve() not in candidate.parents:
                continue  # a datapackage may only point inside its own folder
            stem = str(res.get("name") or rel.stem).lower()
            for table, names in files.items():
                if stem in (table, table + "s") or rel.name.lower() in names:
                    found.setdefault(table, candidate)
    by_lower = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    for table, names in files.items():
        if table not in found:
            for name in names:
                if name in by_lower:
                    found[table] = by_lower[name]
                    break
    return found


def _read_csv_folder(folder: Path, fmt: Optional[str]) -> Bundle:
    issues: List[Issue] = []
    package: Optional[Dict[str, Any]] = None
    dp = folder / "datapackage.json"
    if dp.exists():
        text = _decode(dp, "datapackage.json", issues)
        if text is not None:
            try:
                loaded = json.loads(text)
                package = loaded if isinstance(loaded, dict) else None
                if package is None:
                    issues.append(Issue("datapackage.json", "", "", "should be a JSON object"))
            except json.JSONDecodeError as exc:
                issues.append(
                    Issue(
                        "datapackage.json",
                        f"line {exc.lineno} column {exc.colno}",
                        "",
                        f"is not valid JSON ({exc.msg})",
                    )
                )
    if fmt == "hsds3-json":
        raise ReadError(f"{folder} is a folder; hsds3-json needs a .json file")
    version, detected = _detect_version(folder, package)
    if fmt:
        detected, version = fmt, ("2.0" if fmt == "hsds2-csv" else "3.0")
    files = FILES_20 if version == "2.0" else FILES_30
    bundle = Bundle(version=version, format=detected, issues=issues)
    paths = _package_paths(folder, package, files)
    for required in ("organization", "service"):
        if required not in paths:
            bundle.issues.append(Issue(files[required][0], "", "", f"file not found in {folder}"))
    for table, path in paths.items():
        if path.exists():
            _read_csv_file(bundle, table, path)
        else:
            bundle.issues.append(Issue(path.name, "", "", "listed in datapackage.json but the file is missing"))
    return bundle


def _read_csv_file(bundle: Bundle, table: str, path: Path) -> None:
    name = path.name
    text = _decode(path, name, bundle.issues)
    if text is None:
        return
    # strict: a stray quote is an error we can name (and skip past to the next line), and a quote
    # that is never closed is noticed instead of silently swallowing every row after it.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        bundle.issues.append(Issue(name, "row 1", "", f"cannot be read as CSV ({exc})"))
        return
    if not header or not any(h.strip() for h in header):
        bundle.issues.append(Issue(name, "row 1", "", "has no header row"))
        return
    columns = [h.strip().lower() for h in header]
    seen = set()
    for col in columns:
        if col and col in seen:
            bundle.issues.append(Issue(name, "row 1", col, "column appears twice in the header"))
            return
        seen.add(col)
    row_no = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_no += 1
            if "unexpected end of data" in str(exc):
                bundle.issues.append(
                    Issue(
                        name,
                        f"row {row_no}",
                        "",
                        "a quote opened in this row is never closed, so the rest of the file cannot be read",
                    )
                )
                return
            row = Row(name, f"row {row_no}", {})  # the reader starts again on the next line
            row.reject("", f'cannot be read as CSV ({exc}); a quote inside a value must be doubled ("")')
            bundle.add(table, row)
            continue
        row_no += 1
        if not any(v.strip() for v in values):
            continue
        data = {c: v for c, v in zip(columns, values, strict=False) if c}
        data = {k: cv for k, v in data.items() if (cv := _clean(v)) is not None}
        row = Row(name, f"row {row_no}", data)
        if len(values) > len(columns):
            # Usually an unquoted comma: the values after it are in the wrong columns. Kept in the
            # table (set aside later) so rows that point at it are set aside too.
            row.reject("", f"has {len(values)} values but the header has {len(columns)} columns")
        bundle.add(table, row)


# ---------------------------------------------------------------- JSON (HSDS 3.0)

# Nested arrays/objects in compiled HSDS 3.0 JSON: key → (child table, field to fill with the parent id).
_NESTED: Dict[str, Dict[str, Tuple[str, Optional[str]]]] = {
    "organization": {
        "services": ("service", "organization_id"),
        "locations": ("location", "organization_id"),
        "phones": ("phone", "organization_id"),
        "attributes": ("attribute", "link_id"),
    },
    "service": {
        "organization": ("organization", None),
        "phones": ("phone", "service_id"),
        "schedules": ("schedule", "service_id"),
        "languages": ("language", "service_id"),
        "attributes": ("attribute", "link_id"),
        "cost_options": ("cost_option", "service_id"),
        "service_at_locations": ("service_at_location", "service_id"),
    },
    "location": {
        "addresses": ("address", "location_id"),
        "phones": ("phone", "location_id"),
        "schedules": ("schedule", "location_id"),
        "languages": ("language", "location_id"),
        "attributes": ("attribute", "link_id"),
    },
    "service_at_location": {
        "location": ("location", None),
        "phones": ("phone", "service_at_location_id"),
        "schedules": ("schedule", "service_at_location_id"),
        "attributes": ("attribute", "link_id"),
    },
    "attribute": {"taxonomy_term": ("taxonomy_term", None)},
}
_TABLE_KEYS = (
    {t: t for t in FILES_30}
    | {t + "s": t for t in FILES_30}
    | {"addresses": "address", "taxonomy_terms": "taxonomy_term", "service_at_locations": "service_at_location"}
)


def _read_json(path: Path) -> Bundle:
    bundle = Bundle(version="3.0", format="hsds3-json", from_text=False)
    name = path.name
    text = _decode(path, name, bundle.issues)
    if text is None:
        return bundle
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        bundle.issues.append(Issue(name, f"line {exc.lineno} column {exc.colno}", "", f"is not valid JSON ({exc.msg})"))
        return bundle
    except RecursionError:
        bundle.issues.append(Issue(name, "", "", "is nested too deeply to read"))
        return bundle
    flattener = _Flattener(bundle, name)
    if isinstance(doc, dict) and "contents" in doc and isinstance(doc["contents"], list):
        doc = doc["contents"]  # one page of an HSDS API list response
    if (
        isinstance(doc, dict)
        and doc
        and all(isinstance(v, list) for v in doc.values())
        and all(k in _TABLE_KEYS for k in doc)
    ):
        for key, items in doc.items():  # tabular JSON: {"services": [...], "locations": [...]}
            for i, item in enumerate(items):
                flattener.visit(_TABLE_KEYS[key], item, f"$.{key}[{i}]", None, None)
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            flattener.visit(_kind(item), item, f"$[{i}]", None, None)
    elif isinstance(doc, dict):
        flattener.visit(_kind(doc), doc, "$", None, None)
    else:
        bundle.issues.append(Issue(name, "$", "", "expected a service, an organization, or a list of them"))
    if "service" not in bundle.tables and not bundle.issues:
        bundle.issues.append(Issue(name, "$", "", "contains no services"))
    return bundle


def _kind(item: Any) -> str:
    if isinstance(item, dict) and "services" in item and "status" not in item:
        return "organization"
    return "service"


class _Flattener:
    """Turns nested HSDS 3.0 objects into rows, filling in the parent ids that nesting implies."""

    def __init__(self, bundle: Bundle, file: str) -> None:
        self.bundle = bundle
        self.file = file
        self.seen: Dict[Tuple[str, str], Row] = {}

    def visit(
        self, table: str, obj: Any, where: str, parent_field: Optional[str], parent: Optional[Tuple[str, Any]]
    ) -> Optional[str]:
        if not isinstance(obj, dict):
            row = Row(self.file, where, {})
            row.reject("", f"expected an object for {table}")
            self.bundle.set_aside(table, row)
            return None
        nested = _NESTED.get(table, {})
        data = {
            k: cv
            for k, v in obj.items()
            if k not in nested and not isinstance(v, (dict, list)) and (cv := _clean(v)) is not None
        }
        if parent_field and parent is not None and parent[1] is not None and parent_field not in data:
            data[parent_field] = parent[1]
            if table == "attribute" and "link_entity" not in data:
                data["link_entity"] = parent[0]
        row_id = data.get("id")
        key = (table, str(row_id)) if row_id is not None else None
        first = self.seen.get(key) if key else None
        if first is not None:
            if first.data != data:
                # Parent links filled in from nesting may legitimately differ (a shared location).
                a = {k: v for k, v in first.data.items() if not k.endswith("_id") or k == "id"}
                b = {k: v for k, v in data.items() if not k.endswith("_id") or k == "id"}
                if a != b:
                    # Which copy is right is anyone's guess: neither is imported (nor what points at it).
                    first.reject("id", f"{table} {row_id!r} appears again with different content at {where}")
            row = first
        else:
            row = Row(self.file, where, data)
            if key:
                self.seen[key] = row
            self.bundle.add(table, row)
        for nkey, (child_table, link_field) in nested.items():
            value = obj.get(nkey)
            if value is None:
                continue
            if isinstance(value, dict):
                child_id = self.visit(child_table, value, f"{where}.{nkey}", None, None)
                if child_id is not None:  # a single nested object is this row's parent (organization, location)
                    target = self.seen[(table, str(row_id))] if key else None
                    if target is not None and f"{child_table}_id" not in target.data:
                        target.data[f"{child_table}_id"] = child_id
                    if table == "attribute" and child_table == "taxonomy_term" and target is not None:
                        target.data.setdefault("taxonomy_term_id", child_id)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    self.visit(child_table, item, f"{where}.{nkey}[{i}]", link_field, (table, row_id))
            else:
                row.reject(nkey, "should be a list or an object")
        return None if row_id is None else str(row_id)


def iter_rows(bundle: Bundle, table: str) -> Iterable[Row]:
    return bundle.tables.get(table, [])
