"""`python -m tools directory ...`: import, list, search, disable and enable directory entries."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any, List, Optional, Sequence

MAX_ISSUES_SHOWN = 50

# `directory import` exit statuses (docs/directory.md): scripts and cron jobs branch on them.
EXIT_OK = 0  # everything imported (messy values cleaned count as imported)
EXIT_NOTHING = 1  # nothing imported: a file cannot be read, nothing valid left, or --strict found problems
EXIT_UNREADABLE = 2  # the path does not exist or is not a format we read
EXIT_SET_ASIDE = 3  # imported, but some rows or fields were set aside: see the report


def register(subparsers: Any) -> None:
    group = subparsers.add_parser(
        "directory",
        help="referral directory: import, list, search, disable",
        description="Referral directory tools for staff.",
    )
    group.add_argument("--db", metavar="URL", help="database URL (default: setting LANTERN_DIRECTORY_DB_URL)")
    group.set_defaults(group_parser=group)
    cmds = group.add_subparsers(dest="command", metavar="COMMAND")

    p = cmds.add_parser("import", help="import an HSDS 3.0 JSON file, 3.0 CSV datapackage or 2.0 CSV folder")
    p.add_argument("path", type=Path, help="a .json file, a datapackage.json, or a folder of CSV files")
    p.add_argument(
        "--source",
        help="name for this directory (default: the file or folder name); re-importing the same name updates it",
    )
    p.add_argument(
        "--format",
        dest="fmt",
        choices=("hsds3-json", "hsds3-csv", "hsds2-csv"),
        help="skip detection and read the input as this format",
    )
    p.add_argument("--dry-run", action="store_true", help="check and count changes, write nothing")
    p.add_argument(
        "--strict",
        action="store_true",
        help="all or nothing: if any row has a problem, import nothing (default: set bad rows aside)",
    )
    p.add_argument(
        "--report",
        type=Path,
        metavar="CSV",
        help="where to write the list of rows set aside (default: <data dir>/directory-reports/<source>.csv)",
    )
    p.set_defaults(func=cmd_import)

    p = cmds.add_parser("list", help="list services (name, organisation, types, status)")
    p.add_argument("--source")
    p.add_argument("--type", dest="service_type", help="a Lantern service type, e.g. naloxone")
    p.add_argument("--name", help="part of the service or organisation name")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--disabled", action="store_const", const=True, dest="disabled", help="only disabled ones")
    state.add_argument("--enabled", action="store_const", const=False, dest="disabled", help="only enabled ones")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(func=cmd_list)

    p = cmds.add_parser("search", help="search like the bot does: nearest first")
    p.add_argument("--zip", dest="zip_code")
    p.add_argument("--city")
    p.add_argument("--state")
    p.add_argument("--type", dest="types", action="append", default=[], help="service type; repeat for several")
    p.add_argument("--open-now", action="store_true")
    p.add_argument("--free", action="store_true")
    p.add_argument("--walk-in", action="store_true")
    p.add_argument("--no-insurance", action="store_true")
    p.add_argument("--language")
    p.add_argument("--limit", type=int, default=3)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--max-miles", type=float, default=None)
    p.set_defaults(func=cmd_search)

    p = cmds.add_parser("disable", help="hide a service from search (kept across re-imports)")
    p.add_argument("service", help="Lantern id (from `list`), HSDS id, or SOURCE:HSDS_ID")
    p.add_argument("--reason", default="", help="why, for other staff")
    p.set_defaults(func=cmd_disable)

    p = cmds.add_parser("enable", help="show a disabled service again")
    p.add_argument("service")
    p.set_defaults(func=cmd_enable)

    p = cmds.add_parser("sources", help="list imported directories")
    p.set_defaults(func=cmd_sources)

    p = cmds.add_parser("national", help="show the built-in national resources")
    p.add_argument("--type", dest="types", action="append", default=[])
    p.set_defaults(func=cmd_national)

    p = cmds.add_parser("types", help="show Lantern's service types")
    p.set_defaults(func=cmd_types)


def _table(headers: Sequence[str], rows: List[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [min(max(len(r[i]) for r in cells), 48) for i in range(len(headers))]

    def fmt(r: Sequence[str]) -> str:
        return "  ".join((c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(r, widths, strict=True))

    return "\n".join([fmt(cells[0]), fmt(["-" * w for w in widths])] + [fmt(r) for r in cells[1:]])


def default_report_path(source: str) -> Path:
    """Where staff find the latest import's set-aside rows: one CSV per source, in the data folder."""
    from lantern import settings

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", source).strip("._") or "directory"
    return settings.load().data_dir / "directory-reports" / f"{safe[:100]}.csv"


def _save_report(args: argparse.Namespace, entries: Sequence[Any]) -> Optional[Path]:
    """Write the report (or remove a stale default one after a clean import); None if nothing written."""
    from lantern.directory.importer import default_source_name, write_report

    path = args.report
    try:
        path = path or default_report_path(args.source or default_source_name(args.path))
        if not entries and args.report is None:
            path.unlink(missing_ok=True)  # it described an older import of this source
            return None
        return write_report(entries, path)
    except (OSError, ValueError) as exc:  # the import itself is done; say so rather than crash
        print(f"Could not write the report{f' to {path}' if path else ''}: {exc}", file=sys.stderr)
        return None


def _show(entries: Sequence[Any], out: Any, outcome: bool = True) -> None:
    for entry in entries[:MAX_ISSUES_SHOWN]:
        print(f"  {entry if outcome else entry.issue}", file=out)
    if len(entries) > MAX_ISSUES_SHOWN:
        print(f"  ... and {len(entries) - MAX_ISSUES_SHOWN} more (all in the report)", file=out)


