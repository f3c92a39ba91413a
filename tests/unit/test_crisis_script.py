"""One crisis script: what the degraded path sends is what Rasa sends, word for word and marker for marker.

The normal path: the crisis policy decides the actions (lantern/crisis/dialogue.py `crisis_turn`) and Rasa's
templated NLG renders the domain responses with the locale's values, which rasa_plugins/nlu/crisis.py sets as
entities and the domain maps to slots. The degraded path (database down, deadline passed, an opted-out SMS
number): lantern/crisis/messages.py `replies_for` through lantern/crisis/script.py. For every category of
lantern/crisis/registry.py, its check-in and its reminder, and the check-in and reminder of no kind, in every
locale file, both must send the same messages, and every message must carry the registry's marker.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from lantern.crisis import registry, script
from lantern.crisis.detector import CrisisResult
from lantern.crisis.dialogue import CrisisContext, crisis_turn
from lantern.crisis.messages import replies_for
from lantern.crisis.resources import PROJECT_ROOT, Locale, validate_all
from rasa_plugins.nlu.crisis import locale_entities

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain"))
LOCALES: List[Locale] = list(validate_all().values())
LOCALE_IDS = [loc.name for loc in LOCALES]
# (what, category name): the first reply, the check-in and the crisis-mode reminder of every category,
# and the check-in and reminder of no known kind.
CASES: List[Tuple[str, Optional[str]]] = [
    (what, c.name) for c in registry.CATEGORIES for what in ("first", "check_in", "reminder")
]
CASES += [("check_in", None), ("reminder", None)]
CASE_IDS = [f"{what}-{name}" for what, name in CASES]

Message = Dict[str, Any]


def rasa_renders(actions: List[str], loc: Locale, responses: Optional[Dict[str, Any]] = None) -> List[Message]:
    """What the normal path sends for these actions: Rasa's NLG over a tracker with the locale's slots set."""
    slots = [SlotSet(e["entity"], e["value"]) for e in locale_entities(loc)]
    tracker = DialogueStateTracker.from_events("script-test", slots, DOMAIN.slots)
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses if responses is None else responses)
    out = []
    for action in actions:
        message = asyncio.run(nlg.generate(action, tracker, "rest"))
        if message and (message.get("text") or "").strip():
            item = {"text": " ".join(message["text"].split())}
            if message.get("custom"):
                item["custom"] = message["custom"]
            out.append(item)
    return out


def policy_actions(what: str, name: Optional[str], loc: Locale) -> List[str]:
    """The responses the crisis policy plays for the case (the turn's own decision, not the degraded path's)."""
    category = registry.get(name)
    if what == "first":
        assert category is not None
        ctx = CrisisContext(
            intent=category.intent, level="crisis", category=name, good_samaritan=bool(loc.good_samaritan)
        )
    elif what == "check_in":
        ctx = CrisisContext(intent=registry.CHECK_INTENT, level="check_in", category=name)
    elif category is None:
        return [registry.STILL_HERE]  # the policy knows the kind of its crisis mode; only the degraded path may not
    else:  # an everyday message in crisis mode
        ctx = CrisisContext(
            intent="share", crisis_active=True, crisis_type=name, words=8, last_bot_action=category.script[-1]
        )
    turn = crisis_turn(ctx)
    assert turn is not None and not turn.handoff
    return list(turn.actions)


def degraded_sends(what: str, name: Optional[str], loc: Locale) -> List[Message]:
    level = "crisis" if what == "first" else "check_in"
    return replies_for(CrisisResult(name, level, 0.9, ("test",)), loc, in_crisis_mode=what == "reminder")


def expected_marker(what: str, name: Optional[str]) -> str:
    category = registry.get(name)
    if what == "check_in":
        return registry.CHECK_MARKER
    return category.marker if category else registry.ACTIVE_MARKER


def differences(what: str, name: Optional[str], loc: Locale, responses: Optional[Dict[str, Any]] = None) -> List[str]:
    """What differs between the two paths for one case, and any message without the registry's marker."""
    degraded = degraded_sends(what, name, loc)
    normal = rasa_renders(policy_actions(what, name, loc), loc, responses)
    problems = []
    if not degraded:
        problems.append("the degraded path sends nothing")
    if degraded != normal:
        problems.append(f"the paths differ:\n  degraded {degraded}\n  normal   {normal}")
    marker = expected_marker(what, name)
    for path, messages in (("degraded", degraded), ("normal", normal)):
        for message in messages:
            if (message.get("custom") or {}).get("crisis") != marker:
                problems.append(f"{path} message without the marker {marker!r}: {message}")
    return problems


