"""The web chat widget: its socket.io channel and the files it is served from.

`WidgetSocketIOChannel` (socket.io at `/socket.io/`, the channel named
"socketio") replaces the plain socket.io channel for two reasons:

- Rasa's socket.io output sends a message's `custom` payload separately, as
  keyword arguments to `emit`, which raises a TypeError: a crisis reply, whose
  every message carries `custom: {crisis, emergency_number}`, would fail the
  turn. Here each bot message goes out as ONE event, text, buttons and the
  crisis marker together, so the widget can show a call button beside the text.
- Rasa lets any socket name any session id and joins it to that room. Here a
  session id must look like 128 random bits (32 hex characters, made with
  `crypto.getRandomValues` by the widget), otherwise the server issues one;
  and a socket may only speak in the session it was confirmed for.

`WidgetChannel` (`/webhooks/widget/`) serves the widget script (one <script>
tag embeds it) and a demo page. Files come from bot/web/.
"""
from __future__ import annotations

import gzip
import hashlib
import html
import logging
import re
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot import settings as settings_mod
from bot.channels.guard import check_text, failure_messages
from bot.channels.socketio import SocketIOChannel

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
SCRIPT_PATH = WEB_DIR / "static" / "lantern-widget.js"
DEMO_PATH = WEB_DIR / "demo.html"
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


def valid_session_id(value: Any) -> bool:
    """32 lower-case hex characters: the shape of 128 random bits, nothing a person would pick."""
    return isinstance(value, str) and bool(SESSION_ID.match(value))


class WidgetOutput(SocketIOOutput):
    """Each bot message as one `bot_uttered` event: {text, buttons, custom, ...}."""

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        keys = ("text", "buttons", "quick_replies", "custom", "image", "attachment")
        out = {k: message[k] for k in keys if message.get(k)}
        if "quick_replies" in out:
            out["buttons"] = out.pop("quick_replies")
        if "buttons" in out:
            out["buttons"] = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                              for b in out["buttons"] if isinstance(b, dict)]
        if out:
            await self._send_message(recipient_id, out)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WidgetSocketIOChannel(SocketIOChannel):
    """socket.io for the widget: unguessable sessions, one event per bot message."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        bp = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        sessions: Dict[str, str] = {}  # socket id -> the session id confirmed for it

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: Dict, auth: Optional[Dict] = None) -> bool:
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            sessions.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Dict] = None) -> None:
            requested = (data or {}).get("session_id") if isinstance(data, dict) else None
            session_id = requested if valid_session_id(requested) else secrets.token_hex(16)
            old = sessions.get(sid)
            if old and old != session_id:
                await sio.leave_room(sid, old, namespace=self.namespace)
            sessions[sid] = session_id
            await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            session_id = sessions.get(sid)
            if not session_id or not isinstance(data, dict):
                logger.warning("socketio message before session_request: ignored")
                return
            if data.get("session_id") not in (None, session_id):
                logger.warning("socketio message for a session this socket was not confirmed for: ignored")
                return
            text, error = check_text(data.get("message"))
            if error:
                await sio.emit("lantern_error", {"error": error}, room=sid, namespace=self.namespace)
                return
            output = WidgetOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(UserMessage(text, output, session_id, input_channel=self.name()))
            except Exception as exc:  # noqa: BLE001 - tell the person, never drop silently
                logger.error("socketio turn failed: %s", type(exc).__name__)
                for msg in failure_messages(text):
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
            headers = {"Cache-Control": "public, max-age=300", "ETag": etag, "X-Content-Type-Options": "nosniff",
                       "Vary": "Accept-Encoding", "Cross-Origin-Resource-Policy": "cross-origin"}
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
    return (template.replace("{{ORG_NAME}}", html.escape(s.org_name))
            .replace("{{EXIT_URL}}", html.escape(s.widget_exit_url, quote=True))
            .replace("{{OPEN}}", "true" if open_on_load else "false"))


def widget_urls(s: settings_mod.Settings) -> Dict[str, str]:
    """Where `make run` says the widget is."""
    base = s.public_url or s.rasa_url
    return {"demo": f"{s.rasa_url}/webhooks/widget/demo", "script": f"{base}/webhooks/widget/lantern-widget.js"}
