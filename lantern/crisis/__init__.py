"""Crisis layer: deterministic detection, per-locale resources and fallback replies.

    from lantern.crisis import detect, combine, load_locale, replies_for
    result = combine(detect(text), intent_name, intent_confidence)
    messages = replies_for(result, load_locale(), in_crisis_mode=...)
"""
from lantern.crisis.detector import CrisisResult, combine, detect
from lantern.crisis.messages import replies_for
from lantern.crisis.resources import Locale, LocaleError, load_locale

__all__ = ["CrisisResult", "Locale", "LocaleError", "combine", "detect", "load_locale", "replies_for"]
