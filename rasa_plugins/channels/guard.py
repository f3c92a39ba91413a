"""Checks shared by every channel: what a sender id and a message may be."""

from __future__ import annotations

import unicodedata
from typing import Any, Dict, List, Optional, Tuple

MAX_TEXT_CHARS = 4000  # far above a chat message; a 10-segment SMS is ~1,600
MAX_SENDER_CHARS = 128


def failure_messages(text: str) -> List[Dict[str, Any]]:
    """What to send when a turn failed (for example the database is down).

    A message that needs a crisis reply gets the full crisis script, first and
    alone (at most three messages); anything else gets an honest apology that
    still names the emergency number. Needs neither the model, the action
    server nor the database: only the crisis detector and the locale file.
    """
    from lantern.crisis.detector import detect
    from lantern.crisis.messages import replies_for
    from lantern.crisis.resources import load_locale

    try:
        crisis = [dict(m) for m in replies_for(detect(text))][:3]
        emergency = load_locale().emergency_number
    except Exception:  # a broken locale file must not leave the person with nothing
        crisis, emergency = [], "911"
    if crisis:
        return crisis
    return [
        {
            "text": "Sorry, something went wrong on our side and your message was not saved. Please try "
            f"again in a minute. If you or someone with you is in danger, call {emergency} now."
        }
    ]


def check_sender_id(value: Any) -> Tuple[Optional[str], Optional[str]]:
    """Return (sender_id, None) or (None, error). Sender ids are opaque, printable, short."""
    if value is None or value == "":
        return None, "missing 'sender'"
    if not isinstance(value, str):  # not a number or a boolean: `"sender": true` is a client bug, not a person
        return None, "'sender' must be a string"
    sender = value
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
    cleaned = "".join(ch for ch in value if ch in "\n\t" or not unicodedata.category(ch).startswith("C")).strip()
    if not cleaned:
        return None, "'message' is empty"
    return cleaned, None


def describe_failure(exc: BaseException) -> str:
    """What failed, for the log, without the user's words: the chain of exception types, Rasa's graph
    node when a component failed, and where the innermost error was raised (file and line)."""
    parts: List[str] = []
    seen = 0
    current: Optional[BaseException] = exc
    innermost = exc
    while current is not None and seen < 5:
        label = type(current).__name__
        if label == "GraphComponentException":  # its message names only the pipeline node
            label += f" ({str(current)[:120]})"
        parts.append(label)
        innermost = current
        current = current.__cause__ or current.__context__
        seen += 1
    tb = innermost.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" at {tb.tb_frame.f_code.co_filename.rsplit('site-packages/', 1)[-1]}:{tb.tb_lineno}" if tb else ""
    return " <- ".join(parts) + where
