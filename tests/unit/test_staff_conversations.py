"""The staff console's conversations: list filters, search, crisis queue, transcript, notes, export,
deletion, role limits and escaping (staff/views/conversations.py, export.py, staff/queries.py,
lantern/records/transcripts/erase.py). A real SQLite file per test and Flask's test client."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from lantern import settings
from lantern.db import staff_tables as st
from lantern.records.transcripts import erase
from lantern.records.transcripts.models import Conversation, Message
from lantern.records.transcripts.record import add_records
from lantern.records.transcripts.scrub import MessageRecord, SessionMark
from staff import auth, queries
from staff.app import create_app

PASSWORD = "correct horse battery"
NOW = datetime.utcnow()
C = Conversation.__table__
M = Message.__table__


def ts(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def user(text: str, when: datetime, **kw: Any) -> MessageRecord:
    return MessageRecord("user", text, ts(when), channel=kw.pop("channel", "sms"), **kw)


def bot(text: str, when: datetime, **kw: Any) -> MessageRecord:
    return MessageRecord("bot", text, ts(when), **kw)


def add(engine: Any, sender: str, records: List[Any]) -> str:
    """Store one conversation (a session start, then `records`); return its id."""
    with engine.begin() as conn:
        add_records(conn, sender, [SessionMark(records[0].timestamp - 1), *records])
        return str(
            conn.execute(
                sa.select(C.c.id).where(C.c.sender_pseudonym == sender).order_by(C.c.started_at.desc()).limit(1)
            ).scalar_one()
        )


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: Any) -> None:
    """argon2 at its smallest cost: these tests are about pages, not passwords (test_staff_auth)."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: Any) -> Path:
    """A migrated database with one account per role, copied for each test (migrating is slow)."""
    folder = tmp_path_factory.mktemp("template")
    hasher = auth._hasher
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    try:
        application = create_app(settings.load({"LANTERN_DATA_DIR": str(folder), "LANTERN_STAFF_KEY": "k" * 32}))
        engine = application.extensions["lantern_engine"]
        with application.app_context(), engine.begin() as conn:
            for name, role in (("rev", "reviewer"), ("sup", "supervisor"), ("train", "trainer"), ("adm", "admin")):
                auth.create_user(conn, name, PASSWORD, role, display_name=name.title())
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    finally:
        auth._hasher = hasher
    return Path(folder) / "lantern.db"


@pytest.fixture
def app(tmp_path: Any, template_db: Path) -> Any:
    queries.clear_cache()
    shutil.copy(template_db, tmp_path / "lantern.db")
    application = create_app(settings.load({"LANTERN_DATA_DIR": str(tmp_path), "LANTERN_STAFF_KEY": "k" * 32}))
    application.config["TESTING"] = True
    return application


@pytest.fixture
def engine(app: Any) -> Any:
    return app.extensions["lantern_engine"]


@pytest.fixture
def data(engine: Any) -> Dict[str, str]:
    """A handful of conversations, each with something to find it by."""
    t = NOW - timedelta(hours=2)
    ids = {}
    ids["crisis"] = add(
        engine,
        "p_crisis",
        [
            user("i took too many pills and cant breathe", t, intent="crisis_overdose", intent_confidence=0.97,
                 crisis=True, crisis_level="crisis", crisis_category="overdose", talk_type="neutral"),
            bot("Call 911 now.", t + timedelta(seconds=1), action="utter_crisis_overdose", crisis=True,
                crisis_level="crisis", crisis_category="overdose"),
        ],
    )  # fmt: skip
    t2 = NOW - timedelta(days=3)
    ids["change"] = add(
        engine,
        "p_change",
        [
            user("i want to cut down on fent", t2, intent="want_change", talk_type="change", channel="widget"),
            bot("What would cutting down give you?", t2 + timedelta(seconds=1), action="action_reflect"),
            user("more time with my kids", t2 + timedelta(seconds=5), intent="inform", talk_type="change",
                 channel="widget"),
            bot("Want help finding a place?", t2 + timedelta(seconds=6), action="action_referral_search"),
        ],
    )  # fmt: skip
    t3 = NOW - timedelta(days=20)
    ids["sustain"] = add(
        engine,
        "p_sustain",
        [
            user("i like using honestly, =HYPERLINK(\"http://x\",\"y\")", t3, intent="inform", talk_type="sustain",
                 channel="rest", crisis_level="check_in", crisis_category="suicide"),
            bot("Sorry, I did not get that.", t3 + timedelta(seconds=1), action="action_fallback", mi_code="ask"),
            user("<script>alert(1)</script> narcan", t3 + timedelta(seconds=3), intent="ask_narcan",
                 talk_type="sustain", channel="rest"),
            bot("Narcan reverses opioid overdoses.", t3 + timedelta(seconds=4), action="referral_form"),
        ],
    )  # fmt: skip
    t4 = NOW - timedelta(days=60)
    ids["old"] = add(engine, "p_old", [user("hello there old friend", t4, intent="greet", channel="sms")])
    return ids


