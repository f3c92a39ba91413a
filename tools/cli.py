"""`python -m tools GROUP COMMAND ...`: one argparse tree that command groups plug into.

A group is a module with `register(subparsers)` that adds one sub-parser and
sets `func` (called with the parsed args, returns an exit code) on each of its
commands. To add a group (e.g. `transcripts`), append its module to GROUPS.
Group modules are imported when the parser is built, so keep their top level
light and import heavy things inside the command functions.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional, Sequence

GROUPS: List[str] = [
    "tools.directory",
    "tools.transcripts",
    "tools.sms",
    "tools.db",
    "tools.knowledge",
    "tools.dialogue",
]


def build_parser(groups: Sequence[str] = GROUPS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools", description="Lantern command line tools.")
    sub = parser.add_subparsers(dest="group", metavar="GROUP")
    for module_name in groups:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        # A group without a command: show that group's help (or the top-level help).
        helper = getattr(args, "group_parser", parser)
        helper.print_help(sys.stderr)
        return 2
    return int(func(args) or 0)
