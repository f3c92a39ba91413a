"""What the bot made of each message and why it said each reply: the "Try it" page's inspector.

Reads the events of a conversation as Rasa's HTTP API gives them (GET /conversations/<id>/tracker)
and groups them into turns: a user message with what the NLU pipeline read in it (config.yml:
intent and its ranking, `talk_type` from rasa_plugins/nlu/talk_type.py, `crisis` from crisis.py,
the meaning model's `crisis_signal` from crisis_signal.py, `knowledge` from knowledge.py), then
each bot message with the action that sent it, the policy that chose that action and its
confidence, where the wording came from (`source`: "phrase:<key>" or "knowledge:<entry>", set by
actions/phrases.py and actions/info.py; `utter_action` for a response from domain/*.yml) and its
MI code (`mi`).

Which rule or story chose an action is not something Rasa 3.6 records: RulePolicy's prediction
carries no `action_metadata` and its lookup key is a featurised state, not a rule name, and
MemoizationPolicy remembers states, not story names. The inspector names the policy in plain
words with its raw name, and shows `action_metadata` whenever a policy does give one.

Pure functions over plain dicts, so the page, its JSON and the tests read the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

# Rasa names a policy by its class, sometimes with its place in the ensemble ("policy_1_RulePolicy").
_ENSEMBLE_PREFIX = re.compile(r"^policy_\d+_")
FALLBACK_ACTION = "action_default_fallback"
SESSION_START = "action_session_start"
LISTEN = "action_listen"

POLICY_WORDS = {
    "CrisisPolicy": "the crisis script (safety first: it overrides every other flow)",
    "RulePolicy": "a rule (data/rules/)",
    "MemoizationPolicy": "a remembered story (data/stories/)",
    "SafeMemoizationPolicy": "a remembered story (data/stories/)",
    "AugmentedMemoizationPolicy": "a remembered story (data/stories/)",
    "TEDPolicy": "the learned dialogue model",
}
CRISIS_FOUND_BY = {"patterns": "word patterns", "intent": "the intent model", "signal": "the meaning model"}
TALK_WORDS = {"change": "change talk", "sustain": "sustain talk", "neutral": "neither change nor sustain talk"}


@dataclass
class Scored:
    """A label with its confidence (an intent, a talk type, a knowledge entry)."""

    name: str
    confidence: Optional[float] = None


@dataclass
class Reading:
    """What the NLU pipeline read in one user message."""

    text: str
    intent: Optional[Scored] = None
    next_intents: List[Scored] = field(default_factory=list)  # the next two in the ranking
    talk: Optional[Scored] = None
    talk_ambivalent: bool = False
    talk_context_used: bool = False
    crisis_level: str = "none"
    crisis_category: Optional[str] = None
    crisis_confidence: Optional[float] = None
    crisis_found_by: Optional[str] = None  # plain words for CrisisDetector's `by`
    signal: Dict[str, Any] = field(default_factory=dict)  # crisis_signal as given (labels and scores only)
    knowledge: Optional[Scored] = None
    knowledge_candidates: List[Scored] = field(default_factory=list)
    entities: List[str] = field(default_factory=list)  # entity names (values may be the person's words)

    @property
    def talk_words(self) -> str:
        return TALK_WORDS.get(self.talk.name, self.talk.name) if self.talk else "not read"

    @property
    def signal_summary(self) -> str:
        """The meaning model's reading in one line: how likely a danger now, and of which kind."""
        risk = self.signal.get("risk")
        if not isinstance(risk, (int, float)):
            return "not read"
        kind = self.signal.get("category")
        return f"danger now {float(risk):.2f}" + (f" (nearest kind: {kind})" if kind and risk >= 0.01 else "")


@dataclass
class Chooser:
    """The action that ran and who chose it."""

    action: str
    policy: Optional[str]  # the raw name, without the ensemble prefix
    confidence: Optional[float]
    action_metadata: Optional[Dict[str, Any]] = None

    @property
    def words(self) -> str:
        """The policy in plain words, for a person who trains the bot."""
        if self.policy is None:
            if self.action == SESSION_START:
                return "the start of a conversation (Rasa runs this itself)"
            return "Rasa itself (no policy)"
        if self.action == FALLBACK_ACTION:
            return "the fallback: no rule or story fitted the conversation"
        return POLICY_WORDS.get(self.policy, self.policy)


@dataclass
class BotLine:
    """One bot message and why it was said."""

    text: str
    chooser: Optional[Chooser]
    source_kind: Optional[str]  # "phrase", "knowledge" or "response"
    source: Optional[str]  # the phrase key, knowledge entry id or response name
    mi: Optional[str]
    crisis: Optional[str]  # the crisis category a crisis-script message belongs to
    buttons: List[str] = field(default_factory=list)

    @property
    def source_words(self) -> str:
        if not self.source:
            return "written in the action itself (no phrase key or knowledge entry recorded)"
        label = {"phrase": "phrase", "knowledge": "knowledge entry", "response": "domain response"}
        return f"{label.get(self.source_kind or '', 'from')} {self.source}"


@dataclass
class Turn:
    """A user message (None before the first one) and what the bot did after it."""

    reading: Optional[Reading]
    bot: List[BotLine] = field(default_factory=list)
    actions: List[Chooser] = field(default_factory=list)  # every action run, in order (action_listen left out)


def _dict(value: Any) -> Dict[str, Any]:
    """`value` if it is a dict, else an empty one: tracker fields may be missing or null."""
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _scored(value: Any) -> Optional[Scored]:
    if not isinstance(value, dict) or not value.get("name"):
        return None
    return Scored(str(value["name"]), _number(value.get("confidence")))


