"""One crisis script: what the degraded path sends is what Rasa sends, word for word and marker for marker.

The normal path: the crisis policy plays `utter_crisis_*` and Rasa's templated NLG renders them with the
locale's values, which rasa_plugins/nlu/crisis.py sets as entities and the domain maps to slots. The degraded path
(database down, deadline passed, an opted-out SMS number): lantern/crisis/messages.py through lantern/crisis/script.py.
For every kind, every check-in and every reminder, in every locale file, both must produce the same messages.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from lantern.crisis import script
from lantern.crisis.detector import CrisisResult
from lantern.crisis.dialogue import CHECK_IN, SCRIPTS
from lantern.crisis.messages import replies_for
from lantern.crisis.resources import PROJECT_ROOT, Locale, validate_all
from rasa_plugins.nlu.crisis import locale_entities

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain"))
LOCALES: List[Locale] = list(validate_all().values())
KINDS = list(SCRIPTS)
CATEGORIES = ("overdose", "overdose_stimulant", "suicide", "danger")


def rasa_renders(actions: List[str], loc: Locale) -> List[Dict[str, Any]]:
    """What the normal path sends for these actions: Rasa's NLG over a tracker with the locale's slots set."""
    slots = [SlotSet(e["entity"], e["value"]) for e in locale_entities(loc)]
    tracker = DialogueStateTracker.from_events("script-test", slots, DOMAIN.slots)
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    out = []
    for action in actions:
        message = asyncio.run(nlg.generate(action, tracker, "rest"))
        if message and (message.get("text") or "").strip():
            item = {"text": " ".join(message["text"].split())}
            if message.get("custom"):
                item["custom"] = message["custom"]
            out.append(item)
    return out


@pytest.mark.parametrize("loc", LOCALES, ids=[loc.name for loc in LOCALES])
@pytest.mark.parametrize("category", CATEGORIES)
def test_first_reply_is_the_same_on_both_paths(loc, category):
    kind = "stimulant" if category == "overdose_stimulant" else category
    degraded = replies_for(CrisisResult(category, "crisis", 0.9, ("test",)), loc)
    assert degraded == rasa_renders(script.first_actions(kind, loc), loc)
    assert degraded and all(m["custom"]["crisis"] for m in degraded)


@pytest.mark.parametrize("loc", LOCALES, ids=[loc.name for loc in LOCALES])
@pytest.mark.parametrize("category", (None, *CATEGORIES))
def test_check_in_and_reminder_are_the_same_on_both_paths(loc, category):
    kind = {"overdose_stimulant": "stimulant"}.get(category, category)
    check = replies_for(CrisisResult(category, "check_in", 0.5, ("test",)), loc)
    assert check == rasa_renders([CHECK_IN[kind]], loc)
    reminder = replies_for(CrisisResult(category, "check_in", 0.5, ("test",)), loc, in_crisis_mode=True)
    assert reminder == rasa_renders([f"utter_crisis_still_here_{kind}" if kind else "utter_crisis_still_here"], loc)


def test_the_degraded_path_uses_the_domain_file_itself():
    """A trainer's edit of domain/crisis.yml reaches both paths: the script reads the same responses Rasa loads."""
    for action in {a for actions in SCRIPTS.values() for a in actions} | set(CHECK_IN.values()):
        assert script.responses()[action] == [
            {k: v for k, v in variant.items() if k in ("text", "custom", "metadata")}
            for variant in DOMAIN.responses[action]]
