"""Find the knowledge entry a message asks about: a classifier over the sentence encoder's vector, the topic
the message names, and the conversation's topic.

Each entry is a class. At training time a multinomial logistic regression learns, from the encoder
vectors of every entry's `asks` and of each sentence of its answer, which entry a message is about.
Nearest-neighbour search over the asks was tried first and lost clearly: with four to eight asks an
entry, the nearest other phrasing is often a sibling entry's ("how long does withdrawal last" vs
"when does withdrawal start"); the classifier learns what separates them (bench/knowledge.py has
both figures). Two corrections make the reading fit how people text:

- a message that names a topic in street words ("are subs free") is also read with the topic's
  plain label in front ("buprenorphine (suboxone): are subs free"); entries about a topic the
  message names are preferred (TOPIC_BOOST) and entries about another carried topic are
  lowered (OTHER_TOPIC_PENALTY);
- a message that names no topic, when the conversation has one ("how much does it cost" after
  talk about methadone), is read with that topic's label in front, the same way.

The bot answers an entry whose probability reaches ANSWER_MIN; below it, a question gets the
honest "I don't know" (actions/info.py). Pure numpy at answer time (scikit-learn only to train):
the Rasa component (rasa_plugins/nlu/knowledge.py) and the bench share it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from lantern.knowledge.entries import Entry
from lantern.knowledge.topics import TopicWords
from lantern.nlu import fit_memory

TOPIC_BOOST = 1.4  # probability factor for entries about a topic the message (or conversation) names
OTHER_TOPIC_PENALTY = 0.6  # ... and for entries about another carried topic only
ANSWER_MIN = 0.3  # best (adjusted) probability at or above: answer the entry
CANDIDATES = 5
C = 20.0  # inverse regularisation of the classifier (chosen on bench/knowledge.py's held-out asks)
_SENTENCE = re.compile(r"(?<=[.!])\s+")

Embed = Callable[[Sequence[str]], np.ndarray]


def training_texts(entries: Sequence[Entry]) -> Tuple[List[str], List[int]]:
    """Every ask and every answer sentence, with the index of its entry."""
    texts: List[str] = []
    owners: List[int] = []
    for i, entry in enumerate(entries):
        for text in entry.asks + tuple(s for message in entry.answer for s in _SENTENCE.split(message)):
            texts.append(text)
            owners.append(i)
    return texts, owners


@dataclass
class Index:
    """The classifier's weights per entry, and which topics each entry mentions."""

    ids: List[str]  # one per entry
    weights: np.ndarray  # (n_entries, dim)
    bias: np.ndarray  # (n_entries,)
    mentions: List[frozenset]  # per entry: its topic and the carried topics its asks and answer name
    safety: frozenset = frozenset()  # ids of the entries whose answer is safety information

    @classmethod
    def build(
        cls, entries: Sequence[Entry], topic_words: TopicWords, embed: Embed, c: float = C, memory: Optional[str] = None
    ) -> "Index":
        """Fit the classifier on the entries' asks and answer sentences (a few seconds to a minute).

        With `memory` the same sentences and vectors as the last training reuse its fit (lantern/nlu/fit_memory.py):
        a rule or story edit changes the NLU training data Rasa passes on, but not the knowledge entries."""
        from sklearn.linear_model import LogisticRegression

        mentions = []
        for entry in entries:
            named = topic_words.named(" ".join(entry.asks + entry.answer))
            mentions.append(frozenset({entry.topic, *(t for t in named if topic_words.topics[t].carry)}))
        safety = frozenset(e.id for e in entries if e.safety)
        if len(entries) < 2:  # nothing to tell apart: every message reads as no entry
            return cls(
                [e.id for e in entries], np.zeros((len(entries), 1)), np.full(len(entries), -50.0), mentions, safety
            )
        texts, owners = training_texts(entries)
        vectors = np.asarray(embed(texts), dtype=np.float64)
        if memory:
            settings = hashlib.sha256(f"{c}:{sorted(set(owners))}".encode() + Path(__file__).read_bytes()).hexdigest()
            keys = fit_memory.example_keys(texts, [str(o) for o in owners])
            inputs = hashlib.sha256("".join(keys).encode() + vectors.tobytes()).hexdigest()
            recalled = fit_memory.recall(memory, settings, keys, inputs)
            if recalled is not None and recalled.exact:
                weights = np.asarray(recalled.model["weights"], dtype=np.float32)
                bias = np.asarray(recalled.model["bias"], dtype=np.float32)
                return cls([e.id for e in entries], weights, bias, mentions, safety)
        model = LogisticRegression(C=c, max_iter=3000).fit(vectors, np.asarray(owners))
        weights, bias = model.coef_.astype(np.float32), model.intercept_.astype(np.float32)
        if memory:
            fit_memory.remember(memory, settings, keys, inputs, {"weights": weights.tolist(), "bias": bias.tolist()}, 0)
        return cls([e.id for e in entries], weights, bias, mentions, safety)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "ids": self.ids,
            "bias": self.bias.tolist(),
            "mentions": [sorted(m) for m in self.mentions],
            "safety": sorted(self.safety),
        }

    @classmethod
    def from_parts(cls, meta: Dict[str, Any], weights: np.ndarray) -> "Index":
        return cls(
            list(meta["ids"]),
            np.asarray(weights, dtype=np.float32),
            np.asarray(meta["bias"], dtype=np.float32),
            [frozenset(m) for m in meta["mentions"]],
            frozenset(meta.get("safety", ())),
        )

    def probabilities(self, vector: np.ndarray) -> np.ndarray:
        """P(entry | message) for every entry."""
        if self.weights.shape[1] != np.shape(vector)[0]:
            return np.zeros(len(self.ids), dtype=np.float32)
        logits = self.weights @ np.asarray(vector, dtype=np.float32) + self.bias
        logits = logits - logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()


