"""Importance and confidence rulers (0-10): ask, reflect the number, then the evoking question.

Importance: "why a 6 and not a 3?" (the answer is change talk). Confidence: "what would
take it from a 6 to a 7?". A 0 on importance or a 10 on confidence gets its own question.
"idk" gets one gentle re-ask, then the numbers are dropped; an out-of-range number gets a
gentle re-ask. The question itself is asked from action_reflect when the conversation has
enough change talk (actions/reflect.py); answers come here as `give_number`, or through
action_reflect / action_unsure / action_fallback while a ruler is pending.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence

from actions import mi
from actions.base import Context, MIAction, Turn
from actions.cues import RulerAnswer, parse_ruler
from actions.phrases import say

KINDS = ("importance", "confidence")
RETRY = ":retry"


def target(change_themes: Optional[Sequence[str]]) -> Dict[str, str]:
    """What the ruler is about, in the person's direction: stopping, cutting back or a change."""
    themes = list(change_themes or [])
    if "less" in themes and "stop" not in themes:
        return {"target": "cutting back", "target_verb": "cut back"}
    if "stop" in themes:
        return {"target": "stopping", "target_verb": "stop"}
    return {"target": "making a change", "target_verb": "make that change"}


def ask(kind: str, context: Context) -> Turn:
    """The ruler question, and the slots that say an answer is expected."""
    message = say(f"ruler.{kind}.ask", context.rng, context.said, **target(context.slots.get("change_themes")))
    asked = mi.add_unique(context.slots.get("ruler_asked"), [kind])
    return Turn([message], {"ruler_pending": kind, "ruler_asked": asked})


def band(value: float) -> str:
    return "low" if value <= 3 else "mid" if value <= 6 else "high"


def lower_number(value: float) -> int:
    """The lower number for "why not lower?": three below, or 0."""
    return max(0, int(math.floor(value)) - 3) if value >= 4 else 0


def higher_number(value: float) -> int:
    return min(10, int(math.floor(value)) + 1)


def number_turn(kind: str, answer: RulerAnswer, context: Context) -> Turn:
    """Reflect the number and ask the question that evokes change talk."""
    low = float(answer.low if answer.low is not None else 0)
    high = float(answer.high if answer.high is not None else low)
    n = answer.label
    rng, recent = context.rng, context.said
    slots: Dict[str, Any] = {kind: low, "ruler_pending": None}
    if kind == "importance":
        if high == 0:
            messages = [
                say("ruler.importance.zero", rng, recent),
                say("ruler.importance.what_would_raise", rng, recent),
            ]
            slots["last_prompt"] = "what_would_raise"
        else:
            lower = lower_number(low)
            messages = [
                say(f"ruler.importance.{band(low)}", rng, recent, n=n),
                say("ruler.importance.why_lower", rng, recent, n=n, lower=str(lower)),
            ]
            slots["last_prompt"] = "why_not_lower"
    else:
        if low >= 10:
            messages = [say("ruler.confidence.high", rng, recent, n=n), say("ruler.confidence.why_sure", rng, recent)]
            slots["last_prompt"] = "why_sure"
        else:
            messages = [
                say(f"ruler.confidence.{band(low)}", rng, recent, n=n),
                say("ruler.confidence.one_higher", rng, recent, n=n, higher=str(higher_number(high))),
            ]
            slots["last_prompt"] = "one_higher"
    return Turn(messages, slots)


def reply_turn(answer: RulerAnswer, context: Context) -> Turn:
    """The whole reply to a ruler answer, whatever it was."""
    pending = str(context.slots.get("ruler_pending") or "")
    kind = pending.split(":")[0]
    retried = pending.endswith(RETRY)
    rng, recent = context.rng, context.said
    if kind not in KINDS:
        if answer.status == "number":
            return Turn(
                [say("ruler.no_context", rng, recent, n=answer.label), say("ruler.no_context.ask", rng, recent)],
                {"last_prompt": None},
            )
        return Turn([say("unsure.reflect", rng, recent)], {"last_prompt": None})
    if answer.status == "number":
        return number_turn(kind, answer, context)
    if retried:
        return Turn([say("ruler.drop", rng, recent)], {"ruler_pending": None, "last_prompt": None})
    if answer.status == "out_of_range":
        return Turn([say("ruler.out_of_range", rng, recent)], {"ruler_pending": kind + RETRY})
    return Turn(
        [say("ruler.unknown", rng, recent), say("ruler.unknown.reask", rng, recent)], {"ruler_pending": kind + RETRY}
    )


class ActionRulerReply(MIAction):
    """`give_number` (and ruler answers in other words): reflect the number, ask the evoking question."""

    action_name = "action_ruler_reply"
    max_messages = 2

    def decide(self, context: Context) -> Turn:
        return reply_turn(parse_ruler(context.text), context)


def sample_texts() -> List[str]:
    """Every ruler reply for 0-10, ranges and odd answers (for the lint test)."""
    texts: List[str] = []
    answers = [parse_ruler(t) for t in ["0", "1", "2", "3", "4", "5", "6", "6.5", "7 or 8", "9", "10", "idk", "11"]]
    for kind in KINDS:
        for pending in (kind, kind + RETRY):
            for answer in answers:
                for seed in range(4):
                    turn = reply_turn(answer, Context.plain(slots={"ruler_pending": pending}, seed=seed))
                    texts.extend(m.text for m in turn.messages)
    return texts
