"""Deterministic crisis detection: runs on every user message, before and beside the NLU model.

Why deterministic: someone may write while a friend is overdosing next to
them, and a model that misreads "he fell out n wont wake" must not decide
alone. `detect()` reads the message with named patterns (patterns.py) over a
normalised form (normalize.py); `combine()` merges that with the trained
crisis intents so the safer reading wins.

Only pattern *names* leave this module, never the text, so results can be
logged and stored.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional, Pattern, Sequence, Tuple

from lantern.crisis import patterns as P
from lantern.crisis import registry
from lantern.crisis.normalize import normalize

log = logging.getLogger(__name__)

# The categories are lantern/crisis/registry.py's names; a parsed message stores each as the registry's
# `stored` value (CrisisResult.stored_category).
CATEGORIES: Tuple[Optional[str], ...] = (*registry.NAMES, None)
LEVELS: Tuple[str, ...] = ("none", "check_in", "crisis")
_RANK = {level: i for i, level in enumerate(LEVELS)}
# When two categories reach the same level, the one whose first step is the most
# urgent call wins (the registry's priority); the suicide reply also tells people to call 911 if hurt.
_PRIORITY: Dict[Optional[str], int] = {
    **{c.name: c.priority for c in registry.CATEGORIES},
    None: len(registry.CATEGORIES),
}
_OVERDOSES = (P.OD, P.STIM)  # one marker, two scripts: opioid or stimulant

# Trained intents (names fixed by the NLU data) and how much we trust them.
INTENT_CATEGORY: Dict[str, Optional[str]] = {
    **{c.intent: c.name for c in registry.CATEGORIES},
    registry.CHECK_INTENT: None,
}
MODEL_CHECK_IN_MIN = 0.6  # a crisis intent at least this confident earns a check-in
MODEL_CRISIS_MIN = 0.995  # ... and at least this confident, the full crisis reply with no cue of ours
MODEL_CRISIS_WITH_CUE_MIN = 0.9  # ... or this confident when the detector already asked for a check-in
# The trained model is overconfident on crisis intents for drug talk it has not seen
# (hard negatives: 70/203 full scripts at 0.8): alone, it must be nearly certain.
MODEL_STRONG_MIN = 0.999  # a model crisis this sure is not demoted by figurative/negated cues
# The model's own check-in intent: every crisis_check example is already a check-in for the patterns,
# so the model alone asks "are you safe?" only when nearly sure ("she said i seem happier" got 0.91).
MODEL_CHECK_INTENT_MIN = 0.97

# The meaning model (rasa_plugins/nlu/crisis_signal.py): risk = 1 - P(none), from the sentence encoder and the words.
# It catches the indirect signs the patterns cannot list (goodbyes, giving things away, means saved up,
# someone fading), so it raises a level on its own; it never lowers the detector's.
SIGNAL_CHECK_IN_MIN = 0.35  # this risk earns a check-in
SIGNAL_CRISIS_MIN = 0.9  # ... and this one, with a check-in from the patterns or the intent model, the full script
SIGNAL_VETO_MAX = 0.03  # below this risk, the intent model alone may not ask "are you in danger?"


def family(category: Optional[str]) -> Optional[str]:
    """The payload's `crisis` marker of a category (a name or a stored value): 'overdose' for both overdose kinds."""
    found = registry.find(category)
    return found.marker if found else category


@dataclass(frozen=True)
class CrisisResult:
    """What the crisis layer concluded about one message.

    category: a registry name (overdose | stimulant | suicide | danger) or None
    level:    crisis (full emergency reply) | check_in (ask first) | none
    confidence: 0..1, strength of the evidence for `level`
    matched:  names of the patterns and cues that decided it (never raw text)
    """

    category: Optional[str]
    level: str
    confidence: float
    matched: Tuple[str, ...] = ()

    @property
    def family(self) -> Optional[str]:
        return family(self.category)

    @property
    def stored_category(self) -> Optional[str]:
        """The category as a parsed message stores it (`crisis.category`, transcripts, SMS flags)."""
        return registry.stored(self.category)

    @property
    def is_crisis(self) -> bool:
        return self.level == "crisis"

    @property
    def needs_reply(self) -> bool:
        """True when the crisis layer, not the normal flow, answers this turn."""
        return self.level != "none"

    @property
    def defused(self) -> bool:
        """A figurative, negated or general-question use was recognised ("killing me" about a job)."""
        return any(name.startswith(("fig.", "neg.", "q.")) for name in self.matched)


