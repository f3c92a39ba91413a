"""Presidio recognizers for the PII people type into a harm-reduction chat.

Presidio's defaults are tuned for well-formed, capitalised English. Chat is
lower case, full of typos, and full of look-alikes: doses ("2mg"), 0-10 scale
answers ("a 6", "7/10"), times, durations, drug slang that doubles as names
("molly", "tina"), and crisis numbers that must stay readable (911, 988,
SAMHSA). So most recognizers here carry their own context in the regex and a
validator, instead of relying on Presidio's lemma-based context boost (which
needs the lemmatizer we leave out for speed).

People also hide or mangle what they type: phone numbers spelled out ("nine
three seven ...") or with look-alike letters ("937-555-O188"), addresses
without a street type ("i live at 412 Linden"), names hyphenated or from
outside any lexicon ("Lopez-Ferreira", "my friend chidi"). Each has a rule
here that needs a cue or a shape a count, dose or time does not have.

Entity types double as placeholders: PERSON becomes "<PERSON>".
Five-digit ZIP codes are deliberately never redacted on their own: the
referral feature needs them, and a ZIP alone does not identify anyone.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Pattern, Sequence, Tuple

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, EmailRecognizer

from lantern.records.anonymizer import offline
from lantern.records.anonymizer.vocabulary import EnglishWords
from lantern.records.anonymizer.wordlists import (
    AMBIGUOUS_NAMES,
    CHAT_WORDS,
    DOMAIN_TERMS,
    FIRST_NAMES,
    NAME_PARTICLES,
    NAME_PREFIXES,
    ORG_WORDS,
    STOP_WORDS,
    SURNAMES,
)

PERSON = "PERSON"
PHONE = "PHONE"
EMAIL = "EMAIL"
SSN = "SSN"
DATE_OF_BIRTH = "DATE_OF_BIRTH"
ADDRESS = "ADDRESS"
ID_NUMBER = "ID_NUMBER"
HANDLE = "HANDLE"
PLATE = "PLATE"
URL = "URL"
CREDIT_CARD = "CREDIT_CARD"

ALL_TYPES = (PERSON, PHONE, EMAIL, SSN, DATE_OF_BIRTH, ADDRESS, ID_NUMBER, HANDLE, PLATE, URL, CREDIT_CARD)

# Public service numbers people quote to the bot; never redacted (10-digit form).
PUBLIC_NUMBERS = frozenset(
    {
        "8006624357",  # SAMHSA national helpline
        "8002738255",  # former National Suicide Prevention Lifeline
        "8002221222",  # Poison Control
        "8004843731",  # Never Use Alone
        "8664887386",  # Trevor Project
        "8775658860",  # Trans Lifeline
        "8007997233",  # National Domestic Violence Hotline
        "8009855990",  # Disaster Distress Helpline
        "8006564673",  # RAINN
    }
)

Validator = Callable[[str, int, int, Optional[NlpArtifacts]], bool]


@dataclass(frozen=True)
class Rule:
    """One regex with a `pii` group; optional context regex near the match and a validator."""

    name: str
    pattern: Pattern[str]
    score: float
    context: Optional[Pattern[str]] = None
    before: int = 0
    after: int = 0
    validator: Optional[Validator] = None


def _rx(pattern: str) -> Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.VERBOSE)


class RuleRecognizer(EntityRecognizer):
    """Runs a list of `Rule`s for one entity type."""

    def __init__(self, entity: str, rules: Sequence[Rule], name: Optional[str] = None) -> None:
        self.rules = list(rules)
        super().__init__(supported_entities=[entity], name=name or f"Lantern{entity.title()}Recognizer")

    def load(self) -> None:  # nothing to load: patterns compile at import
        pass

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        entity = self.supported_entities[0]
        if entities and entity not in entities:
            return []
        results: List[RecognizerResult] = []
        for rule in self.rules:
            for match in rule.pattern.finditer(text):
                start, end = match.span("pii")
                if start >= end:
                    continue
                if rule.context is not None:
                    window = text[max(0, start - rule.before) : start] if rule.before else ""
                    tail = text[end : end + rule.after] if rule.after else ""
                    if not (rule.context.search(window) if rule.before else False) and not (
                        rule.context.search(tail) if rule.after else False
                    ):
                        continue
                if rule.validator is not None and not rule.validator(text, start, end, nlp_artifacts):
                    continue
                results.append(_result(entity, start, end, rule.score, self, rule.name))
        return results


def _result(
    entity: str, start: int, end: int, score: float, recognizer: EntityRecognizer, rule: str
) -> RecognizerResult:
    return RecognizerResult(
        entity_type=entity,
        start=start,
        end=end,
        score=score,
        recognition_metadata={
            # presidio declares `name: str = None`; with no_implicit_optional mypy loses the attribute's type
            RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,  # type: ignore[has-type]
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
            "rule": rule,
        },
    )


# --- shared helpers -----------------------------------------------------------


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


# Letters NFKD does not split into base letter + accent.
_FOLD_EXTRA = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"}
)


def fold(word: str) -> str:
    """Lower case without accents, so the word lists match "José", "Wiśniewska", "Nguyễn", "Łukasz"."""
    low = word.lower().translate(_FOLD_EXTRA)
    if low.isascii():
        return low
    return "".join(ch for ch in unicodedata.normalize("NFKD", low) if not unicodedata.combining(ch))


class _Tokens:
    """Token view of a spaCy doc: char offsets, original text, folded text (`fold`), tag."""

    @classmethod
    def of(cls, nlp_artifacts: Optional[NlpArtifacts]) -> "_Tokens":
        """Built once per analysed text and cached on its artifacts."""
        if nlp_artifacts is None:
            return cls(None)
        cached = getattr(nlp_artifacts, "_lantern_tokens", None)
        if cached is None:
            cached = cls(nlp_artifacts)
            setattr(nlp_artifacts, "_lantern_tokens", cached)  # noqa: B010 - our cache on Presidio's object; mypy rejects `.x =`
        return cached

    def __init__(self, nlp_artifacts: Optional[NlpArtifacts]) -> None:
        doc = getattr(nlp_artifacts, "tokens", None) if nlp_artifacts is not None else None
        self.items: List[Tuple[int, int, str, str, str]] = []
        if doc is not None:
            for tok in doc:
                if tok.is_space:
                    continue
                self.items.append((tok.idx, tok.idx + len(tok.text), tok.text, fold(tok.text), tok.tag_ or ""))
        self.starts = [item[0] for item in self.items]

    def __len__(self) -> int:
        return len(self.items)

    def at_or_after(self, offset: int) -> int:
        """Index of the first token starting at or after `offset`."""
        return bisect.bisect_left(self.starts, offset)

    def covering(self, offset: int) -> int:
        """Index of the token containing `offset`, or -1."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if 0 <= i < len(self.items) and self.items[i][0] <= offset < self.items[i][1]:
            return i
        return -1


