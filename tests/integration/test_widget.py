"""The web widget in real headless Chromium (Debian's package, driven by Python Playwright) against a real Lantern.

Needs `chromium` (make system-deps) and web/node_modules (make web-deps: axe-core, esbuild).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest

from tools.processes import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--headless"]
WEB = PROJECT_ROOT / "web"
BUNDLE = PROJECT_ROOT / "rasa_plugins" / "channels" / "web" / "static" / "lantern-widget.js"
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
STORE_KEY = "lantern-widget:v1"
TIMEOUT_MS = 45_000
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make system-deps` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, lantern_channels):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    yield p
    context.close()


def demo(stack, closed: bool = False) -> str:
    return f"{stack.settings.rasa_url}/webhooks/widget/demo" + ("?open=0" if closed else "")


def bot_texts(page) -> List[str]:
    return page.locator(".msg.bot p").all_inner_texts()


def wait_bot_count(page, n: int) -> List[str]:
    page.locator(".msg.bot").nth(n - 1).wait_for()
    time.sleep(0.5)  # the rest of the turn's messages
    return bot_texts(page)


def stored(page) -> dict:
    return json.loads(page.evaluate(f"sessionStorage.getItem('{STORE_KEY}') || 'null'") or "null")


def test_a_whole_conversation(page, lantern_channels):
    page.goto(demo(lantern_channels))
    first = wait_bot_count(page, 1)
    assert "automated assistant" in " ".join(first)
    # New messages are announced through a polite live region.
    live = page.locator("[aria-live='polite']")
    assert "automated assistant" in live.inner_text()

    box = page.get_by_role("textbox", name="Message")
    before = len(bot_texts(page))
    box.fill("r u a bot")
    box.press("Enter")
    page.locator(".msg.me").first.wait_for()
    replies = wait_bot_count(page, before + 1)[before:]
    assert "bot" in " ".join(replies).lower() or "not a person" in " ".join(replies).lower()

    state = stored(page)
    assert re.fullmatch(r"[0-9a-f]{64}", state["sid"])  # issued by the server: 128 random bits + a 128-bit tag
    assert [m["from"] for m in state["log"]].count("me") == 1
    assert page.evaluate("localStorage.length") == 0
    assert page.context.cookies() == []


def test_keyboard_only(page, lantern_channels):
    page.goto(demo(lantern_channels, closed=True))
    launcher = page.get_by_role("button", name=re.compile("Chat with"))
    assert launcher.get_attribute("aria-expanded") == "false"
    for _ in range(12):  # Tab from the top of the page until the launcher has focus
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement && document.activeElement.id"
        ) == "lantern-widget" and launcher.evaluate("b => b.getRootNode().activeElement === b"):
            break
    else:
        pytest.fail("the chat launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    box = page.get_by_role("textbox", name="Message")
    assert box.evaluate("b => b.getRootNode().activeElement === b")  # focus moved into the chat
    wait_bot_count(page, 1)
    page.keyboard.type("what can you do")
    page.keyboard.press("Enter")
    page.locator(".msg.me").first.wait_for()

    # Every control is reachable backwards from the text box, each with a visible focus ring.
    reached = []
    for _ in range(8):
        page.keyboard.press("Shift+Tab")
        name, outline = page.evaluate("""() => {
            const a = document.getElementById('lantern-widget').shadowRoot.activeElement;
            if (!a) return [null, null];
            return [a.getAttribute('aria-label') || a.textContent.trim(), getComputedStyle(a).outlineStyle];
        }""")
        if name is None:
            break
        reached.append(name)
        assert outline != "none", name
    assert "Conversation" in reached  # the transcript scrolls with the keyboard too
    assert any("Quick exit" in n for n in reached) and "Minimise chat" in reached
    # Minimise with the keyboard, and the launcher gets focus back.
    page.get_by_role("button", name="Minimise chat").focus()
    page.keyboard.press("Enter")
    assert launcher.evaluate("b => b.getRootNode().activeElement === b")


def _have_a_conversation(page, stack, secret: str) -> dict:
    page.goto(demo(stack))
    wait_bot_count(page, 1)
    box = page.get_by_role("textbox", name="Message")
    box.fill(f"my name is {secret}")
    box.press("Enter")
    page.locator(".msg.me").first.wait_for()
    return stored(page)


@pytest.mark.parametrize("how", ["button", "escape twice"])
def test_quick_exit_wipes_everything_and_leaves(page, lantern_channels, fake_twilio, how):
    secret = "plumtree" + uuid.uuid4().hex[:6]
    before = _have_a_conversation(page, lantern_channels, secret)
    assert secret in json.dumps(before)
    if how == "button":
        page.get_by_role("button", name=re.compile("Quick exit")).click()
    else:
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    page.wait_for_url(fake_twilio.url + "/weather")
    assert page.title() == "Weather"
    page.reload()  # reloading shows the neutral page, nothing of the chat
    assert "Weather" in page.content() and secret not in page.content()
    page.go_back()  # the chat page was replaced in history, not left behind it
    assert "/webhooks/widget/demo" not in page.url
    page.goto(demo(lantern_channels, closed=True))
    assert stored(page) is None or secret not in json.dumps(stored(page))
    page.get_by_role("button", name=re.compile("Chat with")).click()
    wait_bot_count(page, 1)
    assert secret not in page.locator("#lantern-widget").evaluate("h => h.shadowRoot.textContent")
    assert stored(page)["sid"] != before["sid"]


def test_clear_chat_starts_over(page, lantern_channels):
    secret = "quince" + uuid.uuid4().hex[:6]
    before = _have_a_conversation(page, lantern_channels, secret)
    page.get_by_role("button", name="Clear chat").click()
    assert page.locator(".msg.me").count() == 0
    after = stored(page)
    assert after["sid"] != before["sid"] and secret not in json.dumps(after)


def test_crisis_reply_has_a_call_button(page, lantern_channels):
    page.goto(demo(lantern_channels))
    wait_bot_count(page, 1)
    box = page.get_by_role("textbox", name="Message")
    box.fill("my friend is turning blue and wont wake up")
    box.press("Enter")
    call = page.get_by_role("link", name="Call 911")
    call.first.wait_for()
    time.sleep(1.0)
    assert call.count() == 1  # one button for the whole crisis reply, not one per message
    assert call.get_attribute("href") == "tel:911"
    assert call.bounding_box()["height"] >= 44  # big enough to tap
    assert "Call 911" in page.locator("[aria-live='polite']").inner_text()

    box.fill("i want to kms tonight")
    box.press("Enter")
    page.get_by_role("link", name="Call 988").wait_for()
    assert page.get_by_role("link", name="Call 988").get_attribute("href") == "tel:988"


def test_quick_replies_are_rendered_and_answer(page, lantern_channels):
    """No dialogue offers buttons yet, so the server's event is injected into the real socket."""
    sent: List[str] = []
    sockets: list = []

    def route(ws):
        server = ws.connect_to_server()
        ws.on_message(lambda m: (sent.append(m), server.send(m)))
        server.on_message(lambda m: ws.send(m))
        sockets.append(ws)

    page.route_web_socket(re.compile(r".*/socket\.io/.*"), route)
    page.goto(demo(lantern_channels))
    wait_bot_count(page, 1)
    event = [
        "bot_uttered",
        {
            "text": "Want me to share what some people try?",
            "buttons": [{"title": "Yes, please", "payload": "/affirm"}, {"title": "Not now", "payload": "/deny"}],
        },
    ]
    sockets[-1].send("42" + json.dumps(event))  # a socket.io event packet, as the server would send it
    choice = page.get_by_role("button", name="Not now")
    choice.wait_for()
    assert page.get_by_role("group", name="Reply options").count() == 1
    choice.click()
    assert page.locator(".msg.me p").last.inner_text() == "Not now"
    assert choice.is_disabled()
    time.sleep(0.5)
    assert any('"user_uttered"' in m and '"/deny"' in m for m in sent)


