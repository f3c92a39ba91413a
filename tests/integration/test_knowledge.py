"""Questions through the real servers: the knowledge entry answers, context holds, Spanish gets Spanish."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

from lantern.knowledge.answers import default_answers
from tools.client import api, conversation_id, send


def sender() -> str:
    return "kb-" + uuid.uuid4().hex[:10]


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [r.get("text", "") for r in replies]


def latest_parse(lantern: Any, who: str) -> Dict[str, Any]:
    status, tracker = api(lantern.settings, f"/conversations/{conversation_id(who)}/tracker")
    assert status == 200
    return tracker["latest_message"]


def test_a_question_is_answered_from_its_entry_then_asked_what_they_make_of_it(lantern):
    who = sender()
    status, replies = send(lantern.settings, who, "is narcan sold without a prescription now")
    assert status == 200
    parse = latest_parse(lantern, who)
    assert parse["intent"]["name"] == "ask_info"
    entry = default_answers("en-US").entries[parse["knowledge"]["id"]]
    assert entry.topic == "naloxone"
    assert texts(replies)[0] == default_answers("en-US").text(entry)[0]
    assert "?" in replies[-1]["text"]  # then what they make of it
    assert "{" not in " ".join(texts(replies))  # every placeholder filled


def test_a_follow_up_without_a_topic_is_read_through_the_conversations_topic(lantern):
    who = sender()
    send(lantern.settings, who, "what is methadone exactly")
    status, replies = send(lantern.settings, who, "how much does it cost")
    assert status == 200
    knowledge = latest_parse(lantern, who)["knowledge"]
    assert knowledge["context_topic"] == "methadone"


def test_the_same_question_twice_does_not_repeat_the_same_answer(lantern):
    who = sender()
    _, first = send(lantern.settings, who, "does narcan work on fentanyl")
    _, second = send(lantern.settings, who, "does narcan work on fentanyl")
    assert texts(first)[0] != texts(second)[0]


def test_spanish_is_answered_in_spanish_with_a_line_that_speaks_it(lantern):
    status, replies = send(lantern.settings, sender(), "hola, necesito ayuda por favor")
    assert status == 200
    joined = " ".join(texts(replies))
    assert "inglés" in joined and "988" in joined and "911" in joined


def test_asked_if_it_is_a_real_person_it_never_says_yes(lantern):
    for _ in range(3):
        _, replies = send(lantern.settings, sender(), "are you a real person")
        joined = " ".join(texts(replies))
        assert not joined.lower().startswith("yes") and ("not a person" in joined or "bot" in joined)


def test_a_long_rambling_question_gets_a_reply(lantern):
    status, replies = send(lantern.settings, sender(), "so " * 400 + "is methadone free?")
    assert status == 200 and replies
