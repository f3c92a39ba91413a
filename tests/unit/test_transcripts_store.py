"""The anonymizing tracker store and the transcript tables, on a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import List

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from lantern.records.anonymizer import pseudonymize
from lantern.records.transcripts import db as tdb
from lantern.records.transcripts.models import Conversation, Message
from rasa_plugins.tracker_store import LanternTrackerStore, TrackerStoreUnavailable, _raise_store_error

KEY = "unit-test-pseudonym-key"
NUMBER = "+1 614 555 0188"
SENDER = "sms:" + pseudonymize(NUMBER, KEY)  # an SMS conversation id (lantern/identity.py)
PII = ["Keisha", "Brennan", "380-555-0147", "4417 Maple Ave", "jmarie.w@gmail.com"]
DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, inform]
slots:
  first_name: {type: text, mappings: [{type: custom}]}
  crisis_active: {type: bool, initial_value: false, mappings: [{type: custom}]}
responses:
  utter_hi: [{text: "Nice to meet you, {first_name}."}]
  utter_ok: [{text: "Thanks for telling me."}]
""")


def run(coro):
    return asyncio.run(coro)


def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lantern.db"


def make_store(tmp_path: Path, **kwargs) -> LanternTrackerStore:
    return LanternTrackerStore(domain=DOMAIN, host=f"sqlite:///{db_path(tmp_path)}", pseudonym_key=KEY, **kwargs)


def pii_turns() -> List:
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered(
            "hi my name is Keisha, my PO Brennan wants me at 4417 Maple Ave",
            parse_data={
                "intent": {"name": "greet", "confidence": 0.9},
                "talk_type": {"name": "neutral", "confidence": 0.8},
                "crisis": {"level": "none", "category": None, "confidence": 0.0},
                "entities": [{"entity": "first_name", "value": "Keisha", "start": 14, "end": 20}],
            },
            input_channel="rest",
            metadata={"from": SENDER},
        ),
        SlotSet("first_name", "Keisha"),
        ActionExecuted("utter_hi"),
        BotUttered("Nice to meet you, Keisha.", metadata={"utter_action": "utter_hi"}),
        ActionExecuted("action_listen"),
        UserUttered(
            "text me 380-555-0147 or jmarie.w@gmail.com",
            parse_data={"intent": {"name": "inform", "confidence": 0.7}},
            input_channel="rest",
        ),
        ActionExecuted("utter_ok"),
        BotUttered("Thanks for telling me.", metadata={"utter_action": "utter_ok"}),
        ActionExecuted("action_listen"),
    ]


def tracker(events, sender=SENDER) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


def transcript(tmp_path: Path) -> list:
    with sqlite3.connect(db_path(tmp_path)) as conn:
        return conn.execute(
            "SELECT c.sender_pseudonym, m.turn, m.sender, m.text, m.intent, m.talk_type, m.crisis, m.action "
            "FROM transcript_messages m JOIN transcript_conversations c ON c.id = m.conversation_id "
            "ORDER BY c.started_at, m.seq"
        ).fetchall()


def test_migrations_run_up_from_empty_and_down_again(tmp_path):
    engine = tdb.create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert tdb.current_revision(engine) is None
    tdb.upgrade(engine)
    tdb.upgrade(engine)  # idempotent
    assert tdb.current_revision(engine) == tdb.head_revision()
    tables = set(sa.inspect(engine).get_table_names())
    assert {"transcript_conversations", "transcript_messages", tdb.VERSION_TABLE} <= tables
    assert "alembic_version" not in tables  # own version table: no clash with other Lantern histories
    tdb.downgrade(engine, "base")
    assert not {"transcript_conversations", "transcript_messages"} & set(sa.inspect(engine).get_table_names())
    tdb.upgrade(engine)
    engine.dispose()


