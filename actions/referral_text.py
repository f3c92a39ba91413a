"""Pure helpers for the referral conversation: read what the person said, write what Lantern says.

No Rasa, no database: everything here is plain functions over strings and small
dataclasses, so the form's decisions and every message can be unit-tested. Place
names are checked through a `PlaceLookup` (the real one, backed by the ZIP table
and the directory, is in actions/referral.py).

Messages follow /work/shared/mi-style.md: plain words, no labels, no "you should",
SMS-sized (each message at most 320 characters, at most 3 per turn), no emoji, and
the person can always say no.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Protocol, Sequence, Tuple

from lantern.directory.zipgeo import STATE_NAMES

SMS_LIMIT = 320
MAX_MESSAGES = 3
PAGE_SIZE = 3

CRISIS_INTENTS = ("crisis_overdose", "crisis_stimulant", "crisis_suicide", "crisis_danger", "crisis_check",
                  "crisis_safe")
# Intents the form lets other rules answer (the form is rejected, a rule replies).
PASS_THROUGH_INTENTS = CRISIS_INTENTS + ("stop", "goodbye", "bot_challenge")
DECLINE_INTENTS = ("referral_decline", "deny")  # deny: the MI flows' plain "no" (data/nlu/dialogue_acts.yml)
_SOMETHING_ELSE = re.compile(r"\b(something|somewhere) else\b|\bdifferent\b")

ANY_NEED = "any"  # "anything near me": search every type
ANYWHERE = "anywhere"  # no place given on purpose: national options only

# ---------------------------------------------------------------- what kind of help

# (code, pattern) on normalised text; earlier rules win and their words are used up,
# so "methadone clinic" is methadone and not also "clinic" (medical).
_NEED_RULES: List[Tuple[str, str]] = [
    ("crisis", r"crisis (center|centre|line|team|unit)|hot ?line"),
    ("test_strips", r"(fent(anyl)?|xylazine|tranq|drug|benzo) (test(ing)? )?strips?|test(ing)? strips?|fts|"
                    r"drug check(ing)?|check(ing)? (my|the) (dope|stuff|drugs|supply)"),
    ("naloxone", r"narc[ao]n|narcam|narcon|nalox\w*|kloxxado|zimhi|(od|overdose) (kits?|reversal|spray)|nasal spray"),
    ("methadone", r"meth?[ao]done( clinic| program)?|the done|done clinic|dosing clinic|otp"),
    ("buprenorphine", r"sub(s|oxone|utex|locade|bies)?|zubsolv|brixadi|bupe?|bupren\w*|buprenorphine"),
    ("detox", r"detox\w*|withdrawals?( management)?|dope ?sick|kick(ing)? (it|dope|fent)"),
    ("syringe_services", r"needle (exchange|swap|program)s?|syringe\w*|(clean|new|fresh|sterile) "
                         r"(needles|works|rigs|points|supplies|gear)|needles|rigs|works|sharps( box)?|ssp|"
                         r"harm reduction( supplies| kits?)?|safer (use|smoking|injection|sex)( supplies| kits?)?|"
                         r"cookers?|(glass )?pipes|straight shooters?|supplies"),
    ("mutual_help", r"meetings?|12 ?steps?|twelve steps?|smart recovery|support groups?|narcotics anonymous|"
                    r"alcoholics anonymous|celebrate recovery|refuge recovery|recovery dharma|(na|aa) (meeting|group)s?|aa"),
    ("peer_support", r"peer\w*( support| recovery| specialist)?|recovery coach\w*|someone who(s| has) been there|mentor"),
    ("counselling", r"counsel+(ing|or|er)s?|therap(y|ist)s?|someone to talk to"),
    ("mental_health", r"mental health|psych\w*|depression|anxiety"),
    ("treatment", r"rehab\w*|treatment( center| program)?s?|inpatient|outpatient|residential|moud|mat program|"
                  r"recovery program|(help|place|program) to (quit|stop|get clean|get sober)|get(ting)? (clean|sober)|"
                  r"sober up|quit(ting)? (using|dope|fent|heroin|pills|meth)"),
    ("testing", r"hiv|hep ?c|hepatitis( c)?|hcv|std|sti|get(ting)? tested|testing"),
    ("medical", r"doctors?|medical|wound( care)?s?|abscess\w*|urgent care|primary care|health ?care|nurse|"
                r"free clinic|clinic"),
    ("housing", r"shelters?|housing|(place|somewhere) to (sleep|stay|crash|live)|a bed|beds|bed for tonight|"
                r"sober living|recovery hous\w*|homeless|off the street"),
    ("food", r"food( pantry| bank)?|meals?|something to eat|eat|hungry|groceries|pantry|pantries|soup kitchen|"
             r"lunch|dinner|breakfast"),
]
_NEED_RES = [(code, re.compile(rf"\b(?:{pattern})\b")) for code, pattern in _NEED_RULES]
# "that works", "it works": not syringe services.
_WORKS_IDIOM = re.compile(r"\b(that|it|this|which|what|one|whatever|anything) works\b|\bworks for (me|us)\b")
_NEGATION = re.compile(r"(\bnot|\bno|\bdont|\bdon t|\binstead of|\brather than|\bwithout|\bnot looking for|"
                       r"\bdont need|\bdont want|\bnot after)\s+(\w+\s+){0,2}$")
_ANY = re.compile(r"^(anything|any|all|everything|whatever|whatevers? (close|near|nearby|closest)|"
                  r"anything (close|near|nearby|at all)( by| me)?|all of (it|them|that)|any of (it|them|that|those))$")
# "NA" (Narcotics Anonymous) only in capitals or next to "meeting": lower-case "na" is usually "nah".
_NA_CAPS = re.compile(r"(?<![A-Za-z])NA(?![A-Za-z])")

LABELS: Dict[str, str] = {
    "treatment": "treatment", "buprenorphine": "buprenorphine (Suboxone)", "methadone": "methadone",
    "detox": "detox", "syringe_services": "syringe services", "naloxone": "naloxone (Narcan)",
    "test_strips": "test strips", "mutual_help": "meetings", "peer_support": "peer support",
    "counselling": "counseling", "mental_health": "mental health care", "medical": "medical care",
    "testing": "HIV and hep C testing", "housing": "shelter or housing", "food": "food", "crisis": "crisis support",
    ANY_NEED: "services",
}


def normalise(text: Optional[str]) -> str:
    """Lower case, apostrophes dropped, anything not a letter or digit turned into one space."""
    raw = (text or "").lower().replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", raw).split())


def parse_needs(text: Optional[str]) -> List[str]:
    """Lantern service types named in `text`, in the order said, without the negated ones.

    'narcan near 45402' -> ['naloxone']; 'not narcan, subs' -> ['buprenorphine'];
    'anything close' -> ['any'].
    """
    norm = normalise(text)
    if not norm:
        return []
    if _ANY.match(norm):
        return [ANY_NEED]
    # Like `normalise`, but a comma or full stop stays as ' | ' so 'not narcan, subs' negates only narcan.
    clause = " ".join(re.sub(r"[^a-z0-9|]+", " ", re.sub(r"[,.;:!?]+", " | ", (text or "").lower()
                                                            .replace("'", "").replace("\u2019", ""))).split())
    work = _WORKS_IDIOM.sub(lambda m: " " * len(m.group(0)), clause)
    found: List[Tuple[int, str]] = []
    negated: set = set()
    for code, rx in _NEED_RES:
        for m in rx.finditer(work):
            if _NEGATION.search(clause[: m.start()]):
                negated.add(code)
            else:
                found.append((m.start(), code))
            work = work[: m.start()] + " " * (m.end() - m.start()) + work[m.end():]
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
    for value in values or []:
        if value is None:
            continue
        value = str(value)
        codes = [value] if value in LABELS else parse_needs(value)
        if not codes and normalise_type is not None:
            code = normalise_type(value)
            codes = [code] if code else []
        out.extend(c for c in codes if c not in out)
    return out


def need_label(codes: Sequence[str]) -> str:
    """'naloxone (Narcan)', 'food or shelter or housing', ... for messages."""
    names = [LABELS.get(c, c.replace("_", " ")) for c in codes] or [LABELS[ANY_NEED]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# ---------------------------------------------------------------- short answers

_DONT_KNOW = re.compile(
    r"\b(idk|i d k|dunno|i dont know|dont know|donno|not sure|im not sure|no idea|no clue|unsure|idek|"
    r"i guess|what do you have|what have you got|what (is|s) there|what are (my|the) options|what options|"
    r"what kinds?( of)?( things| help| places)?|what can you (find|do)|hmm+|um+|uh+)\b")
_DECLINE = re.compile(
    r"^(no(?! idea| clue)|nope|nah|na|naw|no thanks?|no thank you|no ty|not now|not right now|not really|not today|"
    r"never ?mind|nvm|forget it|forget (about )?(it|that)|skip it|im good|i m good|im ok|im okay|all good|no need|"
    r"not interested|ill pass|i ll pass|pass|cancel (that|it|the search)|leave it|drop it|maybe later|later)\b|"
    r"\b(none of (these|those|them|em|that)|not (these|those|them)|neither|no thanks|no thank you|"
    r"dont want (any|it|them|to)|dont need (any|it|them)|not for me|i ll pass|ill pass)\b")
_MORE = re.compile(r"\b(more|others?|else|next|another|different (ones?|places?)|keep going|any other)\b")
_ANYWHERE = re.compile(
    r"\b(anywhere|doesnt matter|does not matter|rather not( say)?|id rather not|dont want to say|prefer not|"
    r"not saying|skip( it| that)?|none of your business|national|nationwide|by mail|online|mail order)\b")
_NEAR_ME = re.compile(r"\b(near me|near here|around here|close by|nearby|close to me|by me|in my area|my area|"
                      r"around me|where i am|where im at|here)\b")


def is_dont_know(text: Optional[str]) -> bool:
    return bool(_DONT_KNOW.search(normalise(text)))


def is_decline(text: Optional[str]) -> bool:
    return bool(_DECLINE.search(normalise(text)))


def wants_more(text: Optional[str]) -> bool:
    return bool(_MORE.search(normalise(text)))


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
_STATE_NAMES: Dict[str, str] = {name: code for name, code in STATE_NAMES.items()
                                if code not in {"GU", "VI", "AS", "MP"}}
_STATE_CODES = {code.lower(): code for code in _STATE_NAMES.values()}
_STATE_FULL = {code: name.title() for name, code in _STATE_NAMES.items()}
_ZIP = re.compile(r"(?<!\d)(\d{5})(?:[- ]?\d{4})?(?!\d)")
_NOT_ZIP_NUMBER = re.compile(r"(?<!\d)\d{1,4}(?!\d)|(?<!\d)\d{6,}(?!\d)")
_PLACE_PREPOSITIONS = {"in", "near", "around", "outside", "from"}
_NEAR_WORDS = {"close", "next", "near"}  # 'close to Dayton'
_NOT_CITY = {
    "me", "here", "my", "the", "town", "city", "area", "place", "tonight", "today", "now", "home", "there",
    "it", "a", "an", "this", "that", "you", "us", "yes", "no", "ok", "okay", "sure", "please", "thanks",
    "help", "hi", "hey", "so", "and", "or", "for", "with", "what", "where", "why", "how", "the street",
    "street", "county", "downtown", "hood", "neighborhood", "state", "general", "person",
}


def _state_at(tokens: List[str], j: int, allow_codes: bool = True) -> Optional[Tuple[str, int]]:
    """(state code, tokens used) for a state name or two-letter code starting at tokens[j]."""
    for width in (3, 2, 1):
        words = " ".join(tokens[j:j + width])
        if len(tokens[j:j + width]) == width and words in _STATE_NAMES:
            return _STATE_NAMES[words], width
    if allow_codes and j < len(tokens) and tokens[j] in _STATE_CODES:
        return _STATE_CODES[tokens[j]], 1
    return None


def parse_place(text: Optional[str], lookup: PlaceLookup, place_context: bool = False,
                need_words: bool = False) -> PlaceGuess:
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
    if _ANYWHERE.search(norm):
        return PlaceGuess("anywhere", ANYWHERE, "anywhere in the US")

    # City followed by a state: 'dayton oh', 'Dayton, Ohio', 'new york ny'.
    best: Optional[Tuple[int, str, str]] = None
    for j in range(1, len(tokens)):
        state = _state_at(tokens, j)
        if not state:
            continue
        for width in (3, 2, 1):
            if j - width < 0:
                continue
            city_words = tokens[j - width:j]
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
    if _NEAR_ME.search(norm):
        return PlaceGuess("near_me")
    if place_context and (_NOT_ZIP_NUMBER.fullmatch(norm.replace(" ", "")) or
                          (norm.replace(" ", "").isdigit() and len(norm.replace(" ", "")) != 5)):
        return PlaceGuess("unknown_zip", detail=norm[:10])
    if place_context and not answer_words and (tried_after_preposition or (len(tokens) <= 3
                                                                           and not parse_needs(norm))):
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

@dataclass
class FormTurn:
    """What one message means for the referral form: slot updates, or None to let other rules answer."""

    slots: Dict[str, Any] = field(default_factory=dict)
    done: bool = False  # end the form now (declined, or gave up kindly)


def decide_form_turn(text: Optional[str], intent: Optional[str], entities: Sequence[Dict[str, Any]],
                     slots: Dict[str, Any], requested: Optional[str], lookup: PlaceLookup,
                     normalise_type: Any = None) -> Optional[FormTurn]:
    """Read one message while the referral form runs (or is starting) and decide what changes.

    - A need or place named anywhere fills (or replaces) that slot: changes of mind are accepted.
    - 'idk' gets an example-based re-ask; a second 'idk' about the place means national options.
    - 'no thanks', 'never mind' end the form (the search action then respects the decline).
    - An unknown ZIP or town gets an honest re-ask; crisis, stop, goodbye and 'are you a bot'
      are left to their own rules (None).
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

    if needs or place.found or out["referral_retry"]:
        return FormTurn(out)
    if activation:
        return FormTurn(out)

    # Nothing about what or where: an answer to the question itself.
    norm = normalise(text)
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


