"""A simple reflection made of the person's own words, said back in the second person.

Blind coders found that stock reflections ("Part of you wants something to be different") could
follow almost any message, and often misread it. A simple reflection that carries what was said
("my mom doesnt know about the baby" -> "Your mom doesn't know about the baby.") always fits, and
shows the person they were heard. This module picks the part of the message worth saying back (a
statement about the person's own life, not a question, not something said to the bot), shifts its
perspective and writes out texting spellings. The word lists live in phrases/echo_words.yml.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

from actions.cues import feeling
from lantern.house_rules import word_problems
from lantern.knowledge.routing import asks
from lantern.yaml_text import load_yaml

WORDS_FILE = Path(__file__).resolve().parent / "phrases" / "echo_words.yml"
MIN_WORDS = 3  # shorter parts ("so tired") say too little to be said back
MAX_WORDS = 18  # longer ones read as parroting: they are cut at a comma or a joining word, or left out
QUESTION_START = re.compile(
    r"^(?:what|whats|how|hows|when|where|why|who|which|should|can|could|do|does|did|is|are|will|would|"
    r"any|anyone|anybody)\b"
)
_PARTS = re.compile(r"(?<=[.!?;])\s+|\n+|\s+-\s+|\.{2,}\s*")
_JOINS = re.compile(r",\s*|\s+(?:but|and then|so|because|bc|cuz|cause)\s+")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'/&]*|&|,", re.IGNORECASE)  # a comma is kept: "every day, 3 years now"
# The person as the subject: "I didn't take it" says what they did; "my cousin came by" is about someone else.
SUBJECT_I = frozenset({"i", "im", "i'm", "ive", "i've", "ill", "i'll", "id", "i'd"})
FIRST_PERSON = SUBJECT_I | {"me", "my", "mine", "myself"}
# A part shorter than this needs a subject or a verb it starts with ("my sister maybe" is no sentence).
SENTENCE_WORDS = 5


class EchoWords:
    """echo_words.yml, checked: every key and value a short string, every list a list of words."""

    def __init__(self, data: Dict[str, object]) -> None:
        self.perspective = self._mapping(data, "perspective")
        self.spelling = self._mapping(data, "spelling")
        self.fillers = self._words(data, "fillers")
        self.address = self._words(data, "address")
        self.elided_subject = self._words(data, "elided_subject")
        self.keeps_next = self._words(data, "keeps_next")

    @staticmethod
    def _mapping(data: Dict[str, object], key: str) -> Dict[str, str]:
        value = data.get(key)
        if not isinstance(value, dict) or not value:
            raise ValueError(f"{WORDS_FILE.name}: '{key}' must be a mapping of words")
        out = {}
        for k, v in value.items():
            if not isinstance(k, str) or not isinstance(v, str) or not k.strip() or not v.strip() or k != k.lower():
                raise ValueError(f"{WORDS_FILE.name}: '{key}': '{k}' must map a lower-case word to a word")
            out[k] = v
        return out

    @staticmethod
    def _words(data: Dict[str, object], key: str) -> FrozenSet[str]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(w, str) and w == w.lower() and w for w in value):
            raise ValueError(f"{WORDS_FILE.name}: '{key}' must be a list of lower-case words")
        return frozenset(value)


@lru_cache(maxsize=1)
def words() -> EchoWords:
    return EchoWords(load_yaml(WORDS_FILE.read_text(encoding="utf-8")) or {})


def _trim(tokens: List[str], w: EchoWords) -> List[str]:
    """Fillers and commas off both ends; a filler that completes the sentence ("i feel ok") stays."""
    while tokens and (tokens[0] == "," or tokens[0].lower() in w.fillers):
        tokens = tokens[1:]
    while tokens and (
        tokens[-1] == ","
        or (tokens[-1].lower() in w.fillers and not (len(tokens) > 1 and tokens[-2].lower() in w.keeps_next))
    ):
        tokens = tokens[:-1]
    return tokens


def _past(word: str) -> bool:
    """A past-tense verb opening a text whose "i" was left out ("slowed the taper down", "tired of it")."""
    return word.endswith("ed") and len(word) > 4


def _words_in(tokens: List[str]) -> int:
    return sum(t != "," for t in tokens)


def _shorten(part: str, w: EchoWords) -> List[str]:
    """The part's words, cut at a comma or a joining word when it is too long to say back whole."""
    tokens = _trim(_TOKEN.findall(part), w)
    if _words_in(tokens) <= MAX_WORDS:
        return tokens
    for piece in _JOINS.split(part):
        piece_tokens = _trim(_TOKEN.findall(piece), w)
        if MIN_WORDS <= _words_in(piece_tokens) <= MAX_WORDS:
            return piece_tokens
    return []


