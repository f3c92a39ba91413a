"""bench/staff_data.py: a tiny synthetic staff-console database: counts, consistent summaries, full-text search."""

import sqlite3
from pathlib import Path

import pytest

from bench import staff_data as sd


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("staff_data") / "tiny.db"
    meta = sd.generate(path, conversations=50, messages=1500, long_conversations=1, quiet=True)
    conn = sqlite3.connect(path)
    yield path, meta, conn
    conn.close()


def test_counts_lengths_and_staff_rows(tiny):
    _, meta, conn = tiny
    assert conn.execute("SELECT count(*) FROM transcript_conversations").fetchone() == (50,)
    assert conn.execute("SELECT count(*) FROM transcript_messages").fetchone() == (1500,)
    total, shortest = conn.execute(
        "SELECT sum(message_count), min(message_count) FROM transcript_conversations"
    ).fetchone()
    assert total == 1500 and shortest >= 2
    (long_id,) = meta["long_conversations"]
    assert conn.execute(
        "SELECT count(*) FROM transcript_messages WHERE conversation_id = ?", (long_id,)
    ).fetchone() == (sd.LONG_LENGTH,)
    senders = {s for (s,) in conn.execute("SELECT DISTINCT sender FROM transcript_messages")}
    assert senders == {"user", "bot"}
    admin = conn.execute(
        "SELECT role, password_hash FROM staff_users WHERE username = ?", (sd.ADMIN_USERNAME,)
    ).fetchone()
    assert admin[0] == "admin" and admin[1].startswith("$argon2")
    assert conn.execute("SELECT count(*) FROM staff_reviews").fetchone()[0] >= 1
    assert conn.execute("SELECT count(*) FROM staff_conversation_tags").fetchone()[0] >= 1
    assert conn.execute("SELECT count(*) FROM staff_message_notes").fetchone()[0] >= 1


def test_summaries_agree_with_the_messages(tiny):
    _, _, conn = tiny
    rows = conn.execute(
        """SELECT c.turns, c.message_count, c.change_talk, c.last_message_at,
                  (SELECT max(turn) FROM transcript_messages m WHERE m.conversation_id = c.id),
                  (SELECT count(*) FROM transcript_messages m WHERE m.conversation_id = c.id),
                  (SELECT count(*) FROM transcript_messages m WHERE m.conversation_id = c.id
                     AND m.sender = 'user' AND m.talk_type = 'change'),
                  (SELECT max(created_at) FROM transcript_messages m WHERE m.conversation_id = c.id)
           FROM transcript_conversations c"""
    ).fetchall()
    for turns, count, change, last, max_turn, n, n_change, max_at in rows:
        assert (turns, count, change, last) == (max_turn, n, n_change, max_at)


def test_full_text_search_finds_generated_words_and_new_rows(tiny):
    _, meta, conn = tiny
    assert conn.execute("INSERT INTO fts_transcript_messages(fts_transcript_messages) VALUES ('integrity-check')")
    for band in meta["search_words"].values():
        found = conn.execute(
            "SELECT count(*) FROM fts_transcript_messages WHERE fts_transcript_messages MATCH ?", (band["word"],)
        ).fetchone()[0]
        assert found == band["messages"] > 0
    # The insert trigger is back: a new message is searchable at once.
    conn.execute(
        "INSERT INTO transcript_messages (conversation_id, seq, turn, sender, text, created_at, crisis, degraded) "
        "SELECT id, 9999, 1, 'user', 'zyzzyva here', '2026-12-01 00:00:00.000000', 0, 0 FROM transcript_conversations "
        "LIMIT 1"
    )
    assert conn.execute(
        "SELECT count(*) FROM fts_transcript_messages WHERE fts_transcript_messages MATCH 'zyzzyva'"
    ).fetchone() == (1,)
    conn.rollback()


def test_the_same_seed_gives_the_same_rows(tiny, tmp_path: Path):
    path, _, conn = tiny
    again = tmp_path / "again.db"
    sd.generate(again, conversations=50, messages=1500, long_conversations=1, quiet=True)
    other = sqlite3.connect(again)
    try:
        query = "SELECT id, conversation_id, seq, text, created_at FROM transcript_messages ORDER BY id"
        assert conn.execute(query).fetchall() == other.execute(query).fetchall()
    finally:
        other.close()


def test_ensure_reuses_an_up_to_date_file(tmp_path: Path):
    path = tmp_path / "cached.db"
    # 20 conversations, 5 of them 500 messages long
    _, first, reused = sd.ensure(path, conversations=20, messages=3000, quiet=True)
    assert not reused
    _, second, reused = sd.ensure(path, conversations=20, messages=3000, quiet=True)
    assert reused and second["long_conversations"] == first["long_conversations"]
    _, _, reused = sd.ensure(path, conversations=20, messages=3100, quiet=True)
    assert not reused
