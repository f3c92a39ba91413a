"""No sentence said twice in a conversation (issue 18): the phrase picker and the last guard before sending."""

import random

from rasa_sdk.executor import CollectingDispatcher

from actions.base import Turn, send
from actions.phrases import Message, said_sentences, say, variants, without_repeats

HELPLINE = "A person at the helpline can answer that, for free, day or night."


def test_a_sentence_said_before_is_left_out_and_the_rest_kept():
    said = said_sentences([f"I don't know. {HELPLINE}"])
    out = without_repeats([Message(f"Good question. {HELPLINE}", "information"), Message("What else?", "q")], said)
    assert [m.text for m in out] == ["Good question.", "What else?"]


def test_short_sentences_may_come_back():
    said = said_sentences(["Makes sense. Okay."])
    assert [m.text for m in without_repeats([Message("Makes sense.", "structure")], said)] == ["Makes sense."]


def test_a_message_left_empty_is_dropped_but_a_turn_never_goes_silent():
    said = said_sentences([HELPLINE])
    assert [m.text for m in without_repeats([Message(HELPLINE, "information"), Message("Ok?", "q")], said)] == ["Ok?"]
    assert [m.text for m in without_repeats([Message(HELPLINE, "information")], said)] == [HELPLINE]


def test_comparison_ignores_case_and_spacing():
    said = said_sentences(["a person at THE helpline can answer that,  for free, day or night."])
    assert without_repeats([Message(HELPLINE + " Really.", "information")], said)[0].text == "Really."


def test_send_applies_the_guard():
    dispatcher = CollectingDispatcher()
    send(dispatcher, Turn([Message(f"{HELPLINE} Want the number?", "information")]), [HELPLINE])
    assert [m["text"] for m in dispatcher.messages] == ["Want the number?"]


def test_say_prefers_a_variant_that_repeats_no_sentence_said():
    key = "greet.again"
    first = variants(key)[0].text
    for seed in range(20):
        assert say(key, random.Random(seed), [first]).text != first