_NON_NAME_TAGS = ("VB", "RB", "IN", "DT", "PRP", "CC", "MD", "CD", "TO", "WP", "WRB", "WDT", "UH", "EX", "POS", "RP")


def _tag_allows_name(tag: str) -> bool:
    return not tag or not tag.startswith(_NON_NAME_TAGS)


# Tags that rule a word out even after a strong cue. The small model tags unknown
# lower-case names as anything (VB for "sunshine", JJ for "nate", RB for "lily"),
# so only clearly non-name tags count.
_NEVER_NAME_TAGS = ("MD", "VBD", "VBG", "VBN", "VBZ", "IN", "DT", "PRP", "CC", "TO", "CD", "WP", "WRB", "EX", "POS")


def _tag_may_be_name(tag: str) -> bool:
    return not tag or not tag.startswith(_NEVER_NAME_TAGS)


# --- phone --------------------------------------------------------------------

_PHONE_CONTEXT = _rx(
    r"\b(?:call|calls|text|txt|texting|number|num|phone|ph|cell|mobile|reach|\#|area\s+code|contact|hit\s+me|hmu)\b|\#"
)


def _not_public_number(text: str, start: int, end: int, _: Optional[NlpArtifacts]) -> bool:
    digits = _digits(text[start:end])
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits not in PUBLIC_NUMBERS


_LEFT_NUM = r"(?<![\w+/.,:$-])"
_RIGHT_NUM = r"(?![\w/-]|[.,:]\d)"

PHONE_RULES = [
    Rule(
        "us_phone",
        _rx(
            _LEFT_NUM
            + r"""(?P<pii>
                (?:\+\s?1[\s.-]{0,2}|1[\s.-]{1,2}|1(?=\(|[2-9]\d{9}\b))?     # country code
                (?:\(\s?[2-9]\d{2}\s?\)|[2-9]\d{2})                           # area code
                [\s.-]{0,2}[2-9]\d{2}[\s.-]?\d{4})"""
            + _RIGHT_NUM
        ),
        0.75,
        validator=_not_public_number,
    ),
    # Seven digits with a dash or dot: a local number.
    Rule("local_phone", _rx(_LEFT_NUM + r"(?P<pii>[2-9]\d{2}[.-]\d{4})" + _RIGHT_NUM), 0.6),
    # Seven digits with a space only near a phone word: "its 555 0192, same area code".
    Rule(
        "local_phone_spaced",
        _rx(_LEFT_NUM + r"(?P<pii>[2-9]\d{2}\s\d{4})" + _RIGHT_NUM),
        0.55,
        context=_PHONE_CONTEXT,
        before=30,
        after=30,
    ),
]

# Spelled or disguised numbers: "nine three seven five five five ...", "937 five five five 0188",
# "937-555-O188" (letter O for zero, l or I for one), "8 8 8 5 5 5 0 1 3 4".
_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_LOOK_ALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})
_PHONE_PIECE = re.compile(
    r"(?<!\w)(?:(?P<word>" + "|".join(_DIGIT_WORDS) + r")|(?P<group>[0-9OoIl]*[0-9][0-9OoIl]*)"
    r"|(?<=\d[-.])(?P<letters>[OoIl]{2,4}))(?!\w)",  # "555-OlOl": look-alikes only right after digits
    re.IGNORECASE,
)
_PIECE_GAP = re.compile(r"[\s.,()/-]{1,3}")


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    digits: str
    spelled: bool  # a digit word
    disguised: bool  # a digit word or a letter standing for a digit


def _phone_digits_ok(digits: str) -> bool:
    """A dialable US number (10 digits, or 11 with the leading 1) that is not a public service number."""
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return bool(re.fullmatch(r"[2-9]\d{2}[2-9]\d{6}", digits)) and digits not in PUBLIC_NUMBERS


def _pieces(text: str) -> Iterable[List[_Piece]]:
    """Runs of number pieces separated only by spaces or phone punctuation."""
    chain: List[_Piece] = []
    for m in _PHONE_PIECE.finditer(text):
        if m.group("word"):
            piece = _Piece(m.start(), m.end(), _DIGIT_WORDS[m.group("word").lower()], True, True)
        else:
            raw = m.group("group") or m.group("letters")
            piece = _Piece(m.start(), m.end(), raw.translate(_LOOK_ALIKES), False, not raw.isdigit())
        if chain and not _PIECE_GAP.fullmatch(text[chain[-1].end : piece.start]):
            yield chain
            chain = []
        chain.append(piece)
    if chain:
        yield chain


def _phone_run_ok(text: str, run: Sequence[_Piece]) -> bool:
    """Does this run of pieces spell a phone number that PHONE_RULES would not find?"""
    digits = "".join(p.digits for p in run)
    one_at_a_time = len(run) > 4 and all(len(p.digits) == 1 for p in run)
    if not (any(p.disguised for p in run) or one_at_a_time):
        return False  # plain digit groups: PHONE_RULES' job
    if len(digits) == 7:
        window = text[max(0, run[0].start - 30) : run[0].start] + " " + text[run[-1].end : run[-1].end + 30]
        return bool(re.fullmatch(r"[2-9]\d{6}", digits)) and bool(_PHONE_CONTEXT.search(window))
    return len(digits) in (10, 11) and _phone_digits_ok(digits)


def _disguised_phones(text: str) -> List[Tuple[int, int]]:
    """Spans of phone numbers written with digit words, look-alike letters or one digit at a time.

    A run may start or end next to spelled words ("oh", "one more time") but
    never cuts a digit group; its digits must make a whole phone number: 10
    digits (11 with a leading 1), or 7 near a phone word. Linear in the text.
    """
    spans = []
    for chain in _pieces(text):
        n, a = len(chain), 0
        while a < n - 1:
            if a > 0 and not chain[a - 1].spelled:
                a += 1
                continue
            best, count = None, 0
            for b in range(a, n):
                count += len(chain[b].digits)
                if count > 11:
                    break
                if b > a and (b + 1 == n or chain[b + 1].spelled) and _phone_run_ok(text, chain[a : b + 1]):
                    best = b  # keep the longest
            if best is None:
                a += 1
                continue
            start, end = chain[a].start, chain[best].end
            if start > 0 and text[start - 1] == "(" and ")" in text[start:end]:
                start -= 1
            spans.append((start, end))
            a = best + 1
    return spans


