"""The web chat widget: its socket.io channel and the files it is served from.

`WidgetSocketIOChannel` (socket.io at `/socket.io/`, the channel named
"socketio") replaces the plain socket.io channel for two reasons:

- Rasa's socket.io output sends a message's `custom` payload separately, as
  keyword arguments to `emit`, which raises a TypeError: a crisis reply, whose
  every message carries `custom: {crisis, emergency_number}`, would fail the
  turn. Here each bot message goes out as ONE event, text, buttons and the
  crisis marker together, so the widget can show a call button beside the text.
- Rasa lets any socket name any session id and joins it to that room, so a
  leaked id lets a second browser read a live conversation. Here (`SessionIds`,
  `SessionTable`): only the server makes session ids (128 random bits and an
  HMAC tag), an id it did not make is refused and a fresh one issued; a session
  confirmed to a live socket is never confirmed to a second one (that socket
  gets a fresh session); and replies go to the one socket confirmed for the
  session, never to a room that any socket could ask to join.

`WidgetChannel` (`/webhooks/widget/`) serves the widget script (one <script>
tag embeds it) and a demo page. Files come from rasa_plugins/channels/web/.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import hmac
import html
import logging
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Collection, Dict, Optional, Set

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer
from socketio.exceptions import TimeoutError as SocketIOTimeout

from lantern import settings as settings_mod
from lantern.identity import WIDGET_SESSION
from rasa_plugins.channels import handoff_relay
from rasa_plugins.channels.guard import check_text
from rasa_plugins.channels.turns import run_turn

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent / "web"
SCRIPT_PATH = WEB_DIR / "static" / "lantern-widget.js"
DEMO_PATH = WEB_DIR / "demo.html"
# The widget key is derived from the pseudonym key under its own label, so neither can stand in for the other.
KEY_LABEL = b"lantern/widget-session-id/v1"
# How long a session's socket has to answer "are you still there?" before another socket may resume it.
LIVENESS_TIMEOUT_S = 2.0
LIVENESS_EVENT = "session_check"


class SessionIds:
    """Widget session ids, made by the server only: 32 hex random + a 32 hex HMAC tag.

    The tag lets the server tell its own ids from ones a client made up with no
    table of issued ids, so a tab resumes its conversation after a restart too.
    The id is the conversation's Rasa sender id (stored only as a keyed hash:
    lantern/identity.py).
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_settings(cls, s: settings_mod.Settings) -> "SessionIds":
        if s.pseudonym_key:
            return cls(hmac.new(s.pseudonym_key.encode("utf-8"), KEY_LABEL, hashlib.sha256).digest())
        logger.warning("LANTERN_PSEUDONYM_KEY is empty: widget sessions will not survive a server restart")
        return cls(secrets.token_bytes(32))

    def _tag(self, random_part: str) -> str:
        return hmac.new(self._key, b"tag:" + random_part.encode("ascii"), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        random_part = secrets.token_hex(16)
        return random_part + self._tag(random_part)

    def valid(self, value: Any) -> bool:
        """True only for an id this server (with this key) issued."""
        if not isinstance(value, str) or not WIDGET_SESSION.fullmatch(value):
            return False
        return hmac.compare_digest(value[32:], self._tag(value[:32]))


class WidgetOutput(SocketIOOutput):
    """Each bot message as one `bot_uttered` event: {text, buttons, custom, ...}, to the confirmed socket only."""

    def __init__(
        self,
        sio: AsyncServer,
        bot_message_evt: str,
        route: Callable[[str], Optional[str]],
        namespace: Optional[str] = None,
    ) -> None:
        super().__init__(sio, bot_message_evt)
        self.route = route  # session id -> the socket confirmed for it, looked up at send time
        self.namespace = namespace

    async def _send_message(self, recipient_id: str, response: Any) -> None:
        # Never a room: any socket could once ask to join one. If the session's socket is gone
        # (page closed or reloading), the reply is dropped, as Rasa's own channel would.
        socket_id = self.route(recipient_id)
        if socket_id is None:
            logger.debug("widget reply for a session with no confirmed socket: not sent")
            return
        await self.sio.emit(self.bot_message_evt, response, to=socket_id, namespace=self.namespace)

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        keys = ("text", "buttons", "quick_replies", "custom", "image", "attachment")
        out = {k: message[k] for k in keys if message.get(k)}
        if "quick_replies" in out:
            out["buttons"] = out.pop("quick_replies")
        if "buttons" in out:
            out["buttons"] = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in out["buttons"]
                if isinstance(b, dict)
            ]
        if out:
            await self._send_message(recipient_id, out)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WidgetSocketIOChannel(SocketIOInput):
    """socket.io for the widget: server-issued sessions, one live socket each, one event per bot message.

    A session that is confirmed to a socket which still answers is never given
    to a second socket: that one gets a fresh session. A session whose socket
    has disconnected, or does not answer a liveness check within
    LIVENESS_TIMEOUT_S (a reloaded page whose old socket the server has not yet
    seen close, a phone whose network dropped), is resumed by the next socket
    that presents its id: that is how a reload or a reconnect in the same tab
    carries on the conversation. The server never sends past messages, so
    resuming gives no transcript; the tab keeps its own copy.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ids: Optional[SessionIds] = None
        self.confirmed: Dict[str, str] = {}  # socket id -> the session id confirmed for it
        self.owner: Dict[str, str] = {}  # session id -> the one socket confirmed for it
        self._checking: Set[str] = set()  # session ids whose socket is being asked if it is still there
        self._relay: Optional[asyncio.Task] = None  # delivers staff messages (hand-offs)

    def get_output_channel(self) -> Optional[OutputChannel]:
        """For replies Rasa sends outside a turn (external events): same routing as a turn's replies."""
        if self.sio is None:
            return super().get_output_channel()
        return WidgetOutput(self.sio, self.bot_message_evt, self.owner.get, self.namespace)

    # -- hand-offs: staff messages to the sessions this replica holds ------------------------------
    async def _relay_staff_messages(self, app: Any) -> None:
        """Deliver queued staff messages (docs/handoffs.md) to sessions whose socket is connected here.

        A message for a session with no socket here waits: another replica may hold it, or the page
        is closed and the next socket that resumes the session gets it.
        """
        from rasa_plugins.channels.checkin_sender import worker_id

        handoffs = await handoff_relay.service()
        while handoffs is None:
            await asyncio.sleep(handoff_relay.RETRY_OPEN_S)
            handoffs = await handoff_relay.service()
        service = handoffs
        sessions: Dict[str, str] = {}  # stored id -> session id, of the sessions held at the start of a pass

        def reachable() -> Collection[str]:
            sessions.clear()
            sessions.update({service.conversation(session): session for session in list(self.owner)})
            return sessions.keys()

        async def send(row: Dict[str, Any]) -> Optional[str]:
            session_id = sessions.get(row["conversation"])
            socket_id = self.owner.get(session_id) if session_id else None
            if self.sio is None or session_id is None or socket_id is None:
                return handoff_relay.LATER  # the page went away since the look: the next socket gets it
            payload = {"text": row["text"], "custom": {"handoff": row["kind"]}}
            await self.sio.emit(self.bot_message_evt, payload, to=socket_id, namespace=self.namespace)
            metadata = {"staff": row["kind"] == "staff", "handoff": row["kind"]}
            await handoff_relay.record_message(app, session_id, row["text"], metadata, {})
            return None

        await service.run_forever(self.name(), worker_id(), send, reachable)

    # -- who holds which session ---------------------------------------------------------------
    def _confirm(self, sid: str, session_id: str) -> None:
        self._release(sid)
        self.confirmed[sid] = session_id
        self.owner[session_id] = sid

    def _release(self, sid: str) -> None:
        session_id = self.confirmed.pop(sid, None)
        if session_id and self.owner.get(session_id) == sid:
            del self.owner[session_id]

    async def _free_for(self, session_id: str, sid: str) -> bool:
        """May socket `sid` be confirmed into `session_id`? Only if no live socket holds it."""
        assert self.sio is not None
        if session_id in self._checking:
            return False  # another socket is claiming it right now
        holder = self.owner.get(session_id)
        if holder is None or holder == sid:
            return True
        self._checking.add(session_id)
        try:
            if self.sio.manager.is_connected(holder, self.namespace or "/"):
                try:
                    await self.sio.call(LIVENESS_EVENT, to=holder, namespace=self.namespace, timeout=LIVENESS_TIMEOUT_S)
                    return False  # it answered: a live page has this conversation
                except SocketIOTimeout:
                    pass
                except Exception as exc:  # fail closed: the asker gets a fresh session
                    logger.warning("widget liveness check failed (%s): session left where it was", type(exc).__name__)
                    return False
            # Silent or gone: drop it, so it cannot keep receiving this conversation's replies.
            if self.owner.get(session_id) == holder:
                self._release(holder)
                await self.sio.disconnect(holder, namespace=self.namespace)
            return self.owner.get(session_id) in (None, sid)
        finally:
            self._checking.discard(session_id)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        bp = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        ids = self.ids = SessionIds.from_settings(settings_mod.load())
        namespace = self.namespace

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.listener("after_server_start")
        async def start_relay(app: Any, _: Any) -> None:
            self._relay = asyncio.create_task(self._relay_staff_messages(app))

        @bp.listener("before_server_stop")
        async def stop_relay(app: Any, _: Any) -> None:
            if self._relay is not None:
                self._relay.cancel()

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: Dict, auth: Optional[Dict] = None) -> bool:
            return True

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: str, reason: Any = None) -> None:
            self._release(sid)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Optional[Dict] = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id: Optional[str] = None
            if ids.valid(requested):
                assert isinstance(requested, str)
                if await self._free_for(requested, sid):
                    session_id = requested
                else:
                    logger.info("widget session is open on another live socket: a fresh session was issued")
            elif requested:
                logger.info("widget session id was not issued by this server: a fresh session was issued")
            if not sio.manager.is_connected(sid, namespace or "/"):
                return  # the asker left while its request was being checked
            if session_id is None:
                session_id = ids.issue()
            self._confirm(sid, session_id)
            await sio.emit("session_confirm", session_id, to=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any) -> None:
            session_id = self.confirmed.get(sid)
            if not session_id or not isinstance(data, dict):
                logger.warning("socketio message before session_request: ignored")
                return
            if data.get("session_id") not in (None, session_id) or self.owner.get(session_id) != sid:
                logger.warning("socketio message for a session this socket was not confirmed for: ignored")
                return
            text, error = check_text(data.get("message"))
            if error or text is None:
                await sio.emit("lantern_error", {"error": error}, to=sid, namespace=namespace)
                return
            output = WidgetOutput(sio, self.bot_message_evt, self.owner.get, namespace)
            # The turn's messages are collected and sent when it ends (rasa_plugins/channels/turns.py): a crisis
            # reply within its deadline whatever fails, never nothing, "not saved" when it was not.
            outcome = await run_turn(on_new_message, text, session_id, self.name())
            for msg in outcome.messages:
                await output.send_response(session_id, dict(msg))

        return bp


