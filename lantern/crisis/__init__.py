"""Crisis layer: deterministic detection, per-locale resources and fallback replies.

    from lantern.crisis import detect, combine, load_locale, replies_for
    result = combine(detect(text), intent_name, intent_confidence)
    messages = replies_for(result, load_locale(), in_crisis_mode=...)

The names below load on first use, so importing a light module of the package (the category list,
lantern/crisis/registry.py, which the action server imports) does not compile the detector's patterns.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "CrisisResult": "detector",
    "combine": "detector",
    "detect": "detector",
    "replies_for": "messages",
    "Locale": "resources",
    "LocaleError": "resources",
    "load_locale": "resources",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'lantern.crisis' has no attribute {name!r}")
    return getattr(importlib.import_module(f"lantern.crisis.{_HOMES[name]}"), name)
