"""When a message goes to the knowledge base instead of the intent the classifier chose (pure logic).

The intent classifier was trained on a few hundred examples; it does not know that "would subs
make me feel anything" is a question about a medication. A question goes to `ask_info` (and so
to the knowledge base) when the knowledge base has an entry close to it and the classifier's
intent is one that does not answer questions itself; a confident intent that does answer
(referral, privacy, "are you a bot", a crisis) keeps the message. A question nothing in the
knowledge base is close to also goes to `ask_info` when the classifier had nothing better
(the fallback): the bot then says it does not know, instead of showing its menu.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from lantern.knowledge.retrieval import ANSWER_MIN
from lantern.text import normalise

ASK_INFO = "ask_info"
# Intents whose flows do not answer a question: a question read as one of them goes to the knowledge base.
OPEN_INTENTS = frozenset(
    {
        "ask_info",
        "nlu_fallback",
        "out_of_scope",
        "share",
        "unsure",
        "what_next",
        "concerned_other",
        "return_to_use",
        "report_step",
        "pushback",
        "just_looking",
        "ask_capabilities",
        "thanks",
    }
)
# Intents that mean something else even when phrased as a question ("can you stop").
NEVER = frozenset({"greet", "goodbye", "stop", "give_number", "referral_choose", "start_fresh", "affirm", "deny"})
# A statement (not a question) that carries a physical risk the knowledge base has safety facts for
# ("just got out yesterday", "been up 4 days", "my arm wound is turning black") is answered with those
# facts when its best entry is a safety entry this likely: risk heard as risk, not a sympathy line.
RISK_MIN = 0.5
STATEMENT_INTENTS = frozenset(
    {"share", "report_step", "return_to_use", "unsure", "what_next", "nlu_fallback", "just_looking", "concerned_other"}
)
UNSURE_INTENT = 0.6  # below this confidence another intent yields to a clearly better knowledge match
CLEAR_MARGIN = 0.08  # how far above ANSWER_MIN that match must be

_QUESTION = re.compile(
    r"\?|^(?:what|whats|how|hows|when|where|why|who|which|should|can|could|do|does|did|is|are|will|would|"
    r"am|has|have|if)\b"
    r"|\b(?:what do|how do|how long|how much|how many|what should|should i|can i|can you|do i|does it|is it|"
    r"is there|are there|will it|would it|what if|what happens|what about|any way|wondering|want to know|"
    r"need to know|tell me|explain|info on|info about|information on|information about|what are|whats the)\b"
)


def asks(text: Any) -> bool:
    """Does the message ask a question or request information? (a question mark, question words, "tell me")"""
    return bool(_QUESTION.search(normalise(text, 2000).replace("'", "")))


def route(
    intent: Optional[str], confidence: float, asked: bool, best_score: float, safety: bool = False
) -> Optional[str]:
    """The intent to set instead of `intent` (always `ask_info`), or None to keep the classifier's."""
    if not intent or intent.startswith("crisis") or intent in NEVER:
        return None
    if not asked:
        return ASK_INFO if safety and best_score >= RISK_MIN and intent in STATEMENT_INTENTS else None
    if intent == ASK_INFO:
        return None
    if intent in OPEN_INTENTS and (best_score >= ANSWER_MIN or intent == "nlu_fallback"):
        return ASK_INFO
    if confidence < UNSURE_INTENT and best_score >= ANSWER_MIN + CLEAR_MARGIN:
        return ASK_INFO
    return None


def reading_of(latest_message: Mapping[str, Any]) -> Mapping[str, Any]:
    """The knowledge reading in a tracker's latest message (an empty mapping when there is none)."""
    value = latest_message.get("knowledge") if isinstance(latest_message, Mapping) else None
    return value if isinstance(value, Mapping) else {}
