"""The entry to answer with, chosen from a message's knowledge reading, and its text for this locale.

The Rasa server reads which entries are close (rasa_plugins/nlu/knowledge.py); the action server
holds the entries themselves and knows the locale. An entry is used only when its score reaches
ANSWER_MIN and it applies to the locale (a Canadian entry is never read to someone in the US);
otherwise nothing is chosen and the bot says it does not know (actions/info.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from lantern.knowledge.entries import Entry, by_id, load
from lantern.knowledge.retrieval import ANSWER_MIN

logger = logging.getLogger(__name__)

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "knowledge"


@dataclass
class Answers:
    """The entries by id, the locale, and the values of the answer placeholders there."""

    entries: Dict[str, Entry]
    locale: str = "en-US"
    fill: Dict[str, str] = field(default_factory=dict)

    def choose(self, reading: Mapping[str, Any], skip: Optional[str] = None) -> Optional[Entry]:
        """The best candidate that is close enough and applies here (not `skip`, the entry just given)."""
        for candidate in reading.get("candidates") or []:
            try:
                entry_id, score = str(candidate[0]), float(candidate[1])
            except (TypeError, ValueError, IndexError):
                continue
            if score < ANSWER_MIN:
                break
            entry = self.entries.get(entry_id)
            if entry is not None and entry.applies_to(self.locale) and entry_id != skip:
                return entry
        return None

    def text(self, entry: Entry) -> List[str]:
        return entry.render(self.fill)


def locale_fill(locale_name: str) -> Dict[str, str]:
    """Placeholder values from config/locales/<locale>.yml: numbers for {emergency} and {crisis_line},
    "Name (number)" for the helplines."""
    from lantern.crisis.resources import load_locale

    locale = load_locale(locale_name)
    fill = {"emergency": locale.emergency_number, "crisis_line": locale.crisis_line_number}
    for placeholder, key in (
        ("substance_helpline", "substance_use"),
        ("never_use_alone", "never_use_alone"),
        ("poison_control", "poison_control"),
    ):
        line = locale.helpline(key)
        if line:
            fill[placeholder] = f"{line.name} ({line.number})"
    return fill


@lru_cache(maxsize=2)
def default_answers(locale_name: str) -> Answers:
    """The project's entries for a locale (loaded once per process); empty when the files are broken,
    which is logged: the bot then defers every question honestly instead of failing the turn."""
    try:
        entries = load(KNOWLEDGE_DIR)
    except Exception as exc:
        logger.error(
            "Knowledge entries not loaded (%s); every question gets the honest 'not sure'.", type(exc).__name__
        )
        entries = []
    try:
        fill = locale_fill(locale_name)
    except Exception as exc:
        logger.warning("Locale %s not loaded for knowledge answers (%s).", locale_name, type(exc).__name__)
        fill = {}
    return Answers(by_id(entries), locale_name, fill)
