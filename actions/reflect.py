"""action_reflect: answer what the person shares with a reflection, and only sometimes a question.

The talk type (rasa_plugins/nlu/talk_type.py: change / sustain / neutral, ambivalent) decides
what kind of reflection; the message's themes (actions/cues.py) give it content:

- change talk: a (mostly complex) reflection of the reason, desire or ability, kept as a
  theme for summaries; then, if the conversation has room for a question, the
  importance or confidence ruler, or an invitation to say more;
- sustain talk: a reflection that does not argue ("right now it keeps you from getting sick");
- both: a double-sided reflection ("part of you ..., and part of you ...");
- neutral: a reflection of the feeling, the substance or the situation.

Questions are spent carefully (actions/mi.py, may_ask) so that reflections outnumber
them at least two to one, as MITI asks. After three new change themes, a summary.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from actions import cues, mi, rulers, summary
from actions.base import Context, MIAction, Turn
from actions.echo import echo
from actions.phrases import Message, fragment, has, say
from actions.plans import PLAN_PROMPTS, plan_offer, plan_step_turn

PRIORITY_CHANGE = [
    "family",
    "health",
    "safety",
    "money",
    "work",
    "legal",
    "cost",
    "control",
    "tired",
    "need",
    "ability",
    "commitment",
    "less",
    "stop",
]
PRIORITY_SUSTAIN = [
    "withdrawal",
    "pain",
    "alone",
    "pressure",
    "coping",
    "cant",
    "social",
    "enjoy",
    "no_problem",
    "not_ready",
]
# The bot asked something whose answer is change talk by design.
EVOKING_PROMPTS = {
    "why_not_lower",
    "one_higher",
    "what_would_raise",
    "why_sure",
    "what_helped",
    "next_step",
    "summary_check",
    "resume",
    "invite",
    "checkin_followup",  # "how did it go?" in the check-in text (actions/checkins.py)
}
DEFAULT_WHO = "the people you love"
SUMMARY_EVERY = 3
# An optional "tell me more" question only after this many reflections in a row: flow questions
# (greeting, rulers, "what helped?", "what do you make of it?") already take their share.
INVITE_AFTER = 4
CONFIDENT = 0.75  # talk-type confidence for a general change / sustain reflection when no theme is named


def choose(found: Sequence[str], priority: Sequence[str], known: Sequence[str] = ()) -> Optional[str]:
    """The theme to reflect: the highest-priority one not reflected before, else the highest-priority one."""
    ranked = sorted(found, key=lambda k: priority.index(k) if k in priority else len(priority))
    fresh = [k for k in ranked if k not in known]
    return fresh[0] if fresh else ranked[0] if ranked else None


def reflection(polarity: str, found: Dict[str, Any], context: Context) -> Message:
    """The one reflection for this message: its themes first, then its feeling, then what is left."""
    rng, recent, slots = context.rng, context.said, context.slots
    family_role = slots.get("role") == "family"
    who = found.get("who") or (None if family_role else slots.get("who")) or DEFAULT_WHO
    if family_role:  # the themes are the loved one's, not the person's: reflect the person's side
        if found.get("feeling") and has(f"reflect.feeling.{found['feeling']}"):
            return say(f"reflect.feeling.{found['feeling']}", rng, recent)
        return say("reflect.family_share", rng, recent)
    change, sustain = found["change"], found["sustain"]
    if polarity == "ambivalent" and (change or sustain):
        s_key = choose(sustain, PRIORITY_SUSTAIN) or "general"
        c_key = choose(change, PRIORITY_CHANGE, slots.get("change_themes") or []) or "general"
        return say(
            "reflect.double",
            rng,
            recent,
            s=fragment(f"sustain.{s_key}", "part"),
            c=fragment(f"change.{c_key}", "part", who=who),
        )
    if polarity in ("change", "ambivalent") and change:
        key = choose(change, PRIORITY_CHANGE, slots.get("change_themes") or [])
        return say(f"reflect.change.{key}", rng, recent, who=who)
    if polarity in ("sustain", "ambivalent") and sustain:
        key = choose(sustain, PRIORITY_SUSTAIN, slots.get("sustain_themes") or [])
        return say(f"reflect.sustain.{key}", rng, recent)
    topics = [t for t in cues.topics(context.text) if t in cues.TOPIC_LABELS]
    if polarity == "change" and topics and cues.considering(context.text):
        return say("reflect.topic", rng, recent, topic=cues.TOPIC_LABELS[topics[0]])
    if found.get("feeling") and has(f"reflect.feeling.{found['feeling']}"):
        return say(f"reflect.feeling.{found['feeling']}", rng, recent)
    confident = float((context.talk or {}).get("confidence") or 0) >= CONFIDENT
    if polarity in ("change", "sustain") and confident:
        return say(f"reflect.{polarity}.general", rng, recent)
    if found.get("substances"):
        return say("reflect.substance", rng, recent, substance=found["substances"][0][0])
    return say("reflect.neutral", rng, recent)


def content_reflection(context: Context, polarity: str) -> Optional[Message]:
    """A simple reflection in the person's own words (actions/echo.py), unless it was just said: blind
    coders found the stock lines below generic or misread far more often than a plain saying-back. Its
    side of the talk is the message's, so the next message is read in its frame (rasa_plugins/turn_context.py)."""
    said = echo(context.text)
    if said is None or said in context.recent:
        return None
    return Message(text=said, mi="simple_reflection", talk=polarity if polarity in ("change", "sustain") else None)


