"""A sender id means nothing outside its channel (lantern/identity.py)."""

from __future__ import annotations

from lantern.identity import rest_conversation_id, sms_conversation_id, stored_id, stored_id_for_cli
from lantern.records.anonymizer import pseudonymize

KEY = "identity-test-key"
NUMBER = "+1 (937) 555-0188"


def test_an_sms_conversation_is_stored_under_the_numbers_pseudonym():
    conversation = sms_conversation_id(NUMBER, KEY)
    assert conversation == "sms:" + pseudonymize(NUMBER, KEY)
    assert stored_id(conversation, KEY) == pseudonymize("9375550188", KEY)  # same number, any spelling


def test_no_other_id_reaches_an_sms_conversation():
    target = stored_id(sms_conversation_id(NUMBER, KEY), KEY)
    attempts = [
        NUMBER,
        "9375550188",
        "+19375550188",
        pseudonymize(NUMBER, KEY),
        rest_conversation_id(NUMBER),
        rest_conversation_id(pseudonymize(NUMBER, KEY)),
        rest_conversation_id("sms:" + pseudonymize(NUMBER, KEY)),
        "sms:" + NUMBER,
        "SMS:" + target,
    ]
    assert all(stored_id(a, KEY) != target for a in attempts)


def test_rest_senders_have_their_own_namespace_and_are_never_stored_as_given():
    assert stored_id(rest_conversation_id("alice"), KEY) != stored_id("alice", KEY)
    assert stored_id(rest_conversation_id("9375550188"), KEY) != stored_id(rest_conversation_id(NUMBER), KEY)
    for value in ("alice", "rest:alice", "p_aaaaaaaaaaaaaaaaaaaa", "0123456789abcdef0123456789abcdef"):
        assert stored_id(value, KEY) != value and stored_id(value, KEY).startswith("p_")


def test_staff_can_name_a_person_by_number_pseudonym_or_conversation_id():
    expected = stored_id(sms_conversation_id(NUMBER, KEY), KEY)
    assert stored_id_for_cli(NUMBER, KEY) == expected
    assert stored_id_for_cli(expected, KEY) == expected
    assert stored_id_for_cli("sms:" + expected, KEY) == expected
    assert stored_id_for_cli("rest:alice", KEY) == stored_id("rest:alice", KEY)
