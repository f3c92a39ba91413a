"""The lines custom actions say, kept as data in actions/phrases/*.yml (same shape as domain responses).

Trainers edit wording there, not in Python: each key has several variations,
each with its MI code (`metadata: {mi: ...}`), and `{placeholders}` that the
actions fill ("{who}", "{n}", "{duration}"...). `fragments:` hold the short
verb phrases that reflections and summaries are assembled from.

Each message also says which side of the talk it is about (`metadata.talk`, from
`TALK_OF_LINE` by key): a reflection of change talk is about change. The Rasa server reads
it back when the person answers, so a bare "yeah" to it counts as change talk
(rasa_plugins/turn_context.py, lantern/nlu/talk_context.py).

`all_lines()` gives every line with sample fillings, so the lint test
(tests/unit/test_response_lint.py) checks every text an action can produce.
"""

from __future__ import annotations

import hashlib
import random
import re
import string
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

import yaml

PHRASE_DIR = Path(__file__).resolve().parent / "phrases"

# Which side of the talk a line reflects, sums up or asks about, by key: an entry names a key
# and the keys under it ("reflect.change" covers "reflect.change.family"); the longest entry
# wins, and None means "neither side" for keys under a labelled one. Keys not covered
# (feelings, information, structure, double-sided and family lines) are about neither side.
TALK_OF_LINE: Dict[str, Optional[str]] = {
    "reflect.change": "change",
    "reflect.sustain": "sustain",
    "reflect.topic": "change",
    "reflect.what_helped": "change",
    "reflect.next_step": "change",
    "reflect.next_step.none": "sustain",
    "invite.change": "change",
    "invite.sustain": "sustain",
    "discord.no_problem": "sustain",
    "ruler.importance.high": "change",
    "ruler.importance.low": "sustain",
    "ruler.importance.zero": "sustain",
    "ruler.importance.why_lower": "change",
    "ruler.importance.what_would_raise": "change",
    "ruler.confidence.high": "change",
    "ruler.confidence.low": "sustain",
    "ruler.confidence.one_higher": "change",
    "ruler.confidence.why_sure": "change",
    "step": "change",  # affirming and reflecting steps taken, inviting the next one
    "summary.open": "change",
    "summary.key_question": "change",
    "summary.next_question": "change",
    "offer.collect": "change",
    "returning.recap": "change",
    "returning.recap.family": None,
}


@dataclass(frozen=True)
class Line:
    """One variation as written: template text, MI code, and the reply choices offered with it (if any)."""

    key: str
    text: str
    mi: str
    buttons: Tuple[Tuple[str, str], ...] = ()  # (title, payload): tappable in the widget, numbered in an SMS


@dataclass(frozen=True)
class Message:
    """One message to send: filled text, MI code, and the side of the talk it is about (if any)."""

    text: str
    mi: str
    talk: Optional[str] = None
    buttons: Tuple[Tuple[str, str], ...] = ()

    def as_kwargs(self) -> Dict[str, Any]:
        """Keyword arguments for `dispatcher.utter_message`."""
        metadata: Dict[str, Any] = {"mi": self.mi}
        if self.talk:
            metadata["talk"] = self.talk
        out: Dict[str, Any] = {"text": self.text, "metadata": metadata}
        if self.buttons:
            out["buttons"] = [{"title": title, "payload": payload} for title, payload in self.buttons]
        return out


# A choice's payload is an intent the domain knows ("/affirm"): tests/unit/test_phrases_choices.py checks them.
CHOICE_PAYLOAD = re.compile(r"^/[a-z_]+$")


def _choices(path: Path, data: Dict[str, Any]) -> Dict[str, Tuple[Tuple[str, str], ...]]:
    """A file's named reply choices: `choices: {yes_no: [{title, payload}, ...]}`, checked."""
    out: Dict[str, Tuple[Tuple[str, str], ...]] = {}
    for name, buttons in (data.get("choices") or {}).items():
        if not isinstance(buttons, list) or not 2 <= len(buttons) <= 4:
            raise ValueError(f"{path.name}: choices '{name}' needs 2 to 4 buttons")
        pairs = []
        for b in buttons:
            title, payload = (b.get("title"), b.get("payload")) if isinstance(b, dict) else (None, None)
            if not isinstance(title, str) or not title.strip() or len(title) > 25:
                raise ValueError(f"{path.name}: choices '{name}': every button needs a title of at most 25 characters")
            if not isinstance(payload, str) or not CHOICE_PAYLOAD.match(payload):
                raise ValueError(f"{path.name}: choices '{name}': payload '{payload}' must be /an_intent")
            pairs.append((title.strip(), payload))
        out[name] = tuple(pairs)
    return out


