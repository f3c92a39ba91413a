"""The console's "Try it" page without a bot running: who may use it, the conversation bound to the staff session,
its audit entry, bad input, a bot that is down or hung, the inspector's reading of tracker events, and try-it
conversations left out of the lists and the dashboard (staff/views/try_it.py, staff/inspector.py,
staff/bot_client.py, staff/try_conversations.py). A real SQLite file per test and Flask's test client; the bot's
side is tests/integration/test_try_it.py."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from lantern import settings
from lantern.db import staff_tables as st
from lantern.identity import rest_conversation_id, stored_id
from lantern.records.transcripts.models import Conversation
from lantern.records.transcripts.record import add_records
from lantern.records.transcripts.scrub import MessageRecord, SessionMark
from staff import auth, bot_client, inspector, queries, stats
from staff.app import create_app
from staff.views import try_it

PASSWORD = "correct horse battery"
STAFF_KEY = "k" * 32
PSEUDONYM_KEY = "unit-pseudonym-key"
C = Conversation.__table__
SENDER = re.compile(r"try-[0-9a-f]{32}")


def closed_port() -> int:
    """A port nothing listens on (bound, then released): the bot is 'not running' there."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: Any) -> None:
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def app_settings(folder: Path, rasa_port: int) -> settings.Settings:
    return settings.load(
        {
            "LANTERN_DATA_DIR": str(folder),
            "LANTERN_STAFF_KEY": STAFF_KEY,
            "LANTERN_PSEUDONYM_KEY": PSEUDONYM_KEY,
            "RASA_PORT": str(rasa_port),
            "RASA_API_TOKEN": "api-token",
            "LANTERN_REST_TOKEN": "rest-token",
        }
    )


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: Any) -> Path:
    """A migrated database with one account per role (two trainers), copied for each test."""
    folder = tmp_path_factory.mktemp("template")
    hasher = auth._hasher
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    try:
        application = create_app(app_settings(folder, closed_port()))
        engine = application.extensions["lantern_engine"]
        with application.app_context(), engine.begin() as conn:
            for name, role in (
                ("rev", "reviewer"), ("sup", "supervisor"), ("train", "trainer"), ("train2", "trainer"),
                ("adm", "admin"),
            ):  # fmt: skip
                auth.create_user(conn, name, PASSWORD, role)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    finally:
        auth._hasher = hasher
    return folder / "lantern.db"


@pytest.fixture
def app(tmp_path: Path, template_db: Path) -> Any:
    queries.clear_cache()
    shutil.copy(template_db, tmp_path / "lantern.db")
    application = create_app(app_settings(tmp_path, closed_port()))
    application.config["TESTING"] = True
    return application


@pytest.fixture
def engine(app: Any) -> Any:
    return app.extensions["lantern_engine"]


def login(client: Any, username: str) -> str:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    account = client.get("/account").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', account).group(1)  # type: ignore[union-attr]


def signed_in(app: Any, username: str) -> Any:
    client = app.test_client()
    client.token = login(client, username)
    return client


def bound_sender(client: Any) -> Optional[str]:
    with client.session_transaction() as flask_session:
        bound = flask_session.get(try_it.SESSION_KEY)
    return bound["sender"] if bound else None


def audit_rows(engine: Any, action: str) -> List[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(st.audit).where(st.audit.c.action == action).order_by(st.audit.c.id)))


JSON = {"Accept": "application/json"}


# --- who may use it ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["rev", "sup"])
def test_roles_without_train_get_403(app: Any, username: str) -> None:
    client = signed_in(app, username)
    assert client.get("/try").status_code == 403
    assert client.post("/try/new", data={"csrf_token": client.token}).status_code == 403
    assert client.post("/try/send", data={"csrf_token": client.token, "message": "hi"}).status_code == 403
    assert bound_sender(client) is None


def test_strangers_go_to_sign_in(app: Any) -> None:
    response = app.test_client().get("/try")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["train", "adm"])
def test_trainers_and_admins_see_the_page(app: Any, username: str) -> None:
    page = signed_in(app, username).get("/try")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<label for="try-message">Your message</label>' in html
    assert 'aria-live="polite"' in html
    assert re.search(r'<script src="/static/try_it.js[^"]*" defer></script>', html)
    assert "<script>" not in html  # no inline script (CSP script-src 'self')
    assert "No conversation yet" in html


# --- the conversation: new, bound to the staff session, audited ------------------------------


