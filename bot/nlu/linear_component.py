"""What the two linear NLU components (intents, talk type) share: how Rasa builds them and keeps their model.

Rasa creates a component with `create` before training and with `load` from a trained
model; both end in the same constructor. The fitted model (bot/nlu/linear_model.py) is one
JSON file in the component's resource. A model that cannot be loaded is logged, and the
component then runs without one: each subclass says what a message gets in that case.
"""
from __future__ import annotations

import hashlib
import inspect
import logging
from types import ModuleType
from typing import Any, ClassVar, Dict, Iterable, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from bot.nlu.linear_model import LinearTextModel

logger = logging.getLogger(__name__)


def source_digest(modules: Iterable[ModuleType], extra: bytes = b"") -> str:
    """SHA-256 of `extra` and the source of `modules`: a fingerprint add-on that retrains when the model code changes."""
    digest = hashlib.sha256(extra)
    for module in modules:
        digest.update(inspect.getsource(module).encode("utf-8"))
    return digest.hexdigest()


class LinearModelComponent(GraphComponent):
    """Base of the components that run a LinearTextModel; subclasses set the three class attributes."""

    MODEL_CLASS: ClassVar[Type[LinearTextModel]]
    MODEL_FILE: ClassVar[str]
    WITHOUT_MODEL: ClassVar[str]  # what messages get when the model cannot be loaded (for the log)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[LinearTextModel] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model: Any = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearModelComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearModelComponent:
        model = None
        try:
            model = cls.MODEL_CLASS.load_from(model_storage, resource, cls.MODEL_FILE)
        except (ValueError, OSError) as exc:
            logger.warning("%s: model could not be loaded (%s); %s.", cls.__name__, exc, cls.WITHOUT_MODEL)
        return cls(config, model_storage, resource, model)

    def save_model(self) -> None:
        if self._model is not None:
            self._model.save(self._model_storage, self._resource, self.MODEL_FILE)
