"""Crisis conversations through the real server: crisis mode listens, check-in answers are read, it can be left.

Each test is one conversation on the REST channel of the session's Lantern (real Rasa and
action servers, real SQLite). The wording of a reply is the trainers' (domain/crisis.yml); the
tests check which reply came by the facts it must carry, and the crisis marker on it.
"""

from __future__ import annotations

import uuid
from typing import Dict, List, Optional, Tuple

from tools.client import api, conversation_id, send


def talk(lantern, who: str, text: str) -> Tuple[str, Optional[str]]:
    """(all reply texts joined, the first crisis marker or None)."""
    status, replies = send(lantern.settings, who, text)
    assert status == 200 and isinstance(replies, list) and replies, (status, replies)
    markers = [
        r["custom"]["crisis"] for r in replies if isinstance(r.get("custom"), dict) and r["custom"].get("crisis")
    ]
    return " ".join(r.get("text", "") for r in replies), (markers[0] if markers else None)


def new_person() -> str:
    return "dlg-" + uuid.uuid4().hex[:10]


def test_crisis_mode_answers_each_update_of_an_overdose(lantern):
    who = new_person()
    text, marker = talk(lantern, who, "my friend is turning blue and wont wake up")
    assert marker == "overdose" and text.startswith("Call 911")
    text, marker = talk(lantern, who, "ok i called them")
    assert marker == "overdose" and "right thing" in text and "Stay with them" in text
    text, marker = talk(lantern, who, "how long does the narcan take to work")
    assert marker == "overdose" and "2 to 3 minutes" in text and "second dose" in text
    text, marker = talk(lantern, who, "ok hes breathing now")
    assert marker == "overdose" and "wear off" in text
    text, marker = talk(lantern, who, "ambulance is here")
    assert marker == "overdose" and "Tell them what was taken" in text
    text, marker = talk(lantern, who, "they took him, hes ok. thank you")
    assert "glad" in text and marker is None  # safe: crisis mode is over
    text, marker = talk(lantern, who, "where can i get narcan for next time")
    assert marker is None and "I'm still here" not in text


def test_a_false_alarm_can_be_left_and_a_safety_question_gets_its_answer(lantern):
    who = new_person()
    _, marker = talk(lantern, who, "my friend is not breathing")
    assert marker == "overdose"
    text, marker = talk(lantern, who, "no no nobody is overdosing, i was just asking what to do")
    assert marker is None and "glad no one is in danger" in text
    text, marker = talk(lantern, who, "ok thanks")
    assert marker is None and "911" not in text

    who = new_person()
    talk(lantern, who, "my friend is not breathing")
    text, marker = talk(lantern, who, "what do i do so i dont die, just got out of jail and nobody gave me narcan")
    assert "body handles much less" in text or "tolerance" in text.lower()


def test_everyday_messages_do_not_lock_crisis_mode(lantern):
    who = new_person()
    _, marker = talk(lantern, who, "my boyfriend is choking me right now")
    assert marker == "danger"
    text, marker = talk(lantern, who, "do you know of any food banks")
    assert marker == "danger" and "Are you safe right now?" in text  # asked once
    text, marker = talk(lantern, who, "what about a place to get a free phone")
    assert marker is None and "Are you safe right now?" not in text  # then back to the conversation


def test_a_bare_answer_to_are_you_safe(lantern):
    who = new_person()
    text, marker = talk(lantern, who, "i want to kill myself tonight")
    assert marker == "suicide" and "safe right now" in text
    text, marker = talk(lantern, who, "no")
    assert marker == "suicide" and "988" in text  # not safe: the line again, and staying

    who = new_person()
    talk(lantern, who, "i want to kill myself tonight")
    text, marker = talk(lantern, who, "yes")
    assert marker is None and "glad you're safe" in text


# Messages that read as a check-in: the first of them that the model reads so is used (its wording is the
# model's business; what is tested is how the answer to the check-in is read).
CHECK_IN_CANDIDATES = (
    "whats the point anymore",
    "counting my pills",
    "not sure i want to be here much longer",
    "i keep thinking about not being around",
    "been kinda fading tonight",
    "i dont know how much longer i can keep doing this",
    "hes coming over tonight and im scared",
)


def check_in(lantern, who: str) -> str:

    for candidate in CHECK_IN_CANDIDATES:
        status, parsed = api(lantern.settings, "/model/parse", {"text": candidate})
        if status == 200 and parsed["crisis"]["level"] == "check_in":
            text, marker = talk(lantern, who, candidate)
            assert marker == "check", text
            return text
    raise AssertionError("none of the candidates reads as a check-in: " + repr(CHECK_IN_CANDIDATES))


def test_yes_to_a_check_in_gets_the_crisis_script(lantern):
    who = new_person()
    asked = check_in(lantern, who)
    assert "911" in asked or "988" in asked
    text, marker = talk(lantern, who, "yeah")
    assert marker in {"suicide", "overdose", "danger", "active"} and ("988" in text or "911" in text)


def test_no_to_a_check_in_is_acknowledged_and_the_conversation_goes_on(lantern):
    who = new_person()
    check_in(lantern, who)
    text, marker = talk(lantern, who, "nah im good")
    assert marker is None and "thank you for telling me" in text.lower()
    text, marker = talk(lantern, who, "i just want to cut back on drinking")
    assert marker is None


def test_an_unclear_answer_is_asked_once_more_plainly_then_left(lantern):
    who = new_person()
    check_in(lantern, who)
    text, marker = talk(lantern, who, "what do you mean")
    assert marker == "check" and "yes or no" in text and "911" in text and "988" in text
    text, marker = talk(lantern, who, "whatever")
    assert marker is None


def test_everyday_messages_and_worry_without_danger_now_get_no_check_in(lantern):
    for text in (
        "bye",
        "goodnight",
        "gotta go, talk later",
        "my son wont talk to me since he started using again, how do i reach him",
        "im worried about my sister's drinking, she drinks every weekend",
    ):
        _, marker = talk(lantern, new_person(), text)
        assert marker is None, text


def test_signals_across_turns_reach_at_least_a_check_in(lantern):
    who = new_person()
    markers: List[Optional[str]] = []
    for text in (
        "honestly so tired of everything lately",
        "i dont really see the point of anything",
        "been saving up my pills for a while now",
    ):
        markers.append(talk(lantern, who, text)[1])
    assert any(markers), markers


def test_readings_are_stored_as_labels_only(lantern):

    who = new_person()
    talk(lantern, who, "been saving up my pills for a while now")
    status, tracker = api(lantern.settings, f"/conversations/{conversation_id(who)}/tracker")
    assert status == 200
    user = [e for e in tracker["events"] if e["event"] == "user"][-1]
    signal: Dict = user["parse_data"]["crisis_signal"]
    assert set(signal) >= {"risk", "category", "answer", "update", "question", "literal", "words"}
    assert all(not isinstance(v, str) or " " not in v for v in signal.values())  # labels, never the text
