"""Deletion in the chat, at the tracker store: a confirmed "delete my chat" turn deletes instead of saving."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import List, Tuple

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from lantern.identity import stored_id
from rasa_plugins.channels.turns import CURRENT_TICKET, TurnAbandoned, TurnTicket
from rasa_plugins.tracker_store import ERASE_SLOT, LanternTrackerStore, erasure_requested

KEY = "unit-test-pseudonym-key"
ALICE, BOB = "rest:alice", "rest:bob"
DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, request_erasure, affirm]
slots:
  erasure_pending: {type: bool, influence_conversation: false, mappings: [{type: custom}]}
  erase_requested: {type: bool, influence_conversation: false, mappings: [{type: custom}]}
""")


def run(coro):
    return asyncio.run(coro)


def make_store(tmp_path: Path) -> LanternTrackerStore:
    return LanternTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 'lantern.db'}", pseudonym_key=KEY)


def user(text: str, intent: str) -> UserUttered:
    return UserUttered(text, parse_data={"intent": {"name": intent, "confidence": 0.9}}, input_channel="rest")


def opening(sender: str) -> DialogueStateTracker:
    """A conversation with one turn, and the deletion question asked in a second one."""
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        user("hi, my name is Keisha", "greet"),
        ActionExecuted("action_greet"),
        BotUttered("Hi. What's on your mind?"),
        ActionExecuted("action_listen"),
        user("delete my chat", "request_erasure"),
        ActionExecuted("action_erasure_ask"),
        BotUttered("Want me to delete this whole conversation? Yes or no?"),
        SlotSet("erasure_pending", True),
        ActionExecuted("action_listen"),
    ]
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


def confirm(store: LanternTrackerStore, sender: str, erase: bool = True) -> DialogueStateTracker:
    """The person's yes, loaded from the store as Rasa does."""
    tracker = run(store.retrieve(sender))
    assert tracker is not None
    for event in [
        user("yes", "affirm"),
        ActionExecuted("action_erasure_answer"),
        BotUttered("Done. Your conversation is deleted."),
        SlotSet("erasure_pending", None),
        SlotSet(ERASE_SLOT, erase),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event)
    return tracker


def counts(tmp_path: Path, sender: str) -> Tuple[int, int, int]:
    """(events, transcript conversations, transcript messages) stored for the sender."""
    pseudonym = stored_id(sender, KEY)
    with sqlite3.connect(tmp_path / "lantern.db") as conn:
        events = conn.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (pseudonym,)).fetchone()[0]
        conversations = conn.execute(
            "SELECT COUNT(*) FROM transcript_conversations WHERE sender_pseudonym = ?", (pseudonym,)
        ).fetchone()[0]
        messages = conn.execute(
            "SELECT COUNT(*) FROM transcript_messages m JOIN transcript_conversations c ON c.id = m.conversation_id "
            "WHERE c.sender_pseudonym = ?",
            (pseudonym,),
        ).fetchone()[0]
    return events, conversations, messages


def test_a_confirmed_deletion_leaves_nothing_of_the_sender_and_spares_the_others(tmp_path):
    store = make_store(tmp_path)
    for sender in (ALICE, BOB):
        run(store.save(opening(sender)))
    before_bob = counts(tmp_path, BOB)
    assert counts(tmp_path, ALICE)[0] > 0 and before_bob[2] == 4

    run(store.save(confirm(store, ALICE)))

    assert counts(tmp_path, ALICE) == (0, 0, 0)  # nothing from before, and nothing of the confirming turn
    assert counts(tmp_path, BOB) == before_bob
    assert run(store.retrieve(ALICE)) is None  # the next message starts a new conversation
    with sqlite3.connect(tmp_path / "lantern.db") as conn:
        stored = [row[0] for row in conn.execute("SELECT data FROM events")]
    assert stored and not any('"erase_requested"' in data for data in stored)


