"""`python -m tools transcripts ...`: export anonymized transcripts, purge old conversations."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def _since(value: str):  # datetime
    from lantern.records.transcripts.export import parse_since

    try:
        return parse_since(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {value!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError("must be at least 1 day")
    return days


def register(subparsers: Any) -> None:
    group = subparsers.add_parser(
        "transcripts",
        help="anonymized transcripts: export, purge old ones",
        description="Staff tools for the anonymized conversation record.",
    )
    group.add_argument("--db", metavar="URL", help="database URL (default: setting LANTERN_DB_URL)")
    group.set_defaults(group_parser=group)
    cmds = group.add_subparsers(dest="command", metavar="COMMAND")

    p = cmds.add_parser(
        "export",
        help="print one anonymized message per line (JSON Lines or CSV)",
        description="Fields: conversation_id, turn, sender (user/bot), text, timestamp (UTC), "
        "intent, talk_type, crisis.",
    )
    p.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help="only messages from this date or date-time on (UTC unless an offset is given), "
        "e.g. 2025-01-31 or 2025-01-31T14:00",
    )
    p.add_argument("--format", dest="fmt", choices=("jsonl", "csv"), default="jsonl")
    p.set_defaults(func=cmd_export)

    p = cmds.add_parser(
        "purge",
        help="delete conversations older than the retention period",
        description="Deletes transcript conversations and the tracker events of the same "
        "sessions whose last message is older than N days.",
    )
    p.add_argument("--days", type=_days, help="retention in days (default: setting LANTERN_RETENTION_DAYS)")
    p.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    p.set_defaults(func=cmd_purge)

    p = cmds.add_parser(
        "forget",
        help="delete everything stored for one person (a deletion request)",
        description="Deletes the transcript and the tracker events of one sender. Give the "
        "sender id as the person uses it (e.g. their phone number in any format; "
        "it is hashed with LANTERN_PSEUDONYM_KEY, never stored) or a pseudonym p_...",
    )
    p.add_argument("sender", help="phone number / session id, or a pseudonym starting with p_")
    p.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    p.set_defaults(func=cmd_forget)


def _engine(args: argparse.Namespace):  # Engine
    from lantern.records.transcripts.db import open_engine

    return open_engine(args.db)


def cmd_export(args: argparse.Namespace) -> int:
    from lantern.records.transcripts import export

    engine = _engine(args)
    try:
        count = export.write(export.iter_messages(engine, args.since), args.fmt, sys.stdout)
    finally:
        engine.dispose()
    print(f"{count} messages exported", file=sys.stderr)
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from lantern import settings
    from lantern.records.transcripts.retention import purge

    days = args.days
    if days is None:
        days = settings.load().retention_days
        if days < 1:
            print(
                "Retention is off (LANTERN_RETENTION_DAYS=0): nothing deleted. Pass --days N to purge anyway.",
                file=sys.stderr,
            )
            return 0
    engine = _engine(args)
    try:
        report = purge(engine, days, dry_run=args.dry_run)
    finally:
        engine.dispose()
    print(report.summary(days))
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    from lantern import settings
    from lantern.identity import PSEUDONYM_SHAPE, stored_id_for_cli
    from lantern.records.transcripts.retention import forget

    sender = args.sender.strip()
    key = settings.load().pseudonym_key
    if not key and not PSEUDONYM_SHAPE.fullmatch(sender):
        print("LANTERN_PSEUDONYM_KEY is not set: cannot find this sender's pseudonym.", file=sys.stderr)
        return 2
    pseudonym = stored_id_for_cli(sender, key)
    engine = _engine(args)
    try:
        report = forget(engine, pseudonym, dry_run=args.dry_run)
    finally:
        engine.dispose()
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"{pseudonym}: {verb} {report.conversations} conversations ({report.messages} messages) "
        f"and {report.events} tracker events."
    )
    return 0
