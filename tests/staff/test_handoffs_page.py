"""The console's hand-off pages (staff/views/handoffs.py): the live queue, taking over, replying, handing back,
dismissing, the messages endpoint handoff.js polls, roles, CSRF, the audit log, and that no number (not even the
encrypted one the table keeps for SMS) ever reaches a page.

Hand-offs are opened by the bot's own store functions (lantern/handoffs/store.py) in a real SQLite file per test,
and read and changed through Flask's test client, as staff would.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from lantern import db, settings
from lantern.db import staff_tables as st
from lantern.db.handoff_tables import handoff_messages, handoffs
from lantern.handoffs import store
from lantern.records.transcripts.models import Conversation
from lantern.records.transcripts.record import add_records
from lantern.records.transcripts.scrub import MessageRecord, SessionMark
from staff import auth
from staff.app import create_app
from staff.views.handoffs import format_age
from tests.html_tables import parse

PASSWORD = "correct horse battery"
ORG = "Test Harm Reduction Org"
ROLES = {"rev": "reviewer", "robin": "reviewer", "sup": "supervisor", "train": "trainer", "adm": "admin"}
NAMES = {"rev": "Rev", "robin": "Robin Two", "sup": "Sup", "train": "Train", "adm": "Adm"}
TOKEN = "gAAAAAB-FAKE-PHONE-TOKEN-5551234-zz"  # what phone_enc holds over SMS: must never reach a page
C = Conversation.__table__
VIEW = Path(__file__).resolve().parents[2] / "staff" / "views" / "handoffs.py"

ALEX = "p_alexalexalexalexalex"
BEA = "p_beabeabeabeabeabeabe"
CAL = "p_calcalcalcalcalcalca"
EVIL = "<script>alert(1)</script>"


# --- helpers ----------------------------------------------------------------------------------


def sign_in(app: Any, username: str) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def csrf(client: Any) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account").get_data(as_text=True))
    assert found
    return found.group(1)


def post(client: Any, path: str, **data: str) -> Any:
    return client.post(path, data={"csrf_token": csrf(client), **data})


def audit_rows(engine: Any, action: str) -> List[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(st.audit).where(st.audit.c.action == action).order_by(st.audit.c.id)))


def user_id(engine: Any, username: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(st.users.c.id).where(st.users.c.username == username)).scalar_one())


def handoff(engine: Any, handoff_id: int) -> Dict[str, Any]:
    with engine.connect() as conn:
        found = store.get(conn, handoff_id)
    assert found is not None
    return found


def queued(engine: Any, handoff_id: int) -> List[Dict[str, Any]]:
    m = handoff_messages.c
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(m.kind, m.text, m.status, m.staff_user).where(m.handoff_id == handoff_id).order_by(m.id)
        )
        return [dict(r._mapping) for r in rows]


def open_handoff(engine: Any, who: str, channel: str, kind: str, ago: float, phone_enc: Optional[str] = None) -> int:
    with engine.begin() as conn:
        return store.open_handoff(conn, who, channel, kind, time.time() - ago, phone_enc=phone_enc)


def add_transcript(engine: Any, pseudonym: str, texts: List[tuple], start: float) -> str:
    """A stored conversation of `pseudonym` with (sender, text) messages; its id."""
    records: List[Any] = [SessionMark(start)]
    records += [MessageRecord(sender, text, start + i + 1, channel="sms") for i, (sender, text) in enumerate(texts)]
    with engine.begin() as conn:
        add_records(conn, pseudonym, records)
        return str(
            conn.execute(
                sa.select(C.c.id).where(C.c.sender_pseudonym == pseudonym).order_by(C.c.started_at.desc()).limit(1)
            ).scalar_one()
        )


def take(client: Any, handoff_id: int) -> Any:
    return post(client, f"/handoffs/{handoff_id}/take")


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: Any) -> None:
    """argon2 at its smallest cost: these tests are about pages, not passwords."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def _settings(folder: Path) -> settings.Settings:
    return settings.load({"LANTERN_DATA_DIR": str(folder), "LANTERN_STAFF_KEY": "k" * 32, "LANTERN_ORG_NAME": ORG})


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: Any) -> Path:
    """A console database (no hand-off tables) with accounts, copied for each test."""
    folder = tmp_path_factory.mktemp("template")
    hasher = auth._hasher
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    try:
        application = create_app(_settings(folder))
        engine = application.extensions["lantern_engine"]
        with engine.begin() as conn:
            for name, role in ROLES.items():
                auth.create_user(conn, name, PASSWORD, role, display_name=NAMES[name])
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    finally:
        auth._hasher = hasher
    return Path(folder) / "lantern.db"