def cmd_import(args: argparse.Namespace) -> int:
    from lantern.directory import db
    from lantern.directory.importer import ImportFailed, import_path
    from lantern.directory.readers import VALUE_CLEANED, ReadError

    try:
        with db.session_scope(args.db) as session:
            report = import_path(
                args.path, session, source=args.source, fmt=args.fmt, dry_run=args.dry_run, strict=args.strict
            )
    except ReadError as exc:
        print(f"Cannot import: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except ImportFailed as exc:
        saved = _save_report(args, exc.entries)
        why = " (--strict: any problem stops the import)" if args.strict else ""
        stopped = [e for e in exc.entries if e.outcome != VALUE_CLEANED]
        print(
            f"Nothing was imported{why}: {len(stopped)} problem(s) found. Fix them and run the import again.",
            file=sys.stderr,
        )
        _show(stopped, sys.stderr, outcome=False)
        if saved:
            print(f"Report: {saved}", file=sys.stderr)
        return EXIT_NOTHING
    print(report.summary())
    saved = _save_report(args, report.entries)
    if report.set_aside:
        print(
            f"Set aside ({report.rows_set_aside} row(s) and everything that depends on them; "
            "fix these in the source and import again):"
        )
        _show(report.set_aside, sys.stdout)
    cleaned = [e for e in report.entries if e.outcome == VALUE_CLEANED]
    if cleaned:
        print("Cleaned and imported:")
        _show(cleaned, sys.stdout)
    if report.warnings:
        print("Warnings:")
        _show(report.warnings, sys.stdout)
    if saved:
        print(f"Report: {saved}")
    return EXIT_OK if report.complete else EXIT_SET_ASIDE


def cmd_list(args: argparse.Namespace) -> int:
    from lantern.directory import db
    from lantern.directory.staff import list_entries

    with db.session_scope(args.db) as session:
        entries = list_entries(
            session,
            source=args.source,
            service_type=args.service_type,
            name_contains=args.name,
            disabled=args.disabled,
            limit=args.limit,
            offset=args.offset,
        )
    if not entries:
        print("No services match.")
        return 0
    print(
        _table(
            ["id", "service", "organisation", "types", "status", "source", "hsds id"],
            [
                [
                    e.service_id,
                    e.name,
                    e.organization,
                    ",".join(e.service_types),
                    "DISABLED" + (f" ({e.disabled_reason})" if e.disabled_reason else "") if e.disabled else e.status,
                    e.source,
                    e.hsds_id,
                ]
                for e in entries
            ],
        )
    )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from lantern.directory import db
    from lantern.directory.search import DEFAULT_MAX_MILES, search

    with db.session_scope(args.db) as session:
        results = search(
            session,
            zip_code=args.zip_code,
            city=args.city,
            state=args.state,
            service_types=args.types,
            open_now=args.open_now,
            free=args.free,
            walk_in=args.walk_in,
            no_insurance=args.no_insurance,
            language=args.language,
            limit=args.limit,
            offset=args.offset,
            max_miles=args.max_miles or DEFAULT_MAX_MILES,
        )
    if not results.ok:
        print(f"{results.status}: {results.message}", file=sys.stderr)
        return 1
    assert results.origin is not None  # an "ok" search always resolved its place
    if not results:
        print(f"Nothing within {results.searched_miles:g} miles of {results.origin.label}.")
        return 0
    print(f"Near {results.origin.label}:")
    print(
        _table(
            ["id", "miles", "service", "organisation", "open now", "phone", "address", "types"],
            [
                [
                    r.service_id,
                    f"{r.distance_miles:.1f}" + ("~" if r.approximate_location else ""),
                    r.name,
                    r.organization,
                    {True: "yes", False: "no", None: "?"}[r.open_now],
                    r.phone,
                    r.address,
                    ",".join(r.service_types),
                ]
                for r in results
            ],
        )
    )
    return 0


def _set(args: argparse.Namespace, disabled: bool) -> int:
    from lantern.directory import db
    from lantern.directory.staff import set_disabled

    with db.session_scope(args.db) as session:
        service = set_disabled(session, args.service, disabled, getattr(args, "reason", None))
        if service is None:
            print(f"No single service matches {args.service!r}; use the id from `directory list`.", file=sys.stderr)
            return 1
        print(f"{'Disabled' if disabled else 'Enabled'} {service.id}: {service.name}")
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    return _set(args, True)


def cmd_enable(args: argparse.Namespace) -> int:
    return _set(args, False)


def cmd_sources(args: argparse.Namespace) -> int:
    from lantern.directory import db
    from lantern.directory.staff import list_sources

    with db.session_scope(args.db) as session:
        sources = list_sources(session)
    if not sources:
        print("No directories imported yet. Try: python -m tools directory import data/directory/sample-dayton")
        return 0
    print(
        _table(
            ["source", "format", "services", "imported (UTC)", "path"],
            [[s["name"], s["format"], s["services"], f"{s['imported_at']:%Y-%m-%d %H:%M}", s["path"]] for s in sources],
        )
    )
    return 0


def cmd_national(args: argparse.Namespace) -> int:
    from lantern.directory.national import national_resources

    print(
        _table(
            ["name", "phone", "text", "web", "types"],
            [[r.name, r.phone, r.text, r.url, ",".join(r.service_types)] for r in national_resources(args.types)],
        )
    )
    return 0


def cmd_types(args: argparse.Namespace) -> int:
    from lantern.directory.taxonomy import SERVICE_TYPES

    print(_table(["code", "label", "also matches"], [[t.code, t.label, ", ".join(t.aliases)] for t in SERVICE_TYPES]))
    return 0