def test_session_ids_are_random_and_a_socket_cannot_pick_or_switch_one(lantern_channels, browser):
    ids = set()
    for _ in range(2):
        context = browser.new_context(viewport=PHONE)
        p = context.new_page()
        p.goto(demo(lantern_channels))
        wait_bot_count(p, 1)
        ids.add(stored(p)["sid"])
        context.close()
    assert len(ids) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", i) for i in ids)

    import socketio

    victim = next(iter(ids))
    client = socketio.Client(reconnection=False)
    confirmed: List[str] = []
    heard: List[dict] = []
    client.on("session_confirm", confirmed.append)
    client.on("bot_uttered", heard.append)
    client.connect(lantern_channels.settings.rasa_url, transports=["polling"], socketio_path="socket.io")
    try:
        client.emit("session_request", {"session_id": "alice"})  # a guessable id is not accepted
        deadline = time.monotonic() + 10
        while not confirmed and time.monotonic() < deadline:
            time.sleep(0.1)
        assert confirmed and confirmed[0] != "alice" and re.fullmatch(r"[0-9a-f]{64}", confirmed[0])
        client.emit("user_uttered", {"message": "hi", "session_id": victim})  # speaking in another session
        time.sleep(4)
        assert heard == []
    finally:
        client.disconnect()


