"""HandoffPolicy: while a person from the organisation has the conversation, the bot stays silent.

The channel looks up, before each turn, whether staff have taken the conversation over
(rasa_plugins/channels/turns.py puts `lantern_handoff` in the message's metadata; a client's own
value there is overwritten). While it is "taken", this policy predicts `action_listen` after the
person's message: the message is read (NLU, the crisis detector) and stored in the transcript, and
nothing is said. Its priority is below CrisisPolicy's on purpose: a message that reads as a crisis
still gets the crisis reply at once (the emergency number), because the staff member may not be
looking at the screen that second; above the rules and the waiting check-in question.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.core.policies.policy import PolicyPrediction, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_plugins.policies.stateless import StatelessPolicy

METADATA_KEY = "lantern_handoff"  # set by rasa_plugins/channels/turns.py: "waiting", "taken" or None
LISTEN = "action_listen"


def is_taken(tracker: DialogueStateTracker) -> bool:
    """Whether staff held this conversation when its latest message came in."""
    message = tracker.latest_message
    metadata = message.metadata if message is not None else None
    return isinstance(metadata, dict) and metadata.get(METADATA_KEY) == "taken"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class HandoffPolicy(StatelessPolicy):
    """Predicts only `action_listen` for a message that came in while staff had the conversation."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"priority": 8}  # CrisisPolicy 9, WaitingQuestionPolicy 7, RulePolicy 6

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        if not is_taken(tracker):
            return self._prediction(self._default_predictions(domain))
        return self._prediction(confidence_scores_for(LISTEN, 1.0, domain))
