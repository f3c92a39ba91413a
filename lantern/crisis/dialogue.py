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

from lantern.crisis import registry
from lantern.knowledge import retrieval

LISTEN = "action_listen"
DEACTIVATE = "action_deactivate_loop"
# A kind is a category of lantern/crisis/registry.py, by its name: scripts, check-ins and slots come from there.
KINDS: Tuple[str, ...] = registry.NAMES

CHECK_IN: Dict[Optional[str], str] = {
    None: registry.GENERIC_CHECK_IN,
    **{c.name: c.check_in for c in registry.CATEGORIES},
}
CHECK_AGAIN = "utter_crisis_check_again"
ANSWER_ACTION = "action_info"  # answers a question from the knowledge base (actions/info.py)
CHECK_NO = "utter_crisis_check_no"
YES_UNKNOWN = "utter_crisis_yes_general"
CHECK_ACTIONS = frozenset(CHECK_IN.values()) | {CHECK_AGAIN}
SAFE = "utter_crisis_safe"
GOODBYE = "utter_crisis_goodbye"
NO_EMERGENCY = "utter_crisis_no_emergency"
STILL_HERE_PREFIX = registry.STILL_HERE
# Bot messages that end with "are you safe right now?": a bare yes means safe, a bare no means not.
ASKS_IF_SAFE = frozenset(
    {registry.STILL_HERE, *(a for c in registry.CATEGORIES for a in (*c.asks_if_safe, c.still_here))}
)
UPDATE_REPLIES = registry.UPDATES
# Intents that carry no content of their own beyond the answer: an acknowledgement is the whole reply.
BARE_INTENTS = frozenset(
    {
        "affirm",
        "deny",
        "thanks",
        "greet",
        "goodbye",
        "stop",
        "nlu_fallback",
        registry.SAFE_INTENT,
        registry.CHECK_INTENT,
        "unsure",
    }
)

# Thresholds on the model readings (rasa_plugins/nlu/crisis_signal.py); chosen on the examples' cross-validation
# and the first blind round (docs/crisis.md).
ANSWER_MIN = 0.5  # an answer to a check-in is read as yes or no from this confidence
UPDATE_MIN = 0.45  # a crisis-mode update is acted on from this confidence
QUESTION_MIN = 0.3  # ... and a question gets the step it asks for from this one
MULTI_FLOOR = 0.12  # a message adds to the signal across turns only from this risk
MULTI_SUM = 0.75  # the risks of the last three messages (each >= MULTI_FLOOR) add up to this: check in
BARE_WORDS = 4  # "no", "nah im good": a bare answer has at most this many words
SIGN_IN_CRISIS_MODE = 0.5  # in crisis mode, a message of this risk carries a sign of its own
RECHECK_TURNS = 6  # signals adding up across turns do not ask a check-in again within this many messages
# A check-in the meaning model asked for alone (no pattern, no intent) after a check-in within RECHECK_TURNS
# messages asks again only from this risk; a second sign of this risk or more, right after a check-in, is a yes.
# Below it, a second sign from the model alone gets the question again, plainly, and a second sign in a row
# the script: in the blind conversations most "second signs" were ordinary lines after a needless check-in.
STRONG_SIGNAL = 0.8
REPLY_ACTION = "action_reflect"  # the conversation's own reply to what the person said (actions/reflect.py)


@dataclass(frozen=True)
class CrisisContext:
    """What the policy knows when a message arrives (all labels, no text)."""

    intent: Optional[str]
    level: str = "none"  # the detector's combined level for this message: crisis | check_in | none
    signal_only: bool = False  # the meaning model alone set the level (no pattern, no intent reading)
    category: Optional[str] = None  # ... and its category (a registry name)
    risk: float = 0.0  # the signal model's 1 - P(none)
    signal_category: Optional[str] = None  # the signal model's category (its labels are registry names)
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
    knowledge_score: float = 0.0  # how close the knowledge base's best entry is (rasa_plugins/nlu/knowledge.py)
    crisis_active: bool = False
    crisis_type: Optional[str] = None
    last_bot_action: Optional[str] = None  # the last utterance before this message
    check_in_kind: Optional[str] = None  # the kind the pending check-in asked about
    previous_risks: Tuple[float, ...] = ()  # earlier messages since the last crisis reply, newest first
    recent_check_in: bool = False  # a check-in was asked within the last RECHECK_TURNS messages
    good_samaritan: bool = True

    @property
    def weak_sign(self) -> bool:
        """A check-in the meaning model alone asked for, below STRONG_SIGNAL: it reads some risk into ordinary talk."""
        return self.level == "check_in" and self.signal_only and self.risk < STRONG_SIGNAL


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
    """The kind of a category name; None for no category or an unknown one."""
    found = registry.get(category)
    return found.name if found else None


