"""action_human: "can I talk to a real person?" Honest: Lantern is a bot; here is a person to call.

The helpline comes from the locale file (config/locales/<locale>.yml, `substance_use`),
the organisation from settings (LANTERN_ORG_NAME, LANTERN_SUPPORT_CONTACT).
"""

from __future__ import annotations

import logging
from typing import List, Optional

from actions.base import Context, MIAction, Turn
from actions.phrases import say

logger = logging.getLogger(__name__)


def helpline_text() -> Optional[str]:
    try:
        from lantern import settings
        from lantern.crisis.resources import load_locale

        line = load_locale(settings.load().locale).helpline("substance_use")
    except Exception as exc:  # without the file we still answer honestly
        logger.warning("helpline unavailable (%s)", type(exc).__name__)
        return None
    if not line:
        return None
    return f"{line.name} ({line.number})" + (f": {line.note}" if line.note else "")


def human_turn(context: Context, helpline: Optional[str], org: str, contact: str) -> Turn:
    rng, recent = context.rng, context.said
    fill = {"org": org, "contact": f" ({contact})" if contact else ""}
    if helpline:
        messages = [say("human.helpline", rng, recent, helpline=helpline)]
        if contact:
            messages.append(say("human.org", rng, recent, **fill))
    else:
        messages = [say("human.no_line", rng, recent, **fill)]
    return Turn(messages, {"pending_offer": None, "ruler_pending": None})


class ActionHuman(MIAction):
    """`ask_human`: a person to talk to."""

    action_name = "action_human"
    max_messages = 2

    def decide(self, context: Context) -> Turn:
        from lantern import settings

        s = settings.load()
        return human_turn(context, helpline_text(), s.org_name, s.support_contact)


def sample_texts() -> List[str]:
    from actions.phrases import SAMPLES

    texts: List[str] = []
    for helpline in SAMPLES["helpline"] + [None]:
        for org in SAMPLES["org"]:
            for contact in ("", "harbor@example.org, 555-0100"):
                texts.extend(m.text for m in human_turn(Context.plain(), helpline, org, contact).messages)
    return texts