NONE = CrisisResult(None, "none", 0.0, ())
# If the detector itself fails, ask rather than stay silent.
_FAILSAFE = CrisisResult(None, "check_in", 0.0, ("error.internal",))


@dataclass(frozen=True)
class _Rule:
    name: str
    category: Optional[str]
    level: str
    regex: Pattern[str]
    flags: FrozenSet[str]
    needs: Tuple[str, ...]

    def finditer(self, text: str):
        if self.needs and not any(n in text for n in self.needs):
            return ()
        return self.regex.finditer(text)


def _compile(specs: Sequence[P.RuleSpec]) -> Tuple[_Rule, ...]:
    return tuple(
        _Rule(s.name, s.category, s.level, re.compile(s.pattern), frozenset(s.flags), tuple(s.needs)) for s in specs
    )


_RULES = _compile(P.RULES)
_GUARDS = _compile(P.GUARDS)
_CUES: Dict[str, Pattern[str]] = {name: re.compile(rx) for name, rx in P.CUES.items()}
_OTHER_AGENT = frozenset(
    {
        "he",
        "she",
        "they",
        "someone",
        "somebody",
        "guy",
        "man",
        "dude",
        "ex",
        "boyfriend",
        "girlfriend",
        "husband",
        "wife",
        "dealer",
        "pimp",
        "roommate",
        "dad",
        "mom",
        "brother",
        "sister",
        "people",
        "him",
        "her",
    }
)


def _prefix_tokens(text: str, start: int, n: int) -> List[str]:
    """The last `n` words before `start`, cut at the nearest clause break."""
    words = text[max(0, start - 80) : start].split()
    if start > 80 and words:
        words = words[1:]  # the first one may be cut in half
    for i in range(len(words) - 1, -1, -1):
        if words[i] in P.CLAUSE_BREAKS:
            words = words[i + 1 :]
            break
    return words[-n:]


def _clause_before(text: str, start: int) -> List[str]:
    words = text[max(0, start - 120) : start].split()
    for i in range(len(words) - 1, -1, -1):
        if words[i] == "|":
            return words[i + 1 :]
    return words


def _negated(prev: List[str]) -> Optional[str]:
    """'negated', 'uncertain' or None for the words just before a match."""
    has_neg = False
    for i, word in enumerate(prev):
        nxt = prev[i + 1] if i + 1 < len(prev) else ""
        if word in P.NEGATORS and nxt not in ("again", "stop", "help", "quit"):  # "can't stop thinking about it"
            has_neg = True
        elif word == "no" and (nxt in ("one", "longer") or i == len(prev) - 1):
            has_neg = True
    if not has_neg:
        return None
    return "uncertain" if any(w in P.UNCERTAIN for w in prev) else "negated"


def _min(level: str, cap: str) -> str:
    return level if _RANK[level] <= _RANK[cap] else cap


def _escalates(flags: FrozenSet[str], cues: Dict[str, bool]) -> bool:
    """Does the rest of the message turn this check-in sign into a crisis? (flags: see patterns.py)"""
    drugs = cues["opioid_ctx"] or cues["stim_ctx"] or cues["use_ctx"]
    return (
        ("now" in flags and cues["now"])
        or ("stim" in flags and (cues["stim_ctx"] or cues["use_ctx"]))
        or ("fear" in flags and cues["fear"])
        or ("body" in flags and cues["body"])
        or ("drug" in flags and drugs)
    )


