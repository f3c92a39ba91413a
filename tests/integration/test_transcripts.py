"""Privacy at rest and the transcript record, through the real Rasa server and action server."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import List, Tuple

from lantern.identity import stored_id
from tests.integration.test_store_failure import database_locked
from tools.client import api, conversation_id, send
from tools.processes import PROJECT_ROOT

MESSAGES = [
    "hi my name is Keisha Okafor",
    "my po officer brennan wants me at 4417 maple ave on friday",
    "my daughter Lily turned 5, her bday is 3/14/2019",
    "text me at 380-555-0147 or jmarie.w@gmail.com",
    "my ssn is 402-11-7735",
    "my son jayden and his dad deshawn live at 2719 n 4th st apt 1",
]
RAW = [
    "Keisha",
    "Okafor",
    "brennan",
    "4417 maple",
    "Lily turned",
    "3/14/2019",
    "380-555-0147",
    "3805550147",
    "jmarie.w@gmail.com",
    "402-11-7735",
    "jayden",
    "deshawn",
    "2719 n 4th",
]


def db_file(lantern) -> Path:
    return Path(lantern.settings.db_url.split("sqlite:///", 1)[1].split("?", 1)[0])


def transcript(lantern, sender: str) -> List[Tuple]:
    """(turn, sender, text) of every message of this sender, read straight from the database."""
    with sqlite3.connect(f"file:{db_file(lantern)}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT m.turn, m.sender, m.text FROM transcript_messages m "
            "JOIN transcript_conversations c ON c.id = m.conversation_id "
            "WHERE c.sender_pseudonym = ? ORDER BY c.started_at, m.seq",
            (stored_id(conversation_id(sender), lantern.settings.pseudonym_key),),
        ).fetchall()


def test_no_raw_pii_or_sender_id_anywhere_under_the_data_folder(lantern):
    number = "380555" + "".join(random.choice("0123456789") for _ in range(4))
    sender = f"+1 ({number[:3]}) {number[3:6]}-{number[6:]}"  # SMS-style sender id
    for text in MESSAGES:
        status, replies = send(lantern.settings, sender, text)
        assert status == 200 and replies

    stored = transcript(lantern, sender)
    assert [t for _, who, t in stored if who == "user"] == [
        "hi my name is <PERSON>",
        "my po officer <PERSON> wants me at <ADDRESS> on friday",
        "my daughter <PERSON> turned 5, her bday is <DATE_OF_BIRTH>",
        "text me at <PHONE> or <EMAIL>",
        "my ssn is <SSN>",
        "my son <PERSON> and his dad <PERSON> live at <ADDRESS>",
    ]
    assert [turn for turn, who, _ in stored if who == "user"] == [1, 2, 3, 4, 5, 6]

    # The number alone reaches nothing (a REST sender is `rest:<sender>`, lantern/identity.py): the HTTP API
    # shows no message of this person under the number, in either spelling.
    for spelling in (number, "1" + number):
        status, tracker = api(lantern.settings, f"/conversations/{spelling}/tracker")
        assert status == 200 and not [e for e in tracker["events"] if e["event"] == "user"]

    # Every file, binary-safe (SQLite database and journal, logs, caches). The names are chosen not to be
    # place names: the ZIP code cache under data/cache is public reference data full of those.
    needles = [s.lower().encode() for s in RAW + [sender, number, "1" + number, f"{number[3:6]}-{number[6:]}"]]
    files = [p for p in Path(lantern.settings.data_dir).rglob("*") if p.is_file()]
    assert any(p.name.startswith("lantern.db") for p in files) and any(p.suffix == ".log" for p in files)
    leaks = [
        (str(p.relative_to(lantern.settings.data_dir)), n.decode())
        for p in files
        for n in needles
        if n in p.read_bytes().lower()
    ]
    assert leaks == []


def test_database_taken_away_mid_conversation_every_turn_stored_or_reported(lantern):
    who = "away-" + uuid.uuid4().hex[:8]
    texts = [f"message {i}: i want to cut back on pills" for i in range(8)]
    locked = {3: "IMMEDIATE", 4: "IMMEDIATE", 5: "EXCLUSIVE"}  # writes fail (reads go on: WAL)
    results = []
    for i, text in enumerate(texts):
        if i in locked:
            with database_locked(lantern, locked[i]):
                status, body = send(lantern.settings, who, text)
            assert status == 503 and body["saved"] is False, body
        else:
            status, body = send(lantern.settings, who, text)
        assert status in (200, 503)
        results.append(status)

    stored = transcript(lantern, who)
    stored_user = [t for _, sender, t in stored if sender == "user"]
    assert stored_user == [t for t, s in zip(texts, results, strict=True) if s == 200]  # no failed turn, no duplicate
    assert results.count(503) == 3 and len(stored_user) == 5
    assert [turn for turn, sender, _ in stored if sender == "user"] == [1, 2, 3, 4, 5]
    assert {turn for turn, sender, _ in stored if sender == "bot"} == {1, 2, 3, 4, 5}  # every stored turn has its reply

    status, tracker = api(lantern.settings, f"/conversations/{conversation_id(who)}/tracker")
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == stored_user


def test_export_cli_reads_the_live_database(lantern):
    who = "export-" + uuid.uuid4().hex[:8]
    assert send(lantern.settings, who, "hi im Keisha")[0] == 200
    out = subprocess.run(
        [sys.executable, "-m", "tools", "transcripts", "--db", lantern.settings.db_url, "export"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    assert any(r["text"] == "hi im <PERSON>" and r["sender"] == "user" and r["turn"] == 1 for r in rows)
    assert "keisha" not in out.lower()