@pytest.mark.parametrize("loc", LOCALES, ids=LOCALE_IDS)
@pytest.mark.parametrize("what, name", CASES, ids=CASE_IDS)
def test_both_paths_send_the_same_words_and_marker(loc, what, name):
    assert differences(what, name, loc) == []


def test_the_cases_cover_every_category_and_every_locale_file():
    assert {name for _, name in CASES} == {*registry.NAMES, None}
    assert {p.stem for p in (PROJECT_ROOT / "config" / "locales").glob("*.yml")} == set(LOCALE_IDS)


# ---- the comparison sees a planted difference ----------------------------------------------------------------


def _drifted(action: str, **change: Any) -> Dict[str, Any]:
    responses = copy.deepcopy(script.responses())
    variant = responses[action][0]
    for key, value in change.items():
        if key == "text":
            variant["text"] = variant["text"].replace(*value)
        else:
            variant["custom"] = {**variant["custom"], key: value}
    return responses


def test_a_planted_word_in_the_degraded_path_is_caught(monkeypatch):
    loc = LOCALES[0]
    assert differences("first", "stimulant", loc) == []
    drifted = _drifted("utter_crisis_stimulant_steps", text=("cool and quiet", "quiet"))
    monkeypatch.setattr(script, "responses", lambda: drifted)
    assert any("the paths differ" in p for p in differences("first", "stimulant", loc))


def test_a_planted_marker_in_the_degraded_path_is_caught(monkeypatch):
    loc = LOCALES[0]
    drifted = _drifted("utter_crisis_check_suicide", crisis="suicide")
    monkeypatch.setattr(script, "responses", lambda: drifted)
    found = differences("check_in", "suicide", loc)
    assert any("the paths differ" in p for p in found) and any("degraded message without" in p for p in found)


def test_a_planted_marker_on_both_paths_is_caught(monkeypatch):
    """The domain itself drifting from the registry: both paths agree, and both lack the marker."""
    loc = LOCALES[0]
    drifted = _drifted("utter_crisis_still_here_danger", crisis="active")
    monkeypatch.setattr(script, "responses", lambda: drifted)
    rasa_drifted = copy.deepcopy(DOMAIN.responses)
    rasa_drifted["utter_crisis_still_here_danger"][0]["custom"]["crisis"] = "active"
    found = differences("reminder", "danger", loc, rasa_drifted)
    assert not any("the paths differ" in p for p in found)
    assert any("degraded message without" in p for p in found) and any("normal message without" in p for p in found)


def test_a_planted_step_dropped_by_the_degraded_path_is_caught(monkeypatch):
    loc = LOCALES[0]
    monkeypatch.setattr(script, "first_actions", lambda kind, loc: list(registry.get(kind).script[:1]))
    assert any("the paths differ" in p for p in differences("first", "overdose", loc))


def test_the_degraded_path_uses_the_domain_file_itself():
    """A trainer's edit of domain/crisis.yml reaches both paths: the script reads the same responses Rasa loads."""
    for action in {a for c in registry.CATEGORIES for a in c.responses} | {
        registry.GENERIC_CHECK_IN,
        registry.STILL_HERE,
    }:
        assert script.responses()[action] == [
            {k: v for k, v in variant.items() if k in ("text", "custom", "metadata")}
            for variant in DOMAIN.responses[action]
        ]
