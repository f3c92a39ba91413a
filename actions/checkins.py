"""Check-ins (issue 21): one text later, after a plan, only with a clear yes, at a time the person picks.

The flow, one question a turn (`last_prompt` / `pending_offer` say where it stands):

1. A plan thought through (actions/plans.py) closes with `checkin_offer`: over SMS an offer (yes / no);
   in the web chat, once, the plain fact that check-ins need SMS (the widget keeps no identity).
2. Yes -> the time zone if it is not known (their answer, or a ZIP) -> "when would be good?" ->
   the time read by lantern/checkins/when.py and confirmed back from the parsed result (never their
   words), moved out of quiet hours with the reason said -> yes books it (`effects`, carried out by
   `carry_out`: the decision stays pure, the action server writes the row).
3. "cancel my check-in", "move it to monday", "can you check in on me friday": their own actions below.
4. The check-in text goes out (rasa_plugins/channels/checkin_sender.py) and sets `last_prompt` to
   `checkin_followup`: the answer is read in that light (a step taken is affirmed by actions/steps.py;
   "not yet" is met without judgement and turns to what got in the way).

Whatever intent an answer is read as ("friday" as share, "ok 6pm" as affirm), `answer_turn` gets it first
(actions/base.py `takes_answers`). Nothing the person types is kept: only the time, the zone and a step label.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Pattern, Text, Tuple

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import cues
from actions.base import Context, MIAction, Turn, send
from actions.phrases import said_sentences, say, variants
from lantern.checkins import when as when_mod
from lantern.checkins.questions import BOOKED_LINE, WAITING, known_zone, zone_answer
from lantern.identity import SMS_PREFIX
from lantern.word_lists import alternatives
from lantern.yaml_text import load_yaml

logger = logging.getLogger(__name__)

FOLLOWUP = "checkin_followup"  # set by the check-in sender when the text went out
MAX_TRIES = 2  # an answer not understood twice: the check-in is dropped, kindly


def _plain(context: Context) -> str:
    """The message as the word lists match it: normalised, apostrophes dropped ("didn't" is "didnt")."""
    return cues.normalise(context.text).replace("'", "")


def supports_checkins(context: Context) -> bool:
    """Only an SMS conversation can be texted later: the widget and REST keep no number."""
    return context.sender_id.startswith(SMS_PREFIX)


def sender_of(context: Context) -> str:
    """The pseudonym the SMS tables and the check-in row are keyed by."""
    return context.sender_id[len(SMS_PREFIX) :]


# ---------------------------------------------------------------- the recognised words (YAML)

WORDS_FILE = Path(__file__).resolve().parent / "phrases" / "checkin_words.yml"
# Lists of alternatives in checkin_words.yml, and how each is anchored: "not yet" anywhere in the answer to
# "how did it go?"; a decline only at the start of an answer to the time or zone question.
WORD_LISTS: Dict[str, Tuple[str, str]] = {
    "not_yet": (r"\b(", r")\b"),
    "lead_in": (r"(?:(?:", r")\s+)*"),  # fillers before a decline ("actually nah", "pls dont")
    "decline": (r")(", r")\b"),  # after the lead-ins, at the start of the answer
    "unsafe_to_text": (r"\b(", r")\b"),  # anywhere: a text could put them at risk
}


@dataclass(frozen=True)
class Words:
    """checkin_words.yml compiled: one pattern per list."""

    not_yet: Pattern[str]
    decline: Pattern[str]  # the lead-ins, then a decline, at the start of the answer
    unsafe_to_text: Pattern[str]


def check_words(data: Any, name: str = WORDS_FILE.name) -> Words:
    """The schema: exactly the lists of WORD_LISTS, each a non-empty list of valid patterns."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{name}: expected a mapping")
    unknown = sorted(map(str, set(data) - set(WORD_LISTS)))
    missing = sorted(set(WORD_LISTS) - set(data))
    if unknown or missing:
        raise ValueError(f"{name}: unknown keys {unknown}, missing keys {missing}")
    parts = {key: "|".join(alternatives(f"{name}: {key}", data[key])) for key in WORD_LISTS}

    def pattern(key: str) -> str:
        start, end = WORD_LISTS[key]
        return start + parts[key] + end

    return Words(
        not_yet=re.compile(pattern("not_yet")),
        decline=re.compile(r"^\s*(" + pattern("lead_in") + pattern("decline")),
        unsafe_to_text=re.compile(pattern("unsafe_to_text")),
    )