def login(client: Any, username: str) -> str:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return csrf(client)


def post(client: Any, path: str, form: Optional[Dict[str, str]] = None) -> int:
    """POST a form with the session's CSRF token; the status code."""
    return int(client.post(path, data={**(form or {}), "csrf_token": client.token}).status_code)


def csrf(client: Any) -> str:
    page = client.get("/conversations?activity=24h").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


@pytest.fixture
def sup(app: Any) -> Any:
    client = app.test_client()
    client.token = login(client, "sup")
    return client


@pytest.fixture
def rev(app: Any) -> Any:
    client = app.test_client()
    client.token = login(client, "rev")
    return client


def listed(client: Any, query: str = "") -> List[str]:
    response = client.get("/conversations" + (("?" + query) if query else ""))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    table = html.split('<table class="list">', 1)[1]
    return re.findall(r'href="/conversations/([0-9a-f]{32})"', table)


def short(ids: Dict[str, str], *names: str) -> List[str]:
    return [ids[n] for n in names]


def audit_rows(engine: Any, action: str) -> List[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(st.audit).where(st.audit.c.action == action).order_by(st.audit.c.id)))


# --- the list -------------------------------------------------------------------------------


def test_list_needs_login(app: Any, data: Dict[str, str]) -> None:
    response = app.test_client().get("/conversations")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_list_newest_first_and_audited(sup: Any, data: Dict[str, str], engine: Any) -> None:
    assert listed(sup) == short(data, "crisis", "change", "sustain", "old")
    entry = audit_rows(engine, "list")[-1]
    assert entry.username == "sup"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("activity=24h", ["crisis"]),
        ("activity=7d", ["crisis", "change"]),
        ("activity=30d", ["crisis", "change", "sustain"]),
        ("channel=widget", ["change"]),
        ("channel=nope", []),
        ("crisis_level=crisis", ["crisis"]),
        ("crisis_level=check_in", ["sustain"]),
        ("crisis_level=any", ["crisis", "sustain"]),
        ("crisis_level=none", ["change", "old"]),
        ("crisis_category=suicide", ["sustain"]),
        ("crisis_category=overdose", ["crisis"]),
        ("change_min=50", ["change"]),
        ("change_min=0", ["change", "sustain"]),
        ("intent=ask_narcan", ["sustain"]),
        ("intent=greet", ["old"]),
        ("referral=offered", ["change", "sustain"]),
        ("referral=accepted", ["change"]),
        ("referral=not_offered", ["crisis", "old"]),
        ("fallbacks=yes", ["sustain"]),
        ("fallbacks=no", ["crisis", "change", "old"]),
        ("status=new", ["crisis", "change", "sustain", "old"]),
        ("status=reviewed", []),
        ("sort=turns", ["change", "sustain", "crisis", "old"]),
        ("sort=crisis", ["crisis", "sustain", "change", "old"]),
        ("sort=started", ["crisis", "change", "sustain", "old"]),
    ],
)
def test_each_filter(sup: Any, data: Dict[str, str], query: str, expected: List[str]) -> None:
    assert listed(sup, query) == short(data, *expected)


def test_date_range(sup: Any, data: Dict[str, str]) -> None:
    day = (NOW - timedelta(days=10)).date().isoformat()
    assert listed(sup, f"date_from={day}") == short(data, "crisis", "change")
    assert listed(sup, f"date_to={day}") == short(data, "sustain", "old")


