"""A database that becomes unavailable must fail the turn visibly, not fall back to memory."""

from __future__ import annotations

import sqlite3
import uuid

from tests.integration.faults import database_locked, database_unavailable, db_path
from tools.client import api, conversation_id, send
from tools.processes import http_json


def test_tracker_database_is_in_wal_mode(lantern):
    """Writes don't wait on readers and a commit costs one log append (lantern/db/sqlite.py)."""
    conn = sqlite3.connect(db_path(lantern))
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def user_texts(lantern, who):
    status, tracker = api(lantern.settings, f"/conversations/{conversation_id(who)}/tracker")
    assert status == 200
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def test_failed_write_is_an_error_and_nothing_silently_moves_to_memory(lantern):
    who = "fail-" + uuid.uuid4().hex[:8]
    health = f"{lantern.settings.rasa_url}/webhooks/health/"
    assert send(lantern.settings, who, "hi")[0] == 200

    with database_locked(lantern, "IMMEDIATE"):  # reads work, writes fail
        status, body = send(lantern.settings, who, "are you a bot")
        assert status == 503
        assert body["error"] == "turn_failed" and body["saved"] is False
        assert "911" in body["messages"][0]["text"]
        status, report = http_json(health)
        assert status == 503 and report["tracker_store"] != "ok"

    # The database is back: the failed message is not in the record, and no
    # in-memory copy took over -- the next turn is stored after the first one.
    assert send(lantern.settings, who, "thanks")[0] == 200
    assert user_texts(lantern, who) == ["hi", "thanks"]
    status, report = http_json(health)
    assert status == 200, report


def test_failed_read_is_an_error_not_a_fresh_start(lantern):
    who = "fail-" + uuid.uuid4().hex[:8]
    assert send(lantern.settings, who, "hi")[0] == 200
    with database_unavailable(lantern):
        status, body = send(lantern.settings, who, "thanks")
        assert status == 503 and body["saved"] is False
    assert send(lantern.settings, who, "bye")[0] == 200
    assert user_texts(lantern, who) == ["hi", "bye"]
