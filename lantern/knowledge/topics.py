"""Which knowledge topics a message names, from the words in data/knowledge/topics.yml.

A question's meaning is read by the sentence encoder, but the encoder does not know street words
("subs", "tranq", "fetty") and cannot see the conversation. Naming a topic does two things: the
entries of that topic are preferred, and a topic with `carry: true` becomes the conversation's
topic, so a follow-up that names nothing ("how much does it cost") is read as being about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from lantern.knowledge.entries import TOPICS, KnowledgeError
from lantern.text import plain_words
from lantern.yaml_text import load_yaml


@dataclass(frozen=True)
class Topic:
    name: str
    label: str
    words: Tuple[str, ...]
    carry: bool = False


class TopicWords:
    """The topic vocabulary, compiled once: `named(text)` lists the topics a text names, in order."""

    def __init__(self, topics: Mapping[str, Topic]) -> None:
        self.topics = dict(topics)
        self._patterns: List[Tuple[str, re.Pattern]] = [
            (
                t.name,
                re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(t.words, key=len, reverse=True)) + r")\b"),
            )
            for t in self.topics.values()
            if t.words
        ]

    def named(self, text: Any) -> List[str]:
        """Topics named in `text`, ordered by where they first appear."""
        words = plain_words(text)
        found: List[Tuple[int, str]] = []
        for name, pattern in self._patterns:
            match = pattern.search(words)
            if match:
                found.append((match.start(), name))
        return [name for _, name in sorted(found)]

    def carried(self, text: Any) -> Optional[str]:
        """The first topic named in `text` that a conversation carries forward, or None."""
        return next((n for n in self.named(text) if self.topics[n].carry), None)

    def label(self, name: Optional[str]) -> str:
        topic = self.topics.get(name or "")
        return topic.label if topic else ""


def parse(data: Any, where: str = "topics.yml") -> Tuple[Dict[str, Topic], List[str]]:
    """The topics of a parsed topics.yml and the problems found (unknown topics, empty words...)."""
    if not isinstance(data, Mapping) or data.get("version") != 1 or not isinstance(data.get("topics"), Mapping):
        return {}, [f"{where}: needs `version: 1` and a mapping under `topics:`"]
    topics: Dict[str, Topic] = {}
    problems: List[str] = []
    for name, raw in data["topics"].items():
        if name not in TOPICS:
            problems.append(f"{where}: {name!r} is not a knowledge topic ({', '.join(TOPICS)})")
            continue
        if not isinstance(raw, Mapping) or not isinstance(raw.get("label"), str) or not raw.get("label"):
            problems.append(f"{where}: {name} needs a label")
            continue
        words = raw.get("words") or []
        if not isinstance(words, list) or not all(isinstance(w, str) and plain_words(w) == w for w in words):
            problems.append(f"{where}: {name} words are lower-case plain words (no apostrophes or punctuation)")
            continue
        topics[name] = Topic(name, raw["label"], tuple(words), raw.get("carry") is True)
    return topics, problems


def load(path: Path) -> TopicWords:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read it ({type(exc).__name__})") from exc
    topics, problems = parse(data, path.name)
    if problems:
        raise KnowledgeError("\n".join(problems))
    return TopicWords(topics)