@pytest.fixture
def app(tmp_path: Path, template_db: Path) -> Any:
    shutil.copy(template_db, tmp_path / "lantern.db")
    application = create_app(_settings(tmp_path))
    application.config["TESTING"] = True
    return application


@pytest.fixture
def engine(app: Any) -> Any:
    return app.extensions["lantern_engine"]


@pytest.fixture
def tables(engine: Any) -> None:
    """The hand-off tables, as the Rasa server makes them at start."""
    db.upgrade(engine, groups=("handoffs",))


@pytest.fixture
def three(engine: Any, tables: None) -> Dict[str, Any]:
    """Alex (SMS, number kept) asked 10 minutes ago, Bea (web) 2 minutes ago, Cal (web) is a crisis from just now."""
    alex = open_handoff(engine, ALEX, "sms", "request", 600, phone_enc=TOKEN)
    bea = open_handoff(engine, BEA, "socketio", "request", 120)
    cal = open_handoff(engine, CAL, "socketio", "crisis", 5)
    conversation = add_transcript(
        engine, ALEX, [("user", "can I talk to a person"), ("bot", "Someone will join soon."), ("user", EVIL)], 1e9
    )
    return {"alex": alex, "bea": bea, "cal": cal, "conversation": conversation}


# --- the queue --------------------------------------------------------------------------------