def test_review_tag_and_assignee_filters(sup: Any, data: Dict[str, str], engine: Any) -> None:
    cid = data["change"]
    assert post(sup, f"/conversations/{cid}/review", {"status": "reviewed"}) == 302
    assert post(sup, f"/conversations/{cid}/tags", {"tag": "Follow Up"}) == 302
    with engine.connect() as conn:
        sup_id = conn.execute(sa.select(st.users.c.id).where(st.users.c.username == "sup")).scalar_one()
    assert post(sup, f"/conversations/{data['old']}/assign", {"assignee": str(sup_id)}) == 302
    assert listed(sup, "status=reviewed") == [cid]
    assert cid not in listed(sup, "status=new")
    assert data["old"] in listed(sup, "status=new")  # a review row made by assigning still reads "new"
    assert listed(sup, "tag=follow+up") == [cid]
    assert listed(sup, "assignee=mine") == [data["old"]]
    assert listed(sup, f"assignee={sup_id}") == [data["old"]]
    assert data["old"] not in listed(sup, "assignee=unassigned")
    assert cid in listed(sup, "assignee=unassigned")


def test_crisis_queue(sup: Any, data: Dict[str, str]) -> None:
    assert listed(sup, "queue=crisis") == short(data, "crisis", "sustain")
    html = sup.get("/conversations").get_data(as_text=True)
    box = html.split('class="queue"', 1)[1].split("</section>", 1)[0]
    assert data["crisis"] in box and data["sustain"] in box and data["change"] not in box
    assert "2 not reviewed" in box
    post(sup, f"/conversations/{data['crisis']}/review", {"status": "reviewed"})
    assert listed(sup, "queue=crisis") == [data["sustain"]]
    post(sup, f"/conversations/{data['sustain']}/review", {"status": "needs_follow_up"})
    assert listed(sup, "queue=crisis") == [data["sustain"]]  # needs follow-up stays in the queue


def test_paging(sup: Any, engine: Any) -> None:
    start = NOW - timedelta(days=1)
    for i in range(queries.PAGE_SIZE + 5):
        add(engine, f"p_{i}", [user(f"message {i}", start + timedelta(minutes=i))])
    first = listed(sup)
    second = listed(sup, "page=2")
    assert len(first) == queries.PAGE_SIZE and len(second) == 5 and not set(first) & set(second)
    html = sup.get("/conversations").get_data(as_text=True)
    assert "page=2" in html and 'rel="prev"' not in html
    assert 'rel="next"' not in sup.get("/conversations?page=2").get_data(as_text=True)


# --- search ---------------------------------------------------------------------------------


def test_search_finds_and_highlights(sup: Any, data: Dict[str, str], engine: Any) -> None:
    assert listed(sup, "q=narcan") == [data["sustain"]]
    assert listed(sup, "q=CUT+down") == [data["change"]]
    assert listed(sup, "q=cut+narcan") == []  # every word must appear in one message
    html = sup.get("/conversations?q=narcan").get_data(as_text=True)
    assert "<mark>Narcan</mark> reverses" in html  # the newest matching message
    html = sup.get("/conversations?q=alert").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt; narcan" in html
    entry = audit_rows(engine, "search")[-1]
    assert json.loads(entry.detail)["filters"]["q"] == "alert"
    assert listed(sup, "q=narcan&channel=sms") == []


@pytest.mark.parametrize(
    "q",
    ['"', '""', "*", "narcan*", "NEAR(narcan fent)", "'; DROP TABLE transcript_messages; --", "OR", "narcan OR fent",
     "AND", "NOT narcan", "text:narcan", "^narcan", "(", ")", "-narcan", "{text}: x", "ünïcödé ✓ 中文 💊", "\x00",
     "x" * 999, "a " * 400],
)  # fmt: skip
def test_search_is_injection_safe(sup: Any, data: Dict[str, str], engine: Any, q: str) -> None:
    response = sup.get("/conversations", query_string={"q": q})
    assert response.status_code == 200
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(M)).scalar_one() == 11


def test_search_syntax_is_taken_as_words(sup: Any, data: Dict[str, str]) -> None:
    assert listed(sup, "q=narcan+OR+fent") == []  # OR is a word to find, not an operator
    assert listed(sup, "q=NEAR(narcan)") == []  # the word NEAR is in no message
    assert listed(sup, "q=narcan*") == [data["sustain"]]  # * is not a prefix operator: just narcan
    assert listed(sup, 'q="script"') == [data["sustain"]]


def test_search_too_long_is_400(sup: Any, data: Dict[str, str]) -> None:
    assert sup.get("/conversations", query_string={"q": "x" * 5000}).status_code == 400


