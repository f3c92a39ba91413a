"""Signs of danger now written in Spanish (data/crisis/spanish.yml), read beside the English patterns.

The patterns and the meaning model are English: a Spanish message ("mi hermano no respira", "ya tengo
las pastillas listas") read nothing there, and got only the honest "Lantern speaks English" line with
the numbers. On the ninth blind round (2026-12-08), 9 of its 18 misses were in Spanish. These signs,
kept by trainers in YAML, give such a message its crisis level and category, so the crisis reply and
its call button go out (the script itself is English; the numbers are the same).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Pattern, Tuple

from lantern.crisis import registry
from lantern.text import fold
from lantern.word_lists import alternatives
from lantern.yaml_text import load_yaml

SIGNS_FILE = Path(__file__).resolve().parents[2] / "data" / "crisis" / "spanish.yml"
LEVELS = ("crisis", "check_in")
_PUNCTUATION = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class SpanishSigns:
    """One compiled alternation per (category, level), most urgent first."""

    rules: Tuple[Tuple[str, str, Pattern[str]], ...]

    def read(self, text: object) -> Optional[Tuple[str, str, str]]:
        """(category, level, rule name) of the most urgent sign in `text`, or None."""
        if not isinstance(text, str) or not text.strip():
            return None
        plain = " " + _PUNCTUATION.sub(" ", fold(text[:4000])) + " "
        found = [(category, level) for category, level, rx in self.rules if rx.search(plain)]
        if not found:
            return None
        category, level = min(found, key=lambda f: LEVELS.index(f[1]))
        return category, level, f"es.{category}.{level}"


def parse(data: object, where: str = "spanish.yml") -> SpanishSigns:
    """Check and compile the file's content; ValueError naming the key for anything wrong."""
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{where}: needs a mapping of categories")
    rules: List[Tuple[str, str, Pattern[str]]] = []
    for category, levels in data.items():
        if category not in registry.NAMES:
            raise ValueError(f"{where}: {category!r} is not a crisis category ({', '.join(registry.NAMES)})")
        if not isinstance(levels, dict) or not set(levels) <= set(LEVELS) or not levels:
            raise ValueError(f"{where}: {category}: needs `crisis` and/or `check_in` lists")
        for level, items in levels.items():
            parts = alternatives(f"{where}: {category}.{level}", items)
            rules.append((category, level, re.compile(r" (?:" + "|".join(parts) + r") ")))
    rules.sort(key=lambda rule: LEVELS.index(rule[1]))
    return SpanishSigns(tuple(rules))


@lru_cache(maxsize=1)
def signs() -> SpanishSigns:
    """The file's signs (read once per process; a broken file fails loudly at the first message)."""
    return parse(load_yaml(SIGNS_FILE.read_text(encoding="utf-8")), SIGNS_FILE.name)
