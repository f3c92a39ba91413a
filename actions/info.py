"""action_info: answers to questions, recovery pathways and harm-reduction information, elicit-provide-elicit.

A question first goes to the knowledge base (data/knowledge/, lantern/knowledge/): the entry the
Rasa server found close enough, in this locale, in at most two messages. A specific question with no
entry close enough gets an honest "I don't know that one" and a helpline where a person can answer:
never a guess, and never the overview of a topic in place of what was asked.

Information is given when the person asks for it (`ask_info`) or says yes to an
offer (actions/offers.py); it is never pushed. Specific topics (buprenorphine,
methadone, naloxone, test strips...) come from the words of the message
(actions/cues.py topics); up to two are answered side by side when the person
compares them. A general question gets the menu of paths side by side, and the
person chooses. After the facts, the bot asks what they make of it; harm-reduction
answers keep recovery in view. Texts: actions/phrases/info.yml.
"""

from __future__ import annotations

import logging
import re
from typing import List, Optional, Sequence

from actions import cues
from actions.base import Context, MIAction, Turn
from actions.phrases import Message, say
from lantern import settings
from lantern.crisis.registry import CHECK_INTENT
from lantern.knowledge.answers import Answers, default_answers
from lantern.text import MESSAGE_CHARS

logger = logging.getLogger(__name__)

FAMILY_TOPICS = ("family_talk", "family_support")
MAX_TEXT = MESSAGE_CHARS  # one SMS text of two segments (lantern/text.py)
# Knowledge topics whose answers end with the harm-reduction elicit (recovery stays in view).
SAFER_USE_TOPICS = frozenset(
    {"naloxone", "overdose", "fentanyl", "xylazine", "test_strips", "syringes", "safer_use", "tolerance", "mixing"}
)
COMPARING = re.compile(r"\b(or|vs|versus|and|compare|difference|better|between)\b")


def never_alone_line() -> Optional[str]:
    """The locale's never-use-alone line, 'Name (number)', or None (config/locales/<locale>.yml)."""
    try:
        from lantern.crisis.resources import load_locale

        line = load_locale(settings.load().locale).helpline("never_use_alone")
    except Exception as exc:  # a missing line only changes the wording
        logger.warning("never-use-alone line unavailable (%s)", type(exc).__name__)
        return None
    return f"{line.name} ({line.number})" if line else None


def topic_message(topic: str, context: Context, never_alone: Optional[str]) -> Message:
    if topic == "never_alone":
        if never_alone:
            return say("info.never_alone", context.rng, context.said, never_alone=never_alone)
        return say("info.never_alone.no_line", context.rng, context.said)
    return say(f"info.{topic}", context.rng, context.said)


def elicit_key(topics: Sequence[str], role: Optional[str]) -> str:
    if role == "family" or any(t in FAMILY_TOPICS for t in topics):
        return "info.elicit.family"
    if any(t in cues.HARM_REDUCTION for t in topics):
        return "info.elicit.harm"
    return "info.elicit.recovery"


# A request for a topic in general ("tell me about vivitrol", "narcan?", "what about tolerance"): the
# topic's overview answers it. A specific question the knowledge base has no entry for does not get an
# overview of its topic (that would answer something else): it gets the honest "I don't know".
GENERAL_PREFIX = re.compile(
    r"^(?:so |ok |okay |and )?(?:what is|whats|what are|tell me about|tell me more about|info on|info about|"
    r"information on|more about|what about|how about|explain|about)\s+"
)
QUESTION_START = re.compile(r"^(?:is|are|can|could|do|does|did|will|would|should|how|when|where|why|who|which)\b")


def general_request(text: str) -> bool:
    """A topic asked about in general ("tell me about vivitrol", "narcan?"), not a specific question."""
    words = cues.normalise(text).rstrip("?!. ")
    prefix = GENERAL_PREFIX.match(words)
    if prefix:
        return 0 < len(words[prefix.end() :].split()) <= 4
    return 0 < len(words.split()) <= 3 and not QUESTION_START.match(words)


def answer_turn(context: Context, answers: Answers) -> Optional[Turn]:
    """The knowledge entry the question asks about, then the elicit question; None when no entry is close."""
    entry = answers.choose(context.knowledge, skip=context.slots.get("last_entry"))
    if entry is None:
        return None
    source = f"knowledge:{entry.id}"
    messages = [Message(text=text, mi="information", source=source) for text in answers.text(entry)]
    if entry.safety and not context.knowledge.get("asks"):
        # A statement that carries a risk ("just got out yesterday"): the safety facts, led in plainly.
        lead = say("info.risk_lead", context.rng, context.said).text
        if len(lead) + 1 + len(messages[0].text) <= MAX_TEXT:
            messages[0] = Message(text=f"{lead} {messages[0].text}", mi="information", source=source)
    # After a crisis_check reading the crisis layer asks its check-in right after this answer
    # (lantern/crisis/dialogue.py): that is the turn's question, so no elicit question of our own.
    if context.slots.get("last_prompt") != "elicit" and context.intent != CHECK_INTENT:
        role = context.slots.get("role")
        key = elicit_key(["family_talk"] if entry.topic == "family" else [], role)
        if entry.safety or entry.topic in SAFER_USE_TOPICS:
            key = "info.elicit.harm" if role != "family" else key
        messages.append(say(key, context.rng, context.said))
    slots = {"pending_offer": None, "ruler_pending": None, "last_prompt": "elicit", "last_entry": entry.id}
    return Turn(messages, slots)