# ---------------------------------------------------------------- what Lantern says

@dataclass(frozen=True)
class Message:
    text: str
    mi: str

    def as_dict(self) -> Dict[str, Any]:
        return {"text": self.text, "metadata": {"mi": self.mi}}


EXAMPLES = "naloxone, test strips, clean supplies, Suboxone or methadone, detox, meetings, a bed tonight or food"


def ask_need(retry: Optional[str], place_label: Optional[str]) -> Message:
    """The question for what kind of help, worded for the first ask or a re-ask."""
    if retry == "idk_need":
        return Message("That's okay, you don't have to know exactly. Some things people look for: "
                       f"{EXAMPLES}. Does one of those fit, or is it something else? "
                       "It's also fine to leave it.", "open_question")
    if retry == "unclear_need":
        return Message("Sorry, I didn't catch what kind of place. You could say something like 'Narcan', "
                       "'Suboxone', 'detox', 'meetings', 'shelter' or 'food'. Or say 'no thanks' to leave it.",
                       "closed_question")
    where = f" I'll look near {place_label} unless you name another place." if place_label else ""
    return Message(f"I can look that up.{where} What kind of help are you after? For example {EXAMPLES}.",
                   "open_question")


def ask_place(retry: Optional[str], needs: Sequence[str]) -> Message:
    """The question for where to look, worded for the first ask or after something went wrong."""
    kind, _, detail = (retry or "").partition(":")
    anywhere = "Or say 'anywhere' for options that work across the US."
    if kind == "unknown_zip":
        shown = f" {detail}" if detail and detail.isdigit() else ""
        return Message(f"I couldn't find the ZIP code{shown}, sorry. Could you check it, or give me a town and state "
                       f"instead, like 'Dayton OH'? {anywhere}", "closed_question")
    if kind == "unknown_city":
        return Message("I couldn't find a town by that name, sorry. Could you give me a ZIP code, or the town "
                       f"with its state, like 'Dayton OH'? {anywhere}", "closed_question")
    if kind == "ambiguous_city":
        return Message(f"There's more than one {detail or 'town by that name'}. Which state is it in? "
                       "A ZIP code works too.", "closed_question")
    if kind == "state_only":
        return Message(f"Which town or ZIP code in {_STATE_FULL.get(detail, detail)}? I need that to find what's "
                       f"close. {anywhere}", "closed_question")
    if kind == "idk_place":
        return Message("That's okay. The nearest town or any ZIP code you know works, like '45402' or "
                       "'Dayton OH'. If you'd rather not say, I can share options that work anywhere in the US. "
                       "Just say 'anywhere'.", "open_question")
    if kind == "near_me":
        return Message("I can't see where you are, so I need a ZIP code or a town and state, like 45402 or "
                       f"Dayton OH. Somewhere close is fine, it doesn't have to be your home. {anywhere}",
                       "closed_question")
    if kind == "unclear_place":
        return Message("Sorry, I didn't catch a place there. A ZIP code or a town and state works, like 45402 or "
                       f"Dayton OH. {anywhere} Or 'no thanks' to leave it.", "closed_question")
    what = f" for {need_label(needs)}" if needs and ANY_NEED not in needs else ""
    return Message(f"Where should I look{what}? A ZIP code or a town and state is enough, like 45402 or "
                   "Dayton OH. Somewhere close is fine, it doesn't have to be your home.", "open_question")


