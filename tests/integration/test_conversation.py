"""A real Rasa server and action server, spoken to over HTTP like a client would."""

from __future__ import annotations

import json
import sqlite3
import urllib.request
import uuid
from typing import Optional

import pytest

from lantern.identity import stored_id
from tests.conftest import TEST_TOKEN
from tools.client import api, conversation_id, send
from tools.processes import http_json


def sender() -> str:
    return "it-" + uuid.uuid4().hex[:10]


def texts(replies):
    return [r.get("text", "") for r in replies]


def test_greeting_says_it_is_automated_and_who_reads(lantern):
    status, replies = send(lantern.settings, sender(), "hey")
    assert status == 200
    joined = " ".join(texts(replies))
    assert "automated assistant" in joined
    assert "Test Harm Reduction Org" in joined
    assert "Staff may read" in joined and "Not a person" in joined


def test_bot_challenge_is_answered_honestly(lantern):
    status, replies = send(lantern.settings, sender(), "r u a real person")
    assert status == 200
    assert "not a person" in " ".join(texts(replies)) or "bot" in " ".join(texts(replies))


def test_stop_then_writing_again_resumes(lantern):
    who = sender()
    status, replies = send(lantern.settings, who, "stop texting me")
    assert status == 200 and "stop" in texts(replies)[0].lower()
    status, replies = send(lantern.settings, who, "hi")
    assert status == 200 and replies


def test_fallback_says_what_it_can_do(lantern):
    status, replies = send(lantern.settings, sender(), "purple monkey dishwasher quantum")
    assert status == 200
    joined = " ".join(texts(replies)).lower()
    assert "services" in joined or "find" in joined


def _post_raw(lantern, body: bytes, content_type: str = "application/json", token: Optional[str] = "right"):
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = "Bearer " + (lantern.settings.rest_token if token == "right" else token)
    req = urllib.request.Request(f"{lantern.settings.rasa_url}/webhooks/rest/webhook", data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.mark.parametrize(
    "body, status",
    [
        (b"", 400),
        (b"{not json", 400),
        (b"\xff\xfe\xfa binary \x00\x01", 400),
        (b'{"sender": "x"}', 400),
        (b'{"message": "hi"}', 400),
        (b'{"sender": "x", "message": ""}', 400),
        (b"[1,2,3]", 400),
        (('{"sender": "x", "message": "' + "a" * 5000 + '"}').encode(), 413),
        (b'{"sender": true, "message": "hi"}', 400),
        (b'{"sender": 12, "message": "hi"}', 400),
        (b'{"sender": "x", "message": "hi", "metadata": ' + b"[" * 20_000 + b"]" * 20_000 + b"}", 400),
        (b'{"sender": "x", "message": "hi", "metadata": ' + b'{"a":' * 40 + b"1" + b"}" * 40 + b"}", 400),
        (b'{"sender": "x", "message": "' + b"a" * (200 * 1024) + b'"}', 413),  # over the channel's 64 kB
        (b'{"sender": "x", "message": "' + b"a" * (3 * 1024 * 1024) + b'"}', 413),  # over the server's 1 MB
    ],
    ids=lambda v: v[:40].decode("latin-1") + f"..({len(v)} bytes)" if isinstance(v, bytes) else str(v),
)
def test_bad_input_gets_a_clear_error(lantern, body, status):
    code, payload = _post_raw(lantern, body)
    assert code == status
    assert b"error" in payload or b"exceeds the size limit" in payload  # the last: Sanic, before reading the body


@pytest.mark.parametrize("token", [None, "wrong", "Bearer"])
def test_the_rest_channel_needs_its_token(lantern, token):
    code, payload = _post_raw(lantern, b'{"sender": "x", "message": "hi"}', token=token)
    assert code == 401 and b"Bearer" in payload


def test_injection_strings_are_just_text_and_the_store_survives(lantern):
    who = "x'; DROP TABLE events; --"
    for text in ["'; DROP TABLE events; --", "<script>alert(1)</script>", "{{7*7}} ${jndi:ldap://a}"]:
        status, replies = send(lantern.settings, who, text)
        assert status == 200 and replies
    db = lantern.settings.db_url.split("sqlite:///", 1)[1].split("?", 1)[0]
    stored_as = stored_id(conversation_id(who), lantern.settings.pseudonym_key)  # sender ids are stored as pseudonyms
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (stored_as,)
        ).fetchall()
    assert [json.loads(r[0])["text"] for r in rows][0] == "'; DROP TABLE events; --"
    assert len(rows) == 3


def test_http_api_needs_the_token(lantern):
    status, _ = http_json(f"{lantern.settings.rasa_url}/status")
    assert status == 401
    status, body = api(lantern.settings, "/status")  # Authorization: Bearer, as the README says
    assert status == 200 and body["model_file"].endswith("lantern.tar.gz")
    status, body = http_json(f"{lantern.settings.rasa_url}/status", headers={"Authorization": "Bearer wrong"})
    assert status == 401
    # A token in the URL ends up in proxy logs: refused, even the right one, with a message saying why.
    status, body = http_json(f"{lantern.settings.rasa_url}/status?token={TEST_TOKEN}")
    assert status == 401 and "Authorization: Bearer" in body["error"]


def test_health_is_ok(lantern):
    status, body = http_json(f"{lantern.settings.rasa_url}/webhooks/health/")
    assert status == 200 and body["tracker_store"] == "ok"


RULE_ONLY_QUESTIONS = [  # each answered by a rule: a memoization window with no story turn in it
    "can anyone see what i write here",
    "what can you help with",
    "how do i stop getting these texts",
    "what does lantern do",
    "is this free",
    "what is xylazine",
    "where do i get test strips in dayton",
    "does the clinic take walk ins",
    "how many mg is a normal suboxone dose",
    "can i go to detox without insurance",
    "is there a bus that goes to the clinic",
    "what's the difference between aa and na",
]


def test_a_run_of_rule_answered_questions_never_fails_a_turn(lantern):
    """Rasa's MemoizationPolicy failed turn 11 (IndexError, HTTP 503): rasa_plugins/policies/memoization.py."""
    who = sender()
    for text in RULE_ONLY_QUESTIONS:
        status, replies = send(lantern.settings, who, text)
        assert status == 200, (text, replies)
        assert texts(replies) and all(texts(replies)), text


def test_cors_does_not_reflect_any_origin(lantern):
    """No LANTERN_CORS_ORIGINS: a page on another site gets no CORS grant, with or without credentials."""
    for method, path in (("OPTIONS", "/webhooks/rest/webhook"), ("GET", "/webhooks/health/"), ("GET", "/status")):
        req = urllib.request.Request(
            f"{lantern.settings.rasa_url}{path}",
            method=method,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                headers = resp.headers
        except urllib.error.HTTPError as err:
            headers = err.headers
        assert headers.get("Access-Control-Allow-Origin") in (None, ""), (path, dict(headers))
        assert headers.get("Access-Control-Allow-Credentials") in (None, "", "false")
