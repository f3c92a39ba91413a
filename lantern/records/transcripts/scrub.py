"""What the tracker store may keep: Rasa event dicts with everything identifying taken out.

`Scrubber.scrub()` receives the new events of one save (as `event.as_dict()`)
and returns copies that are safe to store, plus one transcript record per user
and bot message. The live tracker is never touched: the current turn and the
action server keep seeing the real message.

What changes, by event:
- user: `text` and `parse_data.text` are anonymized; entity values that
  overlap a PII span (or cannot be checked against the text) become
  placeholders; client `metadata` is dropped (channels put phone numbers there).
- slot: by `slot_policy()`. Bool, float and categorical slots hold no free
  text and are kept, and so are `PUBLIC_SLOTS` (crisis flags, the locale's
  public crisis numbers). `CODE_SLOTS` hold codes Lantern's own actions pick
  from fixed vocabularies (MI themes, offers, referral needs, public directory
  entries): kept, with this save's PII values replaced as a safety net. Every
  other value (text/any/list slots, slots the domain does not know) becomes
  "<REDACTED>". Staff lose nothing: the message a value came from is in the
  transcript, anonymized. A new text/any/list slot must be classified here
  (tests/unit/test_transcripts_scrub.py checks every domain slot is).
- bot / agent / action_text: every PII value seen in this save (found in the
  user's messages, or held by a non-public slot or entity) and the raw sender
  id is replaced wherever it appears, in any case, and phone-like numbers in
  any formatting ("380 555 0147" said, "(380) 555-0147" repeated). A response
  rendered from a domain template has its non-public slot values redacted.
  So a bot text at rest never holds personal data the person's own stored
  message does not: a reflection repeats at most what is already anonymized.
  Bot text is not run through the anonymizer itself: it would cost a full NLP
  pass per reply and redact public information the bot gives (a clinic's
  phone number and address in a referral).
- a staff member's message in a hand-off (bot event with `staff` metadata): anonymized like a user
  text, recorded with sender "staff".
- every other event: `metadata` dropped (session start copies the channel's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

REDACTED = "<REDACTED>"
TRUNCATED = "<TRUNCATED>"

# Slots whose values are public or carry no free text, kept as they are.
PUBLIC_SLOTS = frozenset(
    {
        "paused",
        "crisis_active",
        "crisis_type",
        "requested_slot",
        # the locale's public crisis numbers and notes (rasa_plugins/nlu/crisis.py fills them)
        "emergency_number",
        "crisis_line",
        "poison_control",
        "good_samaritan_note",
    }
)
# Slot types that cannot hold free text.
SAFE_SLOT_TYPES = frozenset({"bool", "float", "categorical"})
# Text/any/list slots that only ever hold codes from fixed vocabularies or public data, set by
# Lantern's own actions (not copied from what the person typed). Checked against actions/*.py.
CODE_SLOTS = frozenset(
    {
        # MI memory (actions/mi.py, reflect.py, cues.py): theme and step keys, "your kids"-style relations, role
        "change_themes",
        "sustain_themes",
        "steps_taken",
        "who",
        "role",
        # dialogue bookkeeping: which question or offer is pending
        "ruler_pending",
        "ruler_asked",
        "last_prompt",
        "pending_offer",
        # knowledge (actions/base.py, actions/info.py): a topic label from data/knowledge/topics.yml, an entry id
        "topic",
        "last_entry",
        # what the bot said (actions/base.py): 12-hex-digit hashes of its own sentences, never the person's words
        "said",
        # referrals (actions/referral*.py): need keys, a validated ZIP / "City, ST" / "anywhere", retry and exit
        # reasons, and the public directory entries shown
        "referral_need",
        "referral_last_need",
        "referral_place",
        "referral_retry",
        "referral_exit",
        "referral_shown",
        # check-ins (actions/checkins.py): a step or topic key, an IANA zone, and the draft time (epoch seconds,
        # zone, and the bot's own description of the parsed time, never the person's words)
        "plan_step",
        "checkin_step",
        "timezone",
        "checkin_draft",
    }
)
# Text/any/list slots deliberately stored as "<REDACTED>" (the channel's metadata, copied at session start).
REDACTED_SLOTS = frozenset({"session_started_metadata"})
KEEP, CODE, REDACT = "keep", "code", "redact"
# Entities the crisis NLU step adds with the locale's public numbers.
PUBLIC_ENTITIES = frozenset({"emergency_number", "crisis_line", "poison_control", "good_samaritan_note"})
PUBLIC_ENTITY_EXTRACTORS = frozenset({"CrisisDetector"})
# parse_data keys produced by Lantern's and Rasa's NLU that hold no user text.
SAFE_PARSE_KEYS = frozenset(
    {
        "intent",
        "intent_ranking",
        "crisis",
        "crisis_signal",
        "talk_type",
        "message_id",
        "response_selector",
        "knowledge",  # entry ids, scores, topic labels (rasa_plugins/nlu/knowledge.py)
        "language",  # a language code (rasa_plugins/nlu/language.py)
    }
)
# Numbers up to this many digits (counts, ages, ZIP codes) are kept in entity values.
MAX_KEPT_NUMBER_DIGITS = 5
MIN_SECRET_CHARS = 2  # PII the anonymizer found
MIN_VALUE_SECRET_CHARS = 3  # slot and entity values (shorter ones are mostly "no", "ok")
MIN_SENDER_SECRET_CHARS = 6
# Values with this many digits are matched in any formatting (spaces, dots, dashes, brackets).
MIN_FLEXIBLE_DIGITS = 7

_PLACEHOLDER = re.compile(r"\{([^\n{}]+?)\}")  # how Rasa fills response templates
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{7,}$")
_ONLY_PLACEHOLDERS = re.compile(r"(?:\s*<[A-Z_]+>\s*)+")


@dataclass(frozen=True)
class Redaction:
    """Anonymized text, the raw PII values found (for replacing elsewhere) and their types."""

    text: str
    found: Tuple[Tuple[str, str], ...] = ()  # (raw value, type); never stored
    types: Tuple[str, ...] = ()
    degraded: bool = False
    spans: Tuple[Tuple[int, int], ...] = ()  # PII spans in the input text
    failed: bool = False  # the anonymizer raised: the whole text was redacted


@dataclass
class MessageRecord:
    """One transcript message, already anonymized."""

    sender: str  # "user" | "bot" | "staff" (a staff member's message in a hand-off)
    text: str
    timestamp: float
    channel: Optional[str] = None
    intent: Optional[str] = None
    intent_confidence: Optional[float] = None
    talk_type: Optional[str] = None
    talk_type_confidence: Optional[float] = None
    crisis: bool = False
    crisis_level: Optional[str] = None
    crisis_category: Optional[str] = None
    action: Optional[str] = None
    mi_code: Optional[str] = None  # bot messages: the template's metadata.mi
    pii_types: Tuple[str, ...] = ()
    degraded: bool = False


@dataclass
class SessionMark:
    """A new Rasa session started here: the transcript opens a new conversation."""

    timestamp: float


@dataclass
class Scrubbed:
    """The result of one save: storable event dicts and the transcript entries, in order."""

    events: List[Dict[str, Any]]
    records: List[Any] = field(default_factory=list)  # MessageRecord | SessionMark
    degraded: bool = False


class Secrets:
    """Raw PII values seen in this save, replaced wherever else they appear.

    Words match whole and in any case; values with many digits (phone, SSN, ID
    numbers) match by their digits, whatever the separators.
    """

    def __init__(self) -> None:
        self._values: Dict[str, str] = {}  # lower-cased value -> placeholder
        self._digits: Dict[str, str] = {}  # digit string -> placeholder
        self._pattern: Optional[re.Pattern] = None
        self._kinds: List[str] = []

    def add(self, raw: Any, kind: str, min_chars: int = MIN_SECRET_CHARS) -> None:
        if not isinstance(raw, str):
            return
        value = raw.strip()
        if len(value) < min_chars or _ONLY_PLACEHOLDERS.fullmatch(value):
            return
        placeholder = f"<{kind}>"
        digits = _digits_only(value)
        if len(digits) >= MIN_FLEXIBLE_DIGITS and len(digits) >= len(re.sub(r"[\s().+-]", "", value)) - 1:
            if digits not in self._digits:
                self._digits[digits] = placeholder
                self._pattern = None
            return
        if value.lower() not in self._values:
            self._values[value.lower()] = placeholder
            self._pattern = None

    def __bool__(self) -> bool:
        return bool(self._values or self._digits)

    def _compile(self) -> re.Pattern:
        parts, self._kinds = [], []
        for value in sorted(self._values, key=len, reverse=True):
            parts.append(r"(?<!\w)" + re.escape(value) + r"(?!\w)")
            self._kinds.append(self._values[value])
        for digits in sorted(self._digits, key=len, reverse=True):
            parts.append(r"(?<!\d)[+(]?" + r"[\s().-]*".join(digits) + r"(?!\d)")
            self._kinds.append(self._digits[digits])
        return re.compile("|".join(f"({part})" for part in parts), re.IGNORECASE)

    def replace(self, text: str) -> str:
        if not self or not isinstance(text, str) or not text:
            return text
        if self._pattern is None:
            self._pattern = self._compile()

        def kind(m: re.Match) -> str:
            assert m.lastindex is not None  # every alternative is a group, so a match always sets one
            return self._kinds[m.lastindex - 1]

        return self._pattern.sub(kind, text)


@dataclass(frozen=True)
class DomainInfo:
    """What the scrubber needs to know about the domain: slot types and response templates."""

    slot_types: Mapping[str, str] = field(default_factory=dict)
    response_texts: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @classmethod
    def from_domain(cls, domain: Any) -> "DomainInfo":
        if domain is None:
            return cls()
        slots = {slot.name: getattr(slot, "type_name", "any") for slot in getattr(domain, "slots", [])}
        texts = {
            name: [v["text"] for v in variations if isinstance(v, dict) and isinstance(v.get("text"), str)]
            for name, variations in (getattr(domain, "responses", None) or {}).items()
        }
        return cls(slots, texts)

    def slot_policy(self, name: str) -> str:
        """KEEP (verbatim), CODE (kept, PII of the turn replaced) or REDACT."""
        if name in PUBLIC_SLOTS or self.slot_types.get(name) in SAFE_SLOT_TYPES:
            return KEEP
        if name in CODE_SLOTS and name not in REDACTED_SLOTS:
            return CODE
        return REDACT


def _digits_only(value: str) -> str:
    return re.sub(r"\D", "", value)


def _deep_map(value: Any, fn: Callable[[str], str]) -> Any:
    """`value` with `fn` applied to every string inside (dict keys are left alone)."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: _deep_map(v, fn) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_deep_map(v, fn) for v in value]
    return value