def test_new_conversation_is_random_namespaced_and_audited(app: Any, engine: Any) -> None:
    client = signed_in(app, "train")
    assert client.post("/try/new", data={"csrf_token": client.token}).status_code == 302
    first = bound_sender(client)
    assert client.post("/try/new", data={"csrf_token": client.token}, headers=JSON).get_json() == {"ok": True}
    second = bound_sender(client)
    assert first and second and SENDER.fullmatch(first) and SENDER.fullmatch(second) and first != second
    rows = audit_rows(engine, "try_start")
    assert [r.username for r in rows] == ["train", "train"]
    # the audit entry names what the tracker store files the conversation under (lantern/identity.py)
    assert [r.target for r in rows] == [stored_id(rest_conversation_id(s), PSEUDONYM_KEY) for s in (first, second)]
    assert all(r.detail is None for r in rows)


def test_another_person_cannot_use_a_copied_conversation_cookie(app: Any, engine: Any) -> None:
    owner = signed_in(app, "train")
    owner.post("/try/new", data={"csrf_token": owner.token})
    # The owner's page asks the (stopped) bot for the conversation: it has one.
    assert "The bot is not running" in owner.get("/try").get_data(as_text=True)
    with owner.session_transaction() as flask_session:
        copied = dict(flask_session)

    other = signed_in(app, "train2")
    with other.session_transaction() as flask_session:
        flask_session.update(copied)
    page = other.get("/try").get_data(as_text=True)
    assert "No conversation yet" in page and "The bot is not running" not in page
    # Posting starts the other person's own conversation, never the copied one.
    other.post("/try/send", data={"csrf_token": other.token, "message": "hello"})
    mine = bound_sender(other)
    assert mine and SENDER.fullmatch(mine) and mine != copied[try_it.SESSION_KEY]["sender"]
    assert [r.username for r in audit_rows(engine, "try_start")] == ["train", "train2"]


def test_signing_out_ends_the_conversation(app: Any) -> None:
    client = signed_in(app, "train")
    client.post("/try/new", data={"csrf_token": client.token})
    client.post("/logout", data={"csrf_token": client.token})
    client.token = login(client, "train")
    assert "No conversation yet" in client.get("/try").get_data(as_text=True)


# --- bad input and a bot that is not there --------------------------------------------------


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_send_without_the_right_csrf_token_is_refused(app: Any, token: Optional[str]) -> None:
    client = signed_in(app, "train")
    form = {"message": "hi", **({"csrf_token": token} if token else {})}
    response = client.post("/try/send", data=form)
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert bound_sender(client) is None


@pytest.mark.parametrize("message", ["", "   \n ", "\x00\x07\x1b"])
def test_empty_messages_are_refused_plainly(app: Any, message: str) -> None:
    client = signed_in(app, "train")
    response = client.post("/try/send", data={"csrf_token": client.token, "message": message}, headers=JSON)
    assert response.status_code == 400 and response.get_json() == {"error": "Type a message first."}
    page = client.post("/try/send", data={"csrf_token": client.token, "message": message})
    assert page.status_code == 400 and "Type a message first." in page.get_data(as_text=True)
    assert bound_sender(client) is None  # nothing was started


def test_too_long_message_is_refused_and_kept_in_the_box(app: Any) -> None:
    client = signed_in(app, "train")
    text = "a" * (try_it.MAX_MESSAGE + 1)
    page = client.post("/try/send", data={"csrf_token": client.token, "message": text})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "That message is too long: at most 4,000 characters." in html
    assert ">" + text[: try_it.MAX_MESSAGE] + "</textarea>" in html


def test_huge_body_gets_the_error_page(app: Any) -> None:
    client = signed_in(app, "train")
    response = client.post("/try/send", data={"csrf_token": client.token, "message": "x" * 400_000})
    assert response.status_code == 413 and "<h1>" in response.get_data(as_text=True)


def test_bytes_that_are_not_utf8_do_not_crash(app: Any) -> None:
    client = signed_in(app, "train")
    body = b"csrf_token=" + client.token.encode() + b"&message=%ff%fe%00caf%e9"
    response = client.post("/try/send", data=body, content_type="application/x-www-form-urlencoded", headers=JSON)
    # undecodable bytes arrive as U+FFFD, control characters are dropped: a message the (stopped) bot would get
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.get_json()["error"].startswith("The bot is not running")


def test_a_bot_that_is_down_gets_a_clear_message(app: Any) -> None:
    client = signed_in(app, "train")
    answer = client.post("/try/send", data={"csrf_token": client.token, "message": "hi there"}, headers=JSON)
    assert answer.status_code == 503
    assert answer.get_json()["error"].startswith("The bot is not running or cannot be reached")
    page = client.post("/try/send", data={"csrf_token": client.token, "message": "hi there"})
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and "The bot is not running" in html
    assert ">hi there</textarea>" in html  # what was typed stays in the box


