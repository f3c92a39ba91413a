"""action_discord: agree with what is true in the pushback; never defend."""

import pytest

from actions.cues import discord_kind
from actions.discord import ActionDiscord
from tests.unit.mi_helpers import codes, make_tracker, run

ACTION = ActionDiscord()


@pytest.mark.parametrize(
    "text,kind",
    [
        ("ur just a bot", "bot"),
        ("talking to a robot is pointless", "bot"),
        ("i dont need a pamphlet", "pamphlet"),
        ("stop preaching", "pamphlet"),
        ("i dont have a problem", "no_problem"),
        ("im not an addict", "no_problem"),
        ("you dont get it", "not_get_it"),
        ("this is stupid", "general"),
        ("whatever", "general"),
    ],
)
def test_kinds(text, kind):
    assert discord_kind(text) == kind


@pytest.mark.parametrize(
    "text", ["ur just a bot", "i dont need a pamphlet", "i dont have a problem", "you dont get it", "this is stupid"]
)
def test_a_reflection_that_agrees_and_does_not_defend(text):
    messages, slots = run(ACTION, make_tracker(text, "pushback"))
    assert codes(messages) == ["complex_reflection"]
    lowered = messages[0]["text"].lower()
    for defensive in ("actually", "but i", "i can help", "you should", "you need"):
        assert defensive not in lowered
    assert slots["pending_offer"] is None


def test_honest_about_being_a_bot():
    for _ in range(5):
        messages, _ = run(ACTION, make_tracker("youre just a dumb bot", "pushback"))
        assert "bot" in messages[0]["text"]
