"""`GET /webhooks/health/`: is Lantern able to hold a conversation right now?

Answers 200 only when the model is loaded, the tracker store accepts a real
write (done in a transaction that is rolled back) and no turn has failed to
save since the last successful save; otherwise 503 with the reason. Load
balancers and `make run` use it.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.stores import LanternTrackerStore, StoreHealth, unwrap

logger = logging.getLogger(__name__)


class HealthChannel(InputChannel):
    """Not a chat channel: only contributes the health route."""

    @classmethod
    def name(cls) -> str:
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("lantern_health", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"status": "starting", "model": False}, status=503)
            store = unwrap(agent.tracker_store)
            checks = {"model": True, "tracker_store": "ok"}
            if isinstance(store, LanternTrackerStore):
                try:
                    await asyncio.get_running_loop().run_in_executor(None, store.check_writable)
                except Exception as exc:  # noqa: BLE001
                    StoreHealth.record_failure(exc)
                    checks["tracker_store"] = f"unwritable: {type(exc).__name__}"
            if StoreHealth.last_failure is not None and checks["tracker_store"] == "ok":
                checks["tracker_store"] = f"last save failed: {StoreHealth.last_error}"
            healthy = checks["tracker_store"] == "ok"
            return response.json({"status": "ok" if healthy else "failing", **checks},
                                 status=200 if healthy else 503)

        return bp