def answer_reflection(
    last_prompt: Optional[str], polarity: str, found: Dict[str, Any], context: Context
) -> Optional[Message]:
    """A reflection fitted to the bot's own last question, when the answer names nothing more specific."""
    specific = found["change"] or found["sustain"] or found.get("feeling")
    if last_prompt == "what_helped" and polarity != "sustain" and not specific:
        return say("reflect.what_helped", context.rng, context.said)
    if last_prompt == "next_step":
        if polarity == "sustain" and not found["sustain"]:
            return say("reflect.next_step.none", context.rng, context.said)
        if not specific and polarity != "sustain":
            return say("reflect.next_step", context.rng, context.said)
    if last_prompt == "elicit" and not specific and not cues.topics(context.text):
        return say("reflect.elicit", context.rng, context.said)
    return None


def reflect_turn(context: Context) -> Turn:
    """Everything action_reflect says and remembers for one message."""
    text, slots = context.text, context.slots
    if slots.get("ruler_pending"):
        answer = cues.parse_ruler(text)
        if answer.status == "number":
            return rulers.reply_turn(answer, context)
    last_prompt = slots.get("last_prompt")
    found = mi.cues_for(text, evoked=last_prompt in EVOKING_PROMPTS)
    polarity = mi.polarity(context.talk, found["change"], found["sustain"])
    if last_prompt in EVOKING_PROMPTS and polarity == "neutral":
        polarity = "change"  # the answer to "why a 6 and not a 3?" is change talk, whatever words it uses
    turn = Turn(slots={"last_prompt": None, "ruler_pending": None})
    if last_prompt in PLAN_PROMPTS:  # an answer while thinking a plan through: say it back, ask the next thing
        said = content_reflection(context, polarity)  # a short answer ("tomorrow") needs no stock line
        turn.messages.extend([said] if said else [])
        return turn.extend(plan_step_turn(context) or Turn())
    if slots.get("role") == "family" and cues.speaks_of_own_use(text):
        # They are talking about their own use after all (or "family" was a misreading): drop the role.
        slots = {**slots, "role": None, "who": None}
        context = Context(context.text, context.talk, slots, context.codes, context.recent, context.rng)
        turn.slots.update({"role": None, "who": None})
    turn.messages.append(
        content_reflection(context, polarity)
        or answer_reflection(last_prompt, polarity, found, context)
        or reflection(polarity, found, context)
    )

    themes = list(slots.get("change_themes") or [])
    if slots.get("role") == "family":
        turn.extend(invite_only(polarity, context, turn))
        return turn
    if polarity in ("change", "ambivalent") and found["change"]:
        themes = mi.add_unique(themes, found["change"])
        turn.slots["change_themes"] = themes
    if polarity in ("sustain", "ambivalent") and found["sustain"]:
        turn.slots["sustain_themes"] = mi.add_unique(slots.get("sustain_themes"), found["sustain"], limit=4)
    if found.get("who") and "family" in found["change"] and slots.get("role") != "family":
        turn.slots["who"] = found["who"]
    turn.extend(follow_up(polarity, themes, found, context, turn))
    return turn


