"""What every MI action shares: reading the turn's context from the tracker, sending at most three messages.

Each action module keeps its decisions in a pure `*_turn(...)` function that takes
plain values and returns a `Turn` (messages + slot updates); the Action class
only gathers the context and sends. That is what the unit tests exercise.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import mi, phrases
from actions.phrases import Message, said_sentences, says_something_new, without_repeats
from lantern.knowledge.routing import reading_of
from lantern.memory import MEMORY_SLOTS

MAX_MESSAGES = 3  # per turn (mi-style.md section 3)
SAID_SLOT = "said"  # keys of the sentences said in this session (actions/phrases.py sentence_key), newest last
SAID_KEEP = 300
REPICKS = 4  # other wordings tried when a whole turn would repeat what was said


@dataclass
class Turn:
    """What one action says and remembers."""

    messages: List[Message] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)
    # What the turn asks the action server to do beyond speaking (book a check-in: actions/checkins.py). The
    # decision stays pure; `MIAction.run` carries it out and may swap the messages when it fails.
    effects: Dict[str, Any] = field(default_factory=dict)

    def extend(self, other: "Turn") -> "Turn":
        self.messages.extend(other.messages)
        self.slots.update(other.slots)
        self.effects.update(other.effects)
        return self


@dataclass
class Context:
    """The parts of the tracker an MI decision depends on."""

    text: str
    talk: Optional[Dict[str, Any]]
    slots: Dict[str, Any]
    codes: List[str]
    recent: List[str]
    rng: random.Random
    knowledge: Dict[str, Any] = field(default_factory=dict)  # the message's knowledge reading (labels, scores)
    intent: Optional[str] = None  # the intent the message was read as (after the NLU's routing)
    sender_id: str = ""  # the conversation id ("sms:<pseudonym>" over SMS): only SMS can be texted later

    @cached_property
    def said(self) -> List[str]:
        """Keys of every sentence the bot said in this session (actions/phrases.py sentence_key): the slot's
        record, and the loaded turns. What `say` avoids and `send` leaves out."""
        record = [k for k in self.slots.get(SAID_SLOT) or [] if isinstance(k, str)]
        return record + sorted(said_sentences(self.recent) - set(record))

    @classmethod
    def of(cls, tracker: Tracker, rng: Optional[random.Random] = None) -> "Context":
        events = list(tracker.events or [])
        return cls(
            text=mi.text_of(tracker),
            talk=mi.talk_type(tracker.latest_message),
            slots=mi.slots_of(tracker),
            codes=mi.bot_codes(events),
            recent=mi.recent_texts(events),
            rng=rng or random.Random(),
            knowledge=dict(reading_of(tracker.latest_message or {})),
            intent=((tracker.latest_message or {}).get("intent") or {}).get("name"),
            sender_id=str(tracker.sender_id or ""),
        )

    @classmethod
    def plain(
        cls,
        text: str = "",
        slots: Optional[Dict[str, Any]] = None,
        talk: Optional[Dict[str, Any]] = None,
        codes: Optional[List[str]] = None,
        seed: int = 0,
        knowledge: Optional[Dict[str, Any]] = None,
        intent: Optional[str] = None,
        *,
        sender_id: str = "",
    ) -> "Context":
        """A context for tests and benchmarks, without a tracker."""
        return cls(
            text=text,
            talk=talk,
            slots=dict(slots or {}),
            codes=list(codes or []),
            recent=[],
            rng=random.Random(seed),
            knowledge=dict(knowledge or {}),
            intent=intent,
            sender_id=sender_id,
        )


def send(dispatcher: CollectingDispatcher, turn: Turn, said: Optional[Sequence[str]] = None) -> List[EventType]:
    """Utter the turn's messages (at most three) with their MI codes; return the slot events.

    With `said` (the keys of what the bot said before, `Context.said`), any sentence already said in the
    conversation is left out, and the record is extended. The tracker store loads only the last few turns
    (rasa_plugins/tracker_store.py), so the record lives in a slot rather than being read back from events."""
    messages = turn.messages if said is None else without_repeats(turn.messages, set(said))
    for message in messages[:MAX_MESSAGES]:
        dispatcher.utter_message(**message.as_kwargs())
    events: List[EventType] = [SlotSet(name, value) for name, value in turn.slots.items()]
    if said is not None:
        new = [k for k in said_sentences(m.text for m in messages[:MAX_MESSAGES]) if k not in said]
        if new:
            events.append(SlotSet(SAID_SLOT, (list(said) + sorted(new))[-SAID_KEEP:]))
    return events


class MIAction(Action):
    """An action whose decision is `decide(context) -> Turn`."""

    action_name = ""
    max_messages = MAX_MESSAGES
    # Actions the NLU may pick for the answer to a question the bot is waiting on (a check-in's time or zone):
    # whatever the answer was read as ("friday" as share, "ok 6pm" as affirm), the question gets it first.
    takes_answers = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass's own `run` also reads one wording throughout (phrases.one_wording)."""
        super().__init_subclass__(**kwargs)
        if "run" in cls.__dict__:
            cls.run = phrases.one_wording(cls.__dict__["run"])  # type: ignore[method-assign]

    def name(self) -> Text:
        return self.action_name

    def decide(self, context: Context) -> Turn:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    @phrases.one_wording
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        context = Context.of(tracker)
        said = context.said
        turn = self.decide_turn(context)
        for _ in range(REPICKS):  # every sentence said before: other wordings of the same decision
            if says_something_new(turn.messages, set(said)):
                break
            turn = self.decide_turn(replace(context, rng=random.Random()))
        if turn.effects:
            from actions.checkins import carry_out

            turn = carry_out(turn, context)
        turn = stamp_memory(context.slots, carry_topic(context, turn), time.time())
        return send(dispatcher, turn, said)

    def decide_turn(self, context: Context) -> Turn:
        """`decide`, unless the message answers a question the bot is waiting on and this action takes answers."""
        if self.takes_answers:
            from actions.checkins import answer_turn

            answered = answer_turn(context)
            if answered is not None:
                return answered
        return self.decide(context)


def carry_topic(context: Context, turn: Turn) -> Turn:
    """Remember the topic the message named (a medication, a drug...), so a later "it" is read as it."""
    named = context.knowledge.get("topic")
    if isinstance(named, str) and "topic" not in turn.slots and named != context.slots.get("topic"):
        turn.slots["topic"] = named
    return turn


def stamp_memory(slots: Dict[str, Any], turn: Turn, now: float) -> Turn:
    """Note when Lantern first kept something about this person (memory expires after the retention period)."""
    if not slots.get("memory_since") and any(turn.slots.get(name) for name in MEMORY_SLOTS if name != "role"):
        turn.slots["memory_since"] = now
    return turn
