"""No sentence said twice in a conversation (issue 18): the phrase picker and the last guard before sending."""

import random

from rasa_sdk.executor import CollectingDispatcher

from actions.base import Context, Turn, send
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


def test_send_applies_the_guard_and_keeps_a_record_of_what_was_said():
    dispatcher = CollectingDispatcher()
    before = sorted(said_sentences([HELPLINE]))
    events = send(
        dispatcher, Turn([Message(f"{HELPLINE} Want the number, or a place near you?", "information")]), before
    )
    assert [m["text"] for m in dispatcher.messages] == ["Want the number, or a place near you?"]
    record = events[-1]["value"]
    assert events[-1]["name"] == "said" and record[:1] == before and len(record) == 2
    assert all(len(k) == 12 for k in record)  # hashes, never the text


def test_what_was_said_turns_ago_is_remembered_through_the_slot():
    """The tracker store loads only the last few turns, so the record in the slot is what remembers."""
    context = Context.plain("ok", slots={"said": sorted(said_sentences([HELPLINE]))})
    assert context.said == sorted(said_sentences([HELPLINE]))
    dispatcher = CollectingDispatcher()
    send(dispatcher, Turn([Message(HELPLINE, "information"), Message("What else is on your mind?", "q")]), context.said)
    assert [m["text"] for m in dispatcher.messages] == ["What else is on your mind?"]


def test_say_prefers_a_variant_that_repeats_no_sentence_said():
    key = "greet.again"
    first = variants(key)[0].text
    for seed in range(20):
        assert say(key, random.Random(seed), said_sentences([first])).text != first


def test_a_turn_that_would_repeat_itself_whole_is_worded_again():
    """Blind conversation bench: the same "I don't know" turn twice in a conversation, word for word."""
    import asyncio

    from rasa_sdk import Tracker

    from actions.base import MIAction
    from tests.conftest import tracker_dict

    class Unknown(MIAction):
        action_name = "action_test_unknown"

        def decide(self, context):
            return Turn([say("info.unknown", context.rng, context.said)])

    every_but_last = [line.text for line in variants("info.unknown")[:-1]]
    tracker = Tracker.from_dict(tracker_dict(slots={"said": sorted(said_sentences(every_but_last))}))
    for _ in range(10):
        dispatcher = CollectingDispatcher()
        asyncio.run(Unknown().run(dispatcher, tracker, {}))
        assert [m["text"] for m in dispatcher.messages] == [variants("info.unknown")[-1].text]