def unknown_turn(context: Context, helpline: Optional[str]) -> Turn:
    """No entry is close enough: say so plainly and offer a person who can answer, never a guess."""
    rng, recent = context.rng, context.said
    messages = [say("info.unknown", rng, recent)]
    messages.append(
        say("info.unknown.helpline", rng, recent, helpline=helpline)
        if helpline
        else say("info.unknown.no_line", rng, recent)
    )
    return Turn(messages, {"pending_offer": None, "ruler_pending": None, "last_prompt": None, "last_entry": None})


def for_a_person_turn(context: Context, kind: str, helpline: Optional[str]) -> Turn:
    """A personal dose, buying, or getting around a test: said plainly why not here, and who can help."""
    rng, recent = context.rng, context.said
    messages = [say(f"info.person.{kind}", rng, recent)]
    if helpline:
        messages.append(say("info.person.helpline", rng, recent, helpline=helpline))
    return Turn(messages, {"pending_offer": None, "ruler_pending": None, "last_prompt": None, "last_entry": None})


def info_turn(
    context: Context,
    topics: Optional[Sequence[str]] = None,
    never_alone: Optional[str] = None,
    answers: Optional[Answers] = None,
) -> Turn:
    """The knowledge entry the question asks about; else facts for the topics asked about (from the text
    unless given); else an honest "I don't know" for a specific question. Then the elicit question."""
    rng, recent = context.rng, context.said
    person = context.knowledge.get("for_a_person")
    if topics is None and answers is not None and person in ("dose", "buy", "test"):
        return for_a_person_turn(context, str(person), answers.fill.get("substance_helpline"))
    if topics is None and answers is not None:
        answered = answer_turn(context, answers)
        if answered is not None:
            return answered
        if context.knowledge.get("asks") and not general_request(context.text):
            return unknown_turn(context, answers.fill.get("substance_helpline"))
    chosen = list(topics) if topics is not None else cues.topics(context.text)
    if len(chosen) > 1 and not COMPARING.search(cues.normalise(context.text)):
        chosen = chosen[:1]
    slots = {"pending_offer": None, "ruler_pending": None, "last_prompt": "elicit"}
    if not chosen:
        return Turn([say("info.which", rng, recent)], {**slots, "last_prompt": None})
    if chosen[0] == "recovery_menu":
        return Turn([say("info.recovery_menu", rng, recent), say("info.menu.question", rng, recent)], slots)
    if (
        chosen[0] == "safer_use"
        and topics is None
        and not re.search(r"\b(basics|tips|how)\b", cues.normalise(context.text))
    ):
        return Turn([say("info.harm_menu", rng, recent), say("info.menu.question", rng, recent)], slots)
    messages = [topic_message(t, context, never_alone) for t in chosen[:2]]
    if context.slots.get("last_prompt") != "elicit":
        messages.append(say(elicit_key(chosen, context.slots.get("role")), rng, recent))
    # else: the person answered the last "what do you make of it?" with another question; asking
    # again after every answer would turn the exchange into a quiz.
    return Turn(messages, slots)


class ActionInfo(MIAction):
    """`ask_info`: the facts asked for, plainly, then "what do you make of that?"."""

    action_name = "action_info"
    max_messages = 3

    def decide(self, context: Context) -> Turn:
        topics = cues.topics(context.text)
        answers = default_answers(settings.load().locale)
        return info_turn(context, None, never_alone_line() if "never_alone" in topics else None, answers)


SAMPLE_MESSAGES = [
    "what is suboxone",
    "methadone vs subs",
    "tell me about vivitrol",
    "whats MAT",
    "how does counseling help",
    "what is smart recovery",
    "peer coach?",
    "is there a christian program",
    "can people quit on their own",
    "is detox enough",
    "am i an addict",
    "where do i get narcan",
    "how do test strips work",
    "never use alone",
    "where to get new needles",
    "how to use safer",
    "what about tolerance",
    "how do i talk to my son about it",
    "support for me as a mom",
    "what are my options",
    "give me info",
    "safer use tips",
]


def sample_texts() -> List[str]:
    texts: List[str] = []
    for message in SAMPLE_MESSAGES:
        for seed in range(3):
            for line in ("Never Use Alone (1-800-484-3731)", None):
                for role in (None, "family"):
                    context = Context.plain(message, {"role": role}, seed=seed)
                    texts.extend(m.text for m in info_turn(context, None, line).messages)
    for topic in cues.SPECIFIC + ["recovery_menu", "safer_use"]:
        context = Context.plain("", seed=1)
        texts.extend(m.text for m in info_turn(context, [topic], "Never Use Alone (1-800-484-3731)").messages)
    return texts
