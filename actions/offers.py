"""action_accept_offer / action_decline_offer: yes or no to what the bot offered.

The bot asks permission before giving information ("Want me to share a few paths
people take?") and remembers what it offered in `pending_offer`. A yes gives it;
a no is respected without a second try. A yes or no with nothing pending gets the
change talk gathered, a reflection of it, or an open door, never a bare "Okay.".
"""

from __future__ import annotations

from typing import List

from actions import checkins, mi, returning
from actions.base import Context, MIAction, Turn
from actions.family import family_menu_turn
from actions.info import info_turn
from actions.phrases import say
from actions.plans import plan_start_turn
from actions.reflect import INVITE_AFTER
from actions.summary import change_items, join_phrases

MENUS = {"recovery_menu": ["recovery_menu"], "safer_use": ["safer_use"]}


def accept_turn(context: Context) -> Turn:
    offer = context.slots.get("pending_offer")
    rng, recent = context.rng, context.said
    if offer in MENUS:
        turn = info_turn(context, MENUS[offer])
        if offer == "safer_use":
            turn.messages = [say("info.harm_menu", rng, recent), say("info.menu.question", rng, recent)]
        return turn
    if offer == "family_menu":
        return family_menu_turn(context)
    if offer == "resume":
        return returning.resume_turn(context)
    if offer == "plan":
        return plan_start_turn(context)
    if offer == "checkin":
        return checkins.start_turn(context)
    if offer == "checkin_confirm":
        return checkins.book_turn(context)
    if str(offer or "").startswith("info:"):
        return info_turn(context, [str(offer).split(":", 1)[1]])
    return acknowledge(context)


def acknowledge(context: Context) -> Turn:
    """A yes or ok with nothing offered: gather what was said for change, or just acknowledge."""
    who = context.slots.get("who") if context.slots.get("role") != "family" else None
    items = change_items(context.slots.get("change_themes") or [], who, limit=2)
    if len(items) >= 2 and context.slots.get("last_prompt") != "collect":
        return Turn(
            [say("offer.collect", context.rng, context.said, items=join_phrases(items))],
            {"pending_offer": None, "last_prompt": "collect"},
        )
    turn = Turn([say("offer.none", context.rng, context.said)], {"pending_offer": None, "last_prompt": None})
    if mi.may_ask(context.codes, INVITE_AFTER):
        turn.messages.append(say("offer.where_next", context.rng, context.said))
    elif items:
        # Too soon for another question: reflect back what they said for change instead of a bare "Okay."
        turn.messages = [say("offer.echo", context.rng, context.said, items=items[-1])]
    else:
        turn.messages = [say("offer.space", context.rng, context.said)]
    return turn


def decline_turn(context: Context) -> Turn:
    offer = context.slots.get("pending_offer")
    rng, recent = context.rng, context.said
    if context.slots.get("ruler_pending"):
        return Turn([say("ruler.drop", rng, recent)], {"ruler_pending": None, "last_prompt": None})
    if offer == "checkin_confirm":
        return checkins.other_time_turn(context)
    if offer == "resume":
        return Turn(
            [say("returning.later", rng, recent), say("returning.fresh.question", rng, recent)],
            {"pending_offer": None, "last_prompt": None},
        )
    if offer:
        return Turn([say("offer.declined", rng, recent)], {"pending_offer": None, "last_prompt": None})
    if context.slots.get("last_prompt") == "next_step":
        return Turn([say("reflect.next_step.none", rng, recent)], {"last_prompt": None})
    return acknowledge(context)


class ActionAcceptOffer(MIAction):
    """`affirm`: give what was offered."""

    action_name = "action_accept_offer"
    max_messages = 3
    takes_answers = True

    def decide(self, context: Context) -> Turn:
        return accept_turn(context)


class ActionDeclineOffer(MIAction):
    """`deny`: respect the no."""

    action_name = "action_decline_offer"
    max_messages = 2
    takes_answers = True

    def decide(self, context: Context) -> Turn:
        return decline_turn(context)


def sample_texts() -> List[str]:
    texts: List[str] = []
    memory = {"change_themes": ["family", "less"], "who": "your kids", "steps_taken": ["naloxone"]}
    for offer in (None, "recovery_menu", "safer_use", "family_menu", "resume", "info:naloxone"):
        for seed in range(3):
            for codes in ([], ["complex_reflection", "complex_reflection"]):
                slots = {**memory, "pending_offer": offer}
                texts.extend(m.text for m in accept_turn(Context.plain("yes", slots, codes=codes, seed=seed)).messages)
                texts.extend(m.text for m in decline_turn(Context.plain("no", slots, codes=codes, seed=seed)).messages)
    texts.extend(m.text for m in decline_turn(Context.plain("no", {"last_prompt": "next_step"})).messages)
    texts.extend(m.text for m in decline_turn(Context.plain("no", {"ruler_pending": "importance"})).messages)
    return texts
