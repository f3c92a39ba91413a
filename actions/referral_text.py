"""Writing what Lantern says in the referral conversation: questions, options, national fallbacks.

The words are in actions/phrases/referral.yml (lines with their MI codes, and fragments for
service names and the parts of an option); this module only chooses the line, fills it and
packs the pieces into SMS-sized messages (each at most 320 characters, at most three a turn:
actions.base.MAX_MESSAGES). Reading what the person said is in actions/referral_parse.py;
its names are re-exported here so the flow has one import for its pure helpers.

Messages follow /work/shared/mi-style.md: plain words, no labels, no "you should", no emoji,
and the person can always say no.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from actions.base import MAX_MESSAGES
from actions.phrases import Message, fragment, say
from actions.referral_parse import (  # noqa: F401  (re-exported: the flow's pure helpers, one import)
    ANY_NEED,
    ANYWHERE,
    CRISIS_INTENTS,
    DECLINE_INTENTS,
    PASS_THROUGH_INTENTS,
    FormTurn,
    PlaceGuess,
    PlaceLookup,
    canonical_needs,
    decide_form_turn,
    is_decline,
    is_dont_know,
    is_negated,
    need_codes,
    normalise,
    parse_choice,
    parse_needs,
    parse_place,
    state_answer,
    state_name,
    wants_more,
)
from lantern.text import MESSAGE_CHARS

SMS_LIMIT = MESSAGE_CHARS  # two SMS segments (lantern/text.py)
PAGE_SIZE = 3

# The leads and closing question of national options, by name (module attributes, read on first use).
LEADS: Dict[str, str] = {
    "ANYWHERE_LEAD": "referral.lead.anywhere",
    "NO_MORE_LEAD": "referral.lead.no_more",
    "ERROR_LEAD": "referral.lead.error",
    "AFTER_NATIONAL": "referral.after_national",
}


def __getattr__(name: str) -> Message:
    """`ANYWHERE_LEAD`, `NO_MORE_LEAD`, `ERROR_LEAD`, `AFTER_NATIONAL`: fixed lines, read from YAML when first used."""
    if name in LEADS:
        return say(LEADS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def need_label(codes: Sequence[str]) -> str:
    """'naloxone (Narcan)', 'food or shelter or housing', ... for messages."""
    names = [fragment(f"referral.need.{c}", "label") if c in need_codes() else c.replace("_", " ") for c in codes]
    return join_or(names or [fragment(f"referral.need.{ANY_NEED}", "label")])


def join_or(items: Sequence[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return fragment("referral.need.join", "other").join(items[:-1]) + fragment("referral.need.join", "last") + items[-1]


# ---------------------------------------------------------------- the questions


def ask_need(retry: Optional[str], place_label: Optional[str]) -> Message:
    """The question for what kind of help, worded for the first ask or a re-ask."""
    if retry == "idk_need":
        return say("referral.ask_need.idk")
    if retry == "unclear_need":
        return say("referral.ask_need.unclear")
    if place_label:
        return say("referral.ask_need.first_near", place=place_label)
    return say("referral.ask_need.first")


def ask_place(retry: Optional[str], needs: Sequence[str]) -> Message:
    """The question for where to look, worded for the first ask or after something went wrong."""
    kind, _, detail = (retry or "").partition(":")
    if kind == "unknown_zip":
        if detail and detail.isdigit():
            return say("referral.ask_place.unknown_zip", zip=detail)
        return say("referral.ask_place.unknown_zip_unseen")
    if kind == "unknown_city":
        return say("referral.ask_place.unknown_city")
    if kind == "ambiguous_city":
        return (
            say("referral.ask_place.ambiguous_city", town=detail)
            if detail
            else say("referral.ask_place.ambiguous_city_unnamed")
        )
    if kind == "state_only":
        return say("referral.ask_place.state_only", state=state_name(detail))
    if kind in ("idk_place", "near_me", "unclear_place"):
        return say(f"referral.ask_place.{kind.replace('_place', '')}")
    if needs and ANY_NEED not in needs:
        return say("referral.ask_place.first_for_need", need=need_label(needs))
    return say("referral.ask_place.first")


def declined_message() -> Message:
    return say("referral.declined")


def no_thanks_message() -> Message:
    """'No thanks' when no options were on the table: respected, without talk of searching."""
    return say("referral.no_thanks")


def look_again_message() -> Message:
    return say("referral.look_again")


def gave_up_message() -> Message:
    return say("referral.gave_up")


def nothing_to_show_message() -> Message:
    return say("referral.nothing_to_show")


# ---------------------------------------------------------------- options


@dataclass(frozen=True)
class Option:
    """One service as shown to a person (built from a directory Result)."""

    name: str
    organization: str = ""
    address: Optional[str] = None
    phone: Optional[str] = None
    miles: Optional[float] = None
    approximate: bool = False
    open_now: Optional[bool] = None
    hours: Tuple[str, ...] = ()
    free: bool = False
    walk_in: bool = False
    no_insurance: bool = False
    about: str = ""
    types: Tuple[str, ...] = ()

    @property
    def title(self) -> str:
        org = self.organization.strip()
        if not org or org.lower() in self.name.lower():
            return self.name
        return f"{self.name}, {org}"

    def remember(self) -> Dict[str, Any]:
        """The few fields kept in the conversation so the person can pick this one later."""
        return {
            "title": self.title,
            "address": self.address,
            "phone": self.phone,
            "hours": human_hours(self.hours),
            "types": list(self.types),
        }


_DAY_NAMES = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat", "SU": "Sun"}
_DAY_ORDER = list(_DAY_NAMES)
_ORDINALS = {"1": "1st", "2": "2nd", "3": "3rd", "4": "4th", "5": "5th", "-1": "last"}
_HOURS_LINE = re.compile(r"^(?P<days>\S+) (?P<open>\d{2}):(?P<om>\d{2})-(?P<close>\d{2}):(?P<cm>\d{2})$")


def _hours_word(name: str, **fill: Any) -> str:
    return fragment("referral.hours", name, **fill)


def _clock(hour: int, minute: int) -> str:
    if hour in (0, 24) and minute == 0:
        return _hours_word("midnight")
    if hour == 12 and minute == 0:
        return _hours_word("noon")
    suffix = "am" if hour % 24 < 12 else "pm"
    h = hour % 12 or 12
    return f"{h}{suffix}" if minute == 0 else f"{h}:{minute:02d}{suffix}"


def _days(spec: str) -> Optional[str]:
    if spec == "daily":
        return _hours_word("daily")
    parts = spec.split(",")
    plain = [p for p in parts if p in _DAY_NAMES]
    if len(plain) == len(parts):
        idx = sorted(_DAY_ORDER.index(p) for p in plain)
        if len(idx) == 7:
            return _hours_word("daily")
        runs: List[List[int]] = []
        for i in idx:
            if runs and i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        out = []
        for run in runs:
            a, b = _DAY_NAMES[_DAY_ORDER[run[0]]], _DAY_NAMES[_DAY_ORDER[run[-1]]]
            out.append(a if len(run) == 1 else (f"{a}, {b}" if len(run) == 2 else f"{a}-{b}"))
        return ", ".join(out)
    nth = []
    for p in parts:
        m = re.fullmatch(r"(-?\d)([A-Z]{2})", p)
        if not m or m.group(2) not in _DAY_NAMES:
            return None
        nth.append(f"{_ORDINALS.get(m.group(1), m.group(1))} {_DAY_NAMES[m.group(2)]}")
    return _hours_word("of_the_month", days=", ".join(nth))


def human_hours(lines: Sequence[str], max_len: int = 80) -> str:
    """'MO,TU,WE,TH,FR 08:00-17:00' -> 'Mon-Fri 8am-5pm'; all week 00:00-24:00 -> 'open 24/7'."""
    out: List[str] = []
    for line in lines or ():
        m = _HOURS_LINE.match(line.strip())
        if not m:
            continue  # closures and unusual rules: left to a phone call
        days = _days(m.group("days"))
        if days is None:
            continue
        o, c = (int(m.group("open")), int(m.group("om"))), (int(m.group("close")), int(m.group("cm")))
        if days == _hours_word("daily") and o == (0, 0) and c in ((24, 0), (0, 0), (23, 59)):
            return _hours_word("always")
        text = f"{days} {_clock(*o)}-{_clock(*c)}"
        if len("; ".join(out + [text])) > max_len:
            out.append(_hours_word("other_times"))
            break
        out.append(text)
    return "; ".join(out)


def first_sentence(text: Optional[str], max_len: int = 140) -> str:
    """The first sentence of a description (the 'one line about it')."""
    t = " ".join((text or "").split())
    m = re.search(r"(?<=[.!?])\s", t)
    sentence = t[: m.start()] if m else t
    return shorten(sentence, max_len)


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters (with '...' when cut)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    if limit < 4:
        return ""
    cut = text[: limit - 3].rsplit(" ", 1)[0].rstrip(",;:.- ")
    return (cut or text[: limit - 3]) + "..."


_ADDRESS_TAIL = re.compile(r",?\s*[A-Z]{2}\s+\d{5}(-\d{4})?\s*$")


def _option_word(name: str, **fill: Any) -> str:
    return fragment("referral.option", name, **fill)


def _core(option: Option, number: Optional[int]) -> str:
    parts = [f"{number}) {option.title}" if number else option.title]
    if option.address:
        where = _ADDRESS_TAIL.sub("", option.address)  # '..., Dayton, OH 45402' -> '..., Dayton'
        if option.miles is not None:
            distance = "distance_approximate" if option.approximate else "distance"
            where += f" ({_option_word(distance, miles=f'{option.miles:.1f}')})"
        parts.append(where)
    parts.append(option.phone or _option_word("no_phone"))
    hours = human_hours(option.hours)
    state = None if option.open_now is None else _option_word("open_now" if option.open_now else "closed_now")
    if hours == _hours_word("always"):
        parts.append(_option_word("open_24_7"))
    elif hours:
        parts.append(f"{state}; {hours}" if state else hours)
    else:
        parts.append(_option_word("call_for_hours"))
    access = [
        _option_word(w)
        for w, on in (
            ("free", option.free),
            ("walk_in", option.walk_in),
            ("no_insurance", option.no_insurance and not option.free),
        )
        if on
    ]
    if access:
        joined = ", ".join(access)
        parts.append(joined[0].upper() + joined[1:])
    return ". ".join(p.rstrip(".") for p in parts) + "."


def render_option(option: Option, number: Optional[int], budget: int = SMS_LIMIT) -> str:
    """One option in at most `budget` characters: name, address, phone, hours, access, one line about it."""
    core = _core(option, number)
    if len(core) > budget:
        return shorten(core, budget)
    about = first_sentence(option.about)
    room = budget - len(core) - 1
    if about and room >= 30:
        return f"{core} {shorten(about, room)}"
    return core


def offer_question(has_more: bool, count: int = 2) -> Message:
    """Which fits, with 'more' and a way out named every time."""
    if has_more:
        return say("referral.options.which")
    return say("referral.options.last_one" if count == 1 else "referral.options.last_many")


def options_intro(place_label: str, needs: Sequence[str], count: int, more_page: bool) -> Message:
    """'Places for X near Y, nearest first:' and its variants for one option or a further page."""
    key = ("referral.options.more" if more_page else "referral.options.intro") + ("_one" if count == 1 else "")
    if not needs or ANY_NEED in needs:
        return say(key, place=place_label)
    return say(key + "_for_need", place=place_label, need=need_label(needs))


def options_messages(
    options: Sequence[Option],
    place_label: str,
    needs: Sequence[str],
    has_more: bool,
    start_number: int = 1,
    more_page: bool = False,
) -> List[Message]:
    """Up to three options as at most three SMS-sized messages, ending with 'which fits?'.

    Three options: the intro rides on the first and the question on the last. Two: the
    question is its own message. One: intro, option and question each get a message.
    """
    options = list(options)[:PAGE_SIZE]
    if not options:
        return []
    n = len(options)
    lead = options_intro(place_label, needs, n, more_page)
    intro = shorten(lead.text, 140)
    question = offer_question(has_more, n)
    out: List[Message] = []
    if n == 1:
        out.append(Message(intro, lead.mi))
    for i, option in enumerate(options):
        prefix = intro + "\n" if (i == 0 and n > 1) else ""
        suffix = "\n" + question.text if (i == n - 1 and n == MAX_MESSAGES) else ""
        budget = SMS_LIMIT - len(prefix) - len(suffix)
        out.append(Message(prefix + render_option(option, start_number + i, budget) + suffix, "information"))
    if n < MAX_MESSAGES:
        out.append(question)
    return out


@dataclass(frozen=True)
class National:
    """A national resource as shown (from lantern.directory.national)."""

    name: str
    what: str
    phone: Optional[str] = None
    text: Optional[str] = None
    url: Optional[str] = None


def render_national(r: National) -> str:
    """'Name: what it is (call 1-800-..., or the web address when there is no number).'"""
    contact = []
    if r.phone and r.text and r.phone == r.text:
        contact.append(fragment("referral.contact", "call_or_text", number=r.phone))
    else:
        if r.phone:
            contact.append(fragment("referral.contact", "call", number=r.phone))
        if r.text:
            contact.append(fragment("referral.contact", "text", number=r.text))
    if r.url and not contact:
        contact.append(r.url.replace("https://", "").replace("http://", "").rstrip("/"))
    what = r.what.strip().rstrip(".")
    return f"{r.name}: {what} ({', '.join(contact)})." if contact else f"{r.name}: {what}."


def pack(pieces: Sequence[Tuple[str, str]], limit: int = SMS_LIMIT) -> List[Message]:
    """Join consecutive (text, mi) pieces into as few messages of at most `limit` characters as fit."""
    out: List[Message] = []
    for text, mi in pieces:
        text = shorten(text, limit)
        if out and len(out[-1].text) + 1 + len(text) <= limit:
            out[-1] = Message(out[-1].text + "\n" + text, out[-1].mi)
        else:
            out.append(Message(text, mi))
    return out


Lead = Union[Message, str]


def _as_message(lead: Lead, mi: str) -> Message:
    return lead if isinstance(lead, Message) else Message(lead, mi)


def national_messages(lead: Lead, resources: Sequence[National], closing: Optional[Lead] = None) -> List[Message]:
    """An honest lead-in, up to two national options and an optional question: at most three messages."""
    first = _as_message(lead, "information")
    lines = [render_national(r) for r in resources[:2]]
    text = first.text
    if not lines:
        text = text.rsplit(". ", 1)[0].rstrip(".:") + ". " + say("referral.national.none").text
    tail = [(last.text, last.mi) for last in [_as_message(closing, "open_question")]] if closing is not None else []
    for keep in range(len(lines), -1, -1):
        messages = pack([(text, first.mi)] + [(line, "information") for line in lines[:keep]] + tail)
        if len(messages) <= MAX_MESSAGES:
            return messages
    return pack([(text, first.mi)])[:MAX_MESSAGES]


def no_results_lead(needs: Sequence[str], place_label: str, searched_miles: float) -> Message:
    if searched_miles:
        return say(
            "referral.lead.no_results_within", need=need_label(needs), miles=f"{searched_miles:.0f}", place=place_label
        )
    return say("referral.lead.no_results", need=need_label(needs), place=place_label)


def unknown_place_lead(status: str, place_label: str) -> Message:
    if status == "unknown_zip":
        return say("referral.lead.unknown_zip", zip=place_label)
    return say("referral.lead.unknown_place")


# ---------------------------------------------------------------- which one?


def chosen_messages(item: Dict[str, Any]) -> List[Message]:
    """The picked option again in one message, then an affirmation and an open question about next steps."""
    parts = [item.get("title") or _option_word("unnamed")]
    if item.get("address"):
        parts.append(str(item["address"]))
    parts.append(str(item.get("phone") or _option_word("no_phone")))
    if item.get("hours"):
        parts.append(str(item["hours"]))
    details = shorten(". ".join(p.rstrip(".") for p in parts) + ".", SMS_LIMIT)
    return [Message(details, "information"), say("referral.chosen.next")]


def which_one_message(n: int) -> Message:
    return say("referral.which_one", numbers=join_or([str(i) for i in range(1, n + 1)]) if n > 1 else "1")