def invite_only(polarity: str, context: Context, turn: Turn) -> Turn:
    if mi.may_ask(context.codes, INVITE_AFTER, [m.mi for m in turn.messages]):
        return Turn([say("invite.neutral", context.rng, context.said)], {"last_prompt": "invite"})
    return Turn()


def follow_up(polarity: str, themes: List[str], found: Dict[str, Any], context: Context, turn: Turn) -> Turn:
    """At most one more step after the reflection: a summary, an offer, a ruler, or an invitation."""
    slots, rng, recent = context.slots, context.rng, context.said
    offer = plan_offer(context)
    if offer is not None:
        return offer
    pending = [m.mi for m in turn.messages]
    asked = list(slots.get("ruler_asked") or [])
    summarised = int(slots.get("summary_at") or 0)
    merged = {**slots, **turn.slots, "change_themes": themes}
    if (
        polarity in ("change", "ambivalent")
        and len(themes) >= SUMMARY_EVERY
        and len(themes) - summarised >= SUMMARY_EVERY
    ):
        return summary.summary_turn(Context(context.text, context.talk, merged, context.codes, recent, rng))
    if polarity != "sustain" and cues.how_unknown(context.text) and not slots.get("pending_offer"):
        return Turn([say("permission.recovery_menu", rng, recent)], {"pending_offer": "recovery_menu"})
    if "alone" in found["sustain"] and not slots.get("pending_offer"):
        return Turn([say("permission.never_alone", rng, recent)], {"pending_offer": "info:never_alone"})
    reflected_before = any(code in mi.REFLECTIONS for code in context.codes)
    if (
        polarity == "change"
        and "importance" not in asked
        and len(themes) >= 2
        and reflected_before
        and mi.may_ask(context.codes, 2, pending)
    ):
        return rulers.ask("importance", Context(context.text, context.talk, merged, context.codes, recent, rng))
    doubts = polarity == "sustain" and bool({"cant", "withdrawal"} & set(found["sustain"]))
    if (
        (polarity in ("change", "ambivalent") or doubts)
        and "importance" in asked
        and "confidence" not in asked
        and slots.get("last_prompt") not in ("why_not_lower", "what_would_raise")
        and mi.may_ask(context.codes, 2, pending)
    ):
        return rulers.ask("confidence", Context(context.text, context.talk, merged, context.codes, recent, rng))
    if mi.may_ask(context.codes, INVITE_AFTER, pending):
        return Turn([say(f"invite.{polarity}", rng, recent)], {"last_prompt": "invite"})
    return Turn()


class ActionReflect(MIAction):
    """`share`: reflect first; ask only when the conversation has room for a question."""

    action_name = "action_reflect"
    max_messages = 3
    takes_answers = True

    def decide(self, context: Context) -> Turn:
        return reflect_turn(context)


SAMPLE_MESSAGES = [
    "i want to quit for my kids",
    "im so tired of this life",
    "it helps me get through the day",
    "i dont want to stop",
    "i like it but its costing me my job",
    "been using fent for 5 years",
    "im scared",
    "honestly im ashamed",
    "i can do this, i did it before",
    "i need to change something",
    "i want to cut back and save some money",
    "my health is going downhill and i want to feel better",
    "i cant stop, i tried so many times",
    "dopesick is the worst i cant do it",
    "idk just stuff",
]


def sample_texts() -> List[str]:
    """Reflections and follow-ups for a spread of messages and talk types (for the lint test)."""
    texts: List[str] = []
    talks = [
        None,
        {"name": "change", "confidence": 0.9},
        {"name": "sustain", "confidence": 0.9},
        {"name": "neutral", "confidence": 0.9},
        {"name": "change", "confidence": 0.6, "ambivalent": True},
    ]
    histories = [[], ["complex_reflection"] * 3, ["open_question"]]
    for message in SAMPLE_MESSAGES:
        for talk in talks:
            for codes in histories:
                for seed in range(3):
                    context = Context.plain(
                        message, {"change_themes": ["stop", "family"], "ruler_asked": []}, talk, codes, seed
                    )
                    texts.extend(m.text for m in reflect_turn(context).messages)
    return texts
