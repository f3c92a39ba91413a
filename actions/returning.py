"""Returning people: pick up from what Lantern kept in slots, or start fresh.

What is kept between sessions is only the bot's own words for what the person said
(theme keys, steps, ruler numbers: lantern/memory.py MEMORY_SLOTS), never their text.
At a new session (actions/session.py) `memory_from_before` says whether there is
something to pick up; action_greet then offers it ("Last time we talked, you said you
want to be there for your kids. Want to pick up from there, or start fresh?").
"start fresh" (`start_fresh`, action_start_fresh) clears that memory. Memory older
than the retention period (LANTERN_RETENTION_DAYS) is dropped at session start.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from actions.base import Context, MIAction, Turn
from actions.phrases import Message, say
from actions.summary import change_items, join_phrases, step_items, summary_text
from lantern.memory import MEMORY_SLOTS, TRANSIENT_SLOTS


def recap(context: Context) -> Optional[Message]:
    """'Last time we talked, you said you ...', or None when there is nothing to pick up."""
    slots = context.slots
    who = slots.get("who") if slots.get("role") != "family" else None
    items = change_items(slots.get("change_themes") or [], who, limit=2)
    steps = step_items(slots.get("steps_taken") or [], limit=2)
    rng, recent = context.rng, context.said
    if slots.get("role") == "family" and slots.get("who"):
        return say("returning.recap.family", rng, recent, who=slots["who"])
    if items and steps:
        return say("returning.recap.both", rng, recent, items=join_phrases(items), steps=join_phrases(steps))
    if items:
        return say("returning.recap", rng, recent, items=join_phrases(items))
    if steps:
        return say("returning.recap.steps", rng, recent, steps=join_phrases(steps))
    return None


def resume_turn(context: Context) -> Turn:
    """After "pick up from there": a summary of what was kept, then how things have been since."""
    rng, recent = context.rng, context.said
    text = summary_text(say("returning.resume", rng, recent).text, context.slots)
    first = Message(text, "summary") if text else recap(context)
    if first is None:
        return Turn(
            [say("returning.later", rng, recent), say("returning.fresh.question", rng, recent)],
            {"pending_offer": None, "last_prompt": None},
        )
    return Turn(
        [first, say("returning.resume.question", rng, recent)],
        {"pending_offer": None, "last_prompt": "resume", "memory_from_before": False},
    )


def fresh_turn(context: Context) -> Turn:
    """Forget what was kept (memory and turn state); say so plainly; ask openly."""
    cleared: Dict[str, Any] = {name: None for name in MEMORY_SLOTS + TRANSIENT_SLOTS + ("memory_since",)}
    cleared["memory_from_before"] = False
    return Turn(
        [
            say("returning.fresh", context.rng, context.said),
            say("returning.fresh.question", context.rng, context.said),
        ],
        cleared,
    )


class ActionStartFresh(MIAction):
    """`start_fresh`: clear what Lantern kept about earlier conversations."""

    action_name = "action_start_fresh"
    max_messages = 2

    def decide(self, context: Context) -> Turn:
        return fresh_turn(context)


def sample_texts() -> List[str]:
    texts: List[str] = []
    memories: List[Dict[str, Any]] = [
        {"change_themes": ["family", "less", "tired"], "who": "your kids", "steps_taken": ["naloxone", "days"]},
        {"change_themes": ["health"]},
        {"steps_taken": ["testing"]},
        {},
        {"change_themes": ["family"], "who": "your son", "role": "family"},
    ]
    for slots in memories:
        for seed in range(3):
            context = Context.plain("", slots, seed=seed)
            message = recap(context)
            if message:
                texts.append(message.text)
            texts.extend(m.text for m in resume_turn(context).messages)
            texts.extend(m.text for m in fresh_turn(context).messages)
    return texts
