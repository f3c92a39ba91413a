"""action_affirm_step: specific affirmation, a reflection of what it shows; the step is kept."""

import pytest

from actions import cues
from actions.cues import duration, steps
from actions.steps import ActionAffirmStep
from tests.unit.mi_helpers import codes, make_tracker, run

ACTION = ActionAffirmStep()


@pytest.mark.parametrize(
    "text,key",
    [
        ("got narcan today", "naloxone"),
        ("i carry naloxone now", "naloxone"),
        ("i didnt use alone last night", "not_alone"),
        ("had my friend watch me when i used", "not_alone"),
        ("tested my stuff with fent strips", "testing"),
        ("i cut down to half a gram", "less"),
        ("didnt use yesterday", "day_off"),
        ("i smoke it now instead of shooting", "safer_route"),
        ("got new rigs from the exchange", "safer_route"),
        ("i called the clinic", "called_clinic"),
        ("made an appointment for intake", "called_clinic"),
        ("started subs monday", "treatment"),
        ("went to my first na meeting", "meeting"),
        ("30 days clean today", "days"),
        ("2 weeks sober", "days"),
    ],
)
def test_steps_are_recognised(text, key):
    assert steps(text)[0] == key


def test_durations():
    assert duration("30 days clean") == "30 days"
    assert duration("a couple weeks sober") == "a couple of weeks"
    assert duration("one month off") == "a month"
    assert duration("6 mos") == "6 months"
    assert duration("no time at all") is None


def test_naloxone_is_affirmed_specifically_kept_and_a_next_step_invited():
    messages, slots = run(ACTION, make_tracker("got narcan from the pharmacy today", "report_step"))
    assert codes(messages) == ["affirm", "complex_reflection", "open_question"]
    assert "naloxone" in messages[0]["text"].lower()
    assert "recovery" in messages[2]["text"] and "if anything" in messages[2]["text"]  # invited, not pushed
    assert slots["steps_taken"] == ["naloxone"]
    assert slots["last_prompt"] == "next_step"


def test_the_invitation_is_not_repeated_when_the_last_turn_asked_it():
    messages, _ = run(ACTION, make_tracker("and i tested my stuff", "report_step", slots={"last_prompt": "next_step"}))
    assert codes(messages) == ["affirm", "complex_reflection"]


def test_days_without_use_name_the_time():
    messages, _ = run(ACTION, make_tracker("2 weeks sober today", "report_step"))
    assert "2 weeks" in messages[0]["text"]
    assert messages[0]["text"][0].isupper() or messages[0]["text"][0].isdigit()


def test_a_step_told_with_more_is_affirmed_and_the_rest_said_back():
    text = "i called one place last week and they put me on a waitlist and never called back"
    messages, _ = run(ACTION, make_tracker(text, "report_step"))
    assert codes(messages)[:2] == ["affirm", "simple_reflection"]
    assert "waitlist" in messages[1]["text"] and messages[1]["text"].startswith("You called")


def test_a_step_named_only_by_a_word_is_said_back_not_praised():
    messages, _ = run(ACTION, make_tracker("the clinic lady was rude to me", "report_step"))
    assert "affirm" not in codes(messages)


def test_a_step_without_a_name_still_gets_a_real_affirmation():
    messages, slots = run(ACTION, make_tracker("i threw out my stash", "report_step"))
    assert codes(messages)[:2] == ["affirm", "complex_reflection"]
    assert "steps_taken" not in slots


def test_no_step_in_the_words_is_reflected_not_affirmed():
    """The classifier said report_step, but nothing was done: affirming it would be wrong."""
    messages, slots = run(ACTION, make_tracker("now i buy them off the street", "report_step"))
    assert "affirm" not in codes(messages) and codes(messages)[0].endswith("reflection")


def test_steps_add_up_without_repeats():
    messages, slots = run(ACTION, make_tracker("tested my stuff", "report_step", slots={"steps_taken": ["naloxone"]}))
    assert slots["steps_taken"] == ["naloxone", "testing"]


@pytest.mark.parametrize(
    "text, step",
    [
        ("vet here. army, 2 deployments. been on heroin about 5 years now", None),  # time spent using
        ("been using fent for 6 years now", None),
        ("5 years clean now", "days"),
        ("i been 3 months without using now", "days"),
        ("2 weeks now off fent", "days"),
    ],
)
def test_a_length_of_time_spent_using_is_not_praised_as_time_without(text, step):
    """Blind conversation (conv_b): "been on heroin about 5 years now" got "5 years without using"."""
    assert cues.step_of_report(text) == step


@pytest.mark.parametrize(
    "text",
    ["i used a fresh needle", "im going to meetings every day now", "got a vivitrol shot before i got released"],
)
def test_a_step_the_person_did_is_affirmed_even_when_only_a_word_names_it(text):
    """Blind conversations: "got a vivitrol shot before i got released" and "i did a phone appointment" were only
    said back; a word names the step, and the person did it."""
    messages, _ = run(ACTION, make_tracker(text, "report_step"))
    assert codes(messages)[0] == "affirm"


@pytest.mark.parametrize(
    "text", ["the pharmacy said theyre out of my suboxone again", "i havent even been to a prenatal appointment yet"]
)
def test_a_word_with_a_barrier_is_said_back_not_praised(text):
    messages, _ = run(ACTION, make_tracker(text, "report_step"))
    assert "affirm" not in codes(messages)
