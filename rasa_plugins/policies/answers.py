"""WaitingQuestionPolicy: a message that answers the check-in question the bot asked goes to that question.

The bot asked "what time zone are you in?" or "when would be good?" (`last_prompt`,
lantern/checkins/questions.py). The intent classifier does not know that: "central" can read as a
place for a referral, "tomorrow at 2" as a share or a greeting. When the message does answer the
question (a zone or ZIP; a time read in the person's zone), this policy predicts `action_reflect`,
whose check-in step reads it (actions/checkins.py `answer_turn`), then `action_listen`. Otherwise it
abstains and the message keeps its intent ("can I talk to a person" is still that). Its priority
is below CrisisPolicy's (a crisis message is never taken for an answer) and above the rules'.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, Optional

from rasa.core.policies.policy import PolicyPrediction, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from lantern.checkins import questions
from rasa_plugins.policies.crisis import actions_since_message
from rasa_plugins.policies.stateless import StatelessPolicy

logger = logging.getLogger(__name__)

ANSWER_ACTION = "action_reflect"  # an action with `takes_answers` (actions/base.py)
LISTEN = "action_listen"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class WaitingQuestionPolicy(StatelessPolicy):
    """Sends the answer to a waiting check-in question to the question, whatever intent it was read as."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"priority": 7}  # CrisisPolicy 9, HandoffPolicy 8, RulePolicy 6

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        abstain = self._prediction(self._default_predictions(domain))
        action = self._next(tracker)
        if action is None or action not in domain.action_names_or_texts:
            return abstain
        return self._prediction(confidence_scores_for(action, 1.0, domain))

    @staticmethod
    def _next(tracker: DialogueStateTracker) -> Optional[str]:
        message = tracker.latest_message
        if message is None or not message.text or tracker.active_loop_name:
            return None
        done = actions_since_message(list(tracker.events))
        slots = {name: tracker.get_slot(name) for name in ("last_prompt", "timezone", "referral_place")}
        prompt = slots["last_prompt"]
        if done:  # after action_reflect nothing follows in any flow outside a form (excluded above): listen
            return LISTEN if done == [ANSWER_ACTION] else None
        try:
            if questions.answers(prompt, message.text, slots, datetime.now(timezone.utc)):
                return ANSWER_ACTION
        except Exception as exc:  # a reading fault must not stop the turn: the other policies decide
            logger.error("WaitingQuestionPolicy could not read the answer (%s)", type(exc).__name__)
        return None