def test_accessibility_scan_finds_no_serious_or_critical_violations(browser, lantern_channels):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make web-deps` (npm ci in web/)")
    axe = AXE.read_text(encoding="utf-8")
    problems = []
    for viewport in (PHONE, {"width": 1280, "height": 800}):
        context = browser.new_context(viewport=viewport, bypass_csp=True)  # to inject axe into the strict-CSP page
        context.set_default_timeout(TIMEOUT_MS)
        p = context.new_page()
        p.goto(demo(lantern_channels, closed=True))
        p.get_by_role("button", name=re.compile("Chat with")).wait_for()
        p.add_script_tag(content=axe)
        problems += _axe(p, "closed", viewport)
        p.get_by_role("button", name=re.compile("Chat with")).click()
        wait_bot_count(p, 1)
        box = p.get_by_role("textbox", name="Message")
        box.fill("my friend is turning blue and wont wake up")
        box.press("Enter")
        p.get_by_role("link", name="Call 911").wait_for()
        time.sleep(1.0)
        problems += _axe(p, "open, crisis reply", viewport)
        context.close()
    assert problems == []


def _axe(page, label: str, viewport: dict) -> List[str]:
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    assert result["passes"], "axe ran no checks"
    return [
        f"{label} @{viewport['width']}px: {v['id']} ({v['impact']}): {v['help']} -> "
        f"{[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_widget_script_is_small_served_gzipped_and_built_from_source(lantern_channels):
    size = len(gzip.compress(BUNDLE.read_bytes(), 9))
    assert size <= 100 * 1024, f"{size} bytes gzipped"
    import urllib.request

    req = urllib.request.Request(
        f"{lantern_channels.settings.rasa_url}/webhooks/widget/lantern-widget.js", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["Content-Encoding"] == "gzip"
        assert resp.headers["Content-Type"].startswith("application/javascript")
        assert gzip.decompress(resp.read()) == BUNDLE.read_bytes()
    node = shutil.which("node")
    if not node or not (WEB / "node_modules" / "esbuild").exists():
        pytest.fail("node and web/node_modules are needed: run `make web-deps`")
    check = subprocess.run([node, "build.mjs", "--check"], cwd=WEB, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr


def test_demo_page_has_a_strict_content_security_policy(lantern_channels):
    import urllib.request

    with urllib.request.urlopen(demo(lantern_channels), timeout=10) as resp:
        csp = resp.headers["Content-Security-Policy"]
        body = resp.read().decode()
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert '<script src="/webhooks/widget/lantern-widget.js"' in body


def test_phone_numbers_in_replies_can_be_tapped(page, lantern_channels):
    page.goto(demo(lantern_channels))
    wait_bot_count(page, 1)
    before = len(bot_texts(page))
    box = page.get_by_role("textbox", name="Message")
    box.fill("can i talk to a real person")
    box.press("Enter")
    replies = wait_bot_count(page, before + 1)[before:]
    assert re.search(r"\d{3}-\d{4}", " ".join(replies)), replies  # the helpline's number is in the reply
    links = page.locator(".msg.bot a.tel")
    assert links.count() >= 1
    assert re.fullmatch(r"tel:\+?\d{10,11}", links.first.get_attribute("href") or "")
    # The number is a link and still reads as the same text; the person's own messages are never linked.
    assert links.first.inner_text() in " ".join(replies)
    assert page.locator(".msg.me a").count() == 0
