"""When to send a check-in: the time a person gives in their own words, quiet hours, and their time zone.

People answer from cheap phones ("fri eve", "tmrw 6p", "in a couple days"), so the answer is read
into a small vocabulary first and then matched. What is read is confirmed back to them as a plain
description built from the result ("Friday Dec 11 in the evening (around 6 pm)"), never from their
words. Anything unclear gives None, so the bot asks again rather than guessing. The rules for
ambiguous phrasings are listed in docs/checkins.md; keep the two in step.

The words recognised (spellings, time words not understood, zone names) are data in words.yml beside
this module, read and schema-checked once on first use (`recognised_words()`), so trainers change them
without touching Python; the grammar that combines them stays here.

Pure functions: the only I/O is that file and the offline ZIP index of lantern.directory.zipgeo.
"""

from __future__ import annotations

import calendar
import difflib
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, TypeVar, Union
from zoneinfo import ZoneInfo, available_timezones

import yaml

from lantern.directory.zipgeo import lookup_zip
from lantern.text import negation_scope, normalise, plain_words
from lantern.word_lists import alternatives
from lantern.yaml_text import load_yaml

WORDS_FILE = Path(__file__).resolve().parent / "words.yml"

# ---------------------------------------------------------------- rules (docs/checkins.md lists them)

# Usual clock times for a part of the day, and for a day given without a time.
PART_TIMES: Dict[str, time] = {
    "morning": time(10, 0),
    "lunch": time(12, 0),
    "afternoon": time(14, 0),
    "evening": time(18, 0),
    "night": time(19, 0),
}
DAY_DEFAULT = time(12, 0)
# "This evening" said after 6 pm means about an hour from now, until the part of the day is over
# ("tonight" never is: said at 11:30 pm it means 12:30 am).
LATER_TODAY = timedelta(hours=1)
PART_ENDS: Dict[str, time] = {
    "morning": time(12, 0),
    "lunch": time(14, 0),
    "afternoon": time(17, 0),
    "evening": time(22, 0),
}
# Sooner than MIN_LEAD is not a check-in; further off than MAX_DAYS_AHEAD (by date) is a plan, not a check-in.
MIN_LEAD = timedelta(minutes=10)
MAX_DAYS_AHEAD = 60
# Times counted from now ("in 2 hrs") land on a 5-minute mark, so the bot never says "around 5:03 pm".
ROUND_TO = timedelta(minutes=5)
# An answer to "when should I check in?" is short; a longer message is about something else.
MAX_ANSWER_CHARS = 300

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_TITLES = tuple(day.title() for day in WEEKDAYS)
_MONTH_TITLES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class When:
    """A check-in time read from a person's answer, with the words to confirm it back to them."""

    at: datetime  # aware, in the person's zone
    described: str  # "Friday Dec 11 at 6 pm", "tomorrow evening (around 6 pm)": built from `at`, never their words
    exact_time: bool  # they gave a clock time ("6pm", "noon"), not a part of the day or a day alone


# ---------------------------------------------------------------- their words in a small vocabulary

_DAY_WORDS = (*WEEKDAYS, "today", "tonight", "tomorrow", "weekend")
# Typos of these are caught by closeness ("wensday", "tommorrow", "evning"); shorter words must be spelled as listed.
_FUZZY_TARGETS = (*_DAY_WORDS, "morning", "afternoon", "evening")
_VOCABULARY = frozenset((*_FUZZY_TARGETS, *PART_TIMES, "noon", "midnight", "week", "month", "day", "hour", "minute"))

_DOTTED_MERIDIEM = re.compile(r"\b([ap])\.\s?m\b\.?")  # "p.m." -> "pm"
# "same time tomorrow", "in 2 days around this time": the time of day it is now (a 24-hour clock, "15:00").
_SAME_TIME = re.compile(r"\b(?:(?:at|around|about) )?(?:the )?(?:same|this) time\b")
# A month-day date with dashes: the day over 12 (so it cannot be an hour) or a year after it; no meridiem follows.
_DASH_DATE = re.compile(r"\b(1[0-2]|0?[1-9])-(1[3-9]|2\d|3[01])(?:-(\d{4}|\d{2}))?\b(?!\s*[ap]\.?m)")
_DOTTED_CLOCK = re.compile(r"(\d)\.(\d\d)\b")  # "6.30" -> "6:30"
_NOT_WORD = re.compile(r"[^a-z0-9:/]+")
_LETTER_DIGIT = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")  # "fri6pm" -> "fri 6 pm"

# ---------------------------------------------------------------- the recognised words (words.yml)

_WORD_KEYS = ("spellings", "two_for_to", "leftover_time", "zone_answers", "zone_typos")
# The words a spelling may stand for: the ones the patterns below are written for (and numbers in digits).
_GRAMMAR_WORDS = _VOCABULARY | {"next", "in", "after"}  # "in" starts a span ("in 3 days"), "after" a time


