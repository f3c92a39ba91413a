"""The check-in questions the bot waits on, and whether a message answers one: shared by the dialogue policy
(rasa_plugins/policies/answers.py, in the Rasa server) and the actions (actions/checkins.py, in the action server).

Why both: the NLU reads "central" or "tomorrow at 2" as whatever intent its words resemble (a place, a
referral, a share). The policy sends a message that answers the waiting question to the question; a
message that does not (a new request, "can I talk to a person") keeps its own intent.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Mapping, Optional

from lantern.checkins import when

ZONE_QUESTION = "checkin_tz"
TIME_QUESTIONS = frozenset({"checkin_when", "checkin_move_when"})
WAITING = frozenset({ZONE_QUESTION, *TIME_QUESTIONS})
_ZIP = re.compile(r"\b\d{5}\b")
# The phrase key of the line that confirms a booking (actions/phrases/checkins.yml): its message carries it as
# `metadata.source`, so the SMS channel attaches the number only on the turn that booked (not on every SMS).
BOOKED_LINE = "checkin.booked"


def known_zone(slots: Mapping[str, Any]) -> Optional[str]:
    """The person's zone: said before (`timezone`), or from a ZIP they gave for a referral."""
    zone = slots.get("timezone")
    if isinstance(zone, str) and zone:
        return zone
    place = str(slots.get("referral_place") or "")
    return when.timezone_for_zip(place) if re.fullmatch(r"\d{5}", place) else None


def zone_answer(text: str) -> Optional[str]:
    """The zone in an answer to "what time zone are you in?": a zone's name, or a ZIP in the message."""
    zone = when.parse_timezone_answer(text)
    if zone is None:
        digits = _ZIP.search(text or "")
        zone = when.timezone_for_zip(digits.group(0)) if digits else None
    return zone


def answers(prompt: Optional[str], text: str, slots: Mapping[str, Any], now: datetime) -> bool:
    """Does `text` answer the check-in question `prompt` (a zone, or a time read in the known zone)?"""
    if prompt == ZONE_QUESTION:
        return zone_answer(text) is not None
    if prompt in TIME_QUESTIONS:
        zone = known_zone(slots)
        return zone is not None and when.parse_when(text, now, zone) is not None
    return False
