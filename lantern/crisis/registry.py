"""The crisis categories, each defined once: everything else that names a category reads it here.

A category is one kind of emergency with a script of its own. Its `name` is the one name the code
uses for it: the `crisis_type` slot's value, the meaning model's label (data/crisis/signals.yml),
the detector's category (lantern/crisis/detector.py, patterns.py) and the suffix of its crisis-mode
responses. From this list come the detector's categories, priorities and intent map, the dialogue's
scripts and check-ins (lantern/crisis/dialogue.py, hence CrisisPolicy), the NLU components'
intents and labels (rasa_plugins/nlu/crisis.py, crisis_signal.py), the degraded path
(lantern/crisis/messages.py, script.py) and the crisis intents a form lets through
(actions/referral_parse.py).

What people and stored data see is not renamed here: the words are the domain's responses
(domain/crisis.yml, wording for trainers), `marker` is the payload's `custom.crisis` on every
message of the category's replies, and `stored` is how the category is written with each parsed
message (`parse_data["crisis"]["category"]`, hence the transcripts' `crisis_category` and
`sms_crisis_flags.category`). tests/unit/test_crisis_registry.py checks the domain, the rules and the
training labels against this list; docs/crisis.md, "Adding a crisis category", says what to touch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

GOOD_SAMARITAN = "utter_crisis_good_samaritan"  # the locale's Good Samaritan note; dropped where no law applies
GENERIC_CHECK_IN = "utter_crisis_check"  # the check-in when the kind of danger is not known
STILL_HERE = "utter_crisis_still_here"  # the crisis-mode reminder when the kind is not known
CHECK_INTENT = "crisis_check"  # a sign that earns a check-in, not yet the script
SAFE_INTENT = "crisis_safe"  # "im safe now", "ambulance is here"
CHECK_MARKER = "check"  # custom.crisis of every check-in
ACTIVE_MARKER = "active"  # ... of a crisis-mode message that names no kind
# The crisis-mode updates (the update model's labels, rasa_plugins/nlu/crisis_signal.py) each category
# answers in its own words: `utter_crisis_<update>_<name>`.
UPDATES: Tuple[str, ...] = ("called", "help_here", "improving", "worse")
# The values the crisis responses take from the locale file (lantern/crisis/script.py `locale_values`).
LOCALE_FIELDS: Tuple[str, ...] = ("emergency_number", "crisis_line", "poison_control", "good_samaritan_note")


@dataclass(frozen=True)
class Category:
    name: str  # the one internal name (see the module's docstring)
    intent: str  # the NLU intent of a full crisis reading (data/nlu/crisis.yml)
    stored: str  # the category as stored with each parsed message (transcripts, SMS flags)
    marker: str  # custom.crisis of its script and crisis-mode messages
    dials: str  # the locale field its messages offer to call: custom.emergency_number
    script: Tuple[str, ...]  # the first reply: domain responses, in order
    asks_if_safe: Tuple[str, ...]  # those of the script that end by asking "are you safe right now?"
    check_in: str  # the question asked when a sign of this kind is not yet a crisis
    locale_fields: Tuple[str, ...]  # the locale values its responses use
    priority: int  # two categories at the same level: the lower wins (the most urgent first step)
    # Crisis-mode messages come from someone beside the person in danger and use the danger's own words
    # ("he's breathing now"), so the meaning model's risk alone does not keep crisis mode on. False where the
    # person in danger writes: then a message that reads as danger never ends crisis mode.
    bystander_updates: bool = False

    @property
    def slots(self) -> Tuple[Tuple[str, object], ...]:
        """The slots its script sets (the domain's slot mappings set the same from the intent)."""
        return (("crisis_active", True), ("crisis_type", self.name))

    def update_reply(self, update: str) -> str:
        return f"utter_crisis_{update}_{self.name}"

    @property
    def still_here(self) -> str:
        return f"{STILL_HERE}_{self.name}"

    @property
    def crisis_mode_responses(self) -> Tuple[str, ...]:
        return tuple(self.update_reply(u) for u in UPDATES) + (self.still_here,)

    @property
    def responses(self) -> Tuple[str, ...]:
        """Every domain response the category needs."""
        return tuple(dict.fromkeys(self.script + (self.check_in,) + self.crisis_mode_responses))


OVERDOSE = Category(
    name="overdose",
    intent="crisis_overdose",
    stored="overdose",
    marker="overdose",
    dials="emergency_number",
    script=("utter_crisis_overdose_call", "utter_crisis_overdose_steps", GOOD_SAMARITAN),
    asks_if_safe=(),
    check_in="utter_crisis_check_overdose",
    locale_fields=("emergency_number", "good_samaritan_note"),
    priority=0,
    bystander_updates=True,
)
STIMULANT = Category(
    name="stimulant",
    intent="crisis_stimulant",
    stored="overdose_stimulant",  # as stored before this list: transcripts and SMS flags stay comparable
    marker="overdose",  # to the person, and in the bot's transcript rows, it is an overdose
    dials="emergency_number",
    script=("utter_crisis_stimulant_call", "utter_crisis_stimulant_steps", GOOD_SAMARITAN),
    asks_if_safe=(),
    check_in="utter_crisis_check_overdose",
    locale_fields=("emergency_number", "good_samaritan_note"),
    priority=1,
    bystander_updates=True,
)
SUICIDE = Category(
    name="suicide",
    intent="crisis_suicide",
    stored="suicide",
    marker="suicide",
    dials="crisis_line",
    script=("utter_crisis_suicide_call", "utter_crisis_suicide_stay"),
    asks_if_safe=("utter_crisis_suicide_stay",),
    check_in="utter_crisis_check_suicide",
    locale_fields=("crisis_line", "emergency_number"),
    priority=3,  # its first message also says to call the emergency number if hurt
)
DANGER = Category(
    name="danger",
    intent="crisis_danger",
    stored="danger",
    marker="danger",
    dials="emergency_number",
    script=("utter_crisis_danger_call", "utter_crisis_danger_stay"),
    asks_if_safe=("utter_crisis_danger_stay",),
    check_in="utter_crisis_check_danger",
    locale_fields=("emergency_number",),
    priority=2,
)

CATEGORIES: Tuple[Category, ...] = (OVERDOSE, STIMULANT, SUICIDE, DANGER)
DEFAULT = OVERDOSE  # crisis mode of an unknown kind, a crisis reading of no kind: the most urgent script

NAMES: Tuple[str, ...] = tuple(c.name for c in CATEGORIES)
INTENTS: Tuple[str, ...] = tuple(c.intent for c in CATEGORIES)
CRISIS_INTENTS: Tuple[str, ...] = INTENTS + (CHECK_INTENT, SAFE_INTENT)

_BY_NAME: Dict[str, Category] = {c.name: c for c in CATEGORIES}
_BY_INTENT: Dict[str, Category] = {c.intent: c for c in CATEGORIES}
_BY_STORED: Dict[str, Category] = {c.stored: c for c in CATEGORIES}


def get(name: Optional[str]) -> Optional[Category]:
    """The category of an internal name (a slot value, a meaning-model label, a detector category)."""
    return _BY_NAME.get(name) if isinstance(name, str) else None


def by_intent(intent: Optional[str]) -> Optional[Category]:
    return _BY_INTENT.get(intent) if isinstance(intent, str) else None


def find(value: Optional[str]) -> Optional[Category]:
    """The category of a stored value (a parsed message's `crisis.category`, a test set's label), or of a name."""
    if not isinstance(value, str):
        return None
    return _BY_STORED.get(value) or _BY_NAME.get(value)


def stored(name: Optional[str]) -> Optional[str]:
    """The value to store for an internal name; None for no category."""
    category = get(name)
    return category.stored if category else None


def _check() -> None:
    """A broken list stops the import (and every process) with the problem named."""
    for values, what in (
        (NAMES, "name"),
        (INTENTS, "intent"),
        ([c.stored for c in CATEGORIES], "stored value"),
        ([c.priority for c in CATEGORIES], "priority"),
    ):
        if len(set(values)) != len(values):
            raise ValueError(f"lantern/crisis/registry.py: two categories share a {what}: {list(values)}")
    for c in CATEGORIES:
        if not c.script or not set(c.locale_fields) | {c.dials} <= set(LOCALE_FIELDS):
            raise ValueError(
                f"lantern/crisis/registry.py: {c.name} needs a script and locale fields out of {LOCALE_FIELDS}"
            )
        if not set(c.asks_if_safe) <= set(c.script):
            raise ValueError(f"lantern/crisis/registry.py: {c.name}: asks_if_safe names a response outside its script")
        if find(c.stored) is not c:
            raise ValueError(f"lantern/crisis/registry.py: {c.name} is stored as another category's name")


_check()
