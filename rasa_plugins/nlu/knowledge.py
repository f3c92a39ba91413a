"""Rasa NLU component: which knowledge entry a message asks about, and whether it goes to the knowledge base.

At `rasa train` it loads and checks data/knowledge/ (lantern/knowledge/entries.py: a broken file
stops training with every problem listed) and fits the classifier of lantern/knowledge/retrieval.py
on the encoder vectors of every entry's asks and answer sentences. On each message it adds

    "knowledge": {"id": "med_bupe_cost", "score": 0.81, "margin": 0.62, "candidates": [[id, score], ...],
                  "topics": ["buprenorphine", "costs_insurance"], "topic": "buprenorphine",
                  "context_topic": null, "asks": true, "routed_from": "share"}

(labels and scores only, so it may be stored), reading a follow-up through the conversation's
topic (`topic` in `lantern_context`, set by rasa_plugins/turn_context.py from the `topic` slot),
and sets the intent to `ask_info` when lantern/knowledge/routing.py says the question belongs to
the knowledge base. It runs before CrisisDetector, which can still override anything.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from lantern.knowledge import entries as kb_entries
from lantern.knowledge import retrieval, routing, topics
from lantern.nlu.sentence_encoder import SentenceEncoder, get_encoder
from lantern.nlu.talk_context import CONTEXT_KEY
from rasa_plugins.nlu.linear_component import embed_or_none, encoder_digest, source_digest

logger = logging.getLogger(__name__)

KNOWLEDGE = "knowledge"
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
META_FILE, WEIGHTS_FILE = "knowledge_index.json", "knowledge_weights.npy"


def _dir(path: Text) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else PROJECT_ROOT / candidate


def conversation_topic(metadata: Any) -> Optional[str]:
    """The conversation's topic the server put into the message's metadata, if it is a known topic."""
    context = metadata.get(CONTEXT_KEY) if isinstance(metadata, dict) else None
    topic = context.get("topic") if isinstance(context, dict) else None
    return topic if topic in kb_entries.TOPICS else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class KnowledgeRetriever(GraphComponent, IntentClassifier):
    """Sets `knowledge` on every message, and `ask_info` on questions the knowledge base should answer."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"knowledge_dir": "data/knowledge"}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        index: Optional[retrieval.Index] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._index = index
        self._topics = topics.load(_dir(self._config["knowledge_dir"]) / "topics.yml")
        self._encoder: Optional[SentenceEncoder] = get_encoder()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KnowledgeRetriever":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "KnowledgeRetriever":
        index = None
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((Path(directory) / META_FILE).read_text(encoding="utf-8"))
                weights = np.load(Path(directory) / WEIGHTS_FILE, allow_pickle=False)
            index = retrieval.Index.from_parts(meta, weights)
        except (ValueError, OSError, KeyError, TypeError) as exc:
            logger.error(
                "KnowledgeRetriever: index not loaded (%s); questions get the honest 'not sure'.", type(exc).__name__
            )
        return cls(config, model_storage, resource, index)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when a knowledge file or the retrieval code changes."""
        directory = _dir({**cls.get_default_config(), **config}["knowledge_dir"])
        extra = b"".join(p.name.encode() + p.read_bytes() for p in sorted(directory.glob("*.yml")))
        return source_digest((kb_entries, retrieval, topics), extra=extra + encoder_digest(config))

    def train(self, training_data: TrainingData) -> Resource:
        """Check every knowledge file and store the vectors of their asks."""
        if self._encoder is None:
            raise RuntimeError("KnowledgeRetriever: the sentence encoder is missing; run `make install`")
        directory = _dir(self._config["knowledge_dir"])
        found = kb_entries.load(directory)  # KnowledgeError lists every problem
        self._index = retrieval.Index.build(found, self._topics, self._encoder.encode_for_training, memory="knowledge")
        with self._storage.write_to(self._resource) as out:
            (Path(out) / META_FILE).write_text(json.dumps(self._index.to_dict()), encoding="utf-8")
            np.save(Path(out) / WEIGHTS_FILE, self._index.weights, allow_pickle=False)
        logger.info("Knowledge classifier trained on %d entries.", len(found))
        return self._resource

    def read(self, text: Any, metadata: Any) -> Dict[str, Any]:
        """The knowledge reading of one message; never raises (anything odd reads as nothing found)."""
        asked = routing.asks(text)
        empty: Dict[str, Any] = {"id": None, "score": 0.0, "margin": 0.0, "candidates": [], "topics": [], "topic": None,
                 "context_topic": None, "asks": asked}  # fmt: skip
        if not isinstance(text, str) or not text.strip():
            return empty
        try:
            if self._index is None or self._encoder is None or not self._index.ids:
                return {**empty, "topics": self._topics.named(text)}

            def embed_one(t: str) -> np.ndarray:
                vector = embed_or_none(self._encoder, t)
                if vector is None:
                    raise RuntimeError("encoder failed")
                return vector

            reading = retrieval.read(text, self._index, self._topics, embed_one, conversation_topic(metadata))
        except Exception:
            logger.exception("Knowledge retrieval failed on a message; it reads as nothing found.")
            return empty
        return {**reading.as_dict(), "asks": asked, "for_a_person": routing.for_a_person(text) if asked else None}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            reading = self.read(message.get(TEXT), message.get(METADATA))
            intent = message.get(INTENT) or {}
            new = routing.route(
                intent.get("name"),
                float(intent.get("confidence") or 0.0),
                reading["asks"],
                reading["score"],
                bool(reading.get("safety")),
                message.get(TEXT),
            )
            if new:
                reading["routed_from"] = intent.get("name")
                chosen = {"name": new, "confidence": max(float(reading["score"]), 0.0)}
                ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != new]
                message.set(INTENT, chosen, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [chosen] + ranking, add_to_output=True)
            message.set(KNOWLEDGE, reading, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
