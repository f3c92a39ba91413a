"""action_discord: pushback ("this is stupid", "you're just a bot", "I don't have a problem").

Agree with what is true in it, never defend (mi-style.md, Discord). This action
reflects the kind of pushback (actions/cues.py discord_kind); the rule then adds
utter_discord_autonomy: what Lantern can do, and that the person decides.
"""

from __future__ import annotations

from typing import List

from actions import cues
from actions.base import Context, MIAction, Turn
from actions.phrases import say


def discord_turn(context: Context) -> Turn:
    kind = cues.discord_kind(context.text)
    return Turn(
        [say(f"discord.{kind}", context.rng, context.said)],
        {"pending_offer": None, "ruler_pending": None, "last_prompt": None},
    )


class ActionDiscord(MIAction):
    """`pushback`: a reflection that agrees with what is true in it."""

    action_name = "action_discord"
    max_messages = 1

    def decide(self, context: Context) -> Turn:
        return discord_turn(context)


def sample_texts() -> List[str]:
    texts: List[str] = []
    for message in [
        "ur just a bot",
        "i dont need a pamphlet",
        "i dont have a problem",
        "you dont get it",
        "this is stupid",
    ]:
        for seed in range(4):
            texts.extend(m.text for m in discord_turn(Context.plain(message, seed=seed)).messages)
    return texts
