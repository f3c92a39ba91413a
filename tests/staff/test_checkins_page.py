"""The console's Check-ins page (staff/views/checkins.py): counts, the upcoming list in each person's zone, roles,
a database with no checkins table, escaping, and that no number (clear or encrypted) ever reaches the page.

Rows are made by the bot's own store (CheckinStore: schedule, attach_phone with a test key, claim and fail), in a
real SQLite file per test, read by the console through Flask's test client.
"""

from __future__ import annotations

import ast
import re
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List

import flask
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from lantern import settings
from lantern.checkins.store import CheckinStore
from lantern.db import staff_tables as st
from lantern.db.checkin_tables import checkins
from lantern.records.transcripts.models import Conversation
from lantern.records.transcripts.record import add_records
from lantern.records.transcripts.scrub import MessageRecord, SessionMark
from staff import auth
from staff.app import create_app
from staff.views.checkins import format_times, overview
from tests.html_tables import parse

PASSWORD = "correct horse battery"
KEY = "contact-key-for-console-tests"
NUMBER = "+16145551234"
ROLES = {"rev": "reviewer", "sup": "supervisor", "train": "trainer", "adm": "admin"}
C = Conversation.__table__
STAFF_DIR = Path(__file__).resolve().parents[2] / "staff"

# Three people, by pseudonym (the shape lantern/identity.py gives SMS senders).
ALEX = "p_alexalexalexalexalex"
BEA = "p_beabeabeabeabeabeabe"
CAL = "p_calcalcalcalcalcalca"


def at(year: int, month: int, day: int, hour: int) -> float:
    """A UTC moment as the table keeps it (epoch seconds)."""
    return datetime(year, month, day, hour, tzinfo=timezone.utc).timestamp()


# --- helpers ----------------------------------------------------------------------------------


def sign_in(app: Any, username: str) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def audit_rows(engine: Any, action: str) -> List[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(st.audit).where(st.audit.c.action == action)))