def test_models_match_the_migrations(tmp_path):
    """Autogenerate finds nothing to add: the models and the migration history agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from lantern.records.transcripts.models import Base

    engine = tdb.open_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": tdb.VERSION_TABLE})
        diff = [
            d
            for d in compare_metadata(context, Base.metadata)
            # The version table, and the SQLite full-text index (t0002) with its shadow tables, are not models.
            if not (d[0] == "remove_table" and (d[1].name == tdb.VERSION_TABLE or d[1].name.startswith("fts_")))
        ]
    assert diff == []


def test_store_starts_with_transcript_schema_at_head(tmp_path):
    store = make_store(tmp_path)
    assert tdb.current_revision(store.engine) == tdb.head_revision()


def test_store_needs_a_pseudonym_key(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTERN_PSEUDONYM_KEY", "")
    monkeypatch.setattr("lantern.settings.ENV_FILE", tmp_path / "no.env")
    with pytest.raises(TrackerStoreUnavailable):
        LanternTrackerStore(domain=DOMAIN, host=f"sqlite:///{db_path(tmp_path)}")


def test_nothing_identifying_reaches_the_database_file(tmp_path):
    store = make_store(tmp_path)
    live = tracker(pii_turns())
    run(store.save(live))
    store.engine.dispose()
    raw = db_path(tmp_path).read_bytes().lower()
    for value in PII + ["614 555 0188", "6145550188", "16145550188"]:
        assert value.lower().encode() not in raw, value
    # the live tracker still has the real values for the rest of the turn
    assert live.get_slot("first_name") == "Keisha" and "Keisha" in live.events[3].text


def test_api_works_with_the_conversation_id_and_nothing_else(tmp_path):
    store = make_store(tmp_path)
    run(store.save(tracker(pii_turns())))
    loaded = run(store.retrieve(SENDER))
    assert loaded is not None and loaded.sender_id == SENDER
    assert loaded.latest_message.text == "text me <PHONE> or <EMAIL>"
    assert run(store.exists(SENDER)) and run(store.retrieve_full_tracker(SENDER)) is not None
    assert run(store.keys()) == [pseudonymize(NUMBER, KEY)]  # stored under the number's pseudonym
    # The number in any spelling, its pseudonym alone, or a REST sender named after it reach nothing.
    for other in (
        NUMBER,
        "6145550188",
        "+16145550188",
        pseudonymize(NUMBER, KEY),
        "rest:" + SENDER,
        "rest:" + NUMBER,
        "someone-else",
    ):
        assert run(store.retrieve(other)) is None and not run(store.exists(other)), other


def test_an_id_shaped_like_a_pseudonym_is_hashed_like_any_other(tmp_path):
    """No id is used as given because of its shape: only the SMS channel's `sms:` ids map to a pseudonym."""
    store = make_store(tmp_path)
    shaped = pseudonymize(NUMBER, KEY)
    run(store.save(tracker(pii_turns(), sender=shaped)))
    assert run(store.keys()) != [shaped]
    assert run(store.retrieve(SENDER)) is None


def test_every_turn_writes_the_transcript(tmp_path):
    store = make_store(tmp_path)
    live = tracker(pii_turns())
    run(store.save(live))
    rows = transcript(tmp_path)
    who = pseudonymize(NUMBER, KEY)
    assert rows == [
        (who, 1, "user", "hi my name is <PERSON>, my PO <PERSON> wants me at <ADDRESS>", "greet", "neutral", 0, None),
        (who, 1, "bot", "Nice to meet you, <REDACTED>.", None, None, 0, "utter_hi"),
        (who, 2, "user", "text me <PHONE> or <EMAIL>", "inform", None, 0, None),
        (who, 2, "bot", "Thanks for telling me.", None, None, 0, "utter_ok"),
    ]
    # the next turn continues the same conversation, from a reloaded (windowed) tracker
    loaded = run(store.retrieve(SENDER))
    for event in [
        UserUttered("thanks", parse_data={"intent": {"name": "inform", "confidence": 1.0}}),
        ActionExecuted("utter_ok"),
        BotUttered("Thanks for telling me.", metadata={"utter_action": "utter_ok"}),
        ActionExecuted("action_listen"),
    ]:
        loaded.update(event)
    run(store.save(loaded))
    run(store.save(loaded))  # nothing twice
    rows = transcript(tmp_path)
    assert [r[1:3] for r in rows[4:]] == [(3, "user"), (3, "bot")]
    with sqlite3.connect(db_path(tmp_path)) as conn:
        assert conn.execute(
            "SELECT COUNT(*), MAX(turns), MAX(message_count), MAX(channel) FROM transcript_conversations"
        ).fetchone() == (1, 3, 6, "rest")