@dataclass(frozen=True, eq=False)  # hashed by identity: `_canonical_in` caches per loaded file
class Words:
    """words.yml checked and compiled."""

    spellings: Mapping[str, str]  # variant -> canonical word
    two_for_to: re.Pattern[str]  # "2moro": the ending after "2"
    leftover_time: re.Pattern[str]
    zone_answers: Tuple[Tuple[str, re.Pattern[str]], ...]
    zone_typos: Tuple[str, ...]


def _mapping(where: str, value: Any) -> Mapping[Any, Any]:
    """A non-empty mapping, or an error saying where: an empty or list-shaped section is a trainer's slip."""
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{where}: expected a non-empty mapping")
    return value


def _spellings(name: str, data: Mapping[Any, Any]) -> Dict[str, str]:
    """variant -> canonical word; a variant under two words, or one that is itself a word, would be read wrongly."""
    spellings: Dict[str, str] = {}
    for word, variants in _mapping(f"{name}: spellings", data).items():
        where = f"{name}: spellings.{word}"
        if not isinstance(word, str) or not (word in _GRAMMAR_WORDS or word.isdigit()):
            raise ValueError(
                f"{where}: not a word the patterns read (a day, a part of the day, a unit, next, in, after, "
                'or a number in digits written in quotes: "6")'
            )
        for variant in alternatives(where, variants, plain=True):
            if variant in _GRAMMAR_WORDS:
                raise ValueError(f"{where}: {variant!r} is itself a word the patterns read")
            if variant in spellings:
                raise ValueError(f"{where}: {variant!r} is also a spelling of {spellings[variant]!r}")
            spellings[variant] = word
    return spellings


def check_words(data: Any, name: str = WORDS_FILE.name) -> Words:
    """The schema: the five keys and no others, canonical words the patterns know, plain words, valid patterns."""
    data = _mapping(name, data)
    unknown = sorted(map(str, set(data) - set(_WORD_KEYS)))
    missing = sorted(set(_WORD_KEYS) - set(data))
    if unknown or missing:
        raise ValueError(f"{name}: unknown keys {unknown}, missing keys {missing}")
    spellings = _spellings(name, data["spellings"])
    endings = alternatives(f"{name}: two_for_to", data["two_for_to"], plain=True)
    dead = [ending for ending in endings if f"to{ending}" not in spellings and f"to{ending}" not in _GRAMMAR_WORDS]
    if dead:
        raise ValueError(f"{name}: two_for_to: 'to' + {dead} is neither a canonical word nor a listed spelling")
    leftover = alternatives(f"{name}: leftover_time", data["leftover_time"], plain=False)
    zone_answers = []
    for zone, answers in _mapping(f"{name}: zone_answers", data["zone_answers"]).items():
        where = f"{name}: zone_answers.{zone}"
        if not isinstance(zone, str) or _zone_names().get(zone.lower()) != zone:
            raise ValueError(f"{where}: not an IANA time zone name such as America/Chicago")
        zone_answers.append((zone, re.compile(rf"\b(?:{'|'.join(alternatives(where, answers, plain=False))})\b")))
    return Words(
        spellings=spellings,
        two_for_to=re.compile(rf"\b2({'|'.join(endings)})\b"),
        leftover_time=re.compile(rf"\d|\b(?:{'|'.join(leftover)})\b"),  # a digit left over is never understood
        zone_answers=tuple(zone_answers),
        zone_typos=tuple(alternatives(f"{name}: zone_typos", data["zone_typos"], plain=True)),
    )


def load_words(path: Path) -> Words:
    """A words file read and checked; ValueError naming the file (as a trainer finds it) and the key."""
    root = Path(__file__).resolve().parents[2]
    shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{shown}: not valid YAML ({exc})") from None
    return check_words(data or {}, shown)


@lru_cache(maxsize=1)
def recognised_words() -> Words:
    """words.yml, read once on first use (not at import)."""
    return load_words(WORDS_FILE)


