"""What the two linear NLU components (intents, talk type) share: how Rasa builds them and keeps their model.

Rasa creates a component with `create` before training and with `load` from a trained
model; both end in the same constructor. The fitted model (lantern/nlu/linear_model.py) is one
JSON file in the component's resource. A model that cannot be loaded is logged, and the
component then runs without one: each subclass says what a message gets in that case.

With `use_encoder` (the default) the model also reads the sentence encoder's vector of each
text (lantern/nlu/sentence_encoder.py). Training without the encoder's files is an error that says
how to get them; answering without them is logged, and the model then reads the words alone.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from types import ModuleType
from typing import Any, ClassVar, Dict, Iterable, List, Optional, Sequence, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from lantern.nlu.linear_model import LinearTextModel
from lantern.nlu.sentence_encoder import SentenceEncoder, get_encoder

logger = logging.getLogger(__name__)


def source_digest(modules: Iterable[ModuleType], extra: bytes = b"") -> str:
    """SHA-256 of `extra` and the source of `modules`: a fingerprint add-on, so model code changes retrain."""
    digest = hashlib.sha256(extra)
    for module in modules:
        digest.update(inspect.getsource(module).encode("utf-8"))
    return digest.hexdigest()


def encoder_digest(config: Dict[str, Any]) -> bytes:
    """What identifies the encoder a component trains with, for its fingerprint."""
    if not config.get("use_encoder", True):
        return b"no encoder"
    encoder = get_encoder()
    return (encoder.digest if encoder else "encoder missing").encode("utf-8")


def embed_or_none(encoder: Optional[SentenceEncoder], text: Any) -> Optional[np.ndarray]:
    """The encoder's vector of `text`, or None without an encoder or when it fails (logged): the words
    alone still give an answer."""
    if encoder is None:
        return None
    try:
        return encoder.embed(text)
    except Exception:
        logger.exception("Sentence encoder failed on a message; reading the words alone.")
        return None


class LinearModelComponent(GraphComponent):
    """Base of the components that run a LinearTextModel; subclasses set the three class attributes."""

    MODEL_CLASS: ClassVar[Type[LinearTextModel]]
    MODEL_FILE: ClassVar[str]
    WITHOUT_MODEL: ClassVar[str]  # what messages get when the model cannot be loaded (for the log)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[LinearTextModel] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model: Any = model
        self._encoder: Optional[SentenceEncoder] = get_encoder() if self._config.get("use_encoder", True) else None
        if model is not None and model.dense_dim and self._encoder is None:
            logger.error(
                "%s: the model was trained with the sentence encoder, which is missing "
                "(run `make install`); answering from the words alone.",
                type(self).__name__,
            )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearModelComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearModelComponent:
        model = None
        try:
            model = cls.MODEL_CLASS.load_from(model_storage, resource, cls.MODEL_FILE)
        except (ValueError, OSError) as exc:
            logger.warning("%s: model could not be loaded (%s); %s.", cls.__name__, exc, cls.WITHOUT_MODEL)
        return cls(config, model_storage, resource, model)

    def vectors_for_training(self, texts: Sequence[str]) -> Optional[np.ndarray]:
        """The encoder's vectors of the training texts; None with `use_encoder: false`."""
        if not self._config.get("use_encoder", True):
            return None
        if self._encoder is None:
            raise RuntimeError(
                f"{type(self).__name__}: the sentence encoder is missing; run `make install` "
                "(or set use_encoder: false in config.yml to train on the words alone)"
            )
        return self._encoder.encode_for_training(list(texts))

    def vector(self, text: Any) -> Optional[np.ndarray]:
        """The encoder's vector of one message, when the model uses one; never raises."""
        if self._model is None or not self._model.dense_dim:
            return None
        return embed_or_none(self._encoder, text)

    def save_model(self) -> None:
        if self._model is not None:
            self._model.save(self._model_storage, self._resource, self.MODEL_FILE)