def declined_message() -> Message:
    return Message("That's fine, it's your call. If you want to look for something later, or somewhere "
                   "else, just ask. What else is on your mind, if anything?", "structure")


def no_thanks_message() -> Message:
    """'No thanks' when no options were on the table: respected, without talk of searching."""
    return Message("Okay, that's your call. What else is on your mind, if anything?", "structure")


def look_again_message() -> Message:
    return Message("Okay. Tell me what to look for and where, like 'detox near 45402' or 'food in Dayton OH'. "
                   "Or we can leave it here.", "structure")


def gave_up_message() -> Message:
    return Message("I'm not getting it right, sorry. Let's leave the search for now. Any time you want, "
                   "tell me what and where, like 'narcan near 45402'. What else is on your mind?", "structure")


def nothing_to_show_message() -> Message:
    return Message("I haven't looked anything up yet. Tell me what you're after and where, like "
                   "'narcan near 45402' or 'meetings in Dayton OH'.", "structure")


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
        return {"title": self.title, "address": self.address, "phone": self.phone,
                "hours": human_hours(self.hours), "types": list(self.types)}


_DAY_NAMES = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat", "SU": "Sun"}
_DAY_ORDER = list(_DAY_NAMES)
_ORDINALS = {"1": "1st", "2": "2nd", "3": "3rd", "4": "4th", "5": "5th", "-1": "last"}
_HOURS_LINE = re.compile(r"^(?P<days>\S+) (?P<open>\d{2}):(?P<om>\d{2})-(?P<close>\d{2}):(?P<cm>\d{2})$")


