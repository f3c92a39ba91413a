"""Hand-offs in the database (lantern/handoffs/store.py) and staffed hours (lantern/handoffs/hours.py)."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import List

import pytest
import sqlalchemy as sa

from lantern import db, settings
from lantern.handoffs import store
from lantern.handoffs.hours import parse_staffed_hours
from lantern.handoffs.store import HandoffError, HandoffStore
from tests.group_migrations import upgraded_group_matches_its_models

KEY = "contact-key-for-tests"
NUMBER = "+16145550123"
T = 1_800_000_000.0  # the fake clock's "now" (a Friday, 2027-01-15 08:00 UTC)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lantern.db'}"


@pytest.fixture
def handoffs(url: str):
    made = HandoffStore(url)
    yield made
    made.dispose()


def open_one(handoffs: HandoffStore, conversation: str = "p_a", kind: str = "request", phone: bool = False) -> int:
    token = store.encrypted(NUMBER, KEY) if phone else None
    channel = "sms" if phone else "socketio"
    return handoffs.run(store.open_handoff, conversation, channel, kind, T, token)


def messages(url: str) -> List[tuple]:
    with sqlite3.connect(sa.engine.make_url(url).database) as conn:
        return conn.execute("SELECT kind, text, status, reason FROM handoff_messages ORDER BY id").fetchall()


def raw_phone(url: str, handoff_id: int):
    with sqlite3.connect(sa.engine.make_url(url).database) as conn:
        return conn.execute("SELECT phone_enc FROM handoffs WHERE id = ?", (handoff_id,)).fetchone()[0]


# ----- table and migration -------------------------------------------------------------------------
def test_the_group_is_registered_and_its_models_match_the_migration(tmp_path: Path):
    assert db.head_revision("handoffs") == "h0001"
    engine = upgraded_group_matches_its_models(tmp_path, "handoffs", {"handoffs", "handoff_messages"})
    db.downgrade(engine, "handoffs", "base")
    assert "handoffs" not in sa.inspect(engine).get_table_names()
    engine.dispose()


# ----- the queue -----------------------------------------------------------------------------------
def test_one_open_hand_off_per_conversation_and_a_crisis_raises_its_kind(handoffs: HandoffStore):
    first = open_one(handoffs)
    assert open_one(handoffs) == first
    assert open_one(handoffs, kind="crisis") == first
    row = handoffs.run(store.get, first)
    assert (row["kind"], row["status"], row["has_phone"]) == ("crisis", "waiting", False)
    assert "phone_enc" not in row
    assert open_one(handoffs, "p_b") != first
    with pytest.raises(HandoffError):
        handoffs.run(store.open_handoff, "p_c", "rest", "request", T, None)  # staff cannot write to REST


def test_taking_is_exclusive_and_only_the_taker_sends_and_hands_back(url: str, handoffs: HandoffStore):
    hid = open_one(handoffs)
    assert handoffs.run(store.status_of, "p_a") == "waiting"
    with pytest.raises(HandoffError, match="take the conversation first"):
        handoffs.run(store.send, hid, 1, "hello", T)
    handoffs.run(store.take, hid, 1, T + 1, "Hi, this is Sam.")
    handoffs.run(store.take, hid, 1, T + 2, "again")  # their own: nothing changes, no second notice
    with pytest.raises(HandoffError, match="someone else"):
        handoffs.run(store.take, hid, 2, T + 3, "Hi, this is Kim.")
    assert handoffs.run(store.status_of, "p_a") == "taken"
    with pytest.raises(HandoffError):
        handoffs.run(store.send, hid, 2, "hello", T)
    for text in ("", "   ", "x" * (store.MAX_TEXT + 1)):
        with pytest.raises(HandoffError):
            handoffs.run(store.send, hid, 1, text, T)
    handoffs.run(store.send, hid, 1, "  How are you doing?  ", T + 4)
    with pytest.raises(HandoffError):
        handoffs.run(store.hand_back, hid, 2, T + 5, "bye")
    handoffs.run(store.hand_back, hid, 1, T + 5, "Sam has left the chat.")
    assert handoffs.run(store.status_of, "p_a") is None
    assert [(k, t) for k, t, _, _ in messages(url)] == [
        ("joined", "Hi, this is Sam."),
        ("staff", "How are you doing?"),
        ("left", "Sam has left the chat."),
    ]
    with pytest.raises(HandoffError):
        handoffs.run(store.take, hid, 1, T + 6, "closed")


def test_dismiss_only_a_waiting_request(handoffs: HandoffStore):
    hid = open_one(handoffs)
    handoffs.run(store.dismiss, hid, T)
    assert handoffs.run(store.get, hid)["reason"] == "dismissed"
    with pytest.raises(HandoffError):
        handoffs.run(store.dismiss, hid, T)


# ----- delivery --------------------------------------------------------------------------------------
def test_each_message_is_claimed_once_and_its_text_dropped_when_done(url: str, handoffs: HandoffStore):
    hid = open_one(handoffs)
    handoffs.run(store.take, hid, 1, T, "joined")
    handoffs.run(store.send, hid, 1, "one", T)
    pending = handoffs.run(store.pending, "socketio", T)
    assert [(m["kind"], m["text"], m["conversation"]) for m in pending] == [
        ("joined", "joined", "p_a"),
        ("staff", "one", "p_a"),
    ]
    assert handoffs.run(store.pending, "sms", T) == []
    winners = Counter()
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        barrier.wait()
        for m in pending:
            if handoffs.run(store.claim, m["id"], name, T + 1):
                winners[m["id"]] += 1

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(winners.values()) == [1, 1]
    assert handoffs.run(store.pending, "socketio", T + 2) == []  # claimed, not stale
    assert len(handoffs.run(store.pending, "socketio", T + 2 + store.STALE_CLAIM_S)) == 2  # a dead replica's
    first = pending[0]["id"]
    holder = next(f"w{i}" for i in range(4) if handoffs.run(store.claim, first, f"w{i}", T + 1000))
    handoffs.run(store.finish, first, holder, T + 1001)
    assert messages(url)[0][1:3] == (None, "delivered")


def test_a_released_message_is_offered_again_at_once(handoffs: HandoffStore):
    hid = open_one(handoffs)
    handoffs.run(store.take, hid, 1, T, "joined")
    (row,) = handoffs.run(store.pending, "socketio", T)
    assert handoffs.run(store.claim, row["id"], "w1", T)
    handoffs.run(store.release, row["id"], "w1")
    assert [m["id"] for m in handoffs.run(store.pending, "socketio", T)] == [row["id"]]


def test_the_number_is_kept_encrypted_until_the_last_message_after_closing(url: str, handoffs: HandoffStore):
    hid = open_one(handoffs, phone=True)
    token = raw_phone(url, hid)
    assert token and NUMBER not in token
    assert handoffs.run(store.phone_of, hid, KEY) == NUMBER
    assert handoffs.run(store.phone_of, hid, "another-key") is None
    handoffs.run(store.take, hid, 1, T, "joined")
    handoffs.run(store.hand_back, hid, 1, T, "left")
    assert raw_phone(url, hid) is not None  # the notices still have to go out
    for m in handoffs.run(store.pending, "sms", T):
        assert handoffs.run(store.claim, m["id"], "w", T)
        handoffs.run(store.finish, m["id"], "w", T)
    assert raw_phone(url, hid) is None


def test_stop_closes_the_hand_off_drops_the_number_and_its_unsent_messages(url: str, handoffs: HandoffStore):
    hid = open_one(handoffs, phone=True)
    handoffs.run(store.take, hid, 1, T, "joined")
    assert handoffs.run(store.close_for, "p_a", "stop", T) == 1
    assert raw_phone(url, hid) is None and handoffs.run(store.status_of, "p_a") is None
    assert messages(url) == [("joined", None, "failed", "stop")]
    assert handoffs.run(store.pending, "sms", T) == []


def test_erasure_deletes_every_hand_off_of_the_person(url: str, handoffs: HandoffStore):
    from lantern.records.transcripts.retention import erase_in

    hid = open_one(handoffs, phone=True)
    handoffs.run(store.take, hid, 1, T, "joined")
    open_one(handoffs, "p_b")
    db.upgrade(handoffs.engine, groups=("transcripts",))
    with handoffs.engine.begin() as conn:
        erase_in(conn, "p_a")
    with sqlite3.connect(sa.engine.make_url(url).database) as conn:
        assert conn.execute("SELECT conversation FROM handoffs").fetchall() == [("p_b",)]
        assert conn.execute("SELECT count(*) FROM handoff_messages").fetchone() == (0,)


# ----- staffed hours ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, local, staffed",
    [
        ("Mon-Fri 09:00-17:00", "2027-01-15 09:00", True),  # Friday
        ("Mon-Fri 09:00-17:00", "2027-01-15 17:00", False),
        ("Mon-Fri 09:00-17:00", "2027-01-16 12:00", False),  # Saturday
        ("Fri 22:00-02:00", "2027-01-16 01:30", True),  # past midnight, into Saturday
        ("Fri 22:00-02:00", "2027-01-16 02:00", False),
        ("Sat-Mon 10:00-12:00", "2027-01-17 11:00", True),  # Sunday, inside a wrapping day range
        ("Mon 00:00-24:00", "2027-01-18 23:59", True),
        ("", "2027-01-15 09:00", False),
    ],
)
def test_staffed_hours_on_the_staff_clock(text: str, local: str, staffed: bool):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moment = datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("America/Chicago")).timestamp()
    assert parse_staffed_hours(text, "America/Chicago").is_staffed(moment) is staffed


def test_staffed_hours_are_said_the_way_people_read_them():
    describe = lambda text: parse_staffed_hours(text, "UTC").describe()  # noqa: E731
    assert describe("Mon-Fri 09:00-17:00, Sat 10:00-14:00") == "Mon-Fri 9am-5pm, Sat 10am-2pm (UTC)"
    assert describe("Mon/Wed/Fri 12:00-18:30") == "Mon, Wed, Fri noon-6:30pm (UTC)"
    assert describe("Mon-Sun 00:00-24:00") == "every day, all day (UTC)"
    assert describe("") == ""


@pytest.mark.parametrize(
    "text, tz, error",
    [
        ("Monday 9-5", "UTC", "not like"),
        ("Mon-Fri 09:00-09:00", "UTC", "same time"),
        ("Mon-Fri 09:00-25:00", "UTC", "time of day"),
        ("Mon-Fri 09:00-17:00", "Mars/Olympus", "time zone"),
    ],
)
def test_a_bad_staffed_hours_setting_stops_the_start_up(text: str, tz: str, error: str):
    with pytest.raises(ValueError, match=error):
        settings.load({"LANTERN_STAFFED_HOURS": text, "LANTERN_STAFFED_TZ": tz})