def test_the_next_message_after_a_deletion_starts_fresh(tmp_path):
    store = make_store(tmp_path)
    run(store.save(opening(ALICE)))
    run(store.save(confirm(store, ALICE)))
    fresh = DialogueStateTracker.from_events(
        ALICE,
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            user("hey again", "greet"),
            ActionExecuted("action_greet"),
            BotUttered("Hi. What's on your mind?"),
            ActionExecuted("action_listen"),
        ],
        DOMAIN.slots,
    )
    run(store.save(fresh))
    assert counts(tmp_path, ALICE) == (7, 1, 2)
    loaded = run(store.retrieve(ALICE))
    assert loaded is not None and [e.text for e in loaded.events if isinstance(e, UserUttered)] == ["hey again"]


def test_a_slot_set_to_false_is_an_ordinary_save(tmp_path):
    store = make_store(tmp_path)
    run(store.save(opening(ALICE)))
    before = counts(tmp_path, ALICE)
    run(store.save(confirm(store, ALICE, erase=False)))
    after = counts(tmp_path, ALICE)
    assert after[0] == before[0] + 6 and after[2] == before[2] + 2


def test_an_abandoned_turn_deletes_nothing(tmp_path):
    """The channel gave up on the turn (deadline) and did not send "done": the conversation stays whole."""
    store = make_store(tmp_path)
    run(store.save(opening(ALICE)))
    before = counts(tmp_path, ALICE)
    tracker = confirm(store, ALICE)
    ticket = TurnTicket()
    assert ticket.abandon()

    async def save() -> None:
        CURRENT_TICKET.set(ticket)
        await store.save(tracker)

    with pytest.raises(TurnAbandoned):
        run(save())
    assert counts(tmp_path, ALICE) == before


def test_a_transient_failure_of_the_deletion_is_retried(tmp_path, monkeypatch):
    store = make_store(tmp_path)
    run(store.save(opening(ALICE)))
    real, calls = store._erase, []

    def flaky(*args):
        calls.append(1)
        if len(calls) == 1:
            raise sa.exc.OperationalError("DELETE", {}, Exception("database is locked"))
        return real(*args)

    monkeypatch.setattr(store, "_erase", flaky)
    run(store.save(confirm(store, ALICE)))
    assert len(calls) == 2 and counts(tmp_path, ALICE) == (0, 0, 0)


@pytest.mark.parametrize(
    "events, expected",
    [
        ([SlotSet(ERASE_SLOT, True)], True),
        ([SlotSet(ERASE_SLOT, False)], False),
        ([SlotSet(ERASE_SLOT, None)], False),
        ([SlotSet(ERASE_SLOT, "true")], False),  # only the action's own boolean counts
        ([SlotSet("erasure_pending", True)], False),
        ([], False),
    ],
)
def test_erasure_requested(events: List, expected: bool):
    assert erasure_requested(events) is expected


def test_staff_notes_on_the_deleted_conversations_go_with_them(tmp_path):
    """Staff tags, reviews and message notes point at the transcript with ON DELETE CASCADE (staff_tables.py)."""
    from datetime import datetime

    from lantern import db
    from lantern.db import staff_tables

    store = make_store(tmp_path)
    db.upgrade(store.engine, groups=("staff",))
    for sender in (ALICE, BOB):
        run(store.save(opening(sender)))
    now = datetime.utcnow()
    with store.engine.begin() as conn:
        for sender in (ALICE, BOB):
            conversation, message = conn.execute(
                sa.text(
                    "SELECT c.id, m.id FROM transcript_conversations c JOIN transcript_messages m "
                    "ON m.conversation_id = c.id WHERE c.sender_pseudonym = :p LIMIT 1"
                ),
                {"p": stored_id(sender, KEY)},
            ).one()
            conn.execute(
                staff_tables.conversation_tags.insert().values(conversation_id=conversation, tag="t", created_at=now)
            )
            conn.execute(staff_tables.reviews.insert().values(conversation_id=conversation, updated_at=now))
            conn.execute(
                staff_tables.message_notes.insert().values(
                    message_id=message, conversation_id=conversation, comment="note", created_at=now
                )
            )

    run(store.save(confirm(store, ALICE)))

    with store.engine.connect() as conn:
        for table in (staff_tables.conversation_tags, staff_tables.reviews, staff_tables.message_notes):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 1  # Bob's only
