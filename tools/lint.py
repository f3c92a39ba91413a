"""Lint for everything Lantern says (mi-style.md section 3), enforced by tests/unit/test_response_lint.py.

Rules, for one message:
- no stigmatising words: addict, junkie, user (a person), abuser / abuse, clean or dirty about
  people or tests, drug habit, relapse (the bot says "return to use"), and similar labels;
- no "you should / you need to / you must / you have to" (also "u should", "you gotta"...);
- at most 306 characters (two SMS segments, lantern/text.py MESSAGE_CHARS);
- `metadata.mi` present and one of the MI codes;
- no emoji in safety-related messages (overdose, naloxone, crisis numbers...).
And for a conversation: at most three bot messages per turn (consecutive bot actions in
rules and stories, with each custom action's declared maximum).

Run `python -m tools.lint` to lint the domain folder and the stories from the command line, and
`python -m tools.lint --watch [FILES]` to recheck files each time they are saved (tools/dialogue.py;
`make dialogue-check` runs every check of the trainer YAML). It also checks the phrase files
(LANTERN_PHRASES_DIR, default actions/phrases) as the action server does before it uses edited
wording (`check_phrases`, actions/phrases.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

# The rules for one message live in the shared library, so the action server checks edited wording
# with them too (actions/phrases.py); they are re-exported here for the command line and the tests.
from lantern.house_rules import (  # noqa: F401
    EMOJI,
    MAX_CHARS,
    MI_CODES,
    PLACEHOLDER,
    PLACEHOLDER_WIDTH,
    SAFETY_WORDS,
    Problem,
    check_text,
    is_safety,
)
from lantern.yaml_text import load_yaml

MAX_MESSAGES_PER_TURN = 3
# Responses that may have a single variation (fixed wording): crisis scripts, referral numbers, the stop reply.
SINGLE_VARIATION_OK = frozenset({"utter_stop"})
SINGLE_VARIATION_PREFIXES = ("utter_crisis", "utter_referral")


def domain_responses(domain_dir: Path) -> Iterator[Tuple[str, str, int, Dict[str, Any]]]:
    """(file, response name, variation index, variation) for every response in the domain folder."""
    for path in sorted(Path(domain_dir).rglob("*.yml")):
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            for index, variation in enumerate(variations or []):
                yield path.name, name, index, variation


def check_response(variation: Mapping[str, Any], where: str) -> List[Problem]:
    """One domain response variation: its text (if any) and its metadata."""
    metadata = variation.get("metadata") or {}
    text = variation.get("text")
    if text is None:
        return [Problem(where, "no text", "every Lantern response is a text message (SMS has no buttons)")]
    return check_text(
        str(text), metadata.get("mi"), is_safety(str(text), {**metadata, **(variation.get("custom") or {})}), where
    )


def check_domain(domain_dir: Path) -> List[Problem]:
    """Every response of every domain file."""
    problems: List[Problem] = []
    for file, name, index, variation in domain_responses(domain_dir):
        problems.extend(check_response(variation, f"{file}:{name}[{index}]"))
    return problems


SILENT = "(done)"  # a form that ends (active_loop: null) without asking anything


def _turn_runs(steps: Sequence[Mapping[str, Any]]) -> Iterator[List[str]]:
    """Runs of consecutive bot actions (one run per turn) in a story's or rule's steps."""
    run: List[str] = []
    for step in steps:
        if "intent" in step or "user" in step or "or" in step:
            if run:
                yield run
            run = []
        elif "action" in step:
            if step["action"] not in ("action_listen",):
                run.append(str(step["action"]))
        elif "active_loop" in step and step["active_loop"] is None and run:
            run[-1] = f"{run[-1]} {SILENT}"  # the form action that just ran ended the form
    if run:
        yield run


def messages_of(action: str, custom_max: Mapping[str, int]) -> int:
    """How many messages an action can send: 1 for a response, the declared maximum for a custom action."""
    if action.endswith(SILENT):
        return 0
    if action.startswith("utter_"):
        return 1
    if action in custom_max:
        return int(custom_max[action])
    if action.startswith("validate_") or action in (
        "action_deactivate_loop",
        "action_restart",
        "action_session_start",
        "action_back",
    ):
        return 0
    return 1  # forms ask one question; unknown custom actions are assumed to send one message


def check_turns(
    files: Iterable[Path], custom_max: Mapping[str, int], limit: int = MAX_MESSAGES_PER_TURN
) -> List[Problem]:
    """Turns in rules and stories that would send more than `limit` messages."""
    problems: List[Problem] = []
    for path in files:
        data = load_yaml(Path(path).read_text(encoding="utf-8")) or {}
        for block in (data.get("rules") or []) + (data.get("stories") or []):
            name = block.get("rule") or block.get("story") or "?"
            for run in _turn_runs(block.get("steps") or []):
                count = sum(messages_of(a, custom_max) for a in run)
                if count > limit:
                    problems.append(
                        Problem(
                            f"{Path(path).name}: {name}",
                            "too many messages",
                            f"{count} in one turn ({' + '.join(run)}), max {limit}",
                        )
                    )
    return problems


def custom_max() -> Dict[str, int]:
    """Each custom action's declared maximum number of messages (class attribute max_messages)."""
    import importlib
    import inspect
    import pkgutil

    from rasa_sdk import Action

    import actions

    found: Dict[str, int] = {}
    for info in pkgutil.iter_modules(actions.__path__):
        module = importlib.import_module(f"actions.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls is not Action and hasattr(cls, "max_messages"):
                try:
                    instance: Any = cls()
                    name = instance.name()
                except Exception:  # abstract helpers
                    continue
                if name:
                    found[name] = int(cls.max_messages)
    return found


def main(argv: Optional[List[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--watch"]:
        from tools import dialogue

        files = [Path(a) for a in args[1:]] or [
            p
            for d in ("domain", "data", "actions/phrases", "config/locales", "tests/stories")
            for p in sorted((dialogue.ROOT / d).rglob("*.yml"))
        ]
        return dialogue.watch(files)
    root = Path(__file__).resolve().parent.parent
    problems = check_domain(root / "domain")
    stories = [p for d in ("data/rules", "data/stories", "tests/stories") for p in sorted((root / d).glob("*.yml"))]
    problems += check_turns(stories, {})
    for problem in problems:
        print(problem)
    phrase_problems = check_phrases()
    for line in phrase_problems:
        print(line)
    count = len(problems) + len(phrase_problems)
    print(f"{count} problem(s)")
    return 1 if count else 0


def check_phrases(directory: Optional[Path] = None) -> List[str]:
    """Problems in the phrase files (LANTERN_PHRASES_DIR): their schema, then these rules on every variation."""
    from actions import phrases  # here, not at the top: the lint of domain files needs no action code
    from lantern import settings

    directory = directory or settings.load().phrases_dir
    try:
        lines, fragments, origin = phrases.read_with_origin(directory)
    except ValueError as err:
        return [str(err)]
    return phrases.wording_problems(lines, fragments, origin)


if __name__ == "__main__":
    sys.exit(main())