class PhoneRecognizer(RuleRecognizer):
    """US phone numbers, also spelled out or disguised; public service numbers, and any part of one, are kept."""

    def __init__(self) -> None:
        super().__init__(PHONE, PHONE_RULES, name="LanternPhoneRecognizer")

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        if not entities or PHONE in entities:
            results += [_result(PHONE, s, e, 0.7, self, "disguised_phone") for s, e in _disguised_phones(text)]
        if not results:
            return results
        public = [
            m.span("pii")
            for m in PHONE_RULES[0].pattern.finditer(text)
            if not _not_public_number(text, *m.span("pii"), None)
        ]
        return [r for r in results if not any(r.start < e and s < r.end for s, e in public)]


# --- SSN ----------------------------------------------------------------------

_SSN_CONTEXT = _rx(r"\b(?:ssn|ss\s*\#|ss\s+(?:num|number|no)|soc(?:ial)?(?:\s+sec(?:urity)?)?|social)\b")

SSN_RULES = [
    Rule("ssn_separated", _rx(r"(?<![\w.-])(?P<pii>\d{3}(?P<sep>[-.\s])\d{2}(?P=sep)\d{4})(?![\w-]|\.\d)"), 0.85),
    Rule("ssn_bare", _rx(r"(?<![\w.-])(?P<pii>\d{9})(?![\w-]|\.\d)"), 0.9, context=_SSN_CONTEXT, before=40, after=40),
    Rule(
        "ssn_last4",
        _rx(
            r"\blast\s*(?:4|four)\b(?:\s+digits)?\s+(?:of|on|to|from)?\s*(?:my|his|her|the)?\s*"
            r"(?:ssn|social(?:\s+security)?|ss|soc)\b[^\n\d]{0,20}?(?P<pii>\d{4})\b"
        ),
        0.9,
    ),
]

# --- date of birth ----------------------------------------------------------------

_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:(?:19|20)\d{2}|'?\d{2})"
_BIRTH_BEFORE = _rx(
    r"\b(?:born|birth\s*day|birthdays?|b[\s'-]?day|bday|dob|d\.\s?o\.\s?b|date\s+of\s+birth|birth\s*date|turned\s+\d{1,3}\s+(?:on|in))\b"
)
_BIRTH_AFTER = _rx(r"^[\s,]*(?:baby|bday|b-?day|birthday|is\s+my\s+(?:birthday|bday))\b")
_DATE_END = r"(?![\w/-]|[.]\d)"

_DOB_FORMS = {
    "dob_numeric": r"(?<![\w/.-])(?P<pii>(?:0?[1-9]|1[0-2])(?P<s>[/.-])(?:0?[1-9]|[12]\d|3[01])(?:(?P=s)(?:(?:19|20)\d{2}|\d{2}))?)"
    + _DATE_END,
    "dob_day_first": r"(?<![\w/.-])(?P<pii>(?:1[3-9]|2\d|3[01])(?P<s>[/.-])(?:0?[1-9]|1[0-2])(?P=s)(?:(?:19|20)\d{2}|\d{2}))"
    + _DATE_END,
    "dob_iso": r"(?<![\w/.-])(?P<pii>(?:19|20)\d{2}(?P<s>[/.-])(?:0?[1-9]|1[0-2])(?P=s)(?:0?[1-9]|[12]\d|3[01]))"
    + _DATE_END,
    "dob_compact": r"(?<![\w/.-])(?P<pii>(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:19|20)\d{2})(?!\w)",
    "dob_month_day": r"\b(?P<pii>" + _MON + r"\s*" + _DAY + r"(?:(?:,\s*|\s+)" + _YEAR + r")?)(?![\w/])",
    "dob_day_month": r"\b(?P<pii>" + _DAY + r"\s+(?:of\s+)?" + _MON + r"(?:(?:,\s*|\s+)" + _YEAR + r")?)(?![\w/])",
}

# A DOB is a date with a birth cue just before it ("born", "dob", "my bday is")
# or just after ("a december 12 baby"). Dates without a cue (court dates,
# "clean since may 5th") are not PII here.
DOB_RULES = [Rule(name, _rx(form), 0.85, context=_BIRTH_BEFORE, before=35) for name, form in _DOB_FORMS.items()] + [
    Rule(name + "_after", _rx(form), 0.8, context=_BIRTH_AFTER, after=25)
    for name, form in _DOB_FORMS.items()
    if name in ("dob_month_day", "dob_day_month", "dob_numeric")
]

# --- street address ---------------------------------------------------------------

_STREET_TYPES = (
    r"street|st|str|stret|streat|strt|avenue|ave|av|avenu|aveune|road|rd|boulevard|blvd|boul|drive|dr|drv|"
    r"lane|ln|way|court|ct|crt|place|pl|terrace|terr|ter|parkway|pkwy|pky|circle|cir|trail|trl|square|sq|"
    r"alley|pike|plaza|plz|crossing|xing|commons|pointe|highway|hwy|expressway|expy|freeway|fwy|turnpike|tpke|"
    r"heights|hts|ridge|grove"
)
_ROUTE = r"(?:state\s+|us\s+|county\s+)?(?:route|rte|rt|hwy|highway|road|rd|sr|cr)\s*-?\s*\d{1,4}\b"
_UNIT = r"(?:,?\s*(?:apt|apartment|unit|ste|suite|lot|rm|room|bldg|building|trlr|trailer|fl|floor)\.?\s*\#?\s*[a-z0-9-]{1,6}\b|,?\s*\#\s*[a-z0-9-]{1,6}\b)"
_ADDRESS_BLOCKERS = frozenset(
    """a an the of and or in at to for on my his her our their your me we he she it is was are i u
    with from by than then so but if as be been mg g ml day days week weeks month months year years hour hours
    minute minutes time times kids people pills bags points blocks miles more less all some most other""".split()
)


def _street_words_ok(text: str, start: int, end: int, _: Optional[NlpArtifacts]) -> bool:
    words = re.findall(r"[a-z']+", text[start:end].lower())
    return not any(w in _ADDRESS_BLOCKERS for w in words[:6])


