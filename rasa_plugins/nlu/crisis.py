"""CrisisDetector: the NLU step that makes sure a crisis is never missed.

Runs last in the pipeline, on every message. The deterministic detector
(lantern/crisis/detector.py: patterns and a slang lexicon, negation and figurative
uses) is combined with what the trained intent model predicted and with the meaning
model's reading (`crisis_signal`, set by rasa_plugins/nlu/crisis_signal.py just before this step), so a message the
model misreads still triggers. On a crisis it sets the crisis intent with full
confidence and adds the locale's numbers as entities, which fill the slots the
crisis responses use. Every parse output gets a `crisis` entry.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from lantern import settings
from lantern.crisis import registry
from lantern.crisis.detector import combine, detect, raise_with_signal
from lantern.crisis.resources import load_locale
from lantern.crisis.script import locale_values
from rasa_plugins.nlu.crisis_signal import CRISIS_SIGNAL

CHECK_INTENT = registry.CHECK_INTENT
# The intents the combined reading decides (a model's crisis_safe is left as it is).
CRISIS_INTENTS = frozenset(registry.INTENTS) | {CHECK_INTENT}


def locale_entities(locale: Any) -> List[Dict[str, Any]]:
    """The locale's values as entities named like the crisis slots (the same the degraded path fills in)."""
    return [
        {"entity": name, "value": value, "start": 0, "end": 0, "extractor": "CrisisDetector"}
        for name, value in locale_values(locale).items()
    ]


def crisis_decision(
    text: str, intent: Optional[Dict[str, Any]], signal: Optional[Dict[str, Any]] = None
) -> Dict[str, Any]:
    """What the detector, the model's intent and the meaning model (`crisis_signal`) say together:
    level, category, intent to set, and `by`: which reading set the level (patterns, intent, signal;
    None for level none). CrisisPolicy weighs a check-in the meaning model asked for alone lower in a
    conversation where one was just answered (lantern/crisis/dialogue.py)."""
    intent = intent or {}
    detected = detect(text or "")
    with_intent = combine(detected, intent.get("name"), float(intent.get("confidence") or 0.0))
    result = raise_with_signal(with_intent, detected, signal)
    by: Optional[str] = None
    if result.level != "none":
        by = "patterns" if detected.level == result.level else "intent"
        by = by if with_intent.level == result.level else "signal"
    decided: Optional[str] = None
    category = registry.get(result.category)
    if result.level == "crisis" and category:
        decided = category.intent
    elif result.level == "check_in":
        decided = CHECK_INTENT
    # stored with the message: the category by its stored value (transcripts read it)
    return {
        "level": result.level,
        "category": result.stored_category,
        "confidence": round(float(result.confidence), 3),
        "intent": decided,
        "by": by,
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisDetector(GraphComponent, IntentClassifier):
    """Deterministic crisis layer over the trained intent classifier."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"locale": None}  # None: the LANTERN_LOCALE setting

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config
        name = config.get("locale") or settings.load().locale
        self.locale = load_locale(name)  # validated at start: a bad file stops the server
        self.entities = locale_entities(self.locale)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisDetector":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            decision = crisis_decision(message.get(TEXT) or "", message.get(INTENT), message.get(CRISIS_SIGNAL))
            reading = {k: decision[k] for k in ("level", "category", "confidence", "by")}
            message.set("crisis", reading, add_to_output=True)
            current = message.get(INTENT) or {}
            if decision["intent"] is None:
                if str(current.get("name", "")) in CRISIS_INTENTS:
                    self._demote(message)  # the combined reading says no crisis: the model alone may not
                continue
            new_intent = {"name": decision["intent"], "confidence": 1.0}
            message.set(INTENT, new_intent, add_to_output=True)
            ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != decision["intent"]]
            message.set(INTENT_RANKING_KEY, [new_intent] + ranking, add_to_output=True)
            entities = [e for e in (message.get(ENTITIES) or []) if e.get("extractor") != "CrisisDetector"]
            message.set(ENTITIES, entities + [dict(e) for e in self.entities], add_to_output=True)
        return messages

    @staticmethod
    def _demote(message: Message) -> None:
        """Replace a crisis intent the combined reading rejected by the best other intent (or the fallback)."""
        ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") not in CRISIS_INTENTS]
        best = ranking[0] if ranking else {"name": "nlu_fallback", "confidence": 0.0}
        message.set(INTENT, dict(best), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
