"""Referral directory: import Open Referral (HSDS) data, search it by place and need, staff tools.

Public API:
    search(session, zip_code=..., service_types=..., ...) -> Results (a list of Result)
    import_path(path, session, source=None, fmt=None, strict=False) -> ImportReport  (raises ImportFailed)
        bad rows are set aside (report.entries) unless strict; see docs/directory.md
    national_resources(service_types=()) -> list of NationalResource
    listed_towns(url=None) -> [(town, state code)] with listings; normalise_type("narcan") -> "naloxone"
    get_engine(url=None) / session_scope(url=None)  (schema migrated to head on first use)
    list_entries / set_disabled / find_service       (staff)
See docs/directory.md.
"""

from __future__ import annotations

from lantern.directory.db import get_engine, session_scope
from lantern.directory.importer import ImportFailed, ImportReport, import_path
from lantern.directory.lookup import listed_towns
from lantern.directory.national import NATIONAL, NationalResource, national_resources
from lantern.directory.readers import Issue, ReadError
from lantern.directory.search import Result, Results, search
from lantern.directory.staff import find_service, list_entries, set_disabled
from lantern.directory.taxonomy import SERVICE_TYPES, TYPE_CODES, normalise_type

__all__ = [
    "search",
    "Result",
    "Results",
    "import_path",
    "ImportFailed",
    "ImportReport",
    "Issue",
    "ReadError",
    "national_resources",
    "NationalResource",
    "NATIONAL",
    "get_engine",
    "session_scope",
    "find_service",
    "list_entries",
    "set_disabled",
    "SERVICE_TYPES",
    "TYPE_CODES",
    "listed_towns",
    "normalise_type",
]
