"""Rasa NLU component: a message in Spanish gets the intent `other_language` and `"language": "es"`.

Lantern speaks English only; someone who writes in Spanish gets an honest answer in Spanish with a
helpline that speaks it (actions/language.py, text in config/locales/<locale>.yml), instead of an
English reply to a message the intent model could not read. It runs before CrisisDetector, which
still overrides it when a message carries a crisis (the crisis replies name 911 and 988 either way).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from lantern.nlu.language import language_of

OTHER_LANGUAGE = "other_language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageDetector(GraphComponent, IntentClassifier):
    """Sets `language` on every message ("es" or None) and `other_language` on Spanish ones."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = language_of(message.get(TEXT))
            message.set("language", language, add_to_output=True)
            current = (message.get(INTENT) or {}).get("name") or ""
            if language and not str(current).startswith("crisis"):
                chosen = {"name": OTHER_LANGUAGE, "confidence": 1.0}
                ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != OTHER_LANGUAGE]
                message.set(INTENT, chosen, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [chosen] + ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
