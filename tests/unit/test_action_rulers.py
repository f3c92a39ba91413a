"""Rulers: number parsing (a pure function) and action_ruler_reply."""

import pytest

from actions.base import Context
from actions.cues import parse_ruler
from actions.rulers import ActionRulerReply, higher_number, lower_number, reply_turn, target
from tests.unit.mi_helpers import codes, make_tracker, run

ACTION = ActionRulerReply()


@pytest.mark.parametrize(
    "text,low,high",
    [
        ("6", 6, None),
        ("like a 6", 6, None),
        ("6/10", 6, None),
        ("6 out of 10", 6, None),
        ("7 or 8", 7, 8),
        ("between 5 and 6", 5, 6),
        ("ten", 10, None),
        ("sixish", 6, None),
        ("prob like a four", 4, None),
        ("honestly zero", 0, None),
        ("10/10", 10, None),
        ("7.5", 7.5, None),
        ("a solid 9!!", 9, None),
        ("umm 6?", 6, None),
        ("maybe 6 or 7 idk", 6, 7),
        ("0", 0, None),
        ("Eight", 8, None),
    ],
)
def test_numbers_in_digits_and_words(text, low, high):
    answer = parse_ruler(text)
    assert answer.status == "number"
    assert (answer.low, answer.high) == (low, high)


@pytest.mark.parametrize("text", ["idk", "i dont know", "dunno", "not sure", "hard to say", "??", "no idea tbh"])
def test_dont_know(text):
    assert parse_ruler(text).status == "unknown"


@pytest.mark.parametrize("text", ["11", "100", "a million", "-1", "20 out of 10"])
def test_out_of_range(text):
    assert parse_ruler(text).status == "out_of_range"


def test_no_number_at_all():
    assert parse_ruler("my kids").status == "none"


def test_labels():
    assert parse_ruler("7 or 8").label == "7 or 8"
    assert parse_ruler("like a 6").label == "6"
    assert parse_ruler("7.5").label == "7.5"


def test_lower_and_higher_numbers():
    assert lower_number(6) == 3 and lower_number(3) == 0 and lower_number(1) == 0 and lower_number(10) == 7
    assert higher_number(6) == 7 and higher_number(9.5) == 10 and higher_number(10) == 10


def test_target_follows_the_persons_direction():
    assert target(["less"])["target"] == "cutting back"
    assert target(["stop", "family"])["target_verb"] == "stop"
    assert target([])["target"] == "making a change"


def test_importance_reflects_the_number_and_asks_why_not_lower():
    messages, slots = run(ACTION, make_tracker("like a 6", "give_number", slots={"ruler_pending": "importance"}))
    assert codes(messages)[1] == "open_question"
    assert "6" in messages[0]["text"]
    assert "a 6 and not a 3" in messages[1]["text"]
    assert {k: slots[k] for k in ("importance", "ruler_pending", "last_prompt")} == {
        "importance": 6.0,
        "ruler_pending": None,
        "last_prompt": "why_not_lower",
    }
    assert slots["memory_since"] > 0  # when Lantern first kept something (expires after the retention period)


def test_importance_zero_asks_what_would_raise_it():
    messages, slots = run(ACTION, make_tracker("zero", "give_number", slots={"ruler_pending": "importance"}))
    assert "move up" in messages[1]["text"]
    assert slots["last_prompt"] == "what_would_raise"


def test_confidence_asks_what_would_take_it_one_higher():
    messages, slots = run(ACTION, make_tracker("7 or 8", "give_number", slots={"ruler_pending": "confidence"}))
    assert "7 or 8" in messages[0]["text"]
    assert "9" in messages[1]["text"]
    assert slots["confidence"] == 7.0 and slots["last_prompt"] == "one_higher"


def test_confidence_ten_asks_what_makes_them_sure():
    messages, slots = run(ACTION, make_tracker("10", "give_number", slots={"ruler_pending": "confidence"}))
    assert "sure" in messages[1]["text"] and slots["last_prompt"] == "why_sure"


def test_idk_gets_one_gentle_reask_then_the_numbers_are_dropped():
    messages, slots = run(ACTION, make_tracker("idk", "give_number", slots={"ruler_pending": "importance"}))
    assert codes(messages) == ["simple_reflection", "closed_question"] or codes(messages)[1] == "closed_question"
    assert "skip" in messages[1]["text"].lower()
    assert slots["ruler_pending"] == "importance:retry"
    messages, slots = run(
        ACTION, make_tracker("still dunno", "give_number", slots={"ruler_pending": "importance:retry"})
    )
    assert codes(messages) == ["structure"] and slots["ruler_pending"] is None


def test_out_of_range_gets_a_gentle_reask():
    messages, slots = run(ACTION, make_tracker("11", "give_number", slots={"ruler_pending": "importance"}))
    assert "0 to 10" in messages[0]["text"]
    assert slots["ruler_pending"] == "importance:retry"
    messages, _ = run(ACTION, make_tracker("8", "give_number", slots={"ruler_pending": "importance:retry"}))
    assert "8" in messages[0]["text"]


def test_a_number_out_of_context_is_not_taken_as_a_ruler():
    messages, slots = run(ACTION, make_tracker("5", "give_number"))
    assert codes(messages) == ["simple_reflection", "open_question"]
    assert "importance" not in slots


def test_every_reply_is_at_most_two_messages():
    for text in ["0", "3", "6", "10", "idk", "11", "7 or 8", "my kids"]:
        for pending in (None, "importance", "confidence", "importance:retry"):
            turn = reply_turn(parse_ruler(text), Context.plain(text, {"ruler_pending": pending}))
            assert 1 <= len(turn.messages) <= ACTION.max_messages
