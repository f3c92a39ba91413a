"""What the crisis layer says this turn, given what it read and where the conversation stands.

A pure function, `crisis_turn(CrisisContext) -> CrisisTurn | None`, unit-tested without a
server; CrisisPolicy (policy.py) builds the context from the tracker and plays the turn.
Every reply is a domain response (domain/crisis.yml), so none of this needs the action server.

What it decides, in order:
1. A crisis reading (intent crisis_*) gets its full script, unless crisis mode is already on for
   the same kind: then the message is an update and is answered as one (below).
2. Crisis mode listens: "ok i called", "they're breathing now", "ambulance is here", a question
   asked in the emergency, "im safe now", "nobody is overdosing, i was asking" each get their own
   answer (the `update` and `question` readings of rasa_plugins/nlu/crisis_signal.py). A plain statement
   that there is no emergency, or that everyone is safe, ends crisis mode; so does a second
   everyday message after the bot has asked once whether everyone is safe.
3. The answer to a check-in is read: yes -> the crisis script of the kind the check-in was about;
   no -> acknowledged, back to the conversation; unclear -> asked once more plainly, with the
   number, and never a third time.
4. Signals across turns: two or three messages each below the line whose risks add up reach a
   check-in (the risks come from the stored readings of the person's last messages).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Dict, List, Optional, Sequence, Tuple

LISTEN = "action_listen"
DEACTIVATE = "action_deactivate_loop"
KINDS: Tuple[str, ...] = ("overdose", "stimulant", "suicide", "danger")

SCRIPTS: Dict[str, List[str]] = {
    "overdose": ["utter_crisis_overdose_call", "utter_crisis_overdose_steps", "utter_crisis_good_samaritan"],
    "stimulant": ["utter_crisis_stimulant_call", "utter_crisis_stimulant_steps", "utter_crisis_good_samaritan"],
    "suicide": ["utter_crisis_suicide_call", "utter_crisis_suicide_stay"],
    "danger": ["utter_crisis_danger_call", "utter_crisis_danger_stay"],
}
INTENT_KIND: Dict[str, str] = {"crisis_overdose": "overdose", "crisis_stimulant": "stimulant",
                               "crisis_suicide": "suicide", "crisis_danger": "danger"}
KIND_INTENT: Dict[str, str] = {kind: intent for intent, kind in INTENT_KIND.items()}
# The detector's and the signal model's category names -> the script kinds above.
CATEGORY_KIND: Dict[str, str] = {"overdose": "overdose", "overdose_stimulant": "stimulant", "stimulant": "stimulant",
                                 "suicide": "suicide", "danger": "danger"}

CHECK_IN = {None: "utter_crisis_check", "overdose": "utter_crisis_check_overdose",
            "stimulant": "utter_crisis_check_overdose", "suicide": "utter_crisis_check_suicide",
            "danger": "utter_crisis_check_danger"}
CHECK_AGAIN = "utter_crisis_check_again"
CHECK_NO = "utter_crisis_check_no"
YES_UNKNOWN = "utter_crisis_yes_general"
CHECK_ACTIONS = frozenset(CHECK_IN.values()) | {CHECK_AGAIN}
SAFE = "utter_crisis_safe"
GOODBYE = "utter_crisis_goodbye"
NO_EMERGENCY = "utter_crisis_no_emergency"
STILL_HERE_PREFIX = "utter_crisis_still_here"
# Bot messages that end with "are you safe right now?": a bare yes means safe, a bare no means not.
ASKS_IF_SAFE = frozenset({"utter_crisis_suicide_stay", "utter_crisis_danger_stay", "utter_crisis_still_here",
                          *(f"{STILL_HERE_PREFIX}_{k}" for k in KINDS)})
UPDATE_REPLIES = ("called", "help_here", "improving", "worse")
# Intents that carry no content of their own beyond the answer: an acknowledgement is the whole reply.
BARE_INTENTS = frozenset({"affirm", "deny", "thanks", "greet", "goodbye", "stop", "nlu_fallback", "crisis_safe",
                          "crisis_check", "unsure"})

# Thresholds on the model readings (rasa_plugins/nlu/crisis_signal.py); chosen on the examples' cross-validation
# and the first blind round (docs/crisis.md).
ANSWER_MIN = 0.5  # an answer to a check-in is read as yes or no from this confidence
UPDATE_MIN = 0.45  # a crisis-mode update is acted on from this confidence
QUESTION_MIN = 0.3  # ... and a question gets the step it asks for from this one
MULTI_FLOOR = 0.12  # a message adds to the signal across turns only from this risk
MULTI_SUM = 0.75  # the risks of the last three messages (each >= MULTI_FLOOR) add up to this: check in
BARE_WORDS = 4  # "no", "nah im good": a bare answer has at most this many words
SIGN_IN_CRISIS_MODE = 0.5  # in crisis mode, a message of this risk carries a sign of its own


@dataclass(frozen=True)
class CrisisContext:
    """What the policy knows when a message arrives (all labels, no text)."""

    intent: Optional[str]
    level: str = "none"  # the detector's combined level for this message: crisis | check_in | none
    category: Optional[str] = None  # ... and its category (detector names)
    risk: float = 0.0  # the signal model's 1 - P(none)
    signal_category: Optional[str] = None
    answer: str = "unclear"
    answer_confidence: float = 0.0
    update: str = "other"
    update_confidence: float = 0.0
    question: Optional[str] = None
    question_confidence: float = 0.0
    general_question: Optional[str] = None  # the best question that fits when nobody is in danger now
    general_question_confidence: float = 0.0
    words: int = 0
    literal: Optional[str] = None  # a bare "yes"/"no" word answer ("yeah", "nope"), else None
    asks: bool = False  # the message asks something ("?", or starts like a question)
    crisis_active: bool = False
    crisis_type: Optional[str] = None
    last_bot_action: Optional[str] = None  # the last utterance before this message
    check_in_kind: Optional[str] = None  # the kind the pending check-in asked about
    previous_risks: Tuple[float, ...] = ()  # earlier messages since the last crisis reply, newest first
    good_samaritan: bool = True


@dataclass(frozen=True)
class CrisisTurn:
    """The actions to run (ending with action_listen) and the slots to set if they run.

    `handoff`: no crisis reply this turn; `events` are still applied and the other policies answer.
    """

    actions: Tuple[str, ...] = ()
    events: Tuple[Tuple[str, object], ...] = ()
    handoff: bool = False
    reason: str = ""

    def sequence(self, loop_active: bool) -> List[str]:
        return list(self.actions) + ([DEACTIVATE] if loop_active else []) + [LISTEN]


def kind_of(category: Optional[str]) -> Optional[str]:
    return CATEGORY_KIND.get(category or "")


def script(kind: str, ctx: CrisisContext, reason: str) -> CrisisTurn:
    actions = [a for a in SCRIPTS[kind] if ctx.good_samaritan or a != "utter_crisis_good_samaritan"]
    return CrisisTurn(tuple(actions), (("crisis_active", True), ("crisis_type", kind)), reason=reason)


def _reply(action: str, reason: str, end_crisis: bool = False) -> CrisisTurn:
    return CrisisTurn((action,), (("crisis_active", False),) if end_crisis else (), reason=reason)


def _handoff(reason: str, end_crisis: bool = False) -> CrisisTurn:
    return CrisisTurn((), (("crisis_active", False),) if end_crisis else (), handoff=True, reason=reason)


def _bare(ctx: CrisisContext) -> bool:
    return ctx.intent in BARE_INTENTS or ctx.words <= BARE_WORDS


def crisis_mode_turn(ctx: CrisisContext) -> CrisisTurn:
    """A message while the crisis script is running: answer what it says.

    A reply that does not end crisis mode sets it again: the slot mappings clear `crisis_active` for the
    intent crisis_safe ("ambulance is here" reads so), before any policy has read the message.
    """
    turn = _crisis_mode_reply(ctx)
    if turn.handoff or "crisis_active" in dict(turn.events):
        return turn
    kind = ctx.crisis_type if ctx.crisis_type in KINDS else "overdose"
    return replace(turn, events=turn.events + (("crisis_active", True), ("crisis_type", kind)))


def _crisis_mode_reply(ctx: CrisisContext) -> CrisisTurn:
    kind = ctx.crisis_type if ctx.crisis_type in KINDS else "overdose"
    if ctx.intent in ("stop", "goodbye"):
        return _reply(GOODBYE, "goodbye in crisis mode", end_crisis=True)
    update = ctx.update if ctx.update_confidence >= UPDATE_MIN else "other"
    if update == "no_emergency" and ctx.asks and ctx.general_question \
            and ctx.general_question_confidence >= ANSWER_MIN:
        # Nobody is in danger now, so the question is not a step of an emergency: answer it from the
        # questions that fit ("what do i do so i don't die, just got out of jail" is about using safer).
        return _reply(f"utter_crisis_answer_{ctx.general_question}", "no emergency, a safety question",
                      end_crisis=True)
    # A sign of another kind (suicide while the overdose script runs: "i just dont wanna be here", once
    # read as "no emergency" in a blind conversation) gets that kind's script; a full crisis reading of
    # the same kind never ends crisis mode, whatever the update model read.
    other_kind = kind_of(ctx.signal_category) if ctx.risk >= SIGN_IN_CRISIS_MODE else None
    if other_kind and other_kind != kind and {other_kind, kind} != {"overdose", "stimulant"}:
        return script(other_kind, ctx, "a new kind of sign in crisis mode")
    if ctx.level == "crisis" and (update in ("safe", "no_emergency") or ctx.intent == "crisis_safe"):
        return _reply(f"utter_crisis_worse_{kind}", "a crisis reading in crisis mode, read as safe")
    # "ambulance is here" reads as safe to the intent model; the update model knows help has only arrived.
    if ctx.intent == "crisis_safe" and update not in UPDATE_REPLIES + ("question",):
        return _reply(SAFE, "safe", end_crisis=True)
    if ctx.last_bot_action in ASKS_IF_SAFE and ctx.literal in ("yes", "no"):
        # "Are you safe right now?" - a bare "yes" is safe and a bare "no" is not (the answer model reads
        # danger, the way the check-in asks, so the literal word decides here).
        if ctx.literal == "yes":
            return _reply(SAFE, "said yes to 'are you safe'", end_crisis=True)
        return _reply(f"utter_crisis_worse_{kind}", "said no to 'are you safe'")
    if update == "question":
        if ctx.question and ctx.question_confidence >= QUESTION_MIN:
            return _reply(f"utter_crisis_answer_{ctx.question}", "question in crisis mode")
        return _reply(f"utter_crisis_worse_{kind}", "unclear question in crisis mode")
    if update in UPDATE_REPLIES:
        return _reply(f"utter_crisis_{update}_{kind}", f"update: {update}")
    if update == "safe":
        return _reply(SAFE, "safe", end_crisis=True)
    if update == "no_emergency":
        if _bare(ctx):
            return _reply(NO_EMERGENCY, "no emergency", end_crisis=True)
        return _handoff("no emergency, with more to answer", end_crisis=True)
    if ctx.level != "none" or ctx.intent in INTENT_KIND:
        return _reply(f"utter_crisis_worse_{kind}", "crisis signal in crisis mode")
    if ctx.last_bot_action and ctx.last_bot_action.startswith(STILL_HERE_PREFIX):
        return _handoff("second everyday message in crisis mode", end_crisis=True)
    return _reply(f"{STILL_HERE_PREFIX}_{kind}", "everyday message in crisis mode")


def check_in_answer_turn(ctx: CrisisContext) -> Optional[CrisisTurn]:
    """The message after a check-in: yes, no, or unclear."""
    kind = ctx.check_in_kind or kind_of(ctx.category) or (kind_of(ctx.signal_category) if ctx.risk >= 0.5 else None)
    answer = ctx.answer if ctx.answer_confidence >= ANSWER_MIN else "unclear"
    # A second sign counts as a yes, unless the message says no ("no, i meant my grandpa's snoring").
    if answer == "yes" or ctx.level == "crisis" or (ctx.level == "check_in" and answer != "no"):
        if kind:
            return script(kind, ctx, "check-in answered yes")
        return CrisisTurn((YES_UNKNOWN,), (("crisis_active", True),), reason="check-in answered yes, kind unknown")
    if answer == "no":
        return _reply(CHECK_NO, "check-in answered no") if _bare(ctx) else _handoff("check-in answered no, with more")
    if ctx.last_bot_action == CHECK_AGAIN:
        return None  # asked twice: back to the conversation
    return _reply(CHECK_AGAIN, "check-in not answered")


def crisis_turn(ctx: CrisisContext) -> Optional[CrisisTurn]:
    """The crisis layer's turn, or None when it has nothing to say and the conversation goes on."""
    intent_kind = INTENT_KIND.get(ctx.intent or "")
    if ctx.crisis_active and (intent_kind is None or intent_kind == ctx.crisis_type):
        return crisis_mode_turn(ctx)
    if intent_kind:
        return script(intent_kind, ctx, "crisis reading")
    if ctx.last_bot_action in CHECK_ACTIONS:
        return check_in_answer_turn(ctx)
    if ctx.intent == "crisis_check" or ctx.level == "check_in":
        return _reply(CHECK_IN.get(kind_of(ctx.category)) or CHECK_IN[None], "check-in reading")
    if ctx.intent == "crisis_safe":
        return None
    risks = [r for r in (ctx.risk, *ctx.previous_risks[:2]) if r >= MULTI_FLOOR]
    if ctx.risk >= MULTI_FLOOR and len(risks) >= 2 and sum(risks) >= MULTI_SUM:
        kind = kind_of(ctx.signal_category)
        return _reply(CHECK_IN.get(kind) or CHECK_IN[None], "signals across turns")
    return None


def risks_since_reply(readings: Sequence[Tuple[float, bool]]) -> Tuple[float, ...]:
    """Risks of earlier messages, newest first, up to the last one that got a crisis reply (exclusive).

    `readings`: (risk, got_crisis_reply) per earlier user message, newest first.
    """
    out: List[float] = []
    for risk, replied in readings:
        if replied:
            break
        out.append(risk)
    return tuple(out)


