"""One crisis registry: the domain, the rules, the training labels and the code agree with lantern/crisis/registry.py.

The domain (domain/*.yml) is trainer-facing wording and is not generated: it is checked. Every category needs its
intent, every response of its script, check-in and crisis mode, the slot mappings that set `crisis_active` and
`crisis_type` from its intent, and its marker and number on every message; the domain may have no crisis intent
or `utter_crisis_*` response the registry and the dialogue do not know. `domain_problems` lists what is wrong,
and the tests below plant each kind of problem to show it is seen.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Dict, List, Sequence, Set

import pytest
import yaml

from lantern.crisis import dialogue, registry
from lantern.crisis.detector import CATEGORIES, INTENT_CATEGORY, CrisisResult, detect, family
from lantern.crisis.messages import replies_for
from lantern.crisis.resources import PROJECT_ROOT, validate_all
from lantern.crisis.script import locale_values
from rasa_plugins.nlu import crisis as nlu_crisis
from rasa_plugins.nlu.crisis_signal import QUESTION_LABELS, SIGNAL_LABELS

Domain = Dict[str, Any]
_FIELD = re.compile(r"\{(\w+)\}")
# The crisis responses that belong to no category: the dialogue's own, and one answer per emergency question.
SHARED = frozenset(
    {
        dialogue.CHECK_IN[None],
        dialogue.CHECK_AGAIN,
        dialogue.CHECK_NO,
        dialogue.YES_UNKNOWN,
        dialogue.SAFE,
        dialogue.GOODBYE,
        dialogue.NO_EMERGENCY,
        registry.STILL_HERE,
        registry.GOOD_SAMARITAN,
        *(f"utter_crisis_answer_{q}" for q in QUESTION_LABELS),
    }
)


def load_domain(folder: Path = PROJECT_ROOT / "domain") -> Domain:
    """The domain files merged: intents, entities, slots and responses."""
    merged: Domain = {"intents": [], "entities": [], "slots": {}, "responses": {}}
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["intents"] += [i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []]
        merged["entities"] += [e if isinstance(e, str) else next(iter(e)) for e in data.get("entities") or []]
        merged["slots"].update(data.get("slots") or {})
        merged["responses"].update(data.get("responses") or {})
    return merged


DOMAIN = load_domain()


def _fields(variants: List[Dict[str, Any]]) -> Set[str]:
    return {
        f
        for v in variants
        for value in (v.get("text"), *(v.get("custom") or {}).values())
        for f in _FIELD.findall(str(value or ""))
    }


def _from_intent(slot: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [m for m in slot.get("mappings") or [] if m.get("type") == "from_intent"]


def _intents(mapping: Dict[str, Any]) -> List[str]:
    value = mapping.get("intent")
    return [value] if isinstance(value, str) else list(value or [])


def domain_problems(domain: Domain, categories: Sequence[registry.Category] = registry.CATEGORIES) -> List[str]:
    """Everything in the domain that disagrees with the registry, one line each (empty when all agree)."""
    problems: List[str] = []
    intents, responses, slots = set(domain["intents"]), domain["responses"], domain["slots"]
    for c in categories:
        if c.intent not in intents:
            problems.append(f"{c.name}: intent {c.intent} is not in the domain")
        problems += [f"{c.name}: response {r} is not in the domain" for r in c.responses if r not in responses]
        for action in c.script + c.crisis_mode_responses:
            for variant in responses.get(action) or []:
                custom = variant.get("custom") or {}
                if custom.get("crisis") != c.marker or custom.get("emergency_number") != f"{{{c.dials}}}":
                    problems.append(
                        f"{c.name}: {action} must carry custom {{crisis: {c.marker}, "
                        f'emergency_number: "{{{c.dials}}}"}}, has {custom}'
                    )
        for variant in responses.get(c.check_in) or []:
            if (variant.get("custom") or {}).get("crisis") != registry.CHECK_MARKER:
                problems.append(f"{c.name}: its check-in {c.check_in} must carry the marker {registry.CHECK_MARKER}")
        used = _fields([v for r in c.responses for v in responses.get(r) or []])
        if used != set(c.locale_fields):
            problems.append(
                f"{c.name}: its responses use the locale fields {sorted(used)}, the registry says "
                f"{sorted(c.locale_fields)}"
            )
    known_intents = {c.intent for c in categories} | {registry.CHECK_INTENT, registry.SAFE_INTENT}
    problems += [
        f"intent {i} is a crisis intent the registry does not know"
        for i in sorted(intents)
        if i.startswith("crisis_") and i not in known_intents
    ]
    problems += [f"intent {i} is missing from the domain" for i in sorted(known_intents - intents)]
    known_responses = {r for c in categories for r in c.responses} | SHARED
    problems += [
        f"response {r} is a crisis response the registry and the dialogue do not know"
        for r in sorted(responses)
        if r.startswith("utter_crisis") and r not in known_responses
    ]
    problems += [f"response {r} is missing from the domain" for r in sorted(SHARED - set(responses))]
    # Slots: the intent sets crisis_active and crisis_type as the policy does (registry Category.slots).
    crisis_type = slots.get("crisis_type") or {}
    if list(crisis_type.get("values") or []) != [c.name for c in categories]:
        problems.append(f"slot crisis_type: values {crisis_type.get('values')} are not the registry's names")
    by_intent = {i: m.get("value") for m in _from_intent(crisis_type) for i in _intents(m)}
    if by_intent != {c.intent: c.name for c in categories}:
        problems.append(f"slot crisis_type: its from_intent mappings {by_intent} are not the registry's")
    active = {i for m in _from_intent(slots.get("crisis_active") or {}) if m.get("value") is True for i in _intents(m)}
    if active != {c.intent for c in categories}:
        problems.append(
            f"slot crisis_active: set true by {sorted(active)}, the registry's intents are "
            f"{sorted(c.intent for c in categories)}"
        )
    for field in registry.LOCALE_FIELDS:
        slot = slots.get(field) or {}
        if field not in domain["entities"] or {"type": "from_entity", "entity": field} not in slot.get("mappings", []):
            problems.append(f"locale field {field}: needs an entity and a slot filled from it")
    # Other flows keep crisis messages out of their slots with the full list of crisis intents.
    all_intents = [c.intent for c in categories] + [registry.CHECK_INTENT, registry.SAFE_INTENT]
    for name, slot in slots.items():
        for mapping in slot.get("mappings") or []:
            excluded = mapping.get("not_intent") or []
            if set(excluded) & set(all_intents) and sorted(excluded) != sorted(all_intents):
                problems.append(f"slot {name}: not_intent {excluded} must list every crisis intent {all_intents}")
    return problems


# ---- the project as it is ---------------------------------------------------------------------------------


def test_the_domain_agrees_with_the_registry():
    assert domain_problems(DOMAIN) == []


def test_the_rules_play_each_script_and_the_training_data_has_each_intent():
    rules = yaml.safe_load((PROJECT_ROOT / "data" / "rules" / "crisis.yml").read_text(encoding="utf-8"))["rules"]
    scripts = {
        rule["steps"][0]["intent"]: [s["action"] for s in rule["steps"][1:]]
        for rule in rules
        if "intent" in rule["steps"][0] and not rule.get("condition")
    }
    nlu = yaml.safe_load((PROJECT_ROOT / "data" / "nlu" / "crisis.yml").read_text(encoding="utf-8"))["nlu"]
    examples = {item["intent"] for item in nlu if item.get("examples")}
    for c in registry.CATEGORIES:
        assert scripts.get(c.intent) == list(c.script), c.name
        assert c.intent in examples, c.name
    assert SIGNAL_LABELS == (*registry.NAMES, "none")  # data/crisis/signals.yml: tests/unit/test_crisis_signal.py


@pytest.mark.parametrize("loc", list(validate_all().values()), ids=lambda loc: loc.name)
def test_every_locale_fills_the_fields_each_category_uses(loc):
    values = locale_values(loc)
    assert set(values) == set(registry.LOCALE_FIELDS)
    for c in registry.CATEGORIES:
        # the Good Samaritan note may be empty where no such law applies (its response is then left out)
        assert all(values[f] for f in c.locale_fields if f != "good_samaritan_note"), (c.name, loc.name)


def test_the_registry_responses_that_ask_if_safe_do_ask():
    for c in registry.CATEGORIES:
        for action in c.asks_if_safe + (c.still_here,):
            assert all(re.search(r"safe (right )?now\?", v["text"]) for v in DOMAIN["responses"][action]), action
        for action in set(c.script) - set(c.asks_if_safe):
            assert not any("safe right now?" in v["text"] for v in DOMAIN["responses"][action]), action


def test_everything_else_derives_from_the_registry():
    assert CATEGORIES == (*registry.NAMES, None)
    assert {i: c for i, c in INTENT_CATEGORY.items() if c} == {c.intent: c.name for c in registry.CATEGORIES}
    assert dialogue.KINDS == registry.NAMES
    assert {k: v for k, v in dialogue.CHECK_IN.items() if k} == {c.name: c.check_in for c in registry.CATEGORIES}
    assert nlu_crisis.CRISIS_INTENTS == {*registry.INTENTS, registry.CHECK_INTENT}
    assert [e["entity"] for e in nlu_crisis.locale_entities(validate_all()["en-US"])] == list(registry.LOCALE_FIELDS)


# ---- one internal name, the stored values unchanged ---------------------------------------------------------


@pytest.mark.parametrize("category", registry.CATEGORIES, ids=lambda c: c.name)
def test_a_reading_is_stored_as_before_and_read_back_by_name(category):
    result = CrisisResult(category.name, "crisis", 0.9, ("test",))
    assert result.stored_category == category.stored and result.family == category.marker
    assert registry.find(category.stored) is category and registry.find(category.name) is category
    # the degraded path answers a reading read back from a parse (stored value) as it answers the name
    assert replies_for(CrisisResult(category.stored, "crisis", 0.9, ()), validate_all()["en-US"]) == replies_for(
        result, validate_all()["en-US"]
    )


def test_the_stored_values_are_what_transcripts_and_sms_flags_always_had():
    assert {c.name: c.stored for c in registry.CATEGORIES} == {
        "overdose": "overdose",
        "stimulant": "overdose_stimulant",
        "suicide": "suicide",
        "danger": "danger",
    }
    assert {c.name: c.marker for c in registry.CATEGORIES} == {
        "overdose": "overdose",
        "stimulant": "overdose",
        "suicide": "suicide",
        "danger": "danger",
    }
    reading = nlu_crisis.crisis_decision("chest pain after smoking meth", None)
    assert (reading["category"], reading["intent"]) == ("overdose_stimulant", "crisis_stimulant")
    assert detect("chest pain after smoking meth").category == "stimulant"
    assert family("overdose_stimulant") == family("stimulant") == "overdose"


def test_the_policy_reads_a_stored_category_by_its_name():
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_plugins.policies.crisis import context_from_tracker

    parse = {
        "intent": {"name": "crisis_check", "confidence": 1.0},
        "entities": [],
        "crisis": {"level": "check_in", "category": "overdose_stimulant", "confidence": 0.5},
    }
    tracker = DialogueStateTracker.from_events(
        "t", [ActionExecuted("action_listen"), UserUttered("my heart is racing", parse["intent"], [], parse)]
    )
    ctx = context_from_tracker(tracker)
    assert ctx is not None and ctx.category == "stimulant"
    assert dialogue.crisis_turn(ctx).actions == (registry.STIMULANT.check_in,)


# ---- the check sees each planted problem ------------------------------------------------------------------


def _planted(change) -> List[str]:
    domain = copy.deepcopy(DOMAIN)
    change(domain)
    return domain_problems(domain)


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d["responses"].pop("utter_crisis_stimulant_steps"), "response utter_crisis_stimulant_steps is not"),
        (lambda d: d["responses"].pop("utter_crisis_worse_danger"), "response utter_crisis_worse_danger is not"),
        (lambda d: d["responses"].pop("utter_crisis_check_suicide"), "response utter_crisis_check_suicide is not"),
        (lambda d: d["intents"].remove("crisis_stimulant"), "intent crisis_stimulant is not in the domain"),
        (lambda d: d["intents"].append("crisis_fire"), "intent crisis_fire is a crisis intent the registry does not"),
        (
            lambda d: d["responses"].update(utter_crisis_fire_call=[{"text": "Call."}]),
            "response utter_crisis_fire_call is a crisis response the registry",
        ),
        (
            lambda d: d["responses"]["utter_crisis_stimulant_call"][0]["custom"].update(crisis="stimulant"),
            "utter_crisis_stimulant_call must carry custom {crisis: overdose",
        ),
        (
            lambda d: d["responses"]["utter_crisis_called_suicide"][0]["custom"].update(
                emergency_number="{emergency_number}"
            ),
            "utter_crisis_called_suicide must carry",
        ),
        (
            lambda d: d["responses"]["utter_crisis_check_danger"][0]["custom"].update(crisis="danger"),
            "its check-in utter_crisis_check_danger must carry the marker check",
        ),
        (
            lambda d: d["responses"]["utter_crisis_danger_call"][0].update(text="Call {crisis_line}."),
            "danger: its responses use the locale fields",
        ),
        (lambda d: d["slots"]["crisis_type"]["values"].remove("stimulant"), "slot crisis_type: values"),
        (lambda d: d["slots"]["crisis_type"]["mappings"].pop(1), "slot crisis_type: its from_intent mappings"),
        (lambda d: d["slots"]["crisis_active"]["mappings"][0]["intent"].remove("crisis_danger"), "slot crisis_active"),
        (
            lambda d: d["slots"]["referral_place"]["mappings"][1]["not_intent"].remove("crisis_check"),
            "slot referral_place: not_intent",
        ),
    ],
)
def test_a_planted_domain_problem_is_seen(change, expected):
    found = _planted(change)
    assert any(expected in p for p in found), found


def test_a_category_the_domain_does_not_have_yet_is_seen():
    fire = registry.Category(
        name="fire",
        intent="crisis_fire",
        stored="fire",
        marker="fire",
        dials="emergency_number",
        script=("utter_crisis_fire_call",),
        asks_if_safe=(),
        check_in="utter_crisis_check_fire",
        locale_fields=("emergency_number",),
        priority=9,
    )
    found = domain_problems(DOMAIN, (*registry.CATEGORIES, fire))
    for expected in (
        "fire: intent crisis_fire is not in the domain",
        "response utter_crisis_fire_call is not",
        "response utter_crisis_worse_fire is not",
        "response utter_crisis_still_here_fire is not",
        "slot crisis_type: values",
        "slot crisis_active",
        "slot referral_place: not_intent",
    ):
        assert any(expected in p for p in found), (expected, found)


def test_the_sms_channel_reads_a_stored_category_by_name_and_flags_it_as_stored():
    """An opted-out number's message: the model's parse (stored value) is read by name, the flag is stored as before."""
    import asyncio
    from types import SimpleNamespace

    from rasa_plugins.channels.sms import SmsChannel

    class Agent:
        def is_ready(self) -> bool:
            return True

        async def parse_message(self, text: str) -> Dict[str, Any]:
            return {"crisis": {"level": "crisis", "category": "overdose_stimulant", "confidence": 0.9}}

    channel = SmsChannel()
    channel._app = SimpleNamespace(ctx=SimpleNamespace(agent=Agent()))  # type: ignore[attr-defined]
    result = asyncio.run(channel._crisis_reading("my heart wont slow down after the coke"))
    assert (result.category, result.stored_category) == ("stimulant", "overdose_stimulant")


def _locale_numbers() -> Set[str]:
    """Every phone number a locale file gives (the crisis script must take them from there)."""
    numbers: Set[str] = set()
    for path in (Path(__file__).resolve().parents[2] / "config" / "locales").glob("*.yml"):

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("number", "text_number", "sms") and isinstance(value, (str, int)):
                        numbers.add(str(value))
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return {n for n in numbers if re.fullmatch(r"[0-9 ()+-]{3,}", n)}


def test_crisis_responses_name_no_number_literally() -> None:
    """A number written into the words ("the 911 dispatcher") is wrong for every other locale."""
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain" / "crisis.yml").read_text(encoding="utf-8"))
    numbers = _locale_numbers()
    assert "911" in numbers and "988" in numbers
    literal = [
        (name, number)
        for name, variants in domain["responses"].items()
        for v in variants
        for number in numbers
        if re.search(rf"(?<![\d{{]){re.escape(number)}(?![\d}}])", v.get("text", ""))
    ]
    assert literal == []