def test_fts_query_quotes_every_term() -> None:
    assert queries.search_terms('a "b" NEAR(c, 2) d*') == ["a", "b", "NEAR", "c", "2", "d"]
    assert queries.fts_query(["OR", "x"]) == '"OR" "x"'
    assert len(queries.search_terms("w " * 100)) == queries.MAX_TERMS


def test_snippet_escapes_before_marking() -> None:
    out = queries.snippet("<b>narcan</b> & <script>", ["narcan"])
    assert str(out) == "&lt;b&gt;<mark>narcan</mark>&lt;/b&gt; &amp; &lt;script&gt;"


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=abc", "page=99999999999999999999", "page=1001", "activity=1y", "sort=evil",
     "crisis_level=x", "status=%27", "assignee=x", "date_from=2024-13-01", "date_to=9999-12-31",
     "change_min=101", "change_min=1e9", "channel=" + "x" * 500, "referral=maybe", "fallbacks=2",
     "queue=other", "tag=" + "t" * 200],
)  # fmt: skip
def test_odd_parameters_are_400(sup: Any, data: Dict[str, str], query: str) -> None:
    assert sup.get("/conversations?" + query).status_code == 400


def test_unknown_parameters_are_ignored(sup: Any, data: Dict[str, str]) -> None:
    assert len(listed(sup, "zzz=1&q=")) == 4
    assert listed(sup, "intent=%00%00") == []
    assert sup.get("/conversations?unknown=%FF%FE&channel=%E2%9C%93").status_code == 200


# --- the transcript -------------------------------------------------------------------------


