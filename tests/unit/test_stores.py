"""The tracker store's bounded window: same dialogue state, nothing lost, nothing stored twice."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from lantern.identity import stored_id
from rasa_plugins.tracker_store import LanternTrackerStore, TrackerStoreUnavailable, _raise_store_error

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet]
slots:
  # categorical: kept as is at rest (text slots are redacted, see tests/unit/test_transcripts_scrub.py)
  mood: {type: categorical, values: [tired, hopeful], mappings: [{type: custom}]}
  count: {type: float, mappings: [{type: custom}]}
forms:
  some_form: {required_slots: [mood]}
responses:
  utter_hi: [{text: hi}]
""")


def run(coro):
    return asyncio.run(coro)


KEY = "unit-test-pseudonym-key"


def store(tmp_path: Path, window: int = 20) -> LanternTrackerStore:
    return LanternTrackerStore(
        domain=DOMAIN, host=f"sqlite:///{tmp_path / 'db.sqlite'}", window_events=window, pseudonym_key=KEY
    )


def turn(n: int):
    return [
        UserUttered(f"message {n}", {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_hi"),
        BotUttered(f"reply {n}"),
        ActionExecuted("action_listen"),
    ]


def long_tracker(turns: int) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("mood", "tired"),
        ActionExecuted("action_listen"),
    ]
    for n in range(turns):
        events += turn(n)
        if n == 3:
            events += [SlotSet("count", 3.0), ActiveLoop("some_form")]
        if n == 5:
            events.append(SlotSet("mood", "hopeful"))
    return DialogueStateTracker.from_events("s1", events, DOMAIN.slots)


def stored_rows(tmp_path: Path, sender: str = "s1") -> list:
    with sqlite3.connect(tmp_path / "db.sqlite") as conn:  # the database holds the pseudonym, not "s1"
        return conn.execute(
            "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (stored_id(sender, KEY),)
        ).fetchall()


def test_short_conversation_loads_whole(tmp_path):
    s = store(tmp_path, window=100)
    tracker = long_tracker(3)
    run(s.save(tracker))
    loaded = run(s.retrieve("s1"))
    # Rasa loads the current session from its SessionStarted event on
    assert [e.as_dict() for e in loaded.events] == [e.as_dict() for e in list(tracker.events)[1:]]


def test_window_keeps_state_and_recent_turns(tmp_path):
    s = store(tmp_path, window=20)
    full = long_tracker(30)
    run(s.save(full))
    loaded = run(s.retrieve("s1"))
    assert len(loaded.events) < 30
    assert loaded.get_slot("mood") == "hopeful" and loaded.get_slot("count") == 3.0
    assert loaded.active_loop_name == "some_form"
    assert loaded.latest_message.text == "message 29"
    first_user = next(e for e in loaded.events if isinstance(e, UserUttered))
    assert first_user.text.startswith("message ")  # the window starts at a turn boundary


def test_saving_a_windowed_tracker_adds_only_new_events(tmp_path):
    s = store(tmp_path, window=20)
    run(s.save(long_tracker(30)))
    before = len(stored_rows(tmp_path))
    loaded = run(s.retrieve("s1"))
    for event in turn(30):
        loaded.update(event)
    run(s.save(loaded))
    run(s.save(loaded))  # saving again stores nothing twice
    rows = stored_rows(tmp_path)
    assert len(rows) == before + 4
    full = run(s.retrieve_full_tracker("s1"))
    texts = [e.text for e in full.events if isinstance(e, UserUttered)]
    assert texts == [f"message {n}" for n in range(31)]


def test_unknown_sender_is_none(tmp_path):
    assert run(store(tmp_path).retrieve("nobody")) is None


def test_strict_failsafe_raises_instead_of_falling_back(tmp_path):
    s = store(tmp_path)
    wrapped = FailSafeTrackerStore(s, on_tracker_store_error=_raise_store_error)
    conn = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        s.engine.dispose()
        s.engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}?timeout=0.2")
        s.sessionmaker.configure(bind=s.engine)
        with pytest.raises(TrackerStoreUnavailable):
            run(wrapped.save(long_tracker(1)))
        run(wrapped.retrieve("s1"))  # WAL: a writer's lock doesn't stop readers
        with pytest.raises(sa.exc.OperationalError):  # database is locked
            s.check_writable()
    finally:
        conn.execute("ROLLBACK")
    conn.execute("ALTER TABLE events RENAME TO events_away")  # now reads fail too
    try:
        with pytest.raises(TrackerStoreUnavailable):
            run(wrapped.retrieve("s1"))
    finally:
        conn.execute("ALTER TABLE events_away RENAME TO events")
        conn.close()
    run(wrapped.save(long_tracker(1)))
    s.check_writable()


def test_store_needs_a_url():
    with pytest.raises(TrackerStoreUnavailable):
        LanternTrackerStore(domain=DOMAIN, host="localhost")


def test_database_waits_are_short(tmp_path):
    """A locked SQLite file fails a write within seconds (lantern/db short waits); a URL's own timeout wins."""
    default = LanternTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 'a.sqlite'}", pseudonym_key=KEY)
    own = LanternTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 'b.sqlite'}?timeout=1", pseudonym_key=KEY)
    with default.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2000
    with own.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1000
