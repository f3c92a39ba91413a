"""Hand-offs end to end: real Rasa, action server and staff console, real SQLite, Twilio replaced by the local fake,
the widget and the console in real Chromium (two browser contexts: the person and a staff member).

Staff are on duty all day here (LANTERN_STAFFED_HOURS); the hours themselves are tested in
tests/unit/test_handoff_store.py, the wording outside them in tests/unit/test_handoff_turns.py.
"""

from __future__ import annotations

import re
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
from tools import staff_demo
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


# ----- the widget and the console, in real Chromium ---------------------------------------------------
def make_reviewer(stack: Stack) -> None:
    from lantern import db as lantern_db
    from staff.auth import create_user

    engine = lantern_db.create_engine(stack.settings.db_url)
    lantern_db.upgrade(engine, groups=("staff",))
    with engine.begin() as conn:
        create_user(conn, REVIEWER[0], staff_demo.PASSWORD, "reviewer", REVIEWER[1])
    engine.dispose()


def person_lines(page: Any) -> List[str]:
    """What the bot itself said on the person's screen (not staff messages, not the notices)."""
    return page.locator(".msg.bot:not(.staff):not(.notice) p").all_inner_texts()


def say(page: Any, text: str) -> None:
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")


def test_in_the_widget_a_staff_member_takes_over_from_the_console_and_hands_back(stack, browser):
    make_reviewer(stack)
    person = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True).new_page()
    staff = browser.new_context(viewport=staff_demo.SCREEN).new_page()
    for page in (person, staff):
        page.set_default_timeout(TIMEOUT_MS)

    person.goto(f"{stack.settings.rasa_url}/webhooks/widget/demo")
    person.locator(".msg.bot").first.wait_for()
    person.wait_for_timeout(500)
    assert "for a person from the team every day, all day (UTC)" in " ".join(person_lines(person))
    before = len(person_lines(person))
    say(person, "can i talk to a real person please")
    person.locator(".msg.bot").nth(before).wait_for()
    assert "join this chat" in " ".join(person_lines(person)[before:])

    with db(stack) as conn:
        (handoff_id,) = wait_until(
            lambda: conn.execute(
                "SELECT id FROM handoffs WHERE channel = 'socketio' AND status = 'waiting' ORDER BY id DESC"
            ).fetchone()
        )

    staff_demo.sign_in(staff, stack.settings.staff_url, REVIEWER[0])
    staff.wait_for_url(re.compile(r"/conversations"))
    staff.goto(stack.settings.staff_url + "/handoffs")
    staff.locator(f"#take-{handoff_id}").click()
    staff.wait_for_url(re.compile(rf"/handoffs/{handoff_id}"))
    # The person's request is in front of the staff member, and the person is told a person has joined.
    staff.locator("#handoff-messages .msg.user", has_text="real person").wait_for()
    person.locator(".msg.notice", has_text="I'm a person").wait_for()

    # A staff message reaches the person's screen, marked as a person's.
    bot_lines = len(person_lines(person))
    staff.locator("#reply-text").fill("Hi, I'm here with you now. What's going on tonight?")
    staff.get_by_role("button", name="Send").click()
    person.locator(".msg.staff", has_text="What's going on tonight?").wait_for()
    assert person.locator(".msg.staff .who").first.inner_text() == "Staff"

    # The person answers: it reaches the staff member, and the bot stays silent.
    say(person, "honestly i just feel really alone and i used again last night")
    staff.locator("#handoff-messages .msg.user", has_text="feel really alone").wait_for()
    person.wait_for_timeout(2500)
    assert len(person_lines(person)) == bot_lines

    # Handed back: the person is told, and the bot answers the next message.
    staff.get_by_role("button", name="Hand back to the bot").click()
    person.locator(".msg.notice").nth(1).wait_for()
    say(person, "ok thanks. what is naloxone")
    person.locator(".msg.bot:not(.staff):not(.notice)").nth(bot_lines).wait_for()
    assert len(person_lines(person)) > bot_lines
    for page in (person, staff):
        page.context.close()
