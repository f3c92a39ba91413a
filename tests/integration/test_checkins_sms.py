"""Check-ins end to end over SMS: real Rasa and action servers, real SQLite, Twilio replaced by the local fake.

A person asks for a check-in, gives their zone and a time, says yes; the row holds their number only
encrypted; at its time (the row's due time is moved to now: the real clock is not faked here, the sender's
own tests drive a fake clock) the text goes out once, says nothing about drugs, and their answer is read as
the answer to it. STOP cancels; "cancel my check-in" and "move it to ..." work; the web chat says plainly
that check-ins need SMS; erasure deletes the row.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from datetime import datetime, timedelta
from typing import Any, Dict, Iterator, List
from zoneinfo import ZoneInfo

import pytest

from lantern.records.anonymizer.pseudonym import pseudonymize
from tests.conftest import MODEL, PUBLIC_URL, make_settings
from tests.integration.fake_twilio import SMS_FROM, signed_request, sms_params
from tools.client import api
from tools.processes import Stack, start_stack

PATH = "/webhooks/sms/webhook"
ZONE = "America/Chicago"
CONTACT_KEY = "contact-key-" + uuid.uuid4().hex
DRUG_WORDS = ("drug", "use", "using", "opioid", "fent", "heroin", "meth", "narcan", "naloxone", "dope", "recovery")


def quiet_hours_away_from_now() -> str:
    """Quiet hours that do not cover the next hour in Chicago, whenever the test runs."""
    local = datetime.now(ZoneInfo(ZONE))
    start, end = local + timedelta(hours=3), local + timedelta(hours=4)
    return f"{start:%H}:00-{end:%H}:00"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, fake_twilio: Any) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train`")
    overrides = {
        "LANTERN_PUBLIC_URL": PUBLIC_URL,
        "LANTERN_TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
        "LANTERN_TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
        "LANTERN_TWILIO_API_URL": fake_twilio.url,
        "LANTERN_SMS_FROM": SMS_FROM,
        "LANTERN_CONTACT_KEY": CONTACT_KEY,
        "LANTERN_CHECKIN_POLL_SECONDS": "0.5",
        "LANTERN_CHECKIN_QUIET_HOURS": quiet_hours_away_from_now(),
    }
    s = make_settings(tmp_path_factory.mktemp("checkins"), **overrides)
    stack = start_stack(s, model=MODEL, env_overrides=overrides)
    yield stack
    stack.stop()


def number() -> str:
    return f"+1312{uuid.uuid4().int % 10**7:07d}"


def db(stack: Stack) -> sqlite3.Connection:
    return sqlite3.connect(stack.settings.db_url.split("sqlite:///", 1)[1].split("?", 1)[0], timeout=5)


def rows(stack: Stack, phone: str) -> List[Dict[str, Any]]:
    who = pseudonymize(phone, stack.settings.pseudonym_key)
    with db(stack) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM checkins WHERE sender = ? ORDER BY id", (who,))]


def text(stack: Stack, fake: Any, phone: str, message: str, expect: int = 1) -> List[str]:
    """Send one SMS and return the replies it got (waits until they stop coming)."""
    before = len(fake.to(phone))
    status, _, _ = signed_request(PUBLIC_URL + PATH, stack.settings.rasa_url + PATH, sms_params(phone, message))
    assert status == 200
    fake.wait_for(phone, before + expect)
    seen, since = len(fake.to(phone)), time.monotonic()
    while time.monotonic() - since < 1.5:
        time.sleep(0.1)
        if len(fake.to(phone)) != seen:
            seen, since = len(fake.to(phone)), time.monotonic()
    return fake.to(phone)[before:]


def book(stack: Stack, fake: Any, phone: str, when: str = "tomorrow at 2pm") -> List[str]:
    """Ask for a check-in and accept the time said back; return every reply of the exchange."""
    said = text(stack, fake, phone, "can you check in on me in a couple days")
    assert "time zone" in " ".join(said).lower(), said
    said += text(stack, fake, phone, "central")
    said += text(stack, fake, phone, when)
    assert "Does that work" in " ".join(said[-2:]), said
    said += text(stack, fake, phone, "yes")
    return said


def due_now(stack: Stack, phone: str) -> None:
    """Time passes: the booked check-in is due now."""
    who = pseudonymize(phone, stack.settings.pseudonym_key)
    with db(stack) as conn:
        conn.execute("UPDATE checkins SET due_at = ? WHERE sender = ? AND status = 'scheduled'", (time.time(), who))


def slots(stack: Stack, phone: str) -> Dict[str, Any]:
    who = pseudonymize(phone, stack.settings.pseudonym_key)
    status, tracker = api(stack.settings, f"/conversations/sms:{who}/tracker")
    assert status == 200
    return tracker["slots"]


def test_a_check_in_is_booked_with_consent_sent_once_and_its_answer_read_in_context(stack, fake_twilio):
    phone = number()
    said = book(stack, fake_twilio, phone)
    assert "I'll text you tomorrow at 2 pm" in " ".join(said[-2:]), said
    [row] = rows(stack, phone)
    assert row["status"] == "scheduled" and row["tz"] == ZONE and row["phone_enc"]
    assert phone not in row["phone_enc"] and phone[2:] not in row["phone_enc"]  # only the encrypted copy

    before = len(fake_twilio.to(phone))
    due_now(stack, phone)
    fake_twilio.wait_for(phone, before + 1, timeout=20)
    time.sleep(2.0)  # several more polls: it is not sent again
    sent = fake_twilio.to(phone)[before:]
    assert len(sent) == 1, sent
    first_line = sent[0].split(".")[0].lower()
    assert "checking in" in sent[0] and not any(word in first_line.split() for word in DRUG_WORDS)
    [row] = rows(stack, phone)
    assert row["status"] == "sent" and row["phone_enc"] is None  # the number is gone once sent
    assert slots(stack, phone)["last_prompt"] == "checkin_followup"

    reply = text(stack, fake_twilio, phone, "not yet, i chickened out")
    assert any("What might get in the way" in r or "What could trip it up" in r for r in reply), reply


def test_stop_cancels_every_check_in_and_nothing_is_sent(stack, fake_twilio):
    phone = number()
    book(stack, fake_twilio, phone)
    text(stack, fake_twilio, phone, "STOP")
    [row] = rows(stack, phone)
    assert row["status"] == "cancelled" and row["reason"] == "stop" and row["phone_enc"] is None
    before = len(fake_twilio.to(phone))
    due_now(stack, phone)
    time.sleep(2.0)
    assert fake_twilio.to(phone)[before:] == []


def test_cancel_and_move_in_the_person_s_words(stack, fake_twilio):
    phone = number()
    book(stack, fake_twilio, phone)
    moved = text(stack, fake_twilio, phone, "can you move it to saturday at 3pm")
    assert "Saturday" in " ".join(moved), moved
    [row] = rows(stack, phone)
    assert datetime.fromtimestamp(row["due_at"], ZoneInfo(ZONE)).strftime("%A %H:%M") == "Saturday 15:00"
    cancelled = text(stack, fake_twilio, phone, "cancel my check-in")
    assert "cancelled" in " ".join(cancelled), cancelled
    assert rows(stack, phone)[0]["status"] == "cancelled"
    again = text(stack, fake_twilio, phone, "cancel my check-in")
    assert "no check-in set" in " ".join(again), again


def test_the_web_chat_and_rest_say_check_ins_need_sms(stack):
    from tools.client import send

    status, replies = send(stack.settings, "web-" + uuid.uuid4().hex[:8], "can you check in on me friday")
    assert status == 200 and "SMS" in " ".join(r.get("text", "") for r in replies), replies


def test_erasure_deletes_the_check_in(stack, fake_twilio):
    from lantern.records.transcripts.db import open_engine
    from lantern.records.transcripts.retention import forget

    phone = number()
    book(stack, fake_twilio, phone)
    assert rows(stack, phone)
    forget(open_engine(stack.settings.db_url), pseudonymize(phone, stack.settings.pseudonym_key))
    assert rows(stack, phone) == []
