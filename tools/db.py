"""`python -m tools db status|upgrade`: every table group's revision, and bringing them all to head.

Each part of Lantern upgrades the groups it uses when it starts (docs/database.md); this is the
one command for doing it by hand, e.g. before starting several Rasa replicas against a new
PostgreSQL database, and for seeing where each database stands.
"""

from __future__ import annotations

import argparse
from typing import Any, Dict, List, Tuple


def _databases() -> List[Tuple[str, str, Tuple[str, ...]]]:
    """(name, URL, groups) of each database Lantern uses, from settings."""
    from lantern import db
    from lantern.directory.db import default_url
    from lantern.settings import load

    return [
        ("conversations", load().db_url, db.TRACKER_DB_GROUPS),
        ("directory", default_url(), db.DIRECTORY_DB_GROUPS),
    ]


def _status() -> Dict[str, Dict[str, Any]]:
    from lantern import db

    out: Dict[str, Dict[str, Any]] = {}
    for name, url, groups in _databases():
        engine = db.create_engine(url)
        try:
            out[name] = {group: (db.current_revision(engine, group), db.head_revision(group)) for group in groups}
        finally:
            engine.dispose()
    return out


def cmd_status(args: argparse.Namespace) -> int:
    """Print each group's revision and head; exit 1 when a group is behind."""
    behind = False
    for name, groups in _status().items():
        for group, (current, head) in groups.items():
            state = "at head" if current == head else f"behind (head {head})"
            behind = behind or current != head
            print(f"{name:14} {group:12} {current or 'not created':12} {state}")
    return 1 if behind else 0


def cmd_upgrade(args: argparse.Namespace) -> int:
    """Bring every group of every database to head (idempotent)."""
    from lantern import db

    for name, url, groups in _databases():
        db.upgrade(url, groups)
        print(f"{name}: {', '.join(groups)} at head")
    return 0


def register(subparsers: Any) -> None:
    group = subparsers.add_parser(
        "db",
        help="database table groups: status, upgrade",
        description="Lantern's table groups (docs/database.md), per database in settings.",
    )
    group.set_defaults(group_parser=group)
    cmds = group.add_subparsers(dest="command", metavar="COMMAND")
    cmds.add_parser("status", help="each group's revision; exit 1 if one is behind").set_defaults(func=cmd_status)
    cmds.add_parser("upgrade", help="bring every group to head").set_defaults(func=cmd_upgrade)
