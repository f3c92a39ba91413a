"""The SMS channel against a real Lantern, with Twilio's API replaced by a local fake.

Webhook requests are built and signed with the twilio library exactly as Twilio
does, over the PUBLIC url (LANTERN_PUBLIC_URL), while they are sent to the
local server: the same situation as behind a proxy.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from typing import List

import pytest

from lantern.records.anonymizer.pseudonym import pseudonymize
from rasa_plugins.channels import sms_text
from tests.conftest import PUBLIC_URL, SUPPORT_CONTACT
from tests.integration.fake_twilio import signed_request, sms_params
from tools.client import api

PATH = "/webhooks/sms/webhook"
EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def number() -> str:
    return "+1614555" + str(uuid.uuid4().int)[:4]


def post(stack, params, **kwargs):
    return signed_request(PUBLIC_URL + PATH, stack.settings.rasa_url + PATH, params, **kwargs)


def user_turns(stack, phone: str) -> List[str]:
    """User messages in the tracker of `phone`'s pseudonym (the conversation id is never the number)."""
    who = pseudonymize(phone, stack.settings.pseudonym_key)
    status, tracker = api(stack.settings, f"/conversations/sms:{who}/tracker")
    assert status == 200
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def db_path(stack) -> str:
    return stack.settings.db_url.split("sqlite:///", 1)[1].split("?", 1)[0]


def settled(fake, phone: str, count: int = 1, quiet: float = 1.5) -> List[str]:
    """What reached `phone` once at least `count` arrived and nothing more came for `quiet` seconds."""
    fake.wait_for(phone, count)
    seen, since = len(fake.to(phone)), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.1)
        if len(fake.to(phone)) != seen:
            seen, since = len(fake.to(phone)), time.monotonic()
    return fake.to(phone)


def quiet_for(fake, phone: str, seconds: float = 4.0) -> List[str]:
    """What reached `phone` after waiting `seconds` (for checks that nothing is sent)."""
    time.sleep(seconds)
    return fake.to(phone)


def test_signed_message_is_answered_at_once_and_replied_through_the_api(lantern_channels, fake_twilio):
    phone = number()
    status, body, took = post(lantern_channels, sms_params(phone, "hi"))
    assert status == 200 and body == EMPTY_TWIML
    assert took < 2.0  # the turn runs after the answer (bench/channels.py measures p95)
    replies = fake_twilio.wait_for(phone, 1)
    assert replies and "automated assistant" in " ".join(replies)
    assert all(sms_text.segment_count(r) <= sms_text.MAX_SEGMENTS_PER_SMS for r in replies)
    assert user_turns(lantern_channels, phone) == ["hi"]


@pytest.mark.parametrize(
    "how", ["wrong token", "local url", "tampered body", "unsigned", "garbage signature", "other account"]
)
def test_forged_or_unsigned_requests_get_403_and_are_not_processed(lantern_channels, fake_twilio, how):
    from twilio.request_validator import RequestValidator

    phone = number()
    params = sms_params(phone, "hi there")
    kwargs = {}
    if how == "wrong token":
        kwargs["auth_token"] = "not-the-token"
    elif how == "local url":  # signed for the address it reached, not the public one Twilio would use
        kwargs["signature"] = RequestValidator(fake_twilio.auth_token).compute_signature(
            lantern_channels.settings.rasa_url + PATH, params
        )
    elif how == "tampered body":
        kwargs["signature"] = RequestValidator(fake_twilio.auth_token).compute_signature(PUBLIC_URL + PATH, params)
        params = {**params, "Body": "something else"}
    elif how == "unsigned":
        kwargs["signature"] = ""
    elif how == "garbage signature":
        kwargs["signature"] = "bm90IGEgc2lnbmF0dXJl"
    elif how == "other account":  # correctly signed, but for an account that is not ours
        params = sms_params(phone, "hi there", account_sid="AC" + "9" * 32)
    status, body, _ = post(lantern_channels, params, **kwargs)
    assert status == 403, body
    assert quiet_for(fake_twilio, phone, 2.0) == []
    assert user_turns(lantern_channels, phone) == []


