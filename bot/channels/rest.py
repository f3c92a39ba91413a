"""REST channel (`POST /webhooks/rest/webhook`) that never hides a failed turn.

Rasa's `RestInput` answers 200 with whatever was collected when the turn
raises, and logs the raw user text while doing so. This channel validates the
request, answers with a clear 4xx for bad input, answers 503 when the turn
could not be saved (the person's message is not silently lost), and logs only
the error type.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import check_sender_id, check_text, describe_failure, failure_messages

logger = logging.getLogger(__name__)


def parse_body(body: bytes) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """Decode a JSON request body; return (payload, None) or (None, error)."""
    if not body:
        return None, "empty body: send JSON like {\"sender\": \"...\", \"message\": \"...\"}"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, "body is not valid UTF-8"
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        return None, "body is not valid JSON"
    if not isinstance(payload, dict):
        return None, "body must be a JSON object"
    return payload, None


class MessageCollector(CollectingOutputChannel):
    """Collects each bot message as ONE JSON object: text, buttons, custom payload and metadata together.

    Rasa's collector splits a response with a `custom` payload (the crisis
    marker) into two entries; a client then has to guess which text the marker
    belongs to.
    """

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        keys = ("text", "buttons", "quick_replies", "custom", "image", "attachment", "metadata")
        out = {"recipient_id": recipient_id, **{k: message[k] for k in keys if message.get(k)}}
        if "quick_replies" in out:
            out["buttons"] = out.pop("quick_replies")
        if len(out) > 1:
            await self._persist_message(out)


class RestChannel(InputChannel):
    """Synchronous REST channel: one request, the bot's replies in the response."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("lantern_rest", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            payload, error = parse_body(request.body)
            if error:
                return response.json({"error": error}, status=400)
            sender, error = check_sender_id(payload.get("sender"))
            if error:
                return response.json({"error": error}, status=400)
            text, error = check_text(payload.get("message"))
            if error:
                status = 413 if "too long" in error else 400
                return response.json({"error": error}, status=status)
            metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else None

            collector = MessageCollector()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
                )
            except Exception as exc:  # noqa: BLE001 - every failure must reach the caller
                logger.error("rest turn failed: %s", describe_failure(exc))
                return response.json(
                    {"error": "turn_failed", "saved": False, "messages": failure_messages(text)},
                    status=503,
                )
            return response.json(collector.messages)

        return bp
