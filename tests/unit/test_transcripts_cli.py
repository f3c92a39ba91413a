"""`python -m tools transcripts export|purge` and the retention schedule, on a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from lantern import settings
from lantern.records.transcripts import db as tdb
from lantern.records.transcripts.export import FIELDS, FORMULA_TRIGGERS, neutralize_cell, parse_since
from lantern.records.transcripts.record import add_records
from lantern.records.transcripts.retention import RetentionSchedule, purge
from lantern.records.transcripts.scrub import MessageRecord, SessionMark
from tools.cli import main

NOW = datetime.utcnow().replace(microsecond=0)  # the schedule and the CLI purge against the real clock
EVENTS_DDL = (
    "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
    "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
    "action_name VARCHAR(255), data TEXT)"
)


def ts(moment: datetime) -> float:
    return (moment - datetime(1970, 1, 1)).total_seconds()


def user(text, at, **kw):
    return MessageRecord("user", text, ts(at), channel="rest", **kw)


def bot(text, at, **kw):
    return MessageRecord("bot", text, ts(at), **kw)


@pytest.fixture()
def url(tmp_path: Path) -> str:
    """Two senders: an old conversation (120 days) and a recent one (2 days), with tracker events."""
    url = f"sqlite:///{tmp_path / 'lantern.db'}"
    engine = tdb.open_engine(url)
    old, new = NOW - timedelta(days=120), NOW - timedelta(days=2)
    with engine.begin() as conn:
        conn.execute(sa.text(EVENTS_DDL))
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        add_records(
            session,
            "p_old",
            [
                SessionMark(ts(old)),
                user("hi im <PERSON>", old, intent="greet", intent_confidence=0.9, talk_type="neutral"),
                bot("Hi!\nWhat's up?", old + timedelta(seconds=1), action="action_greet"),
            ],
        )
        later = old + timedelta(hours=1)
        add_records(session, "p_both", [SessionMark(ts(later)), user("first visit", later)])
        add_records(
            session,
            "p_both",
            [
                SessionMark(ts(new)),
                user("he isnt breathing", new, intent="crisis_overdose", crisis=True, crisis_level="crisis"),
                bot("Call 911 now.", new, crisis=True, action="utter_crisis_overdose_call"),
            ],
        )
        session.commit()
    rows = []
    for sender, at in (("p_old", old), ("p_both", later), ("p_both", new)):
        rows += [
            (sender, "action", ts(at), "action_session_start"),
            (sender, "session_started", ts(at), None),
            (sender, "user", ts(at) + 1, None),
            (sender, "bot", ts(at) + 2, None),
        ]
    with engine.begin() as conn:
        for sender, kind, when, action in rows:
            conn.execute(
                sa.text(
                    "INSERT INTO events (sender_id, type_name, timestamp, action_name, data) "
                    "VALUES (:s, :k, :t, :a, '{}')"
                ),
                {"s": sender, "k": kind, "t": when, "a": action},
            )
    engine.dispose()
    return url


def export(url, capsys, *args):
    code = main(["transcripts", "--db", url, "export", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_export_jsonl(url, capsys):
    code, out, err = export(url, capsys)
    assert code == 0 and "5 messages exported" in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [list(r) for r in rows] == [list(FIELDS)] * 5
    first = rows[0]
    assert first["turn"] == 1 and first["sender"] == "user" and first["text"] == "hi im <PERSON>"
    assert first["intent"] == "greet" and first["talk_type"] == "neutral" and first["crisis"] is False
    assert first["timestamp"] == (NOW - timedelta(days=120)).isoformat() + ".000Z"
    assert rows[1]["text"] == "Hi!\nWhat's up?" and rows[1]["turn"] == 1 and rows[1]["sender"] == "bot"
    assert [r["crisis"] for r in rows[3:]] == [True, True]
    assert len({r["conversation_id"] for r in rows}) == 3


def test_export_csv_one_message_per_line(url, capsys):
    code, out, _ = export(url, capsys, "--format", "csv")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 6 and lines[0] == ",".join(FIELDS)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[1]["text"] == "Hi!\\nWhat's up?"  # a line break stays on one line
    assert rows[3]["crisis"] == "true" and rows[0]["crisis"] == "false" and rows[1]["intent"] == ""
    assert rows[2]["text"] == "first visit" and rows[3]["turn"] == "1"


def test_export_since(url, capsys):
    code, out, _ = export(url, capsys, "--since", (NOW - timedelta(days=10)).strftime("%Y-%m-%d"))
    texts = [json.loads(line)["text"] for line in out.splitlines()]
    assert code == 0 and texts == ["he isnt breathing", "Call 911 now."]
    code, out, _ = export(url, capsys, "--since", "2099-01-01T00:00:00Z", "--format", "csv")
    assert out.splitlines() == [",".join(FIELDS)]


# What a person (or an attacker posing as one) can type to the bot; each is stored as text.
HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "   =1+1",
    "\u00a0\u200b=1+1",
    "\n=1+1",
]


@pytest.fixture()
def hostile_url(tmp_path: Path) -> str:
    """One conversation whose user messages, bot replies and intent are formula payloads."""
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    engine = tdb.open_engine(url)
    at = NOW - timedelta(days=1)
    from sqlalchemy.orm import Session

    records = [SessionMark(ts(at))]
    for k, text in enumerate(HOSTILE):
        moment = at + timedelta(seconds=2 * k)
        records += [
            user(text, moment, intent="=1+1" if k == 0 else "greet", talk_type="-neutral" if k == 0 else None),
            bot(text, moment + timedelta(seconds=1)),
        ]
    records.append(user("hi =not a formula, 3 - 2 = 1", at + timedelta(minutes=5)))
    with Session(engine) as session:
        add_records(session, "p_hostile", records)
        session.commit()
    engine.dispose()
    return url


def test_export_csv_neutralizes_formulas(hostile_url, capsys):
    """Every cell a spreadsheet would run as a formula starts with a single quote; nothing else changes."""
    code, out, _ = export(hostile_url, capsys, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(FIELDS) and len(rows) == 2 * len(HOSTILE) + 2
    for row in rows[1:]:
        for cell in row:
            first = cell.lstrip(" \t\r\u00a0\u200b")[:1]
            assert cell[:1] not in FORMULA_TRIGGERS and first not in FORMULA_TRIGGERS, row
    text = {r[3] for r in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in text and '\'=HYPERLINK("http://x","y")' in text
    assert "'+1+1" in text and "'-2+3" in text and "'@SUM(1+1)*cmd|' /C calc'!A0" in text
    assert "'\t=1+1" in text and "'   =1+1" in text and "'\u00a0\u200b=1+1" in text
    assert "\\n=1+1" in text  # a line break is written as \n first: the cell starts with a backslash
    first = dict(zip(FIELDS, rows[1], strict=False))
    assert first["intent"] == "'=1+1" and first["talk_type"] == "'-neutral"
    assert rows[-1][3] == "hi =not a formula, 3 - 2 = 1"  # only a leading formula character matters


def test_export_jsonl_keeps_text_exact(hostile_url, capsys):
    code, out, _ = export(hostile_url, capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["text"] for r in rows[:-1:2]] == HOSTILE == [r["text"] for r in rows[1:-1:2]]
    assert rows[0]["intent"] == "=1+1" and rows[0]["talk_type"] == "-neutral"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("@A1", "'@A1"),
        ("\0=1", "'\0=1"),
        (" \u3000-1", "' \u3000-1"),
        ("\ufeff+1", "'\ufeff+1"),
        ("", ""),
        ("ok = fine", "ok = fine"),
        ("'already quoted", "'already quoted"),
        ("3 points", "3 points"),
    ],
)
def test_neutralize_cell(value, expected):
    assert neutralize_cell(value) == expected


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "01/02/2025", ""])
def test_export_bad_date_is_a_clear_error(url, capsys, bad):
    with pytest.raises(SystemExit) as exit_info:
        main(["transcripts", "--db", url, "export", "--since", bad])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--since" in err and "YYYY-MM-DD" in err and "Traceback" not in err


def test_parse_since_forms():
    assert parse_since("2025-01-31") == datetime(2025, 1, 31)
    assert parse_since("2025-01-31T14:00") == datetime(2025, 1, 31, 14, 0)
    assert parse_since("2025-01-31T14:00:00+02:00") == datetime(2025, 1, 31, 12, 0)
    assert parse_since("2025-01-31T14:00:00Z") == datetime(2025, 1, 31, 14, 0)


def counts(url):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        result = {
            "conversations": conn.execute(sa.text("SELECT COUNT(*) FROM transcript_conversations")).scalar(),
            "messages": conn.execute(sa.text("SELECT COUNT(*) FROM transcript_messages")).scalar(),
            "events": dict(conn.execute(sa.text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")).all()),
        }
    engine.dispose()
    return result


def test_purge_dry_run_deletes_nothing(url):
    engine = tdb.open_engine(url)
    report = purge(engine, 90, now=NOW, dry_run=True)
    engine.dispose()
    assert (report.conversations, report.messages, report.events) == (2, 3, 8)
    assert counts(url) == {"conversations": 3, "messages": 5, "events": {"p_old": 4, "p_both": 8}}


def test_purge_deletes_old_conversations_and_their_tracker_events(url):
    engine = tdb.open_engine(url)
    report = purge(engine, 90, now=NOW)
    assert (report.conversations, report.messages, report.events) == (2, 3, 8)
    # the recent session of p_both is kept whole, from its session start on
    assert counts(url) == {"conversations": 1, "messages": 2, "events": {"p_both": 4}}
    with engine.connect() as conn:
        kinds = [r[0] for r in conn.execute(sa.text("SELECT type_name FROM events ORDER BY id"))]
    assert kinds == ["action", "session_started", "user", "bot"]
    assert purge(engine, 90, now=NOW).conversations == 0  # nothing left to do
    engine.dispose()


def test_purge_cli_uses_the_retention_setting(url, capsys, monkeypatch):
    monkeypatch.setenv("LANTERN_RETENTION_DAYS", "0")
    settings.reload()  # settings are read once per process
    assert main(["transcripts", "--db", url, "purge"]) == 0
    assert "Retention is off" in capsys.readouterr().err
    assert counts(url)["conversations"] == 3
    monkeypatch.setenv("LANTERN_RETENTION_DAYS", "30")
    settings.reload()  # settings are read once per process
    assert main(["transcripts", "--db", url, "purge", "--dry-run"]) == 0
    assert "would delete 2 conversations (3 messages)" in capsys.readouterr().out
    assert main(["transcripts", "--db", url, "purge", "--days", "1"]) == 0
    assert "deleted 3 conversations (5 messages)" in capsys.readouterr().out
    assert counts(url) == {"conversations": 0, "messages": 0, "events": {}}


def test_purge_rejects_zero_days(url, capsys):
    with pytest.raises(SystemExit):
        main(["transcripts", "--db", url, "purge", "--days", "0"])
    assert "at least 1 day" in capsys.readouterr().err


def test_schedule_runs_at_start_and_stops_promptly(url):
    lines = []
    schedule = RetentionSchedule(url, 90, interval=3600, report=lines.append).start()
    deadline = time.monotonic() + 20
    while schedule.runs == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    began = time.monotonic()
    schedule.stop()
    assert time.monotonic() - began < 2  # Ctrl-C does not wait for the hour
    assert schedule.runs == 1 and lines and lines[0].startswith("Retention (90 days")
    assert counts(url)["conversations"] == 1


def test_schedule_survives_a_broken_database(tmp_path, capsys):
    schedule = RetentionSchedule(f"sqlite:///{tmp_path}/missing-dir/sub/../x.db", 90, interval=3600)
    schedule._engine = sa.create_engine("sqlite:////nonexistent-dir/x.db")
    assert schedule.run_once() is None
    assert "Retention run failed" in capsys.readouterr().err


def test_forget_deletes_one_person_by_number_or_pseudonym(url, capsys, monkeypatch):
    from lantern.records.anonymizer import pseudonymize

    monkeypatch.setenv("LANTERN_PSEUDONYM_KEY", "cli-key")
    settings.reload()  # settings are read once per process
    engine = tdb.open_engine(url)
    with engine.begin() as conn:  # a person known by phone number
        who = pseudonymize("+1 614 555 0100", "cli-key")
        conn.execute(
            sa.text("UPDATE transcript_conversations SET sender_pseudonym = :p WHERE sender_pseudonym = 'p_both'"),
            {"p": who},
        )
        conn.execute(sa.text("UPDATE events SET sender_id = :p WHERE sender_id = 'p_both'"), {"p": who})
    engine.dispose()
    assert main(["transcripts", "--db", url, "forget", "(614) 555-0100", "--dry-run"]) == 0
    assert "would delete 2 conversations (3 messages) and 8 tracker events" in capsys.readouterr().out
    assert main(["transcripts", "--db", url, "forget", "6145550100"]) == 0
    assert f"{who}: deleted 2 conversations" in capsys.readouterr().out
    assert counts(url) == {"conversations": 1, "messages": 2, "events": {"p_old": 4}}
    assert main(["transcripts", "--db", url, "forget", "p_old"]) == 0  # not a pseudonym shape: hashed
    assert "deleted 0 conversations" in capsys.readouterr().out


def test_forget_leaves_nothing_in_the_database_files_or_the_wal(url, tmp_path, monkeypatch):
    """WAL keeps old page images; forget() checkpoints and truncates it (lantern/db/sqlite.py)."""
    monkeypatch.setenv("LANTERN_PSEUDONYM_KEY", "cli-key")
    settings.reload()  # settings are read once per process
    import sqlite3

    engine = tdb.open_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    bot_side = sqlite3.connect(tmp_path / "lantern.db")  # an open connection, as the running bot's
    bot_side.execute("SELECT count(*) FROM events").fetchone()  # keeps the WAL from being removed on close
    files = lambda: [p for p in tmp_path.iterdir() if p.name.startswith("lantern.db")]  # noqa: E731
    assert any(b"he isnt breathing" in p.read_bytes() for p in files())
    from lantern.records.transcripts.retention import forget

    forget(engine, "p_both")
    leftovers = [
        p.name
        for p in files()
        for needle in (b"p_both", b"he isnt breathing", b"first visit")
        if needle in p.read_bytes()
    ]
    assert leftovers == []
    bot_side.close()
    engine.dispose()