def test_replayed_message_sid_is_answered_but_processed_once(lantern_channels, fake_twilio):
    phone = number()
    params = sms_params(phone, "hello")
    first = post(lantern_channels, params)
    replies = settled(fake_twilio, phone)
    assert first[0] == 200 and replies
    for _ in range(3):  # Twilio's retry, or someone replaying a captured request
        status, body, _ = post(lantern_channels, params)
        assert status == 200 and body == EMPTY_TWIML
    assert quiet_for(fake_twilio, phone, 4.0) == fake_twilio.to(phone)
    assert len(fake_twilio.to(phone)) == len(replies)
    assert user_turns(lantern_channels, phone) == ["hello"]


def test_empty_body(lantern_channels):
    status, _, _ = post(lantern_channels, {}, body=b"", signature="")
    assert status == 403
    status, body, _ = post(lantern_channels, {}, body=b"")  # signed by the right key over no fields
    assert status == 400 and b"MessageSid" in body


def test_oversized_body_is_refused(lantern_channels, fake_twilio):
    phone = number()
    params = sms_params(phone, "a" * 40_000)
    status, _, _ = post(lantern_channels, params)
    assert status == 413
    assert quiet_for(fake_twilio, phone, 1.0) == []


@pytest.mark.parametrize(
    "raw", [b"Body=\xff\xfe\xfa&From=%2B16145550100", b"Body=%FF%FE&From=%2B16145550100&MessageSid=SMx"]
)
def test_non_utf8_body_is_refused(lantern_channels, raw):
    status, body, _ = post(lantern_channels, {}, body=raw, signature="c2lnbmF0dXJl")
    assert status == 400 and b"UTF-8" in body


def test_stop_then_a_message_gets_nothing_until_start(lantern_channels, fake_twilio):
    phone = number()
    assert post(lantern_channels, sms_params(phone, "hi"))[0] == 200
    greeting = settled(fake_twilio, phone)
    before = len(greeting)

    assert post(lantern_channels, sms_params(phone, "Stop"))[0] == 200
    confirmation = fake_twilio.wait_for(phone, before + 1)[before:]
    assert len(confirmation) == 1
    assert confirmation[0].startswith("Lantern:") and "unsubscribed" in confirmation[0] and "START" in confirmation[0]

    assert post(lantern_channels, sms_params(phone, "hey are you there"))[0] == 200  # opted out: nothing
    assert post(lantern_channels, sms_params(phone, "yes"))[0] == 200  # alone, while opted out: opts back in
    after_yes = fake_twilio.wait_for(phone, before + 2)[before + 1 :]
    assert len(after_yes) == 1 and "subscribed again" in after_yes[0]
    assert user_turns(lantern_channels, phone) == ["hi"]  # "hey are you there" was not processed

    assert post(lantern_channels, sms_params(phone, "STOP"))[0] == 200
    count = len(settled(fake_twilio, phone, before + 3))
    assert post(lantern_channels, sms_params(phone, "so what do you do all day"))[0] == 200
    assert quiet_for(fake_twilio, phone, 4.0)[count:] == []

    # Kept in the database (so it survives a restart), keyed by pseudonym: no phone number at rest.
    with sqlite3.connect(db_path(lantern_channels)) as conn:
        rows = conn.execute("SELECT sender, opted_out FROM sms_opt_outs").fetchall()
    assert (pseudonymize(phone, lantern_channels.settings.pseudonym_key), 1) in rows
    raw = open(db_path(lantern_channels), "rb").read()
    assert phone.encode() not in raw and phone[1:].encode() not in raw

    assert post(lantern_channels, sms_params(phone, "START"))[0] == 200
    assert "subscribed again" in fake_twilio.wait_for(phone, count + 1)[count]
    assert post(lantern_channels, sms_params(phone, "hi again"))[0] == 200
    assert len(fake_twilio.wait_for(phone, count + 2)) >= count + 2
    assert greeting


def _crisis_flags(stack, who: str) -> list:
    with sqlite3.connect(db_path(stack)) as conn:
        return conn.execute("SELECT level, category, reply FROM sms_crisis_flags WHERE sender = ?", (who,)).fetchall()


