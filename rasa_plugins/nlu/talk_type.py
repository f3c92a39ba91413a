"""Rasa NLU component: the MI talk type (change / sustain / neutral) of every user message.

The dialogue reflects change talk and asks for more, and reflects sustain talk
without arguing (../shared/mi-style.md, section 2), so it needs to know which
one it heard. This component adds to every parsed message:

    "talk_type": {"name": "change", "confidence": 0.81,
                  "probabilities": {"change": 0.81, "neutral": 0.07, "sustain": 0.12},
                  "ambivalent": false, "context_used": false}

`ambivalent` is true when both sides are there (both probabilities reach
`ambivalence_threshold`, or the MI cue patterns heard change and sustain in one
change or sustain message): a double-sided reflection fits. It learns at `rasa train` from the project's own labelled
examples (`examples_path`, see docs/talk-type.md), not from the NLU intents.

Context: a short answer ("yeah", "no", "i guess") says nothing by itself; its talk type is
that of the bot message it answers. When the message metadata carries `lantern_context`
(labels of the bot's previous message, put there by rasa_plugins/turn_context.py in the running
server), `lantern.nlu.talk_context.combine` reads the answer with it and `context_used` is true.
Without it (training, `rasa test`, POST /model/parse) the result is the text model's alone.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from lantern import text as shared_text
from lantern.nlu import linear_model, talk_context, talk_features, talk_model
from lantern.nlu.talk_model import LABELS, TalkTypeModel
from rasa_plugins.nlu.linear_component import LinearModelComponent, encoder_digest, source_digest

logger = logging.getLogger(__name__)

TALK_TYPE = "talk_type"
MODEL_FILE = "talk_type_model.json"
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_EXAMPLES = "data/talk_type/examples.yml"
# The model reads English: a message without one Latin letter (empty, symbols, emoji, binary,
# another script) is not classified.
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def resolve_path(path: Text) -> Path:
    """A relative path is taken from the working directory, else from the project root."""
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    return PROJECT_ROOT / candidate


def load_examples(path: Text) -> Tuple[List[str], List[str]]:
    """Texts and labels from a YAML file `examples: [{text: ..., label: change|sustain|neutral}]`."""
    from lantern.yaml_text import load_yaml

    file = resolve_path(path)
    with open(file, encoding="utf-8") as handle:
        data = load_yaml(handle) or {}
    items = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{file}: expected a top-level 'examples:' list")
    texts: List[str] = []
    labels: List[str] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or item.get("label") not in LABELS:
            raise ValueError(f"{file}: example {number} needs a text and a label out of {list(LABELS)}: {item!r}")
        texts.append(item["text"])
        labels.append(item["label"])
    return texts, labels


def neutral_unknown() -> Dict[str, Any]:
    """What a message with no words gets: neutral, with no confidence to speak of."""
    share = round(1.0 / len(LABELS), 4)
    return {
        "name": "neutral",
        "confidence": share,
        "probabilities": {label: share for label in LABELS},
        "ambivalent": False,
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TalkTypeClassifier(LinearModelComponent):
    """Sets `talk_type` on every message; leaves intent and entities alone."""

    MODEL_CLASS = TalkTypeModel
    MODEL_FILE = MODEL_FILE
    WITHOUT_MODEL = "every message will be neutral"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # YAML file with the labelled examples (relative: working directory, then project root).
            "examples_path": DEFAULT_EXAMPLES,
            # Inverse regularisation strength of the logistic regression.
            "c": 4.0,
            # Relative weight of the three feature groups.
            "word_weight": 1.0,
            "char_weight": 1.0,
            "cue_weight": 1.0,
            # The sentence encoder's vector as a fourth feature group (lantern/nlu/sentence_encoder.py).
            "use_encoder": True,
            "encoder_weight": 2.0,
            # `ambivalent` is true when change and sustain each reach this probability
            # (or when cue patterns of both sides occur in a change/sustain message).
            "ambivalence_threshold": 0.25,
            # Read short answers ("yeah", "no") with the bot's previous message when the message
            # metadata carries it (rasa_plugins/turn_context.py); false: text only, always.
            "use_context": True,
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when the examples file or the feature code changes (Rasa caches by fingerprint)."""
        path = resolve_path(config.get("examples_path", DEFAULT_EXAMPLES))
        return source_digest(
            (talk_features, talk_model, linear_model, shared_text),
            extra=(path.read_bytes() if path.is_file() else b"<missing>") + encoder_digest(config),
        )

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on the examples file (the NLU intent data is not used) and persist."""
        texts, labels = load_examples(self._config["examples_path"])
        self._model = TalkTypeModel.fit(
            texts,
            labels,
            c=float(self._config["c"]),
            group_weights={
                "words": float(self._config["word_weight"]),
                "chars": float(self._config["char_weight"]),
                "cues": float(self._config["cue_weight"]),
            },
            dense=self.vectors_for_training(texts),
            dense_weight=float(self._config["encoder_weight"]),
            memory="talk_type",
            memory_key=type(self).fingerprint_addon(self._config) or "",
        )
        logger.info("Talk-type classifier trained on %d examples.", len(texts))
        self.save_model()
        return self._resource

    def classify(self, text: Any, vector: Optional[Any] = None) -> Dict[str, Any]:
        """The talk type of one text; never raises (anything odd is neutral with low confidence).

        `vector`: the text's encoder vector when already computed (a batch at training time).
        """
        if self._model is None or not isinstance(text, str) or not _LATIN_LETTER.search(text[:5000]):
            return neutral_unknown()
        try:
            probs, sides = self._model.analyse(text, vector if vector is not None else self.vector(text))
        except Exception:
            logger.exception("Talk-type classification failed; answering neutral.")
            return neutral_unknown()
        name = max(probs, key=probs.get)
        return {
            "name": name,
            "confidence": round(probs[name], 4),
            "probabilities": {label: round(p, 4) for label, p in probs.items()},
            "ambivalent": self._ambivalent(name, probs, sides),
        }

    def _ambivalent(self, name: str, probs: Dict[str, float], sides: set) -> bool:
        """Both sides present: both likely, or cue patterns of both kinds in a change/sustain message."""
        threshold = float(self._config["ambivalence_threshold"])
        if probs.get("change", 0.0) >= threshold and probs.get("sustain", 0.0) >= threshold:
            return True
        return name != "neutral" and {"change", "sustain"} <= sides

    def classify_in_context(self, text: Any, context: Optional[talk_context.TurnContext]) -> Dict[str, Any]:
        """The talk type of a text answering the bot message described by `context` (None: text only)."""
        result = self.classify(text)
        if not self._config.get("use_context", True):
            context = None
        try:
            return talk_context.combine(result, text, context)
        except Exception:
            logger.exception("Talk-type context could not be applied; using the text alone.")
            return {**result, "context_used": False}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            context = talk_context.TurnContext.from_metadata(message.get(METADATA))
            message.set(TALK_TYPE, self.classify_in_context(message.get(TEXT), context), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        messages = [m for m in training_data.training_examples if m.get(TEXT) is not None]
        vectors: List[Any] = [None] * len(messages)
        if messages and self._model is not None and self._model.dense_dim and self._encoder is not None:
            vectors = list(self._encoder.encode_for_training([m.get(TEXT) for m in messages]))  # one batch
        for message, vector in zip(messages, vectors, strict=False):
            message.set(TALK_TYPE, self.classify(message.get(TEXT), vector))
        return training_data


def train_standalone(storage_dir: Path, **config: Any) -> TalkTypeClassifier:
    """Train the component outside `rasa train` (tests, benchmarks), persisting into storage_dir."""
    from rasa.engine.graph import GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    storage = LocalModelStorage.create(Path(storage_dir))
    resource = Resource("talk_type_classifier")
    context = ExecutionContext(GraphSchema({}), "standalone")
    component = TalkTypeClassifier.create(
        {**TalkTypeClassifier.get_default_config(), **config}, storage, resource, context
    )
    component.train(TrainingData())
    return component
