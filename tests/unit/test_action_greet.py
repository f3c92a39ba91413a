from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.greet import ActionGreet, greeting_messages, is_returning
from tests.conftest import tracker_dict


def test_first_greeting_says_bot_and_who_reads():
    intro, question = greeting_messages("Harbor Health", returning=False)
    assert "automated assistant" in intro["text"] and "Harbor Health" in intro["text"]
    assert "Staff may read" in intro["text"] and "Not a person" in intro["text"]
    assert question["metadata"]["mi"] == "open_question"
    assert question["text"].endswith("?") or "fine too" in question["text"]


def test_returning_greeting_differs():
    intro, _ = greeting_messages("Harbor Health", returning=True)
    assert intro["text"].startswith("Welcome back")


def test_is_returning_reads_the_tracker():
    fresh = Tracker.from_dict(tracker_dict())
    seen = Tracker.from_dict(tracker_dict(events=[{"event": "action", "name": "action_greet"}]))
    assert not is_returning(fresh)
    assert is_returning(seen)


async def _run(tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionGreet().run(dispatcher, tracker, {})
    return dispatcher.messages, events


def test_action_sends_two_messages_with_org_name(monkeypatch):
    import asyncio

    monkeypatch.setenv("LANTERN_ORG_NAME", "Harbor Health")
    messages, events = asyncio.run(_run(Tracker.from_dict(tracker_dict())))
    assert [e["name"] for e in events] == ["said"]  # only the record of what was said
    assert len(messages) == 2
    assert "Harbor Health" in messages[0]["text"]
    assert all(len(m["text"]) <= 320 for m in messages)


def test_first_greeting_fits_one_sms_segment_with_a_short_org_name():
    from rasa_plugins.channels.sms_text import segment_count

    intro, question = greeting_messages("the Lantern project", returning=False)
    assert segment_count(intro["text"]) == 1 and segment_count(question["text"]) == 1


def test_a_second_hello_in_the_same_conversation_gets_no_second_introduction():
    from actions.base import Context
    from actions.greet import greet_turn

    turn = greet_turn(Context.plain("hi"), "Harbor Health", greeted_before=True)
    assert len(turn.messages) == 1
    assert "Lantern" not in turn.messages[0].text and "Welcome back" not in turn.messages[0].text