def test_a_crisis_from_an_opted_out_number_is_flagged_and_answered_where_twilio_allows(lantern_channels, fake_twilio):
    """STOP means no conversation, but a crisis sign is recorded for staff and the first crisis step is offered
    to Twilio; a number Twilio keeps opted out (error 21610) gets nothing, and that is recorded too."""
    phone = number()
    who = pseudonymize(phone, lantern_channels.settings.pseudonym_key)
    assert post(lantern_channels, sms_params(phone, "STOP"))[0] == 200
    count = len(settled(fake_twilio, phone, 1))
    assert post(lantern_channels, sms_params(phone, "my friend is turning blue and wont wake up"))[0] == 200
    reply = fake_twilio.wait_for(phone, count + 1)[count:]
    assert len(reply) == 1 and "911" in reply[0]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _crisis_flags(lantern_channels, who):
        time.sleep(0.2)
    assert _crisis_flags(lantern_channels, who) == [("crisis", "overdose", "sent")]
    assert user_turns(lantern_channels, phone) == []  # no conversation is kept for an opted-out number

    blocked = number()
    blocked_who = pseudonymize(blocked, lantern_channels.settings.pseudonym_key)
    assert post(lantern_channels, sms_params(blocked, "STOP"))[0] == 200
    settled(fake_twilio, blocked, 1)
    fake_twilio.fail(blocked, [400], code=21610)
    assert post(lantern_channels, sms_params(blocked, "i dont want to be alive anymore"))[0] == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not _crisis_flags(lantern_channels, blocked_who):
        time.sleep(0.2)
    assert _crisis_flags(lantern_channels, blocked_who) == [("crisis", "suicide", "refused")]
    assert len(fake_twilio.to(blocked)) == 1  # only the STOP confirmation was delivered
    log = lantern_channels.child("rasa").log_path.read_text(errors="replace")
    assert f"from opted-out {blocked_who}: flagged for staff, reply refused" in log
    assert "alive anymore" not in log and blocked not in log


def test_help_gets_a_ctia_reply(lantern_channels, fake_twilio):
    phone = number()
    assert post(lantern_channels, sms_params(phone, "HELP"))[0] == 200
    reply = fake_twilio.wait_for(phone, 1)
    assert len(reply) == 1
    text = reply[0]
    for part in ("Lantern:", "Test Harm Reduction Org", SUPPORT_CONTACT, "Msg & data rates may apply", "STOP", "911"):
        assert part in text, part
    assert user_turns(lantern_channels, phone) == []


def test_crisis_reply_comes_whole_and_within_segment_limits(lantern_channels, fake_twilio):
    phone = number()
    assert post(lantern_channels, sms_params(phone, "my friend is turning blue and wont wake up"))[0] == 200
    replies = settled(fake_twilio, phone, 2)
    assert replies[0].startswith("Call 911")
    assert "naloxone" in " ".join(replies).lower()
    assert all(sms_text.segment_count(r) <= sms_text.MAX_SEGMENTS_PER_SMS for r in replies)


def test_failed_sends_are_retried(lantern_channels, fake_twilio):
    phone = number()
    fake_twilio.fail(phone, [500, 503])  # Twilio hiccups twice, then accepts
    assert post(lantern_channels, sms_params(phone, "hi"))[0] == 200
    replies = fake_twilio.wait_for(phone, 1, timeout=60)
    assert replies and fake_twilio.attempts[phone] >= 3


def test_a_send_that_keeps_failing_is_recorded_not_dropped(lantern_channels, fake_twilio):
    phone = number()
    fake_twilio.fail(phone, [500] * 20)
    assert post(lantern_channels, sms_params(phone, "HELP"))[0] == 200
    who = pseudonymize(phone, lantern_channels.settings.pseudonym_key)
    deadline, rows = time.monotonic() + 60, []
    while time.monotonic() < deadline and not rows:
        time.sleep(0.5)
        with sqlite3.connect(db_path(lantern_channels)) as conn:
            rows = conn.execute(
                "SELECT sender, attempts, http_status FROM sms_failed_sends WHERE sender = ?", (who,)
            ).fetchall()
    assert rows == [(who, 4, 500)]
    log = lantern_channels.child("rasa").log_path.read_text(errors="replace")
    assert f"sms reply to {who} FAILED" in log
    assert phone not in log and phone[1:] not in log
    deadline, status = time.monotonic() + 10, None
    while time.monotonic() < deadline and status != ("send_failed",):
        time.sleep(0.2)
        with sqlite3.connect(db_path(lantern_channels)) as conn:
            status = conn.execute("SELECT status FROM sms_inbound WHERE sender = ?", (who,)).fetchone()
    assert status == ("send_failed",)