def _clock(hour: int, minute: int) -> str:
    if hour in (0, 24) and minute == 0:
        return "midnight"
    if hour == 12 and minute == 0:
        return "noon"
    suffix = "am" if hour % 24 < 12 else "pm"
    h = hour % 12 or 12
    return f"{h}{suffix}" if minute == 0 else f"{h}:{minute:02d}{suffix}"


def _days(spec: str) -> Optional[str]:
    if spec == "daily":
        return "daily"
    parts = spec.split(",")
    plain = [p for p in parts if p in _DAY_NAMES]
    if len(plain) == len(parts):
        idx = sorted(_DAY_ORDER.index(p) for p in plain)
        if len(idx) == 7:
            return "daily"
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
    return ", ".join(nth) + " of the month"


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
        if days == "daily" and o == (0, 0) and c in ((24, 0), (0, 0), (23, 59)):
            return "open 24/7"
        text = f"{days} {_clock(*o)}-{_clock(*c)}"
        if len("; ".join(out + [text])) > max_len:
            out.append("other times too")
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


def _core(option: Option, number: Optional[int]) -> str:
    parts = [f"{number}) {option.title}" if number else option.title]
    if option.address:
        where = _ADDRESS_TAIL.sub("", option.address)  # '..., Dayton, OH 45402' -> '..., Dayton'
        if option.miles is not None:
            where += f" ({'about ' if option.approximate else ''}{option.miles:.1f} mi)"
        parts.append(where)
    parts.append(option.phone or "no phone listed")
    hours = human_hours(option.hours)
    state = {True: "Open now", False: "Closed now"}.get(option.open_now)  # type: ignore[arg-type]
    if hours == "open 24/7":
        parts.append("Open 24/7")
    elif hours:
        parts.append(f"{state}; {hours}" if state else hours)
    else:
        parts.append("Call for hours")
    access = [w for w, on in (("free", option.free), ("walk-ins OK", option.walk_in),
                              ("no insurance needed", option.no_insurance and not option.free)) if on]
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


