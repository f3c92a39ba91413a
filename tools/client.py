"""Talking to a running Lantern over HTTP, as a trusted integration does: the runner's warm-up, tests, benchmarks.

Both tokens go in the `Authorization: Bearer` header, never in the URL
(rasa_plugins/server.py refuses URL tokens): `send` uses the REST channel's token,
`api` the Rasa HTTP API's. REST senders live in the `rest:` namespace
(lantern/identity.py): `conversation_id` says what the HTTP API calls a sender.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from lantern import settings as settings_mod
from lantern.identity import rest_conversation_id
from tools.processes import http_json


def bearer(token: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def send(
    s: settings_mod.Settings, sender: str, text: str, timeout: float = 30.0, metadata: Optional[Dict[str, Any]] = None
) -> Tuple[int, Any]:
    """One message through the REST channel; (status, replies)."""
    payload: Dict[str, Any] = {"sender": sender, "message": text}
    if metadata is not None:
        payload["metadata"] = metadata
    return http_json(f"{s.rasa_url}/webhooks/rest/webhook", payload, timeout, headers=bearer(s.rest_token))


def api(
    s: settings_mod.Settings, path: str, payload: Optional[Dict[str, Any]] = None, timeout: float = 30.0
) -> Tuple[int, Any]:
    """A call to Rasa's HTTP API (`path` from the root, e.g. "/model/parse")."""
    return http_json(f"{s.rasa_url}{path}", payload, timeout, headers=bearer(s.rasa_api_token))


def conversation_id(sender: str) -> str:
    """The conversation id of a REST sender, as the HTTP API and the tracker store know it."""
    return rest_conversation_id(sender)
