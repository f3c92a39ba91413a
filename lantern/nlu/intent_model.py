"""The intent model: TF-IDF over words, word pairs and character n-grams, logistic regression.

Why not DIET: with 30-odd intents and 50-120 short chat examples each, this
linear model generalised better in cross-validation (bench/mi.py), trains in
seconds instead of minutes, and answers in well under a millisecond.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Dict, List, Tuple

from lantern.nlu.linear_model import Features, LinearTextModel
from lantern.text import normalise as shared_normalise

GROUPS: Tuple[str, ...] = ("words", "chars")
CHAR_NGRAMS = (1, 2, 3, 4)
MAX_CHARS = 400  # longer messages are read by their start: the features of a novel cost no more than a tweet's
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def normalise(text: str) -> str:
    """The shared normal form (lantern.text) of the first MAX_CHARS characters; nothing added.

    The trained model's features depend on it: a change here needs a retrain.
    """
    return shared_normalise(text if isinstance(text, str) else "", MAX_CHARS)


def extract(text: str) -> Features:
    """(words, chars) counts: words and word pairs; 1-4 character n-grams inside each padded word."""
    norm = normalise(text)
    tokens: List[str] = _WORD.findall(norm)
    words: Dict[str, float] = dict(Counter(tokens + [a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)]))
    chars: Counter = Counter()
    for word in norm.split():
        padded = f" {word} "
        for n in CHAR_NGRAMS:
            chars.update(padded[j : j + n] for j in range(len(padded) - n + 1))
    return words, dict(chars)


class IntentModel(LinearTextModel):
    """Intent probabilities from the message text alone."""

    GROUPS = GROUPS
    KIND = "intent"

    @staticmethod
    def extract(text: str) -> Features:
        return extract(text)