ADDRESS_RULES = [
    Rule(
        "street",
        _rx(
            r"(?<![\w$./-])(?P<pii>\d{1,6}(?:-?[a-z](?![a-z]))?\s+"
            r"(?:(?:[nsew]|ne|nw|se|sw|north|south|east|west)\.?\s+)?"
            r"(?:"
            r"(?:(?:[a-z][a-z'.-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,4}(?:" + _STREET_TYPES + r")\b\.?(?:\s+\d{1,4}\b)?"
            r"|" + _ROUTE + r")"
            r"(?:\s+(?:[nsew]|ne|nw|se|sw)\b\.?)?" + _UNIT + r"?)"
        ),
        0.8,
        validator=_street_words_ok,
    ),
    Rule("po_box", _rx(r"\b(?P<pii>p\.?\s?o\.?\s*box\s*\#?\s*\d{1,6})\b"), 0.85),
]

# Streets named without a suffix ("i live at 412 Linden", "staying at 88 West Fifth")
# are only taken right after a cue that says where someone lives or can be found;
# "412 days", "3 points", "40 mg" after such a cue are stopped by the word checks.
_HOME_CUE = (
    r"(?:live|lives|living|lived|stay|stays|staying|stayed|crash|crashing|crashed|sleep|sleeping|squat|squatting|"
    r"reside|resides|residing)\s+(?:over\s+)?(?:at|on|by)"
    r"|mov(?:e|ed|ing)\s+(?:in\s+)?(?:to|at|on)"
    r"|(?:address|adress|addres|addy|addr)(?:\s+is|\s+was|\s*:|\s*-)?"
    r"|(?:house|home|place|apartment|apt|crib|trailer)\s+(?:is\s+)?(?:at|on)"
)
# Errands name times as often as places ("meet me at 9"), so their number must not be an hour.
_ERRAND_CUE = (
    r"(?:pick\s+(?:me|us|him|her|them|it)\s+up|come\s+get\s+(?:me|us|him|her)|meet\s+(?:me|us))(?:\s+at)?"
    r"|come\s+(?:over\s+)?to|(?:drop|bring|send|mail|deliver)\s+(?:[\w']+\s+){0,3}?(?:off\s+)?(?:at|to)"
    r"|i'?m\s+(?:over\s+)?at|i\s+am\s+at|we'?re\s+at"
)
_CUED_NUMBER = _rx(
    r"\b(?:(?P<home>" + _HOME_CUE + r")|(?P<errand>" + _ERRAND_CUE + r"))\s+"
    r"(?P<num>\d{1,5}(?:-?[a-z](?![a-z]))?)(?=\s)"
)
_STREET_WORD = _rx(r"[^\S\n]+(?P<w>[a-z][a-z'.]*|\d{1,3}(?:st|nd|rd|th))(?![\w-])")
_UNIT_AFTER = _rx(_UNIT)
_DIRECTIONS = frozenset("n s e w ne nw se sw north south east west n. s. e. w.".split())
# Words that say the number was an amount, a time or a count, not a house number.
_NOT_STREET_WORDS = (
    STOP_WORDS
    | DOMAIN_TERMS
    | _ADDRESS_BLOCKERS
    | frozenset(
        """different other same separate extra whole full half total couple few several many percent pct mcg gram
    grams oz ounce ounces lb kg point bag pill tab tabs bars hit hits line lines shot shots bump bumps hr hrs min
    mins sec secs seconds am pm oclock o'clock noon midnight last next each dollars bucks grand cents ppl
    apt apartment unit ste suite lot rm room bldg building trlr trailer fl floor""".split()
    )
)


class CuedStreetRecognizer(EntityRecognizer):
    """A house number and one to three street words after "i live at", "staying at", "my address is", ..."""

    MAX_WORDS = 3

    def __init__(self) -> None:
        super().__init__(supported_entities=[ADDRESS], name="LanternCuedStreetRecognizer")

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        if entities and ADDRESS not in entities:
            return []
        toks = _Tokens.of(nlp_artifacts)
        results: List[RecognizerResult] = []
        for m in _CUED_NUMBER.finditer(text):
            number = int(_digits(m.group("num")) or 0)
            if m.group("errand") and number <= 24:
                continue  # "meet me at 9 tonight", "pick me up at 12 noon"
            end = self._street_end(text, m.end("num"), toks)
            if end is None:
                continue
            unit = _UNIT_AFTER.match(text, end)
            if unit:
                end = unit.end()
            results.append(_result(ADDRESS, m.start("num"), end, 0.7, self, "cued_street"))
        return results

    def _street_end(self, text: str, pos: int, toks: _Tokens) -> Optional[int]:
        """End of the street name that starts after `pos`, or None if the words are not a street."""
        words: List[re.Match] = []
        for m in _STREET_WORD.finditer(text, pos):
            if m.start() != pos or len(words) >= self.MAX_WORDS + 1:
                break
            words.append(m)
            pos = m.end()
        name_end, named = None, 0
        for k, m in enumerate(words):
            low = m.group("w").lower()
            if k == 0 and low in _DIRECTIONS and len(words) > 1:
                continue  # "88 west fifth"
            if low in _NOT_STREET_WORDS or named >= self.MAX_WORDS:
                break
            i = toks.covering(m.start("w")) if len(toks) else -1
            tag = toks.items[i][4] if i >= 0 else ""
            if named == 0 and tag == "NNS":
                break  # "2 different shelters", "3 meetings"
            name_end, named = m.end("w"), named + 1
        return name_end


# --- ID and Medicaid numbers -----------------------------------------------------------

_ID_CUES = (
    r"medicaid|medicare|caid|insurance|member|policy|client|patient|case|docket|inmate|booking|offender|prisoner|"
    r"odrc|doc|i\.d\.?|id|license|licence|lisence|liscense|dl|passport|account|acct|mrn|chart|record|badge|"
    r"itin|ebt|cin|permit|certificate|cert|voucher"
)


def _id_code_ok(text: str, start: int, end: int, _: Optional[NlpArtifacts]) -> bool:
    code = text[start:end]
    alnum = re.sub(r"[^0-9a-zA-Z]", "", code)
    return len(alnum) >= 5 and len(_digits(code)) >= 4


ID_RULES = [
    Rule(
        "id_with_cue",
        _rx(
            r"\b(?:" + _ID_CUES + r")\b"
            r"(?:\s*(?:number|num|numbr|no\.?|nbr|\#|id|card|is|was|it'?s|its|:|,|=|-)(?![a-z]))*\s*"
            r"(?P<pii>(?=[a-z0-9-]*\d)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\s\d{2,6}(?!\w)){0,3})(?![\w@])"
        ),
        0.9,
        validator=_id_code_ok,
    ),
]

