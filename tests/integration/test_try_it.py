"""The console's "Try it" page against the real bot: the real Rasa and action servers (the session's `lantern` stack)
and the console made by create_app with that stack's settings, through Flask's test client and, served by waitress,
in real headless Chromium (Playwright, Debian's chromium: make system-deps).

Issue 20 item 2: each bot message shows why it was said, read from the bot's own tracker; the conversation belongs
to the staff session that started it; it is stored (and recognisable) but left out of the staff lists; and the time
from pressing Send to the inspector shown, over 20 messages (printed; bounded generously).
"""

from __future__ import annotations

import dataclasses
import re
import socket
import statistics
import threading
import time
from typing import Any, Dict, Iterator, List

import pytest
import sqlalchemy as sa

from lantern.db import staff_tables as st
from lantern.identity import rest_conversation_id, stored_id
from lantern.records.transcripts.models import Conversation
from staff import auth
from staff.app import create_app
from staff.bot_client import BotClient
from staff.views import try_it
from tools import staff_demo
from tools.processes import PROJECT_ROOT, Stack

PASSWORD = "a trainer's long password"
JSON = {"Accept": "application/json"}
AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SEND_TO_INSPECTOR_BOUND_S = 10.0
# Twenty messages a person might send in one conversation (no crisis: that would hold the crisis script on).
MESSAGES = [
    "hey",
    "i've been thinking about my drinking",
    "i want to cut down but it's hard",
    "my kids are the reason honestly",
    "how long does dope sickness last",
    "yeah that makes sense",
    "i'm not sure i can do it",
    "what is narcan",
    "where can i get it",
    "ok",
    "i used less this week",
    "it felt good to wake up clear",
    "but my friends all use",
    "i don't want to lose them",
    "what is methadone like",
    "maybe",
    "thanks",
    "can fentanyl be in pills",
    "good to know",
    "bye",
]


@pytest.fixture(scope="module")
def app(lantern: Stack) -> Any:
    """The console over the stack's database, talking to the stack's bot, with two trainers and a supervisor."""
    s = dataclasses.replace(lantern.settings, staff_key="try-it-integration-" + "k" * 20)
    application = create_app(s)
    application.config["TESTING"] = True
    engine = application.extensions["lantern_engine"]
    with application.app_context(), engine.begin() as conn:
        for name, role in (("tina", "trainer"), ("theo", "trainer"), ("sam", "supervisor")):
            auth.create_user(conn, name, PASSWORD, role)
    return application


def signed_in(app: Any, username: str) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert (
        client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token}).status_code == 302
    )
    account = client.get("/account").get_data(as_text=True)
    client.token = re.search(r'name="csrf_token" value="([^"]+)"', account).group(1)  # type: ignore[union-attr]
    return client


