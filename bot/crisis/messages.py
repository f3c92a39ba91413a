"""Crisis replies built from a locale file alone.

Why pure functions with no other dependency: these are also the fallback
when the action server or database is down, so they must work with nothing
but `config/locales/<name>.yml`. Each function returns Rasa-style bot
messages: `{"text": ..., "custom": {...}}`.

House rules (mi-style.md section 3 and 4, checked by tests/unit/test_crisis_messages.py):
the first message leads with the emergency step; at most 3 messages of at
most 320 characters; no emoji; no "you should / need to / must"; plain words.

The `custom` payload on every message, for channels, logs and analytics:
    crisis:            "overdose" | "suicide" | "danger" | "check_in"
    category:          detector category (overdose_stimulant stays distinct here)
    level:             "crisis" | "check_in"
    step:              "first" | "reminder" | "safe"
    emergency_number:  the locale's emergency number, e.g. "911"
    crisis_line:       the locale's crisis line, e.g. "988"
    first_call:        the number this reply leads with (988 for suicide, else the emergency number)
    locale:            e.g. "en-US"
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .detector import CrisisResult, family
from .resources import Locale, load_locale

Message = Dict[str, Any]
MAX_CHARS = 320
MAX_MESSAGES = 3


def _payload(loc: Locale, crisis: str, category: Optional[str], level: str, step: str, first_call: str) -> Dict[str, Any]:
    return {"crisis": crisis, "category": category, "level": level, "step": step,
            "emergency_number": loc.emergency_number, "crisis_line": loc.crisis_line_number,
            "first_call": first_call, "locale": loc.name}


def _build(texts: List[str], payload: Dict[str, Any]) -> List[Message]:
    return [{"text": " ".join(t.split()), "custom": dict(payload)} for t in texts if t.strip()]


def _gs(loc: Locale) -> str:
    return loc.good_samaritan or ""


def overdose(loc: Locale) -> List[Message]:
    """Opioid (or unknown) overdose happening now."""
    e = loc.emergency_number
    return _build([
        f"Call {e} now. Say someone is not breathing or will not wake up, and give the address. "
        "If you have naloxone (Narcan), spray one dose into one nostril.",
        "Give rescue breaths: tilt the head back, lift the chin, pinch the nose, 1 breath every 5 seconds. "
        "If they start breathing, roll them onto their side (recovery position) so they don't choke. Stay with them.",
        "No response after 2 to 3 minutes? Give a second dose in the other nostril. "
        f"Stay until help comes, because naloxone can wear off. {_gs(loc)} I'm here with you.",
    ], _payload(loc, "overdose", "overdose", "crisis", "first", e))


def stimulant(loc: Locale) -> List[Message]:
    """Stimulant overdose (meth, cocaine, MDMA...): heat, heart, seizures."""
    e = loc.emergency_number
    return _build([
        f"Call {e} now and give the address. Say what was taken and what you see, like chest pain, "
        "a racing heart, very high heat, confusion or a seizure.",
        "Move to a cool, quiet place. Cool the skin with damp cloths or cool water, and give sips of water "
        "if they can swallow. Keep your voice calm and low. Don't hold them down.",
        "Seizure? Move hard things away and put nothing in the mouth. Not breathing or won't wake up? "
        f"Give naloxone if you have it, since fentanyl is often mixed in. {_gs(loc)} Stay with them.",
    ], _payload(loc, "overdose", "overdose_stimulant", "crisis", "first", e))


def suicide(loc: Locale) -> List[Message]:
    """Suicidal thoughts or self-harm."""
    c, e = loc.crisis_line_number, loc.emergency_number
    return _build([
        f"Please {loc.crisis_line_how} {c} now to reach the {loc.crisis_line_name}. "
        f"If you have already hurt yourself or taken something, call {e}.",
        "Are you safe right now? I'm here, and I'll stay with you. If you can, put some distance between you "
        "and anything you could use to hurt yourself, or ask someone to be with you.",
    ], _payload(loc, "suicide", "suicide", "crisis", "first", c))


def danger(loc: Locale) -> List[Message]:
    """Violence or a threat happening now."""
    e = loc.emergency_number
    return _build([
        f"If you are in danger, call {e} now, if you can do it safely.",
        "If you can, get to a safer spot: a room that locks, a neighbor, or a public place with people around. "
        "Keep your phone with you.",
        "I'm here. Are you safe right now?",
    ], _payload(loc, "danger", "danger", "crisis", "first", e))


def check_in(loc: Locale, category: Optional[str] = None) -> List[Message]:
    """The gentle question when a message might be a crisis."""
    e, c, how = loc.emergency_number, loc.crisis_line_number, loc.crisis_line_how
    if family(category) == "overdose":
        extra = f"If someone won't wake up or isn't breathing well, call {e} now and give naloxone if you have it."
    elif category == "suicide":
        extra = f"If you're thinking about suicide, you can {how} {c} any time, day or night. I'm here to listen."
    elif category == "danger":
        extra = f"If you're in danger, call {e} when you can do it safely."
    else:
        extra = f"If so, call {e} now. For thoughts of suicide, you can {how} {c}."
    return _build([f"I want to make sure you're okay. Are you, or anyone with you, in danger right now? {extra}"],
                  _payload(loc, "check_in", category, "check_in", "first", e))


def reminder(loc: Locale, category: Optional[str]) -> List[Message]:
    """Each turn in crisis mode, until the person says they are safe: keep the emergency step in view."""
    e, c, how = loc.emergency_number, loc.crisis_line_number, loc.crisis_line_how
    fam = family(category) or "danger"
    if category == "overdose_stimulant":
        text = (f"I'm still here. If help isn't there yet, call {e}. Keep them cool and calm, and stay close. "
                "Let me know when they're safe.")
    elif fam == "overdose":
        text = (f"I'm still here. If help isn't there yet, call {e}. No response after 2 to 3 minutes? Give another "
                "naloxone dose. Keep giving breaths, or keep them on their side if they're breathing. "
                "Let me know when they're safe.")
    elif fam == "suicide":
        text = f"I'm still here with you. You can {how} {c} any time, or call {e} if you're hurt. Are you safe right now?"
    else:
        text = f"I'm still here. If you're in danger, call {e} when you can do it safely. Let me know when you're safe."
    first = c if fam == "suicide" else e
    return _build([text], _payload(loc, fam, category, "crisis", "reminder", first))


def safe_ack(loc: Locale, category: Optional[str]) -> List[Message]:
    """When the person says they are safe: affirm, offer (not push) support, leave the door open."""
    fam = family(category)
    if fam == "overdose":
        first = "I'm so glad they're okay. You stayed and helped, and that took courage."
    elif fam == "suicide":
        first = "I'm really glad you're safe right now. Reaching out took strength."
    else:
        first = "I'm really glad you're safe right now."
    second = (f"If things change, {loc.emergency_number} is there any time, and you can {loc.crisis_line_how} "
              f"{loc.crisis_line_number}. Would it help to talk about what happened, or would you like some support numbers?")
    return _build([first, second], _payload(loc, fam or "check_in", category, "check_in", "safe", loc.emergency_number))


def support_numbers(loc: Locale) -> List[Message]:
    """The other helplines in the locale file, on request (one message)."""
    text = "Some numbers, if useful: "
    shown = 0
    for h in loc.helplines:
        item = f"{'; ' if shown else ''}{h.name}: {h.number}"
        if len(text) + len(item) + 1 > MAX_CHARS:
            break  # whole entries only; never cut a number in half
        text, shown = text + item, shown + 1
    if not shown:  # no helplines configured: the crisis line is always there
        text = f"For support any time, you can {loc.crisis_line_how} {loc.crisis_line_number} ({loc.crisis_line_name})"
    return _build([text + "."], _payload(loc, "check_in", None, "check_in", "safe", loc.emergency_number))


_FIRST = {"overdose": overdose, "overdose_stimulant": stimulant, "suicide": suicide, "danger": danger}


def replies_for(result: CrisisResult, loc: Optional[Locale] = None, in_crisis_mode: bool = False) -> List[Message]:
    """The reply for a detector result: full script, check-in, reminder, or [] when no crisis reply is due.

    `in_crisis_mode`: the conversation already got the full script; send the short reminder instead.
    """
    loc = loc or load_locale()
    if result.level == "crisis":
        if in_crisis_mode:
            return reminder(loc, result.category)
        return _FIRST.get(result.category or "", overdose)(loc) if result.category else check_in(loc, None)
    if result.level == "check_in":
        return reminder(loc, result.category) if in_crisis_mode else check_in(loc, result.category)
    return []