def test_transcript_shows_annotations_and_escapes(sup: Any, data: Dict[str, str], engine: Any) -> None:
    html = sup.get(f"/conversations/{data['sustain']}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; narcan" in html and "<script>alert" not in html
    assert "ask_narcan" in html and "sustain" in html and "action_fallback" in html and "check_in" in html
    assert "MI label: ask" in html  # the template's own label, shown as a label
    assert audit_rows(engine, "view")[-1].target == data["sustain"]


@pytest.mark.parametrize("bad", ["nope", "0" * 32, "..%2F..%2Fetc", "a" * 300, "%00", "x'--", "%E2%9C%93"])
def test_unknown_or_malformed_id_is_404(sup: Any, data: Dict[str, str], bad: str) -> None:
    assert sup.get(f"/conversations/{bad}").status_code == 404


def test_long_transcript_loads_lazily(sup: Any, engine: Any) -> None:
    start = NOW - timedelta(days=1)
    records = [user(f"line number {i}", start + timedelta(seconds=i)) for i in range(250)]
    cid = add(engine, "p_long", records)
    html = sup.get(f"/conversations/{cid}").get_data(as_text=True)
    assert "line number 99<" in html and "line number 100<" not in html
    assert f'href="/conversations/{cid}?after=100#seq-101"' in html
    assert f'data-fragment="/conversations/{cid}/messages?after=100"' in html
    page2 = sup.get(f"/conversations/{cid}?after=100").get_data(as_text=True)
    assert "line number 100<" in page2 and "line number 199<" in page2 and "line number 99<" not in page2
    fragment = sup.get(f"/conversations/{cid}/messages?after=200").get_data(as_text=True)
    assert "<html" not in fragment and "line number 249<" in fragment and "Load more" not in fragment
    with engine.connect() as conn:
        mid = conn.execute(sa.select(M.c.id).where(M.c.conversation_id == cid, M.c.seq == 150)).scalar_one()
    assert 'name="after" value="100"' in page2  # a note on message 150 comes back to its page
    response = sup.post(
        f"/conversations/{cid}/messages/{mid}/notes", data={"flagged": "1", "after": "100", "csrf_token": sup.token}
    )
    assert response.headers["Location"].endswith(f"/conversations/{cid}?after=100#msg-{mid}")
    assert sup.get(f"/conversations/{cid}?after=abc").status_code == 400
    assert sup.get(f"/conversations/{cid}?after=99999999999").status_code == 400


def test_tags_flags_comments_review_assign(sup: Any, rev: Any, data: Dict[str, str], engine: Any) -> None:
    cid = data["sustain"]
    with engine.connect() as conn:
        mid = conn.execute(sa.select(M.c.id).where(M.c.conversation_id == cid, M.c.seq == 3)).scalar_one()
        sup_id = conn.execute(sa.select(st.users.c.id).where(st.users.c.username == "sup")).scalar_one()
    note = {"tag": "<script>x</script>", "flagged": "1", "comment": "<img src=x onerror=alert(1)>"}
    assert post(rev, f"/conversations/{cid}/messages/{mid}/notes", note) == 302
    assert post(rev, f"/conversations/{cid}/tags", {"tag": "<b>bold</b>"}) == 302
    assert post(rev, f"/conversations/{cid}/review", {"status": "needs_follow_up"}) == 302
    html = rev.get(f"/conversations/{cid}").get_data(as_text=True)
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "Flagged" in html and "needs follow up" in html
    # a reviewer cannot assign; a supervisor can
    assert post(rev, f"/conversations/{cid}/assign", {"assignee": str(sup_id)}) == 403
    assert post(sup, f"/conversations/{cid}/assign", {"assignee": str(sup_id)}) == 302
    assert post(sup, f"/conversations/{cid}/assign", {"assignee": "999"}) == 400
    assert "assigned to Sup" in sup.get(f"/conversations/{cid}").get_data(as_text=True)
    # the tag page lists the conversation and the message, escaped
    page = rev.get("/tags/%3Cscript%3Ex%3C/script%3E")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"{cid[:12]} #3" in text and "<script>x" not in text and "&lt;script&gt;alert(1)" in text
    tag_page = rev.get("/tags/%3Cb%3Ebold%3C/b%3E").get_data(as_text=True)
    assert cid in tag_page
    # removing a tag, and the audit trail
    assert post(rev, f"/conversations/{cid}/tags/remove", {"tag": "<b>bold</b>"}) == 302
    assert listed(rev, "tag=%3Cb%3Ebold%3C%2Fb%3E") == []
    for action in ("note", "tag", "untag", "review", "assign", "view_tag"):
        assert audit_rows(engine, action), action
    assert "img" not in (audit_rows(engine, "note")[-1].detail or "")  # no text in the audit log


def test_bad_annotations(rev: Any, data: Dict[str, str], engine: Any) -> None:
    cid, other = data["sustain"], data["change"]
    with engine.connect() as conn:
        mid_other = conn.execute(sa.select(M.c.id).where(M.c.conversation_id == other)).scalars().first()
    assert post(rev, f"/conversations/{cid}/messages/{mid_other}/notes", {"flagged": "1"}) == 404
    assert post(rev, f"/conversations/{cid}/messages/1/notes") == 400
    assert post(rev, f"/conversations/{cid}/tags", {"tag": "   "}) == 400
    assert post(rev, f"/conversations/{cid}/tags", {"tag": "x" * 65}) == 400
    assert post(rev, f"/conversations/{cid}/review", {"status": "done"}) == 400
    assert rev.post(f"/conversations/{cid}/review", data={"status": "reviewed"}).status_code == 400  # no CSRF token
    assert post(rev, "/conversations/nope/tags", {"tag": "a"}) == 404


# --- role limits, export, deletion ----------------------------------------------------------


@pytest.mark.parametrize("who", ["rev", "train"])
def test_reviewers_and_trainers_cannot_export_or_delete(app: Any, data: Dict[str, str], engine: Any, who: str) -> None:
    client = app.test_client()
    client.token = login(client, who)
    assert client.get("/conversations/export.csv").status_code == 403
    assert client.get("/conversations/export.jsonl").status_code == 403
    assert client.get(f"/conversations/{data['old']}/delete").status_code == 403
    assert post(client, f"/conversations/{data['old']}/delete", {"confirm": "delete"}) == 403
    with engine.connect() as conn:
        assert conn.execute(sa.select(C.c.id).where(C.c.id == data["old"])).first() is not None
    html = client.get(f"/conversations/{data['old']}").get_data(as_text=True)
    assert "export.csv" not in client.get("/conversations").get_data(as_text=True) and "/delete" not in html


def test_export_csv_neutralises_formulas(sup: Any, data: Dict[str, str], engine: Any) -> None:
    response = sup.get("/conversations/export.csv?channel=rest")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["conversation_id", "turn", "sender", "text", "timestamp", "intent", "talk_type", "crisis"]
    assert len(rows) == 5 and {r[0] for r in rows[1:]} == {data["sustain"]}
    assert rows[1][3].startswith("i like using honestly, =HYPERLINK")  # not at the start: unchanged
    start = sup.get("/conversations/export.csv?q=hyperlink").get_data(as_text=True)
    assert data["sustain"] in start
    entry = audit_rows(engine, "export")[0]
    detail = json.loads(entry.detail)
    assert detail["rows"] == 4 and detail["filters"] == {"channel": "rest"} and detail["complete"] is True
    assert audit_rows(engine, "export_start")


def test_export_csv_quotes_a_leading_formula(sup: Any, engine: Any) -> None:
    add(engine, "p_formula", [user("=cmd|' /C calc'!A0", NOW - timedelta(hours=1), channel="widget"),
                              user("  -2 bags", NOW - timedelta(minutes=59), channel="widget")])  # fmt: skip
    rows = list(
        csv.reader(io.StringIO(sup.get("/conversations/export.csv?channel=widget&activity=24h").get_data(as_text=True)))
    )
    assert [r[3] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "'  -2 bags"]


def test_export_jsonl_is_exact(sup: Any, data: Dict[str, str]) -> None:
    response = sup.get("/conversations/export.jsonl?crisis_level=any&sort=crisis")
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [line["conversation_id"] for line in lines] == [data["crisis"]] * 2 + [data["sustain"]] * 4
    assert lines[2]["text"].startswith("i like using honestly, =HYPERLINK")
    assert lines[4]["text"] == "<script>alert(1)</script> narcan" and lines[0]["crisis"] is True
    assert sup.get("/conversations/export.xml").status_code == 404
    assert sup.get("/conversations/export.csv?page=abc").status_code == 400


EVENTS = sa.Table(  # the columns of Rasa's SQLTrackerStore table that deletion reads
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("data", sa.Text),
)


def make_events(engine: Any) -> None:
    EVENTS.create(engine)


def insert_event(engine: Any, sender: str, when: float) -> None:
    with engine.begin() as conn:
        conn.execute(EVENTS.insert().values(sender_id=sender, type_name="user", timestamp=when, data="{}"))


def test_supervisor_deletes_a_conversation(sup: Any, data: Dict[str, str], engine: Any) -> None:
    make_events(engine)
    cid = data["change"]
    with engine.connect() as conn:
        conv = conn.execute(sa.select(C).where(C.c.id == cid)).one()
    insert_event(engine, "p_change", ts(conv.started_at))
    insert_event(engine, "p_change", ts(conv.last_message_at))
    insert_event(engine, "p_change", ts(conv.last_message_at) + 3600 * 5)  # a later session of the same person
    insert_event(engine, "p_crisis", ts(conv.started_at) + 1)  # someone else at the same time
    post(sup, f"/conversations/{cid}/tags", {"tag": "gone"})
    confirm = sup.get(f"/conversations/{cid}/delete")
    assert confirm.status_code == 200 and "Delete for good" in confirm.get_data(as_text=True)
    assert post(sup, f"/conversations/{cid}/delete") == 200  # not confirmed
    assert post(sup, f"/conversations/{cid}/delete", {"confirm": "delete"}) == 302
    assert sup.get(f"/conversations/{cid}").status_code == 404
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(M).where(M.c.conversation_id == cid)).scalar_one() == 0
        )
        assert conn.execute(sa.select(sa.func.count()).select_from(st.conversation_tags)).scalar_one() == 0
        left = conn.exec_driver_sql("SELECT sender_id FROM events ORDER BY id").fetchall()
        assert [r[0] for r in left] == ["p_change", "p_crisis"]
        assert conn.execute(sa.select(C.c.id).where(C.c.id == data["crisis"])).first() is not None
    detail = json.loads(audit_rows(engine, "delete")[-1].detail)
    assert detail == {"events": 2, "messages": 4, "notes": 1}
    assert listed(sup, "q=fent") == []  # gone from the search index too