@pytest.fixture
def hung_bot() -> Iterator[int]:
    """A port that accepts connections and never answers, like a bot stuck in a turn."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: List[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_hung_bot_times_out(hung_bot: int, monkeypatch: Any) -> None:
    monkeypatch.setattr(bot_client, "SEND_TIMEOUT", 0.5)
    client = bot_client.BotClient(f"http://127.0.0.1:{hung_bot}", "rest-token", "api-token")
    started = time.monotonic()
    with pytest.raises(bot_client.BotUnavailable, match="did not answer within 0.5 seconds"):
        client.send("try-x", "hi")
    assert time.monotonic() - started < 5


class ScriptedBot:
    """A port that answers every request with the same raw bytes, keeping what it was sent: a bot that dies
    mid-answer, answers garbage or redirects, on the wire as the console would meet it."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.received: List[bytes] = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.2)
        self.port = int(self.listener.getsockname()[1])
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                raw = b""
                while b"\r\n\r\n" not in raw or len(raw) < self.request_length(raw):
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    raw += chunk
                self.received.append(raw)  # all of it read first: closing on unread bytes would reset the line
                conn.sendall(self.answer)

    @staticmethod
    def request_length(raw: bytes) -> int:
        """The whole request's length in bytes, once its head is in `raw`."""
        head, _, _ = raw.partition(b"\r\n\r\n")
        found = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        return len(head) + 4 + (int(found.group(1)) if found else 0)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.listener.close()


@pytest.fixture
def scripted() -> Iterator[Any]:
    bots: List[ScriptedBot] = []

    def start(answer: bytes) -> ScriptedBot:
        bots.append(ScriptedBot(answer))
        return bots[-1]

    yield start
    for one in bots:
        one.close()


@pytest.mark.parametrize(
    "answer",
    [
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n[{"text": "hal',
        b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n[]",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["cut-off", "line-too-long", "bad-chunk"],
)
def test_a_bot_that_dies_mid_answer_gets_a_clear_message(scripted: Any, answer: bytes) -> None:
    bot = scripted(answer)
    with pytest.raises(bot_client.BotUnavailable, match="stopped in the middle of its answer"):
        bot_client.BotClient(f"http://127.0.0.1:{bot.port}", "rest-token", "api-token").send("try-x", "hi")
    with pytest.raises(bot_client.BotUnavailable, match="stopped in the middle of its answer"):
        bot_client.BotClient(f"http://127.0.0.1:{bot.port}", "rest-token", "api-token").tracker("try-x")


def test_a_redirect_is_not_followed_with_the_token(scripted: Any) -> None:
    elsewhere = scripted(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    moved = f"Location: http://127.0.0.1:{elsewhere.port}/steal\r\n".encode()
    bot = scripted(b"HTTP/1.1 302 Found\r\n" + moved + b"Content-Length: 0\r\n\r\n")
    client = bot_client.BotClient(f"http://127.0.0.1:{bot.port}", "rest-token", "api-token")
    with pytest.raises(bot_client.BotUnavailable, match=r"HTTP 302"):
        client.tracker("try-x")
    with pytest.raises(bot_client.BotUnavailable, match=r"HTTP 302"):
        client.send("try-x", "hi")
    assert len(bot.received) == 2 and b"Bearer api-token" in bot.received[0]
    assert elsewhere.received == []  # the token went nowhere else


def test_missing_tokens_are_named() -> None:
    with pytest.raises(bot_client.BotUnavailable, match="LANTERN_REST_TOKEN"):
        bot_client.BotClient("http://127.0.0.1:1", "", "api").send("try-x", "hi")
    with pytest.raises(bot_client.BotUnavailable, match="RASA_API_TOKEN"):
        bot_client.BotClient("http://127.0.0.1:1", "rest", "").tracker("try-x")


# --- the inspector -----------------------------------------------------------------------------


def user_event(text: str, intent: str, confidence: float, **parse: Any) -> Dict[str, Any]:
    ranking = parse.pop("ranking", [])
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}, *ranking],
            "entities": parse.pop("entities", []),
            **parse,
        },
    }


def action(name: str, policy: Optional[str], confidence: Optional[float] = 1.0, **extra: Any) -> Dict[str, Any]:
    return {"event": "action", "name": name, "policy": policy, "confidence": confidence, **extra}


