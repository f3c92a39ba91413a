"""action_privacy: who reads this, will it be reported, how long is it kept, can I delete it.

The answers say what the software does, with the organisation's name and policy as
settings (lantern/settings.py): transcripts are kept with names and numbers removed,
staff can read them, they are deleted after LANTERN_RETENTION_DAYS (0: kept until
staff delete them; lantern/records/transcripts/retention.py), Lantern reports to no one and
calls no one; a person can delete their conversation in the chat ("delete my chat", then yes:
actions/erasure.py), and staff can delete it on request too (LANTERN_SUPPORT_CONTACT if set).
"are you a person?" is bot_challenge (utter_iamabot); "can I talk to a person?" is action_human.
"""

from __future__ import annotations

import re
from typing import List

from actions import cues
from actions.base import Context, MIAction, Turn
from actions.human import staff_can_write_to
from actions.phrases import Message, say
from actions.reflect import reflect_turn
from lantern.text import MESSAGE_CHARS

SMS_LIMIT = MESSAGE_CHARS
ORDER = {
    "report": ["privacy.report", "privacy.who_reads", "retention"],
    "delete": ["privacy.delete", "retention", "privacy.fresh_note"],
    "retention": ["retention", "privacy.who_reads", "policy"],
    "who_reads": ["privacy.who_reads", "retention", "policy"],
}


def sms_pieces(text: str, limit: int = SMS_LIMIT) -> List[str]:
    """Split a long setting text at sentence ends into pieces of at most `limit` characters."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return [text] if text else []
    pieces: List[str] = []
    current = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        while len(sentence) > limit:  # one very long sentence: cut at a space
            cut = sentence.rfind(" ", 0, limit) if " " in sentence[:limit] else limit
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def privacy_messages(
    kinds: List[str],
    org: str,
    privacy_text: str,
    retention_days: int,
    contact: str,
    context: Context,
    staffed_hours: str = "",
) -> List[Message]:
    """Up to three messages answering the questions asked, most specific first. With staffed hours
    (docs/handoffs.md), who reads includes the person who joins when asked for, or at a crisis."""
    rng, recent = context.rng, context.said
    fill = {"org": org, "days": str(retention_days), "contact": f" ({contact})" if contact else ""}
    fill["hours"] = staffed_hours
    plan: List[str] = []
    for kind in kinds or ["who_reads"]:
        for step in ORDER[kind]:
            if step not in plan:
                plan.append(step)
    if len(kinds) > 1:  # each question's own answer first, then the rest
        heads = [ORDER[k][0] for k in kinds]
        plan = heads + [s for s in plan if s not in heads]
    messages: List[Message] = []
    for step in plan:
        if len(messages) >= 3:
            break
        if step == "retention":
            key = "privacy.retention" if retention_days > 0 else "privacy.retention.keep"
            messages.append(say(key, rng, recent, **fill))
        elif step == "policy":
            messages.extend(Message(piece, "information") for piece in sms_pieces(privacy_text)[: 3 - len(messages)])
        elif step == "privacy.who_reads" and staffed_hours:
            messages.append(say("privacy.who_reads.staffed", rng, recent, **fill))
        else:
            messages.append(say(step, rng, recent, **fill))
    return messages[:3]


class ActionPrivacy(MIAction):
    """`ask_privacy`: honest answers about who reads, reporting, retention and deletion."""

    action_name = "action_privacy"
    max_messages = 3

    def decide(self, context: Context) -> Turn:
        from lantern import settings

        if not cues.about_privacy(context.text):  # the classifier erred ("my arm has a wound"): listen instead
            return reflect_turn(context)
        s = settings.load()
        hours = s.staffed.describe() if staff_can_write_to(context.sender_id) else ""
        kinds = cues.privacy_kinds(context.text)
        messages = privacy_messages(
            kinds, s.org_name, s.privacy_text, s.retention_days, s.support_contact, context, hours
        )
        return Turn(messages, {"ruler_pending": None, "pending_offer": None})


def sample_texts() -> List[str]:
    from actions.phrases import SAMPLES

    texts: List[str] = []
    kinds_list = [
        [],
        ["report"],
        ["delete"],
        ["retention"],
        ["who_reads"],
        ["report", "delete"],
        ["report", "delete", "retention", "who_reads"],
    ]
    for kinds in kinds_list:
        for org in SAMPLES["org"]:
            for days in (90, 0):
                for contact, hours in (("", ""), ("harbor@example.org, 555-0100", SAMPLES["hours"][1])):
                    context = Context.plain("", seed=1)
                    policy = SAMPLES["privacy_text"][0]
                    texts.extend(m.text for m in privacy_messages(kinds, org, policy, days, contact, context, hours))
    return texts
