"""`python -m tools knowledge check [FILES]`: check the knowledge entries trainers edit (docs/knowledge.md).

Without files it checks every file under data/knowledge/ together (so an id or a question used
in two files is found). Exit 1 and one line per problem when anything is wrong.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "knowledge"


def cmd_check(args: argparse.Namespace) -> int:
    from lantern.knowledge import entries

    paths = [Path(p) for p in args.files] or entries.knowledge_files(DEFAULT_DIR)
    if not paths:
        print(f"no knowledge files under {DEFAULT_DIR}")
        return 1
    found, problems = entries.check(paths)
    topics_file = DEFAULT_DIR / "topics.yml"
    if not args.files and topics_file.is_file():
        from lantern.knowledge import topics
        from lantern.yaml_text import load_yaml

        problems.extend(topics.parse(load_yaml(topics_file.read_text(encoding="utf-8")), topics_file.name)[1])
    for problem in problems:
        print(problem)
    by_topic: dict = {}
    for entry in found:
        by_topic[entry.topic] = by_topic.get(entry.topic, 0) + 1
    print(f"{len(found)} entries fine in {len(paths)} file(s); {len(problems)} problem(s)")
    if args.verbose:
        for topic, count in sorted(by_topic.items()):
            print(f"  {topic:20} {count}")
    return 1 if problems else 0


def register(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("knowledge", help="the knowledge base (data/knowledge/)")
    group.set_defaults(group_parser=group)
    commands = group.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser("check", help="check knowledge files (default: all of data/knowledge/)")
    check.add_argument("files", nargs="*", help="files to check")
    check.add_argument("-v", "--verbose", action="store_true", help="count entries by topic")
    check.set_defaults(func=cmd_check)
