"""action_return_to_use: no shame, the time achieved counts; the rule adds the tolerance note."""

import yaml

from actions.return_to_use import ActionReturnToUse
from tests.unit.mi_helpers import codes, make_tracker, run
from tools.processes import PROJECT_ROOT

ACTION = ActionReturnToUse()


def test_time_achieved_is_named_and_affirmed():
    messages, slots = run(ACTION, make_tracker("i relapsed after 3 months", "return_to_use"))
    assert codes(messages) == ["affirm"]
    assert "3 months" in messages[0]["text"]
    assert "recovery" in messages[0]["text"]
    assert slots["last_prompt"] == "what_helped"


def test_without_a_time_still_no_shame():
    messages, _ = run(ACTION, make_tracker("i used again", "return_to_use"))
    text = messages[0]["text"].lower()
    assert "fail" not in text and "disappoint" not in text
    assert "recovery" in text or "try" in text


def test_the_rule_always_adds_the_tolerance_note_and_what_helped():
    rules = yaml.safe_load((PROJECT_ROOT / "data/rules/return_to_use.yml").read_text())["rules"]
    actions = [s["action"] for s in rules[0]["steps"] if "action" in s]
    assert actions == ["action_return_to_use", "utter_tolerance_note", "utter_ask_what_helped"]
    domain = yaml.safe_load((PROJECT_ROOT / "domain/return_to_use.yml").read_text())
    for variation in domain["responses"]["utter_tolerance_note"]:
        assert "tolerance" in variation["text"] and "overdose" in variation["text"]
        assert "naloxone" in variation["text"]


def test_no_return_in_the_words_is_reflected_and_the_rule_stops():
    """The classifier said return_to_use, but the words don't: reflect and go back to listening."""
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = asyncio.run(ACTION.run(dispatcher, make_tracker("i couldnt even get out of bed", "return_to_use"), {}))
    assert len(dispatcher.messages) == 1 and dispatcher.messages[0]["metadata"]["mi"].endswith("reflection")
    assert {"event": "followup", "name": "action_listen"} in [{k: e.get(k) for k in ("event", "name")} for e in events]
