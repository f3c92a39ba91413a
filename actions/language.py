"""action_other_language: an honest answer, in the person's language, that Lantern speaks English only.

The text (with a helpline and the emergency numbers that work in that language) is in the locale file,
config/locales/<locale>.yml under `other_languages`; the Rasa server says which language it read
(rasa_plugins/nlu/language.py). A language the locale has no text for gets the English line.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Context, MIAction, Turn, send
from actions.phrases import Message, say
from lantern import settings

logger = logging.getLogger(__name__)


def language_text(code: Optional[str]) -> Optional[str]:
    """The locale's text for a language code, or None."""
    if not code:
        return None
    try:
        from lantern.crisis.resources import load_locale

        return load_locale(settings.load().locale).other_language(code)
    except Exception as exc:  # a broken locale only loses the translated line
        logger.warning("other-language text unavailable (%s)", type(exc).__name__)
        return None


def language_turn(context: Context, text: Optional[str]) -> Turn:
    if text:
        return Turn([Message(text=text, mi="information")], {"last_prompt": None})
    return Turn([say("language.english_only", context.rng, context.said)], {"last_prompt": None})


class ActionOtherLanguage(MIAction):
    """`other_language`: say, in that language, that Lantern speaks English, and who speaks theirs."""

    action_name = "action_other_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        code = (tracker.latest_message or {}).get("language")
        return send(
            dispatcher, language_turn(Context.of(tracker), language_text(code if isinstance(code, str) else None))
        )