def candidates(text: str) -> List[Tuple[float, List[str]]]:
    """(score, words) of each part of the message that may be said back, in order: statements about the
    person's own life score highest, a part that names a feeling next, then longer ones (they carry more)."""
    w = words()
    out = []
    for part in _PARTS.split(text.strip()):
        tokens = [t.strip("'") for t in _shorten(part, w)]
        tokens = [t for t in tokens if t]
        lower = [t.lower() for t in tokens]
        said = " ".join(lower)
        if not said or part.rstrip().endswith("?") or QUESTION_START.match(said) or asks(said):
            continue
        personal = any(t in FIRST_PERSON for t in lower)
        subject = any(t in SUBJECT_I for t in lower) or lower[0] in w.elided_subject or _past(lower[0])
        size = _words_in(tokens)
        if size < (MIN_WORDS - 1 if personal else MIN_WORDS) or any(t in w.address for t in lower):
            continue
        if size < SENTENCE_WORDS and not subject:
            continue  # "my sister maybe"
        if len(lower) % 2 == 0 and lower[: len(lower) // 2] == lower[len(lower) // 2 :]:
            continue  # "i know i know"
        # "scared", "ashamed", "i feel like such a fraud": what the person feels is what matters most to say back
        felt = feeling(said) is not None or bool(re.search(r"\bfe(el|els|eling|lt)\b", said))
        mine = 2.0 if subject else 1.5 if personal else 0.0
        out.append((mine + 1.5 * felt + min(size, 12) / 12, tokens))
    return out


def shift(tokens: List[str]) -> str:
    """The words in the second person, texting spellings written out ("i was" -> "you were")."""
    w = words()
    out: List[str] = []
    for i, token in enumerate(tokens):
        low = token.lower()
        previous = tokens[i - 1].lower() if i else ""
        if low == "was" and previous in ("i", "we"):
            out.append("were")
        elif low in w.perspective:
            out.append(w.perspective[low])
        elif low in w.spelling:
            out.append(w.spelling[low])
        else:
            out.append(token)
    first = tokens[0].lower() if tokens else ""
    past = _past(first)  # "slowed the taper down"
    if first in w.elided_subject or past:  # "lost my kids in court today": the "i" was left out
        second = tokens[1].lower() if len(tokens) > 1 else ""
        out[0] = out[0].lower()  # "Went to a meeting" -> "you went to a meeting"
        if first == "been":
            out.insert(0, "you've")
        elif (
            first.endswith("ing")
            or (past and (feeling(first) is not None or second in ("of", "about")))  # "tired of it" -> "you're ..."
            or (first in ("still", "just", "always", "never") and (second.endswith("ing") or feeling(second)))
        ):
            out.insert(0, "you're")
        else:
            out.insert(0, "you")
    said = " ".join(out).replace(" ,", ",")
    return said[:1].upper() + said[1:]


def echo(text: object) -> Optional[str]:
    """A simple reflection of the message's most personal statement, or None when nothing fits."""
    if not isinstance(text, str) or not text.strip():
        return None
    found = candidates(text[:1000])
    if not found:
        return None
    for _score, tokens in sorted(found, key=lambda pair: -pair[0]):
        said = shift(tokens) + "."
        # Said back, "i need to stop" would be the bot telling them "You need to stop", and "im an addict" a
        # label: the house rules (lantern/house_rules.py) apply to the bot's words whoever said them first.
        if not word_problems(said):
            return said
    return None
