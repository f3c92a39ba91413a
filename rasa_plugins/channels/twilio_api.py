"""Send one SMS through Twilio's REST API, retrying what may succeed on a second try.

Why not the webhook's TwiML answer: Twilio waits at most 15 s for it, and a
turn can take longer (cold model, slow database). Replies go out through the
Messages API instead, after the webhook has been answered.

Retried: network errors, timeouts, HTTP 429 and 5xx. Not retried: other 4xx,
which will not change (bad number, recipient opted out: Twilio error 21610).
The result says how it ended; the caller records a failure. No phone number
or message text ever goes into the result or a log line.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Optional, Sequence

import aiohttp

logger = logging.getLogger(__name__)

RETRY_DELAYS_S: Sequence[float] = (1.0, 3.0, 9.0)  # after attempts 1, 2 and 3: four attempts over ~13 s
REQUEST_TIMEOUT_S = 10.0
TWILIO_OPTED_OUT = 21610  # "Attempt to send to unsubscribed recipient"


@dataclass
class SendResult:
    ok: bool
    attempts: int
    http_status: int = 0  # 0: Twilio was not reached
    error_code: Optional[int] = None
    reason: str = ""


class TwilioSender:
    """Messages API client for one account; one aiohttp session for the process."""

    def __init__(
        self,
        api_url: str,
        account_sid: str,
        auth_token: str,
        sender: str,
        retry_delays: Sequence[float] = RETRY_DELAYS_S,
    ) -> None:
        self.url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = aiohttp.BasicAuth(account_sid, auth_token)
        # A Messaging Service SID (MG...) lets Twilio pick the number; otherwise send From the number.
        self.from_field = ("MessagingServiceSid", sender) if sender.startswith("MG") else ("From", sender)
        self.retry_delays = tuple(retry_delays)
        self._session: Optional[aiohttp.ClientSession] = None

    async def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S))
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def send(self, to: str, body: str) -> SendResult:
        """POST one message; retry transient failures; never raises."""
        data = {"To": to, "Body": body, self.from_field[0]: self.from_field[1]}
        attempts, last = 0, SendResult(ok=False, attempts=0, reason="not attempted")
        for delay in (0.0, *self.retry_delays):
            if delay:
                await asyncio.sleep(delay)
            attempts += 1
            try:
                session = await self._client()
                async with session.post(self.url, data=data, auth=self.auth) as resp:
                    status = resp.status
                    payload = await resp.json(content_type=None) if resp.content_length != 0 else None
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
                last = SendResult(ok=False, attempts=attempts, reason=type(exc).__name__)
                continue
            if 200 <= status < 300:
                return SendResult(ok=True, attempts=attempts, http_status=status)
            code = payload.get("code") if isinstance(payload, dict) else None
            last = SendResult(
                ok=False,
                attempts=attempts,
                http_status=status,
                error_code=code if isinstance(code, int) else None,
                reason=f"HTTP {status}",
            )
            if status != 429 and status < 500:
                break
        return last
