"""The talk type of a user message read together with the bot's previous message (pure logic).

A text-only classifier cannot tell what "Yeah." or "No." means: in MI it depends on what
it answers. When the bot has just reflected change talk ("You want to be there for your
kids"), "yeah" affirms that change talk and is change talk itself; after a reflection of
sustain talk ("It helps you get through the day") the same "yeah" is sustain talk. This
module combines the text model's reading with a small context of *labels* about the bot's
previous message (never its text, never any user text):

    {"prev_talk": "change" | "sustain" | "neutral" | None,   # what the bot's message was about
     "prev_mi": "complex_reflection" | "closed_question" | ...,  # its MI code
     "prev_negative": bool}                                   # phrased with a negation

The rules (see docs/talk-type.md, "Context"):

- Only a *short answer* is read through the context: the whole message is agreement
  ("yeah", "exactly", "mm hmm", "i do"), hedged agreement ("i guess", "kind of") or
  disagreement ("no", "not really", "i don't think so"). Anything with content of its own
  keeps the text model's reading.
- Only an answer to something that *puts a reading forward* counts: a reflection, a summary
  or a closed question. An open question ("what else makes this matter to you?") proposes
  nothing to agree with, and a "yeah" after information or structure is acknowledgement.
- Agreement takes the side of what it agrees with (change or sustain); hedged agreement too,
  with less confidence (MI codes weak change talk as change talk).
- Disagreement with positively phrased change ("you want to cut down" - "no") rejects the
  change: sustain talk. Disagreement with positively phrased sustain ("it helps you relax" -
  "not really") rejects a reason for the status quo, which MI coding counts as change talk
  (an argument against the status quo), with lower confidence still. Disagreement with a
  *negatively* phrased reflection ("you're not ready to stop" - "no") is ambiguous in
  English: a bare "no" there usually agrees ("no, I'm not") but may reject, so it is
  neutral.
- Longer messages keep the text model's reading. (A light prior towards the side the bot
  reflected was measured on AnnoMI and changed macro-F1 by less than 0.005: not used.)

Without a context, the result is exactly the text model's, with "context_used": false.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from lantern.text import has_negation

CONTEXT_KEY = "lantern_context"  # key in the UserMessage metadata (set by rasa_plugins/turn_context.py)
TALKS = ("change", "sustain", "neutral")
REFLECTIONS = frozenset({"simple_reflection", "complex_reflection", "summary"})
CLOSED_QUESTIONS = frozenset({"closed_question"})
# MI codes of bot messages a short answer can agree or disagree with.
PROPOSING = REFLECTIONS | CLOSED_QUESTIONS
MI_CODE = re.compile(r"^[a-z_]{1,40}$")

# How much the side a short answer takes weighs against the text model: this share of the
# probability goes to that side, the rest keeps the text model's proportions. Above 0.5, so the
# side wins; a rule weight, not a calibrated probability (coders do not always code a bare
# "yeah" as change talk, see docs/talk-type.md).
ANSWER_WEIGHT = {"agree": 0.6, "hedge": 0.55, "disagree": 0.55}


@dataclass(frozen=True)
class TurnContext:
    """Labels about the bot's previous message."""

    prev_talk: Optional[str] = None
    prev_mi: Optional[str] = None
    prev_negative: bool = False

    @classmethod
    def from_metadata(cls, metadata: Any) -> Optional["TurnContext"]:
        """The context in a message's metadata (`lantern_context`), or None; odd values are dropped."""
        if not isinstance(metadata, Mapping):
            return None
        raw = metadata.get(CONTEXT_KEY)
        if not isinstance(raw, Mapping):
            return None
        talk = raw.get("prev_talk")
        mi = raw.get("prev_mi")
        context = cls(
            prev_talk=talk if talk in TALKS else None,
            prev_mi=mi if isinstance(mi, str) and MI_CODE.match(mi) else None,
            prev_negative=raw.get("prev_negative") is True,
        )
        return context if context.prev_talk or context.prev_mi else None

    def as_dict(self) -> Dict[str, Any]:
        return {"prev_talk": self.prev_talk, "prev_mi": self.prev_mi, "prev_negative": self.prev_negative}