def script(kind: str, ctx: CrisisContext, reason: str) -> CrisisTurn:
    category = registry.get(kind) or registry.DEFAULT
    actions = [a for a in category.script if ctx.good_samaritan or a != registry.GOOD_SAMARITAN]
    return CrisisTurn(tuple(actions), category.slots, reason=reason)


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
    return replace(turn, events=turn.events + (registry.get(ctx.crisis_type) or registry.DEFAULT).slots)


def _crisis_mode_reply(ctx: CrisisContext) -> CrisisTurn:
    category = registry.get(ctx.crisis_type) or registry.DEFAULT
    worse = category.update_reply("worse")
    if ctx.intent in ("stop", "goodbye"):
        return _reply(GOODBYE, "goodbye in crisis mode", end_crisis=True)
    update = ctx.update if ctx.update_confidence >= UPDATE_MIN else "other"
    # A message that carries a sign itself never ends crisis mode, whatever the update model read: in a blind
    # conversation "nobody would really notice" and "im not being dramatic" (a gun in reach) were read as safe.
    own_words = not category.bystander_updates and (ctx.level != "none" or ctx.risk >= SIGN_IN_CRISIS_MODE)
    sign_now = ctx.level == "crisis" or own_words
    general = ctx.general_question if ctx.general_question_confidence >= ANSWER_MIN else None
    if update == "no_emergency" and not own_words and ctx.asks and general:
        # Nobody is in danger now, so the question is not a step of an emergency: answer it from the
        # questions that fit ("what do i do so i don't die, just got out of jail" is about using safer).
        return _reply(f"utter_crisis_answer_{general}", "no emergency, a safety question", end_crisis=True)
    # A sign of another kind (suicide while the overdose script runs: "i just dont wanna be here", once
    # read as "no emergency" in a blind conversation) gets that kind's script; a full crisis reading of
    # the same kind never ends crisis mode, whatever the update model read. Kinds with one marker
    # (opioid and stimulant overdose) are one emergency here.
    other = registry.get(ctx.signal_category) if ctx.risk >= SIGN_IN_CRISIS_MODE else None
    if other and other.marker != category.marker:
        return script(other.name, ctx, "a new kind of sign in crisis mode")
    if sign_now and update in ("safe", "no_emergency"):
        return _reply(worse, "a sign in crisis mode, read as safe")
    # "ambulance is here" reads as safe to the intent model; the update model knows help has only arrived.
    if ctx.intent == registry.SAFE_INTENT and update not in UPDATE_REPLIES + ("question",) and not sign_now:
        return _reply(SAFE, "safe", end_crisis=True)
    if ctx.last_bot_action in ASKS_IF_SAFE and ctx.literal in ("yes", "no"):
        # "Are you safe right now?" - a bare "yes" is safe and a bare "no" is not (the answer model reads
        # danger, the way the check-in asks, so the literal word decides here).
        if ctx.literal == "yes":
            return _reply(SAFE, "said yes to 'are you safe'", end_crisis=True)
        return _reply(worse, "said no to 'are you safe'")
    if update == "question":
        if ctx.question and ctx.question_confidence >= QUESTION_MIN:
            return _reply(f"utter_crisis_answer_{ctx.question}", "question in crisis mode")
        return _reply(worse, "unclear question in crisis mode")
    if update in UPDATE_REPLIES:
        return _reply(category.update_reply(update), f"update: {update}")
    if update == "safe":
        return _reply(SAFE, "safe", end_crisis=True)
    if update == "no_emergency":
        if _bare(ctx):
            return _reply(NO_EMERGENCY, "no emergency", end_crisis=True)
        return _back(ctx, "no emergency, with more to answer")
    if ctx.level != "none" or registry.by_intent(ctx.intent):
        return _reply(worse, "crisis signal in crisis mode")
    if ctx.last_bot_action and ctx.last_bot_action.startswith(STILL_HERE_PREFIX):
        return _back(ctx, "second everyday message in crisis mode")
    return _reply(category.still_here, "everyday message in crisis mode")


