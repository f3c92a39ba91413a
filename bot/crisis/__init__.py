"""Crisis layer: deterministic detection, per-locale resources and fallback replies.

    from bot.crisis import detect, combine, load_locale, replies_for
    result = combine(detect(text), intent_name, intent_confidence)
    messages = replies_for(result, load_locale(), in_crisis_mode=...)
"""
from .detector import CrisisResult, combine, detect
from .messages import replies_for
from .resources import Locale, LocaleError, load_locale

__all__ = ["CrisisResult", "Locale", "LocaleError", "combine", "detect", "load_locale", "replies_for"]
