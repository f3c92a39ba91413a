"""action_unsure: "idk", "not sure", "dunno".

During a ruler it is a ruler answer (one gentle re-ask, then the numbers are dropped).
After one of the bot's own questions it is a hard question to answer; otherwise it is
ambivalence or not knowing yet, which is fine. Reflect, don't push.
"""

from __future__ import annotations

from typing import List

from actions import mi, rulers
from actions.base import Context, MIAction, Turn
from actions.cues import RulerAnswer
from actions.phrases import say
from actions.reflect import EVOKING_PROMPTS, INVITE_AFTER


def unsure_turn(context: Context) -> Turn:
    rng, recent = context.rng, context.said
    if context.slots.get("ruler_pending"):
        return rulers.reply_turn(RulerAnswer("unknown"), context)
    if context.slots.get("last_prompt") in EVOKING_PROMPTS | {"elicit"}:
        return Turn([say("unsure.after_question", rng, recent)], {"last_prompt": None})
    turn = Turn([say("unsure.reflect", rng, recent)], {"last_prompt": None})
    if mi.may_ask(context.codes, INVITE_AFTER, [m.mi for m in turn.messages]):
        turn.messages.append(say("invite.neutral", rng, recent))
        turn.slots["last_prompt"] = "invite"
    return turn


class ActionUnsure(MIAction):
    """`unsure`: reflect the not-knowing (or handle it as a ruler answer)."""

    action_name = "action_unsure"
    max_messages = 2
    takes_answers = True

    def decide(self, context: Context) -> Turn:
        return unsure_turn(context)


def sample_texts() -> List[str]:
    texts: List[str] = []
    for slots in (
        {},
        {"ruler_pending": "importance"},
        {"ruler_pending": "confidence:retry"},
        {"last_prompt": "why_not_lower"},
    ):
        for codes in ([], ["complex_reflection"] * 3):
            for seed in range(3):
                texts.extend(m.text for m in unsure_turn(Context.plain("idk", slots, codes=codes, seed=seed)).messages)
    return texts
