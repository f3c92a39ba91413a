"""Rasa's MemoizationPolicy, made safe for conversations made only of rule turns.

Rasa 3.6's MemoizationPolicy leaves out turns that only rules cover. When every turn in its
window (max_history) is such a turn, nothing is left, and the featurizer reads the last state of
an empty list: IndexError. The whole turn then failed and the person got "something went wrong".
bench.foundation found it with 20 conversations of distinct questions: ten rule-answered
questions in a row ("is this free", "what is xylazine", "does the clinic take walk ins", ...).

With nothing left to remember, there is nothing to recall: this policy then abstains, and the
RulePolicy (or the kind fallback) answers, as it would have for those turns anyway.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.memoization import MemoizationPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class SafeMemoizationPolicy(MemoizationPolicy):
    """MemoizationPolicy that abstains, instead of failing the turn, when no story turn is in its window."""

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[State]:
        try:
            return super()._prediction_states(tracker, domain, use_text_for_last_user_input, rule_only_data)
        except IndexError:  # the featurizer's states[-1] on an empty window (see module docstring)
            return []
