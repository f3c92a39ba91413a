"""The same store, migrations, export and purge on PostgreSQL (production's database).

Uses LANTERN_TEST_POSTGRES_URL when set; otherwise starts a throwaway cluster
if PostgreSQL's binaries are installed (as the `postgres` user when run as
root), and skips when neither is possible.
"""

from __future__ import annotations

import asyncio
import json

import pytest
import sqlalchemy as sa

from lantern.records.anonymizer import pseudonymize
from lantern.records.transcripts import db as tdb
from rasa_plugins.tracker_store import LanternTrackerStore
from tests.unit.test_transcripts_store import DOMAIN, KEY, NUMBER, PII, pii_turns, tracker
from tools.cli import main


@pytest.fixture()
def clean(pg_url: str) -> str:
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        for table in ("transcript_messages", "transcript_conversations", tdb.VERSION_TABLE, "events"):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    return pg_url


def test_store_on_postgres(clean, capsys):
    store = LanternTrackerStore(domain=DOMAIN, host=clean, pseudonym_key=KEY)
    LanternTrackerStore(domain=DOMAIN, host=clean, pseudonym_key=KEY)  # a second replica: migration is a no-op
    assert tdb.current_revision(store.engine) == tdb.head_revision()
    with store.engine.connect() as conn:  # waits end in seconds (rasa_plugins/tracker_store.py use_short_timeouts)
        assert conn.execute(sa.text("SHOW lock_timeout")).scalar() == "2s"
        assert conn.execute(sa.text("SHOW statement_timeout")).scalar() == "10s"
    asyncio.run(store.save(tracker(pii_turns())))
    loaded = asyncio.run(store.retrieve("sms:" + pseudonymize("6145550188", KEY)))  # same number, other spelling
    assert loaded.latest_message.text == "text me <PHONE> or <EMAIL>"
    with store.engine.connect() as conn:
        senders = {r[0] for r in conn.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}
        everything = json.dumps(
            [
                list(map(str, r))
                for r in conn.execute(sa.text("SELECT e.data, m.text FROM events e, transcript_messages m"))
            ]
        ).lower()
    assert senders == {pseudonymize(NUMBER, KEY)}
    assert not any(value.lower() in everything for value in PII)
    store.engine.dispose()

    assert main(["transcripts", "--db", clean, "export", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and "<PERSON>" in lines[1]
    assert main(["transcripts", "--db", clean, "purge", "--days", "1", "--dry-run"]) == 0
    assert "would delete 0 conversations" in capsys.readouterr().out


def test_staff_tables_search_and_cascades_on_postgres(clean):
    """t0002 and st0001 on PostgreSQL: the text index answers, notes go with their conversation, the log stays."""
    from lantern import db
    from lantern.db import staff_tables as st

    engine = db.create_engine(clean)
    with engine.begin() as conn:
        for table in [*st.metadata.tables, "staff_alembic_version"]:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
        conn.execute(sa.text("DROP FUNCTION IF EXISTS staff_audit_append_only() CASCADE"))
    db.upgrade(engine, groups=("transcripts", "staff"))
    db.upgrade(engine, groups=("transcripts", "staff"))  # idempotent
    now = sa.func.now()
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO transcript_conversations (id, sender_pseudonym, started_at, last_message_at, turns, "
                "message_count, crisis) VALUES ('c1', 'p_x', now(), now(), 1, 1, false)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO transcript_messages (conversation_id, seq, turn, sender, text, created_at, crisis, "
                "degraded) VALUES ('c1', 1, 1, 'user', 'my friends were nodding off after the pills', now(), "
                "false, false)"
            )
        )
        message_id = conn.execute(sa.text("SELECT id FROM transcript_messages")).scalar()
        conn.execute(st.reviews.insert().values(conversation_id="c1", status="reviewed", updated_at=now))
        conn.execute(st.conversation_tags.insert().values(conversation_id="c1", tag="overdose", created_at=now))
        conn.execute(
            st.message_notes.insert().values(message_id=message_id, conversation_id="c1", flagged=True, created_at=now)
        )
        conn.execute(st.audit.insert().values(at=now, action="view", target="c1"))
        hits = conn.execute(
            sa.text(
                "SELECT id FROM transcript_messages "
                "WHERE to_tsvector('english', text) @@ plainto_tsquery('english', :q)"
            ),
            {"q": "nodding"},
        ).all()
        assert [h[0] for h in hits] == [message_id]
        plan = " ".join(
            r[0]
            for r in conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = 'transcript_messages'"))
        )
        assert "to_tsvector('english'::regconfig, text)" in plan
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM transcript_conversations WHERE id = 'c1'"))
    with engine.connect() as conn:
        for table in (st.reviews, st.conversation_tags, st.message_notes):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0, table.name
        assert conn.execute(sa.select(sa.func.count()).select_from(st.audit)).scalar() == 1
    for statement in ("UPDATE staff_audit SET action = 'x'", "DELETE FROM staff_audit"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    engine.dispose()
