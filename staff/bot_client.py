"""The console's way to talk to the live bot, for the "Try it" page (staff/views/try_it.py).

Two calls, the same a trusted integration makes (tools/client.py, which staff may not import):
a message through the REST channel (`LANTERN_REST_TOKEN`), then the conversation's tracker from
Rasa's HTTP API (`RASA_API_TOKEN`) for the inspector. Both tokens go in the Authorization header,
never in the URL, and a redirect is not followed (it would carry a token to another address). A bot
that is down, slow, cut off mid-answer or answers nonsense raises `BotUnavailable` with a sentence
for the page; nothing here logs the message text.
"""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from lantern import settings as settings_mod
from lantern.identity import rest_conversation_id

SEND_TIMEOUT = 30.0  # a turn has its own deadline inside the bot (rasa_plugins/channels/turns.py); this is a backstop
TRACKER_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # a tracker window is well under this; more is not a tracker


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect comes back as the 3xx answer it is (an error for the page), never followed with a token."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_RefuseRedirects)


class BotUnavailable(RuntimeError):
    """The bot could not be reached or did not answer as expected; the message says so in plain words."""


@dataclass(frozen=True)
class BotClient:
    """Calls to one running bot: its address and the two tokens, from the console's settings."""

    rasa_url: str
    rest_token: str
    api_token: str

    @classmethod
    def from_settings(cls, s: settings_mod.Settings) -> "BotClient":
        return cls(s.rasa_url, s.rest_token, s.rasa_api_token)

    def send(self, sender: str, text: str) -> List[Dict[str, Any]]:
        """Send one message as `sender` (REST channel); the bot's replies."""
        if not self.rest_token:
            raise BotUnavailable("The console has no LANTERN_REST_TOKEN, so it cannot talk to the bot (see .env).")
        status, body = self._call(
            "/webhooks/rest/webhook", self.rest_token, {"sender": sender, "message": text}, SEND_TIMEOUT
        )
        if status == 503 and isinstance(body, dict):
            raise BotUnavailable("The bot could not finish its answer this time (its turn failed or ran out of time).")
        if status != 200 or not isinstance(body, list):
            raise BotUnavailable(f"The bot answered with an error (HTTP {status}).")
        return [reply for reply in body if isinstance(reply, dict)]

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The events of `sender`'s current session, as Rasa's HTTP API gives them."""
        if not self.api_token:
            raise BotUnavailable("The console has no RASA_API_TOKEN, so it cannot read what the bot made of a message.")
        conversation = urllib.parse.quote(rest_conversation_id(sender), safe=":")
        status, body = self._call(f"/conversations/{conversation}/tracker", self.api_token, None, TRACKER_TIMEOUT)
        if status != 200 or not isinstance(body, dict):
            raise BotUnavailable(f"The bot did not give its record of the conversation (HTTP {status}).")
        return body

    def _call(self, path: str, token: str, payload: Optional[Dict[str, Any]], timeout: float) -> Any:
        """(status, parsed JSON body or None); BotUnavailable when nothing usable came back."""
        data = json.dumps(payload).encode("utf-8") if payload is not None else None
        request = urllib.request.Request(
            self.rasa_url + path,
            data=data,
            method="POST" if data is not None else "GET",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            try:
                with _OPENER.open(request, timeout=timeout) as response:
                    return response.status, _json(response.read(MAX_RESPONSE_BYTES + 1))
            except urllib.error.HTTPError as error:
                with error:
                    return error.code, _json(error.read(MAX_RESPONSE_BYTES + 1))
        except (socket.timeout, TimeoutError):
            raise BotUnavailable(f"The bot did not answer within {timeout:g} seconds.") from None
        except http.client.HTTPException:  # cut off mid-answer (IncompleteRead), or not HTTP (LineTooLong...)
            raise BotUnavailable("The bot stopped in the middle of its answer. Try again in a moment.") from None
        except (urllib.error.URLError, OSError):
            raise BotUnavailable(
                f"The bot is not running or cannot be reached at {self.rasa_url}. Start it with `make run`."
            ) from None


def _json(raw: bytes) -> Any:
    """Parsed JSON, or None for an empty, oversized or unparsable body."""
    if not raw or len(raw) > MAX_RESPONSE_BYTES:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