_DAY_RE = "|".join(_DAY_WORDS)
_PART_RE = "|".join(PART_TIMES)
_UNIT_RE = "minute|hour|day|week|month"
_PHRASES: Tuple[Tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(?:an? )?hour and a half\b", "90 minute"),
        (r"\b(?:an? )?half (?:an? )?hour\b", "30 minute"),
        (r"\b(?:a )?couple(?: of)?\b", "2"),
        (r"\b(?:a )?few\b", "3"),
        (rf"\b(\d{{1,3}}|an?) ({_UNIT_RE}) from (?:now|today)\b", r"in \1 \2"),
        (r"\b(\d{1,3}) m\b", r"\1 minute"),
        (r"\b(\d{1,3}) h\b", r"\1 hour"),
        (r"\b(?:the )?(\d{1,2}) (?:st|nd|rd|th)\b", r"the \1"),  # "12th" -> "the 12"
        (r"\b(\d{1,2}(?::\d\d)?|\d{3,4}) ([ap])m?\b", r"\1 \2m"),  # "6p" -> "6 pm"
        (r"\b12 noon\b", "noon"),
        (r"\bafter noon\b", "afternoon"),  # "aftr noon", "after noon"
        (r"\bb 4\b", "before"),  # "b4"
        (r"\bbefore (?:work|my shift|school|class|group|my appointment)\b", ""),  # context, not the time
        (r"\bend of (?:the |this )?week\b", "friday"),
        (r"\b(?:xmas|christmas)(?: day)?\b(?! (?:evening|eve|night))", "dec 25"),  # Christmas Eve stays unread
        (r"\bnew years day\b", "jan 1"),
        (r"\blater tonight\b", "tonight"),  # tonight is a time; "later" or "later today" alone is not
        (r"\bo clock\b", "oclock"),
        (rf"\b({_DAY_RE}) am\b", r"\1 morning"),  # "tmrw am"
        (rf"\b({_DAY_RE}) pm\b", r"\1 afternoon"),
    )
)


def _canonical(word: str) -> str:
    return _canonical_in(recognised_words(), word)


@lru_cache(maxsize=4096)
def _canonical_in(words: Words, word: str) -> str:
    """Keyed on the loaded words too, so a words file read again is never answered from the old one."""
    if word in words.spellings:
        return words.spellings[word]
    if word in _VOCABULARY or len(word) < 5 or not word.isalpha():
        return word
    close = difflib.get_close_matches(word, _FUZZY_TARGETS, n=1, cutoff=0.8)
    return close[0] if close else word


def _words(text: str) -> str:
    """The answer in the small vocabulary the patterns below are written for."""
    text = _DOTTED_CLOCK.sub(r"\1:\2", _DOTTED_MERIDIEM.sub(r"\1m", normalise(text)))
    text = recognised_words().two_for_to.sub(r"to\1", text.replace("'", "").replace("@", " at "))
    text = _DASH_DATE.sub(lambda m: "/".join(g for g in m.groups() if g), text)  # "12-15" is a date, not 12:15
    text = _LETTER_DIGIT.sub(" ", _NOT_WORD.sub(" ", text))
    text = " ".join(_canonical(word) for word in text.split())
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


def _is_time_word(word: str) -> bool:
    return any(ch.isdigit() for ch in word) or _canonical(word) in _VOCABULARY


def _refused(text: str) -> bool:
    """A time word inside a negation ("not friday", "cant do tmrw") is a refusal, not a time."""
    words = plain_words(text, clauses=True, max_chars=MAX_ANSWER_CHARS).split()
    return any(inside and _is_time_word(word) for word, inside in zip(words, negation_scope(words), strict=True))


# ---------------------------------------------------------------- pieces of an answer

DayKind = Literal[
    "soonest",  # no day given: today, else tomorrow
    "offset",  # days from today
    "weekday",
    "this_weekday",
    "next_weekday",
    "weekend",
    "this_weekend",
    "next_weekend",
    "date",
    "day_of_month",
    "months",  # calendar months from today
]


@dataclass(frozen=True)
class _Day:
    kind: DayKind
    value: int = 0  # days, weekday (0 = Monday), day of the month, or months
    month: int = 0
    year: Optional[int] = None
    relative: bool = False  # confirmed as "today"/"tomorrow" rather than as a date
    named_today: bool = False  # "today", "tonight", "this evening": "in an hour" once the usual time has passed


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    meridiem: Optional[str]  # "am", "pm", or None when not said
    twenty_four: bool  # written with a leading zero ("06:30"): a 24-hour clock


@dataclass(frozen=True)
class _Reading:
    days: Tuple[_Day, ...]
    clock: Optional[_Clock]
    part: Optional[str]
    span: Optional[Tuple[int, str]]  # "in 2 hours": (2, "hour"); minutes or hours only