class Scrubber:
    """Anonymizes event dicts for storage. Thread-safe; one per tracker store."""

    def __init__(self, domain: Optional[DomainInfo] = None, anonymizer: Any = None) -> None:
        if anonymizer is None:
            from lantern.records.anonymizer import get_anonymizer

            anonymizer = get_anonymizer()
        self.anonymizer = anonymizer
        self.domain = domain or DomainInfo()
        self._templates: Dict[str, List[Tuple[re.Pattern, List[str]]]] = {}

    # -- text -------------------------------------------------------------------------

    def redact(self, text: Any) -> Redaction:
        """Anonymize `text` like `Anonymizer.anonymize`, also returning the raw values found.

        Never raises: on any failure the whole text becomes "<REDACTED>".
        """
        from lantern.records.anonymizer import sanitize

        try:
            clean = sanitize(text)
            max_chars = getattr(self.anonymizer, "max_chars", None)
            cut = max_chars is not None and len(clean) > max_chars
            if cut:
                clean = clean[:max_chars]
            entities = sorted(self.anonymizer.analyze(clean), key=lambda e: e.start)
            pieces: List[str] = []
            found: List[Tuple[str, str]] = []
            spans: List[Tuple[int, int]] = []
            at = 0
            for ent in entities:
                if ent.start < at:
                    continue
                pieces.append(clean[at : ent.start])
                pieces.append(f"<{ent.type}>")
                found.append((clean[ent.start : ent.end], ent.type))
                spans.append((ent.start, ent.end))
                at = ent.end
            pieces.append(clean[at:])
            out = "".join(pieces)
            types = [t for _, t in found]
            if cut:
                out += " " + TRUNCATED
                types.append(TRUNCATED.strip("<>"))
            return Redaction(
                out, tuple(found), tuple(types), bool(getattr(self.anonymizer, "degraded", False)), tuple(spans)
            )
        except Exception:  # fail closed, never store what could not be checked
            return Redaction(REDACTED, (), ("REDACTED",), True, (), True)

    def _compiled_templates(self, utter_action: str) -> List[Tuple[re.Pattern, List[str]]]:
        compiled = self._templates.get(utter_action)
        if compiled is None:
            compiled = []
            for template in self.domain.response_texts.get(utter_action, []):
                names = _PLACEHOLDER.findall(template)
                literal = _PLACEHOLDER.split(template)[::2]
                pattern = "".join(
                    re.escape(part) + ("(.*?)" if i < len(names) else "") for i, part in enumerate(literal)
                )
                compiled.append((re.compile(pattern, re.DOTALL), [n.strip() for n in names]))
            self._templates[utter_action] = compiled
        return compiled

    def _from_template(self, text: str, utter_action: Optional[str]) -> Optional[Tuple[str, Tuple[str, ...]]]:
        """The text with only its filled-in values checked, when it matches a domain template."""
        if not utter_action:
            return None
        for pattern, names in self._compiled_templates(utter_action):
            match = pattern.fullmatch(text)
            if match is None:
                continue
            out: List[str] = []
            types: List[str] = []
            last = 0
            for i, name in enumerate(names, start=1):
                value = match.group(i)
                out.append(text[last : match.start(i)])
                if (
                    name in self.domain.slot_types
                    and self.domain.slot_policy(name) == REDACT
                    and value.strip()
                    and value != "None"
                ):
                    out.append(REDACTED)
                    types.append("REDACTED")
                else:
                    out.append(value)  # public slot, or a value the action passed (secrets apply below)
                last = match.end(i)
            out.append(text[last:])
            return "".join(out), tuple(types)
        return None

    def clean_bot_text(self, text: Any, utter_action: Optional[str], secrets: Secrets) -> Tuple[Any, Tuple[str, ...]]:
        """(storable text, placeholder types put in) for a bot message."""
        if not isinstance(text, str) or not text:
            return text, ()
        templated = self._from_template(text, utter_action)
        out, types = templated if templated is not None else (text, ())
        replaced = secrets.replace(out)
        if replaced != out:
            types = types + ("REPEATED",)
        return replaced, types

    # -- entities and slots -------------------------------------------------------------

    def _entity_value(
        self,
        value: Any,
        raw_text: Optional[str],
        clean_text: Optional[str],
        redaction: Optional[Redaction],
        start: Any,
        end: Any,
        secrets: Secrets,
    ) -> Any:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value if len(_digits_only(str(value))) <= MAX_KEPT_NUMBER_DIGITS else REDACTED
        if not isinstance(value, str):
            return REDACTED
        if (
            raw_text is not None
            and isinstance(start, int)
            and isinstance(end, int)
            and 0 <= start < end <= len(raw_text)
        ):
            if raw_text[start:end].lower() == value.lower() and redaction is not None:
                overlapping = [(a, b) for a, b in redaction.spans if a < end and start < b]
                if not overlapping:
                    return value  # already in the stored text, unchanged
                for (a, b), (_raw, kind) in zip(redaction.spans, redaction.found, strict=True):
                    if (a, b) == (start, end):
                        return f"<{kind}>"
                secrets.add(value, "REDACTED", MIN_VALUE_SECRET_CHARS)
                return REDACTED
        if (
            clean_text is not None
            and value.strip()
            and re.search(r"(?<!\w)" + re.escape(value.strip()) + r"(?!\w)", clean_text, re.IGNORECASE)
        ):
            return value  # appears as-is in the anonymized text
        secrets.add(value, "REDACTED", MIN_VALUE_SECRET_CHARS)
        return REDACTED

    def _entities(
        self,
        entities: Any,
        raw_text: Optional[str],
        clean_text: Optional[str],
        redaction: Optional[Redaction],
        secrets: Secrets,
    ) -> Any:
        if not isinstance(entities, list):
            return entities
        out: List[Any] = []
        for entity in entities:
            if not isinstance(entity, dict):
                out.append(REDACTED)
                continue
            item = dict(entity)
            if item.get("entity") in PUBLIC_ENTITIES and item.get("extractor") in PUBLIC_ENTITY_EXTRACTORS:
                out.append(item)
                continue
            for key in ("value", "text"):
                if key in item:
                    item[key] = self._entity_value(
                        item[key], raw_text, clean_text, redaction, item.get("start"), item.get("end"), secrets
                    )
            item.pop("additional_info", None)  # e.g. duckling's raw values
            out.append(item)
        return out

    def _slot_value(self, name: Any, value: Any, secrets: Secrets) -> Any:
        policy = self.domain.slot_policy(str(name))
        if policy == KEEP:
            return value
        if policy == CODE:
            return _deep_map(value, secrets.replace)
        if value is None or isinstance(value, bool) or value == "" or value == {} or value == []:
            return value
        return REDACTED

    # -- events -------------------------------------------------------------------------

    def scrub(
        self,
        events: Sequence[Dict[str, Any]],
        sender_id: Optional[str] = None,
        live_slots: Optional[Mapping[str, Any]] = None,
    ) -> Scrubbed:
        """Storable copies of `events` (dicts from `Event.as_dict()`) and their transcript records."""
        secrets = Secrets()
        if sender_id:
            kind = "PHONE" if _PHONE_LIKE.match(str(sender_id)) else "SENDER"
            secrets.add(str(sender_id), kind, MIN_SENDER_SECRET_CHARS)
            if kind == "PHONE":
                from lantern.records.anonymizer import normalize_sender

                normalized = normalize_sender(str(sender_id))
                secrets.add(normalized, kind, MIN_SENDER_SECRET_CHARS)
                secrets.add(normalized.lstrip("+"), kind, MIN_SENDER_SECRET_CHARS)
                if normalized.startswith("+1"):
                    secrets.add(normalized[2:], kind, MIN_SENDER_SECRET_CHARS)  # 10-digit form
        for name, value in (live_slots or {}).items():
            if self.domain.slot_policy(name) == REDACT:
                for leaf in _strings(value):
                    secrets.add(leaf, "REDACTED", MIN_VALUE_SECRET_CHARS)

        # First pass: user texts (their PII values become secrets for everything else), and what staff wrote
        # in a hand-off (free text like the person's, so it is anonymized the same way).
        user_redactions: Dict[int, Redaction] = {}
        staff_redactions: Dict[int, Redaction] = {}
        for i, event in enumerate(events):
            if event.get("event") == "bot" and _dict(event.get("metadata")).get("staff"):
                staff_redactions[i] = self.redact(event.get("text") or "")
            elif event.get("event") == "user":
                redaction = self.redact(event.get("text") or "")
                user_redactions[i] = redaction
                for raw, kind in redaction.found:
                    secrets.add(raw, kind)
            elif event.get("event") == "slot" and self.domain.slot_policy(str(event.get("name"))) == REDACT:
                for leaf in _strings(event.get("value")):
                    secrets.add(leaf, "REDACTED", MIN_VALUE_SECRET_CHARS)

        # If a user text could not be checked, nothing the bot said in this save can be either.
        unchecked = any(r.failed for r in user_redactions.values())
        out: List[Dict[str, Any]] = []
        records: List[Any] = []
        degraded = False
        last_action: Optional[str] = None
        last_raw_text: Optional[str] = None
        last_clean_text: Optional[str] = None
        last_redaction: Optional[Redaction] = None
        for i, event in enumerate(events):
            event_type = event.get("event")
            data = dict(event)  # shallow: nested values are replaced, never changed in place
            if event_type == "user":
                redaction = user_redactions[i]
                raw_text = event.get("text") or ""
                data["text"] = redaction.text if event.get("text") is not None else None
                data["metadata"] = {}
                parse = dict(data["parse_data"]) if isinstance(data.get("parse_data"), dict) else None
                if parse is not None:
                    data["parse_data"] = parse
                    if "text" in parse:
                        parse["text"] = redaction.text
                    parse["metadata"] = {}
                    parse["entities"] = self._entities(
                        parse.get("entities"), raw_text, redaction.text, redaction, secrets
                    )
                    for key in list(parse):
                        if key not in SAFE_PARSE_KEYS and key not in ("text", "metadata", "entities"):
                            parse[key] = _deep_map(parse[key], secrets.replace)
                last_raw_text, last_clean_text, last_redaction = raw_text, redaction.text, redaction
                degraded = degraded or redaction.degraded
                if event.get("text") is not None:
                    records.append(_user_record(event, redaction))
            elif event_type == "slot":
                data["value"] = self._slot_value(event.get("name"), event.get("value"), secrets)
            elif event_type in ("bot", "agent"):
                metadata = _dict(event.get("metadata"))
                utter_action = metadata.get("utter_action")
                text, types = self.clean_bot_text(event.get("text"), utter_action, secrets)
                if i in staff_redactions:
                    staffed = staff_redactions[i]
                    text = REDACTED if staffed.failed else secrets.replace(staffed.text)
                    types = staffed.types
                data["text"] = text
                data["data"] = _deep_map(event.get("data"), secrets.replace)
                data["metadata"] = _deep_map(metadata, secrets.replace)
                if unchecked:  # fail closed
                    data["text"] = text = REDACTED if text else text
                    types = ("REDACTED",)
                    data["data"] = _deep_map(event.get("data"), lambda _: REDACTED)
                    data["metadata"] = {"utter_action": utter_action} if utter_action else {}
                if event_type == "bot":
                    records.append(_bot_record(event, text, types, utter_action or last_action))
            elif event_type == "action":
                last_action = event.get("name")
                if event.get("action_text"):
                    data["action_text"] = (
                        REDACTED if unchecked else self.clean_bot_text(event["action_text"], None, secrets)[0]
                    )
                data["metadata"] = {}
            elif event_type in ("entities", "reminder", "cancel_reminder"):
                if "entities" in data:
                    data["entities"] = self._entities(
                        event.get("entities"), last_raw_text, last_clean_text, last_redaction, secrets
                    )
                data["metadata"] = {}
            else:
                if event_type == "session_started":
                    records.append(SessionMark(float(event.get("timestamp") or 0.0)))
                if data.get("metadata"):
                    data["metadata"] = {}
            out.append(data)
        return Scrubbed(out, records, degraded)