def adjust(scores: np.ndarray, index: Index, wanted: Sequence[str], others: Sequence[str]) -> np.ndarray:
    """Prefer entries about the topics a message (or its conversation) names (`wanted`); lower entries
    that are about one of `others` (the other carried topics) and none of the wanted ones. At most 1."""
    if not wanted:
        return scores
    out = scores.copy()
    wanted_set, other_set = set(wanted), set(others)
    for i, mentions in enumerate(index.mentions):
        if mentions & wanted_set:
            out[i] *= TOPIC_BOOST
        elif mentions & other_set:
            out[i] *= OTHER_TOPIC_PENALTY
    return np.minimum(out, 1.0)


@dataclass
class Reading:
    """What the knowledge base has for one message (labels and scores only, so it may be stored)."""

    candidates: List[Tuple[str, float]]
    safety: bool  # the best entry's answer is safety information
    topics: List[str]
    topic: Optional[str]  # the carried topic the message names, else None
    context_topic: Optional[str]  # the conversation's topic used to read a follow-up, else None

    @property
    def best(self) -> Optional[Tuple[str, float]]:
        return self.candidates[0] if self.candidates else None

    def as_dict(self) -> Dict[str, Any]:
        best = self.best
        second = self.candidates[1][1] if len(self.candidates) > 1 else 0.0
        return {
            "id": best[0] if best else None,
            "score": round(best[1], 4) if best else 0.0,
            "margin": round(best[1] - second, 4) if best else 0.0,
            "candidates": [[i, round(s, 4)] for i, s in self.candidates],
            "safety": self.safety,
            "topics": self.topics,
            "topic": self.topic,
            "context_topic": self.context_topic,
        }


def read(
    text: str,
    index: Index,
    topic_words: TopicWords,
    embed_one: Callable[[str], np.ndarray],
    conversation_topic: Optional[str] = None,
    k: int = CANDIDATES,
) -> Reading:
    """The best entries for `text` (best first), reading a follow-up through the conversation's topic."""
    named = topic_words.named(text)
    carried = [t for t in named if topic_words.topics[t].carry]
    context_topic = conversation_topic if (not carried and conversation_topic in topic_words.topics) else None
    scores = index.probabilities(embed_one(text))
    lead = carried[0] if carried else context_topic
    if lead:
        framed = index.probabilities(embed_one(f"{topic_words.label(lead)}: {text}"))
        scores = np.maximum(scores, framed)
    wanted = named + ([context_topic] if context_topic else [])
    others = [n for n, t in topic_words.topics.items() if t.carry and n not in wanted] if lead else []
    scores = adjust(scores, index, wanted, others)
    order = np.argsort(-scores)[:k]
    return Reading(
        [(index.ids[i], float(scores[i])) for i in order],
        bool(len(order) and index.ids[order[0]] in index.safety),
        named,
        carried[0] if carried else None,
        context_topic,
    )
