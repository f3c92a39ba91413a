"""Widget session ids against a real Lantern, in real headless Chromium and with a raw socket.io client.

The id a browser keeps must not let anyone else into the conversation: only the
server makes ids, a session held by a live page is never handed to a second one,
and replies go only to the socket the session is confirmed to. A reload in the
same tab still carries on its conversation.
"""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from typing import Callable, Iterator, List, Optional

import pytest

from tests.integration.test_widget import PHONE, STORE_KEY, TIMEOUT_MS, bot_texts, browser, demo, stored, wait_bot_count  # noqa: F401 - browser is a fixture

ISSUED = re.compile(r"[0-9a-f]{64}")


def wait_until(check: Callable[[], object], seconds: float = 15.0, page=None) -> object:
    """Poll `check`; with a page, wait through Playwright so its events (websocket frames) are delivered."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if page is not None:
            page.wait_for_timeout(100)
        else:
            time.sleep(0.1)
    pytest.fail(f"timed out after {seconds} s")


class Frames:
    """Every socket.io frame a page receives and sends (all its websockets)."""

    def __init__(self, page) -> None:
        self.received: List[str] = []
        self.sent: List[str] = []
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framereceived", lambda payload: self.received.append(str(payload)))
        ws.on("framesent", lambda payload: self.sent.append(str(payload)))

    def events(self, name: str, sent: bool = False) -> List[object]:
        """The data of each `name` event, in order (socket.io event packets: 42[ack id][name, data])."""
        out = []
        for frame in self.sent if sent else self.received:
            match = re.match(r"42\d*(\[.*)", frame, re.S)
            if match:
                event = json.loads(match.group(1))
                if event[0] == name:
                    out.append(event[1] if len(event) > 1 else None)
        return out


def preload(context, state: dict) -> None:
    """Put a widget state in the tab's sessionStorage before the widget starts, as a leaked id would be."""
    context.add_init_script(
        f"try {{ if (location.protocol.startsWith('http')) "
        f"sessionStorage.setItem({json.dumps(STORE_KEY)}, {json.dumps(json.dumps(state))}); }} catch (e) {{}}"
    )


@pytest.fixture
def phone(browser, lantern_channels) -> Iterator[Callable[..., object]]:  # noqa: F811
    """New phone-sized browser contexts (each its own browser profile), closed after the test."""
    contexts = []

    def new(state: Optional[dict] = None):
        context = browser.new_context(viewport=PHONE, has_touch=True)
        context.set_default_timeout(TIMEOUT_MS)
        if state is not None:
            preload(context, state)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


class RawClient:
    """A socket.io client that is not the widget: asks for whatever session it likes."""

    def __init__(self, url: str, answer_checks: bool = True) -> None:
        import socketio

        class Frozen(socketio.Client):
            """Connected, but answers nothing, like a page frozen in the background or cut off mid-network."""

            def _handle_event(self, namespace, id, data):  # python-socketio acks every event by itself
                if data and data[0] == "session_check":
                    return
                super()._handle_event(namespace, id, data)

        self.client = (socketio.Client if answer_checks else Frozen)(reconnection=False)
        self.confirmed: List[str] = []
        self.heard: List[dict] = []
        self.client.on("session_confirm", self.confirmed.append)
        self.client.on("bot_uttered", self.heard.append)
        self.client.on("session_check", lambda *args: True)  # as the widget answers "are you still there?"
        self.client.connect(url, transports=["polling"], socketio_path="socket.io")

    def request(self, session_id: Optional[str]) -> str:
        before = len(self.confirmed)
        self.client.emit("session_request", {"session_id": session_id})
        wait_until(lambda: len(self.confirmed) > before)
        return self.confirmed[-1]

    def close(self) -> None:
        self.client.disconnect()


def converse(page, text: str) -> List[str]:
    """Send `text` from the widget and wait for its reply; the bot messages that came back."""
    before = len(bot_texts(page))
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")
    return wait_bot_count(page, before + 1)[before:]


def start_conversation(page, stack, secret: str) -> str:
    page.goto(demo(stack))
    wait_bot_count(page, 1)
    converse(page, f"my name is {secret}")
    sid = stored(page)["sid"]
    assert ISSUED.fullmatch(sid)
    return sid


def shadow_text(page) -> str:
    return page.locator("#lantern-widget").evaluate("h => h.shadowRoot.textContent")


