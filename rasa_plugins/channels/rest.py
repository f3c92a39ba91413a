"""REST channel (`POST /webhooks/rest/webhook`) for trusted integrations, that never hides a failed turn.

Rasa's `RestInput` needs no authentication, answers 200 with whatever was
collected when the turn raises, and logs the raw user text while doing so.
This channel needs a Bearer token, keeps its senders in their own namespace,
validates the request (size and nesting before parsing), answers with a clear
4xx for bad input, answers 503 with `saved` when the turn failed or missed its
deadline (rasa_plugins/channels/turns.py), and logs only the error type.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from lantern.identity import rest_conversation_id
from rasa_plugins.channels.guard import check_sender_id, check_text
from rasa_plugins.channels.turns import run_turn

logger = logging.getLogger(__name__)


MAX_BODY_BYTES = 64 * 1024  # a 4,000-character message with metadata fits many times over
MAX_JSON_DEPTH = 16  # {"sender", "message", "metadata": {...}}: anything deeper is not a chat message


def json_depth(text: str) -> int:
    """How deeply brackets nest in a JSON text, counted without parsing it (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_body(body: bytes) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """Decode a JSON request body; return (payload, None) or (None, error).

    The nesting depth is checked before parsing: 100,000 nested brackets would
    otherwise exhaust Python's recursion limit inside `json.loads`."""
    if not body:
        return None, 'empty body: send JSON like {"sender": "...", "message": "..."}'
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, "body is not valid UTF-8"
    if json_depth(text) > MAX_JSON_DEPTH:
        return None, f"body nests too deeply (max {MAX_JSON_DEPTH} levels)"
    try:
        payload = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None, "body is not valid JSON"
    if not isinstance(payload, dict):
        return None, "body must be a JSON object"
    return payload, None


class RestChannel(InputChannel):
    """Synchronous REST channel for trusted integrations: one request, the bot's replies in the response.

    Every request needs `Authorization: Bearer <LANTERN_REST_TOKEN>`; the
    channel is off with `LANTERN_REST_CHANNEL=off`. Senders live in their own
    namespace (`rest:<sender>`, lantern/identity.py): a phone number or another
    channel's id given as `sender` never reaches that person's conversation.
    """

    def __init__(self) -> None:
        from lantern import settings as settings_mod

        s = settings_mod.load()
        self.enabled = s.rest_channel
        self.token = s.rest_token
        if self.enabled and not self.token:
            logger.warning("REST channel has no LANTERN_REST_TOKEN: every request is refused (401)")

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "RestChannel":
        return cls()

    def authorized(self, request: Request) -> bool:
        """A constant-time check of the Bearer token (never a URL token: those end up in proxy logs)."""
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        return (
            bool(self.token)
            and scheme.lower() == "bearer"
            and hmac.compare_digest(given.strip().encode("utf-8", "replace"), self.token.encode("utf-8"))
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("lantern_rest", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"error": "the REST channel is off (LANTERN_REST_CHANNEL)"}, status=404)
            if not self.authorized(request):
                return response.json(
                    {"error": "missing or wrong token: send Authorization: Bearer <token>"},
                    status=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": f"body too large (max {MAX_BODY_BYTES} bytes)"}, status=413)
            payload, error = parse_body(request.body)
            if error or payload is None:
                return response.json({"error": error}, status=400)
            sender, error = check_sender_id(payload.get("sender"))
            if error or sender is None:
                return response.json({"error": error}, status=400)
            text, error = check_text(payload.get("message"))
            if error or text is None:
                status = 413 if "too long" in (error or "") else 400
                return response.json({"error": error}, status=status)
            metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else None

            outcome = await run_turn(on_new_message, text, rest_conversation_id(sender), self.name(), metadata=metadata)
            if outcome.status != "ok":
                return response.json(
                    {"error": "turn_failed", "saved": outcome.saved, "messages": outcome.messages}, status=503
                )
            return response.json(outcome.messages)

        return bp
