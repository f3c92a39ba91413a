"""Reading what the person says in the referral conversation: what kind of help, where, which one, yes or no.

No Rasa, no database, no wording: plain functions over strings, so the form's decisions can
be unit-tested. Place names are checked through a `PlaceLookup` (the real one, backed by the
ZIP table and the directory, is in actions/referral.py).

The words recognised (service slang, "idk", "no thanks", "more", "anywhere", "near me") are
data in actions/phrases/referral_words.yml, read and schema-checked on first use (`recognised_words()`);
the rules that combine them (negation, "that works", "NA" in capitals, towns and states) stay here.
`normalise` and `is_negated` are the referral flow's own text normaliser and negation test,
one function each, so a shared one (lantern/text.py) can replace them in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Pattern, Protocol, Sequence, Tuple

from actions.phrases import fragment
from lantern.crisis.registry import CRISIS_INTENTS
from lantern.directory import TYPE_CODES
from lantern.directory.zipgeo import STATE_NAMES
from lantern.text import plain_words
from lantern.word_lists import alternatives
from lantern.yaml_text import load_yaml

WORDS_FILE = Path(__file__).resolve().parent / "phrases" / "referral_words.yml"

# Intents the form lets other rules answer (the form is rejected, a rule replies).
PASS_THROUGH_INTENTS = CRISIS_INTENTS + ("stop", "goodbye", "bot_challenge")
QUESTION_INTENT = "ask_info"  # a question for the knowledge base: passed through unless it names a need or place
# Messages about something else, handed back to their own rules (data/rules/referral.yml) when they name no need
# or place and are at least HAND_BACK_WORDS long ("the VA had me on a waiting list for 4 months last time").
HAND_BACK_INTENTS = ("share", "report_step", "concerned_other", "return_to_use", "nlu_fallback")
HAND_BACK_WORDS = 5
DECLINE_INTENTS = ("referral_decline", "deny")  # deny: the MI flows' plain "no" (data/nlu/dialogue_acts.yml)
_SOMETHING_ELSE = re.compile(r"\b(something|somewhere) else\b|\bdifferent\b")

ANY_NEED = "any"  # "anything near me": search every type
ANYWHERE = "anywhere"  # no place given on purpose: national options only

# ---------------------------------------------------------------- the recognised words (YAML)

# Lists of alternatives in referral_words.yml besides `needs`, and how each is anchored.
WORD_LISTS: Dict[str, Tuple[str, str]] = {
    "anything": ("^(", ")$"),
    "dont_know": (r"\b(", r")\b"),
    "decline_whole": ("^(", r")\b"),
    "decline_anywhere": (r"\b(", r")\b"),
    "more": (r"\b(", r")\b"),
    "anywhere": (r"\b(", r")\b"),
    "near_me": (r"\b(", r")\b"),
}


@dataclass(frozen=True)
class Words:
    """referral_words.yml compiled: need rules in order, and one pattern per list of short answers."""

    needs: Tuple[Tuple[str, Pattern[str]], ...]
    anything: Pattern[str]
    dont_know: Pattern[str]
    decline: Pattern[str]
    more: Pattern[str]
    anywhere: Pattern[str]
    near_me: Pattern[str]


def check_words(data: Mapping[str, Any], name: str = WORDS_FILE.name) -> Words:
    """The schema: every need is a Lantern service type, every list holds valid patterns, nothing unknown."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{name}: expected a mapping")
    unknown = set(data) - {"needs", *WORD_LISTS}
    missing = {"needs", *WORD_LISTS} - set(data)
    if unknown or missing:
        raise ValueError(f"{name}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    needs = data["needs"]
    if not isinstance(needs, Mapping) or not needs:
        raise ValueError(f"{name}: needs: expected a mapping of service type -> words")
    not_types = [code for code in needs if code not in TYPE_CODES]
    if not_types:
        raise ValueError(f"{name}: needs: not Lantern service types: {not_types}")
    need_rules = tuple(
        (code, re.compile(rf"\b(?:{'|'.join(alternatives(f'{name}: needs.{code}', words))})\b"))
        for code, words in needs.items()
    )
    lists = {key: "|".join(alternatives(f"{name}: {key}", data[key])) for key in WORD_LISTS}
    compiled = {key: re.compile(WORD_LISTS[key][0] + lists[key] + WORD_LISTS[key][1]) for key in WORD_LISTS}
    decline = re.compile(compiled["decline_whole"].pattern + "|" + compiled["decline_anywhere"].pattern)
    return Words(
        needs=need_rules,
        anything=compiled["anything"],
        dont_know=compiled["dont_know"],
        decline=decline,
        more=compiled["more"],
        anywhere=compiled["anywhere"],
        near_me=compiled["near_me"],
    )


@lru_cache(maxsize=1)
def recognised_words() -> Words:
    """The recognised words, read once on first use (not at import)."""
    return check_words(load_yaml(WORDS_FILE.read_text(encoding="utf-8")) or {})


def need_codes() -> Tuple[str, ...]:
    """The need codes the words know, in the file's order, plus 'any'."""
    return tuple(code for code, _ in recognised_words().needs) + (ANY_NEED,)


# ---------------------------------------------------------------- normalising and negation


def normalise(text: Optional[str]) -> str:
    """Bare words for keyword matching (lantern.text.plain_words: folded, apostrophes dropped)."""
    return plain_words(text)


def _clauses(text: Optional[str]) -> str:
    """Like `normalise`, but a comma or full stop stays as ' | ' so 'not narcan, subs' negates only narcan."""
    return plain_words(text, clauses=True)


_NEGATION = re.compile(
    r"(\bnot|\bno|\bdont|\bdon t|\binstead of|\brather than|\bwithout|\bnot looking for|"
    r"\bdont need|\bdont want|\bnot after)\s+(\w+\s+){0,2}$"
)


def is_negated(before: str) -> bool:
    """True when the normalised text just before a word negates it ('not', 'dont need', 'instead of' + 0-2 words)."""
    return bool(_NEGATION.search(before))


# ---------------------------------------------------------------- what kind of help

# "that works", "it works": not syringe services.
_WORKS_IDIOM = re.compile(r"\b(that|it|this|which|what|one|whatever|anything) works\b|\bworks for (me|us)\b")
# "NA" (Narcotics Anonymous) only in capitals or next to "meeting": lower-case "na" is usually "nah".
_NA_CAPS = re.compile(r"(?<![A-Za-z])NA(?![A-Za-z])")


def parse_needs(text: Optional[str]) -> List[str]:
    """Lantern service types named in `text`, in the order said, without the negated ones.

    'narcan near 45402' -> ['naloxone']; 'not narcan, subs' -> ['buprenorphine'];
    'anything close' -> ['any'].
    """
    norm = normalise(text)
    if not norm:
        return []
    known = recognised_words()
    if known.anything.match(norm):
        return [ANY_NEED]
    clause = _clauses(text)
    work = _WORKS_IDIOM.sub(lambda m: " " * len(m.group(0)), clause)
    found: List[Tuple[int, str]] = []
    negated: set = set()
    for code, rx in known.needs:
        for m in rx.finditer(work):
            if is_negated(clause[: m.start()]):
                negated.add(code)
            else:
                found.append((m.start(), code))
            work = work[: m.start()] + " " * (m.end() - m.start()) + work[m.end() :]
    if _NA_CAPS.search(text or "") or re.search(r"\bna\b", norm) and re.search(r"\b(meeting|meetings|group)\b", norm):
        found.append((norm.find("na"), "mutual_help"))
    out: List[str] = []
    for _pos, code in sorted(found):
        if code not in out and code not in negated:
            out.append(code)
    return out


def canonical_needs(values: Iterable[Any], normalise_type: Any = None) -> List[str]:
    """Slot or entity values ('narcam', 'subs', 'naloxone') as Lantern codes; unknown ones dropped."""
    out: List[str] = []
    codes_known = need_codes()
    for value in values or []:
        if value is None:
            continue
        value = str(value)
        codes = [value] if value in codes_known else parse_needs(value)
        if not codes and normalise_type is not None:
            code = normalise_type(value)
            codes = [code] if code else []
        out.extend(c for c in codes if c not in out)
    return out


# ---------------------------------------------------------------- short answers


def is_dont_know(text: Optional[str]) -> bool:
    return bool(recognised_words().dont_know.search(normalise(text)))


def is_decline(text: Optional[str]) -> bool:
    return bool(recognised_words().decline.search(normalise(text)))


def wants_more(text: Optional[str]) -> bool:
    return bool(recognised_words().more.search(normalise(text)))


# ---------------------------------------------------------------- where


class PlaceLookup(Protocol):
    """What place parsing needs to know about the world (see actions/referral.py)."""

    def zip_label(self, zip5: str) -> Optional[str]:
        """'45402 (Dayton, OH)' for a known ZIP, else None."""

    def city_label(self, city: str, state: str) -> Optional[str]:
        """'Dayton, OH' when that city exists in that state (two-letter code), else None."""

    def city_states(self, city: str) -> List[str]:
        """States that have a city of this name, states with directory listings first."""

    def directory_states(self, city: str) -> List[str]:
        """States where the directory has services in a city of this name."""


@dataclass(frozen=True)
class PlaceGuess:
    """What the person said about where to look.

    kind: zip | city | anywhere | unknown_zip | unknown_city | ambiguous_city | state_only | near_me | none.
    value: what goes in the slot (a ZIP, 'City, ST' or 'anywhere'); label: how to say it back.
    """

    kind: str
    value: Optional[str] = None
    label: Optional[str] = None
    detail: Optional[str] = None

    @property
    def found(self) -> bool:
        return self.kind in ("zip", "city", "anywhere")


# The states of zipgeo's table, without the territories whose codes are everyday words ("as").
_STATE_NAMES: Dict[str, str] = {
    name: code for name, code in STATE_NAMES.items() if code not in {"GU", "VI", "AS", "MP"}
}
_STATE_CODES = {code.lower(): code for code in _STATE_NAMES.values()}
_STATE_FULL = {code: name.title() for name, code in _STATE_NAMES.items()}


def state_name(code: str) -> str:
    """'OH' -> 'Ohio' (the code itself when unknown)."""
    return _STATE_FULL.get(code, code)


_ZIP = re.compile(r"(?<!\d)(\d{5})(?:[- ]?\d{4})?(?!\d)")
_NOT_ZIP_NUMBER = re.compile(r"(?<!\d)\d{1,4}(?!\d)|(?<!\d)\d{6,}(?!\d)")
_PLACE_PREPOSITIONS = {"in", "near", "around", "outside", "from"}
_NEAR_WORDS = {"close", "next", "near"}  # 'close to Dayton'
_NOT_CITY = {
    "me",
    "here",
    "my",
    "the",
    "town",
    "city",
    "area",
    "place",
    "tonight",
    "today",
    "now",
    "home",
    "there",
    "it",
    "a",
    "an",
    "this",
    "that",
    "you",
    "us",
    "yes",
    "no",
    "ok",
    "okay",
    "sure",
    "please",
    "thanks",
    "help",
    "hi",
    "hey",
    "so",
    "and",
    "or",
    "for",
    "with",
    "what",
    "where",
    "why",
    "how",
    "the street",
    "street",
    "county",
    "downtown",
    "hood",
    "neighborhood",
    "state",
    "general",
    "person",
}


def _state_at(tokens: List[str], j: int, allow_codes: bool = True) -> Optional[Tuple[str, int]]:
    """(state code, tokens used) for a state name or two-letter code starting at tokens[j]."""
    for width in (3, 2, 1):
        words = " ".join(tokens[j : j + width])
        if len(tokens[j : j + width]) == width and words in _STATE_NAMES:
            return _STATE_NAMES[words], width
    if allow_codes and j < len(tokens) and tokens[j] in _STATE_CODES:
        return _STATE_CODES[tokens[j]], 1
    return None


def parse_place(
    text: Optional[str], lookup: PlaceLookup, place_context: bool = False, need_words: bool = False
) -> PlaceGuess:
    """Where the person wants to look: a ZIP, a city and state, 'anywhere', or what went wrong.

    `place_context`: Lantern just asked where, so a bare town name counts.
    `need_words`: the message also named a need (its words are not a town).
    """
    raw = text or ""
    m = _ZIP.search(raw)
    if m:
        zip5 = m.group(1)
        label = lookup.zip_label(zip5)
        return PlaceGuess("zip", zip5, label or zip5) if label else PlaceGuess("unknown_zip", detail=zip5)
    norm = normalise(raw)
    tokens = norm.split()
    if not tokens:
        return PlaceGuess("none")
    if recognised_words().anywhere.search(norm):
        return PlaceGuess("anywhere", ANYWHERE, fragment("referral.place", "anywhere"))

    # City followed by a state: 'dayton oh', 'Dayton, Ohio', 'new york ny'.
    best: Optional[Tuple[int, str, str]] = None
    for j in range(1, len(tokens)):
        state = _state_at(tokens, j)
        if not state:
            continue
        for width in (3, 2, 1):
            if j - width < 0:
                continue
            city_words = tokens[j - width : j]
            if city_words[0] in _NOT_CITY or city_words[0] in _PLACE_PREPOSITIONS:
                continue
            label = lookup.city_label(" ".join(city_words), state[0])
            if label and (best is None or width > best[0]):
                best = (width, label, state[0])
                break
    if best:
        return PlaceGuess("city", best[1], best[1])

    # A town on its own: after 'in'/'near', or the whole answer when Lantern asked where.
    answer_words = is_dont_know(norm) or is_decline(norm)  # 'idk', 'no thanks': not a town
    spans: List[Tuple[int, int]] = []
    for i, tok in enumerate(tokens):
        if tok in _PLACE_PREPOSITIONS or (tok == "to" and i and tokens[i - 1] in _NEAR_WORDS):
            spans.extend((i + 1, i + 1 + w) for w in (3, 2, 1))
    if place_context and len(tokens) <= 4 and not answer_words:
        spans.extend((0, w) for w in (min(3, len(tokens)), 2, 1))
    spans.extend((max(0, len(tokens) - w), len(tokens)) for w in (2, 1))  # trailing town the directory knows
    tried_after_preposition = False
    for start, end in spans:
        words = tokens[start:end]
        if not words or end > len(tokens) or any(w in _NOT_CITY or w in _PLACE_PREPOSITIONS for w in words):
            continue
        if need_words and parse_needs(" ".join(words)):
            continue
        city = " ".join(words)
        if city in _STATE_NAMES and not lookup.city_label(city, _STATE_NAMES[city]):
            continue  # 'in Ohio' is a state ('New York' is both)
        after_prep = start > 0 and (tokens[start - 1] in _PLACE_PREPOSITIONS or tokens[start - 1] == "to")
        whole = place_context and start == 0
        in_directory = lookup.directory_states(city)
        if not (after_prep or whole or in_directory):
            continue
        tried_after_preposition = tried_after_preposition or after_prep or whole
        states = lookup.city_states(city)
        if not states:
            continue
        chosen = states[0] if len(states) == 1 else (in_directory[0] if len(in_directory) == 1 else None)
        if chosen:
            label = lookup.city_label(city, chosen) or f"{city.title()}, {chosen}"
            return PlaceGuess("city", label, label)
        return PlaceGuess("ambiguous_city", detail=city.title(), label=", ".join(states[:4]))

    for j in range(len(tokens)):
        state = _state_at(tokens, j, allow_codes=False)
        if state:
            return PlaceGuess("state_only", detail=state[0], label=_STATE_FULL.get(state[0], state[0]))
    if recognised_words().near_me.search(norm):
        return PlaceGuess("near_me")
    if place_context and (
        _NOT_ZIP_NUMBER.fullmatch(norm.replace(" ", ""))
        or (norm.replace(" ", "").isdigit() and len(norm.replace(" ", "")) != 5)
    ):
        return PlaceGuess("unknown_zip", detail=norm[:10])
    if place_context and not answer_words and (tried_after_preposition or (len(tokens) <= 3 and not parse_needs(norm))):
        return PlaceGuess("unknown_city")
    return PlaceGuess("none")


def state_answer(text: Optional[str]) -> Optional[str]:
    """'OH', 'ohio', 'its in ohio' -> 'OH' (the answer to 'which state?')."""
    tokens = normalise(text).split()
    for allow_codes in (False, len(tokens) <= 2):  # full names first: 'its in illinois' is not Indiana
        for j in range(len(tokens)):
            state = _state_at(tokens, j, allow_codes=allow_codes)
            if state:
                return state[0]
    return None


# ---------------------------------------------------------------- the form's decision
# ---------------------------------------------------------------- the form's decision


@dataclass
class FormTurn:
    """What one message means for the referral form: slot updates, or None to let other rules answer."""

    slots: Dict[str, Any] = field(default_factory=dict)
    done: bool = False  # end the form now (declined, or gave up kindly)


def decide_form_turn(
    text: Optional[str],
    intent: Optional[str],
    entities: Sequence[Dict[str, Any]],
    slots: Dict[str, Any],
    requested: Optional[str],
    lookup: PlaceLookup,
    normalise_type: Any = None,
) -> Optional[FormTurn]:
    """Read one message while the referral form runs (or is starting) and decide what changes.

    - A need or place named anywhere fills (or replaces) that slot: changes of mind are accepted.
    - 'idk' gets an example-based re-ask; a second 'idk' about the place means national options.
    - 'no thanks', 'never mind' end the form (the search action then respects the decline).
    - An unknown ZIP or town gets an honest re-ask; crisis, stop, goodbye, 'are you a bot' and a
      question that names no need or place are left to their own rules (None).
    """
    activation = requested is None
    if not activation and intent in PASS_THROUGH_INTENTS:
        return None
    previous_retry = slots.get("referral_retry")
    out: Dict[str, Any] = {"referral_retry": None, "referral_exit": None}

    needs = parse_needs(text)
    if not needs:
        entity_values = [e.get("value") for e in entities or [] if e.get("entity") == "service_type"]
        needs = canonical_needs(entity_values, normalise_type)
    place = parse_place(text, lookup, place_context=requested == "referral_place", need_words=bool(needs))
    if place.kind == "none":  # a ZIP the NLU found that the text parse missed (it should not, but be safe)
        zips = [e.get("value") for e in entities or [] if e.get("entity") == "zip_code"]
        if zips:
            place = parse_place(str(zips[0]), lookup)
    if previous_retry and str(previous_retry).startswith("ambiguous_city:") and not place.found:
        state = state_answer(text)
        city = str(previous_retry).split(":", 1)[1]
        label = lookup.city_label(city, state) if state else None
        if label:
            place = PlaceGuess("city", label, label)

    if needs:
        out["referral_need"] = needs
    elif activation:
        # A fresh request without a need: reuse the last need only when a new place was given
        # ('what about in Columbus?'); otherwise ask.
        last = slots.get("referral_last_need")
        out["referral_need"] = list(last) if last and place.found else None
    if place.found:
        out["referral_place"] = place.value
    elif place.kind in ("unknown_zip", "unknown_city", "ambiguous_city", "state_only"):
        out["referral_place"] = None
        out["referral_retry"] = f"{place.kind}:{place.detail or ''}"
    elif activation and not slots.get("referral_place"):
        out["referral_place"] = None

    norm = normalise(text)
    if not activation and not needs and not place.found:
        # A question or a story about something else: answered by its own rule, the form ends (data/rules/referral.yml).
        # "any near me?" is about the place; "can the strips catch the tranq here" is not.
        long_enough = len(norm.split()) >= HAND_BACK_WORDS
        if intent == QUESTION_INTENT and (place.kind == "none" or (place.kind == "near_me" and long_enough)):
            return None
        if intent in HAND_BACK_INTENTS and place.kind == "none" and long_enough and not is_decline(text):
            return None
    if needs or place.found or out["referral_retry"]:
        return FormTurn(out)
    if activation:
        return FormTurn(out)

    # Nothing about what or where: an answer to the question itself.
    if (intent in DECLINE_INTENTS or is_decline(text)) and not _SOMETHING_ELSE.search(norm):
        return FormTurn({**out, "referral_exit": "declined"}, done=True)
    if requested == "referral_place":
        if is_dont_know(text):
            if previous_retry == "idk_place":
                return FormTurn({**out, "referral_place": ANYWHERE})
            return FormTurn({**out, "referral_retry": "idk_place"})
        if place.kind == "near_me":
            return FormTurn({**out, "referral_retry": "near_me"})
        out["referral_retry"] = "unclear_place"
    else:
        if is_dont_know(text) or not norm:
            out["referral_retry"] = "idk_need"
        else:
            out["referral_retry"] = "unclear_need"
    if previous_retry and previous_retry == out["referral_retry"] and out["referral_retry"].startswith("unclear"):
        return FormTurn({**out, "referral_exit": "unclear"}, done=True)
    return FormTurn(out)


# ---------------------------------------------------------------- which one?

_ORDINAL_WORDS = {"first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
_NUMBER_WORDS = {"one": 0, "two": 1, "three": 2, "1": 0, "2": 1, "3": 2}
_NAME_STOPWORDS = {
    "fictional",
    "the",
    "and",
    "for",
    "of",
    "center",
    "centre",
    "services",
    "service",
    "program",
    "clinic",
    "one",
    "that",
    "this",
    "with",
    "sounds",
    "good",
    "want",
    "like",
    "try",
    "maybe",
}


def parse_choice(text: Optional[str], shown: Sequence[Dict[str, Any]]) -> Optional[int]:
    """Which shown option the person means: 'the first one', '2', '#3', 'the last', 'the methadone one'."""
    n = len(shown)
    norm = normalise(text)
    if not n or not norm:
        return None
    tokens = norm.split()
    for tok in tokens:
        if tok in _ORDINAL_WORDS and _ORDINAL_WORDS[tok] < n:
            return _ORDINAL_WORDS[tok]
    if "last" in tokens:
        return n - 1
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        if tok in _NUMBER_WORDS and _NUMBER_WORDS[tok] < n:
            # '2', 'number two', 'option 3', 'two': yes; 'that one', 'the methadone one': not a number.
            if tok.isdigit() or len(tokens) == 1 or prev in ("number", "option", "choice", "no", "num"):
                return _NUMBER_WORDS[tok]
    # By name or by kind of service.
    scores = []
    needs = set(parse_needs(text))
    for item in shown:
        words = set(normalise(item.get("title")).split()) - _NAME_STOPWORDS
        score = sum(1 for t in tokens if len(t) >= 4 and t in words)
        if needs & set(item.get("types") or ()):
            score += 1
        scores.append(score)
    best = max(scores)
    if best > 0 and scores.count(best) == 1:
        return scores.index(best)
    if n == 1 and re.search(r"\b(that|it|this|yes|yeah|sure|ok|okay)\b", norm):
        return 0
    return None
