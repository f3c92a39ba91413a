"""action_concerned_other: someone worried about a person they love.

Reflect the worry and the care; then either answer what they asked (naloxone, how to
talk with the person, support for themselves) or offer those three, with permission.
Sets `role: family` so later information is framed for them, and `who` ("your son").
"""

from __future__ import annotations

from typing import List

from actions import cues
from actions.base import Context, MIAction, Turn
from actions.info import topic_message
from actions.phrases import say
from actions.reflect import reflect_turn

DEFAULT_WHO = "the person you're worried about"
FAMILY_ANSWERS = (
    "naloxone",
    "family_talk",
    "family_support",
    "test_strips",
    "never_alone",
    "buprenorphine",
    "methadone",
    "naltrexone",
    "detox",
    "mutual_help",
    "recovery_menu",
    "medication",
    "addiction",
    "tolerance",
)


def family_turn(context: Context) -> Turn:
    """Reflect the worry, then answer or offer. If the words are not about someone else's use
    ("my wife complains about it"), the classifier erred: reflect it as the person's own sharing."""
    if context.slots.get("role") != "family" and not cues.about_someone_else(context.text):
        return reflect_turn(context)
    rng, recent = context.rng, context.said
    who = (
        cues.relation(context.text)
        or (context.slots.get("who") if context.slots.get("role") == "family" else None)
        or DEFAULT_WHO
    )
    slots = {"role": "family", "who": who, "ruler_pending": None, "last_prompt": None}
    if who == DEFAULT_WHO and cues.speaks_of_own_use(context.text):
        slots.update({"role": None, "who": None})  # no one else named, and their own use is: not a family role
    asked = [t for t in cues.topics(context.text) if t in FAMILY_ANSWERS]
    reflect = say("family.reflect", rng, recent, who=who)
    if asked and asked[0] != "recovery_menu":
        return Turn(
            [reflect, topic_message(asked[0], context, None), say("info.elicit.family", rng, recent)],
            {**slots, "pending_offer": None, "last_prompt": "elicit"},
        )
    return Turn([reflect, say("family.offer", rng, recent, who=who)], {**slots, "pending_offer": "family_menu"})


def family_menu_turn(context: Context) -> Turn:
    """After a yes to the family offer: the three things side by side, then which one."""
    who = context.slots.get("who") or DEFAULT_WHO
    return Turn(
        [
            say("family.three", context.rng, context.said, who=who),
            say("family.three.question", context.rng, context.said),
        ],
        {"pending_offer": None, "last_prompt": "elicit"},
    )


class ActionConcernedOther(MIAction):
    """`concerned_other`: support for family and friends."""

    action_name = "action_concerned_other"
    max_messages = 3

    def decide(self, context: Context) -> Turn:
        return family_turn(context)


def sample_texts() -> List[str]:
    texts: List[str] = []
    for message in [
        "my son is using and i dont know what to do",
        "worried about my boyfriend, should he have narcan",
        "how do i talk to my daughter about her drinking",
        "my brother uses, what support is there for me",
        "someone i love is on fent",
    ]:
        for seed in range(3):
            texts.extend(m.text for m in family_turn(Context.plain(message, seed=seed)).messages)
            texts.extend(
                m.text for m in family_menu_turn(Context.plain(message, {"who": "your son"}, seed=seed)).messages
            )
    return texts