# --- erase.forget_conversation, without Flask -------------------------------------------------


def test_forget_conversation_on_a_sqlite_file(tmp_path: Any) -> None:
    from lantern import db

    engine = db.create_engine(f"sqlite:///{tmp_path / 'erase.db'}")
    db.upgrade(engine, groups=("transcripts", "staff"))
    make_events(engine)
    base = NOW - timedelta(days=2)
    first = add(engine, "p_a", [user("first visit", base), bot("hi", base + timedelta(seconds=1))])
    second = add(engine, "p_a", [user("second visit", base + timedelta(hours=6))])
    other = add(engine, "p_b", [user("someone else", base)])
    for sender, when in (("p_a", ts(base) - 1), ("p_a", ts(base)), ("p_a", ts(base) + 1),
                         ("p_a", ts(base + timedelta(hours=6))), ("p_b", ts(base))):  # fmt: skip
        insert_event(engine, sender, when)
    with engine.begin() as conn:
        mid = conn.execute(sa.select(M.c.id).where(M.c.conversation_id == first)).scalars().first()
        conn.execute(st.message_notes.insert().values(message_id=mid, conversation_id=first, flagged=True,
                                                      created_at=NOW))  # fmt: skip
        conn.execute(st.reviews.insert().values(conversation_id=first, status="reviewed", updated_at=NOW))
    counts = erase.forget_conversation(engine, first)
    assert counts == erase.ForgetCounts(conversations=1, messages=2, notes=2, events=3)
    assert erase.forget_conversation(engine, first) == erase.ForgetCounts(0, 0, 0, 0)
    with engine.connect() as conn:
        assert {r[0] for r in conn.execute(sa.select(C.c.id))} == {second, other}
        assert conn.exec_driver_sql("SELECT count(*) FROM events WHERE sender_id = 'p_a'").scalar_one() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM events WHERE sender_id = 'p_b'").scalar_one() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(st.message_notes)).scalar_one() == 0
        hits = conn.exec_driver_sql(
            "SELECT count(*) FROM fts_transcript_messages WHERE fts_transcript_messages MATCH '\"first\"'"
        ).scalar_one()
        assert hits == 0


