"""Summaries: the change talk of this conversation, gathered and offered back in the bot's own words.

What the person said for change is kept in slots as theme keys (`change_themes`:
"family", "tired"...), steps (`steps_taken`) and ruler answers, never as raw text;
the summary is assembled from the fragments in actions/phrases/reflect.yml, then
the person is asked what they make of it. `action_summarize` answers "so what
now?" (`what_next`); action_reflect also offers a summary by itself once three
new change themes have come up.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional, Sequence

from actions.base import Context, MIAction, Turn
from actions.phrases import Message, capitalise, fragment, fragment_table, say
from lantern.text import MESSAGE_CHARS

SMS_LIMIT = MESSAGE_CHARS
DEFAULT_WHO = "the people you love"


def join_phrases(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b, and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + ", and " + items[-1]


def change_items(themes: Sequence[str], who: Optional[str], limit: int = 4) -> List[str]:
    """'want to be there for your kids', ... for the most recent `limit` change themes."""
    table = fragment_table()
    keys = [k for k in themes if f"change.{k}" in table][-limit:]
    return [fragment(f"change.{k}", "you", who=who or DEFAULT_WHO) for k in keys]


def step_items(steps: Sequence[str], limit: int = 2) -> List[str]:
    table = fragment_table()
    keys = [k for k in steps if f"step.{k}" in table][-limit:]
    return [fragment(f"step.{k}", "past") for k in keys]


def summary_text(opener: str, slots: Dict[str, Any]) -> Optional[str]:
    """The summary sentence (<= 320 characters), or None when there is no change talk to gather."""
    who = slots.get("who") if slots.get("role") != "family" else None
    changes = change_items(slots.get("change_themes") or [], who)
    if not changes:
        return None
    sustain = [k for k in (slots.get("sustain_themes") or []) if f"sustain.{k}" in fragment_table()][-1:]
    steps = step_items(slots.get("steps_taken") or [])
    importance = slots.get("importance")
    for n_changes, n_steps, with_sustain, with_ruler in itertools.product(
        range(len(changes), 0, -1), range(len(steps), -1, -1), (True, False), (True, False)
    ):
        parts = [opener]
        if with_sustain and sustain:
            parts.append(
                f"Part of you {fragment('sustain.' + sustain[0], 'part')}. At the same time, you "
                f"{join_phrases(changes[-n_changes:])}."
            )
        else:
            parts.append(f"You {join_phrases(changes[-n_changes:])}.")
        if n_steps:
            parts.append(f"And you already {join_phrases(steps[-n_steps:])}.")
        if with_ruler and isinstance(importance, (int, float)):
            parts.append(f"You put how much it matters at {_number(importance)} out of 10.")
        text = " ".join(parts)
        if len(text) <= SMS_LIMIT:
            return text
    return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def summary_turn(context: Context, question_key: str = "summary.key_question") -> Turn:
    """Summary plus the question; or, with nothing gathered yet, an honest 'not much yet' and an open question."""
    opener = say("summary.open", context.rng, context.said)
    text = summary_text(opener.text, context.slots)
    themes = context.slots.get("change_themes") or []
    if text is None:
        return Turn(
            [
                say("summary.empty", context.rng, context.said),
                say("summary.empty.question", context.rng, context.said),
            ],
            {"last_prompt": None},
        )
    return Turn(
        [Message(text, "summary", talk="change"), say(question_key, context.rng, context.said)],
        {
            "summary_at": float(len(themes)),
            "last_prompt": "next_step" if question_key == "summary.next_question" else "summary_check",
        },
    )


class ActionSummarize(MIAction):
    """`what_next` ("so what now?"): offer back what the person has said for change, then the key question."""

    action_name = "action_summarize"
    max_messages = 2

    def decide(self, context: Context) -> Turn:
        return summary_turn(context, "summary.next_question")


def sample_texts() -> List[str]:
    """Summaries for many theme combinations (for the lint test)."""
    change = [k.split(".", 1)[1] for k in fragment_table() if k.startswith("change.")]
    sustain = [k.split(".", 1)[1] for k in fragment_table() if k.startswith("sustain.")]
    steps = [k.split(".", 1)[1] for k in fragment_table() if k.startswith("step.")]
    texts: List[str] = []
    for i in range(len(change)):
        themes = [change[(i + j) % len(change)] for j in range(4)]
        slots = {
            "change_themes": themes,
            "sustain_themes": [sustain[i % len(sustain)]],
            "steps_taken": [steps[i % len(steps)], steps[(i + 3) % len(steps)]],
            "importance": 7.0,
            "who": "your grandkids",
        }
        for seed in range(3):
            turn = summary_turn(Context.plain(slots=slots, seed=seed))
            texts.extend(m.text for m in turn.messages)
    texts.extend(m.text for m in summary_turn(Context.plain()).messages)
    return [capitalise(t) for t in texts]
