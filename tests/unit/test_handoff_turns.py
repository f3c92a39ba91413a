"""Hand-offs in the conversation: what the bot says about a person (actions/human.py, greet, privacy), the policy
that keeps it silent while staff have the conversation, and how a staff message is stored (the scrubber)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.base import Context
from actions.greet import greet_turn
from actions.human import Staffing, human_turn, staff_can_write_to
from actions.privacy import privacy_messages
from rasa_plugins.channels.handoff_relay import is_crisis_reply, says_someone_will_come
from rasa_plugins.policies.handoff import METADATA_KEY, HandoffPolicy, is_taken

SMS = "sms:p_aaaaaaaaaaaaaaaaaaaa"
WIDGET = "ab" * 32
HOURS = "Mon-Fri 9am-5pm (EST)"
HELPLINE = "SAMHSA National Helpline (1-800-662-4357)"


def context(sender: str) -> Context:
    return replace(Context.plain("can i talk to a real person"), sender_id=sender)


def test_only_sms_and_the_widget_can_receive_a_staff_message():
    assert staff_can_write_to(SMS) and staff_can_write_to(WIDGET)
    assert not staff_can_write_to("rest:tester") and not staff_can_write_to("AB" * 32) and not staff_can_write_to("")


@pytest.mark.parametrize("sender", [SMS, WIDGET])
def test_on_duty_the_bot_says_a_person_will_join_and_that_line_opens_the_request(sender):
    turn = human_turn(context(sender), HELPLINE, "Harbor", "", Staffing(HOURS, True, "911"))
    (message,) = turn.messages
    assert message.source == "phrase:human.requested"
    assert "join this chat" in message.text and "Harbor" in message.text and "911" in message.text
    assert says_someone_will_come({"text": message.text, "metadata": {"source": message.source}})


def test_off_duty_the_bot_says_when_people_are_there_and_gives_the_helpline():
    turn = human_turn(context(SMS), HELPLINE, "Harbor", "", Staffing(HOURS, False))
    texts = [m.text for m in turn.messages]
    assert HOURS in texts[0] and "Nobody from Harbor is on right now" in texts[0]
    assert HELPLINE in texts[1]
    assert not any(m.source == "phrase:human.requested" for m in turn.messages)


@pytest.mark.parametrize(
    "sender, staffing", [("rest:tester", Staffing(HOURS, True)), (SMS, Staffing()), (WIDGET, Staffing("", True))]
)
def test_without_staffed_hours_or_over_rest_nobody_is_promised(sender, staffing):
    turn = human_turn(context(sender), HELPLINE, "Harbor", "", staffing)
    assert [m.source for m in turn.messages] == ["phrase:human.helpline"]


def test_the_greeting_and_privacy_answer_say_a_person_can_join_only_when_staffed_hours_are_set():
    plain = " ".join(m.text for m in greet_turn(Context.plain("hi"), "Harbor", False).messages)
    staffed = " ".join(m.text for m in greet_turn(Context.plain("hi"), "Harbor", False, HOURS).messages)
    assert "for a person" not in plain and f"for a person from the team {HOURS}" in staffed
    who = privacy_messages(["who_reads"], "Harbor", "policy.", 90, "", Context.plain(""), HOURS)[0].text
    assert "No one reads along live unless someone from Harbor joins" in who and HOURS in who
    assert (
        "no one reads along live" in privacy_messages(["who_reads"], "Harbor", "p.", 90, "", Context.plain(""))[0].text
    )


def test_a_crisis_reply_is_told_from_a_check_in_question():
    assert is_crisis_reply({"custom": {"crisis": "overdose"}})
    assert not is_crisis_reply({"custom": {"crisis": "check"}}) and not is_crisis_reply({"text": "hi"})


# ----- HandoffPolicy ------------------------------------------------------------------------------
def tracker(metadata: dict) -> DialogueStateTracker:
    t = DialogueStateTracker.from_events("t", [ActionExecuted("action_listen")], slots=[])
    t.update(UserUttered("how long will this take", {"name": "ask_info", "confidence": 0.9}, metadata=metadata))
    return t


@pytest.mark.parametrize(
    "metadata, taken",
    [({METADATA_KEY: "taken"}, True), ({METADATA_KEY: "waiting"}, False), ({METADATA_KEY: None}, False), ({}, False)],
)
def test_the_policy_keeps_the_bot_silent_only_while_staff_have_the_conversation(metadata, taken, tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.core.domain import Domain

    domain = Domain.from_yaml("version: '3.1'\nactions: [action_reflect]\nintents: [ask_info]")
    policy = HandoffPolicy.load(
        HandoffPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("handoff"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    prediction = policy.predict_action_probabilities(tracker(metadata), domain)
    assert is_taken(tracker(metadata)) is taken
    best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
    if taken:
        assert domain.action_names_or_texts[best] == "action_listen" and prediction.probabilities[best] == 1.0
    else:
        assert max(prediction.probabilities) == 0.0  # abstains


def test_the_crisis_policy_still_outranks_it():
    from rasa_plugins.policies.answers import WaitingQuestionPolicy
    from rasa_plugins.policies.crisis import CrisisPolicy

    ranks = [p.get_default_config()["priority"] for p in (CrisisPolicy, HandoffPolicy, WaitingQuestionPolicy)]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == 3


# ----- the stored staff message -------------------------------------------------------------------
def test_a_staff_message_is_anonymized_like_the_person_s_and_recorded_as_staff():
    from lantern.records.anonymizer import get_anonymizer
    from lantern.records.transcripts.scrub import DomainInfo, Scrubber

    scrubber = Scrubber(DomainInfo(slot_types={}, response_texts={}), get_anonymizer())
    staff_text = "Hi Keisha Brown, this is Sam. Call me back at 380-555-0147 if you like."
    events = [
        {"event": "bot", "timestamp": 1.0, "text": staff_text, "metadata": {"staff": True, "handoff": "staff"}},
        {"event": "bot", "timestamp": 2.0, "text": "Sam has left the chat.", "metadata": {"handoff": "left"}},
    ]
    out = scrubber.scrub(events, "sms:p_aaaaaaaaaaaaaaaaaaaa")
    stored = out.events[0]["text"]
    assert "Keisha" not in stored and "380-555-0147" not in stored and "<PERSON>" in stored
    assert [(r.sender, r.text) for r in out.records][1] == ("bot", "Sam has left the chat.")
    assert out.records[0].sender == "staff" and "PHONE" in out.records[0].pii_types
