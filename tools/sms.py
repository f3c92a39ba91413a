"""`python -m tools sms ...`: staff tools for the SMS channel's own records.

    python -m tools sms crisis-flags [--all]     crisis signs from numbers that texted STOP (labels only)
    python -m tools sms flag-reviewed ID         mark one as seen

A number that texted STOP gets no conversation, but a crisis sign in what it sends is recorded
(rasa_plugins/channels/sms.py, `_opted_out_message`): staff can follow up by the pseudonym through the
organisation's own channels. The staff console will show the same table once it exists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any


def register(subparsers: Any) -> None:
    group = subparsers.add_parser(
        "sms",
        help="SMS channel records: crisis signs from opted-out numbers",
        description="Staff tools for the SMS channel.",
    )
    group.add_argument("--db", metavar="URL", help="database URL (default: setting LANTERN_DB_URL)")
    group.set_defaults(group_parser=group)
    cmds = group.add_subparsers(dest="command", metavar="COMMAND")
    p = cmds.add_parser("crisis-flags", help="list crisis signs from opted-out numbers not yet reviewed")
    p.add_argument("--all", action="store_true", help="reviewed ones too")
    p.set_defaults(func=cmd_flags)
    p = cmds.add_parser("flag-reviewed", help="mark a crisis flag as reviewed")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_reviewed)


def _state(args: argparse.Namespace) -> Any:
    from lantern import settings
    from rasa_plugins.channels.sms_state import SmsState

    return SmsState(args.db or settings.load().db_url)


def cmd_flags(args: argparse.Namespace) -> int:
    rows = _state(args).crisis_flags(unreviewed_only=not args.all)
    if not rows:
        print("No crisis flags." if args.all else "No unreviewed crisis flags.")
        return 0
    print("id\twhen (UTC)\tpseudonym\tlevel\tcategory\treply\treviewed")
    for row in rows:
        when = dt.datetime.fromtimestamp(row["created_at"], dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
        print(
            f"{row['id']}\t{when}\t{row['sender']}\t{row['level']}\t{row['category'] or '-'}\t{row['reply']}\t"
            f"{'yes' if row['reviewed'] else 'no'}"
        )
    return 0


def cmd_reviewed(args: argparse.Namespace) -> int:
    if _state(args).mark_reviewed(args.id):
        print(f"Flag {args.id} marked as reviewed.")
        return 0
    print(f"No crisis flag with id {args.id}.", file=sys.stderr)
    return 1