def add_conversation(engine: Any, pseudonym: str, when: float) -> str:
    """One stored conversation of `pseudonym`, as the transcript writer keeps it; returns its id."""
    with engine.begin() as conn:
        add_records(conn, pseudonym, [SessionMark(when - 1), MessageRecord("user", "hi", when, channel="sms")])
        return str(
            conn.execute(
                sa.select(C.c.id).where(C.c.sender_pseudonym == pseudonym).order_by(C.c.started_at.desc()).limit(1)
            ).scalar_one()
        )


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: Any) -> None:
    """argon2 at its smallest cost: these tests are about a page, not passwords."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: Any) -> Path:
    """A console database (no checkins table) with one account per role, copied for each test."""
    folder = tmp_path_factory.mktemp("template")
    hasher = auth._hasher
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    try:
        application = create_app(settings.load({"LANTERN_DATA_DIR": str(folder), "LANTERN_STAFF_KEY": "k" * 32}))
        engine = application.extensions["lantern_engine"]
        with engine.begin() as conn:
            for name, role in ROLES.items():
                auth.create_user(conn, name, PASSWORD, role, display_name=name.title())
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    finally:
        auth._hasher = hasher
    return Path(folder) / "lantern.db"


@pytest.fixture
def app(tmp_path: Path, template_db: Path) -> Any:
    shutil.copy(template_db, tmp_path / "lantern.db")
    application = create_app(settings.load({"LANTERN_DATA_DIR": str(tmp_path), "LANTERN_STAFF_KEY": "k" * 32}))
    application.config["TESTING"] = True
    return application


@pytest.fixture
def engine(app: Any) -> Any:
    return app.extensions["lantern_engine"]


@pytest.fixture
def store(app: Any) -> Iterator[CheckinStore]:
    """The bot's check-in store on the console's database file (it creates the checkins table)."""
    found = CheckinStore(app.extensions["lantern_settings"].db_url)
    yield found
    found.dispose()


@pytest.fixture
def booked(store: CheckinStore, engine: Any) -> Dict[str, Any]:
    """Check-ins in every state: three failed, one cancelled, one sent, three scheduled (one overdue)."""
    now = time.time()
    past = now - 86_400
    reasons = {"p_failed0": "opted_out", "p_failed1": "HTTP 400", "p_failed2": "opted_out"}
    for sender in reasons:
        store.schedule(sender, past, "America/Chicago", "plan", consent_at=past, now=past)
    store.schedule("p_sent", past, "America/Chicago", "plan", consent_at=past, now=past)
    claimed = store.claim_due(past + 1, "worker-1")
    for row in claimed:
        if row["sender"] == "p_sent":
            assert store.mark_sent(row["id"], "worker-1", past + 2)
        else:
            assert store.mark_failed(row["id"], "worker-1", reasons[row["sender"]], past + 2)
    store.schedule("p_gone", at(2031, 5, 1, 12), "America/Chicago", "plan", consent_at=past, now=past)
    store.cancel_all("p_gone", "stop", past)

    # The upcoming ones, booked out of order: Bea (Pacific) is due last, Alex (Central) first, Cal overdue.
    store.schedule(BEA, at(2031, 3, 20, 16), "America/Los_Angeles", "naloxone", consent_at=now, now=now)
    store.schedule(ALEX, at(2031, 3, 14, 3), "America/Chicago", "meeting", consent_at=now, now=now)
    store.schedule(CAL, now - 600, "America/New_York", None, consent_at=now - 3600, now=now - 3600)
    assert store.attach_phone(ALEX, NUMBER, KEY, now) == 1
    with engine.connect() as conn:
        token = conn.execute(sa.select(checkins.c.phone_enc).where(checkins.c.sender == ALEX)).scalar_one()
    assert token and NUMBER not in token
    return {"token": token, "alex_conversation": add_conversation(engine, ALEX, now - 3600)}


# --- tests ------------------------------------------------------------------------------------


def test_upcoming_soonest_first_in_their_zone_and_utc(app: Any, booked: Dict[str, Any]) -> None:
    page = sign_in(app, "rev").get("/checkins")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    tables = parse(html)
    rows = tables.tables["table-upcoming"]
    assert rows[0] == ["Their time", "UTC", "Zone", "Step", "Number attached", "Person"]
    cal, alex, bea = rows[1:]
    # Overdue first (a sender that is down shows up here), then Alex, then Bea.
    assert cal[0].endswith("overdue") and cal[2:5] == ["America/New_York", "none", "not yet"]
    # 03:00 UTC on the 14th is the evening before in Chicago: the person's own day is shown.
    assert alex[:5] == ["Thu 2031-03-13 22:00 CDT", "2031-03-14 03:00", "America/Chicago", "meeting", "yes"]
    assert bea[:5] == ["Thu 2031-03-20 09:00 PDT", "2031-03-20 16:00", "America/Los_Angeles", "naloxone", "not yet"]
    # Pseudonyms are shortened; Alex's links to their latest conversation, the others (no transcript) to nothing.
    assert [r[5] for r in rows[1:]] == ["p_calcalca…", "p_alexalex… (latest conversation)", "p_beabeabe…"]
    links = tables.links["table-upcoming"]
    assert links[1:] == [[], [f"/conversations/{booked['alex_conversation']}"], []]
    for full in (ALEX, BEA, CAL):
        assert full not in html


def test_counts_by_status_and_failure_reasons(app: Any, booked: Dict[str, Any], engine: Any) -> None:
    html = sign_in(app, "sup").get("/checkins").get_data(as_text=True)
    tables = parse(html).tables
    assert tables["table-counts"][1:] == [
        ["scheduled", "3"],
        ["being sent", "0"],
        ["sent", "1"],
        ["cancelled", "1"],
        ["failed", "3"],
    ]
    assert tables["table-reasons"][1:] == [["opted_out", "2"], ["HTTP 400", "1"]]
    (entry,) = audit_rows(engine, "view_checkins")
    assert entry.username == "sup" and entry.target is None
    assert '"shown": 3' in entry.detail and "p_" not in entry.detail  # counts, never pseudonyms


def test_no_number_and_no_encrypted_token_reach_the_page(app: Any, booked: Dict[str, Any]) -> None:
    for who in ROLES:
        html = sign_in(app, who).get("/checkins").get_data(as_text=True)
        assert booked["token"] not in html and booked["token"][:24] not in html
        digits = NUMBER.lstrip("+")
        assert NUMBER not in html and digits not in html and digits[1:] not in html


def test_no_staff_module_can_read_a_number() -> None:
    """The console never imports the code that handles numbers nor uses the contact key: nothing in it can decrypt."""
    forbidden_modules = {"lantern.checkins.contact", "lantern.checkins.store", "cryptography.fernet"}
    forbidden_names = {"contact_key", "decrypt_number", "encrypt_number", "CheckinStore", "claim_due"}
    for source in sorted(STAFF_DIR.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not {a.name for a in node.names} & forbidden_modules, source.name
            elif isinstance(node, ast.ImportFrom):
                assert node.module not in forbidden_modules, f"{source.name} imports {node.module}"
                assert not {a.name for a in node.names} & forbidden_names, source.name
            elif isinstance(node, ast.Attribute):
                assert node.attr not in forbidden_names, f"{source.name} uses .{node.attr}"
            elif isinstance(node, ast.Name):
                assert node.id not in forbidden_names, f"{source.name} uses {node.id}"
    view = ast.parse((STAFF_DIR / "views" / "checkins.py").read_text(encoding="utf-8"))
    selected = [n for n in ast.walk(view) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "select"]
    assert selected and all(  # named columns only: sa.select(checkins) would bring phone_enc with the row
        not (isinstance(arg, ast.Name) and arg.id == "checkins") for call in selected for arg in call.args
    )


def test_each_role_that_reads_conversations_sees_it_and_strangers_sign_in(app: Any, booked: Dict[str, Any]) -> None:
    for who in ROLES:
        client = sign_in(app, who)
        response = client.get("/checkins")
        assert response.status_code == 200, who
        nav = client.get("/dashboard").get_data(as_text=True)
        assert 'href="/checkins">Check-ins</a>' in nav, who
    response = app.test_client().get("/checkins")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_role_that_may_not_read_conversations_gets_403(
    app: Any, booked: Dict[str, Any], engine: Any, monkeypatch: Any
) -> None:
    """The page follows `read`: take it from trainers and they get the console's 403, and no menu link."""
    client = sign_in(app, "train")
    monkeypatch.setitem(auth.PERMISSIONS, "read", frozenset({"reviewer", "supervisor", "admin"}))
    response = client.get("/checkins")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Forbidden" in html and "table-upcoming" not in html and 'href="/checkins"' not in html
    assert client.get("/audit").status_code == 403  # what the console gives for its other forbidden pages
    assert audit_rows(engine, "view_checkins") == []