def bot(text: str, mi: Optional[str] = None, source: Optional[str] = None, **outer: Any) -> Dict[str, Any]:
    inner = {k: v for k, v in (("mi", mi), ("source", source)) if v}
    return {"event": "bot", "text": text, "metadata": {"metadata": inner, "model_id": "m", **outer}}


EVENTS: List[Any] = [
    action("action_session_start", None),
    {"event": "session_started"},
    action("action_listen", None, None),
    user_event(
        "i want to cut down",
        "ask_info",
        1.0,
        ranking=[
            {"name": "share", "confidence": 0.6},
            {"name": "report_step", "confidence": 0.1},
            {"name": "greet", "confidence": 0.01},
        ],
        talk_type={"name": "change", "confidence": 0.99, "ambivalent": True, "context_used": False},
        crisis_signal={"risk": 0.03, "category": "suicide", "answer": "yes", "answer_confidence": 0.5, "asks": False},
        knowledge={"id": "rc_cut_down", "score": 0.9, "candidates": [["rc_cut_down", 0.9], ["rc_other", 0.2]]},
        crisis={"level": "none", "category": None, "confidence": 0.0, "by": None},
        entities=[{"entity": "zip", "value": "10001"}],
    ),  # fmt: skip
    {"event": "slot", "name": "paused", "value": False},
    action("action_info", "policy_1_RulePolicy"),
    bot("Ideas that help.", "information", "knowledge:rc_cut_down"),
    bot("How does that fit?", "open_question", "phrase:info.elicit.harm"),
    action("action_listen", "RulePolicy"),
    user_event(
        "cant wake him up",
        "crisis_overdose",
        1.0,
        crisis={"level": "crisis", "category": "overdose", "confidence": 0.9, "by": "patterns"},
    ),
    action("utter_crisis_overdose_call", "CrisisPolicy", 1.0, metadata={"reason": "overdose"}),
    bot("Call 911 now.", "information", utter_action="utter_crisis_overdose_call"),
    action("action_listen", "CrisisPolicy"),
    user_event("banana", "nlu_fallback", 0.3),
    action("action_default_fallback", "RulePolicy", 0.3),
    bot("Here is what I can help with."),
    action("action_listen", "RulePolicy"),
    user_event("ok", "affirm", 0.8),
    action("action_reflect", "SafeMemoizationPolicy"),
    action("action_listen", "SafeMemoizationPolicy"),
    "not an event",
    {"event": "user"},  # no parse data at all
]


def test_inspector_reads_each_turn() -> None:
    turns = inspector.turns(EVENTS)
    assert [t.reading.text if t.reading else None for t in turns] == ["i want to cut down", "cant wake him up",
                                                                      "banana", "ok", ""]  # fmt: skip
    first = turns[0]
    assert first.reading is not None and first.reading.intent is not None
    assert (first.reading.intent.name, first.reading.intent.confidence) == ("ask_info", 1.0)
    assert [s.name for s in first.reading.next_intents] == ["share", "report_step"]  # the next two only
    assert first.reading.talk_words == "change talk" and first.reading.talk_ambivalent
    assert first.reading.signal_summary == "danger now 0.03 (nearest kind: suicide)"
    assert first.reading.knowledge is not None and first.reading.knowledge.name == "rc_cut_down"
    assert [s.name for s in first.reading.knowledge_candidates] == ["rc_other"]
    assert first.reading.entities == ["zip"]  # names only: a value may be what the person wrote
    info, question = first.bot
    assert info.chooser is not None and info.chooser.policy == "RulePolicy"  # ensemble prefix dropped
    assert info.chooser.words.startswith("a rule") and info.chooser.action == "action_info"
    assert (info.source_kind, info.source, info.mi) == ("knowledge", "rc_cut_down", "information")
    assert (question.source_kind, question.source, question.source_words) == (
        "phrase", "info.elicit.harm", "phrase info.elicit.harm"
    )  # fmt: skip

    crisis = turns[1]
    assert crisis.reading is not None and crisis.reading.crisis_found_by == "word patterns"
    line = crisis.bot[0]
    assert line.chooser is not None and line.chooser.words.startswith("the crisis script")
    assert line.chooser.action_metadata == {"reason": "overdose"}  # what the policy noted is shown when given
    assert (line.source_kind, line.source) == ("response", "utter_crisis_overdose_call")

    fallback = turns[2].bot[0]
    assert fallback.chooser is not None and fallback.chooser.words.startswith("the fallback")
    assert fallback.chooser.confidence == 0.3 and fallback.source is None

    silent = turns[3]
    assert silent.bot == [] and [a.words for a in silent.actions] == ["a remembered story (data/stories/)"]
    assert inspector.latest_turn(turns) == (len(turns), turns[-1])


