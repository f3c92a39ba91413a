"""Rasa NLU component: the intent of every user message, from lantern/nlu/intent_model.py.

It takes DIET's place in config.yml: a linear model over the message text that
learned the project's intents better in 5-fold cross-validation (bench/mi.py),
trains in seconds and needs no featurizers before it. Confidences are
calibrated (a temperature chosen on held-out folds at training), so the
FallbackClassifier's threshold means what it says.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from lantern import text as shared_text
from lantern.nlu import intent_model, linear_model
from lantern.nlu.intent_model import IntentModel
from rasa_plugins.nlu.linear_component import LinearModelComponent, encoder_digest, source_digest

logger = logging.getLogger(__name__)

MODEL_FILE = "intent_model.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(LinearModelComponent, IntentClassifier):
    """Intent and ranking for each message; an untrained or unloadable model gives no intent."""

    MODEL_CLASS = IntentModel
    MODEL_FILE = MODEL_FILE
    WITHOUT_MODEL = "messages get no intent"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "c": 20.0,  # inverse regularisation strength of the logistic regression
            "word_weight": 1.0,
            "char_weight": 1.0,
            # The sentence encoder's vector as a third feature group (lantern/nlu/sentence_encoder.py).
            "use_encoder": True,
            "encoder_weight": 1.0,
            "ranking_length": 10,
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when the model code changes, not only the data (Rasa caches by fingerprint)."""
        return source_digest((intent_model, linear_model, shared_text), extra=encoder_digest(config))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            logger.warning("Fewer than two intents in the training data: the intent model is not trained.")
            return self._resource
        texts = [m.get(TEXT) for m in examples]
        self._model = IntentModel.fit(
            texts,
            [m.get(INTENT) for m in examples],
            c=float(self._config["c"]),
            group_weights={"words": float(self._config["word_weight"]), "chars": float(self._config["char_weight"])},
            dense=self.vectors_for_training(texts),
            dense_weight=float(self._config["encoder_weight"]),
            memory="intent",
            memory_key=type(self).fingerprint_addon(self._config) or "",
        )
        logger.info("Intent model trained on %d examples, temperature %.2f.", len(examples), self._model.temperature)
        self.save_model()
        return self._resource

    def ranking(self, text: Any) -> List[Dict[str, Any]]:
        """Intents with their probabilities, best first (empty without a model or words)."""
        if self._model is None or not isinstance(text, str) or not text.strip():
            return []
        probs = self._model.predict(text, self.vector(text))
        ranked = sorted(probs.items(), key=lambda item: -item[1])
        return [{"name": name, "confidence": float(p)} for name, p in ranked]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranked = self.ranking(message.get(TEXT))
            if not ranked:
                continue  # Rasa's default: no intent; the FallbackClassifier turns it into nlu_fallback
            length = int(self._config["ranking_length"])
            message.set(INTENT, ranked[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranked[:length] if length > 0 else ranked, add_to_output=True)
        return messages
