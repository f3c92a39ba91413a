"""action_human: "can I talk to a real person?" Honest: Lantern is a bot; a person joins if one is on duty.

During staffed hours (LANTERN_STAFFED_HOURS, docs/handoffs.md), over SMS or the web chat, the bot says
someone from the organisation will join this chat ("human.requested"); the channel sees that line and
puts the conversation in the staff console's queue (rasa_plugins/channels/handoff_relay.py), so the bot
never promises a person the queue does not have. Outside those hours it says when people are there and
gives the helpline. With no staffed hours set, or over a channel staff cannot write to (REST), it gives
the helpline and the organisation's contact, as before. The helpline comes from the locale file
(config/locales/<locale>.yml, `substance_use`), the organisation from settings.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import Any, List, Optional

from actions.base import Context, MIAction, Turn
from actions.phrases import say
from lantern.identity import SMS_PREFIX, WIDGET_SESSION

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


@dataclass(frozen=True)
class Staffing:
    """Whether a person can join now: `hours` as the bot says them ("" when none are set), `on_duty` now."""

    hours: str = ""
    on_duty: bool = False
    emergency: str = "911"


def staff_can_write_to(sender_id: str) -> bool:
    """SMS and the web widget can receive a staff member's messages; REST (tests, the console's Try it) cannot."""
    return sender_id.startswith(SMS_PREFIX) or bool(WIDGET_SESSION.fullmatch(sender_id))


def human_turn(
    context: Context, helpline: Optional[str], org: str, contact: str, staffing: Staffing = Staffing()
) -> Turn:
    rng, recent = context.rng, context.said
    fill = {"org": org, "contact": f" ({contact})" if contact else ""}
    if staffing.hours and staff_can_write_to(context.sender_id):
        if staffing.on_duty:
            message = say("human.requested", rng, recent, org=org, emergency_number=staffing.emergency)
            return Turn([message], {"pending_offer": None, "ruler_pending": None})
        messages = [say("human.after_hours", rng, recent, org=org, hours=staffing.hours)]
        if helpline:
            messages.append(say("human.helpline.now", rng, recent, helpline=helpline))
        return Turn(messages, {"pending_offer": None, "ruler_pending": None})
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
        return human_turn(context, helpline_text(), s.org_name, s.support_contact, staffing_now(s))


def staffing_now(s: Any) -> Staffing:
    """The staffed hours from settings, and whether this moment is in them."""
    from lantern.crisis.resources import load_locale

    hours = s.staffed
    try:
        emergency = load_locale(s.locale).emergency_number
    except Exception:  # the same fallback as the channel's
        emergency = "911"
    return Staffing(hours.describe(), hours.is_staffed(time.time()), emergency)


def sample_texts() -> List[str]:
    from actions.phrases import SAMPLES

    texts: List[str] = []
    staffings = [Staffing(), Staffing("Mon-Fri 9am-5pm (EST)", True), Staffing("Mon-Fri 9am-5pm (EST)", False)]
    for helpline in SAMPLES["helpline"] + [None]:
        for org in SAMPLES["org"]:
            for contact in ("", "harbor@example.org, 555-0100"):
                for staffing in staffings:
                    context = Context.plain()
                    context = replace(context, sender_id="sms:p_aaaaaaaaaaaaaaaaaaaa")
                    texts.extend(m.text for m in human_turn(context, helpline, org, contact, staffing).messages)
    return texts