def test_queue_lists_waiting_crisis_first_then_oldest(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    html = sign_in(app, "rev").get("/handoffs").get_data(as_text=True)
    tables = parse(html)
    rows = tables.tables["table-waiting"]
    assert rows[0] == ["Kind", "Channel", "Waiting", "Person", "Action"]
    cal, alex, bea = rows[1:]
    assert cal[:2] == ["crisis", "web chat"] and cal[2].startswith("under a minute since ")
    assert alex[:2] == ["asked for a person", "SMS"] and alex[2].startswith("10 min since ")
    assert bea[:2] == ["asked for a person", "web chat"] and bea[2].startswith("2 min since ")
    assert [r[3] for r in rows[1:]] == ["p_calcalca…", "p_alexalex… (latest conversation)", "p_beabeabe…"]
    links = tables.links["table-waiting"]
    assert f"/conversations/{three['conversation']}" in links[2]  # Alex has a transcript; the others none
    assert [ln for ln in links[1] if ln.startswith("/conversations/")] == []
    assert all("Take over" in r[4] for r in rows[1:])
    assert 'action="/handoffs/%d/take"' % three["cal"] in html
    assert "Waiting (3, " in " ".join(html.split()) and "1 crisis" in html
    for full in (ALEX, BEA, CAL):
        assert full not in html
    (entry,) = audit_rows(engine, "view_handoffs")
    assert entry.username == "rev" and entry.target is None
    assert json.loads(entry.detail) == {"closed": 0, "crisis": 1, "taken": 0, "waiting": 3}


def test_no_number_nor_encrypted_token_on_any_page(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    rev = sign_in(app, "rev")
    assert take(rev, three["alex"]).status_code == 302
    assert post(rev, f"/handoffs/{three['alex']}/send", text="hello from staff").status_code == 302
    for who in ROLES:
        client = rev if who == "rev" else sign_in(app, who)
        pages = [
            client.get("/handoffs"),
            client.get("/handoffs/queue"),
            client.get(f"/handoffs/{three['alex']}"),
            client.get(f"/handoffs/{three['alex']}/messages?after=0"),
            client.get("/dashboard"),
        ]
        for response in pages:
            assert response.status_code == 200, (who, response.request.path)
            body = response.get_data(as_text=True)
            assert TOKEN not in body and TOKEN[:20] not in body and "5551234" not in body, who
            assert "phone" not in body.lower() or "Phone numbers are never shown" in body


def test_the_view_never_selects_the_number() -> None:
    """Named columns only: `phone_enc` is not named anywhere in the view, and no select takes a whole table."""
    tree = ast.parse(VIEW.read_text(encoding="utf-8"))
    names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert "phone_enc" not in names and "phone_of" not in names and "encrypted" not in names
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "select":
            assert not any(isinstance(a, ast.Name) and a.id in ("handoffs", "handoff_messages") for a in call.args)


def test_queue_fragment_is_204_when_nothing_changed(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    client = sign_in(app, "sup")
    page = client.get("/handoffs").get_data(as_text=True)
    state = re.search(r'data-state="([^"]+)"', page)
    assert state and '<script src="/static/handoff.js" defer></script>' in page
    assert client.get(f"/handoffs/queue?state={state.group(1)}").status_code == 204
    assert len(audit_rows(engine, "view_handoffs")) == 1  # an unchanged refresh is not a view
    open_handoff(engine, "p_newnewnewnewnewnewne", "socketio", "request", 1)
    fragment = client.get(f"/handoffs/queue?state={state.group(1)}")
    assert fragment.status_code == 200
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="handoff-queue"') and "<html" not in body and "<h1>" not in body
    assert len(parse(body).tables["table-waiting"]) == 5
    assert json.loads(audit_rows(engine, "view_handoffs")[-1].detail)["refresh"] is True


def test_no_inline_script_on_the_pages(app: Any, three: Dict[str, Any]) -> None:
    client = sign_in(app, "rev")
    take(client, three["bea"])
    for path in ("/handoffs", f"/handoffs/{three['bea']}"):
        html = client.get(path).get_data(as_text=True)
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)), path


# --- taking over ------------------------------------------------------------------------------


def test_a_reviewer_takes_over_and_a_second_cannot(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    rev, robin = sign_in(app, "rev"), sign_in(app, "robin")
    response = take(rev, three["alex"])
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/handoffs/{three['alex']}#reply-text"
    )
    found = handoff(engine, three["alex"])
    assert found["status"] == "taken" and found["staff_user"] == user_id(engine, "rev")
    assert queued(engine, three["alex"]) == [
        {
            "kind": "joined",
            "text": f"Hi, this is Rev from {ORG}. I'm a person, and I've joined this chat. I'm reading what you wrote.",
            "status": "queued",
            "staff_user": user_id(engine, "rev"),
        }
    ]
    page = rev.get(f"/handoffs/{three['alex']}").get_data(as_text=True)
    assert 'id="reply-text"' in page and f'maxlength="{store.MAX_TEXT}"' in page and "taken by you" in page

    # Robin is too late: an error, nothing changes, and Robin can neither write nor hand it back.
    refused = take(robin, three["alex"])
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/handoffs")
    assert "someone else has taken it" in robin.get("/handoffs").get_data(as_text=True)
    sent = post(robin, f"/handoffs/{three['alex']}/send", text="me too")
    assert sent.status_code == 409 and "Not sent: it is not yours." in sent.get_data(as_text=True)
    back = post(robin, f"/handoffs/{three['alex']}/hand-back")
    assert back.status_code == 302 and "it is not yours to hand back" in robin.get(back.headers["Location"]).get_data(
        as_text=True
    )
    assert post(robin, f"/handoffs/{three['alex']}/dismiss").status_code == 302
    found = handoff(engine, three["alex"])
    assert found["status"] == "taken" and found["staff_user"] == user_id(engine, "rev")
    assert [m["kind"] for m in queued(engine, three["alex"])] == ["joined"]
    robin_page = robin.get(f"/handoffs/{three['alex']}").get_data(as_text=True)
    assert "Rev has this conversation." in robin_page and 'id="reply-text"' not in robin_page

    # The queue: Rev gets "Open", Robin sees who has it.
    rev_taken = parse(rev.get("/handoffs").get_data(as_text=True))
    assert rev_taken.tables["table-taken"][1][0] == "you" and rev_taken.links["table-taken"][1][-1].endswith(
        f"/handoffs/{three['alex']}"
    )
    robin_taken = parse(robin.get("/handoffs").get_data(as_text=True)).tables["table-taken"]
    assert robin_taken[1][0] == "Rev" and robin_taken[1][-1] == "Rev has it"
    assert len(parse(robin.get("/handoffs").get_data(as_text=True)).tables["table-waiting"]) == 3  # header + 2


def test_taking_ones_own_again_changes_nothing(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    rev = sign_in(app, "rev")
    take(rev, three["bea"])
    assert take(rev, three["bea"]).status_code == 302
    assert [m["kind"] for m in queued(engine, three["bea"])] == ["joined"]


def test_a_trainer_may_read_but_not_respond(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    trainer = sign_in(app, "train")
    html = trainer.get("/handoffs").get_data(as_text=True)
    assert "Take over" not in html and 'id="table-waiting"' in html
    assert "Take over" not in trainer.get(f"/handoffs/{three['cal']}").get_data(as_text=True)
    for action in ("take", "send", "hand-back", "dismiss"):
        assert post(trainer, f"/handoffs/{three['cal']}/{action}", text="hi").status_code == 403, action
    assert handoff(engine, three["cal"])["status"] == "waiting" and queued(engine, three["cal"]) == []
    assert audit_rows(engine, "handoff_take") == []


def test_strangers_are_sent_to_sign_in(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    stranger = app.test_client()
    for path in ("/handoffs", "/handoffs/queue", f"/handoffs/{three['cal']}", f"/handoffs/{three['cal']}/messages"):
        response = stranger.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    response = stranger.post(f"/handoffs/{three['cal']}/take", data={"csrf_token": "x"})
    assert response.status_code in (302, 400) and "/handoffs/" not in response.headers.get("Location", "")
    assert handoff(engine, three["cal"])["status"] == "waiting"


def test_unknown_handoff_is_404(app: Any, three: Dict[str, Any]) -> None:
    client = sign_in(app, "rev")
    assert client.get("/handoffs/9999").status_code == 404
    assert take(client, 9999).status_code == 404
    assert client.get("/handoffs/9999/messages").status_code == 404


# --- sending ----------------------------------------------------------------------------------


def test_send_refuses_empty_and_long_and_queues_a_good_one(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    rev = sign_in(app, "rev")
    take(rev, three["bea"])
    empty = post(rev, f"/handoffs/{three['bea']}/send", text="   \r\n ")
    assert empty.status_code == 400 and "Not sent: the message is empty." in empty.get_data(as_text=True)
    long_text = "x" * (store.MAX_TEXT + 1)
    too_long = post(rev, f"/handoffs/{three['bea']}/send", text=long_text)
    body = too_long.get_data(as_text=True)
    assert too_long.status_code == 400 and f"longer than {store.MAX_TEXT} characters" in body
    assert long_text in body  # what they wrote is kept in the box, to shorten
    assert [m["kind"] for m in queued(engine, three["bea"])] == ["joined"]

    good = post(rev, f"/handoffs/{three['bea']}/send", text="I'm here.\r\nTake your time.")
    assert good.status_code == 302 and good.headers["Location"].endswith(f"/handoffs/{three['bea']}#reply-text")
    last = queued(engine, three["bea"])[-1]
    assert last == {
        "kind": "staff",
        "text": "I'm here.\nTake your time.",
        "status": "queued",
        "staff_user": user_id(engine, "rev"),
    }
    page = rev.get(f"/handoffs/{three['bea']}").get_data(as_text=True)
    unsent = page.split('id="handoff-unsent"')[1].split("</ul>")[0]
    assert "Sending…" in unsent and "I&#39;m here.\nTake your time." in unsent and 'class="msg staff queued"' in unsent


def test_send_without_csrf_is_refused(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    rev = sign_in(app, "rev")
    take(rev, three["bea"])
    assert rev.post(f"/handoffs/{three['bea']}/send", data={"text": "hello"}).status_code == 400
    assert rev.post(f"/handoffs/{three['bea']}/send", data={"text": "hello", "csrf_token": "wrong"}).status_code == 400
    assert [m["kind"] for m in queued(engine, three["bea"])] == ["joined"]


def test_send_before_taking_is_refused(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    response = post(sign_in(app, "sup"), f"/handoffs/{three['bea']}/send", text="hello")
    assert response.status_code == 409 and "take the conversation first" in response.get_data(as_text=True)
    assert queued(engine, three["bea"]) == []


# --- handing back and dismissing ---------------------------------------------------------------


def test_hand_back_closes_and_tells_the_person(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    robin = sign_in(app, "robin")
    take(robin, three["alex"])
    response = post(robin, f"/handoffs/{three['alex']}/hand-back")
    assert response.status_code == 302 and response.headers["Location"].endswith("/handoffs")
    found = handoff(engine, three["alex"])
    assert found["status"] == "closed" and found["reason"] == "handed_back"
    left = queued(engine, three["alex"])[-1]
    assert left["kind"] == "left" and left["text"] == (
        f"Robin Two from {ORG} has left the chat. You're talking with the Lantern bot again. "
        "You can ask for a person any time staff are on."
    )
    html = robin.get("/handoffs").get_data(as_text=True)
    closed = parse(html).tables["table-closed"]
    assert closed[1][1:4] == ["handed back to the bot", "Robin Two", "asked for a person"]
    assert "handed back: the bot answers again" in html
    assert "table-taken" not in html
    # Closed: no more sending, and the page says so.
    assert post(robin, f"/handoffs/{three['alex']}/send", text="still there?").status_code == 409
    assert 'id="handoff-closed"' in robin.get(f"/handoffs/{three['alex']}").get_data(as_text=True)


def test_dismiss_closes_a_waiting_request_only(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    sup = sign_in(app, "sup")
    assert post(sup, f"/handoffs/{three['bea']}/dismiss").status_code == 302
    found = handoff(engine, three["bea"])
    assert found["status"] == "closed" and found["reason"] == "dismissed" and queued(engine, three["bea"]) == []
    take(sup, three["cal"])
    refused = post(sup, f"/handoffs/{three['cal']}/dismiss")
    assert "only a waiting request can be dismissed" in sup.get(refused.headers["Location"]).get_data(as_text=True)
    assert handoff(engine, three["cal"])["status"] == "taken"
    closed = parse(sup.get("/handoffs").get_data(as_text=True)).tables["table-closed"]
    assert closed[1][1:3] == ["dismissed", "nobody"]
    assert [r.target for r in audit_rows(engine, "handoff_dismiss")] == [str(three["bea"])]


# --- the messages endpoint --------------------------------------------------------------------


def test_messages_after_a_seq_in_order_and_inert(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    rev = sign_in(app, "rev")
    take(rev, three["alex"])
    page = rev.get(f"/handoffs/{three['alex']}").get_data(as_text=True)
    assert EVIL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'class="msg user" data-seq="3"' in page and 'class="msg bot" data-seq="2"' in page
    assert f'data-conversation="{three["conversation"]}"' in page and 'data-after="3"' in page

    with engine.begin() as conn:  # the relay delivers the joined notice and a staff reply: both in the transcript
        add_records(
            conn, ALEX, [MessageRecord("staff", "Hi, this is Rev", 1e9 + 10), MessageRecord("user", "ok", 1e9 + 11)]
        )
    response = rev.get(f"/handoffs/{three['alex']}/messages?after=2&conversation={three['conversation']}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    raw = response.get_data(as_text=True)
    assert "<script>" not in raw and "<" not in raw and "\\u003cscript\\u003e" in raw
    data = json.loads(raw)
    assert [(m["seq"], m["sender"], m["text"]) for m in data["messages"]] == [
        (3, "user", EVIL),
        (4, "staff", "Hi, this is Rev"),
        (5, "user", "ok"),
    ]
    assert data["after"] == 5 and data["reset"] is False and data["conversation"] == three["conversation"]
    assert data["state"] == f"taken:{user_id(engine, 'rev')}" and data["status"] == "taken by you"
    assert [u["kind"] for u in data["unsent"]] == ["joined"] and data["unsent"][0]["label"] == "Sending… · notice"

    nothing = json.loads(rev.get(f"/handoffs/{three['alex']}/messages?after=5").get_data(as_text=True))
    assert nothing["messages"] == [] and nothing["after"] == 5
    assert rev.get(f"/handoffs/{three['alex']}/messages?after=abc").status_code == 400
    assert rev.get(f"/handoffs/{three['alex']}/messages?conversation=%3Cx%3E").status_code == 400

    # A new session opened a new conversation: everything of it, flagged as a reset.
    newer = add_transcript(engine, ALEX, [("user", "back again")], 2e9)
    again = json.loads(rev.get(f"/handoffs/{three['alex']}/messages?after=5&conversation={three['conversation']}").data)
    assert again["reset"] is True and again["conversation"] == newer
    assert [(m["seq"], m["text"]) for m in again["messages"]] == [(1, "back again")]


def test_messages_of_a_handoff_without_transcript(app: Any, three: Dict[str, Any]) -> None:
    data = json.loads(sign_in(app, "rev").get(f"/handoffs/{three['cal']}/messages").data)
    assert data["messages"] == [] and data["conversation"] == "" and data["state"] == "waiting:"


# --- audit --------------------------------------------------------------------------------------


def test_take_send_and_hand_back_are_audited_without_text(app: Any, engine: Any, three: Dict[str, Any]) -> None:
    rev = sign_in(app, "rev")
    take(rev, three["alex"])
    post(rev, f"/handoffs/{three['alex']}/send", text="a private reply")
    post(rev, f"/handoffs/{three['alex']}/hand-back")
    (taken,) = audit_rows(engine, "handoff_take")
    (sent,) = audit_rows(engine, "handoff_send")
    (back,) = audit_rows(engine, "handoff_hand_back")
    assert {taken.target, sent.target, back.target} == {str(three["alex"])}
    assert taken.username == sent.username == back.username == "rev"
    assert json.loads(sent.detail)["chars"] == len("a private reply")
    with engine.connect() as conn:
        details = " ".join(str(d) for d in conn.execute(sa.select(st.audit.c.detail)).scalars())
    for secret in ("a private reply", "Hi, this is", "has left the chat", ALEX, "p_alex", EVIL):
        assert secret not in details


# --- before the bot has made the tables, and the menu -------------------------------------------


def test_works_without_the_handoffs_table(app: Any, engine: Any) -> None:
    client = sign_in(app, "rev")
    response = client.get("/handoffs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="no-handoffs"' in html and "table-waiting" not in html
    assert 'href="/handoffs">Hand-offs</a>' in html and "nav-handoffs-waiting" not in html
    state = re.search(r'data-state="([^"]+)"', html)
    assert state and client.get(f"/handoffs/queue?state={state.group(1)}").status_code == 204
    assert 'id="no-handoffs"' in client.get("/handoffs/queue").get_data(as_text=True)  # no state: a new view
    assert client.get("/handoffs/1").status_code == 404 and take(client, 1).status_code == 404
    with engine.connect() as conn:
        assert not sa.inspect(conn).has_table(handoffs.name)  # the console does not make the bot's tables
    assert len(audit_rows(engine, "view_handoffs")) == 2


def test_the_menu_links_the_queue_with_how_many_wait(app: Any, three: Dict[str, Any]) -> None:
    for who in ROLES:
        html = sign_in(app, who).get("/dashboard").get_data(as_text=True)
        assert 'href="/handoffs">Hand-offs</a>' in html, who
        assert '<span class="nav-count" id="nav-handoffs-waiting">3 waiting</span>' in html, who


def test_ages_read_to_the_minute() -> None:
    assert [format_age(s) for s in (-5, 59, 60, 3599, 3600, 3660 + 59, 49 * 3600)] == [
        "under a minute",
        "under a minute",
        "1 min",
        "59 min",
        "1 h 00 min",
        "1 h 01 min",
        "2 days",
    ]
