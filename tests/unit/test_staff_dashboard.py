"""The staff console's dashboard (charts and their numbers) and audit log (admins only, filtered, append-only)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from lantern import settings as settings_mod
from lantern.db import staff_tables as t
from lantern.records.transcripts.models import Conversation
from lantern.records.transcripts.record import add_records
from lantern.records.transcripts.scrub import MessageRecord, SessionMark
from staff import auth, charts, stats
from staff.app import create_app
from staff.db import open_engine
from tests.html_tables import parse

PASSWORD = "correct horse battery staple"
EVIL_CHANNEL = "<script>alert(1)</script> & co"
EVIL_TEXT = "<script>alert('x')</script> & stuff"
CONVERSATIONS = Conversation.__table__


# --- helpers ----------------------------------------------------------------------------------


def table(page: str, key: str) -> Dict[str, Dict[str, str]]:
    """A chart's data table as {row label: {column: value}}."""
    rows = parse(page).tables[f"table-{key}"]
    header = rows[0]
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows[1:]}


def token_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(app: Any, username: str) -> Any:
    client = app.test_client()
    token = token_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def day(days_ago: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(datetime.utcnow().date() - timedelta(days=days_ago), datetime.min.time()).replace(
        hour=hour, minute=minute
    )


def add_conversation(
    conn: Any, name: str, channel: Optional[str], started: datetime, messages: List[Dict[str, Any]]
) -> str:
    """A conversation stored by the transcript writer itself (record.py keeps the summaries); returns its id."""
    base = started.replace(tzinfo=timezone.utc).timestamp()
    records: List[Any] = [SessionMark(base)]
    for i, m in enumerate(messages, 1):
        if m["sender"] == "user":
            m = {"channel": channel, "crisis": m.get("crisis_level") == "crisis", **m}
        records.append(MessageRecord(timestamp=base + 10 * i, **m))
    add_records(conn, "p_" + name, records)
    found = conn.execute(sa.select(CONVERSATIONS.c.id).where(CONVERSATIONS.c.sender_pseudonym == "p_" + name))
    return str(found.scalar_one())


def user(text: str = "...", **extra: Any) -> Dict[str, Any]:
    return {"sender": "user", "text": text, **extra}


def bot(action: str, text: str = "...") -> Dict[str, Any]:
    return {"sender": "bot", "text": text, "action": action}


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters: these tests are about the pages, not the hashing (test_staff_auth.py)."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    app = create_app(settings_mod.load({"LANTERN_DATA_DIR": str(tmp_path), "LANTERN_STAFF_KEY": "k" * 32}))
    app.config["TESTING"] = True
    engine = app.extensions["lantern_engine"]
    with app.app_context(), engine.begin() as conn:
        for role in t.ROLES:
            auth.create_user(conn, role, PASSWORD, role, role.title())
    ids = app.config["TEST_IDS"] = {}
    with engine.begin() as conn:
        ids["c1"] = add_conversation(conn, "c1", "sms", day(1, 9), [
            user("Where can I   get\tNARCAN?", intent="ask_where"), bot("action_fallback"),
            user("i want to quit", talk_type="change"), bot("action_ask_referral_need"),
            user("yes near me"), bot("action_referral_search"),
        ])  # fmt: skip
        ids["c2"] = add_conversation(conn, "c2", "widget", day(1, 15), [
            user("where can i get narcan?"), bot("utter_default"),
            user("i took too much", crisis_level="crisis", crisis_category="overdose"), bot("utter_crisis_overdose"),
            user("ok"), bot("referral_form"),
        ])  # fmt: skip
        ids["c3"] = add_conversation(conn, "c3", "sms", day(3), [
            user(EVIL_TEXT, intent="nlu_fallback"), bot("utter_ask_more"),
            user("it's fine, i like using", talk_type="sustain"), bot("utter_reflect"),
            user("i feel like giving up", crisis_level="check_in", crisis_category="suicide"), bot("crisis_check"),
        ])  # fmt: skip
        ids["c4"] = add_conversation(conn, "c4", EVIL_CHANNEL, day(2), [user("hi", intent="greet"), bot("utter_greet")])
        ids["c5"] = add_conversation(conn, "c5", "sms", day(40), [
            user("an old question"), bot("action_fallback"), user("i will cut down", talk_type="change"),
        ])  # fmt: skip
    yield app
    engine.dispose()


def audit_rows(app: Any) -> List[Any]:
    with app.extensions["lantern_engine"].connect() as conn:
        return conn.execute(sa.select(t.audit).order_by(t.audit.c.id)).all()


# --- dashboard --------------------------------------------------------------------------------


def test_dashboard_numbers_match_the_data(app: Any):
    client = sign_in(app, "reviewer")
    response = client.get("/dashboard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    d1, d2, d3 = (day(n).date().isoformat() for n in (1, 2, 3))

    conversations = table(page, "conversations")
    assert len(conversations) == 31  # 30 days and the total
    assert conversations[d1]["sms"] == "1" and conversations[d1]["widget"] == "1"
    assert conversations[d2][EVIL_CHANNEL] == "1" and conversations[d3]["sms"] == "1"
    assert conversations["Total"] == {"sms": "2", "widget": "1", EVIL_CHANNEL: "1"}  # c5 is 40 days old

    levels = table(page, "crisis-levels")
    assert levels[d1] == {"Check-in": "0", "Crisis": "1"} and levels[d3] == {"Check-in": "1", "Crisis": "0"}
    assert levels["Total"] == {"Check-in": "1", "Crisis": "1"}
    assert table(page, "crisis-categories")["Total"] == {"overdose": "1", "suicide": "1"}

    talk = table(page, "talk")
    assert talk[d1] == {"Change talk": "1", "Sustain talk": "0"} and talk[d3]["Sustain talk"] == "1"
    share = table(page, "talk-share")
    assert share[d1]["Change talk share (%)"] == "100.0%" and share[d3]["Change talk share (%)"] == "0.0%"

    referrals = table(page, "referrals")
    assert referrals["Total"] == {"Offered": "2", "Accepted": "1"}
    monday = day(1).date() - timedelta(days=day(1).weekday())
    assert referrals[monday.isoformat()] == {"Offered": "2", "Accepted": "1"}

    missed = table(page, "not-understood")
    assert missed[d1]["Not understood (%)"] == "33.3%"  # c1 and c2: 2 of 6 user turns
    assert missed[d3]["Not understood (%)"] == "33.3%"  # c3: the nlu_fallback one of 3
    assert missed[d2]["Not understood (%)"] == "0.0%"  # c4: 0 of 1
    assert missed[day(10).date().isoformat()]["Not understood (%)"] == "no data"  # no conversations
    assert "3</strong> not understood" in page and "10</strong> user messages" in page

    # Every chart is an accessible SVG with a title, a description, axes and a legend.
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 7
    for svg in svgs:
        assert 'role="img"' in svg and 'aria-label="' in svg and "<title" in svg and "<desc" in svg
        assert 'class="legend"' in svg and 'class="axes"' in svg
    assert page.count("<details>") == 7


def test_unanswered_questions_are_normalised_grouped_and_linked(app: Any):
    page = sign_in(app, "trainer").get("/dashboard").get_data(as_text=True)
    found = parse(page)
    rows = found.tables["table-questions"][1:]
    links = found.links["table-questions"][1:]
    assert [(r[1], r[2]) for r in rows] == [("where can i get narcan?", "2"), (EVIL_TEXT.lower(), "1")]
    ids = app.config["TEST_IDS"]
    assert links[0] == [f"/conversations/{ids['c2']}"]  # the latest example
    assert links[1] == [f"/conversations/{ids['c3']}"]
    assert "an old question" not in page  # outside the period


def test_a_fallback_long_after_its_user_message_is_found(app: Any):
    engine = app.extensions["lantern_engine"]
    with engine.begin() as conn:
        many = [bot(f"utter_step_{i}") for i in range(stats.WINDOW + 2)]
        far = add_conversation(conn, "far", "sms", day(1, 20), [user("A far  question"), *many, bot("utter_default")])
        dash = stats.build(conn, 30)
    assert stats.Question("a far question", 1, far) in dash.questions
    assert dash.not_understood == 4


def test_a_question_further_back_in_its_turn_is_still_found(app: Any):
    engine = app.extensions["lantern_engine"]
    with engine.begin() as conn:
        many = [bot(f"utter_step_{i}") for i in range(stats.WINDOW + 2)]
        add_conversation(conn, "far", "sms", day(2, 20), [user("A far  question"), *many, bot("utter_default")])
        found = stats.build(conn, 30)
    assert "a far question" in [q.text for q in found.questions] and len(found.questions) == 3


def test_labels_with_markup_are_escaped_in_svg_and_tables(app: Any):
    page = sign_in(app, "reviewer").get("/dashboard").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page  # the channel: legend, tooltips, table
    svg = re.search(r'<svg [^>]*aria-label="Conversations per day.*?</svg>', page, re.S)
    assert svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg.group(0)
    assert " & " not in svg.group(0)
    questions = re.search(r'<table class="data" id="table-questions">.*?</table>', page, re.S)
    assert questions and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; stuff" in questions.group(0)


def test_period_choice_and_the_view_is_audited(app: Any):
    client = sign_in(app, "reviewer")
    week = client.get("/dashboard?days=7").get_data(as_text=True)
    assert len(table(week, "conversations")) == 8
    assert 'value="7" selected' in week and '<label for="period-days">Period</label>' in week
    quarter = client.get("/dashboard?days=90").get_data(as_text=True)
    assert table(quarter, "conversations")["Total"]["sms"] == "3"  # c5 too
    assert "an old question" in quarter
    talk = table(quarter, "talk")  # per week when the period is longer than 30 days
    assert len(talk) <= 15 and talk["Total"] == {"Change talk": "2", "Sustain talk": "1"}
    odd = client.get("/dashboard?days=1000").get_data(as_text=True)
    assert len(table(odd, "conversations")) == 31  # anything else is the default, 30
    views = [json.loads(r.detail) for r in audit_rows(app) if r.action == "view_dashboard"]
    assert views == [{"days": 7}, {"days": 90}, {"days": 30}]


def test_dashboard_needs_a_sign_in(app: Any):
    response = app.test_client().get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_empty_database_draws_empty_charts(tmp_path: Path):
    app = create_app(settings_mod.load({"LANTERN_DATA_DIR": str(tmp_path), "LANTERN_STAFF_KEY": "k" * 32}))
    with app.extensions["lantern_engine"].connect() as conn:
        dash = stats.build(conn, 7)
    assert dash.conversations == 0 and dash.questions == []
    for chart in dash.charts:
        svg = charts.render(chart)
        assert "No data in this period" in svg and svg.startswith("<svg ") and svg.endswith("</svg>")
    app.extensions["lantern_engine"].dispose()


def test_stats_buckets_weeks_and_fold_categories(app: Any):
    with app.extensions["lantern_engine"].begin() as conn:
        for i, category in enumerate(["a", "b", "c", "d", "e", "f", "g", "h"]):
            crisis = user("x", crisis_level="crisis", crisis_category=category)
            add_conversation(conn, f"k{i}", "rest", day(5), [crisis])
        dash = stats.build(conn, 90, today=datetime.utcnow().date())
    by_key = {c.key: c for c in dash.charts}
    names = [s.name for s in by_key["crisis-categories"].series]
    assert len(names) == stats.TOP_CATEGORIES + 1 and names[-1] == "other"
    assert sum(by_key["crisis-categories"].totals()) == 10
    weeks = [date.fromisoformat(label) for label in by_key["referrals"].labels]
    assert all(w.weekday() == 0 for w in weeks) and len(weeks) in (13, 14)


# --- charts -----------------------------------------------------------------------------------


def test_chart_text_is_escaped_and_valid_xml():
    from xml.etree import ElementTree

    evil = "a<b>&\"c'\x00\x1b"
    svg = charts.bar_chart(
        "k", f"T {evil}", f"D {evil}", [evil, "2"], [(evil, [1, 2]), ("ok", [3, 0])], f"x {evil}", f"y {evil}"
    )
    assert "<b>" not in svg and "\x00" not in svg and "\x1b" not in svg
    root = ElementTree.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.attrib["role"] == "img" and root.attrib["aria-label"].startswith("T a<b>&")
    title = root.find(f"{ns}title")
    assert title is not None and (title.text or "").startswith("T a<b>&")
    line = charts.line_chart("l", evil, evil, [evil], [(evil, [50.0])], evil, evil, percent=True)
    ElementTree.fromstring(line)
    assert "50.0%" in line


def test_scale_and_colours():
    assert charts.nice_scale(0) == (1.0, 1.0)
    assert charts.nice_scale(7) == (8, 2)
    assert charts.nice_scale(3)[0] >= 3 and charts.nice_scale(3)[1] == 1
    assert charts.nice_scale(0.4)[0] >= 0.4
    assert charts.colours(["Crisis", "sms", "Check-in"]) == ["#a40000", charts.PALETTE[0], "#b8860b"]

    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for colour in (*charts.PALETTE, *charts.COLOURS.values()):
        assert 1.05 / (luminance(colour) + 0.05) >= 3.0, colour  # against the white background


# --- audit log --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "supervisor", "trainer"])
def test_audit_log_is_for_admins_only(app: Any, role: str):
    client = sign_in(app, role)
    assert client.get("/audit").status_code == 403
    assert "Audit log</a>" not in client.get("/dashboard").get_data(as_text=True)


def test_audit_log_needs_a_sign_in(app: Any):
    response = app.test_client().get("/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_audit_log_lists_newest_first_and_audits_itself(app: Any):
    sign_in(app, "reviewer").get("/dashboard?days=7")
    client = sign_in(app, "admin")
    response = client.get("/audit")
    assert response.status_code == 200
    rows = parse(response.get_data(as_text=True)).tables["audit-table"][1:]
    assert [r[2] for r in rows] == ["login", "view_dashboard", "login"]  # newest first
    assert rows[1][1] == "reviewer" and rows[1][4] == "days: 7"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[0][0])
    last = audit_rows(app)[-1]
    assert last.action == "view_audit" and last.username == "admin"
    assert json.loads(last.detail) == {"filters": {}, "page": 1}


def test_audit_filters_by_user_action_and_dates(app: Any):
    engine = app.extensions["lantern_engine"]
    with engine.begin() as conn:
        for i, (who, action, when) in enumerate([
            ("reviewer", "view_conversation", datetime(2026, 1, 10, 8)),
            ("reviewer", "search", datetime(2026, 1, 11, 23, 59)),
            ("supervisor", "delete_conversation", datetime(2026, 1, 12, 0, 1)),
            ("supervisor", "search", datetime(2026, 1, 13)),
        ]):  # fmt: skip
            conn.execute(
                t.audit.insert().values(
                    at=when, username=who, action=action, target=f"t{i}", detail=json.dumps({"q": "<b>x</b>"})
                )
            )
    client = sign_in(app, "admin")

    def listed(query: str) -> List[List[str]]:
        page = client.get("/audit?" + query).get_data(as_text=True)
        return parse(page).tables["audit-table"][1:]

    assert [r[3] for r in listed("user=REVIEWER")] == ["t1", "t0"]
    assert [r[3] for r in listed("action=search")] == ["t3", "t1"]
    assert [r[3] for r in listed("user=supervisor&action=search")] == ["t3"]
    assert [r[3] for r in listed("from=2026-01-11&to=2026-01-12")] == ["t2", "t1"]  # both days included
    assert [r[3] for r in listed("to=2026-01-10")] == ["t0"]
    assert listed("user=nobody") == [["No entries match."]]
    page = client.get("/audit?action=search").get_data(as_text=True)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert '<option value="search" selected>' in page
    bad = client.get("/audit?from=yesterday")
    assert bad.status_code == 400 and "is not a date" in bad.get_data(as_text=True)
    views = [json.loads(r.detail) for r in audit_rows(app) if r.action == "view_audit"]
    assert {"filters": {"user": "reviewer"}, "page": 1} in views
    assert {"filters": {"action": "search", "user": "supervisor"}, "page": 1} in views
    assert {"filters": {"from": "2026-01-11", "to": "2026-01-12"}, "page": 1} in views


def test_audit_log_pages(app: Any):
    with app.extensions["lantern_engine"].begin() as conn:
        conn.execute(t.audit.insert(), [
            {"at": datetime(2025, 5, 1) + timedelta(minutes=i), "username": "x", "action": "paging", "target": str(i)}
            for i in range(120)
        ])  # fmt: skip
    client = sign_in(app, "admin")
    first = client.get("/audit?action=paging").get_data(as_text=True)
    rows = parse(first).tables["audit-table"][1:]
    assert len(rows) == 50 and rows[0][3] == "119" and rows[-1][3] == "70"
    assert 'href="/audit?page=2&amp;action=paging"' in first and 'rel="prev"' not in first
    third = client.get("/audit?action=paging&page=3").get_data(as_text=True)
    rows = parse(third).tables["audit-table"][1:]
    assert [r[3] for r in rows] == [str(i) for i in range(19, -1, -1)] and 'rel="next"' not in third
    assert client.get("/audit?page=banana").status_code == 200


def test_the_audit_table_refuses_update_and_delete(app: Any):
    sign_in(app, "admin")
    engine = app.extensions["lantern_engine"]
    before = audit_rows(app)
    assert before
    with pytest.raises(sa.exc.DatabaseError):
        with engine.begin() as conn:
            conn.execute(t.audit.update().values(username="someone_else"))
    with pytest.raises(sa.exc.DatabaseError):
        with engine.begin() as conn:
            conn.execute(t.audit.delete())
    assert audit_rows(app) == before


# --- PostgreSQL -------------------------------------------------------------------------------


def test_dashboard_queries_and_append_only_audit_on_postgresql(pg_url: str):
    engine = open_engine(pg_url)
    tag = uuid.uuid4().hex[:8]  # the database may be shared: own pseudonyms, a far-off period
    at = datetime(2031, 1, 14, 10)
    ids: List[str] = []
    try:
        with engine.begin() as conn:
            ids.append(add_conversation(conn, f"{tag}-a", "sms", at, [
                user("What  is NARCAN", talk_type="change"), bot("action_fallback"), user("ok"),
                bot("action_ask_referral_need"),
            ]))  # fmt: skip
            ids.append(add_conversation(conn, f"{tag}-b", EVIL_CHANNEL, at - timedelta(days=2), [
                user("what is narcan", intent="nlu_fallback", crisis_level="crisis", crisis_category="overdose"),
                bot("utter_crisis"),
            ]))  # fmt: skip
        with engine.connect() as conn:
            dash = stats.build(conn, 7, today=date(2031, 1, 15))
        charts_by_key = {c.key: c for c in dash.charts}
        conversations = charts_by_key["conversations"]
        assert conversations.labels[-2] == "2031-01-14" and sum(conversations.totals()) == 2
        assert {s.name: s.values[-2] for s in conversations.series} == {"sms": 1, EVIL_CHANNEL: 0}
        assert charts_by_key["crisis-levels"].totals() == [0, 1]
        assert charts_by_key["referrals"].totals() == [1, 0]
        assert charts_by_key["talk"].totals() == [1, 0]
        assert charts_by_key["not-understood"].series[0].values[-2] == 50.0  # 1 of 2 turns
        assert dash.questions == [stats.Question("what is narcan", 2, ids[0])]
        with engine.begin() as conn:
            conn.execute(t.audit.insert().values(at=at, username="pg", action="test"))
        with pytest.raises(sa.exc.DatabaseError), engine.begin() as conn:
            conn.execute(t.audit.update().where(t.audit.c.username == "pg").values(action="changed"))
        with pytest.raises(sa.exc.DatabaseError), engine.begin() as conn:
            conn.execute(t.audit.delete().where(t.audit.c.username == "pg"))
    finally:
        with engine.begin() as conn:
            conn.execute(CONVERSATIONS.delete().where(CONVERSATIONS.c.id.in_(ids)))
        engine.dispose()