def _analyse(text: str) -> CrisisResult:
    if not text:
        return NONE
    matched: List[str] = []
    masked = text
    for guard in _GUARDS:
        if (not guard.needs or any(n in masked for n in guard.needs)) and guard.regex.search(masked):
            masked = guard.regex.sub(" ~ ", masked)
            matched.append(guard.name)
    cues = {name: bool(rx.search(text)) for name, rx in _CUES.items()}
    # A scare told as over ("last month i found him blue ... he's fine now"): history, whatever the pattern.
    over = cues["resolved"] and (cues["past_far"] or cues["past_near"])

    hits: List[Tuple[_Rule, str]] = []  # (rule, level after context)
    for rule in _RULES:
        best = "none"
        for m in rule.finditer(masked):
            level = rule.level
            prev = _prefix_tokens(masked, m.start(), 4)
            flags = rule.flags
            if "neg" in flags:
                neg = _negated(prev)
                if neg == "negated":
                    matched.append("neg." + rule.name)
                    continue
                if neg == "uncertain":
                    level = _min(level, "check_in")
                    matched.append("mod.uncertain")
            if "other" in flags:
                clause = _clause_before(masked, m.start())
                if "i" in clause and not _OTHER_AGENT.intersection(clause):
                    continue
            if level == "check_in" and _escalates(flags, cues):
                level = "crisis"
            if P.HYPOTHETICAL.intersection(_prefix_tokens(masked, m.start(), 5)) or cues["future"]:
                level = _min(level, "check_in")
                matched.append("mod.hypothetical")
            attempted = len(prev) > 1 and prev[-2] in ("tried", "attempted") and prev[-1] == "to"  # "tried to end it"
            if "past" in flags or (prev and prev[-1] in P.PAST_AUX) or attempted:
                if cues["resolved"] or ((cues["past_far"] or cues["past_near"]) and not cues["now"]):
                    # "he's fine now": the "now" belongs to the recovery, not to an emergency
                    far = cues["past_far"] and (cues["resolved"] or not cues["now"])
                    # Over and told as such ("last night ... he's ok now"): history, not an emergency. A past
                    # suicide attempt, and a recent event not said to be over, still earn a gentle check-in.
                    over = cues["resolved"] and (cues["past_far"] or cues["past_near"])
                    if rule.category == "suicide" and rule.level == "crisis":
                        level = _min(level, "check_in")
                    elif not far and not over:
                        level = _min(level, "check_in")
                    else:
                        level = "none"
                    matched.append("mod.past")
            if over and "mod.past" not in matched:
                level = _min(level, "check_in") if rule.category == "suicide" and rule.level == "crisis" else "none"
                matched.append("mod.over")
            if "fig" in flags and cues["soft_fig"]:
                level = _min(level, "check_in")
                matched.append("mod.joking")
            if _RANK[level] > _RANK[best]:
                best = level
            if best == "crisis":
                break  # nothing higher to find in this rule
        if best != "none":
            hits.append((rule, best))

    if not hits:
        if not matched:
            return NONE
        return CrisisResult(None, "none", 0.0, _dedupe(matched))

    top = max(_RANK[level] for _, level in hits)
    top_level = LEVELS[top]
    winners = [rule for rule, level in hits if _RANK[level] == top]
    # A specific sign decides over a generic one: "overdosing on purpose" is suicide.
    specific = [rule for rule in winners if "generic" not in rule.flags] or winners
    category = min((rule.category for rule in specific), key=lambda c: _PRIORITY[c])
    if category in _OVERDOSES:
        category = _overdose_kind(winners, cues)
    matched = [rule.name for rule, _ in hits] + matched
    if cues["stim_ctx"] and category == P.STIM:
        matched.append("ctx.stimulant")
    n = len(winners)
    base = 0.9 if top_level == "crisis" else 0.5
    confidence = round(min(0.99, base + 0.03 * (n - 1)), 2)
    return CrisisResult(category, top_level, confidence, _dedupe(matched))


def _overdose_kind(winners: List[_Rule], cues: Dict[str, bool]) -> str:
    """Opioid or stimulant reply: follow the specific signs, then the drugs named."""
    kinds = {rule.category for rule in winners if rule.category in _OVERDOSES}
    specific_opioid = any(rule.category == P.OD and "generic" not in rule.flags for rule in winners)
    if specific_opioid:
        return P.OD
    if P.STIM in kinds:
        return P.STIM
    if cues["stim_ctx"] and not cues["opioid_ctx"]:
        return P.STIM
    return P.OD


def _dedupe(names: List[str]) -> Tuple[str, ...]:
    return tuple(dict.fromkeys(names))


CUE_PATTERNS = _CUES  # read by the meaning model as features (rasa_plugins/nlu/crisis_signal.py)


def detect_normalised(text: str) -> CrisisResult:
    """detect() for a text already normalised; never raises."""
    try:
        return _analyse(text)
    except Exception:
        return _FAILSAFE


def detect(text: object) -> CrisisResult:
    """Classify one user message. Never raises; anything odd yields NONE (or a check-in on internal error)."""
    try:
        return _with_spanish(_analyse(normalize(text)), text)
    except Exception as exc:  # a crisis layer must never take the turn down
        log.error("crisis detector failed (%s); answering with a check-in", type(exc).__name__)
        return _FAILSAFE


