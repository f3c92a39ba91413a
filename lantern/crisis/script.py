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

from lantern.crisis import registry
from lantern.crisis.dialogue import CHECK_IN
from lantern.crisis.resources import Locale
from lantern.yaml_text import load_yaml

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain" / "crisis.yml"
_SLOT = re.compile(r"\{(\w+)\}")

Message = Dict[str, Any]


@lru_cache(maxsize=1)
def responses() -> Dict[str, List[Dict[str, Any]]]:
    """The crisis responses of the domain (read once)."""
    data = load_yaml(DOMAIN_FILE.read_text(encoding="utf-8")) or {}
    return dict(data.get("responses") or {})


def locale_values(loc: Locale) -> Dict[str, str]:
    """The values of the crisis responses' locale fields (registry.LOCALE_FIELDS): the degraded path fills
    them in here, and rasa_plugins/nlu/crisis.py sets the same as entities that fill the domain's slots."""
    poison = loc.helpline("poison_control")
    values = {
        "emergency_number": loc.emergency_number,
        "crisis_line": loc.crisis_line_number,
        "poison_control": poison.number if poison else loc.emergency_number,
        "good_samaritan_note": loc.good_samaritan or "",
    }
    return {field: values[field] for field in registry.LOCALE_FIELDS}


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
    category = registry.get(kind) or registry.DEFAULT
    return [a for a in category.script if loc.good_samaritan or a != registry.GOOD_SAMARITAN]


def first_reply(kind: str, loc: Locale) -> List[Message]:
    return play(first_actions(kind, loc), loc)


def check_in(kind: Optional[str], loc: Locale) -> List[Message]:
    category = registry.get(kind)
    return play([category.check_in if category else CHECK_IN[None]], loc)


def still_here(kind: Optional[str], loc: Locale) -> List[Message]:
    category = registry.get(kind)
    return play([category.still_here if category else registry.STILL_HERE], loc)