def offer_question(has_more: bool, count: int = 2) -> str:
    """Which fits, with 'more' and a way out named every time."""
    if has_more:
        return "Which of these fits best, if any? I can show more, or we can leave it there."
    which = "Does this one fit?" if count == 1 else "Does one of these fit?"
    return (f"{which} That's all I have close by. I can share options that work from anywhere, "
            "or we can leave it there.")


def options_messages(options: Sequence[Option], place_label: str, needs: Sequence[str], has_more: bool,
                     start_number: int = 1, more_page: bool = False) -> List[Message]:
    """Up to three options as at most three SMS-sized messages, ending with 'which fits?'.

    Three options: the intro rides on the first and the question on the last. Two: the
    question is its own message. One: intro, option and question each get a message.
    """
    options = list(options)[:PAGE_SIZE]
    if not options:
        return []
    n = len(options)
    what = "" if not needs or ANY_NEED in needs else f" for {need_label(needs)}"
    if more_page:
        intro = f"More{what}, nearest first:" if n > 1 else f"One more{what}:"
    else:
        intro = (f"Places{what} near {place_label}, nearest first:" if n > 1
                 else f"The one place I have{what} near {place_label}:")
    intro = shorten(intro, 140)
    question = offer_question(has_more, n)
    out: List[Message] = []
    if n == 1:
        out.append(Message(intro, "structure"))
    for i, option in enumerate(options):
        prefix = intro + "\n" if (i == 0 and n > 1) else ""
        suffix = "\n" + question if (i == n - 1 and n == MAX_MESSAGES) else ""
        budget = SMS_LIMIT - len(prefix) - len(suffix)
        out.append(Message(prefix + render_option(option, start_number + i, budget) + suffix, "information"))
    if n < MAX_MESSAGES:
        out.append(Message(question, "closed_question"))
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
        contact.append(f"call or text {r.phone}")
    else:
        if r.phone:
            contact.append(f"call {r.phone}")
        if r.text:
            contact.append(f"text {r.text}")
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