_TODAY = _Day("offset", 0, relative=True, named_today=True)
_SOONEST = _Day("soonest", relative=True)
_MONTHS: Dict[str, int] = {
    name: number
    for number, names in enumerate(
        ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august")
        + ("sep sept september", "oct october", "nov november", "dec december"),
        start=1,
    )
    for name in names.split()
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(WEEKDAYS)

_SPAN = re.compile(
    rf"\bin (?:about |around |just |like |maybe |roughly |abt |bout )?(?P<n>\d{{1,3}}|an?) (?P<unit>{_UNIT_RE})\b"
)
_DATE_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b(?P<mon>{_MONTH_RE}) (?:the )?(?P<day>\d{{1,2}})(?: (?P<year>\d{{4}}))?\b(?! (?:am|pm|oclock)\b)(?![:/])",
        rf"\b(?:the )?(?P<day>\d{{1,2}}) (?:of )?(?P<mon>{_MONTH_RE})(?: (?P<year>\d{{4}}))?\b",
        r"\b(?P<mon>\d{1,2})/(?P<day>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?\b",
        r"\bthe (?P<day>\d{1,2})\b(?! (?:am|pm|oclock)\b)(?![:/])",
    )
)
_CLOCK_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(?P<h>\d{1,2}):(?P<m>\d{2})(?: (?P<mer>am|pm))?\b",
        r"\b(?P<h>\d{1,2})(?P<m>\d{2}) (?P<mer>am|pm)\b",  # "630pm"
        r"\b(?:at|around|about|abt|like|by) (?P<h>1[0-2]|[1-9])(?P<m>[0-5]\d)\b(?![:/])",  # "like 530", "at 1230"
        r"\b(?P<h>\d{1,2}) (?P<m>\d{2}) (?P<mer>am|pm)\b",  # "six thirty pm"
        r"\b(?P<h>\d{1,2}) (?P<mer>am|pm)\b",
        r"\b(?P<h>\d{1,2}) (?P<m>15|30|45)\b",  # "six thirty"
        r"\b(?P<noon>noon)\b",
    )
)
# A number alone is an hour only with a word that says so ("at 6", "6ish") or beside a day or part of the day.
_BARE_HOUR = re.compile(
    r"\b(?P<pre>(?:(?:at|around|about|abt|bout|round|arnd|by|after|approx|approximately) )+)?"
    r"(?P<h>\d{1,2})(?P<post> (?:oclock|ish))?\b(?![:/])"
)
_DAY_OR_PART_BEFORE = re.compile(rf"\b(?:{_DAY_RE}|{_PART_RE})(?: on| at)? $")
_DAY_OR_PART_AFTER = re.compile(rf" (?:in the |at |this |on |on the )?(?:{_DAY_RE}|{_PART_RE})\b")
_PART = re.compile(rf"\b(?:(?P<this>this) |in the |at |during the |the )?(?P<part>{_PART_RE})\b|\bafter work\b")
T = TypeVar("T")


def _take(text: str, pattern: re.Pattern[str], read: Callable[[re.Match[str]], T], found: List[T]) -> str:
    """Each match is read into `found` and blanked, so later patterns and the leftover check skip it."""

    def blank(match: re.Match[str]) -> str:
        found.append(read(match))
        return " # "

    return pattern.sub(blank, text)


def _read_span(match: re.Match[str]) -> Tuple[int, str]:
    n = match.group("n")
    return (1 if n in ("a", "an") else int(n)), match.group("unit")


def _read_date(match: re.Match[str]) -> Optional[_Day]:
    groups = match.groupdict()
    day = int(groups["day"])
    if not 1 <= day <= 31:
        return None
    mon = groups.get("mon")
    if mon is None:
        return _Day("day_of_month", day)
    month = _MONTHS.get(mon) or int(mon)
    if not 1 <= month <= 12:
        return None
    year = groups.get("year")
    full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
    return _Day("date", day, month, full_year)


def _read_clock(match: re.Match[str]) -> _Clock:
    groups = match.groupdict()
    if groups.get("noon"):
        return _Clock(12, 0, "pm", False)
    hour = groups["h"]
    return _Clock(int(hour), int(groups.get("m") or 0), groups.get("mer"), len(hour) == 2 and hour[0] == "0")


def _take_bare_hours(text: str, found: List[_Clock]) -> str:
    def blank(match: re.Match[str]) -> str:
        beside = _DAY_OR_PART_BEFORE.search(text, 0, match.start()) or _DAY_OR_PART_AFTER.match(text, match.end())
        if not (match.group("pre") or match.group("post") or beside):
            return match.group(0)
        found.append(_read_clock(match))
        return " # "

    return _BARE_HOUR.sub(blank, text)


def _read_weekday(match: re.Match[str]) -> Tuple[_Day, Optional[str]]:
    kinds: Dict[Optional[str], DayKind] = {"next": "next_weekday", "this": "this_weekday"}
    kind = kinds.get(match.group("mod"), "weekday")
    return _Day(kind, WEEKDAYS.index(match.group("wd")), named_today=kind == "this_weekday"), None


def _read_weekend(match: re.Match[str]) -> Tuple[_Day, Optional[str]]:
    kinds: Dict[Optional[str], DayKind] = {"next": "next_weekend", "this": "this_weekend"}
    return _Day(kinds.get(match.group("mod"), "weekend")), None