def _with_spanish(result: CrisisResult, text: object) -> CrisisResult:
    """Raise the level with a Spanish sign of danger (lantern/crisis/spanish.py); never lower it."""
    from lantern.crisis.spanish import signs

    found = signs().read(text)
    if found is None:
        return result
    category, level, name = found
    if _RANK[level] <= _RANK[result.level]:
        return CrisisResult(result.category or category, result.level, result.confidence, result.matched + (name,))
    return CrisisResult(category, level, 0.9 if level == "crisis" else 0.5, result.matched + (name,))


def raise_with_signal(result: CrisisResult, detected: CrisisResult, signal: Optional[Dict[str, Any]]) -> CrisisResult:
    """Merge the meaning model's reading into `result` (the detector and intent model together).

    - risk >= SIGNAL_CHECK_IN_MIN: at least a check-in (the model alone asks, it does not act: on the
      second blind round most full scripts on hard negatives came from the model alone);
    - risk >= SIGNAL_CRISIS_MIN when the patterns or the intent model already asked for a check-in:
      the full script of the model's category (two readings agree), unless the words were used
      figuratively or negated;
    - the detector's own level (`detected`) is never lowered; a check-in that only the intent model
      asked for is dropped when the meaning model sees almost no risk ("my son won't talk to me").
    """
    if not isinstance(signal, dict):
        return result
    try:
        risk = float(signal.get("risk") or 0.0)
    except (TypeError, ValueError):
        return result
    if not math.isfinite(risk):
        return result
    found = registry.get(signal.get("category"))  # the meaning model's labels are the registry's names
    category = found.name if found else None
    intent_check = f"intent.{registry.CHECK_INTENT}"
    if (
        result.level == "check_in"
        and detected.level == "none"
        and risk < SIGNAL_VETO_MAX
        and all(not name.startswith("intent.") or name == intent_check for name in result.matched)
    ):
        return CrisisResult(None, "none", 0.0, detected.matched + ("signal.veto",))
    if risk >= SIGNAL_CRISIS_MIN and result.level == "check_in" and not result.defused:
        level = "crisis"
    elif risk >= SIGNAL_CHECK_IN_MIN:
        level = "check_in"
    else:
        return result
    tag = f"signal.{category or 'none'}"
    if _RANK[result.level] >= _RANK[level]:
        return CrisisResult(result.category or category, result.level, result.confidence, result.matched + (tag,))
    return CrisisResult(category or result.category, level, round(risk, 2), result.matched + (tag,))


def combine(result: CrisisResult, intent_name: Optional[str], intent_confidence: float) -> CrisisResult:
    """Merge the deterministic result with the top trained intent; the safer reading wins.

    - The model can only raise the level, never lower a deterministic crisis or check-in.
    - A crisis intent >= MODEL_CHECK_IN_MIN gives at least a check-in; >= MODEL_CRISIS_MIN a crisis.
    - A figurative/negated hit (result.defused) demotes a model crisis below MODEL_STRONG_MIN to a
      check-in, never to none.
    """
    try:
        conf = float(intent_confidence)
    except (TypeError, ValueError):
        conf = 0.0
    if not math.isfinite(conf):
        conf = 0.0
    conf = min(1.0, max(0.0, conf))
    if intent_name not in INTENT_CATEGORY or conf < MODEL_CHECK_IN_MIN:
        return result
    if intent_name == registry.CHECK_INTENT and conf < MODEL_CHECK_INTENT_MIN:
        return result
    model_category = INTENT_CATEGORY[intent_name]
    crisis_min = MODEL_CRISIS_WITH_CUE_MIN if result.level == "check_in" else MODEL_CRISIS_MIN
    model_level = "crisis" if conf >= crisis_min and intent_name != registry.CHECK_INTENT else "check_in"
    tag = "intent." + intent_name
    if model_level == "crisis" and result.defused and conf < MODEL_STRONG_MIN:
        model_level = "check_in"
        tag += ".demoted"
    matched = result.matched + (tag,)
    if _RANK[result.level] >= _RANK[model_level]:
        category = result.category if result.category is not None else model_category
        return CrisisResult(
            category,
            result.level,
            max(result.confidence, round(conf, 2)) if result.level == model_level else result.confidence,
            matched,
        )
    category = model_category if model_category is not None else result.category
    if category == P.OD and result.category == P.STIM:
        category = P.STIM
    return CrisisResult(category, model_level, round(conf, 2), matched)