def test_webhook_is_answered_well_inside_twilio_timeout(lantern_channels):
    times = []
    for i in range(8):
        status, _, took = post(lantern_channels, sms_params(number(), f"hello {i}"))
        assert status == 200
        times.append(took)
    assert max(times) < 5.0  # Twilio gives 15 s; bench/channels.py reports p50/p95


def test_logs_hold_no_phone_numbers(lantern_channels, fake_twilio):
    phone = number()
    post(lantern_channels, sms_params(phone, f"my number is {phone}"))
    fake_twilio.wait_for(phone, 1)
    for child in lantern_channels.children:
        log = child.log_path.read_text(errors="replace")
        assert phone not in log and phone[1:] not in log and phone[2:] not in log, child.name


def test_sms_is_off_without_credentials(lantern):
    status, body, _ = signed_request(PUBLIC_URL + PATH, lantern.settings.rasa_url + PATH, sms_params(number(), "hi"))
    assert status == 503
    log = lantern.child("rasa").log_path.read_text(errors="replace")
    assert "SMS channel is OFF" in log and "sms webhook refused" in log


def test_a_number_answers_the_choices_last_offered(lantern_channels, fake_twilio):
    """No dialogue offers buttons yet, so the offer is put where the channel keeps it (sms_choices)."""
    import json

    phone = number()
    who = pseudonymize(phone, lantern_channels.settings.pseudonym_key)
    assert post(lantern_channels, sms_params(phone, "hi"))[0] == 200
    before = len(settled(fake_twilio, phone))
    with sqlite3.connect(db_path(lantern_channels)) as conn:
        conn.execute(
            "INSERT INTO sms_choices (sender, payloads, titles, created_at) VALUES (?, ?, ?, ?)",
            (who, json.dumps(["/goodbye", "/bot_challenge"]), json.dumps(["Bye", "Are you a bot?"]), time.time()),
        )
    assert post(lantern_channels, sms_params(phone, "2"))[0] == 200
    replies = settled(fake_twilio, phone, before + 1)[before:]
    assert "bot" in " ".join(replies).lower() or "not a person" in " ".join(replies).lower()
    assert user_turns(lantern_channels, phone)[-1] == "/bot_challenge"


def test_nobody_reaches_a_texters_conversation_through_another_channel(lantern_channels, fake_twilio):
    """The hijack the probe found: REST with the number (any spelling), its pseudonym or `sms:` + pseudonym
    reached the SMS conversation. Now each lands in a conversation of its own, and the texter's is untouched."""
    from tools.client import conversation_id, send

    phone = number()
    post(lantern_channels, sms_params(phone, "i relapsed last night and my mom found the needles"))
    settled(fake_twilio, phone)
    texter = ["i relapsed last night and my mom found the needles"]
    assert user_turns(lantern_channels, phone) == texter
    who = pseudonymize(phone, lantern_channels.settings.pseudonym_key)
    digits = phone.lstrip("+1")
    disguises = [phone, f"+1 ({digits[:3]}) {digits[3:6]}-{digits[6:]}", digits, who, f"sms:{who}"]
    for sender in disguises:
        status, replies = send(lantern_channels.settings, sender, "what did i just tell you?")
        assert status == 200
        said = " ".join(r.get("text", "") for r in replies).lower()
        assert "relaps" not in said and "needle" not in said and "welcome back" not in said, (sender, said)
    assert user_turns(lantern_channels, phone) == texter  # nothing was added to the texter's conversation
    for sender in [d for d in disguises if " " not in d]:  # (Sanic does not unquote path parameters)
        # each REST sender has its own conversation, with only its own message
        status, tracker = api(lantern_channels.settings, f"/conversations/{conversation_id(sender)}/tracker")
        assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["what did i just tell you?"]
