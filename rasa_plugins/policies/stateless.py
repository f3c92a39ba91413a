"""The base of Lantern's rule-free policies: nothing to train, nothing to store, built the same way on load.

CrisisPolicy and WaitingQuestionPolicy decide from the tracker alone (the crisis script, a waiting check-in
question), so Rasa's training and loading steps have nothing to do for them. Each subclass still registers
itself with `DefaultV1Recipe.register` and sets its priority in `get_default_config`.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.policies.policy import Policy
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain


class StatelessPolicy(Policy):
    """A policy with no learned state: `train` keeps nothing, `load` builds it from its config."""

    def train(self, training_trackers: List[Any], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],  # Rasa checks these annotations against its own when it builds the graph
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "StatelessPolicy":
        return cls(config, model_storage, resource, execution_context)