def test_a_new_session_opens_a_new_conversation(tmp_path):
    store = make_store(tmp_path)
    events = pii_turns()
    run(store.save(tracker(events)))
    loaded = run(store.retrieve(SENDER))
    for event in [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("hey again", parse_data={"intent": {"name": "greet", "confidence": 1.0}}),
    ]:
        loaded.update(event)
    run(store.save(loaded))
    with sqlite3.connect(db_path(tmp_path)) as conn:
        counts = conn.execute("SELECT turns FROM transcript_conversations ORDER BY started_at").fetchall()
    assert counts == [(2,), (1,)]


def lock(tmp_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path(tmp_path), isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    return conn


def test_failed_write_stores_nothing_and_raises(tmp_path):
    store = make_store(tmp_path)
    store.engine.dispose()
    store.engine = sa.create_engine(f"sqlite:///{db_path(tmp_path)}?timeout=0.1")
    store.sessionmaker.configure(bind=store.engine)
    store.save_attempts = 2
    wrapped = FailSafeTrackerStore(store, on_tracker_store_error=_raise_store_error)
    conn = lock(tmp_path)
    try:
        with pytest.raises(TrackerStoreUnavailable):
            run(wrapped.save(tracker(pii_turns())))
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert transcript(tmp_path) == []
    with sqlite3.connect(db_path(tmp_path)) as c:
        assert c.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)
    run(wrapped.save(tracker(pii_turns())))  # database back: the next save stores the turn whole
    assert len(transcript(tmp_path)) == 4


def test_a_transient_failure_is_retried_once(tmp_path, monkeypatch):
    store = make_store(tmp_path)
    real_write, calls = store._write, []

    def flaky(*args):
        calls.append(1)
        if len(calls) == 1:
            raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))
        return real_write(*args)

    monkeypatch.setattr(store, "_write", flaky)
    run(store.save(tracker(pii_turns())))
    assert len(calls) == 2 and len(transcript(tmp_path)) == 4


def test_an_event_broker_gets_the_anonymized_events(tmp_path):
    class Broker:
        def __init__(self):
            self.published = []

        def publish(self, event):
            self.published.append(event)

    broker = Broker()
    store = make_store(tmp_path, event_broker=broker)
    run(store.save(tracker(pii_turns())))
    assert broker.published and {e["sender_id"] for e in broker.published} == {pseudonymize(NUMBER, KEY)}
    text = str(broker.published).lower()
    assert not any(value.lower() in text for value in PII)


def test_orm_models_round_trip(tmp_path):
    from datetime import datetime

    from sqlalchemy.orm import Session

    engine = tdb.open_engine(f"sqlite:///{tmp_path / 'orm.db'}")
    with Session(engine) as session:
        conversation = Conversation(
            id="c" * 32,
            sender_pseudonym="p_x",
            channel="rest",
            started_at=datetime(2025, 1, 1),
            last_message_at=datetime(2025, 1, 1),
            turns=1,
            message_count=1,
            crisis=False,
        )
        conversation.messages.append(
            Message(
                seq=1, turn=1, sender="user", text="hi", created_at=datetime(2025, 1, 1), crisis=False, degraded=False
            )
        )
        session.add(conversation)
        session.commit()
        assert session.query(Message).one().conversation.channel == "rest"
    engine.dispose()