def test_session_start_and_a_greeting_before_any_message() -> None:
    events = [action("action_session_start", None), bot("Hi, I'm Lantern.", "structure")]
    (turn,) = inspector.turns(events)
    assert turn.reading is None and turn.bot[0].chooser is not None
    assert turn.bot[0].chooser.words == "the start of a conversation (Rasa runs this itself)"
    assert inspector.latest_turn(inspector.turns(events)) is None


def test_summary_is_json_of_labels_and_scores() -> None:
    summary = inspector.summary(inspector.turns(EVENTS)[0])
    assert summary["user"]["intent"] == ("ask_info", 1.0)
    assert summary["user"]["next_intents"] == [("share", 0.6), ("report_step", 0.1)]
    assert [b["source"] for b in summary["bot"]] == ["rc_cut_down", "info.elicit.harm"]
    assert "i want to cut down" not in repr(summary)


def test_turn_markup_escapes_text_and_labels_the_inspector(app: Any) -> None:
    from flask import render_template

    signal = {"risk": 0.4, "category": "danger", "update": "worse", "update_confidence": 0.7, "answer": "no"}
    events = [user_event("<script>alert(1)</script>", "greet", 0.9, crisis_signal=signal),
              action("action_greet", "RulePolicy"), bot("<b>hi</b>", "open_question", "phrase:greet.first"),
              bot("second", "open_question", "phrase:greet.second")]  # fmt: skip
    with app.test_request_context("/try"):
        html = render_template("_try_turn.html", turn=inspector.turns(events)[0], number=3)
    # the meaning model's labels, read as keys (a dict's own `update` method must never show)
    assert '<dd>worse <span class="muted">0.70</span></dd>' in html and "built-in" not in html
    assert "<dd>no</dd>" in html  # an answer without a confidence
    assert html.count("<dt>Talk type</dt>") == 1 and html.count("<dt>Intent</dt>") == 2  # the reading once per turn
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html and 'id="turn-3"' in html
    for label in ("Chosen by", "Action", "Wording", "MI code"):
        assert html.count(f"<dt>{label}</dt>") == 2
    assert "phrase greet.first" in html and "open_question" in html and "a rule" in html


# --- try-it conversations are left out of the lists and the dashboard -----------------------


def store(engine: Any, pseudonym: str, when: datetime, level: str = "none") -> str:
    stamp = when.replace(tzinfo=timezone.utc).timestamp()
    records = [
        SessionMark(stamp - 1),
        MessageRecord("user", "some words", stamp, channel="rest", intent="inform", crisis_level=level,
                      crisis_category="overdose" if level == "crisis" else None, crisis=level == "crisis"),
        MessageRecord("bot", "a reply", stamp + 1, action="action_default_fallback"),
    ]  # fmt: skip
    with engine.begin() as conn:
        add_records(conn, pseudonym, records)
        return str(conn.execute(sa.select(C.c.id).where(C.c.sender_pseudonym == pseudonym)).scalar_one())


def test_lists_queue_export_and_dashboard_leave_try_it_out(app: Any, engine: Any) -> None:
    trainer = signed_in(app, "train")
    trainer.post("/try/new", data={"csrf_token": trainer.token})
    sender = bound_sender(trainer)
    assert sender is not None
    now = datetime.utcnow() - timedelta(minutes=5)
    tried = store(engine, stored_id(rest_conversation_id(sender), PSEUDONYM_KEY), now, level="crisis")
    real = store(engine, "p_someoneelse", now, level="crisis")

    sup = signed_in(app, "sup")
    listed = sup.get("/conversations").get_data(as_text=True)
    assert f"/conversations/{real}" in listed and f"/conversations/{tried}" not in listed
    queue = sup.get("/conversations?queue=crisis").get_data(as_text=True)
    assert f"/conversations/{real}" in queue and f"/conversations/{tried}" not in queue
    included = sup.get("/conversations?tries=include").get_data(as_text=True)
    assert f"/conversations/{real}" in included and f"/conversations/{tried}" in included
    assert f"/conversations/{tried}" in sup.get(f"/conversations/{tried}").get_data(as_text=True)  # still readable

    with engine.connect() as conn:
        exported = queries.iter_conversation_ids(conn, queries.parse_filters({}))
        dash = stats.build(conn, days=7)
    assert exported == [real]
    assert dash.conversations == 1 and dash.not_understood == 1
