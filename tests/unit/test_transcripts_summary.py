"""Conversation summary columns (t0002): kept as messages arrive, and filled for older rows by the migration."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from lantern import db
from lantern.records.transcripts import db as tdb
from lantern.records.transcripts.models import Conversation
from lantern.records.transcripts.record import add_records
from lantern.records.transcripts.scrub import MessageRecord, SessionMark


def user(text: str, at: float, **kw: object) -> MessageRecord:
    return MessageRecord("user", text, at, channel="rest", **kw)  # type: ignore[arg-type]


def bot(text: str, at: float, action: str) -> MessageRecord:
    return MessageRecord("bot", text, at, action=action)


TURNS = [
    SessionMark(1000.0),
    user("i want to cut down", 1001, talk_type="change", intent="share"),
    bot("You want to cut down.", 1002, "action_reflect"),
    user("but it helps me sleep", 1003, talk_type="sustain", intent="share"),
    bot("Sorry, say more?", 1004, "action_fallback"),
    bot("What would help?", 1005, "action_fallback"),  # the same turn: one fallback
    user("im scared i took too much", 1006, crisis=True, crisis_level="check_in", crisis_category="overdose"),
    bot("Are you safe?", 1007, "utter_crisis_check_overdose"),
    user("where can i get narcan", 1008, talk_type="change", intent="referral_request"),
    bot("What ZIP code?", 1009, "action_ask_referral_place"),
]


def summary(engine: sa.engine.Engine) -> dict:
    c = Conversation.__table__.c
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(
                c.crisis_level,
                c.crisis_category,
                c.change_talk,
                c.sustain_talk,
                c.fallbacks,
                c.referral_offered,
                c.referral_accepted,
            )
        ).one()
    return dict(row._mapping)


def test_summaries_follow_the_messages_across_saves(tmp_path: Path):
    engine = tdb.open_engine(f"sqlite:///{tmp_path / 't.db'}")
    for start, end in ((0, 5), (5, 6), (6, len(TURNS))):  # three saves; a fallback reply arrives in the second
        with engine.begin() as conn:
            add_records(conn, "p_someone", TURNS[start:end])
    assert summary(engine) == {
        "crisis_level": "check_in",
        "crisis_category": "overdose",
        "change_talk": 2,
        "sustain_talk": 1,
        "fallbacks": 1,
        "referral_offered": True,
        "referral_accepted": False,
    }
    with engine.begin() as conn:
        add_records(
            conn,
            "p_someone",
            [
                bot("Here are two places.", 1010, "action_referral_search"),
                user("im not ok", 1011, crisis=True, crisis_level="crisis", crisis_category="suicide"),
            ],
        )
    after = summary(engine)
    assert after["referral_accepted"] and (after["crisis_level"], after["crisis_category"]) == ("crisis", "suicide")
    engine.dispose()


def test_the_migration_fills_summaries_of_older_conversations(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = db.create_engine(url)
    db.upgrade(engine, groups=("transcripts",), revision="t0001")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO transcript_conversations (id, sender_pseudonym, channel, started_at, last_message_at, "
                "turns, message_count, crisis) VALUES ('c1', 'p_x', 'sms', '2026-01-01', '2026-01-01', 2, 4, 1)"
            )
        )
        for seq, (sender, talk, level, action, text) in enumerate(
            [
                ("user", "change", "none", None, "i want to stop"),
                ("bot", None, None, "action_fallback", "say more?"),
                ("user", "sustain", "crisis", None, "no point anymore"),
                ("bot", None, None, "action_referral_search", "here are places"),
            ],
            start=1,
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO transcript_messages (conversation_id, seq, turn, sender, text, created_at, talk_type, "
                    "crisis, crisis_level, crisis_category, action, degraded) "
                    "VALUES ('c1', :seq, :turn, :sender, :text, '2026-01-01', :talk, 0, :level, :category, :action, 0)"
                ),
                {
                    "seq": seq,
                    "turn": (seq + 1) // 2,
                    "sender": sender,
                    "text": text,
                    "talk": talk,
                    "level": level,
                    "category": "suicide" if level == "crisis" else None,
                    "action": action,
                },
            )
    db.upgrade(engine, groups=("transcripts",))
    assert summary(engine) == {
        "crisis_level": "crisis",
        "crisis_category": "suicide",
        "change_talk": 1,
        "sustain_talk": 1,
        "fallbacks": 1,
        "referral_offered": True,
        "referral_accepted": True,
    }
    with engine.connect() as conn:  # and the old text is searchable
        hits = conn.execute(
            sa.text("SELECT rowid FROM fts_transcript_messages WHERE fts_transcript_messages MATCH '\"point\"'")
        ).all()
    assert len(hits) == 1
    engine.dispose()


def test_a_bot_message_keeps_its_templates_mi_label():
    """Rasa puts a response's metadata under BotUttered.metadata["metadata"]; the action server's the same way."""
    from lantern.records.transcripts.scrub import _bot_record

    nested = {"event": "bot", "timestamp": 1.0, "metadata": {"metadata": {"mi": "open_question"}, "model_id": "m"}}
    flat = {"event": "bot", "timestamp": 1.0, "metadata": {"mi": "affirm"}}
    assert _bot_record(nested, "What matters most?", (), "utter_x").mi_code == "open_question"
    assert _bot_record(flat, "You came back.", (), "action_y").mi_code == "affirm"
    assert _bot_record({"event": "bot", "metadata": {"metadata": {"mi": 7}}}, "x", (), None).mi_code is None
