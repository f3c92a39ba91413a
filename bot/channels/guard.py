"""Checks shared by every channel: what a sender id and a message may be."""
from __future__ import annotations

import unicodedata
from typing import Any, Dict, List, Optional, Tuple

MAX_TEXT_CHARS = 4000  # far above a chat message; a 10-segment SMS is ~1,600
MAX_SENDER_CHARS = 128

# Said when a turn could not be completed (for example the database is down):
# honest, short, and never without the emergency step.
TURN_FAILED_MESSAGES: List[Dict[str, Any]] = [
    {
        "recipient_id": "",
        "text": "Sorry, something went wrong on our side and your message was not saved. "
        "Please try again in a minute. If you or someone with you is in danger, call 911 now.",
    }
]


def check_sender_id(value: Any) -> Tuple[Optional[str], Optional[str]]:
    """Return (sender_id, None) or (None, error). Sender ids are opaque, printable, short."""
    if value is None or value == "":
        return None, "missing 'sender'"
    if not isinstance(value, (str, int)):
        return None, "'sender' must be a string"
    sender = str(value)
    if len(sender) > MAX_SENDER_CHARS:
        return None, f"'sender' is too long (max {MAX_SENDER_CHARS} characters)"
    if any(unicodedata.category(ch).startswith("C") for ch in sender):
        return None, "'sender' contains control characters"
    return sender, None


def check_text(value: Any) -> Tuple[Optional[str], Optional[str]]:
    """Return (text, None) or (None, error). Control characters other than newlines are dropped."""
    if value is None:
        return None, "missing 'message'"
    if not isinstance(value, str):
        return None, "'message' must be a string"
    if len(value) > MAX_TEXT_CHARS:
        return None, f"'message' is too long (max {MAX_TEXT_CHARS} characters)"
    cleaned = "".join(
        ch for ch in value if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
    ).strip()
    if not cleaned:
        return None, "'message' is empty"
    return cleaned, None
