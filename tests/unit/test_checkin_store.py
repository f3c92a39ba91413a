"""The check-ins table (lantern/checkins/store.py), number encryption and the check-in settings, on SQLite files."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import List

import pytest
import sqlalchemy as sa

from lantern import db, settings
from lantern.checkins.contact import decrypt_number, encrypt_number
from lantern.checkins.store import MAX_CLAIMS, CheckinStore
from tests.group_migrations import upgraded_group_matches_its_models

KEY = "contact-key-for-tests"
NUMBER = "+16145550123"
T = 1_800_000_000.0  # the fake clock's "now"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lantern.db'}"


@pytest.fixture
def store(url: str):
    made = CheckinStore(url)
    yield made
    made.dispose()


def schedule(store: CheckinStore, sender: str = "pseudo-a", due_at: float = T, step: str = "clinic") -> int:
    return store.schedule(sender, due_at, "America/Chicago", step, consent_at=T - 600, now=T - 600)


def raw_phone(url: str, checkin_id: int):
    with sqlite3.connect(sa.engine.make_url(url).database) as conn:
        return conn.execute("SELECT phone_enc FROM checkins WHERE id = ?", (checkin_id,)).fetchone()[0]


# ----- table and migration -------------------------------------------------------------------------
def test_the_group_is_registered_and_its_models_match_the_migration(tmp_path: Path):
    assert db.head_revision("checkins") == "c0001"
    engine = upgraded_group_matches_its_models(tmp_path, "checkins", {"checkins"})
    assert {i["name"] for i in sa.inspect(engine).get_indexes("checkins")} == {
        "ix_checkins_sender",
        "ix_checkins_due_at",
        "ix_checkins_status",
    }
    db.downgrade(engine, "checkins", "base")
    assert "checkins" not in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_opening_twice_is_idempotent(url: str, store: CheckinStore):
    schedule(store)
    again = CheckinStore(url)
    assert again.counts()["scheduled"] == 1
    again.dispose()


# ----- schedule, replace, attach, cancel, move, forget ------------------------------------------------
def test_schedule_replaces_the_active_one(store: CheckinStore):
    first = schedule(store, due_at=T)
    other = schedule(store, sender="pseudo-b")
    second = schedule(store, due_at=T + 3600, step="plan")
    assert second != first
    old = store.get(first)
    assert old is not None and (old["status"], old["reason"]) == ("cancelled", "replaced")
    active = store.active("pseudo-a")
    assert active is not None and (active["id"], active["step"], active["due_at"]) == (second, "plan", T + 3600)
    assert "phone_enc" not in active
    assert store.active("pseudo-b")["id"] == other  # type: ignore[index]
    assert store.counts() == {"scheduled": 2, "claimed": 0, "sent": 0, "cancelled": 1, "failed": 0}


def test_schedule_refuses_an_unknown_zone(store: CheckinStore):
    with pytest.raises(ValueError, match="time zone"):
        store.schedule("pseudo-a", T, "Mars/Olympus", None, T, T)
    assert store.counts()["scheduled"] == 0


def test_attach_phone_only_to_scheduled_rows_without_one_and_encrypted(url: str, store: CheckinStore):
    cancelled = schedule(store)
    current = schedule(store)  # the first is now cancelled ("replaced")
    assert store.attach_phone("pseudo-a", NUMBER, KEY, now=T) == 1
    assert store.attach_phone("pseudo-a", "+16145559999", KEY, now=T) == 0  # already has one
    assert store.attach_phone("pseudo-nobody", NUMBER, KEY, now=T) == 0
    stored = raw_phone(url, current)
    assert stored and NUMBER not in stored and "6145550123" not in stored
    assert decrypt_number(stored, KEY) == NUMBER
    assert raw_phone(url, cancelled) is None
    assert store.has_phone(current) and not store.has_phone(cancelled)


def test_a_new_time_keeps_the_number_the_replaced_row_had(url: str, store: CheckinStore):
    first = schedule(store)
    store.attach_phone("pseudo-a", NUMBER, KEY, now=T)
    second = schedule(store, due_at=T + 7200)
    assert raw_phone(url, first) is None
    assert decrypt_number(raw_phone(url, second), KEY) == NUMBER


def test_cancel_all_clears_the_number(url: str, store: CheckinStore):
    one = schedule(store)
    store.attach_phone("pseudo-a", NUMBER, KEY, now=T)
    schedule(store, sender="pseudo-b")
    assert store.cancel_all("pseudo-a", "stop", now=T) == 1
    row = store.get(one)
    assert row is not None and (row["status"], row["reason"]) == ("cancelled", "stop")
    assert raw_phone(url, one) is None
    assert store.active("pseudo-a") is None and store.active("pseudo-b") is not None
    assert store.cancel_all("pseudo-a", "stop", now=T) == 0


def test_move_changes_the_scheduled_row_only(store: CheckinStore):
    assert store.move("pseudo-a", T + 60, "America/New_York", now=T) is False
    one = schedule(store)
    assert store.move("pseudo-a", T + 86400, "America/New_York", now=T) is True
    row = store.get(one)
    assert row is not None and (row["due_at"], row["tz"], row["status"]) == (T + 86400, "America/New_York", "scheduled")
    store.claim_due(T + 86400, "w1")
    assert store.move("pseudo-a", T + 99999, "America/New_York", now=T) is False  # being sent: too late


def test_forget_deletes_every_row_of_the_sender(store: CheckinStore):
    schedule(store)
    schedule(store)
    schedule(store, sender="pseudo-b")
    assert store.forget("pseudo-a") == 2
    assert store.active("pseudo-a") is None
    assert sum(store.counts().values()) == 1


def test_upcoming_is_soonest_first_and_never_has_the_number(store: CheckinStore):
    late = schedule(store, sender="pseudo-a", due_at=T + 500)
    soon = schedule(store, sender="pseudo-b", due_at=T + 100)
    store.attach_phone("pseudo-a", NUMBER, KEY, now=T)
    rows = store.upcoming(now=T)
    assert [r["id"] for r in rows] == [soon, late]
    assert all("phone_enc" not in r for r in rows)
    assert [r["has_phone"] for r in rows] == [False, True]
    assert NUMBER not in repr(rows)


# ----- claiming ---------------------------------------------------------------------------------------
def test_claim_due_returns_only_due_rows_with_the_number(store: CheckinStore):
    due = schedule(store, sender="pseudo-a", due_at=T)
    schedule(store, sender="pseudo-b", due_at=T + 1)
    store.attach_phone("pseudo-a", NUMBER, KEY, now=T)
    assert store.claim_due(T - 1, "w1") == []
    rows = store.claim_due(T, "w1")
    assert [r["id"] for r in rows] == [due]
    assert rows[0]["claimed_by"] == "w1" and rows[0]["attempts"] == 1
    assert decrypt_number(rows[0]["phone_enc"], KEY) == NUMBER
    assert store.claim_due(T, "w2") == []  # already claimed
    assert store.active("pseudo-a")["status"] == "claimed"  # type: ignore[index]


def test_claim_due_is_exactly_once_across_two_stores_and_eight_threads(url: str, store: CheckinStore):
    """Two replicas (two stores, two engines, one file), four threads each, 200 due rows: each claimed once."""
    ids = {schedule(store, sender=f"pseudo-{n}", due_at=T - n) for n in range(200)}
    replicas = [CheckinStore(url), CheckinStore(url)]
    claimed: List[int] = []
    errors: List[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def work(n: int) -> None:
        replica, worker = replicas[n % 2], f"worker-{n}"
        try:
            start.wait()
            while replica.counts()["scheduled"]:
                got = replica.claim_due(T, worker, limit=50)
                assert all(r["claimed_by"] == worker for r in got)
                with lock:
                    claimed.extend(r["id"] for r in got)
        except BaseException as exc:  # reported below, from the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert Counter(claimed).most_common(1)[0][1] == 1  # nobody got a row twice
    assert set(claimed) == ids
    assert store.counts()["claimed"] == 200
    for replica in replicas:
        replica.dispose()


def test_release_stale_puts_old_claims_back(store: CheckinStore):
    one = schedule(store)
    store.claim_due(T, "dead-worker")
    assert store.release_stale(T + 299) == 0
    assert store.release_stale(T + 301) == 1
    row = store.get(one)
    assert row is not None and (row["status"], row["claimed_by"], row["claimed_at"]) == ("scheduled", None, None)
    assert store.mark_sent(one, "dead-worker", T + 302) is False  # its claim is gone
    assert [r["id"] for r in store.claim_due(T + 302, "live-worker")] == [one]
    assert store.mark_sent(one, "live-worker", T + 303) is True


def test_a_row_that_keeps_losing_its_claim_is_abandoned(url: str, store: CheckinStore):
    one = schedule(store)
    store.attach_phone("pseudo-a", NUMBER, KEY, now=T)
    now = T
    for _ in range(MAX_CLAIMS):
        assert store.claim_due(now, "crashing-worker")
        now += 400
        store.release_stale(now)
    row = store.get(one)
    assert row is not None and (row["status"], row["reason"], row["attempts"]) == ("failed", "abandoned", MAX_CLAIMS)
    assert raw_phone(url, one) is None


def test_outcomes_only_by_the_worker_holding_the_claim(url: str, store: CheckinStore):
    a, b, c = (schedule(store, sender=f"pseudo-{n}") for n in "abc")
    for sender in ("pseudo-a", "pseudo-b", "pseudo-c"):
        store.attach_phone(sender, NUMBER, KEY, now=T)
    assert store.mark_sent(a, "w1", T) is False  # not claimed yet
    store.claim_due(T, "w1")
    for other in (a, b, c):
        assert store.mark_sent(other, "w2", T) is False
        assert store.mark_failed(other, "w2", "HTTP 400", T) is False
        assert store.postpone(other, "w2", T + 60, T) is False
    assert store.mark_sent(a, "w1", T + 1) is True
    assert store.mark_sent(a, "w1", T + 2) is False  # once
    assert store.mark_failed(b, "w1", "HTTP 400", T + 1) is True
    assert store.postpone(c, "w1", T + 3600, T + 1) is True
    sent, failed, postponed = store.get(a), store.get(b), store.get(c)
    assert sent is not None and (sent["status"], sent["sent_at"]) == ("sent", T + 1)
    assert failed is not None and (failed["status"], failed["reason"]) == ("failed", "HTTP 400")
    assert postponed is not None and (postponed["status"], postponed["due_at"]) == ("scheduled", T + 3600)
    assert raw_phone(url, a) is None and raw_phone(url, b) is None
    assert decrypt_number(raw_phone(url, c), KEY) == NUMBER  # postponed: still to be sent
    assert store.claim_due(T + 3599, "w1") == [] and len(store.claim_due(T + 3600, "w1")) == 1


# ----- encryption ---------------------------------------------------------------------------------
def test_numbers_round_trip_and_a_wrong_key_or_bad_token_gives_none():
    token = encrypt_number(NUMBER, KEY)
    assert NUMBER not in token and decrypt_number(token, KEY) == NUMBER
    assert encrypt_number(NUMBER, KEY) != token  # a fresh token each time: equal numbers are not visible
    assert decrypt_number(token, "another-key") is None
    tampered = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    for bad in (None, "", "not a token", tampered, token[:-8], "\u00e9\u00e9"):
        assert decrypt_number(bad, KEY) is None
    assert decrypt_number(token, "") is None
    with pytest.raises(ValueError):
        encrypt_number(NUMBER, "")


# ----- settings -------------------------------------------------------------------------------------
def test_checkin_settings_defaults():
    s = settings.load({"LANTERN_SMS_PROGRAM_NAME": "Harbor"})
    assert s.checkin_quiet_hours == "21:00-09:00"
    assert (s.checkin_quiet.start.hour, s.checkin_quiet.end.hour) == (21, 9)
    assert s.checkin_poll_seconds == 15.0
    assert s.checkin_message.startswith("Hi, it's Harbor, checking in like you asked.")
    assert "LANTERN_CONTACT_KEY" in settings.SECRET_NAMES and "contact_key" not in repr(s)


def test_checkin_settings_values():
    s = settings.load(
        {
            "LANTERN_CHECKIN_QUIET_HOURS": "22:30-07:00",
            "LANTERN_CHECKIN_TEXT": "{program} here {{checking in}}. Reply STOP to end.",
            "LANTERN_CHECKIN_POLL_SECONDS": "2.5",
            "LANTERN_CONTACT_KEY": "k",
        }
    )
    assert (s.checkin_quiet.start.minute, s.checkin_quiet.end.hour) == (30, 7)
    assert s.checkin_message == "Lantern here {checking in}. Reply STOP to end."
    assert s.checkin_poll_seconds == 2.5 and s.contact_key == "k"


@pytest.mark.parametrize("value", ["9pm-9am", "21:00", "25:00-09:00", "09:00-09:00"])
def test_bad_quiet_hours_name_the_variable(value: str):
    with pytest.raises(ValueError, match="LANTERN_CHECKIN_QUIET_HOURS"):
        settings.load({"LANTERN_CHECKIN_QUIET_HOURS": value})


@pytest.mark.parametrize("value", ["Hi {name}", "Hi {program", "Hi {}", "Hi {0}", "Hi {program!r}", "Hi {program:>9}"])
def test_bad_text_templates_name_the_variable(value: str):
    with pytest.raises(ValueError, match="LANTERN_CHECKIN_TEXT"):
        settings.load({"LANTERN_CHECKIN_TEXT": value})


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf"])
def test_bad_poll_seconds_name_the_variable(value: str):
    with pytest.raises(ValueError, match="LANTERN_CHECKIN_POLL_SECONDS"):
        settings.load({"LANTERN_CHECKIN_POLL_SECONDS": value})


def test_env_example_lists_the_new_settings():
    text = (settings.PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    for name in ("LANTERN_CONTACT_KEY=", "LANTERN_CHECKIN_QUIET_HOURS", "LANTERN_CHECKIN_TEXT", "LANTERN_CHECKIN_POLL"):
        assert name in text