def say(client: Any, text: str) -> Dict[str, Any]:
    response = client.post("/try/send", data={"csrf_token": client.token, "message": text}, headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer: Dict[str, Any] = response.get_json()
    return answer


def sender_of(client: Any) -> str:
    with client.session_transaction() as flask_session:
        return str(flask_session[try_it.SESSION_KEY]["sender"])


def user_events(lantern: Stack, sender: str) -> List[Dict[str, Any]]:
    """The tracker's user events, read straight from the bot's HTTP API."""
    tracker = BotClient.from_settings(lantern.settings).tracker(sender)
    return [e for e in tracker["events"] if e.get("event") == "user"]


def test_each_bot_message_says_why_it_was_said(app: Any, lantern: Stack) -> None:
    tina = signed_in(app, "tina")
    tina.post("/try/new", data={"csrf_token": tina.token})
    sender = sender_of(tina)

    greeting = say(tina, "hi")
    question = say(tina, "how long does dope sickness last")
    events = user_events(lantern, sender)
    assert [e["text"] for e in events] == ["hi", "how long does dope sickness last"]
    for answer, event in zip((greeting, question), events, strict=True):
        parsed = event["parse_data"]
        user = answer["turn"]["user"]
        # the inspector shows what the bot's own tracker says, not a guess
        assert user["intent"] == [parsed["intent"]["name"], parsed["intent"]["confidence"]]
        assert [n[0] for n in user["next_intents"]] == [
            r["name"] for r in parsed["intent_ranking"] if r["name"] != parsed["intent"]["name"]
        ][:2]
        assert user["talk_type"][0] == parsed["talk_type"]["name"]
        assert user["crisis_level"] == parsed["crisis"]["level"] == "none"
        assert user["signal_risk"] == parsed["crisis_signal"]["risk"]
        assert answer["turn"]["bot"], "the bot said nothing"
        for line in answer["turn"]["bot"]:
            assert line["action"] and line["policy"] and line["chosen_by"] and line["mi"]
            assert line["source_kind"] in ("phrase", "knowledge", "response", None)  # None: text made in the action
        html = answer["html"]
        for label in ("Intent", "Chosen by", "Action", "Wording", "MI code"):
            assert html.count(f"<dt>{label}</dt>") == len(answer["turn"]["bot"])
        for label in ("Talk type", "Crisis level", "Message reading"):  # once a turn, under the first reply
            assert html.count(f"<dt>{label}</dt>") == 1
    # a question the knowledge base answers names its entry; the bot's reading found the same one
    entry = events[1]["parse_data"]["knowledge"]["id"]
    assert {"knowledge"} <= {line["source_kind"] for line in question["turn"]["bot"]}
    assert entry in {line["source"] for line in question["turn"]["bot"] if line["source_kind"] == "knowledge"}
    assert f"knowledge entry {entry}" in question["html"]

    crisis = say(tina, "my friend took too many pills and he cant breathe")
    assert crisis["turn"]["user"]["crisis_level"] == "crisis"
    assert {line["policy"] for line in crisis["turn"]["bot"]} == {"CrisisPolicy"}
    assert "the crisis script" in crisis["html"] and 'class="crisis"' in crisis["html"]

    # the page without JavaScript shows the same turns, in order, from the tracker
    page = tina.get("/try").get_data(as_text=True)
    assert page.index("dope sickness") < page.index("took too many pills")
    assert len(re.findall(r'<li class="try-turn" id="turn-\d+">', page)) == 3


def test_the_conversation_is_stored_recognisably_and_left_out_of_the_lists(app: Any, lantern: Stack) -> None:
    tina = signed_in(app, "tina")
    tina.post("/try/new", data={"csrf_token": tina.token})
    say(tina, "hello, just testing you")
    sender = sender_of(tina)
    pseudonym = stored_id(rest_conversation_id(sender), lantern.settings.pseudonym_key)
    engine = app.extensions["lantern_engine"]
    c = Conversation.__table__.c
    with engine.connect() as conn:
        started = (
            conn.execute(
                sa.select(st.audit.c.target).where(st.audit.c.action == "try_start", st.audit.c.username == "tina")
            )
            .scalars()
            .all()
        )
        stored = conn.execute(sa.select(c.id).where(c.sender_pseudonym == pseudonym)).scalars().all()
    assert pseudonym in started
    assert len(stored) == 1  # the bot stored it, under the id the audit entry names
    sam = signed_in(app, "sam")
    assert f"/conversations/{stored[0]}" not in sam.get("/conversations").get_data(as_text=True)
    assert f"/conversations/{stored[0]}" in sam.get("/conversations?tries=include").get_data(as_text=True)


def test_nobody_else_can_read_or_post_into_it(app: Any, lantern: Stack) -> None:
    tina = signed_in(app, "tina")
    tina.post("/try/new", data={"csrf_token": tina.token})
    say(tina, "only tina writes this")
    with tina.session_transaction() as flask_session:
        copied = dict(flask_session)

    theo = signed_in(app, "theo")
    with theo.session_transaction() as flask_session:
        flask_session.update(copied)  # Tina's try-it cookie in Theo's browser
    assert "only tina writes this" not in theo.get("/try").get_data(as_text=True)
    theo_answer = say(theo, "theo here")
    assert "only tina writes this" not in theo_answer["html"]
    assert sender_of(theo) != copied[try_it.SESSION_KEY]["sender"]
    assert [e["text"] for e in user_events(lantern, copied[try_it.SESSION_KEY]["sender"])] == ["only tina writes this"]
    assert [e["text"] for e in user_events(lantern, sender_of(theo))] == ["theo here"]


# --- in the browser ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def console_url(app: Any) -> Iterator[str]:
    """The same console served by waitress (as `python -m staff serve` does) in a thread of this process."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=free_port(), threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


def browser_page(browser: Any, console_url: str, username: str, **options: Any) -> Any:
    context = browser.new_context(viewport=staff_demo.SCREEN, **options)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(console_url + "/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/conversations"))
    page.goto(console_url + "/try")
    return page


def test_send_to_inspector_in_chromium(browser: Any, console_url: str) -> None:
    page = browser_page(browser, console_url, "tina")
    errors: List[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.get_by_role("button", name="New conversation").click()
    page.wait_for_load_state("load")
    box = page.get_by_label("Your message")
    seconds: List[float] = []
    server_ms: List[int] = []  # of which the console waited for the bot (send + tracker)
    page.on("response", lambda r: server_ms.append(r.json()["bot_ms"]) if r.url.endswith("/try/send") else None)
    for number, text in enumerate(MESSAGES, 1):
        box.fill(text)
        started = time.perf_counter()
        page.get_by_role("button", name="Send").click()
        page.locator(f"#turn-{number} dl.inspector").first.wait_for(state="visible")
        seconds.append(time.perf_counter() - started)
        assert page.locator(f"#turn-{number} .try-user .try-text").inner_text() == text
    assert page.url.endswith("/try")  # no page load: try_it.js added each turn
    assert box.input_value() == ""
    assert page.locator("#try-turns > li").count() == len(MESSAGES)
    assert page.get_by_role("status").inner_text().startswith("The bot answered")
    assert errors == []
    median, worst = statistics.median(seconds), max(seconds)
    print(f"\ntry it, send to inspector shown in Chromium over {len(seconds)} messages: "
          f"median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms; of which the bot (send and tracker): "
          f"median {statistics.median(server_ms):.0f} ms, max {max(server_ms)} ms")  # fmt: skip
    assert worst < SEND_TO_INSPECTOR_BOUND_S

    # the details open with the keyboard-reachable summary
    page.locator("#turn-1 details.inspector-more summary").first.click()
    assert page.locator("#turn-1 details.inspector-more").first.get_attribute("open") is not None


def test_without_javascript_the_form_still_works(browser: Any, console_url: str) -> None:
    page = browser_page(browser, console_url, "theo", java_script_enabled=False)
    page.get_by_role("button", name="New conversation").click()
    page.get_by_label("Your message").fill("hello from a browser without scripts")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state("load")
    assert page.locator("#turn-1 .try-user .try-text").inner_text() == "hello from a browser without scripts"
    assert page.locator("#turn-1 dl.inspector").first.is_visible()


def test_the_page_has_no_serious_accessibility_problem(browser: Any, console_url: str) -> None:
    page = browser_page(browser, console_url, "tina", bypass_csp=True)  # to inject axe-core
    page.get_by_label("Your message").fill("what is narcan")
    page.get_by_role("button", name="Send").click()
    page.locator("#try-turns > li dl.inspector").first.wait_for(state="visible")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    assert result["passes"], "axe ran no checks"
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert problems == []