# --- social media handles ---------------------------------------------------------------

_PLATFORMS = (
    r"ig|insta|instagram|snap|snapchat|sc|tiktok|tik\s*tok|twitter|fb|facebook|discord|telegram|kik|venmo|"
    r"cash\s*app|cashapp|paypal|handle|username|user\s*name|screen\s*name|threads|reddit|whatsapp|onlyfans|"
    r"twitch|youtube|yt|gamertag|psn|xbox"
)
_HANDLE_COMMON = (
    STOP_WORDS | DOMAIN_TERMS | frozenset("broken hacked deleted down private blocked gone new old".split())
)


def _handle_ok(text: str, start: int, end: int, nlp_artifacts: Optional[NlpArtifacts]) -> bool:
    value = text[start:end].lstrip("@$")
    if not value or value.lower() in _HANDLE_COMMON:
        return False
    if re.fullmatch(r"\d+(?::\d+)?(?:am|pm)?", value, re.IGNORECASE):
        return False  # "@5pm", "@ 3:30"
    if re.search(r"[\d_.#]", value) or text[start] in "@$":
        return True
    tokens = _Tokens.of(nlp_artifacts)
    i = tokens.covering(start)
    return i < 0 or _tag_allows_name(tokens.items[i][4])


HANDLE_RULES = [
    Rule(
        "at_handle",
        _rx(r"(?<![\w@.$/])(?P<pii>@[a-z0-9_](?:[a-z0-9_.-]{0,28}[a-z0-9_])?)(?![\w@])"),
        0.85,
        validator=_handle_ok,
    ),
    Rule("cashtag", _rx(r"(?<![\w$])(?P<pii>\$[a-z][a-z0-9_-]{1,20})(?![\w])"), 0.85, validator=_handle_ok),
    Rule(
        "handle_with_cue",
        _rx(
            r"\b(?:" + _PLATFORMS + r")\b"
            r"(?:\s*(?:handle|name|username|acct|account|is|it'?s|its|me|at|on|@|:|-|,)(?![a-z0-9]))*\s*"
            r"(?P<pii>@?[a-z0-9_][a-z0-9_.\#-]{1,29}[a-z0-9_])(?![\w@/])"
        ),
        0.85,
        validator=_handle_ok,
    ),
]

# --- URLs -------------------------------------------------------------------------

_COMMON_TLDS = frozenset("com org net gov edu us io co ly info biz app tv mil".split())
_URL_TRAIL = ".,;:!?)]}'\""


def _url_ok(text: str, start: int, end: int, _: Optional[NlpArtifacts]) -> bool:
    value = text[start:end]
    low = value.lower()
    if low.startswith(("http://", "https://", "www.")):
        return True
    host, _slash, path = low.partition("/")
    host = host.split(":")[0]
    suffix = offline.public_suffix(host)
    if suffix is None:
        return False
    # Bare hosts: only well-known suffixes, or any suffix with a path ("gofund.me/x");
    # missing spaces in chat ("left.me", "ok.so") must not become URLs.
    return suffix.split(".")[-1] in _COMMON_TLDS or bool(path)


class UrlRecognizer(RuleRecognizer):
    """URLs with or without a scheme; trailing punctuation is left out of the span."""

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        results = []
        for res in super().analyze(text, entities, nlp_artifacts):
            end = res.end
            while end > res.start and text[end - 1] in _URL_TRAIL:
                end -= 1
            if end > res.start and _url_ok(text, res.start, end, nlp_artifacts):
                res.end = end
                results.append(res)
        return results


URL_RULES = [
    Rule(
        "url",
        _rx(
            r"(?<![\w@.-])(?P<pii>(?:https?://|www\.)[^\s<>\"]+"
            r"|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{2,5})?(?:/[^\s<>\"]*)?)"
        ),
        0.95,
    )
]

# --- licence plates --------------------------------------------------------------------

_PLATE_CUE = _rx(r"\b(?:plates?|tags?|license\s+plate|licence\s+plate|registration)\b")
_NOT_PLATE = re.compile(r"^\d+(?:st|nd|rd|th|am|pm|s|mg|g|ml|lbs?|k|x|hrs?|yrs?|mins?)$", re.IGNORECASE)


def _plate_ok(candidate: str) -> bool:
    parts = re.split(r"[ -]", candidate)
    alnum = "".join(parts)
    if not 5 <= len(alnum) <= 8 or not alnum.isalnum() or not alnum.isascii():
        return False
    if not (re.search(r"\d", alnum) and re.search(r"[a-z]", alnum, re.IGNORECASE)):
        return False
    if " " in candidate and any(len(p) > 4 for p in parts):
        return False
    return not any(_NOT_PLATE.match(p) or p.lower() in STOP_WORDS for p in parts)


class PlateRecognizer(EntityRecognizer):
    """A plate-shaped code (letters and digits, 5-8 chars) within a few words after 'plate'/'tags'."""

    WINDOW = 45

    def __init__(self) -> None:
        super().__init__(supported_entities=[PLATE], name="LanternPlateRecognizer")

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        results: List[RecognizerResult] = []
        for cue in _PLATE_CUE.finditer(text):
            base = cue.end()
            window = text[base : base + self.WINDOW]
            words = [
                (m.start() + base, m.end() + base, m.group())
                for m in re.finditer(r"[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z0-9]", window, re.IGNORECASE)
            ]
            for i, (s, e, w) in enumerate(words):
                if i + 1 < len(words) and words[i + 1][0] == e + 1 and text[e] == " ":
                    pair = f"{w} {words[i + 1][2]}"
                    if _plate_ok(pair):
                        results.append(_result(PLATE, s, words[i + 1][1], 0.85, self, "plate_pair"))
                        break
                if _plate_ok(w):
                    results.append(_result(PLATE, s, e, 0.85, self, "plate"))
                    break
        return results


