"""CrisisPolicy: when someone may be in danger, the crisis script wins over every other flow.

A dialogue policy that runs inside the Rasa server (not the action server), so
the first crisis reply needs nothing but the trained model: it answers with
responses from the domain, whose phone numbers come from the locale file via
slots that the crisis NLU component fills (bot/nlu/crisis.py).

It has the highest priority and predicts with full confidence only in crisis
situations; otherwise it predicts nothing and the other policies decide:

- a crisis intent (`crisis_overdose`, `crisis_stimulant`, `crisis_suicide`,
  `crisis_danger`): the script for it, ending any active form;
- `crisis_check` (unsure): a gentle check-in question;
- in crisis mode (slot `crisis_active`): every message gets the "still here"
  reply with the emergency step, until the person says they are safe
  (`crisis_safe`), or says stop / goodbye (a last reminder).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

LISTEN = "action_listen"
DEACTIVATE = "action_deactivate_loop"
IGNORED = {"action_extract_slots", "action_session_start"}

SCRIPTS: Dict[str, List[str]] = {
    "crisis_overdose": ["utter_crisis_overdose_call", "utter_crisis_overdose_steps", "utter_crisis_good_samaritan"],
    "crisis_stimulant": ["utter_crisis_stimulant_call", "utter_crisis_stimulant_steps", "utter_crisis_good_samaritan"],
    "crisis_suicide": ["utter_crisis_suicide_call", "utter_crisis_suicide_stay"],
    "crisis_danger": ["utter_crisis_danger_call", "utter_crisis_danger_stay"],
    "crisis_check": ["utter_crisis_check"],
}
IN_CRISIS_MODE: Dict[str, List[str]] = {
    "crisis_safe": ["utter_crisis_safe"],
    "stop": ["utter_crisis_goodbye"],
    "goodbye": ["utter_crisis_goodbye"],
}
STILL_HERE = ["utter_crisis_still_here"]


def crisis_sequence(intent: Optional[str], crisis_active: bool, loop_active: bool,
                    good_samaritan: bool = True) -> Optional[List[str]]:
    """The actions this turn must take, or None when the crisis policy has nothing to say."""
    if intent in SCRIPTS:
        steps = [a for a in SCRIPTS[intent] if good_samaritan or a != "utter_crisis_good_samaritan"]
    elif crisis_active:
        steps = IN_CRISIS_MODE.get(intent or "", STILL_HERE)
    else:
        return None
    return steps + ([DEACTIVATE] if loop_active else []) + [LISTEN]


def next_action(sequence: Sequence[str], done: Sequence[str]) -> Optional[str]:
    """The next action of `sequence` after the actions already `done` this turn, if they match it."""
    if list(done) != list(sequence[: len(done)]) or len(done) >= len(sequence):
        return None
    return sequence[len(done)]


def turn_state(tracker: DialogueStateTracker) -> tuple:
    """(latest intent, actions taken since the latest user message) from the tracker."""
    done: List[str] = []
    intent = None
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            intent = event.intent_name
            break
        if isinstance(event, ActionExecuted) and event.action_name and event.action_name not in IGNORED:
            done.append(event.action_name)
    return intent, list(reversed(done))


def crisis_mode(tracker: DialogueStateTracker) -> bool:
    """In crisis mode now, or until this message: `crisis_safe`, stop and goodbye clear the slot
    (slot mappings run before any policy), yet they still deserve the crisis-mode reply."""
    if tracker.get_slot("crisis_active"):
        return True
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            seen_user = True
        elif seen_user and isinstance(event, SlotSet) and event.key == "crisis_active":
            return bool(event.value)
    return False


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class CrisisPolicy(Policy):
    """Deterministic crisis handling with the highest priority of all policies."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"priority": 7}

    def train(self, training_trackers: List[Any], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "CrisisPolicy":
        return cls(config, model_storage, resource, execution_context)

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[str, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        intent, done = turn_state(tracker)
        sequence = crisis_sequence(
            intent,
            crisis_active=crisis_mode(tracker),
            # the loop is already gone once action_deactivate_loop ran this turn
            loop_active=bool(tracker.active_loop_name) or DEACTIVATE in done,
            good_samaritan=bool(tracker.get_slot("good_samaritan_note")),
        )
        action = next_action(sequence, done) if sequence else None
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(self._default_predictions(domain))
        return self._prediction(confidence_scores_for(action, 1.0, domain))