def _strings(value: Any) -> List[str]:
    """Every string inside `value` (and the value itself when it is a number with many digits)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(value)
        return [text] if len(_digits_only(text)) > MAX_KEPT_NUMBER_DIGITS else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def _number(value: Any) -> Optional[float]:
    try:
        return None if value is None else round(float(value), 4)
    except (TypeError, ValueError):
        return None


def _dict(value: Any) -> Dict[Any, Any]:
    """`value` if it is a dict, else an empty one."""
    return value if isinstance(value, dict) else {}


def _user_record(event: Dict[str, Any], redaction: Redaction) -> MessageRecord:
    parse = _dict(event.get("parse_data"))
    intent = _dict(parse.get("intent"))
    talk = _dict(parse.get("talk_type"))
    crisis = _dict(parse.get("crisis"))
    level = crisis.get("level") if isinstance(crisis.get("level"), str) else None
    category = crisis.get("category") if isinstance(crisis.get("category"), str) else None
    return MessageRecord(
        sender="user",
        text=redaction.text,
        timestamp=float(event.get("timestamp") or 0.0),
        channel=event.get("input_channel") if isinstance(event.get("input_channel"), str) else None,
        intent=intent.get("name") if isinstance(intent.get("name"), str) else None,
        intent_confidence=_number(intent.get("confidence")),
        talk_type=talk.get("name") if isinstance(talk.get("name"), str) else None,
        talk_type_confidence=_number(talk.get("confidence")),
        crisis=level == "crisis",
        crisis_level=level,
        crisis_category=category if level and level != "none" else None,
        pii_types=redaction.types,
        degraded=redaction.degraded,
    )


# Bot crisis markers (custom.crisis) that mean the crisis script or crisis mode, not a check-in question.
NOT_CRISIS_MARKERS = frozenset({"", "check", "none"})


def _bot_record(event: Dict[str, Any], text: Any, types: Tuple[str, ...], action: Optional[str]) -> MessageRecord:
    data = _dict(event.get("data"))
    custom = _dict(data.get("custom"))
    marker = custom.get("crisis") if isinstance(custom.get("crisis"), str) else None
    metadata = _dict(event.get("metadata"))  # a response's own metadata sits under "metadata" (Rasa's BotUttered)
    mi = _dict(metadata.get("metadata")).get("mi") or metadata.get("mi")
    return MessageRecord(
        sender="staff" if metadata.get("staff") else "bot",
        text=text if isinstance(text, str) else "",
        timestamp=float(event.get("timestamp") or 0.0),
        crisis=marker is not None and marker not in NOT_CRISIS_MARKERS,
        crisis_level=None if marker is None else ("check_in" if marker == "check" else "crisis"),
        crisis_category=marker,
        action=action,
        mi_code=mi[:32] if isinstance(mi, str) else None,
        pii_types=types,
    )
