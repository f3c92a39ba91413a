"""What an SMS can carry: encodings, segments, splitting, keywords and numbered choices.

Pure functions, no I/O, so the rules are unit-tested on their own.

Why it matters: an SMS is sent in segments. GSM-7 text fits 160 characters in
one segment (153 per segment once split); a single character outside GSM-7
(an emoji, a curly quote) turns the whole message into UCS-2, 70 UTF-16 units
(67 per segment). Carriers reassemble the segments of ONE message in order,
but separate messages may arrive out of order, so a reply is split only where
a reader would not mind: at sentence ends, never inside a phone number or a
link, which would no longer be tappable.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

# GSM 03.38 basic character set (the escape character left out) and its extension table.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")  # each costs two septets (escape + char)

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67

# Per outgoing message, in segments. Two segments match the style guide's
# 320-character message (mi-style.md section 3) and keep one thought together.
MAX_SEGMENTS_PER_SMS = 2

# Typographic characters that force UCS-2 for no reason; replaced like Twilio's "smart encoding".
_SMART = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2012": "-",
    "\u2212": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u2022": "-",
    "\u00b7": "-",
}


def smart_to_gsm(text: str) -> str:
    """Replace curly quotes, dashes, ellipses and odd spaces with their GSM-7 lookalikes."""
    return "".join(_SMART.get(ch, ch) for ch in text)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def _units(text: str) -> Tuple[str, List[int]]:
    """('gsm7' | 'ucs2', cost of each character in septets or UTF-16 units)."""
    if is_gsm7(text):
        return "gsm7", [2 if ch in GSM7_EXTENDED else 1 for ch in text]
    return "ucs2", [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def segment_count(text: str) -> int:
    """How many segments Twilio bills for `text` (escape pairs and surrogate pairs never straddle two)."""
    encoding, costs = _units(text)
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if encoding == "gsm7" else (UCS2_SINGLE, UCS2_MULTI)
    total = sum(costs)
    if total <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments, used = segments + 1, 0
        used += cost
    return segments


def encoding_of(text: str) -> str:
    return _units(text)[0]


def fits(text: str, max_segments: int = MAX_SEGMENTS_PER_SMS) -> bool:
    return segment_count(text) <= max_segments


# Spans that must never be cut: links, email addresses and phone numbers (which may contain spaces).
_PROTECTED = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"  # links with a scheme or www.
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # email addresses
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:org|gov|com|net|edu|us|info|io)(?:/[^\s<>\"]*)?"  # bare domains
    r"|\+?\(?\d[\d().\- ]{4,}\d",  # phone numbers: 1-800-662-4357, (614) 555-0100, +1 614 555 0100
    re.IGNORECASE,
)
_ABBREVIATIONS = {"dr", "st", "mr", "mrs", "ms", "no", "vs", "e.g", "i.e", "etc", "approx", "apt", "ave", "rd"}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")


def _protected_spans(text: str) -> List[Tuple[int, int]]:
    spans = []
    for m in _PROTECTED.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in ".,;:!?)":  # sentence punctuation is not part of the link
            end -= 1
        spans.append((start, end))
    return spans


def _inside(pos: int, spans: Sequence[Tuple[int, int]]) -> bool:
    return any(start < pos < end for start, end in spans)


def _cut_points(
    text: str, pattern: "re.Pattern[str]", spans: Sequence[Tuple[int, int]], check_abbrev: bool
) -> List[Tuple[int, int]]:
    """(end of piece, start of next piece) for each allowed break."""
    points = []
    for m in pattern.finditer(text):
        if _inside(m.start(), spans) or _inside(m.end(), spans):
            continue
        if check_abbrev and "\n" not in m.group(0):
            word = re.findall(r"[\w.]+$", text[: m.start()].rstrip("\"')]").rstrip(".!?"))
            if word and word[-1].lower() in _ABBREVIATIONS:
                continue
        points.append((m.start(), m.end()))
    return points


def _pieces(text: str, pattern: "re.Pattern[str]", check_abbrev: bool) -> List[str]:
    spans = _protected_spans(text)
    pieces, start = [], 0
    for end, nxt in _cut_points(text, pattern, spans, check_abbrev):
        if text[start:end].strip():
            pieces.append(text[start:end])
        start = nxt
    if text[start:].strip():
        pieces.append(text[start:])
    return pieces


def _pack(pieces: List[str], joiner: str, max_segments: int) -> List[str]:
    out: List[str] = []
    for piece in pieces:
        if out and fits(out[-1] + joiner + piece, max_segments):
            out[-1] = out[-1] + joiner + piece
        else:
            out.append(piece)
    return out


def split_for_sms(text: str, max_segments: int = MAX_SEGMENTS_PER_SMS) -> List[str]:
    """Split one bot message into SMS bodies of at most `max_segments` segments each.

    Sentences are kept whole where they fit; a longer sentence is split between
    words. A link, email address or phone number is never cut: one that alone
    is longer than the limit goes out whole in a longer message.
    """
    text = smart_to_gsm(text).strip()
    if not text:
        return []
    if fits(text, max_segments):
        return [text]
    parts: List[str] = []
    for sentence in _pieces(text, _SENTENCE_END, check_abbrev=True):
        sentence = sentence.strip()
        if fits(sentence, max_segments):
            parts.append(sentence)
        else:
            parts.extend(_pack(_pieces(sentence, re.compile(r"\s+"), check_abbrev=False), " ", max_segments))
    # Join sentences back together while they fit: fewer, fuller messages.
    merged: List[str] = []
    for part in parts:
        if merged and fits(merged[-1] + " " + part, max_segments):
            merged[-1] = merged[-1] + " " + part
        else:
            merged.append(part)
    return merged


# --- buttons as numbered choices -------------------------------------------------------------


def numbered_choices(text: str, buttons: Sequence[Dict[str, str]]) -> Tuple[str, List[str]]:
    """The message with its buttons as "Reply 1 for ..." lines, and the payload for each number."""
    usable = [b for b in buttons if isinstance(b, dict) and (b.get("title") or b.get("payload"))]
    if not usable:
        return text, []
    lines = [f"{i}: {smart_to_gsm(str(b.get('title') or b.get('payload'))).strip()}" for i, b in enumerate(usable, 1)]
    payloads = [str(b.get("payload") or b.get("title")) for b in usable]
    body = (text.rstrip() + "\n" if text.strip() else "") + "Reply with a number:\n" + "\n".join(lines)
    return body, payloads


def choice_payload(text: str, payloads: Sequence[str], titles: Optional[Sequence[str]] = None) -> Optional[str]:
    """The payload a reply such as "1", "#2", "2." or the exact title stands for, else None."""
    cleaned = text.strip().lower()
    m = re.fullmatch(r"[#(]?\s*(\d{1,2})\s*[).]?", cleaned)
    if m:
        index = int(m.group(1))
        return payloads[index - 1] if 1 <= index <= len(payloads) else None
    for title, payload in zip(titles or [], payloads, strict=False):
        if cleaned and cleaned == str(title).strip().lower():
            return payload
    return None


# --- CTIA keywords ---------------------------------------------------------------------------

STOP_WORDS = frozenset(
    {"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "optout", "opt out", "opt-out", "revoke"}
)
START_WORDS = frozenset({"start", "unstop", "subscribe"})
START_WHEN_OPTED_OUT = frozenset({"yes", "y", "resume"})  # ordinary answers while subscribed
HELP_WORDS = frozenset({"help", "info"})


def keyword(text: str, opted_out: bool = False) -> Optional[str]:
    """'stop', 'start' or 'help' when the whole message is such a keyword (any case, punctuation ignored)."""
    cleaned = " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())
    if cleaned in STOP_WORDS:
        return "stop"
    if cleaned in START_WORDS or (opted_out and cleaned in START_WHEN_OPTED_OUT):
        return "start"
    if cleaned in HELP_WORDS:
        return "help"
    return None


def keyword_reply(kind: str, program: str, org: str, support: str, emergency: str, crisis_line: str) -> str:
    """CTIA-style confirmation for STOP / START / HELP: program name, how to stop, rates, support contact."""
    support_part = f" Support: {support}." if support else ""
    if kind == "stop":
        text = (
            f"{program}: You're unsubscribed and will get no more messages. Reply START to chat again."
            f"{support_part} In danger? Call {emergency}."
        )
    elif kind == "start":
        text = (
            f"{program}: You're subscribed again. Text any time to chat. Msg & data rates may apply. "
            "Reply HELP for help, STOP to opt out."
        )
    else:
        text = (
            f"{program}: chat support about drug use, from {org}.{support_part} "
            f"Msg & data rates may apply. Reply STOP to opt out. "
            f"In danger now? Call {emergency}. Crisis line: {crisis_line}."
        )
    return " ".join(smart_to_gsm(text).split())
