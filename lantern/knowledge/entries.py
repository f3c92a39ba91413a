"""Knowledge entries: load data/knowledge/*.yml and check every rule a trainer can break.

An entry answers one question, in at most two SMS-sized messages, with its sources and the date
someone last checked it (format in docs/knowledge.md). The checks run in `make test`
(`python -m tools knowledge check`) and when the Rasa model is trained, so a broken file is
caught before anyone reads it. Answers may use placeholders ({emergency}, {crisis_line}, ...)
that `render` fills from the locale file, so a number is never written twice or wrong for a country.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

from lantern.yaml_text import load_yaml

VERSION = 1
MAX_MESSAGE_CHARS = 300  # one text of at most two GSM-7 segments (306) with room to spare
MAX_MESSAGES = 2
MIN_ASKS, MAX_ASKS = 4, 8
MAX_AGE_DAYS = 730  # an entry not reviewed for two years fails the check
LOCALES = ("en-US", "en-CA")
PLACEHOLDERS = ("emergency", "crisis_line", "substance_helpline", "never_use_alone", "poison_control")
TOPICS = (
    "buprenorphine", "methadone", "naltrexone", "medication_general", "treatment_types", "counseling",
    "mutual_help", "recovery_support", "naloxone", "overdose", "fentanyl", "xylazine", "test_strips",
    "syringes", "safer_use", "tolerance", "mixing", "alcohol", "benzos", "stimulants", "cannabis",
    "withdrawal", "wounds", "infections", "pregnancy", "legal", "privacy_rules", "drug_testing",
    "costs_insurance", "access", "jail_release", "family", "return_to_use", "mental_health",
)  # fmt: skip
ID = re.compile(r"^[a-z][a-z0-9_]{2,60}$")
# Plain ASCII as a phone shows it: curly quotes, dashes or accents would make a text UCS-2 (70 characters a
# segment instead of 153) and the backtick is not in the GSM-7 alphabet at all.
PLAIN = set(chr(c) for c in range(32, 127)) - {"`"}
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PHONE = re.compile(r"\b(?:\d{3}[-. ]\d{3}[-. ]\d{4}|1-8\d\d-\d{3}-\d{4}|911|988)\b")
BARE_YES_NO = re.compile(
    r"^\s*(?:(?:usually|often|mostly|generally|probably|sometimes|almost always)\s+)?(?:yes|no|not|yeah|yep|nope)"
    r"(?:\s+(?:usually|often|always|really))?\s*[.,!:;-]",
    re.IGNORECASE,
)
URL = re.compile(r"^https://[a-z0-9.-]+\.[a-z]{2,}(/\S*)?$")


class KnowledgeError(ValueError):
    """A knowledge file that breaks the format; the message lists every problem with its place."""


@dataclass(frozen=True)
class Source:
    name: str
    url: str


@dataclass(frozen=True)
class Entry:
    """One question and its answer."""

    id: str
    topic: str
    asks: Tuple[str, ...]
    answer: Tuple[str, ...]
    sources: Tuple[Source, ...]
    reviewed: dt.date
    locales: Tuple[str, ...] = LOCALES
    safety: bool = False
    group: str = ""

    def applies_to(self, locale: str) -> bool:
        return locale in self.locales

    def render(self, fill: Mapping[str, str]) -> List[str]:
        """The answer with its placeholders filled ("{emergency}" -> "911"); a missing value reads as
        "a local helpline" rather than leaving braces in a text."""
        return [PLACEHOLDER.sub(lambda m: fill.get(m.group(1)) or "a local helpline", text) for text in self.answer]


def _problems_in_entry(raw: Any, where: str, today: dt.date) -> List[str]:
    if not isinstance(raw, Mapping):
        return [f"{where}: an entry is a mapping with id, topic, asks, answer, source, reviewed"]
    out: List[str] = []
    known = {"id", "topic", "asks", "answer", "source", "reviewed", "locales", "safety"}
    for key in sorted(set(map(str, raw)) - known):
        out.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not ID.match(entry_id):
        out.append(f"{where}: id must be lowercase letters, digits and _ (3-61 characters), got {entry_id!r}")
    if raw.get("topic") not in TOPICS:
        out.append(f"{where}: topic {raw.get('topic')!r} is not one of: {', '.join(TOPICS)}")
    asks = raw.get("asks")
    if not isinstance(asks, list) or not MIN_ASKS <= len(asks) <= MAX_ASKS:
        out.append(f"{where}: asks needs {MIN_ASKS} to {MAX_ASKS} questions")
    elif not all(isinstance(a, str) and 2 <= len(a.strip()) <= 300 for a in asks):
        out.append(f"{where}: every ask is a text of 2 to 300 characters")
    elif len({" ".join(a.lower().split()) for a in asks}) < len(asks):
        out.append(f"{where}: two asks are the same")
    answer = raw.get("answer")
    if not isinstance(answer, list) or not 1 <= len(answer) <= MAX_MESSAGES:
        out.append(f"{where}: answer is a list of 1 or {MAX_MESSAGES} messages")
    else:
        for n, text in enumerate(answer, 1):
            out.extend(_problems_in_message(text, f"{where} answer {n}", last=n == len(answer)))
    sources = raw.get("source")
    if not isinstance(sources, list) or not 1 <= len(sources) <= 3:
        out.append(f"{where}: source is a list of 1 to 3 sources (name and url)")
    else:
        for n, src in enumerate(sources, 1):
            if not isinstance(src, Mapping) or not isinstance(src.get("name"), str) or not src.get("name"):
                out.append(f"{where} source {n}: needs a name")
            elif not isinstance(src.get("url"), str) or not URL.match(src["url"]):
                out.append(f"{where} source {n}: url must be an https:// address, got {src.get('url')!r}")
    reviewed = raw.get("reviewed")
    if not isinstance(reviewed, dt.date):
        out.append(f"{where}: reviewed must be a date (YYYY-MM-DD), got {reviewed!r}")
    elif reviewed > today:
        out.append(f"{where}: reviewed {reviewed} is in the future")
    elif (today - reviewed).days > MAX_AGE_DAYS:
        out.append(f"{where}: reviewed {reviewed} is more than {MAX_AGE_DAYS} days ago: check it again")
    locales = raw.get("locales", list(LOCALES))
    if not isinstance(locales, list) or not locales or any(loc not in LOCALES for loc in locales):
        out.append(f"{where}: locales is a list of {', '.join(LOCALES)}, got {locales!r}")
    if "safety" in raw and not isinstance(raw["safety"], bool):
        out.append(f"{where}: safety is true or false")
    return out


def _problems_in_message(text: Any, where: str, last: bool) -> List[str]:
    if not isinstance(text, str) or not text.strip():
        return [f"{where}: an answer message is non-empty text"]
    out: List[str] = []
    shown = PLACEHOLDER.sub(lambda m: "1-800-662-4357", text)  # the longest value a placeholder takes
    if len(shown) > MAX_MESSAGE_CHARS:
        out.append(f"{where}: {len(shown)} characters with numbers filled in (at most {MAX_MESSAGE_CHARS})")
    odd = sorted({c for c in text if c not in PLAIN})
    if odd:
        names = ", ".join(repr(c) for c in odd)
        out.append(f"{where}: characters that are not plain SMS text: {names} (use ' \" - and plain letters)")
    for name in PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS:
            out.append(f"{where}: unknown placeholder {{{name}}} (known: {', '.join(PLACEHOLDERS)})")
    if PHONE.search(PLACEHOLDER.sub("", text)):
        out.append(f"{where}: write numbers as placeholders ({{emergency}}, {{crisis_line}}, ...), not digits")
    if BARE_YES_NO.match(text):
        out.append(
            f"{where}: starts with a bare yes or no; the same entry answers questions asked both ways "
            '("is it dangerous" and "can I just stop"), so start with the fact'
        )
    if last and text.rstrip().endswith("?"):
        out.append(f"{where}: the answer ends with a question; the bot asks its own follow-up")
    return out


def parse_file(path: Path, today: Optional[dt.date] = None) -> Tuple[List[Entry], List[str]]:
    """The entries of one file and every problem found in it (an entry with a problem is left out)."""
    today = today or dt.date.today()
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [f"{path}: cannot read it as YAML ({type(exc).__name__}: {exc})"]
    if not isinstance(data, Mapping) or data.get("version") != VERSION or not isinstance(data.get("entries"), list):
        return [], [f"{path}: needs `version: {VERSION}`, `group:` and a list under `entries:`"]
    group = str(data.get("group") or path.stem)
    entries: List[Entry] = []
    problems: List[str] = []
    for n, raw in enumerate(data["entries"], 1):
        where = f"{path.name} entry {n} ({raw.get('id') if isinstance(raw, Mapping) else '?'})"
        found = _problems_in_entry(raw, where, today)
        problems.extend(found)
        if found:
            continue
        entries.append(
            Entry(
                id=raw["id"],
                topic=raw["topic"],
                asks=tuple(" ".join(a.split()) for a in raw["asks"]),
                answer=tuple(" ".join(t.split()) for t in raw["answer"]),
                sources=tuple(Source(s["name"], s["url"]) for s in raw["source"]),
                reviewed=raw["reviewed"],
                locales=tuple(raw.get("locales", LOCALES)),
                safety=bool(raw.get("safety", False)),
                group=group,
            )
        )
    return entries, problems


def knowledge_files(directory: Path) -> List[Path]:
    """The entry files of a knowledge folder (topics.yml, the topic words, is not one)."""
    return sorted(p for p in directory.glob("*.yml") if p.name != "topics.yml")


def check(paths: Iterable[Path], today: Optional[dt.date] = None) -> Tuple[List[Entry], List[str]]:
    """All entries of `paths` and all problems, including ids used twice across files."""
    entries: List[Entry] = []
    problems: List[str] = []
    for path in paths:
        found, errors = parse_file(path, today)
        entries.extend(found)
        problems.extend(errors)
    seen: Dict[str, str] = {}
    for entry in entries:
        if entry.id in seen:
            problems.append(f"id {entry.id} is used twice ({seen[entry.id]} and {entry.group})")
        seen[entry.id] = entry.group
    asked: Dict[Tuple[str, str], str] = {}
    for entry in entries:
        for ask in entry.asks:
            for locale in entry.locales:
                key = (" ".join(ask.lower().split()), locale)
                if key in asked and asked[key] != entry.id:
                    problems.append(f"the ask {ask!r} belongs to two entries ({asked[key]} and {entry.id})")
                asked[key] = entry.id
    return entries, problems


def load(directory: Path, today: Optional[dt.date] = None) -> List[Entry]:
    """Every entry under `directory`; KnowledgeError listing all problems when any file is broken."""
    entries, problems = check(knowledge_files(directory), today)
    if problems:
        raise KnowledgeError("\n".join(problems))
    return entries


def by_id(entries: Sequence[Entry]) -> Dict[str, Entry]:
    return {e.id: e for e in entries}