def national_messages(lead: str, resources: Sequence[National], closing: Optional[str] = None) -> List[Message]:
    """An honest lead-in, up to two national options and an optional question: at most three messages."""
    lines = [render_national(r) for r in resources[:2]]
    if not lines:
        lead = lead.rsplit(". ", 1)[0].rstrip(".:") + ". I don't have a national service for that in my list, sorry."
    tail = [(closing, "open_question")] if closing else []
    for keep in range(len(lines), -1, -1):
        messages = pack([(lead, "information")] + [(line, "information") for line in lines[:keep]] + tail)
        if len(messages) <= MAX_MESSAGES:
            return messages
    return pack([(lead, "information")])[:MAX_MESSAGES]


def no_results_lead(needs: Sequence[str], place_label: str, searched_miles: float) -> str:
    miles = f" within {searched_miles:.0f} miles" if searched_miles else ""
    return (f"I couldn't find {need_label(needs)}{miles} of {place_label} in my list. That may be a gap in "
            "my list, not in what's out there. These work from anywhere:")


def unknown_place_lead(status: str, place_label: str) -> str:
    if status == "unknown_zip":
        return f"I don't know the ZIP code {place_label}, so I can't look there, sorry. These work from anywhere:"
    return "I don't know that place, so I can't look there, sorry. These work from anywhere:"


ANYWHERE_LEAD = "Okay, no need to say where. These work from anywhere in the US:"
NO_MORE_LEAD = "That's everything close by that I know of. These work from anywhere:"
ERROR_LEAD = "I can't search my local list right now, sorry. These work from anywhere:"
AFTER_NATIONAL = "Want me to look for something else, or somewhere else? It's fine to leave it here too."


# ---------------------------------------------------------------- which one?

_ORDINAL_WORDS = {"first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
_NUMBER_WORDS = {"one": 0, "two": 1, "three": 2, "1": 0, "2": 1, "3": 2}
_NAME_STOPWORDS = {"fictional", "the", "and", "for", "of", "center", "centre", "services", "service", "program",
                   "clinic", "one", "that", "this", "with", "sounds", "good", "want", "like", "try", "maybe"}


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
    for idx, item in enumerate(shown):
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


def chosen_messages(item: Dict[str, Any]) -> List[Message]:
    """The picked option again in one message, then an affirmation and an open question about next steps."""
    parts = [item.get("title") or "That one"]
    if item.get("address"):
        parts.append(str(item["address"]))
    parts.append(str(item.get("phone") or "no phone listed"))
    if item.get("hours"):
        parts.append(str(item["hours"]))
    details = shorten(". ".join(p.rstrip(".") for p in parts) + ".", SMS_LIMIT)
    return [
        Message(details, "information"),
        Message("Picking a place to try is a real step, and it's your call how and when. What might make it "
                "easier to get there, if anything?", "open_question"),
    ]


def which_one_message(n: int) -> Message:
    numbers = ", ".join(str(i) for i in range(1, n)) + f" or {n}" if n > 1 else "1"
    return Message(f"Which one do you mean? You can say {numbers}, or 'none of these'.", "closed_question")
