"""Socket.IO channel for the web widget, strict about failed turns.

Rasa's channel lets an exception in a turn escape into the socket server, so
the person sees nothing at all. Here a failed turn is logged by error type
only and the person is told plainly that the message was not saved.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.channels.guard import failure_messages

logger = logging.getLogger(__name__)


class SocketIOChannel(SocketIOInput):
    """Rasa's socket.io channel with failures surfaced to the person."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def guarded(message: UserMessage) -> None:
            try:
                await on_new_message(message)
            except Exception as exc:  # noqa: BLE001 - tell the person, never drop silently
                logger.error("socketio turn failed: %s", type(exc).__name__)
                for msg in failure_messages(message.text or ""):
                    if msg.get("custom"):
                        await message.output_channel.send_custom_json(message.sender_id, msg["custom"])
                    await message.output_channel.send_text_message(message.sender_id, msg["text"])

        return super().blueprint(guarded)