def test_forget_conversation_without_events_table(tmp_path: Any) -> None:
    from lantern import db

    engine = db.create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    db.upgrade(engine, groups=("transcripts",))
    cid = add(engine, "p_x", [user("hello", NOW)])
    assert erase.forget_conversation(engine, cid) == erase.ForgetCounts(1, 1, 0, 0)


# --- PostgreSQL (production's database): the same queries, search through plainto_tsquery ----


def test_queries_and_erase_on_postgres(pg_url: str) -> None:
    from lantern import db

    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("DROP DATABASE IF EXISTS staff_conversations_test")
        conn.exec_driver_sql("CREATE DATABASE staff_conversations_test")
    admin.dispose()
    engine = db.create_engine(pg_url.replace("/postgres?", "/staff_conversations_test?"))
    try:
        db.upgrade(engine, groups=("transcripts", "staff"))
        queries.clear_cache()
        t = NOW - timedelta(hours=3)
        said = bot("Good to have it.", t + timedelta(seconds=1), action="action_referral_search")
        first = add(engine, "p_1", [user("my partner has narcan", t, intent="inform", talk_type="change"), said])
        second = add(engine, "p_2", [user("\"NEAR( '; DROP TABLE x", t + timedelta(minutes=5), intent="greet",
                                          crisis_level="crisis", crisis_category="overdose")])  # fmt: skip
        make_events(engine)
        insert_event(engine, "p_1", ts(t))
        insert_event(engine, "p_2", ts(t + timedelta(minutes=5)))
        with engine.begin() as conn:
            conn.execute(st.reviews.insert().values(conversation_id=first, status="reviewed", updated_at=NOW))

        def ids(**args: str) -> List[str]:
            with engine.connect() as conn:
                return [row["id"] for row in queries.list_conversations(conn, queries.parse_filters(args, 1)).rows]

        assert ids() == [second, first]
        assert ids(q="narcan") == [first] and ids(q="partners narcan") == [first]  # English stemming
        for evil in ('"', "NEAR(", "'; DROP TABLE", "OR", "ünï ✓", "x" * 999, "!(&|:*"):
            ids(q=evil)
        assert ids(intent="greet") == [second] and ids(crisis_level="crisis") == [second]
        assert ids(status="reviewed") == [first] and ids(status="new") == [second]
        assert ids(change_min="50") == [first] and ids(referral="accepted") == [first]
        assert ids(queue="crisis") == [second] and ids(sort="crisis") == [second, first]
        assert "greet" in queries.form_options(engine)["intents"]
        with engine.connect() as conn:
            snippet_rows = queries.list_conversations(conn, queries.parse_filters({"q": "narcan"}, 1)).rows
        assert "<mark>narcan</mark>" in str(snippet_rows[0]["snippet"])
        assert erase.forget_conversation(engine, first) == erase.ForgetCounts(1, 2, 1, 1)
        assert ids() == [second]
        with engine.connect() as conn:
            assert [r[0] for r in conn.exec_driver_sql("SELECT sender_id FROM events")] == ["p_2"]
    finally:
        engine.dispose()