def load_words(path: Path) -> Words:
    """A words file read and checked; ValueError naming the file and the key when it is broken."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: not valid YAML ({exc})") from None
    return check_words(data or {}, path.name)


@lru_cache(maxsize=1)
def recognised_words() -> Words:
    """checkin_words.yml, read once on first use (not at import)."""
    return load_words(WORDS_FILE)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _settings() -> Any:
    from lantern import settings

    return settings.load()


def _quiet() -> when_mod.QuietHours:
    return _settings().checkin_quiet  # LANTERN_CHECKIN_QUIET_HOURS


def step_label(text: str) -> str:
    """A label for the step a plan names (a step or topic key from actions/cues.py), else "plan". Never their words:
    staff see it beside the check-in, and it says what the step was about without saying what they typed."""
    found = cues.steps(text) or cues.topics(text)
    return found[0] if found else "plan"


# ---------------------------------------------------------------- offering


def checkin_offer(context: Context) -> Turn:
    """After a plan is thought through: the offer over SMS; in the web chat, once, that it needs SMS."""
    if context.slots.get("pending_offer"):
        return Turn()
    if supports_checkins(context):
        return Turn([say("checkin.offer", context.rng, context.said)], {"pending_offer": "checkin"})
    told = said_sentences([variants("checkin.widget")[0].text])
    if told and told <= set(context.said):
        return Turn()
    return Turn([say("checkin.widget", context.rng, context.said)])


def start_turn(context: Context) -> Turn:
    """Yes to the offer (or "can you check in on me?"): the zone if unknown, else when."""
    if not supports_checkins(context):
        return Turn([say("checkin.widget", context.rng, context.said)], {"pending_offer": None})
    slots: Dict[str, Any] = {"pending_offer": None, "checkin_tries": 0.0}
    if known_zone(context.slots) is None:
        return Turn([say("checkin.tz", context.rng, context.said)], {**slots, "last_prompt": "checkin_tz"})
    return Turn([say("checkin.when", context.rng, context.said)], {**slots, "last_prompt": "checkin_when"})


def confirm_turn(context: Context, found: when_mod.When, zone: str, now: datetime) -> Turn:
    """Say the time back (moved out of quiet hours, with the reason) and ask for a clear yes."""
    quiet = _quiet()
    at = when_mod.next_allowed(found.at, quiet)
    program = _settings().sms_program_name or "Lantern"
    if at != found.at:
        described = when_mod.describe_at(at, now)
        message = say(
            "checkin.confirm_quiet",
            context.rng,
            context.said,
            quiet=when_mod.describe_quiet(quiet),
            described=described,
            program=program,
        )
    else:
        described = found.described
        message = say("checkin.confirm", context.rng, context.said, described=described, program=program)
    draft = {"at": at.timestamp(), "tz": zone, "described": described}
    return Turn([message], {"pending_offer": "checkin_confirm", "last_prompt": None, "checkin_draft": draft})


# ---------------------------------------------------------------- answers to the bot's questions


def answer_turn(context: Context, now: Optional[datetime] = None) -> Optional[Turn]:
    """The turn for a message that answers a check-in question; None when no such question is waiting."""
    prompt = context.slots.get("last_prompt")
    now = now or _utcnow()
    if prompt in WAITING or context.slots.get("pending_offer") == "checkin_confirm":
        unsafe = _unsafe(context)
        if unsafe is not None:
            return unsafe
    if prompt == "checkin_tz":
        return _zone_answer(context)
    if prompt in ("checkin_when", "checkin_move_when"):
        return _time_answer(context, now, moving=prompt == "checkin_move_when")
    if context.slots.get("pending_offer") == "checkin_confirm" and context.intent not in ("affirm", "deny"):
        zone = known_zone(context.slots)
        found = when_mod.parse_when(context.text, now, zone) if zone else None
        return confirm_turn(context, found, zone, now) if found and zone else None  # "make it 7 instead"
    if prompt == FOLLOWUP:
        return _followup_answer(context)
    return None


def _unsafe(context: Context) -> Optional[Turn]:
    """A reason a text could put them at risk ("my bf checks my phone"): no text, at once, whatever else they said."""
    if not recognised_words().unsafe_to_text.search(_plain(context)):
        return None
    return Turn(
        [say("checkin.dropped_safe", context.rng, context.said)],
        {"last_prompt": None, "checkin_tries": None, "checkin_draft": None, "pending_offer": None},
    )


def _retry(context: Context, key: str, prompt: str) -> Turn:
    tries = int(context.slots.get("checkin_tries") or 0) + 1
    said = _plain(context)
    words = recognised_words()
    declined = words.decline.search(said) or context.intent == "deny"
    if tries >= MAX_TRIES or declined:
        return Turn(
            [say("checkin.dropped", context.rng, context.said)],
            {"last_prompt": None, "checkin_tries": None, "checkin_draft": None},
        )
    return Turn([say(key, context.rng, context.said)], {"last_prompt": prompt, "checkin_tries": float(tries)})


def _zone_answer(context: Context) -> Turn:
    zone = zone_answer(context.text)
    if zone is None:
        return _retry(context, "checkin.tz_again", "checkin_tz")
    return Turn(
        [say("checkin.when", context.rng, context.said)],
        {"timezone": zone, "last_prompt": "checkin_when", "checkin_tries": 0.0},
    )


def _time_answer(context: Context, now: datetime, moving: bool) -> Turn:
    zone = known_zone(context.slots)
    found = when_mod.parse_when(context.text, now, zone) if zone else None
    if found is None or zone is None:
        return _retry(context, "checkin.when_again", "checkin_move_when" if moving else "checkin_when")
    if moving:
        return move_turn(context, found, zone, now)
    turn = confirm_turn(context, found, zone, now)
    turn.slots["checkin_tries"] = None
    return turn


def book_turn(context: Context) -> Turn:
    """A clear yes to the time said back: book it (`effects`)."""
    draft = context.slots.get("checkin_draft")
    if not isinstance(draft, dict) or not supports_checkins(context):
        return Turn([say("checkin.dropped", context.rng, context.said)], {"pending_offer": None, "checkin_draft": None})
    effects = {
        "schedule": {
            "at": float(draft["at"]),
            "tz": str(draft["tz"]),
            "step": context.slots.get("plan_step") or "plan",
        }
    }
    return Turn(
        [say(BOOKED_LINE, context.rng, context.said, described=draft["described"])],
        {"pending_offer": None, "checkin_draft": None, "last_prompt": None},
        effects,
    )


def other_time_turn(context: Context) -> Turn:
    """No to the time said back: another time, or nothing."""
    return Turn(
        [say("checkin.other_time", context.rng, context.said)],
        {"pending_offer": None, "checkin_draft": None, "last_prompt": "checkin_when", "checkin_tries": 0.0},
    )


def move_turn(context: Context, found: when_mod.When, zone: str, now: datetime) -> Turn:
    """Move the booked check-in (the row is changed by `carry_out`; it says so when there is none)."""
    quiet = _quiet()
    at = when_mod.next_allowed(found.at, quiet)
    if at != found.at:
        described = when_mod.describe_at(at, now)
        message = say(
            "checkin.moved_quiet", context.rng, context.said, quiet=when_mod.describe_quiet(quiet), described=described
        )
    else:
        message = say("checkin.moved", context.rng, context.said, described=found.described)
    return Turn(
        [message],
        {"last_prompt": None, "checkin_tries": None, "timezone": zone},
        {"move": {"at": at.timestamp(), "tz": zone}},
    )


def _followup_answer(context: Context) -> Optional[Turn]:
    """The answer to the check-in text. A step taken: the step's own affirmation. Not yet: no judgement, and what
    got in the way (the plan flow's question, so it goes on to who could help). Anything else: the usual reply."""
    from actions.steps import step_turn

    text = _plain(context)
    not_yet = recognised_words().not_yet
    if cues.step_of_report(context.text) and not not_yet.search(text):
        turn = step_turn(context)
        turn.slots["last_prompt"] = turn.slots.get("last_prompt") or None
        return turn
    if not_yet.search(text) or context.intent == "deny":
        return Turn(
            [say("checkin.not_yet", context.rng, context.said), say("plan.obstacle", context.rng, context.said)],
            {"last_prompt": "plan_obstacle", "pending_offer": None},
        )
    return None


# ---------------------------------------------------------------- cancel, move, ask


def request_turn(context: Context, now: Optional[datetime] = None) -> Turn:
    """ "Can you check in on me friday?": over SMS straight to the confirmation when the time is in the message."""
    if not supports_checkins(context):
        return Turn([say("checkin.widget", context.rng, context.said)])
    zone = known_zone(context.slots)
    found = when_mod.parse_when(context.text, now or _utcnow(), zone) if zone else None
    if found and zone:
        return confirm_turn(context, found, zone, now or _utcnow())
    return start_turn(context)


def cancel_turn(context: Context, cancelled: int) -> Turn:
    key = "checkin.cancelled" if cancelled else "checkin.none"
    return Turn(
        [say(key, context.rng, context.said)],
        {"pending_offer": None, "checkin_draft": None, "last_prompt": None},
    )


def move_request_turn(context: Context, has_active: bool, now: Optional[datetime] = None) -> Turn:
    """ "Move it to monday": moved when the time is in the message, else asked. While a time waits for its yes,
    "make it friday instead" changes the time being confirmed."""
    if supports_checkins(context) and context.slots.get("pending_offer") == "checkin_confirm":
        answered = answer_turn(replace(context, intent=None), now)
        if answered is not None:
            return answered
    if not supports_checkins(context) or not has_active:
        return Turn([say("checkin.none", context.rng, context.said)], {"last_prompt": None})
    zone = known_zone(context.slots)
    found = when_mod.parse_when(context.text, now or _utcnow(), zone) if zone else None
    if found and zone:
        return move_turn(context, found, zone, now or _utcnow())
    if zone is None:
        return Turn([say("checkin.tz", context.rng, context.said)], {"last_prompt": "checkin_tz"})
    return Turn(
        [say("checkin.move_when", context.rng, context.said)],
        {"last_prompt": "checkin_move_when", "checkin_tries": 0.0},
    )


# ---------------------------------------------------------------- the store

_STORE: Any = None


def store() -> Any:
    """The check-in table in Lantern's database (LANTERN_DB_URL), opened once per process."""
    global _STORE
    if _STORE is None:
        from lantern.checkins.store import CheckinStore

        _STORE = CheckinStore(_settings().db_url)
    return _STORE


def carry_out(turn: Turn, context: Context) -> Turn:
    """Do what the turn asks (book or move a check-in); a failure is told, never hidden."""
    now = time.time()
    sender = sender_of(context)
    try:
        if "schedule" in turn.effects:
            booking = turn.effects["schedule"]
            store().schedule(sender, booking["at"], booking["tz"], booking["step"], consent_at=now, now=now)
            logger.info("check-in booked for %s", sender)
        if "move" in turn.effects:
            moving = turn.effects["move"]
            if not store().move(sender, moving["at"], moving["tz"], now=now):
                return Turn([say("checkin.none", context.rng, context.said)], {"last_prompt": None})
    except Exception as exc:  # the database is down: say so, keep nothing half-done in the slots
        logger.error("check-in not saved for %s (%s)", sender, type(exc).__name__)
        return Turn([say("checkin.failed", context.rng, context.said)], {"pending_offer": None, "checkin_draft": None})
    turn.effects = {}
    return turn


class ActionCheckinRequest(MIAction):
    """`checkin_request`: "can you check in on me?"."""

    action_name = "action_checkin_request"
    max_messages = 1

    def decide(self, context: Context) -> Turn:
        return request_turn(context)


class ActionCheckinCancel(MIAction):
    """`checkin_cancel`: "cancel my check-in". STOP over SMS cancels too (rasa_plugins/channels/sms.py)."""

    action_name = "action_checkin_cancel"
    max_messages = 1

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        context = Context.of(tracker)
        cancelled = 0
        if supports_checkins(context):
            try:
                cancelled = store().cancel_all(sender_of(context), "cancelled", now=time.time())
            except Exception as exc:
                logger.error("check-in cancel failed for %s (%s)", sender_of(context), type(exc).__name__)
                return send(dispatcher, Turn([say("checkin.failed", context.rng, context.said)]), context.said)
        return send(dispatcher, cancel_turn(context, cancelled), context.said)


class ActionCheckinMove(MIAction):
    """`checkin_move`: "move it to monday"."""

    action_name = "action_checkin_move"
    max_messages = 1

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        context = Context.of(tracker)
        active = False
        if supports_checkins(context):
            try:
                active = store().active(sender_of(context)) is not None
            except Exception as exc:
                logger.error("check-in lookup failed for %s (%s)", sender_of(context), type(exc).__name__)
                return send(dispatcher, Turn([say("checkin.failed", context.rng, context.said)]), context.said)
        turn = move_request_turn(context, active)
        if turn.effects:
            turn = carry_out(turn, context)
        return send(dispatcher, turn, context.said)