def test_works_with_no_checkins_table(app: Any, engine: Any) -> None:
    response = sign_in(app, "rev").get("/checkins")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="no-checkins"' in html and "table-upcoming" not in html
    with engine.connect() as conn:
        assert not sa.inspect(conn).has_table("checkins")  # the console does not make the bot's table
    assert len(audit_rows(engine, "view_checkins")) == 1


def test_empty_table_says_none_scheduled(app: Any, store: CheckinStore) -> None:
    html = sign_in(app, "rev").get("/checkins").get_data(as_text=True)
    assert "None scheduled." in html and "table-counts" in html and "table-reasons" not in html


def test_odd_step_labels_and_reasons_are_escaped(app: Any, store: CheckinStore) -> None:
    evil = "<script>alert(1)</script>&"
    now = time.time()
    store.schedule("p_evil", now + 3600, "America/Chicago", evil, consent_at=now, now=now)
    store.schedule("p_evil2", now - 60, "America/Chicago", "plan", consent_at=now, now=now)
    (row,) = store.claim_due(now, "worker-1")
    store.mark_failed(row["id"], "worker-1", "<b>bad</b>", now)
    html = sign_in(app, "rev").get("/checkins").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<b>bad</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in html and "&lt;b&gt;bad&lt;/b&gt;" in html
    tables = parse(html).tables
    assert tables["table-upcoming"][1][3] == evil and tables["table-reasons"][1] == ["<b>bad</b>", "1"]


def test_a_long_list_says_how_many_are_left_out(app: Any, booked: Dict[str, Any], engine: Any) -> None:
    with engine.connect() as conn:
        found = overview(conn, time.time(), limit=2)
    assert [r.step for r in found.rows] == ["", "meeting"] and found.scheduled == 3
    with app.test_request_context():
        html = flask.render_template("checkins.html", o=found, limit=2)
    assert "(the soonest 2 of 3)" in html


def test_times_in_an_unknown_zone_fall_back_to_utc() -> None:
    assert format_times(at(2031, 3, 14, 3), "Mars/Olympus") == (
        "2031-03-14 03:00",
        "Fri 2031-03-14 03:00 UTC (zone unknown)",
    )
    assert format_times(at(2031, 7, 1, 16), "America/Chicago") == ("2031-07-01 16:00", "Tue 2031-07-01 11:00 CDT")
