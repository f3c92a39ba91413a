"""MI bookkeeping shared by the actions: what the bot has said so far, the talk type, the question budget.

MITI "good" levels ask for at least two reflections per question, so questions
are spent carefully: a flow question (a ruler, "what helped before?") is asked
when the flow needs it, an optional "tell me more" only after a few
reflections in a row. The counts come from the bot's own messages in the
tracker (each carries its MI code in `metadata.mi`).
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence

from rasa_sdk import Tracker

from actions import cues

QUESTIONS = {"open_question", "closed_question"}
REFLECTIONS = {"simple_reflection", "complex_reflection", "summary"}  # MITI codes summaries as reflections

# Memory kept across sessions (in the bot's words), and the state of the current turn-taking.
MAX_THEMES = 8


def mi_code(event: Dict[str, Any]) -> Optional[str]:
    """The MI code of a `bot` event ({'metadata': {'mi': ..}} or nested under 'metadata' once more)."""
    meta = event.get("metadata") or {}
    code = meta.get("mi")
    if code is None and isinstance(meta.get("metadata"), dict):
        code = meta["metadata"].get("mi")
    return code if isinstance(code, str) else None


def bot_codes(events: Iterable[Dict[str, Any]]) -> List[str]:
    """MI codes of the bot's messages, oldest first (messages without a code are skipped)."""
    codes = []
    for event in events:
        if event.get("event") == "bot":
            code = mi_code(event)
            if code:
                codes.append(code)
    return codes


def reflections_since_question(codes: Sequence[str]) -> int:
    count = 0
    for code in reversed(codes):
        if code in QUESTIONS:
            break
        if code in REFLECTIONS:
            count += 1
    return count


def may_ask(codes: Sequence[str], reflections_needed: int = 3, pending: Sequence[str] = ()) -> bool:
    """True when `reflections_needed` reflections (counting those about to be sent) came since the last question."""
    if any(code in QUESTIONS for code in pending):
        return False
    return reflections_since_question(list(codes) + list(pending)) >= reflections_needed


def recent_texts(events: Iterable[Dict[str, Any]], limit: int = 400) -> List[str]:
    """The bot's message texts in the conversation (the last `limit`), so no line is said twice."""
    texts: List[str] = [e["text"] for e in events if e.get("event") == "bot" and e.get("text")]
    return texts[-limit:]


def talk_type(latest_message: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The talk-type component's verdict on the latest message (rasa_plugins/nlu/talk_type.py), if it ran."""
    value = (latest_message or {}).get("talk_type")
    if isinstance(value, dict) and value.get("name") in ("change", "sustain", "neutral"):
        return value
    return None


def polarity(talk: Optional[Dict[str, Any]], change: Sequence[str], sustain: Sequence[str]) -> str:
    """change | sustain | ambivalent | neutral, from the talk type, with the message's themes as a back-up.

    The talk-type classifier decides when it is reasonably sure; the themes decide when it is
    missing or unsure. Ambivalence: the classifier says so, or both sides are named and the
    classifier is not very sure of one side.
    """
    lexical = "ambivalent" if change and sustain else "change" if change else "sustain" if sustain else "neutral"
    if talk is None:
        return lexical
    name = talk.get("name")
    confidence = float(talk.get("confidence") or 0.0)
    probabilities = talk.get("probabilities") or {}
    if talk.get("ambivalent") or (probabilities.get("change", 0) >= 0.3 and probabilities.get("sustain", 0) >= 0.3):
        return "ambivalent"
    if lexical == "ambivalent" and confidence < 0.8:
        return "ambivalent"
    if confidence >= 0.55:
        if name == "neutral" and lexical != "neutral" and confidence < 0.75:
            return lexical
        return str(name)
    return lexical if lexical != "neutral" else str(name)


def add_unique(current: Optional[Sequence[str]], new: Iterable[str], limit: int = MAX_THEMES) -> List[str]:
    """A list slot with new items appended (no repeats, the most recent `limit` kept)."""
    items = [x for x in (current or []) if isinstance(x, str)]
    for item in new:
        if item in items:
            items.remove(item)
        items.append(item)
    return items[-limit:]


def slots_of(tracker: Tracker) -> Dict[str, Any]:
    return dict(tracker.slots or {})


def text_of(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def cues_for(text: str, evoked: bool = False) -> Dict[str, Any]:
    """All the cues of one message at once (used by several actions)."""
    change, sustain = cues.themes(text, evoked)
    return {
        "change": change,
        "sustain": sustain,
        "steps": cues.steps(text),
        "who": cues.relation(text),
        "feeling": cues.feeling(text),
        "substances": cues.substances(text),
    }
