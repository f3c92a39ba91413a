"""One crisis script: the words and markers of domain/crisis.yml, rendered without Rasa.

The crisis policy plays domain responses (`utter_crisis_*`, chosen by
lantern/crisis/dialogue.py) and Rasa fills their `{emergency_number}`,
`{crisis_line}` and `{good_samaritan_note}` from the locale (rasa_plugins/nlu/crisis.py
sets them as entities). When a turn cannot run (database down, deadline
passed: rasa_plugins/channels/turns.py) the reply is built here from the same file, the
same action lists and the same locale values, so the person gets the same words
and the same marker either way (tests/unit/test_crisis_script.py compares this
with Rasa's own rendering for every kind and locale). Needs only PyYAML and the
locale file: no Rasa, no database, no model.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from lantern.crisis.dialogue import CHECK_IN, SCRIPTS, STILL_HERE_PREFIX, kind_of
from lantern.crisis.resources import Locale

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain" / "crisis.yml"
GOOD_SAMARITAN = "utter_crisis_good_samaritan"
_SLOT = re.compile(r"\{(\w+)\}")

Message = Dict[str, Any]


@lru_cache(maxsize=1)
def responses() -> Dict[str, List[Dict[str, Any]]]:
    """The crisis responses of the domain (read once)."""
    data = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8")) or {}
    return dict(data.get("responses") or {})


def locale_values(loc: Locale) -> Dict[str, str]:
    """The slot values the crisis responses use, as rasa_plugins/nlu/crisis.py sets them for a turn."""
    poison = loc.helpline("poison_control")
    return {"emergency_number": loc.emergency_number, "crisis_line": loc.crisis_line_number,
            "poison_control": poison.number if poison else loc.emergency_number,
            "good_samaritan_note": loc.good_samaritan or ""}


def _fill(value: Any, values: Dict[str, str]) -> Any:
    if isinstance(value, str):
        return _SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), value)
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    return value


def render(action: str, loc: Locale) -> Optional[Message]:
    """The first variant of a response with the locale's values, as {"text", "custom"}; None when empty."""
    variants = responses().get(action) or []
    if not variants:
        raise KeyError(f"{action} is not a response in {DOMAIN_FILE.name}")
    variant = _fill(variants[0], locale_values(loc))
    text = " ".join(str(variant.get("text") or "").split())
    if not text:
        return None
    message: Message = {"text": text}
    if variant.get("custom"):
        message["custom"] = variant["custom"]
    return message


def play(actions: List[str], loc: Locale) -> List[Message]:
    return [m for m in (render(a, loc) for a in actions) if m is not None]


def first_actions(kind: str, loc: Locale) -> List[str]:
    """What the policy plays as the first reply of a kind (the Good Samaritan note only where it applies)."""
    return [a for a in SCRIPTS[kind] if loc.good_samaritan or a != GOOD_SAMARITAN]


def first_reply(kind: str, loc: Locale) -> List[Message]:
    return play(first_actions(kind, loc), loc)


def check_in(category: Optional[str], loc: Locale) -> List[Message]:
    return play([CHECK_IN.get(kind_of(category), CHECK_IN[None])], loc)


def still_here(category: Optional[str], loc: Locale) -> List[Message]:
    kind = kind_of(category)
    return play([f"{STILL_HERE_PREFIX}_{kind}" if kind else STILL_HERE_PREFIX], loc)
