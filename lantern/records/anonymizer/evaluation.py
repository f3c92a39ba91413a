"""Scoring the anonymizer against a labelled message set (tests and bench share this).

Matching rules, per PII type:
- recall: an expected span counts as found when spans predicted with the same
  type cover all of its non-space characters;
- precision: a predicted span counts as correct when it overlaps an expected
  span of the same type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

from lantern.records.anonymizer.engine import Entity
from lantern.yaml_text import load_yaml

DEFAULT_SET = Path(__file__).resolve().parents[3] / "tests" / "data" / "pii_messages.yml"


@dataclass(frozen=True)
class Expected:
    type: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Message:
    text: str
    expected: Tuple[Expected, ...]


def whole_word_spans(text: str, value: str) -> List[Tuple[int, int]]:
    """Occurrences of `value` in `text` with no letter or digit right before or after."""
    pattern = re.compile(r"(?<![^\W_])" + re.escape(value) + r"(?![^\W_])")
    return [m.span() for m in pattern.finditer(text)]


def load_messages(path: Path = DEFAULT_SET) -> List[Message]:
    """Load and check the labelled set: every expected substring must occur in its message."""
    data = load_yaml(Path(path).read_text(encoding="utf-8"))
    messages = []
    for item in data["messages"]:
        text = item["text"]
        expected: List[Expected] = []
        for pii_type, value in item.get("pii") or []:
            spans = whole_word_spans(text, value)
            if not spans:
                raise ValueError(f"{value!r} not found as a whole word in {text!r}")
            expected.extend(Expected(pii_type, value, s, e) for s, e in spans)
        # "tasha" inside "tasha.b@gmail.com" is part of the email, not a separate name.
        inside = [
            e
            for e in expected
            if any(
                o is not e and o.start <= e.start and e.end <= o.end and (o.end - o.start) > (e.end - e.start)
                for o in expected
            )
        ]
        messages.append(Message(text, tuple(e for e in expected if e not in inside)))
    return messages


@dataclass
class TypeScore:
    support: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    misses: List[str] = field(default_factory=list)
    false_positives: List[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.support if self.support else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0


def _covered(text: str, exp: Expected, spans: Iterable[Entity]) -> bool:
    mask = [False] * (exp.end - exp.start)
    for ent in spans:
        for i in range(max(ent.start, exp.start), min(ent.end, exp.end)):
            mask[i - exp.start] = True
    return all(m or text[exp.start + i].isspace() for i, m in enumerate(mask))


def score(messages: Sequence[Message], predictions: Sequence[Sequence[Entity]]) -> Dict[str, TypeScore]:
    """Per-type support, recall and precision; misses and false positives name the text for debugging."""
    scores: Dict[str, TypeScore] = {}
    for msg, predicted in zip(messages, predictions, strict=True):
        for exp in msg.expected:
            ts = scores.setdefault(exp.type, TypeScore())
            ts.support += 1
            same = [p for p in predicted if p.type == exp.type]
            if _covered(msg.text, exp, same):
                ts.found += 1
            else:
                ts.misses.append(f"{exp.value!r} in {msg.text!r}")
        for ent in predicted:
            ts = scores.setdefault(ent.type, TypeScore())
            ts.predicted += 1
            if any(e.type == ent.type and ent.start < e.end and e.start < ent.end for e in msg.expected):
                ts.correct += 1
            else:
                ts.false_positives.append(f"{msg.text[ent.start : ent.end]!r} in {msg.text!r}")
    return scores


def totals(scores: Dict[str, TypeScore]) -> TypeScore:
    """All types pooled."""
    out = TypeScore()
    for ts in scores.values():
        out.support += ts.support
        out.found += ts.found
        out.predicted += ts.predicted
        out.correct += ts.correct
    return out