def talk_of(key: str) -> Optional[str]:
    """The side of the talk ('change' / 'sustain') the line `key` is about, or None (TALK_OF_LINE)."""
    best, talk = -1, None
    for entry, side in TALK_OF_LINE.items():
        if (key == entry or key.startswith(entry + ".")) and len(entry) > best:
            best, talk = len(entry), side
    return talk


def _read(directory: Path) -> Tuple[Dict[str, List[Line]], Dict[str, Dict[str, str]]]:
    lines: Dict[str, List[Line]] = {}
    fragments: Dict[str, Dict[str, str]] = {}
    files = [(path, yaml.safe_load(path.read_text(encoding="utf-8")) or {}) for path in sorted(directory.glob("*.yml"))]
    choices: Dict[str, Tuple[Tuple[str, str], ...]] = {}
    for path, data in files:
        choices.update(_choices(path, data))
    for path, data in files:
        for key, variations in (data.get("lines") or {}).items():
            if key in lines:
                raise ValueError(f"{path.name}: line '{key}' is defined twice")
            if not isinstance(variations, list) or not variations:
                raise ValueError(f"{path.name}: line '{key}' needs a list of variations")
            lines[key] = []
            for item in variations:
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError(f"{path.name}: line '{key}': every variation needs a text")
                mi = (item.get("metadata") or {}).get("mi")
                if not isinstance(mi, str):
                    raise ValueError(f"{path.name}: line '{key}': every variation needs metadata.mi")
                named = item.get("buttons")
                if named is not None and named not in choices:
                    raise ValueError(f"{path.name}: line '{key}': no choices named '{named}'")
                lines[key].append(Line(key, item["text"].strip(), mi, choices[named] if named else ()))
        for key, forms in (data.get("fragments") or {}).items():
            if key in fragments:
                raise ValueError(f"{path.name}: fragment '{key}' is defined twice")
            fragments[key] = dict(forms)
    return lines, fragments


@lru_cache(maxsize=1)
def catalogue() -> Dict[str, List[Line]]:
    return _read(PHRASE_DIR)[0]


@lru_cache(maxsize=1)
def fragment_table() -> Dict[str, Dict[str, str]]:
    return _read(PHRASE_DIR)[1]


def has(key: str) -> bool:
    return key in catalogue()


def variants(key: str) -> List[Line]:
    try:
        return catalogue()[key]
    except KeyError:
        raise KeyError(f"no phrase '{key}' in actions/phrases/*.yml") from None


def fragment(key: str, form: str, **fill: str) -> str:
    """A short verb phrase: fragment('change.family', 'you', who='your kids') -> 'want to be there for your kids'."""
    return fill_text(fragment_table()[key][form], fill)


def fill_text(template: str, fill: Mapping[str, Any]) -> str:
    return template.format_map({k: v for k, v in fill.items()})


def placeholders(template: str) -> List[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


MIN_REPEAT_WORDS = 4  # shorter sentences ("Makes sense.", "What's on your mind?") may come back
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> List[str]:
    """The sentences of a message, as written."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def sentence_key(sentence: str) -> Optional[str]:
    """How a sentence is compared with what was said before: a short hash of its words (case and spacing
    ignored), so a conversation's record of what was said is small and holds no text; None when short."""
    words = sentence.lower().split()
    if len(words) < MIN_REPEAT_WORDS:
        return None
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=6).hexdigest()


def said_sentences(texts: Iterable[str]) -> Set[str]:
    """The keys of the sentences (long enough to count) of the bot's earlier messages."""
    return {key for text in texts for part in sentences(text) if (key := sentence_key(part))}


def says_something_new(messages: Sequence[Message], said: Set[str]) -> bool:
    """True when a sentence that counts is not in `said`, or when no sentence counts (a bare "Okay.")."""
    keys = [key for m in messages for part in sentences(m.text) if (key := sentence_key(part))]
    return not keys or any(key not in said for key in keys)