_DAY_RULES: Tuple[Tuple[re.Pattern[str], Callable[[re.Match[str]], Tuple[_Day, Optional[str]]]], ...] = (
    (re.compile(r"\b(?:the )?day after tomorrow\b"), lambda m: (_Day("offset", 2), None)),
    (
        re.compile(
            rf"\b(?:on )?(?P<wd>{_WEEKDAY_RE}) (?:of )?next week\b|\bnext week (?:on )?(?P<wd2>{_WEEKDAY_RE})\b"
        ),
        lambda m: (_Day("next_weekday", WEEKDAYS.index(m.group("wd") or m.group("wd2"))), None),
    ),
    (re.compile(r"\bnext week\b"), lambda m: (_Day("offset", 7), None)),
    (re.compile(rf"\b(?:(?P<mod>next|this|coming|this coming) )?(?:on )?(?P<wd>{_WEEKDAY_RE})\b"), _read_weekday),
    (re.compile(r"\b(?:(?P<mod>next|this) )?weekend\b"), _read_weekend),
    (re.compile(r"\btoday\b"), lambda m: (_TODAY, None)),
    (re.compile(r"\btonight\b"), lambda m: (_TODAY, "night")),
    (re.compile(r"\btomorrow\b"), lambda m: (_Day("offset", 1, relative=True), None)),
)


def _read(words: str) -> Optional[_Reading]:
    """The pieces of time in the answer; None if there are none, they conflict, or some time word is left unread."""
    spans: List[Tuple[int, str]] = []
    dates: List[Optional[_Day]] = []
    clocks: List[_Clock] = []
    days: List[Tuple[_Day, Optional[str]]] = []
    parts: List[Tuple[str, bool]] = []
    words = _take(words, _SPAN, _read_span, spans)
    for pattern in _DATE_PATTERNS:
        words = _take(words, pattern, _read_date, dates)
    for pattern in _CLOCK_PATTERNS:
        words = _take(words, pattern, _read_clock, clocks)
    words = _take_bare_hours(words, clocks)
    for pattern, read in _DAY_RULES:
        words = _take(words, pattern, read, days)
    words = _take(words, _PART, lambda m: (m.group("part") or "evening", bool(m.group("this"))), parts)
    if recognised_words().leftover_time.search(words) or None in dates or len(clocks) > 1 or len(spans) > 1:
        return None
    named_parts = {part for part, _ in parts} | {part for _, part in days if part}
    if len(named_parts) > 1:
        return None
    part = next(iter(named_parts), None)
    clock = clocks[0] if clocks else None
    day_list = [day for day in dates if day] + [day for day, _ in days]
    if spans:
        amount, unit = spans[0]
        if unit in ("minute", "hour"):
            return None if day_list or clock or part else _Reading((), None, None, (amount, unit))
        if amount == 0:
            return None
        days_ahead = amount * (7 if unit == "week" else 1)
        day_list.append(_Day("months", amount) if unit == "month" else _Day("offset", days_ahead))
    if not day_list and any(this for _, this in parts):
        day_list.append(_TODAY)
    if not (day_list or clock or part):
        return None
    return _Reading(tuple(day_list), clock, part, None)


# ---------------------------------------------------------------- from pieces to a moment

# A bare hour with a part of the day: which 24-hour hour it is ("8 tonight" is 20:00; "2 tonight" is not read).
_PART_HOURS: Dict[str, Dict[int, int]] = {
    "morning": {h: h for h in range(1, 12)},
    "lunch": {11: 11, 12: 12, 1: 13, 2: 14},
    "afternoon": {12: 12, **{h: h + 12 for h in range(1, 7)}},
    "evening": {h: h + 12 for h in range(4, 12)},
    "night": {h: h + 12 for h in range(6, 12)},
}
_PART_MERIDIEM = {"morning": "am", "afternoon": "pm", "evening": "pm", "night": "pm"}


def _clock_times(clock: _Clock, part: Optional[str]) -> List[time]:
    """The times a person may mean, likeliest first; empty if the clock cannot be read."""
    hour, minute = clock.hour, clock.minute
    if minute > 59 or hour > 23:
        return []
    if clock.meridiem:
        if not 1 <= hour <= 12 or _PART_MERIDIEM.get(part or "", clock.meridiem) != clock.meridiem:
            return []
        return [time(hour % 12 + (12 if clock.meridiem == "pm" else 0), minute)]
    if clock.twenty_four or hour == 0 or hour > 12:
        return [time(hour, minute)]
    if part is not None:
        hours = _PART_HOURS[part]
        return [time(hours[hour], minute)] if hour in hours else []
    if hour == 12:
        return [time(12, minute)]
    if hour <= 6:  # nobody asks for a check-in at 5 am
        return [time(hour + 12, minute)]
    return [time(hour, minute), time(hour + 12, minute)]  # "at 8": 8 am, or 8 pm if 8 am has passed