# --- email (Presidio's, with offline domain check) ----------------------------------------


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email pattern; the domain is checked against the bundled suffix list only."""

    def __init__(self) -> None:
        super().__init__(supported_entity=EMAIL)

    def validate_result(self, pattern_text: str) -> bool:
        host = pattern_text.rsplit("@", 1)[-1]
        return offline.is_domain(host)


# "jake@gmail", "jake at gmail dot com": no valid domain, still an address to redact.
EMAIL_LOOSE_RULES = [
    Rule(
        "email_no_tld",
        _rx(r"(?<![\w.+-])(?P<pii>[a-z0-9][a-z0-9._+-]*@[a-z0-9-]{2,}(?:\.[a-z0-9-]+)*)(?![\w@-]|\.[a-z0-9])"),
        0.6,
    ),
    Rule(
        "email_spelled",
        _rx(
            r"(?<![\w.+-])(?P<pii>[a-z0-9][a-z0-9._+-]*\s*(?:\(at\)|\[at\]|\s+at\s+)\s*"
            r"(?:gmail|yahoo|hotmail|outlook|icloud|aol|live|msn|protonmail|proton|comcast|att|me|mail)"
            r"(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*(?:com|net|org|me))?)\b"
        ),
        0.7,
    ),
]


class LanternCreditCardRecognizer(CreditCardRecognizer):
    """Presidio's Luhn-checked card numbers, under Lantern's placeholder name."""

    def __init__(self) -> None:
        super().__init__(supported_entity=CREDIT_CARD)


# --- person names -------------------------------------------------------------------------

_RELATIONS = (
    r"baby\s*daddy|baby\s*mama|baby\s*momma|baby\s*father|baby\s*mother|case\s*manager|case\s*worker|caseworker|"
    r"social\s+worker|probation\s+officer|parole\s+officer|p\.\s?o\.?|po|"
    r"sons?|daughters?|kids?|child|children|babies|baby|boy|girl|bf|gf|boyfriend|girlfriend|husband|hubby|wife|wifey|"
    r"ex|fiance|fiancee|partner|moms?|mother|mama|momma|dads?|father|papa|step\s*-?\s*(?:dad|mom|son|daughter|father|mother)|"
    r"brothers?|bro|sisters?|sis|cousins?|aunt|auntie|uncle|grandma|grandmother|granny|nana|grandpa|grandfather|"
    r"grandson|granddaughter|grandkids?|niece|nephew|friends?|homie|homeboy|homegirl|buddy|roommate|roomie|neighbor|"
    r"landlord|boss|coworker|sponsor|counselor|counsellor|therapist|lawyer|attorney|public\s+defender|doctor|doc|"
    r"nurse|dealer|plug|pastor|teacher|worker"
)
# "my ex husband", "my late wife", "my best friend", "my little brother".
_RELATION_MODIFIERS = r"ex|late|former|new|old|older|younger|oldest|youngest|little|lil|big|best|twin"
# Spanish: "mi esposo es ramón", "mi hija se llama lupita".
_RELATIONS_ES = (
    r"esposo|esposa|marido|mujer|hijos?|hijas?|novio|novia|mam[aá]|pap[aá]|madre|padre|hermanos?|hermanas?|"
    r"amigos?|amigas?|primos?|primas?|t[ií]os?|t[ií]as?|abuelos?|abuelas?|nietos?|nietas?|sobrinos?|sobrinas?|"
    r"vecinos?|vecinas?"
)
_CUE_STRONG = _rx(
    r"(?:^\s*|\b(?:my|the|his|her|their|ur|your)\s+(?:real\s+|full\s+|first\s+|last\s+|nick\s*)?)"
    r"(?:name|nmae|nme|nam|naem|mame)(?:'s|s)?(?:\s+is|\s+was|\s*:|\s*=)?\s*[,:]?\s*"
    r"|\bname'?s\s+"
    r"|\bcall\s+me\s+"
    r"|\b(?:i\s+)?go\s+by\s+"
    r"|\bnamed\s+"
    r"|\b(?:me|se)\s+llamo\s+|\bse\s+llama\s+|\bmi\s+nombre\s+es\s+"
)
_CUE_INTRO = _rx(
    r"(?:^|[.!?;,]\s*|\b(?:hi|hey|hello|yo|hiya|sup|heyy+|hola)\b[\s,!.]*)"
    r"(?:i'?m|i\s+am|this\s+is|it'?s|it\s+is|its|here\s+is|soy)(?:\s+me\b)?[\s,]*"
)
_CUE_RELATION = _rx(
    r"\b(?:my|his|her|our|their|your|ur|me\s+and\s+my)\s+(?:(?:" + _RELATION_MODIFIERS + r")[\s-]*)?"
    r"(?:" + _RELATIONS + r")(?:'?s)?\b"
    r"(?:\s*(?:,|:|is|was|are|named|called|name\s+is|names\s+(?:is|are)|'s\s+name\s+is)(?![a-z]))*\s*"
    r"|\b(?:mis?|su|sus|tu|tus)\s+(?:" + _RELATIONS_ES + r")(?![a-z])"
    r"(?:\s*(?:,|:|es|era|se\s+llama)(?![a-z]))*\s*"
    r"|\b(?:called|tell|ask|told|met)\s+"
)
_STRONG_TITLES = (
    r"officer|ofc|ofcr|mr|mrs|ms|miss|mister|judge|detective|det|sgt|sergeant|deputy|agent|lieutenant|lt|"
    r"trooper|warden|prof|professor|rev|reverend|dr|doctor|captain|capt"
)
_WEAK_TITLES = r"nurse|coach|pastor|father|sister|brother|aunt|auntie|uncle|counselor|cuz|cousin"
_CUE_TITLE = _rx(r"\b(?:" + _STRONG_TITLES + r")\b\.?\s+")
_CUE_WEAK_TITLE = _rx(r"\b(?:" + _WEAK_TITLES + r")\b\.?\s+")
_TITLE_STOP = frozenset(
    """appointment appt visit visits office note notes prescribed prescription said says told visit
    wanted wants visits bill bills shopping hospital clinic pills meds""".split()
)
# Words after "call me" / "my name is" that are not names.
_STRONG_STOP = frozenset(
    """back later anytime whenever asap crazy stupid dumb weak selfish lazy names out up over
    sometime babe hun hon honey dear sweetie bae bro sis dude man girl mama papa""".split()
)
# Known words that are never a name on their own, whatever a cue says.
_NEVER_NAMES = STOP_WORDS | DOMAIN_TERMS | CHAT_WORDS | _STRONG_STOP | _TITLE_STOP | ORG_WORDS | NAME_PARTICLES
_NAME_TOKEN = re.compile(r"^[^\W\d_](?:[^\W\d_]|['-](?=[^\W\d_]))*$")
_HYPHENS = frozenset("-\u2010\u2011\u2013")
# Apostrophe endings that are contractions or a possessive, never the rest of a name ("jake's").
_CLITICS = frozenset("s d ll re ve t m".split())


def _is_word(token: str) -> bool:
    return bool(_NAME_TOKEN.match(token))


_NAME_APOSTROPHE = re.compile(r"^[a-z]['\u2019][a-z]{2,}$")
_STRETCHED = re.compile(r"([a-z])\1\1")  # "sooo", "plzzz": no name triples a letter


def _respellings(low: str) -> Iterable[str]:
    """`low` and the ordinary words chat spellings of it may stand for ("soo", "tweakin", "relapsd")."""
    yield low
    yield re.sub(r"(.)\1+", r"\1", low)
    if low.endswith("in"):
        yield low + "g"
    if low.endswith("d") and not low.endswith("ed"):
        yield low[:-1] + "ed"
    if low.endswith("z"):
        yield low[:-1] + "s"


def _join_compound(text: str, start: int, end: int) -> Tuple[int, int]:
    """Widen a name span over hyphen- or apostrophe-joined parts: "<Lopez>-Ferreira", "Al-<Hassan>".

    Without this the second half of "Maria Lopez-Ferreira" is left in the clear.
    A clitic ("jake's", "mike'll") is not part of the name.
    """
    n = len(text)
    while end + 1 < n and (text[end] in _HYPHENS or text[end] in "'\u2019") and text[end + 1].isalpha():
        stop = end + 1
        while stop < n and text[stop].isalpha():
            stop += 1
        if text[end] not in _HYPHENS and text[end + 1 : stop].lower() in _CLITICS:
            break
        end = stop
    while start >= 2 and text[start - 1] in _HYPHENS and text[start - 2].isalpha():
        begin = start - 1
        while begin > 0 and text[begin - 1].isalpha():
            begin -= 1
        start = begin
    return start, end


class PersonRecognizer(EntityRecognizer):
    """Names from four signals: spaCy NER, name lexicons, chat cues, and unknown words after a cue.

    Cues, strongest first: "my name is / call me / named X" (almost any word),
    titles ("officer X", "mrs X"), greetings ("hey its X"), relations
    ("my son X", "my po X"). After a cue, a lower-case word no dictionary
    knows ("my friend chidi") is taken for a name: names from outside the
    lexicons are not capitalised in chat either. Surnames, particles
    ("van", "al", "de la") and hyphenated parts extend a found name.
    `vocabulary` is the English word check; without it (no spaCy model) the
    unknown-word signal is off.
    """

    def __init__(self, vocabulary: Optional[EnglishWords] = None) -> None:
        self.vocabulary = vocabulary
        super().__init__(supported_entities=[PERSON], name="LanternPersonRecognizer")

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        if entities and PERSON not in entities:
            return []
        toks = _Tokens.of(nlp_artifacts)
        if not len(toks):
            return []
        found: dict = {}  # token index -> (score, cue kind)

        def accept(i: int, score: float, kind: str) -> None:
            if i not in found or found[i][0] < score:
                found[i] = (score, kind)

        # 1. lexicon
        for i, (_s, _e, _orig, low, _tag) in enumerate(toks.items):
            if low in FIRST_NAMES:
                accept(i, 0.6, "lexicon")

        # 2. cues
        for cue, kind in (
            (_CUE_STRONG, "strong"),
            (_CUE_TITLE, "title"),
            (_CUE_WEAK_TITLE, "weak_title"),
            (_CUE_INTRO, "intro"),
            (_CUE_RELATION, "relation"),
        ):
            for m in cue.finditer(text):
                i = toks.at_or_after(m.end())
                if i >= len(toks) or toks.items[i][0] - m.end() > 2:
                    continue
                if kind in ("title", "weak_title", "intro", "relation") and i in found and found[i][1] == "lexicon":
                    accept(i, 0.8, kind)
                    continue
                if self._cue_accepts(toks, i, kind):
                    accept(i, 0.8, kind)

        # 3. spaCy NER
        spans: List[Tuple[int, int, float]] = []
        ents = getattr(nlp_artifacts, "entities", None) or []
        for ent in ents:
            if ent.label_ != "PERSON":
                continue
            words = [t.lower_ for t in ent if not t.is_punct]
            if not words or any(w in DOMAIN_TERMS for w in words) or all(w in STOP_WORDS for w in words):
                continue
            if len(ent.text.strip()) < 2:
                continue
            spans.append((ent.start_char, ent.end_char, 0.55))

        # 4. extend each found name with surnames, nicknames and coordinated names
        for i in sorted(found):
            score, kind = found[i]
            j = i
            if toks.items[i][3] in NAME_PREFIXES and i + 1 < len(toks) and _is_word(toks.items[i + 1][2]):
                j = i + 1
            j = self._extend_surname(toks, j)
            if kind == "lexicon" and j + 1 < len(toks) and toks.items[j + 1][3] in ORG_WORDS:
                continue
            spans.append((toks.items[i][0], toks.items[j][1], score))
            for k in self._coordinated(toks, j, cued=kind != "lexicon"):
                if k not in found:
                    spans.append((toks.items[k][0], toks.items[self._extend_surname(toks, k)][1], 0.7))

        results = []
        for s, e, sc in spans:
            s, e = _join_compound(text, s, e)
            if s < e:
                results.append(_result(PERSON, s, e, sc, self, "person"))
        return results

    def _unknown(self, orig: str, low: str, tag: str = "") -> bool:
        """A word that is in no list and not English, even respelled: after a cue, most likely a name.

        Chat respells ordinary words ("sooo", "tweakin", "relapsd"), and the
        dictionary predates some ("vaped"): those must not become names.
        """
        if self.vocabulary is None or len(low) < 3 or not _is_word(orig):
            return False
        if "'" in low and not _NAME_APOSTROPHE.match(low):
            return False  # "od'd", "gov't"; names keep "o'connell", "d'angelo"
        if _STRETCHED.search(low) or low in AMBIGUOUS_NAMES:
            return False
        if (tag.startswith(("VBD", "VBN")) and low.endswith("ed")) or (
            tag.startswith("VBG") and low.endswith(("ing", "in"))
        ):
            return False  # "vaped", "tweaking": verb forms of words the dictionary is too old for
        return not any(v in _NEVER_NAMES or v in self.vocabulary for v in _respellings(low))

    def _unknown_compound(self, toks: _Tokens, i: int) -> bool:
        """Token i starts a hyphenated word that is not English as a whole: "sung-min", not "check-in"."""
        end = self._compound_end(toks, i)
        if end == i or self.vocabulary is None:
            return False
        parts = [toks.items[k][3] for k in range(i, end + 1, 2)]
        if not all(p.isalpha() and p not in _NEVER_NAMES and not _STRETCHED.search(p) for p in parts):
            return False
        return "-".join(parts) not in self.vocabulary and "".join(parts) not in self.vocabulary

    def _cue_accepts(self, toks: _Tokens, i: int, kind: str) -> bool:
        _s, _e, orig, low, tag = toks.items[i]
        if not _is_word(orig):
            return False
        if kind != "title" and self._unknown_compound(toks, i):
            return True
        if kind == "strong":
            if low in NAME_PREFIXES and i + 1 < len(toks) and _is_word(toks.items[i + 1][2]):
                return True
            return (
                low not in STOP_WORDS
                and low not in _STRONG_STOP
                and (
                    low in FIRST_NAMES
                    or low in AMBIGUOUS_NAMES
                    or _tag_may_be_name(tag)
                    or self._unknown(orig, low, tag)
                )
            )
        if low in DOMAIN_TERMS or low in STOP_WORDS:
            return False
        if low in FIRST_NAMES:
            return True
        if low in AMBIGUOUS_NAMES:
            return _tag_may_be_name(tag)  # "my bf will kill me": "will" is MD here
        # The small tagger tags unknown lower-case words at random ("dmitri" VBD): no tag test for them.
        if self._unknown(orig, low, tag):
            return True
        if kind == "title":
            return len(low) > 1 and low not in _TITLE_STOP and _tag_allows_name(tag)
        if kind == "weak_title":
            return low in SURNAMES or (orig[0].isupper() and _tag_allows_name(tag))
        # intro / relation: otherwise only capitalised words
        return orig[0].isupper() and len(low) > 1 and _tag_allows_name(tag)

    @staticmethod
    def _attached(toks: _Tokens, a: int, b: int) -> bool:
        """Tokens a and b touch (no space between them)."""
        return toks.items[b][0] == toks.items[a][1]

    def _compound_end(self, toks: _Tokens, k: int) -> int:
        """Last token of a hyphen-joined word starting at k ("lopez - ferreira" as spaCy splits it)."""
        while (
            k + 2 < len(toks)
            and toks.items[k + 1][2] in _HYPHENS
            and self._attached(toks, k, k + 1)
            and self._attached(toks, k + 1, k + 2)
            and _is_word(toks.items[k + 2][2])
        ):
            k += 2
        return k

    def _surname_like(self, toks: _Tokens, k: int, prev: int) -> bool:
        """Can token k continue the name whose last token is `prev`?"""
        _s, _e, orig, low, tag = toks.items[k]
        if not _is_word(orig) or low in STOP_WORDS or low in DOMAIN_TERMS or low in CHAT_WORDS:
            return False
        if low in SURNAMES or low in FIRST_NAMES or low == toks.items[prev][3]:
            return True
        if orig[0].isupper() and toks.items[prev][2][0].isupper() and _tag_allows_name(tag):
            return True
        return self._unknown(orig, low, tag)

    def _extend_surname(self, toks: _Tokens, j: int) -> int:
        """Index of the last token of the name ending at token `j`.

        Takes up to three more name words ("josé luis garcía márquez"), hyphenated
        parts ("anne-marie", "al-hassan") and particles followed by a name word
        ("nguyen van minh", "garcia de la cruz").
        """
        j = self._compound_end(toks, j)
        words = 0
        while words < 3 and j + 1 < len(toks):
            k = j + 1
            if toks.items[k][0] - toks.items[j][1] != 1:  # one space between name words
                break
            particles = 0
            while k < len(toks) and toks.items[k][3] in NAME_PARTICLES and particles < 2 and k + 1 < len(toks):
                if self._attached(toks, k, k + 1) and toks.items[k + 1][2] in _HYPHENS:
                    break  # "al-hassan": the particle is the first half of a compound
                if toks.items[k + 1][0] - toks.items[k][1] != 1:
                    break
                k += 1
                particles += 1
            if k >= len(toks):
                break
            end = self._compound_end(toks, k)
            # "al-hassan", "el-sayed", "van-dyke": a particle joined to a word makes a surname.
            prefixed = toks.items[k][3] in NAME_PARTICLES and end > k
            if not prefixed and not self._surname_like(toks, k, j):
                break
            j = end
            words += 1
        return j

    def _coordinated(self, toks: _Tokens, j: int, cued: bool) -> Iterable[int]:
        """Names listed after a name: "jayden and mia", "aiden, sophia and liam"."""
        k = j + 1
        while k + 1 <= len(toks):
            # skip one connector ("," "and" "&" ", and")
            seen = 0
            while k < len(toks) and toks.items[k][3] in (",", "and", "&", "n", "+", "y") and seen < 2:
                k += 1
                seen += 1
            if not seen or k >= len(toks):
                return
            _s, _e, orig, low, tag = toks.items[k]
            ambiguous_ok = cued and low in AMBIGUOUS_NAMES and low not in DOMAIN_TERMS and _tag_may_be_name(tag)
            # An unknown word after "and" is the next name; after a bare comma only if the list goes on
            # ("amara, zainab and ..."), not "jake miller, dob 3/14/89".
            listed = toks.items[k - 1][3] != "," or k + 1 >= len(toks) or not _is_word(toks.items[k + 1][2])
            if low in FIRST_NAMES or ambiguous_ok or (cued and listed and self._unknown(orig, low, tag)):
                yield k
                k = self._extend_surname(toks, k) + 1
            else:
                return


def build_recognizers(vocabulary: Optional[EnglishWords] = None) -> List[EntityRecognizer]:
    """Every recognizer Lantern registers, in no particular order (conflicts are resolved later).

    `vocabulary` (English words, from the spaCy model) lets names outside the lexicons be found.
    """
    return [
        PersonRecognizer(vocabulary),
        PhoneRecognizer(),
        OfflineEmailRecognizer(),
        RuleRecognizer(EMAIL, EMAIL_LOOSE_RULES, name="LanternLooseEmailRecognizer"),
        RuleRecognizer(SSN, SSN_RULES),
        RuleRecognizer(DATE_OF_BIRTH, DOB_RULES),
        RuleRecognizer(ADDRESS, ADDRESS_RULES),
        CuedStreetRecognizer(),
        RuleRecognizer(ID_NUMBER, ID_RULES),
        RuleRecognizer(HANDLE, HANDLE_RULES),
        PlateRecognizer(),
        UrlRecognizer(URL, URL_RULES, name="LanternUrlRecognizer"),
        LanternCreditCardRecognizer(),
    ]