def test_a_second_browser_with_a_live_pages_session_id_gets_none_of_its_conversation(phone, lantern_channels):
    first = phone()
    secret = "damson" + uuid.uuid4().hex[:6]
    sid = start_conversation(first, lantern_channels, secret)

    # A second browser holding the leaked id (as if copied from the first's storage).
    second = phone({"sid": sid, "log": [], "greeted": True, "open": True})
    frames = Frames(second)
    second.goto(demo(lantern_channels))
    wait_until(lambda: frames.events("session_confirm"), page=second)
    assert frames.events("session_request", sent=True)[0] == {"session_id": sid}  # it did ask for it
    assert frames.events("session_confirm") != [sid]  # and was given a fresh session instead
    wait_bot_count(second, 1)  # its own greeting, in its own session
    assert stored(second)["sid"] != sid and ISSUED.fullmatch(stored(second)["sid"])
    assert "new one started" in second.locator(".status").inner_text()
    heard_before = len(frames.events("bot_uttered"))

    # A raw socket asking for the same id gets a fresh one too, and cannot speak in it.
    raw = RawClient(lantern_channels.settings.rasa_url)
    try:
        assert raw.request(sid) != sid
        raw.client.emit("user_uttered", {"message": "what did they say", "session_id": sid})

        # The first page carries on: its replies reach it, and only it.
        replies = converse(first, "what can you do")
        assert replies and stored(first)["sid"] == sid
        second.wait_for_timeout(2000)
        assert len(frames.events("bot_uttered")) == heard_before  # nothing of the first's turn reached the second
        assert raw.heard == []
        assert not any(r in json.dumps(frames.events("bot_uttered")) for r in replies)
        assert secret not in shadow_text(second) and secret not in json.dumps(stored(second))
        assert "what did they say" not in shadow_text(first)  # the raw socket's message went nowhere
    finally:
        raw.close()


def test_an_id_the_server_did_not_issue_is_refused(phone, lantern_channels):
    raw = RawClient(lantern_channels.settings.rasa_url)
    try:
        issued = raw.request(None)
        assert ISSUED.fullmatch(issued)
        made_up = [
            secrets.token_hex(16),  # the old shape: 128 random bits made by the browser
            secrets.token_hex(32),  # the new shape, with a tag the client guessed
            issued[:32] + secrets.token_hex(16),  # a real random part, a forged tag
            issued[:-1] + ("0" if issued[-1] != "0" else "1"),  # one character of the tag changed
            issued.upper(),
            "alice",
        ]
        for other in made_up:
            got = raw.request(other)
            assert got != other and ISSUED.fullmatch(got), other
        assert raw.request(issued) == issued  # its own id, which it holds, it keeps
    finally:
        raw.close()

    # The widget in a browser with a made-up id and a made-up history: the server issues its own
    # session and the widget starts over with it.
    made_up = secrets.token_hex(16)
    page = phone({"sid": made_up, "log": [{"from": "bot", "text": "planted text"}], "greeted": True, "open": True})
    page.goto(demo(lantern_channels))
    wait_bot_count(page, 1)
    assert "planted text" not in shadow_text(page)
    sid = stored(page)["sid"]
    assert sid != made_up and ISSUED.fullmatch(sid)


def test_a_reload_in_the_same_tab_resumes_the_conversation(phone, lantern_channels):
    page = phone()
    frames = Frames(page)
    secret = "medlar" + uuid.uuid4().hex[:6]
    sid = start_conversation(page, lantern_channels, secret)
    shown = bot_texts(page)
    greets = len([e for e in frames.events("user_uttered", sent=True) if e["message"] == "/greet"])
    assert greets == 1

    page.reload()
    wait_until(lambda: len(frames.events("session_confirm")) >= 2, page=page)
    assert frames.events("session_confirm")[-1] == sid  # the same session, confirmed again
    assert stored(page)["sid"] == sid
    assert bot_texts(page)[: len(shown)] == shown and secret in shadow_text(page)  # the tab's copy is shown
    replies = converse(page, "what can you do")
    assert replies
    sent = frames.events("user_uttered", sent=True)
    assert sent[-1] == {"message": "what can you do", "session_id": sid}
    assert len([e for e in sent if e["message"] == "/greet"]) == 1  # not greeted again: the bot carried on
    assert page.locator(".status").text_content() == ""


def test_a_session_whose_socket_is_gone_or_silent_can_be_resumed(phone, lantern_channels):
    """The documented choice: only a live page keeps a session to itself (so a reload resumes)."""
    url = lantern_channels.settings.rasa_url
    holder = RawClient(url, answer_checks=True)
    other = RawClient(url)
    try:
        sid = holder.request(None)
        assert other.request(sid) != sid  # live: answers the server's check, keeps its session
        holder.close()
        time.sleep(0.5)
        assert other.request(sid) == sid  # its page is gone: the id resumes the conversation
    finally:
        other.close()

    silent = RawClient(url, answer_checks=False)
    try:
        sid = silent.request(None)
        page = phone({"sid": sid, "log": [], "greeted": False, "open": True})
        page.goto(demo(lantern_channels))
        wait_bot_count(page, 1)
        assert stored(page)["sid"] == sid  # resumed after the check went unanswered
        wait_until(lambda: not silent.client.connected)  # and the silent socket was let go
        assert silent.heard == []
    finally:
        silent.close()
