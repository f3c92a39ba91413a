"""Lint for everything Lantern says (mi-style.md section 3), enforced by tests/unit/test_response_lint.py.

Rules, for one message:
- no stigmatising words: addict, junkie, user (a person), abuser / abuse, clean or dirty about
  people or tests, drug habit, relapse (the bot says "return to use"), and similar labels;
- no "you should / you need to / you must / you have to" (also "u should", "you gotta"...);
- at most 320 characters (two SMS segments);
- `metadata.mi` present and one of the MI codes;
- no emoji in safety-related messages (overdose, naloxone, crisis numbers...).
And for a conversation: at most three bot messages per turn (consecutive bot actions in
rules and stories, with each custom action's declared maximum).

Run `python -m tools.lint` to lint the domain folder and the stories from the command line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

import yaml

from lantern.house_rules import plain as _plain
from lantern.house_rules import word_problems
from lantern.text import MESSAGE_CHARS

MAX_CHARS = MESSAGE_CHARS  # lantern/text.py
MAX_MESSAGES_PER_TURN = 3
MI_CODES = frozenset(
    {
        "open_question",
        "closed_question",
        "simple_reflection",
        "complex_reflection",
        "affirm",
        "information",
        "permission",
        "summary",
        "structure",
    }
)

EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f900-\U0001f9ff\U0000fe0f\U0000200d"
    "\U00002b00-\U00002bff\U00003030\U0000303d\U00003297\U00003299]"
)
SAFETY_WORDS = re.compile(
    r"\b(overdos\w*|od|naloxone|narcan|911|988|fentanyl|tolerance|test strips?|"
    r"breath\w*|suicid\w*|emergency|crisis|poison|xylazine|unresponsive)\b",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*\}")
PLACEHOLDER_WIDTH = 15  # a phone number like 1-800-662-4357 is 14 characters


@dataclass(frozen=True)
class Problem:
    """One rule broken somewhere."""

    where: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.rule}: {self.detail}"


def is_safety(text: str, metadata: Optional[Mapping[str, Any]] = None) -> bool:
    """Safety content: crisis-marked metadata, a `safety` mark, or overdose / crisis vocabulary."""
    metadata = metadata or {}
    return bool(metadata.get("crisis") or metadata.get("safety") or SAFETY_WORDS.search(text or ""))


def check_text(
    text: str, mi: Optional[str] = None, safety: Optional[bool] = None, where: str = "", check_mi: bool = True
) -> List[Problem]:
    """Every problem with one message. `safety=None` decides from the words of the text."""
    problems: List[Problem] = []
    plain = _plain(text)
    problems.extend(Problem(where, rule, detail) for rule, detail in word_problems(plain))  # lantern/house_rules.py
    filled = PLACEHOLDER.sub("x" * PLACEHOLDER_WIDTH, plain)
    if len(filled) > MAX_CHARS:
        problems.append(Problem(where, "too long", f"{len(filled)} characters (max {MAX_CHARS})"))
    if check_mi:
        if mi is None:
            problems.append(Problem(where, "no MI code", "add metadata: {mi: ...}"))
        elif mi not in MI_CODES:
            problems.append(Problem(where, "unknown MI code", f"'{mi}' is not one of {sorted(MI_CODES)}"))
    if (is_safety(plain) if safety is None else safety) and EMOJI.search(plain):
        problems.append(Problem(where, "emoji in safety content", "no emoji where safety is concerned"))
    if not plain.strip():
        problems.append(Problem(where, "empty", "a message needs text"))
    return problems


def domain_responses(domain_dir: Path) -> Iterator[Tuple[str, str, int, Dict[str, Any]]]:
    """(file, response name, variation index, variation) for every response in the domain folder."""
    for path in sorted(Path(domain_dir).rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
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
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
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


def main(argv: Optional[List[str]] = None) -> int:
    root = Path(__file__).resolve().parent.parent
    problems = check_domain(root / "domain")
    stories = [p for d in ("data/rules", "data/stories", "tests/stories") for p in sorted((root / d).glob("*.yml"))]
    problems += check_turns(stories, {})
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