def without_repeats(messages: Sequence[Message], said: Set[str]) -> List[Message]:
    """The messages without any sentence the bot already said in this conversation (a person notices a
    line said twice word for word: it reads as a script). A message left empty is dropped; a turn whose
    every sentence was said before is kept as it is rather than saying nothing (MIAction.run first tries
    other wordings)."""
    out: List[Message] = []
    for message in messages:
        kept = [part for part in sentences(message.text) if sentence_key(part) not in said]
        if kept:
            out.append(replace(message, text=" ".join(kept)))
    return out or list(messages)


def say(key: str, rng: Optional[random.Random] = None, said: Iterable[str] = (), **fill: Any) -> Message:
    """A filled variation of `key`, preferring those that repeat the fewest sentences already `said` (sentence
    keys: `Context.said`, or `said_sentences` of earlier texts)."""
    rng = rng or random.Random()
    options = variants(key)
    filled = [(line, capitalise(fill_text(line.text, fill))) for line in options]
    done = set(said)
    repeats = [len(done & said_sentences([text])) for _, text in filled]
    fresh = [pair for pair, n in zip(filled, repeats, strict=True) if n == min(repeats)]
    line, text = rng.choice(fresh)
    return Message(text=text, mi=line.mi, talk=talk_of(key), buttons=line.buttons)


# Sample values for every placeholder, so every template can be filled and checked.
SAMPLES: Dict[str, List[str]] = {
    "who": ["your kids", "your grandkids", "the people you love", "your boyfriend"],
    "n": ["0", "6", "7 or 8", "10"],
    "lower": ["0", "3"],
    "higher": ["7", "10"],
    "duration": ["a couple of months", "3 weeks", "a year", "90 days", "several years"],
    "target": ["stopping", "cutting back", "making a change"],
    "target_verb": ["stop", "cut back", "make that change"],
    "substance": ["opioids", "drinking", "meth", "pills", "weed"],
    "org": ["the Lantern project", "Harbor Health Harm Reduction Services of Greater Springfield"],
    "days": ["90", "365"],
    "contact": ["", " (harbor@example.org, 555-0100)"],
    "emergency_number": ["911", "112"],
    "never_alone": ["Never Use Alone (1-800-484-3731)", "National Overdose Response Service (NORS) (1-888-688-6677)"],
    "helpline": [
        "SAMHSA National Helpline (1-800-662-4357): free, confidential, 24/7, treatment referral and information"
    ],
    "items": ["want to be there for your kids, are worn out by how things are, and want your life back"],
    "steps": ["picked up naloxone and started testing your supply"],
    "topic": ["buprenorphine", "doing it your own way", "a faith-based path", "testing your supply"],
    "privacy_text": [
        "Chats are kept without names or numbers, for staff to review and improve the service. "
        "Nobody follows up from this chat."
    ],
    # referral.yml
    "place": ["45402 (Dayton, OH)", "Dayton, OH", "Springfield, IL"],
    "need": [
        "food",
        "naloxone (Narcan)",
        "HIV and hep C testing",
        "naloxone (Narcan), test strips or syringe services",
    ],
    "zip": ["00000", "99999"],
    "town": ["Springfield", "Saint Petersburg"],
    "state": ["Ohio", "Massachusetts"],
    "miles": ["25", "100"],
    "numbers": ["1", "1 or 2", "1, 2 or 3"],
}


def samples_for(name: str) -> List[str]:
    """Sample values of one placeholder; {s} and {c} are the sustain and change fragments."""
    if name in ("s", "c"):
        prefix = "sustain." if name == "s" else "change."
        return [
            fill_text(forms["part"], {"who": max(SAMPLES["who"], key=len)})
            for key, forms in fragment_table().items()
            if key.startswith(prefix)
        ]
    return SAMPLES[name]


def sample_fills(template: str) -> Iterator[Dict[str, str]]:
    """Fillings for a template: each placeholder's samples in turn, the others at their longest."""
    names = placeholders(template)
    if not names:
        yield {}
        return
    longest = {name: max(samples_for(name), key=len) for name in names}
    yield dict(longest)
    for name in names:
        for value in samples_for(name):
            yield {**longest, name: value}


def all_lines() -> Iterator[Tuple[str, str, str]]:
    """(key, filled text, mi) for every variation of every line with sample fillings."""
    for key, options in catalogue().items():
        for line in options:
            for fill in sample_fills(line.text):
                yield key, capitalise(fill_text(line.text, fill)), line.mi
