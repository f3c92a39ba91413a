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
from functools import lru_cache
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
# A question read as one of these flows' intents is still a question: with no entry close enough it gets the
# honest "I don't know" and a person, not a reflection that ignores it. Not a question that is really a
# feeling said as one ("why do i keep doing this", "what is wrong with me"): MI reflects those.
QUESTION_FLOWS = frozenset({"share", "report_step", "return_to_use", "unsure", "concerned_other", "what_next"})
RHETORICAL = re.compile(
    r"^(?:why\b|what(?:s| is) wrong with me|what am i doing|how did i|who cares|whats the point|what is the point)"
    r"|\b(?:do you think|can i really|will i ever|am i (?:crazy|weak|bad|a bad|stupid|broken|hopeless|a failure)|"
    r"is it normal to feel|is it too late|are you (?:there|real|a bot|a person)|you know what i mean)\b"
)
# Intents that answer questions of their own kind, which yield to the knowledge base only for a question of
# another kind: privacy answers about Lantern, so a question about a doctor's, a clinic's or the police's
# rules goes to the knowledge base; a referral finds places, so a "can I / how does" question without a place
# word ("can i get suboxone thru telehealth") does too.
THIRD_PARTY = re.compile(
    r"\b(?:doctor|doc|dr|clinic|police|cops|job|work|employer|boss|ob|obgyn|cps|court|judge|probation|po|"
    r"parole|insurance|pharmacy|pharmacist|hospital|school|parents|landlord|program|counselor|therapist)\b"
)
PLACE_WORDS = re.compile(
    r"\b(?:where|near|nearby|closest|around here|zip|in my area|local|find|in [a-z]+ (?:county|city))\b"
)
# Questions a careful service hands to a person instead of answering with a fact: a personal dose, buying
# drugs, getting around a drug test. Read by words (a wrong "no" here costs little: the reply names who can
# answer). A question about naloxone is never one of them: how to give it is always answered.
FOR_A_PERSON = {
    "dose": re.compile(
        r"\b(?:how (?:many|much) (?:mg|mgs|milligrams?|strips?|pills?|bars?|tabs?|of (?:it|them|my|the|his|her))"
        r"|what dose|what mg|how (?:many|much)(?: \w+){0,2} should (?:i|he|she|we) (?:take|do|use|give)"
        r"|how many should (?:i|he|she|we) (?:take|do|use))\b"
    ),
    "buy": re.compile(
        r"\b(?:(?:a|good|new|reliable) plug|who sells|(?:where|how) (?:can|do|could) i (?:cop|score)"
        r"|buy (?:some |real |street )?(?:pills|subs|bars|xanax|oxys?|percs?|dope|fent|coke|meth)"
        r"|street (?:subs|pills|bupe|xanax|bars))\b"
    ),
    "test": re.compile(
        r"\b(?:(?:pass|beat|cheat|trick|fool|get around) (?:a |my |the |this )?(?:drug |piss |pee |urine |hair |ua )?"
        r"(?:test|screen|ua)|synthetic (?:pee|urine)|(?:clean|fake|someone elses|my \w+s) (?:pee|urine)"
        r"|flush (?:it |fent |thc |weed |meth |everything )?out|mask (?:a |my |the )?(?:test|ua))\b"
    ),
}
NALOXONE = re.compile(r"\b(?:narcan|naloxone|nasal spray)\b")


@lru_cache(maxsize=16)
def _words_of(text: str) -> str:
    return normalise(text, 2000).replace("'", "")


def question_words(text: Any) -> str:
    """The message as the patterns below read it: normalised once per message (the reading, the routing and
    the for-a-person check all ask about the same text, so the last few are kept)."""
    return _words_of(text) if isinstance(text, str) else normalise(text, 2000).replace("'", "")


def for_a_person(text: Any) -> Optional[str]:
    """ "dose", "buy" or "test" when a question is one to hand to a person, else None."""
    words = question_words(text)
    if NALOXONE.search(words):
        return None
    return next((kind for kind, pattern in FOR_A_PERSON.items() if pattern.search(words)), None)


UNSURE_INTENT = 0.6  # below this confidence another intent yields to a clearly better knowledge match
CLEAR_MARGIN = 0.08  # how far above ANSWER_MIN that match must be

_QUESTION = re.compile(
    r"\?|^(?:what|whats|how|hows|when|where|why|who|which|should|can|could|do|does|did|is|are|will|would|"
    r"am|has|have|if)\b"
    r"|\b(?:what do|how do|how long|how much|how many|what should|should i|should we|can i|can you|can they|"
    r"do i|does it|does that|is it|is that|is this|am i|are they|is there|are there|will it|will they|would it|"
    r"what if|what happens|what about|any way|wondering|want to know|need to know|tell me|explain|info on|"
    r"info about|information on|information about|what are|whats|what is|how do i)\b"
)


_DIRECT = re.compile(
    r"^(?:what|whats|how|when|where|which|who|can|could|do|does|did|is|are|will|would|should|am|has|have)\b"
)


def asks(text: Any) -> bool:
    """Does the message ask a question or request information? (a question mark, question words, "tell me")"""
    return bool(_QUESTION.search(question_words(text)))


def route(
    intent: Optional[str], confidence: float, asked: bool, best_score: float, safety: bool = False, text: Any = ""
) -> Optional[str]:
    """The intent to set instead of `intent` (always `ask_info`), or None to keep the classifier's."""
    words = question_words(text)
    direct = asked and (words.endswith("?") or bool(_DIRECT.match(words)))
    if not intent or intent.startswith("crisis") or intent in NEVER:
        return None
    if asked and for_a_person(text) and intent not in ("ask_privacy", "bot_challenge", "ask_human"):
        return ASK_INFO
    if not asked:
        return ASK_INFO if safety and best_score >= RISK_MIN and intent in STATEMENT_INTENTS else None
    if intent == ASK_INFO:
        return None
    if intent in OPEN_INTENTS and (best_score >= ANSWER_MIN or intent == "nlu_fallback"):
        return ASK_INFO
    if intent in QUESTION_FLOWS and direct and not RHETORICAL.search(words):
        return ASK_INFO
    if best_score >= ANSWER_MIN and (
        (intent == "ask_privacy" and THIRD_PARTY.search(words))
        or (intent == "referral_request" and not PLACE_WORDS.search(words))
    ):
        return ASK_INFO
    if confidence < UNSURE_INTENT and best_score >= ANSWER_MIN + CLEAR_MARGIN:
        return ASK_INFO
    return None


def reading_of(latest_message: Mapping[str, Any]) -> Mapping[str, Any]:
    """The knowledge reading in a tracker's latest message (an empty mapping when there is none)."""
    value = latest_message.get("knowledge") if isinstance(latest_message, Mapping) else None
    return value if isinstance(value, Mapping) else {}
