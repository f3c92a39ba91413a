"""The crisis reply for a detector result when no turn can run: the same script the policy plays.

Used where the Rasa turn is not available or did not finish: the degraded
answer of every channel (rasa_plugins/channels/guard.py, rasa_plugins/channels/turns.py) and a
crisis sign from an SMS number that opted out (rasa_plugins/channels/sms.py). The words
and markers come from domain/crisis.yml through lantern/crisis/script.py, so there
is one script, not two (tests/unit/test_crisis_script.py). Needs only the
locale file and the domain file.

Each message is Rasa-style: `{"text": ..., "custom": {"crisis": ..., "emergency_number": ...}}`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from lantern.crisis import registry, script
from lantern.crisis.detector import CrisisResult
from lantern.crisis.resources import Locale, load_locale

Message = Dict[str, Any]
MAX_CHARS = 320  # house rules for every crisis message (tests/unit/test_crisis_messages.py)
MAX_MESSAGES = 3


def replies_for(result: CrisisResult, loc: Optional[Locale] = None, in_crisis_mode: bool = False) -> List[Message]:
    """The reply for a detector result: full script, check-in, reminder, or [] when no crisis reply is due.

    `in_crisis_mode`: the conversation already got the full script; send the short reminder instead.
    """
    loc = loc or load_locale()
    if result.level not in ("crisis", "check_in"):
        return []
    category = registry.find(result.category)  # a name; a stored value read back from a parse works too
    kind = category.name if category else None
    if in_crisis_mode:
        return script.still_here(kind, loc)
    if result.level == "crisis":
        return script.first_reply(kind or registry.DEFAULT.name, loc) if result.category else script.check_in(None, loc)
    return script.check_in(kind, loc)