# ----- short answers ---------------------------------------------------------------------------
_AGREE = {
    "yes",
    "yeah",
    "yea",
    "yeh",
    "yah",
    "ya",
    "yep",
    "yup",
    "aye",
    "right",
    "exactly",
    "true",
    "correct",
    "definitely",
    "absolutely",
    "totally",
    "certainly",
    "sure",
    "indeed",
    "agreed",
    "for sure",
    "of course",
    "mm hmm",
    "mmhmm",
    "mhm",
    "mhmm",
    "uh huh",
    "uhhuh",
    "that is right",
    "that is true",
    "that is it",
    "that is correct",
    "that is exactly it",
    "that is so true",
    "so true",
    "too true",
    "very true",
    "you are right",
    "you are so right",
    "i agree",
    "i do",
    "i am",
    "i would",
    "i will",
    "i have",
    "i did",
    "i can",
    "it is",
    "it does",
    "it did",
    "it was",
    "it has",
    "they do",
    "they are",
    "pretty much",
    "very much",
    "big time",
    "for real",
    "100 percent",
    "hell yeah",
    "damn right",
    "you got it",
    "you bet",
    "i know",
    "right on",
    "spot on",
    "kind of yeah",
    "yes please",
}
_HEDGE = {
    "i guess",
    "i guess so",
    "i suppose",
    "i suppose so",
    "i think so",
    "probably",
    "maybe",
    "perhaps",
    "kind of",
    "kinda",
    "sort of",
    "sorta",
    "a little",
    "a bit",
    "a little bit",
    "somewhat",
    "in a way",
    "sometimes",
    "partly",
    "more or less",
    "possibly",
    "i reckon",
    "could be",
    "i would say so",
    "i think",
    "a little yeah",
    "to some extent",
    "some",
    "a little maybe",
}
_DISAGREE = {
    "no",
    "nah",
    "nope",
    "naw",
    "not really",
    "not at all",
    "no way",
    "never",
    "not exactly",
    "not quite",
    "i do not think so",
    "i do not",
    "i am not",
    "it is not",
    "it does not",
    "i would not",
    "i will not",
    "i can not",
    "i have not",
    "i did not",
    "not me",
    "hell no",
    "not much",
    "not that much",
    "not so much",
    "i would not say that",
    "i would not say so",
    "not necessarily",
    "not true",
    "that is not true",
    "that is not it",
    "that is not right",
    "not really no",
    "no not really",
    "i disagree",
    "definitely not",
    "absolutely not",
    "of course not",
    "not at all no",
}
_PHRASES = {**{p: "agree" for p in _AGREE}, **{p: "hedge" for p in _HEDGE}, **{p: "disagree" for p in _DISAGREE}}
_LONGEST = max(len(p.split()) for p in _PHRASES)
# Sounds that carry no stance of their own around an answer ("oh yeah", "um, no", "well, kind of").
_FILLER = {
    "um",
    "uh",
    "uhm",
    "umm",
    "er",
    "erm",
    "ah",
    "oh",
    "well",
    "hmm",
    "hm",
    "mm",
    "so",
    "like",
    "i mean",
    "honestly",
    "okay",
    "ok",
}
_CONTRACTIONS = {
    "don't": "do not",
    "dont": "do not",
    "doesn't": "does not",
    "doesnt": "does not",
    "didn't": "did not",
    "didnt": "did not",
    "can't": "can not",
    "cant": "can not",
    "cannot": "can not",
    "won't": "will not",
    "wont": "will not",
    "wouldn't": "would not",
    "wouldnt": "would not",
    "isn't": "is not",
    "isnt": "is not",
    "i'm": "i am",
    "im": "i am",
    "it's": "it is",
    "its": "it is",
    "that's": "that is",
    "thats": "that is",
    "haven't": "have not",
    "havent": "have not",
    "you're": "you are",
    "youre": "you are",
    "i'd": "i would",
    "i'll": "i will",
    "kinda": "kind of",
    "sorta": "sort of",
    "yea": "yeah",
    "mmhmm": "mm hmm",
    "mhmm": "mm hmm",
    "mhm": "mm hmm",
    "uhhuh": "uh huh",
    "aint": "is not",
    "ain't": "is not",
    "wasn't": "was not",
    "they're": "they are",
}
MAX_ANSWER_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_BRACKETS = re.compile(r"\[[^\]]{0,40}\]|\([^)]{0,40}\)")