def read_user(event: Dict[str, Any]) -> Reading:
    """The reading of one `user` event's parse_data."""
    data = _dict(event.get("parse_data"))
    intent = _scored(data.get("intent"))
    ranking = [s for s in (_scored(r) for r in data.get("intent_ranking") or []) if s is not None]
    following = [s for s in ranking if intent is None or s.name != intent.name][:2]
    talk, crisis, knowledge = _dict(data.get("talk_type")), _dict(data.get("crisis")), _dict(data.get("knowledge"))
    candidates = [
        Scored(str(c[0]), _number(c[1]))
        for c in knowledge.get("candidates") or []
        if isinstance(c, (list, tuple)) and len(c) == 2
    ]
    entities = sorted(
        {str(e.get("entity")) for e in data.get("entities") or [] if isinstance(e, dict) and e.get("entity")}
    )
    return Reading(
        text=str(event.get("text") or ""),
        intent=intent,
        next_intents=following,
        talk=_scored(talk),
        talk_ambivalent=bool(talk.get("ambivalent")),
        talk_context_used=bool(talk.get("context_used")),
        crisis_level=str(crisis.get("level") or "none"),
        crisis_category=crisis.get("category") or None,
        crisis_confidence=_number(crisis.get("confidence")),
        crisis_found_by=CRISIS_FOUND_BY.get(str(crisis.get("by")), crisis.get("by")),
        signal=dict(_dict(data.get("crisis_signal"))),
        knowledge=Scored(str(knowledge["id"]), _number(knowledge.get("score"))) if knowledge.get("id") else None,
        knowledge_candidates=candidates[1:3],
        entities=entities,
    )


def read_bot(event: Dict[str, Any], chooser: Optional[Chooser]) -> BotLine:
    """One `bot` event: its text, the action that sent it, and where its wording came from."""
    outer = _dict(event.get("metadata"))
    inner = _dict(outer.get("metadata"))
    source_kind, source = None, None
    raw_source = inner.get("source")
    if isinstance(raw_source, str) and ":" in raw_source:
        source_kind, source = raw_source.split(":", 1)
    elif isinstance(outer.get("utter_action"), str):
        source_kind, source = "response", outer["utter_action"]
    elif chooser is not None and chooser.action.startswith("utter_"):
        source_kind, source = "response", chooser.action
    buttons = [
        str(b.get("title"))
        for b in _dict(event.get("data")).get("buttons") or []
        if isinstance(b, dict) and b.get("title")
    ]
    return BotLine(
        text=str(event.get("text") or ""),
        chooser=chooser,
        source_kind=source_kind,
        source=source,
        mi=str(inner["mi"]) if inner.get("mi") else None,
        crisis=str(inner["crisis"]) if inner.get("crisis") else None,
        buttons=buttons,
    )


def read_action(event: Dict[str, Any]) -> Chooser:
    policy = event.get("policy")
    metadata = event.get("metadata")
    return Chooser(
        action=str(event.get("name") or ""),
        policy=_ENSEMBLE_PREFIX.sub("", policy) if isinstance(policy, str) and policy else None,
        confidence=_number(event.get("confidence")),
        action_metadata=_policy_metadata(metadata),
    )


def _policy_metadata(metadata: Any) -> Optional[Dict[str, Any]]:
    """What a policy attached to its prediction (PolicyPrediction.action_metadata), without Rasa's own labels."""
    if not isinstance(metadata, dict):
        return None
    extra = {k: v for k, v in metadata.items() if k not in ("model_id", "assistant_id")}
    return extra or None


def turns(events: List[Any]) -> List[Turn]:
    """The conversation's events as turns, oldest first."""
    result: List[Turn] = []
    current: Optional[Turn] = None
    chooser: Optional[Chooser] = None
    for event in events:
        if not isinstance(event, dict):
            continue
        kind = event.get("event")
        if kind == "user":
            current = Turn(read_user(event))
            result.append(current)
            chooser = None
        elif kind == "action":
            chooser = read_action(event)
            if chooser.action != LISTEN:
                if current is None:
                    current = Turn(None)
                    result.append(current)
                current.actions.append(chooser)
        elif kind == "bot":
            if current is None:
                current = Turn(None)
                result.append(current)
            current.bot.append(read_bot(event, chooser))
    return [t for t in result if t.reading is not None or t.bot]


def latest_turn(all_turns: List[Turn]) -> Optional[Tuple[int, Turn]]:
    """The last turn that answers a user message (what a send just produced), with its number from 1."""
    answered = [(number, t) for number, t in enumerate(all_turns, 1) if t.reading is not None]
    return answered[-1] if answered else None


def summary(turn: Turn) -> Dict[str, Any]:
    """A turn as plain JSON (for try_it.js and tests): labels and scores, and the texts the page shows."""

    def scored(s: Optional[Scored]) -> Optional[Tuple[str, Optional[float]]]:
        return (s.name, s.confidence) if s else None

    reading = turn.reading
    return {
        "user": None
        if reading is None
        else {
            "intent": scored(reading.intent),
            "next_intents": [scored(s) for s in reading.next_intents],
            "talk_type": scored(reading.talk),
            "crisis_level": reading.crisis_level,
            "crisis_category": reading.crisis_category,
            "signal_risk": _number(reading.signal.get("risk")),
            "knowledge": scored(reading.knowledge),
        },
        "bot": [
            {
                "action": line.chooser.action if line.chooser else None,
                "policy": line.chooser.policy if line.chooser else None,
                "chosen_by": line.chooser.words if line.chooser else None,
                "confidence": line.chooser.confidence if line.chooser else None,
                "source_kind": line.source_kind,
                "source": line.source,
                "mi": line.mi,
            }
            for line in turn.bot
        ],
        "actions": [a.action for a in turn.actions],
    }