class WidgetChannel(InputChannel):
    """Serves the widget script and the demo page; not a chat channel itself."""

    @classmethod
    def name(cls) -> str:
        return "widget"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("lantern_widget", __name__)
        s = settings_mod.load()
        script = SCRIPT_PATH.read_bytes() if SCRIPT_PATH.exists() else b""
        if not script:
            logger.error("widget script %s is missing: run `make widget`", SCRIPT_PATH)
        script_gz = gzip.compress(script, compresslevel=9, mtime=0)
        etag = '"' + hashlib.sha256(script).hexdigest()[:20] + '"'
        demos = {True: render_demo(s, open_on_load=True), False: render_demo(s, open_on_load=False)}

        @bp.route("/lantern-widget.js", methods=["GET"])
        async def widget_script(request: Request) -> HTTPResponse:
            headers = {
                "Cache-Control": "public, max-age=300",
                "ETag": etag,
                "X-Content-Type-Options": "nosniff",
                "Vary": "Accept-Encoding",
                "Cross-Origin-Resource-Policy": "cross-origin",
            }
            if request.headers.get("If-None-Match") == etag:
                return response.empty(status=304, headers=headers)
            body = script
            if "gzip" in request.headers.get("Accept-Encoding", ""):
                body, headers["Content-Encoding"] = script_gz, "gzip"
            return response.raw(body, headers=headers, content_type="application/javascript; charset=utf-8")

        @bp.route("/demo", methods=["GET"])
        async def demo_page(request: Request) -> HTTPResponse:
            """The demo page; `?open=0` shows the chat closed, as a site would."""
            return response.html(demos[request.args.get("open") != "0"], headers=PAGE_HEADERS)

        return bp


# The demo page: strict CSP (the widget needs no inline script and no inline style: its CSS
# is a constructed stylesheet in its shadow root), no referrer, not indexed.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; connect-src 'self' ws: wss:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def render_demo(s: settings_mod.Settings, open_on_load: bool = True) -> str:
    """The demo page with the org name, the Quick exit destination and data-open filled in."""
    template = DEMO_PATH.read_text(encoding="utf-8") if DEMO_PATH.exists() else "<!doctype html><title>Lantern</title>"
    return (
        template.replace("{{ORG_NAME}}", html.escape(s.org_name))
        .replace("{{EXIT_URL}}", html.escape(s.widget_exit_url, quote=True))
        .replace("{{OPEN}}", "true" if open_on_load else "false")
    )


def widget_urls(s: settings_mod.Settings) -> Dict[str, str]:
    """Where `make run` says the widget is."""
    base = s.public_url or s.rasa_url
    return {"demo": f"{s.rasa_url}/webhooks/widget/demo", "script": f"{base}/webhooks/widget/lantern-widget.js"}