def _date_or_none(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:  # Feb 30, or a year out of range
        return None


def _candidate_dates(day: _Day, today: date) -> List[date]:
    """The dates a day phrase may mean, in order: the first whose time is far enough ahead is used."""
    weekday = today.weekday()
    next_monday = today + timedelta(days=7 - weekday)
    saturday = today + timedelta(days=5 - weekday) if weekday < 6 else today - timedelta(days=1)
    if day.kind == "soonest":
        return [today, today + timedelta(days=1)]
    if day.kind == "offset":
        return [today + timedelta(days=day.value)]
    if day.kind == "this_weekday" and day.value == weekday:
        return [today]
    if day.kind in ("weekday", "this_weekday"):  # never today: today would be "today"
        return [today + timedelta(days=(day.value - weekday - 1) % 7 + 1)]
    if day.kind == "next_weekday":  # that day in the next Monday-to-Sunday week
        return [next_monday + timedelta(days=day.value)]
    if day.kind == "next_weekend":
        return [next_monday + timedelta(days=5)]
    if day.kind in ("weekend", "this_weekend"):
        this_weekend = [d for d in (saturday, saturday + timedelta(days=1)) if d >= today]
        return this_weekend if day.kind == "this_weekend" else [*this_weekend, saturday + timedelta(days=7)]
    if day.kind == "months":
        month_index = today.month - 1 + day.value
        year, month = today.year + month_index // 12, month_index % 12 + 1
        return [date(year, month, min(today.day, calendar.monthrange(year, month)[1]))]
    if day.kind == "date":
        years = [day.year] if day.year else [today.year, today.year + 1]
        dates = (_date_or_none(year, day.month, day.value) for year in years)
        return [d for d in dates if d and d >= today][:1]
    months = [(today.year + (today.month - 1 + i) // 12, (today.month - 1 + i) % 12 + 1) for i in range(3)]
    dates = (_date_or_none(year, month, day.value) for year, month in months)
    return [d for d in dates if d and d >= today]


def _admits(day: _Day, chosen: date, today: date) -> bool:
    if day.kind in ("weekday", "this_weekday", "next_weekday"):
        return chosen.weekday() == day.value
    if day.kind in ("weekend", "this_weekend", "next_weekend"):
        return chosen.weekday() >= 5
    return chosen in _candidate_dates(day, today)


def _one_day(days: Sequence[_Day], today: date) -> Optional[_Day]:
    """Several day words must agree ("friday dec 11", "tomorrow thursday"); a date wins over a weekday."""
    if len(days) == 1:
        return days[0]
    exact = [day for day in days if day.kind in ("date", "day_of_month")] or list(days)
    firsts = {tuple(_candidate_dates(day, today)[:1]) for day in exact}
    if len(firsts) != 1:
        return None
    first = firsts.pop()
    if not first or not all(_admits(day, first[0], today) for day in days):
        return None
    chosen = first[0]
    return _Day("date", chosen.day, chosen.month, chosen.year, relative=any(day.relative for day in days))


def _wall(day: date, clock: time, zone: tzinfo, fold: int = 0) -> datetime:
    """`day clock` on the local wall clock, as a real moment: a time skipped when clocks spring forward
    moves on by the jump (2:30 -> 3:30), and of a time repeated when they fall back the first is taken
    (`fold=1`: the second)."""
    local = datetime.combine(day, clock).replace(tzinfo=zone, fold=fold)
    return local.astimezone(timezone.utc).astimezone(zone)


def _round_up(moment: datetime, zone: tzinfo) -> datetime:
    step = ROUND_TO.total_seconds()
    return datetime.fromtimestamp(math.ceil(moment.timestamp() / step) * step, zone)


def _ahead(later: datetime, earlier: datetime) -> timedelta:
    """Real time between two moments (subtracting within one zone would give wall-clock time, wrong across DST)."""
    return later.astimezone(timezone.utc) - earlier.astimezone(timezone.utc)


_TODAY_WORDS: Dict[Optional[str], str] = {
    None: "today",
    "morning": "this morning",
    "lunch": "today at lunchtime",
    "afternoon": "this afternoon",
    "evening": "this evening",
    "night": "tonight",
}
_TOMORROW_PARTS: Dict[Optional[str], str] = {
    None: "",
    "morning": " morning",
    "lunch": " at lunchtime",
    "afternoon": " afternoon",
    "evening": " evening",
    "night": " night",
}
_DATED_PARTS: Dict[Optional[str], str] = {
    None: "",
    "morning": " in the morning",
    "lunch": " at lunchtime",
    "afternoon": " in the afternoon",
    "evening": " in the evening",
    "night": " at night",
}


def _day_words(day: date, today: date, relative: bool, part: Optional[str]) -> str:
    if relative and day == today:
        return _TODAY_WORDS[part]
    if relative and day == today + timedelta(days=1):
        return "tomorrow" + _TOMORROW_PARTS[part]
    return f"{_WEEKDAY_TITLES[day.weekday()]} {_MONTH_TITLES[day.month - 1]} {day.day}" + _DATED_PARTS[part]


def _clock_words(moment: datetime) -> str:
    if (moment.hour, moment.minute) == (12, 0):
        return "noon"
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    hour = f"{moment.hour % 12 or 12}" + (f":{moment.minute:02d}" if moment.minute else "")
    return f"{hour} {'am' if moment.hour < 12 else 'pm'}"


def _describe(at: datetime, today: date, day: _Day, part: Optional[str], exact: bool) -> str:
    if not exact:
        return f"{_day_words(at.date(), today, day.relative, part)} (around {_clock_words(at)})"
    tonight = part == "night" and day.relative and at.date() == today  # "tonight at 8 pm"; else the part goes unsaid
    return f"{_day_words(at.date(), today, day.relative, part if tonight else None)} at {_clock_words(at)}"


def _after(span: Tuple[int, str], now: datetime) -> Optional[When]:
    amount, unit = span
    delta = timedelta(minutes=amount) if unit == "minute" else timedelta(hours=amount)
    if delta < MIN_LEAD:
        return None
    assert now.tzinfo is not None
    at = _round_up(now.astimezone(timezone.utc) + delta, now.tzinfo)
    if (at.date() - now.date()).days > MAX_DAYS_AHEAD:
        return None
    on_day = "" if at.date() == now.date() else " " + _day_words(at.date(), now.date(), True, None)
    unit_words = unit if amount == 1 else unit + "s"
    return When(at, f"in {amount} {unit_words} (around {_clock_words(at)}{on_day})", exact_time=False)


def _later_today(now: datetime, part: Optional[str]) -> Optional[When]:
    """Today's usual time for what they named has passed: about an hour from now, while that part of the day lasts."""
    if part in PART_ENDS and now.time() >= PART_ENDS[part]:
        return None
    assert now.tzinfo is not None
    at = _round_up(now.astimezone(timezone.utc) + LATER_TODAY, now.tzinfo)
    if part != "night" and at.date() != now.date():
        return None
    return When(at, f"{_TODAY_WORDS[part] if part else 'later today'} (around {_clock_words(at)})", exact_time=False)


def _resolve(reading: _Reading, now: datetime) -> Optional[When]:
    assert now.tzinfo is not None
    if reading.span is not None:
        return _after(reading.span, now)
    today = now.date()
    day = _one_day(reading.days, today) if reading.days else _SOONEST
    if day is None:
        return None
    if reading.clock is not None:
        times = _clock_times(reading.clock, reading.part)
    else:
        times = [PART_TIMES[reading.part] if reading.part else DAY_DEFAULT]
    dates = _candidate_dates(day, today)
    for candidate in dates:
        if (candidate - today).days > MAX_DAYS_AHEAD:
            return None
        for clock in times:
            at = _wall(candidate, clock, now.tzinfo)
            if _ahead(at, now) >= MIN_LEAD:
                exact = reading.clock is not None
                return When(at, _describe(at, today, day, reading.part, exact), exact)
    if day.named_today and reading.clock is None and dates == [today]:
        return _later_today(now, reading.part)
    return None


# ---------------------------------------------------------------- zones


@lru_cache(maxsize=1)
def _zone_names() -> Dict[str, str]:
    """Every IANA zone on this machine, by its lower-case name (people type "america/chicago")."""
    return {name.lower(): name for name in available_timezones()}


def _zone(tz: Union[ZoneInfo, str]) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    name = _zone_names().get(str(tz).lower())
    if name is None:
        raise ValueError(f"unknown time zone {tz!r}: expected an IANA name such as 'America/Chicago'")
    return ZoneInfo(name)


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (a naive time could be in any zone)")
    return moment


def describe_at(at: datetime, now: datetime) -> str:
    """The words for a moment the bot chose itself (a time moved out of quiet hours): "tomorrow at 9 am"."""
    local_now = _aware(now, "now").astimezone(_aware(at, "at").tzinfo)
    return f"{_day_words(at.date(), local_now.date(), True, None)} at {_clock_words(at)}"


def describe_quiet(quiet: "QuietHours") -> str:
    """ "9 pm and 9 am": the quiet hours as the bot says them."""
    return f"{_clock_words(datetime.combine(date.today(), quiet.start))} and " + _clock_words(
        datetime.combine(date.today(), quiet.end)
    )


def parse_when(text: object, now: datetime, tz: Union[ZoneInfo, str]) -> Optional[When]:
    """When the person wants the check-in, read in their zone `tz`; None if the answer is not a usable time.

    Anything the person typed gives a `When` or None, never an exception (non-text, 100 kB, emoji, markup).
    ValueError only for the caller's mistakes: a naive `now` or an unknown zone.
    """
    zone = _zone(tz)
    local_now = _aware(now, "now").astimezone(zone)
    if not isinstance(text, str) or len(text) > MAX_ANSWER_CHARS or _refused(text):
        return None
    words = _SAME_TIME.sub(f"at {local_now:%H:%M}", _words(text))  # "same time tmrw": the clock time of now
    reading = _read(words)
    return _resolve(reading, local_now) if reading else None


# ---------------------------------------------------------------- quiet hours


@dataclass(frozen=True)
class QuietHours:
    """Local hours when no check-in is sent; start after end means the period wraps past midnight (21:00-09:00)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError(f"quiet hours start and end are both {self.start:%H:%M}: give two different times")


_QUIET_SETTING = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})\s*$", re.ASCII)


def parse_quiet_hours(setting: str) -> QuietHours:
    """Quiet hours from a setting such as "21:00-09:00" (24-hour local times, start-end)."""
    match = _QUIET_SETTING.match(setting) if isinstance(setting, str) else None
    if match:
        start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
        if start_h < 24 and end_h < 24 and start_m < 60 and end_m < 60:
            return QuietHours(time(start_h, start_m), time(end_h, end_m))
    raise ValueError(f"quiet hours must be two 24-hour local times, start-end, such as '21:00-09:00'; got {setting!r}")


def is_quiet(at: datetime, quiet: QuietHours) -> bool:
    """Whether `at` falls in quiet hours on the wall clock of its own zone."""
    wall = _aware(at, "at").time()
    if quiet.start < quiet.end:
        return quiet.start <= wall < quiet.end
    return wall >= quiet.start or wall < quiet.end


def next_allowed(at: datetime, quiet: QuietHours) -> datetime:
    """`at` itself, or, if it falls in quiet hours, the moment those quiet hours end (in `at`'s zone)."""
    if not is_quiet(at, quiet):
        return at
    zone = at.tzinfo
    assert zone is not None
    wraps_to_tomorrow = quiet.start > quiet.end and at.time() >= quiet.start
    end_day = at.date() + timedelta(days=1) if wraps_to_tomorrow else at.date()
    end = _wall(end_day, quiet.end, zone)
    if _ahead(end, at) <= timedelta(0):  # the end falls in a repeated hour and `at` is in its second pass
        end = _wall(end_day, quiet.end, zone, fold=1)
    return end


# ---------------------------------------------------------------- time zones

# States and territories wholly in one zone, for a ZIP whose record has none. Split states (AK, AZ with the
# Navajo Nation's daylight time, FL, ID, IN, KS, KY, MI, ND, NE, NV, OR, SD, TN, TX) are left out: no guess.
STATE_ZONES: Dict[str, str] = {
    **dict.fromkeys(
        "CT DC DE GA MA MD ME NC NH NJ NY OH PA RI SC VA VT WV".split(),
        "America/New_York",
    ),
    **dict.fromkeys("AL AR IA IL LA MN MO MS OK WI".split(), "America/Chicago"),
    **dict.fromkeys("CO MT NM UT WY".split(), "America/Denver"),
    **dict.fromkeys("CA WA".split(), "America/Los_Angeles"),
    "HI": "Pacific/Honolulu",
    "PR": "America/Puerto_Rico",
    "VI": "America/St_Thomas",
    "GU": "Pacific/Guam",
    "MP": "Pacific/Saipan",
    "AS": "Pacific/Pago_Pago",
}


def timezone_for_zip(zip_code: str) -> Optional[str]:
    """The IANA zone of a US ZIP code: the ZIP's own, else its state's if the state has one zone; else None."""
    place = lookup_zip(zip_code)
    if place is None:
        return None
    if place.timezone and _zone_names().get(place.timezone.lower()) == place.timezone:
        return place.timezone
    return STATE_ZONES.get(place.state)


_IANA_TYPED = re.compile(r"\b[a-z]+(?:/[a-z0-9_+-]+)+")


@lru_cache(maxsize=1024)
def _zone_word(word: str, typos: Tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, typos, n=1, cutoff=0.8) if len(word) >= 5 else []
    return close[0] if close else word


def parse_timezone_answer(text: object) -> Optional[str]:
    """The IANA zone named in an answer ("eastern", "PT", "arizona", "America/Chicago"); None if none or several."""
    if not isinstance(text, str) or len(text) > MAX_ANSWER_CHARS:
        return None
    typed = {_zone_names().get(name) for name in _IANA_TYPED.findall(normalise(text))} - {None}
    if typed:
        return typed.pop() if len(typed) == 1 else None
    known = recognised_words()
    words = " ".join(_zone_word(word, known.zone_typos) for word in plain_words(text).split())
    found = {zone for zone, pattern in known.zone_answers if pattern.search(words)}
    if "America/Phoenix" in found:  # "arizona, mountain time": Arizona keeps standard time all year
        found.discard("America/Denver")
    return found.pop() if len(found) == 1 else None
