"""CrisisPolicy: when someone may be in danger, the crisis script wins over every other flow.

A dialogue policy that runs inside the Rasa server (not the action server), so
the first crisis reply needs nothing but the trained model: it answers with
responses from the domain, whose phone numbers come from the locale file via
slots that the crisis NLU component fills (rasa_plugins/nlu/crisis.py).

It has the highest priority. What to say is decided by `lantern.crisis.dialogue.crisis_turn`, a pure
function of a `CrisisContext`; this policy builds that context from the tracker as it stood when
the latest message arrived (slot mappings may already have changed `crisis_active`), plays the
actions one prediction at a time, and sets the crisis slots when its actions run (or, when it hands
the turn to the other policies, sets them anyway). Otherwise it predicts nothing and the other
policies decide.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa.core.policies.policy import PolicyPrediction, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from lantern.crisis import dialogue, registry
from lantern.crisis.dialogue import DEACTIVATE, LISTEN
from rasa_plugins.policies.stateless import StatelessPolicy

logger = logging.getLogger(__name__)

BOOKKEEPING = frozenset({"action_extract_slots", "action_session_start"})  # not a reply of anyone's
CRISIS_SLOTS = ("crisis_active", "crisis_type")
RISK_HISTORY = 3  # earlier messages read for signals across turns


def next_action(sequence: Sequence[str], done: Sequence[str]) -> Optional[str]:
    """The next action of `sequence` after the actions already `done` this turn, if they match it."""
    if list(done) != list(sequence[: len(done)]) or len(done) >= len(sequence):
        return None
    return sequence[len(done)]


def _latest_user_index(events: List[Any]) -> int:
    for i in range(len(events) - 1, -1, -1):
        if isinstance(events[i], UserUttered):
            return i
    return -1


def actions_since_message(events: List[Any]) -> List[str]:
    """The actions already taken since the latest user message (bookkeeping actions left out)."""
    return [
        e.action_name
        for e in events[_latest_user_index(events) + 1 :]
        if isinstance(e, ActionExecuted) and e.action_name and e.action_name not in BOOKKEEPING
    ]


def slots_before_message(
    tracker: DialogueStateTracker, events: Optional[List[Any]] = None, keys: Sequence[str] = CRISIS_SLOTS
) -> Dict[str, Any]:
    """The values `keys` had when the latest user message arrived (slot mappings may have changed them since)."""
    events = list(tracker.events) if events is None else events
    i = _latest_user_index(events)
    values = {key: tracker.get_slot(key) for key in keys}
    changed = {e.key for e in events[i + 1 :] if isinstance(e, SlotSet) and e.key in keys}
    for key in changed:
        values[key] = False if key == "crisis_active" else None
        for event in reversed(events[: max(i, 0)]):
            if isinstance(event, SlotSet) and event.key == key:
                values[key] = event.value
                break
    return values


def _readings(event: UserUttered) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    parse: Dict[str, Any] = event.parse_data if isinstance(event.parse_data, dict) else {}
    crisis, signal = parse.get("crisis"), parse.get("crisis_signal")
    return (crisis if isinstance(crisis, dict) else {}), (signal if isinstance(signal, dict) else {})


def _knowledge(event: UserUttered) -> Dict[str, Any]:
    """The knowledge reading of a message (rasa_plugins/nlu/knowledge.py), or {}."""
    value = (event.parse_data or {}).get("knowledge")
    return value if isinstance(value, dict) else {}


def _category(crisis: Dict[str, Any]) -> Optional[str]:
    """The category of a stored reading (`crisis.category` holds the registry's stored value), by its name."""
    found = registry.find(crisis.get("category"))
    return found.name if found else None


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number == number and abs(number) != float("inf") else 0.0


def context_from_tracker(
    tracker: DialogueStateTracker, events: Optional[List[Any]] = None
) -> Optional[dialogue.CrisisContext]:
    """Everything crisis_turn needs, read from the tracker as it was when the latest message arrived."""
    events = list(tracker.events) if events is None else events
    i = _latest_user_index(events)
    if i < 0:
        return None
    message: UserUttered = events[i]
    crisis, signal = _readings(message)
    before = slots_before_message(tracker, events)
    last_bot = None
    for event in reversed(events[:i]):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name and event.action_name not in BOOKKEEPING | {LISTEN}:
            last_bot = event.action_name
            break
    # Earlier messages' risks, newest first, with whether the crisis layer answered them; and whether a
    # check-in was asked within the last RECHECK_TURNS messages (as far as the loaded window reaches).
    history: List[Tuple[float, bool]] = []
    replied, recent_check_in, seen = False, False, 0
    for event in reversed(events[:i]):
        if isinstance(event, ActionExecuted) and (event.action_name or "").startswith("utter_crisis"):
            replied = True
            recent_check_in = recent_check_in or event.action_name in dialogue.CHECK_ACTIONS
        elif isinstance(event, UserUttered):
            seen += 1
            if len(history) < RISK_HISTORY:
                _, earlier = _readings(event)
                history.append((_number(earlier.get("risk")), replied))
            replied = False
            if seen > max(RISK_HISTORY, dialogue.RECHECK_TURNS):
                break
    check_in_kind = None
    if last_bot in dialogue.CHECK_ACTIONS:
        check_in_kind = next((k for k, a in dialogue.CHECK_IN.items() if a == last_bot and k), None)
        if check_in_kind is None:  # the generic check-in or the second ask: the kind the message before read
            for event in reversed(events[:i]):
                if isinstance(event, UserUttered):
                    earlier_crisis, earlier_signal = _readings(event)
                    check_in_kind = _category(earlier_crisis) or (
                        dialogue.kind_of(earlier_signal.get("category"))
                        if _number(earlier_signal.get("risk")) >= 0.35
                        else None
                    )
                    break
    return dialogue.CrisisContext(
        intent=message.intent_name,
        level=str(crisis.get("level") or "none"),
        signal_only=crisis.get("by") == "signal",
        category=_category(crisis),
        risk=_number(signal.get("risk")),
        signal_category=signal.get("category") if isinstance(signal.get("category"), str) else None,
        answer=str(signal.get("answer") or "unclear"),
        answer_confidence=_number(signal.get("answer_confidence")),
        update=str(signal.get("update") or "other"),
        update_confidence=_number(signal.get("update_confidence")),
        question=signal.get("question") if isinstance(signal.get("question"), str) else None,
        question_confidence=_number(signal.get("question_confidence")),
        general_question=signal.get("general_question") if isinstance(signal.get("general_question"), str) else None,
        general_question_confidence=_number(signal.get("general_question_confidence")),
        words=int(_number(signal.get("words"))) if signal else len((message.text or "").split()),
        literal=signal.get("literal") if signal.get("literal") in ("yes", "no") else None,
        asks=signal.get("asks") is True or _knowledge(message).get("asks") is True,
        knowledge_score=_number(_knowledge(message).get("score")),
        crisis_active=bool(before["crisis_active"]),
        crisis_type=dialogue.kind_of(before["crisis_type"]),
        last_bot_action=last_bot,
        check_in_kind=check_in_kind,
        previous_risks=dialogue.risks_since_reply(history),
        recent_check_in=recent_check_in,
        good_samaritan=bool(tracker.get_slot("good_samaritan_note")),
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class CrisisPolicy(StatelessPolicy):
    """Deterministic crisis handling with the highest priority of all policies."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"priority": 9}  # above HandoffPolicy (8), WaitingQuestionPolicy (7) and the rules (6)

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        abstain = self._prediction(self._default_predictions(domain))
        events = list(tracker.events)
        try:
            ctx = context_from_tracker(tracker, events)
            turn = dialogue.crisis_turn(ctx) if ctx is not None else None
        except Exception as exc:
            logger.error("CrisisPolicy could not read the turn (%s); the other policies decide.", type(exc).__name__)
            return abstain
        if turn is None:
            return abstain
        done = actions_since_message(events)
        if not done:
            logger.debug("crisis turn: %s", turn.reason)  # a label of ours, never the person's text
        # the loop is already gone once action_deactivate_loop ran this turn
        sequence = turn.sequence(bool(tracker.active_loop_name) or DEACTIVATE in done)
        slot_events = [SlotSet(key, value) for key, value in turn.events] if not done else []
        if turn.handoff:
            return self._prediction(self._default_predictions(domain), events=slot_events)
        action = next_action(sequence, done)
        if action is None or action not in domain.action_names_or_texts:
            return abstain
        return self._prediction(confidence_scores_for(action, 1.0, domain), optional_events=slot_events)
