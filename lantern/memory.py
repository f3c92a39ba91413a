"""What a conversation keeps from one session to the next, shared by the Rasa server and the action server.

A new session starts with the slots of the last one, minus the transient ones (a question
waiting for a yes makes no sense hours later) and minus the memory once it is older than the
retention period (LANTERN_RETENTION_DAYS). The memory is only the bot's own labels for what the
person said (theme keys, steps, ruler numbers), never their text. The Rasa server starts
sessions in-process with this (rasa_plugins/custom_actions.py) so a session still starts when
the action server is down; the action server's `action_session_start` uses the same function.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

MEMORY_SLOTS = (
    "change_themes",
    "sustain_themes",
    "steps_taken",
    "who",
    "importance",
    "confidence",
    "role",
    "timezone",
)
TRANSIENT_SLOTS = (
    "ruler_pending",
    "ruler_asked",
    "last_prompt",
    "pending_offer",
    "summary_at",
    "memory_from_before",
    "topic",
    "last_entry",
    "said",
    "plan_step",
    "checkin_draft",
    "checkin_tries",
)
DAY_SECONDS = 86400.0
CHECKIN_FOLLOWUP = "checkin_followup"  # `last_prompt` after a check-in text (rasa_plugins/channels/sms.py)


def has_memory(slots: Dict[str, Any]) -> bool:
    """True when there is something from before to pick up (themes, steps, or who a family member worries about)."""
    return bool(
        slots.get("change_themes") or slots.get("steps_taken") or (slots.get("role") == "family" and slots.get("who"))
    )


def expired(memory_since: Optional[float], now: float, retention_days: int) -> bool:
    """True when the memory is older than the retention period (0 days: kept until staff delete it)."""
    if not memory_since or retention_days <= 0:
        return False
    return now - float(memory_since) > retention_days * DAY_SECONDS


def carried_slots(slots: Dict[str, Any], now: float, retention_days: int) -> Dict[str, Any]:
    """The slot values the new session starts with."""
    values = {name: value for name, value in slots.items() if value is not None and name not in TRANSIENT_SLOTS}
    if slots.get("last_prompt") == CHECKIN_FOLLOWUP:  # the check-in text asked; the answer may come days later
        values["last_prompt"] = CHECKIN_FOLLOWUP
    if expired(values.get("memory_since"), now, retention_days):
        for name in MEMORY_SLOTS + ("memory_since",):
            values.pop(name, None)
    values["memory_from_before"] = has_memory(values)
    return values
