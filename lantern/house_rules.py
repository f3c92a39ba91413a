"""The words Lantern never says, whoever said them first (mi-style.md section 3).

Shared by the lint of every written response (tools/lint.py), the action server's check of edited
wording before it goes live (actions/phrases.py), and the replies built from the person's own words
(actions/echo.py): "im an addict" said back would be the bot labelling them, and
"i need to stop" said back would be the bot telling them what they need to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Tuple

from lantern.text import MESSAGE_CHARS

# (pattern, why). Case-insensitive, on text with curly apostrophes straightened.
STIGMA: List[Tuple[str, str]] = [
    (r"\b(ex-?|former |recovering )?addicts?\b", "labels a person ('addict'); say 'person who uses drugs'"),
    (r"\baddicted\b", "labels a person ('addicted'); talk about use or addiction as a condition"),
    (r"\bjunk(ie|ies|y)\b", "stigmatising label ('junkie')"),
    (r"\busers?\b(?!name)", "'user' as a noun for a person; say 'person who uses drugs'"),
    (r"\babus(e|es|er|ers|ing|ed)\b", "'abuse' / 'abuser'; say 'substance use' or 'use'"),
    (r"\bmisus(e|es|ing|ed)\b", "'misuse' is judgemental; say 'use'"),
    (r"\b(drug|dope|pill|meth|crack|heroin|cocaine|bad|nasty) habits?\b", "'drug habit' minimises and blames"),
    (r"\byour habit\b", "'your habit' minimises and blames"),
    (r"\brelaps(e|es|ed|ing)\b", "say 'return to use'"),
    (
        r"\b(alcoholics?|druggies?|crack ?heads?|tweakers?|pot ?heads?|stoners?|dope ?fiends?|fiends?|meth ?heads?|"
        r"pill ?heads?|drunkards?|drunks|dopers?|smackheads?)\b",
        "stigmatising label",
    ),
    (
        r"\b(replacement|substitution|substitute) (therapy|treatment|drug)\b",
        "medications for OUD are treatment, not a substitute",
    ),
    (r"\bdrug[- ]seeking\b", "stigmatising clinical label"),
    # clean / dirty about people or tests (not about supplies)
    (
        r"\b(be|being|been|get|getting|got|stay|staying|stayed|am|is|are|was|were|keep|keeping|you'?re|i'?m|he'?s|"
        r"she'?s|they'?re|went|go|going|come|coming|gone|remain|remaining|while) (\w+ )?(clean|dirty)\b",
        "'clean' / 'dirty' about a person; say 'in recovery', 'not using'",
    ),
    (
        r"\b(clean|dirty) (time|date|days?|weeks?|months?|years?|and sober|people|person|folks|addicts?|users?)\b"
        r"|\b(days?|weeks?|months?|years?|time) (\w+ )?(clean|dirty)\b",
        "'clean' / 'dirty' about a person; say 'time without using'",
    ),
    (
        r"\b(clean|dirty) (tests?|urine|uas?|drug tests?|screens?|results?|samples?|tox)\b",
        "'clean' / 'dirty' test; say 'negative' / 'positive'",
    ),
    (
        r"\b(tested|test|tests|testing|came back|come back|comes back) (\w+ )?(clean|dirty)\b",
        "'clean' / 'dirty' test; say 'negative' / 'positive'",
    ),
]
DIRECTIVE = re.compile(
    r"\b(you|u|ya|yall|y'all|you all)\s+(really\s+|just\s+|definitely\s+|absolutely\s+|seriously\s+)?"
    r"(should|shouldn'?t|shoulda|need to|needs to|must|mustn'?t|have to|has to|gotta|got to|ought to|"
    r"better(?! than)|had better|are going to have to|will have to|need)\b"
    r"|\byou'?d\s+better\b|\byou'?ve\s+got\s+to\b|\byou\s+have\s+got\s+to\b",
    re.IGNORECASE,
)
# "you need" is a directive unless it is "if you need" / "whatever you need" / "what you need" (offers).
NEED_OK = re.compile(r"\b(if|whatever|what|when|anything|everything|all)\s+you\s+need\b", re.IGNORECASE)


def plain(text: str) -> str:
    """Curly apostrophes straightened, so the patterns see one spelling."""
    return (text or "").replace("\u2019", "'").replace("\u2018", "'")


def word_problems(text: str) -> List[Tuple[str, str]]:
    """(rule, detail) for each stigmatising word and each directive in `text`."""
    text = plain(text)
    problems: List[Tuple[str, str]] = []
    for pattern, why in STIGMA:
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            problems.append(("stigmatising word", f"'{match.group(0)}': {why}"))
    for match in DIRECTIVE.finditer(text):
        if match.group(0).lower().endswith("need") and NEED_OK.search(text[max(0, match.start() - 12) : match.end()]):
            continue
        problems.append(("directive", f"'{match.group(0)}': offer instead ('some people find...')"))
    return problems


# --- The rules for one whole message (length, MI code, emoji in safety content), `check_text` ---

MAX_CHARS = MESSAGE_CHARS  # lantern/text.py
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
    flat = plain(text)
    problems.extend(Problem(where, rule, detail) for rule, detail in word_problems(flat))
    filled = PLACEHOLDER.sub("x" * PLACEHOLDER_WIDTH, flat)
    if len(filled) > MAX_CHARS:
        problems.append(Problem(where, "too long", f"{len(filled)} characters (max {MAX_CHARS})"))
    if check_mi:
        if mi is None:
            problems.append(Problem(where, "no MI code", "add metadata: {mi: ...}"))
        elif mi not in MI_CODES:
            problems.append(Problem(where, "unknown MI code", f"'{mi}' is not one of {sorted(MI_CODES)}"))
    if (is_safety(flat) if safety is None else safety) and EMOJI.search(flat):
        problems.append(Problem(where, "emoji in safety content", "no emoji where safety is concerned"))
    if not flat.strip():
        problems.append(Problem(where, "empty", "a message needs text"))
    return problems