def _answer_words(text: str) -> list:
    text = _BRACKETS.sub(" ", text[:200].lower().replace("\u2019", "'"))
    text = re.sub(r"\b(m+)-?(h+m+)\b", "mm hmm", text)  # mm-hmm, mmm-hmm, m-hm
    text = re.sub(r"\buh-huh\b", "uh huh", text)
    text = re.sub(r"\b([a-z])-(?=\1)", "", text)  # stutter "e-exactly"
    words = []
    for token in _WORD.findall(text):
        words.extend(_CONTRACTIONS.get(token, token).split())
    return words


def answer_kind(text: Any) -> Optional[str]:
    """'agree', 'hedge' or 'disagree' when the whole message is a short answer of that kind, else None.

    "yeah", "Yeah, definitely.", "mm-hmm", "i guess so", "no, not really", "I do." are answers;
    "yeah i want to quit" (content of its own), "yes and no", "okay", "i don't know" are not.
    """
    if not isinstance(text, str):
        return None
    words = _answer_words(text)
    if not words or len(words) > MAX_ANSWER_WORDS:
        return None
    kinds = set()
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            if phrase in _PHRASES:
                kinds.add(_PHRASES[phrase])
                break
            if phrase in _FILLER:
                break
        else:
            return None  # a word that is not part of an answer: the message says more
        i += size
    if not kinds:
        return None  # only fillers ("mm", "okay", "oh"): acknowledgement, no stance
    if "disagree" in kinds:
        return "disagree" if kinds == {"disagree"} else None  # "yeah, no" / "yes and no": unclear
    return "agree" if kinds == {"agree"} else "hedge"


def last_sentence(text: str) -> str:
    """The last sentence of a (bot or therapist) message: the part an answer responds to."""
    parts = [p for p in re.split(r"(?<=[.?!])\s+", text.strip()) if re.search(r"[A-Za-z]", p)]
    return parts[-1] if parts else text


def is_negative(text: Any) -> bool:
    """Whether the last sentence of a bot message is phrased with a negation ("you're not ready")."""
    if not isinstance(text, str):
        return False
    return has_negation(last_sentence(text[-600:]))


# ----- combination -----------------------------------------------------------------------------
def _answer_label(kind: str, context: TurnContext) -> Optional[str]:
    """The talk type a short answer of this kind has after the bot's message, or None (text decides)."""
    side = context.prev_talk if context.prev_talk in ("change", "sustain") else None
    if side is None or context.prev_mi not in PROPOSING:
        return None
    if kind in ("agree", "hedge"):
        return side
    if context.prev_negative:
        return "neutral"  # "no" to "you're not ready": agreeing or rejecting, we cannot tell
    return "sustain" if side == "change" else "change"


def combine(result: Mapping[str, Any], text: Any, context: Optional[TurnContext]) -> Dict[str, Any]:
    """The text model's `result` read with the bot's previous message; adds `context_used`.

    `context_used` is true when the context decided the reading (a short answer to a
    reflection, summary or closed question about change or sustain talk).
    """
    plain = {**result, "context_used": False}
    if context is None:
        return plain
    probs = {label: float(p) for label, p in (result.get("probabilities") or {}).items()}
    if set(probs) != set(TALKS):
        return plain
    kind = answer_kind(text)
    if not kind:
        return plain
    label = _answer_label(kind, context)
    if label is None:
        return plain
    weight = ANSWER_WEIGHT[kind]
    mixed = {k: (1 - weight) * p + (weight if k == label else 0.0) for k, p in probs.items()}
    name = max(mixed, key=lambda k: mixed[k])
    return {
        "name": name,
        "confidence": round(mixed[name], 4),
        "probabilities": {k: round(p, 4) for k, p in mixed.items()},
        "ambivalent": False,
        "context_used": True,
    }
