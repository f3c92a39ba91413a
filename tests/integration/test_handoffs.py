"""Hand-offs end to end: real Rasa, action server and staff console, real SQLite, Twilio replaced by the local fake,
the widget and the console in real Chromium (two browser contexts: the person and a staff member).

Staff are on duty all day here (LANTERN_STAFFED_HOURS); the hours themselves are tested in
tests/unit/test_handoff_store.py, the wording outside them in tests/unit/test_handoff_turns.py.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from typing import Any, Dict, Iterator, List

import pytest

from lantern.handoffs import store
from lantern.handoffs.store import HandoffStore
from lantern.records.anonymizer.pseudonym import pseudonymize
from tests.conftest import MODEL, PUBLIC_URL, make_settings
from tests.integration.fake_twilio import SMS_FROM
from tests.integration.test_checkins_sms import text
from tools.processes import Stack, start_stack

CONTACT_KEY = "contact-key-" + uuid.uuid4().hex
TIMEOUT_MS = 45_000
REVIEWER = ("rosa", "Rosa Reviewer")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, fake_twilio: Any) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train`")
    overrides = {
        "LANTERN_ORG_NAME": "Harbor",
        "LANTERN_PUBLIC_URL": PUBLIC_URL,
        "LANTERN_TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
        "LANTERN_TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
        "LANTERN_TWILIO_API_URL": fake_twilio.url,
        "LANTERN_SMS_FROM": SMS_FROM,
        "LANTERN_CONTACT_KEY": CONTACT_KEY,
        "LANTERN_STAFFED_HOURS": "Mon-Sun 00:00-24:00",
        "LANTERN_STAFFED_TZ": "UTC",
        "LANTERN_STAFF_KEY": "staff-key-" + uuid.uuid4().hex,
    }
    s = make_settings(tmp_path_factory.mktemp("handoffs"), **overrides)
    stack = start_stack(s, model=MODEL, env_overrides=overrides, staff=True)
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def handoffs(stack: Stack) -> Iterator[HandoffStore]:
    made = HandoffStore(stack.settings.db_url)
    yield made
    made.dispose()


def db(stack: Stack) -> sqlite3.Connection:
    return sqlite3.connect(stack.settings.db_url.split("sqlite:///", 1)[1].split("?", 1)[0], timeout=5)


def number() -> str:
    return f"+1415{uuid.uuid4().int % 10**7:07d}"


def handoff_rows(stack: Stack, conversation: str) -> List[Dict[str, Any]]:
    with db(stack) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM handoffs WHERE conversation = ?", (conversation,))]


def wait_until(check: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_over_sms_a_person_is_asked_for_joins_writes_and_hands_back(stack, fake_twilio, handoffs):
    phone = number()
    who = pseudonymize(phone, stack.settings.pseudonym_key)
    said = " ".join(text(stack, fake_twilio, phone, "can i talk to a real person"))
    assert "join this chat" in said and "Harbor" in said, said
    (row,) = handoff_rows(stack, who)
    assert (row["status"], row["kind"], row["channel"]) == ("waiting", "request", "sms")
    assert row["phone_enc"] and phone not in row["phone_enc"] and phone[2:] not in row["phone_enc"]

    # A staff member takes it over: the person is told, by text, that a person has joined.
    before = len(fake_twilio.to(phone))
    handoffs.run(store.take, row["id"], 7, time.time(), "Hi, this is Rosa from Harbor. I'm a person.")
    fake_twilio.wait_for(phone, before + 1)
    assert fake_twilio.to(phone)[-1] == "Hi, this is Rosa from Harbor. I'm a person."

    # While taken the bot says nothing; the message is still kept (anonymized) for the staff member to read.
    before = len(fake_twilio.to(phone))
    text(stack, fake_twilio, phone, "ok thanks, my name is Dana and i just want to talk to someone", expect=0)
    assert len(fake_twilio.to(phone)) == before
    handoffs.run(store.send, row["id"], 7, "Hi Dana, I'm glad you reached out. What's going on today?", time.time())
    fake_twilio.wait_for(phone, before + 1)
    assert fake_twilio.to(phone)[-1].startswith("Hi Dana, I'm glad you reached out.")

    with db(stack) as conn:
        stored = wait_until(
            lambda: (
                conn.execute(
                    "SELECT m.sender, m.text FROM transcript_messages m JOIN transcript_conversations c "
                    "ON c.id = m.conversation_id WHERE c.sender_pseudonym = ? ORDER BY m.seq",
                    (who,),
                ).fetchall()
                if conn.execute(
                    "SELECT count(*) FROM transcript_messages m JOIN transcript_conversations c "
                    "ON c.id = m.conversation_id WHERE c.sender_pseudonym = ? AND m.sender = 'staff'",
                    (who,),
                ).fetchone()[0]
                else None
            )
        )
    staff = [t for s, t in stored if s == "staff"]
    assert staff and "Dana" not in " ".join(t for _, t in stored)  # anonymized, the person's and the staff's
    assert ("staff", "Hi <PERSON>, I'm glad you reached out. What's going on today?") in stored

    # Handed back: the person is told, and the bot answers again.
    handoffs.run(store.hand_back, row["id"], 7, time.time(), "Rosa has left the chat. You're with the bot again.")
    fake_twilio.wait_for(phone, len(fake_twilio.to(phone)) + 1)
    replies = text(stack, fake_twilio, phone, "hi again")
    assert replies and not any("Rosa" in r for r in replies)
    assert wait_until(lambda: handoff_rows(stack, who)[0]["phone_enc"] is None)


def test_stop_during_a_hand_off_closes_it_and_staff_can_no_longer_text(stack, fake_twilio, handoffs):
    phone = number()
    who = pseudonymize(phone, stack.settings.pseudonym_key)
    text(stack, fake_twilio, phone, "i want to talk to a human")
    (row,) = handoff_rows(stack, who)
    handoffs.run(store.take, row["id"], 7, time.time(), "Hi, this is Rosa.")
    fake_twilio.wait_for(phone, len(fake_twilio.to(phone)) + 1)
    text(stack, fake_twilio, phone, "STOP")
    (row,) = handoff_rows(stack, who)
    assert (row["status"], row["reason"], row["phone_enc"]) == ("closed", "stop", None)
    with pytest.raises(store.HandoffError):
        handoffs.run(store.send, row["id"], 7, "are you there?", time.time())


def test_a_crisis_on_duty_goes_to_the_queue_and_the_crisis_reply_is_never_held_back(stack, fake_twilio, handoffs):
    phone = number()
    who = pseudonymize(phone, stack.settings.pseudonym_key)
    said = " ".join(text(stack, fake_twilio, phone, "my friend isnt breathing after using, what do i do"))
    assert "911" in said
    (row,) = handoff_rows(stack, who)
    assert (row["kind"], row["status"]) == ("crisis", "waiting")
    handoffs.run(store.take, row["id"], 7, time.time(), "Hi, this is Rosa.")
    fake_twilio.wait_for(phone, len(fake_twilio.to(phone)) + 1)
    # Taken over, and still: a message that reads as a crisis gets the crisis reply at once.
    said = " ".join(text(stack, fake_twilio, phone, "he's turning blue"))
    assert "911" in said
