"""Presidio recognizers for the PII people type into a harm-reduction chat.

Presidio's defaults are tuned for well-formed, capitalised English. Chat is
lower case, full of typos, and full of look-alikes: doses ("2mg"), 0-10 scale
answers ("a 6", "7/10"), times, durations, drug slang that doubles as names
("molly", "tina"), and crisis numbers that must stay readable (911, 988,
SAMHSA). So most recognizers here carry their own context in the regex and a
validator, instead of relying on Presidio's lemma-based context boost (which
needs the lemmatizer we leave out for speed).

Entity types double as placeholders: PERSON becomes "<PERSON>".
Five-digit ZIP codes are deliberately never redacted on their own: the
referral feature needs them, and a ZIP alone does not identify anyone.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Pattern, Sequence, Tuple

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, EmailRecognizer

from bot.anonymizer import offline
from bot.anonymizer.wordlists import (
    AMBIGUOUS_NAMES,
    DOMAIN_TERMS,
    FIRST_NAMES,
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

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> List[RecognizerResult]:
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
                    window = text[max(0, start - rule.before):start] if rule.before else ""
                    tail = text[end:end + rule.after] if rule.after else ""
                    if not (rule.context.search(window) if rule.before else False) and not (
                        rule.context.search(tail) if rule.after else False
                    ):
                        continue
                if rule.validator is not None and not rule.validator(text, start, end, nlp_artifacts):
                    continue
                results.append(_result(entity, start, end, rule.score, self, rule.name))
        return results


def _result(entity: str, start: int, end: int, score: float, recognizer: EntityRecognizer, rule: str) -> RecognizerResult:
    return RecognizerResult(
        entity_type=entity,
        start=start,
        end=end,
        score=score,
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
            "rule": rule,
        },
    )


# --- shared helpers -----------------------------------------------------------

def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


class _Tokens:
    """Token view of a spaCy doc: lower-case text, original text, tag, char offsets."""

    @classmethod
    def of(cls, nlp_artifacts: Optional[NlpArtifacts]) -> "_Tokens":
        """Built once per analysed text and cached on its artifacts."""
        if nlp_artifacts is None:
            return cls(None)
        cached = getattr(nlp_artifacts, "_lantern_tokens", None)
        if cached is None:
            cached = cls(nlp_artifacts)
            setattr(nlp_artifacts, "_lantern_tokens", cached)
        return cached

    def __init__(self, nlp_artifacts: Optional[NlpArtifacts]) -> None:
        doc = getattr(nlp_artifacts, "tokens", None) if nlp_artifacts is not None else None
        self.items: List[Tuple[int, int, str, str, str]] = []
        if doc is not None:
            for tok in doc:
                if tok.is_space:
                    continue
                self.items.append((tok.idx, tok.idx + len(tok.text), tok.text, tok.text.lower(), tok.tag_ or ""))
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

_PHONE_CONTEXT = _rx(r"\b(?:call|calls|text|txt|texting|number|num|phone|ph|cell|mobile|reach|\#|area\s+code|contact|hit\s+me|hmu)\b|\#")


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

class PhoneRecognizer(RuleRecognizer):
    """US phone numbers; public service numbers, and any part of one, are kept."""

    def __init__(self) -> None:
        super().__init__(PHONE, PHONE_RULES, name="LanternPhoneRecognizer")

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> List[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        if not results:
            return results
        public = [
            m.span("pii") for m in PHONE_RULES[0].pattern.finditer(text)
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
        _rx(r"\blast\s*(?:4|four)\b(?:\s+digits)?\s+(?:of|on|to|from)?\s*(?:my|his|her|the)?\s*"
            r"(?:ssn|social(?:\s+security)?|ss|soc)\b[^\n\d]{0,20}?(?P<pii>\d{4})\b"),
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
    "dob_numeric": r"(?<![\w/.-])(?P<pii>(?:0?[1-9]|1[0-2])(?P<s>[/.-])(?:0?[1-9]|[12]\d|3[01])(?:(?P=s)(?:(?:19|20)\d{2}|\d{2}))?)" + _DATE_END,
    "dob_day_first": r"(?<![\w/.-])(?P<pii>(?:1[3-9]|2\d|3[01])(?P<s>[/.-])(?:0?[1-9]|1[0-2])(?P=s)(?:(?:19|20)\d{2}|\d{2}))" + _DATE_END,
    "dob_iso": r"(?<![\w/.-])(?P<pii>(?:19|20)\d{2}(?P<s>[/.-])(?:0?[1-9]|1[0-2])(?P=s)(?:0?[1-9]|[12]\d|3[01]))" + _DATE_END,
    "dob_compact": r"(?<![\w/.-])(?P<pii>(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:19|20)\d{2})(?!\w)",
    "dob_month_day": r"\b(?P<pii>" + _MON + r"\s*" + _DAY + r"(?:(?:,\s*|\s+)" + _YEAR + r")?)(?![\w/])",
    "dob_day_month": r"\b(?P<pii>" + _DAY + r"\s+(?:of\s+)?" + _MON + r"(?:(?:,\s*|\s+)" + _YEAR + r")?)(?![\w/])",
}

# A DOB is a date with a birth cue just before it ("born", "dob", "my bday is")
# or just after ("a december 12 baby"). Dates without a cue (court dates,
# "clean since may 5th") are not PII here.
DOB_RULES = [
    Rule(name, _rx(form), 0.85, context=_BIRTH_BEFORE, before=35)
    for name, form in _DOB_FORMS.items()
] + [
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
            r"(?:\s+(?:[nsew]|ne|nw|se|sw)\b\.?)?"
            + _UNIT + r"?)"
        ),
        0.8,
        validator=_street_words_ok,
    ),
    Rule("po_box", _rx(r"\b(?P<pii>p\.?\s?o\.?\s*box\s*\#?\s*\d{1,6})\b"), 0.85),
]

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
_HANDLE_COMMON = STOP_WORDS | DOMAIN_TERMS | frozenset("broken hacked deleted down private blocked gone new old".split())


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
    Rule("at_handle", _rx(r"(?<![\w@.$/])(?P<pii>@[a-z0-9_](?:[a-z0-9_.-]{0,28}[a-z0-9_])?)(?![\w@])"), 0.85, validator=_handle_ok),
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

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> List[RecognizerResult]:
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

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> List[RecognizerResult]:
        results: List[RecognizerResult] = []
        for cue in _PLATE_CUE.finditer(text):
            base = cue.end()
            window = text[base:base + self.WINDOW]
            words = [(m.start() + base, m.end() + base, m.group()) for m in re.finditer(r"[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z0-9]", window, re.IGNORECASE)]
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

    def validate_result(self, pattern_text: str) -> bool:  # noqa: D102
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
        _rx(r"(?<![\w.+-])(?P<pii>[a-z0-9][a-z0-9._+-]*\s*(?:\(at\)|\[at\]|\s+at\s+)\s*"
            r"(?:gmail|yahoo|hotmail|outlook|icloud|aol|live|msn|protonmail|proton|comcast|att|me|mail)"
            r"(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*(?:com|net|org|me))?)\b"),
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
_CUE_STRONG = _rx(
    r"(?:^\s*|\b(?:my|the|his|her|their|ur|your)\s+(?:real\s+|full\s+|first\s+|last\s+|nick\s*)?)"
    r"(?:name|nmae|nme|nam|naem|mame)(?:'s|s)?(?:\s+is|\s+was|\s*:|\s*=)?\s*[,:]?\s*"
    r"|\bname'?s\s+"
    r"|\bcall\s+me\s+"
    r"|\b(?:i\s+)?go\s+by\s+"
    r"|\bnamed\s+"
)
_CUE_INTRO = _rx(
    r"(?:^|[.!?;,]\s*|\b(?:hi|hey|hello|yo|hiya|sup|heyy+)\b[\s,!.]*)"
    r"(?:i'?m|i\s+am|this\s+is|it'?s|it\s+is|its|here\s+is)(?:\s+me\b)?[\s,]*"
)
_CUE_RELATION = _rx(
    r"\b(?:my|his|her|our|their|your|ur|me\s+and\s+my)\s+(?:" + _RELATIONS + r")(?:'?s)?\b"
    r"(?:\s*(?:,|:|is|was|are|named|called|name\s+is|names\s+(?:is|are)|'s\s+name\s+is)(?![a-z]))*\s*"
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
_NAME_TOKEN = re.compile(r"^[^\W\d_](?:[^\W\d_]|['-](?=[^\W\d_]))*$")


def _is_word(token: str) -> bool:
    return bool(_NAME_TOKEN.match(token))


class PersonRecognizer(EntityRecognizer):
    """Names from three signals: spaCy NER, a first-name lexicon, and chat cues.

    Cues, strongest first: "my name is / call me / named X" (almost any word),
    titles ("officer X", "mrs X"), greetings ("hey its X"), relations
    ("my son X", "my po X"). Surnames extend a found first name.
    """

    def __init__(self) -> None:
        super().__init__(supported_entities=[PERSON], name="LanternPersonRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> List[RecognizerResult]:
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

        return [_result(PERSON, s, e, sc, self, "person") for s, e, sc in spans if s < e]

    @staticmethod
    def _cue_accepts(toks: _Tokens, i: int, kind: str) -> bool:
        _s, _e, orig, low, tag = toks.items[i]
        if not _is_word(orig):
            return False
        if kind == "strong":
            if low in NAME_PREFIXES and i + 1 < len(toks) and _is_word(toks.items[i + 1][2]):
                return True
            return low not in STOP_WORDS and low not in _STRONG_STOP and (
                low in FIRST_NAMES or low in AMBIGUOUS_NAMES or _tag_may_be_name(tag)
            )
        if low in DOMAIN_TERMS or low in STOP_WORDS:
            return False
        if low in FIRST_NAMES:
            return True
        if low in AMBIGUOUS_NAMES:
            return _tag_may_be_name(tag)  # "my bf will kill me": "will" is MD here
        if kind == "title":
            return len(low) > 1 and low not in _TITLE_STOP and _tag_allows_name(tag)
        if kind == "weak_title":
            return low in SURNAMES or (orig[0].isupper() and _tag_allows_name(tag))
        # intro / relation: only capitalised unknown words
        return orig[0].isupper() and len(low) > 1 and _tag_allows_name(tag)

    @staticmethod
    def _extend_surname(toks: _Tokens, j: int) -> int:
        """Index of the last token of the name starting at or ending at `j`."""
        for _ in range(2):
            if j + 1 >= len(toks):
                break
            _s, _e, orig, low, tag = toks.items[j + 1]
            if toks.items[j + 1][0] - toks.items[j][1] > 1 or not _is_word(orig):
                break
            if low in STOP_WORDS or low in DOMAIN_TERMS:
                break
            same = low == toks.items[j][3]
            capitalised = orig[0].isupper() and toks.items[j][2][0].isupper() and _tag_allows_name(tag)
            if low in SURNAMES or same or capitalised:
                j += 1
            else:
                break
        return j

    @staticmethod
    def _coordinated(toks: _Tokens, j: int, cued: bool) -> Iterable[int]:
        """Names listed after a name: "jayden and mia", "aiden, sophia and liam"."""
        k = j + 1
        while k + 1 <= len(toks):
            # skip one connector ("," "and" "&" ", and")
            seen = 0
            while k < len(toks) and toks.items[k][3] in (",", "and", "&", "n", "+") and seen < 2:
                k += 1
                seen += 1
            if not seen or k >= len(toks):
                return
            low = toks.items[k][3]
            ambiguous_ok = cued and low in AMBIGUOUS_NAMES and low not in DOMAIN_TERMS and _tag_may_be_name(toks.items[k][4])
            if low in FIRST_NAMES or ambiguous_ok:
                yield k
                k += 1
            else:
                return


def build_recognizers() -> List[EntityRecognizer]:
    """Every recognizer Lantern registers, in no particular order (conflicts are resolved later)."""
    return [
        PersonRecognizer(),
        PhoneRecognizer(),
        OfflineEmailRecognizer(),
        RuleRecognizer(EMAIL, EMAIL_LOOSE_RULES, name="LanternLooseEmailRecognizer"),
        RuleRecognizer(SSN, SSN_RULES),
        RuleRecognizer(DATE_OF_BIRTH, DOB_RULES),
        RuleRecognizer(ADDRESS, ADDRESS_RULES),
        RuleRecognizer(ID_NUMBER, ID_RULES),
        RuleRecognizer(HANDLE, HANDLE_RULES),
        PlateRecognizer(),
        UrlRecognizer(URL, URL_RULES, name="LanternUrlRecognizer"),
        LanternCreditCardRecognizer(),
    ]
