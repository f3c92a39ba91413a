"""action_info: elicit-provide-elicit; topics from the words; paths side by side."""

import pytest

from actions import cues
from actions.base import Context
from actions.info import ActionInfo, info_turn
from tests.unit.mi_helpers import codes, make_tracker, run

ACTION = ActionInfo()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("what is suboxone", ["buprenorphine"]),
        ("how does the done clinic work", ["methadone"]),
        ("whats vivitrol", ["naltrexone"]),
        ("what is narcan", ["naloxone"]),
        ("how do fent strips work", ["test_strips"]),
        ("whats smart recovery", ["mutual_help"]),
        ("what does a recovery coach do", ["peer"]),
        ("is there a christian program", ["faith"]),
        ("can people quit on their own", ["natural"]),
        ("is detox enough", ["detox"]),
        ("is there medication for meth", ["stimulants"]),
        ("meds for alcohol?", ["alcohol"]),
        ("what are my options", ["recovery_menu"]),
        ("tell me about harm reduction", ["safer_use"]),
        ("methadone vs suboxone", ["methadone", "buprenorphine"]),
        ("can you mix benzos and dope", ["mixing"]),
        ("how do i use less", ["cutting_back"]),
        ("give me some info", []),
    ],
)
def test_topics(text, expected):
    assert cues.topics(text) == expected


def test_a_specific_question_gets_facts_then_what_they_make_of_it():
    messages, slots = run(ACTION, make_tracker("what is suboxone", "ask_info"))
    assert codes(messages) == ["information", "open_question"]
    assert "Buprenorphine" in messages[0]["text"]
    assert slots["last_prompt"] == "elicit"


def test_two_medications_compared_side_by_side():
    messages, _ = run(ACTION, make_tracker("methadone vs subs, which is better", "ask_info"))
    assert codes(messages) == ["information", "information", "open_question"]
    assert "Methadone" in messages[0]["text"] and "Buprenorphine" in messages[1]["text"]


def test_a_general_question_gets_several_paths_side_by_side_and_a_choice():
    messages, _ = run(ACTION, make_tracker("what are my options to quit", "ask_info"))
    assert codes(messages) == ["information", "open_question"]
    text = messages[0]["text"]
    for path in ("methadone", "counselling", "SMART", "faith", "peer"):
        assert path.lower() in text.lower()


def test_harm_reduction_answers_keep_recovery_in_view():
    turn = info_turn(Context.plain("what are fent strips", seed=0))
    assert "recovery" in turn.messages[-1].text.lower()


def test_never_use_alone_line_comes_from_the_locale(monkeypatch):
    monkeypatch.setenv("LANTERN_LOCALE", "en-CA")
    messages, _ = run(ACTION, make_tracker("how does never use alone work", "ask_info"))
    assert "1-888-688-6677" in messages[0]["text"]


def test_without_a_topic_it_asks_which_kind():
    messages, slots = run(ACTION, make_tracker("can you send me info", "ask_info"))
    assert codes(messages) == ["closed_question"]


def test_family_role_gets_the_family_elicit():
    turn = info_turn(Context.plain("what is narcan", {"role": "family"}, seed=0))
    assert turn.messages[-1].mi == "open_question"
    assert "recover" in turn.messages[-1].text or "situation" in turn.messages[-1].text