def check_in_answer_turn(ctx: CrisisContext) -> Optional[CrisisTurn]:
    """The message after a check-in: yes, no, or unclear."""
    kind = ctx.check_in_kind or kind_of(ctx.category) or (kind_of(ctx.signal_category) if ctx.risk >= 0.5 else None)
    answer = ctx.answer if ctx.answer_confidence >= ANSWER_MIN else "unclear"
    # A weak sign (CrisisContext.weak_sign) is not a sign of its own; the patterns, the intent model or a
    # strong reading are.
    own_sign = ctx.level != "none" and not ctx.weak_sign
    # The answer model reads "yes" into long messages that go on about something else ("ok im gonna ask her
    # to slow my taper down"): a yes counts when the message is short, a literal yes, or carries a sign of its
    # own; otherwise the question was not answered, and it is asked once more, plainly, with the number.
    if answer == "yes" and not (ctx.words <= BARE_WORDS or ctx.literal == "yes" or own_sign):
        answer = "unclear"
    # A second sign counts as a yes, unless the message says no ("no, i meant my grandpa's snoring"). Safety
    # first: a weak one gets the question again plainly (with the number), and a second one in a row the script
    # ("i have enough here to do it", after "are you thinking about ending your life?", once read only 0.46).
    if ctx.weak_sign and answer == "unclear" and ctx.last_bot_action != CHECK_AGAIN:
        return _reply(CHECK_AGAIN, "a weak second sign: asked again")
    if answer == "yes" or ctx.level == "crisis" or (ctx.level == "check_in" and answer != "no"):
        if kind:
            return script(kind, ctx, "check-in answered yes")
        return CrisisTurn((YES_UNKNOWN,), (("crisis_active", True),), reason="check-in answered yes, kind unknown")
    if answer == "no":
        if _bare(ctx):
            return _reply(CHECK_NO, "check-in answered no")
        return _back(ctx, "check-in answered no, with more", end_crisis=False)
    if ctx.last_bot_action == CHECK_AGAIN:
        return conversation_reply(ctx, "asked twice: back to the conversation")
    return _reply(CHECK_AGAIN, "check-in not answered")


def conversation_reply(ctx: CrisisContext, reason: str, end_crisis: bool = False) -> Optional[CrisisTurn]:
    """Back to the conversation. A message read as `crisis_check` would get the check-in again from the rules,
    so it gets the conversation's own reply here (the answer to its question, or a reflection); any other
    message is left to the other policies (None)."""
    if ctx.intent != registry.CHECK_INTENT:
        return None
    if ctx.asks and ctx.knowledge_score >= retrieval.ANSWER_MIN:
        return _reply(ANSWER_ACTION, reason + "; question answered", end_crisis)
    return _reply(REPLY_ACTION, reason, end_crisis)


def _back(ctx: CrisisContext, reason: str, end_crisis: bool = True) -> CrisisTurn:
    """The conversation answers the message (conversation_reply, else the other policies); crisis mode ends."""
    return conversation_reply(ctx, reason, end_crisis) or _handoff(reason, end_crisis)


def crisis_turn(ctx: CrisisContext) -> Optional[CrisisTurn]:
    """The crisis layer's turn, or None when it has nothing to say and the conversation goes on."""
    by_intent = registry.by_intent(ctx.intent)
    intent_kind = by_intent.name if by_intent else None
    if ctx.crisis_active and (intent_kind is None or intent_kind == ctx.crisis_type):
        return crisis_mode_turn(ctx)
    if intent_kind:
        return script(intent_kind, ctx, "crisis reading")
    if ctx.last_bot_action in CHECK_ACTIONS:
        return check_in_answer_turn(ctx)
    if ctx.weak_sign and ctx.recent_check_in:
        # The person was just asked and said no (or went on): the meaning model alone, unsure, does not ask
        # the same question again a few messages later; the conversation answers.
        return conversation_reply(ctx, "weak sign soon after a check-in")
    if ctx.intent == registry.CHECK_INTENT or ctx.level == "check_in":
        check_in = CHECK_IN.get(kind_of(ctx.category)) or CHECK_IN[None]
        if ctx.asks and ctx.knowledge_score >= retrieval.ANSWER_MIN:
            # A question with a sign in it ("how long do i wait before the 2nd narcan"): the answer, then the
            # check-in, so the safety question is asked and the question is not left unanswered.
            return CrisisTurn((ANSWER_ACTION, check_in), reason="question answered, then check-in")
        return _reply(check_in, "check-in reading")
    if ctx.intent == registry.SAFE_INTENT:
        return None
    risks = [r for r in (ctx.risk, *ctx.previous_risks[:2]) if r >= MULTI_FLOOR]
    # Weak signals adding up ask once: not again within RECHECK_TURNS messages of a check-in (a blind
    # conversation bench had ordinary talk asked about every few messages). A check-in reading always asks.
    if ctx.risk >= MULTI_FLOOR and len(risks) >= 2 and sum(risks) >= MULTI_SUM and not ctx.recent_check_in:
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
