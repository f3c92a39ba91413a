"""`GET /webhooks/health/`: is Lantern able to hold a conversation right now?

Each request probes, with short timeouts, everything a turn needs:
- the model is loaded;
- the tracker store accepts a real write (a transaction rolled back, waiting at
  most 0.5 s for a lock);
- the action server answers its own /health within a second.
200 when all three hold; otherwise 503 with what failed. Health reflects the
probes, not history: once the database or the action server is back, the next
probe is green, without waiting for a person's turn to succeed (a load
balancer that took the node out would never send it that turn). Lantern still
answers on a failing node (the crisis reply needs neither the database nor the
action server), but a load balancer should prefer a healthy one.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, Dict, Optional

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_plugins.tracker_store import LanternTrackerStore, unwrap

logger = logging.getLogger(__name__)

PROBE_TIMEOUT = 1.5  # seconds for each probe; a health check must answer faster than a load balancer gives up
# Its own thread: health must answer while every database thread of the turns waits on a lock.
_PROBE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lantern-health")


async def probe_store(store: Any) -> str:
    """ "ok", or what is wrong with the tracker store."""
    if not isinstance(store, LanternTrackerStore):
        return "ok"
    try:
        await asyncio.wait_for(
            asyncio.get_running_loop().run_in_executor(_PROBE_THREAD, store.check_writable), PROBE_TIMEOUT
        )
    except asyncio.TimeoutError:
        return "unwritable: no answer within the probe's timeout"
    except Exception as exc:
        return f"unwritable: {type(exc).__name__}"
    return "ok"


async def probe_action_server(agent: Any) -> str:
    """ "ok", or why the action server does not answer its /health."""
    endpoint = getattr(agent, "action_endpoint", None)
    url: Optional[str] = getattr(endpoint, "url", None)
    if not url:
        return "not configured"
    health_url = url.rsplit("/", 1)[0] + "/health"
    try:
        timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(health_url) as resp:
                return "ok" if resp.status == 200 else f"answered HTTP {resp.status}"
    except asyncio.TimeoutError:
        return "no answer within the probe's timeout"
    except aiohttp.ClientError as exc:
        return f"unreachable: {type(exc).__name__}"


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
            store_state, actions_state = await asyncio.gather(
                probe_store(unwrap(agent.tracker_store)), probe_action_server(agent)
            )
            checks: Dict[str, Any] = {"model": True, "tracker_store": store_state, "action_server": actions_state}
            healthy = store_state == "ok" and actions_state in ("ok", "not configured")
            return response.json({"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503)

        return bp
