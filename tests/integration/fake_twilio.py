"""A local stand-in for Twilio, for tests and benchmarks: nothing leaves the machine.

- `POST /2010-04-01/Accounts/<sid>/Messages.json`: Twilio's Messages API. Checks the
  account's basic auth, records the message, answers 201 like Twilio, or the
  statuses planned for a number (`fail(number, [500, 500])`, `fail(number, [400], code=21610)`).
- `GET /weather`: a neutral page, where the widget's Quick exit can go in tests.

Also builds webhook requests signed the way Twilio signs them, with the twilio library.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional, Tuple

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 30 + "01"
AUTH_TOKEN = "fake-auth-token-" + uuid.uuid4().hex
SMS_FROM = "+15005550006"
NEUTRAL_PAGE = (
    b"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Weather</title></head>"
    b"<body><h1>Weather</h1><p>Sunny, 21 degrees.</p></body></html>"
)


@dataclass
class Sent:
    to: str
    body: str
    sender: str
    at: float


@dataclass
class FakeTwilio:
    """Start with `start()`, stop with `stop()`; `url` is the API base to give Lantern."""

    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    sent: List[Sent] = field(default_factory=list)
    attempts: Dict[str, int] = field(default_factory=dict)
    plans: Dict[str, List[Tuple[int, Optional[int]]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: Optional[ThreadingHTTPServer] = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeTwilio":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                if self.path.startswith("/weather"):
                    self._reply(200, NEUTRAL_PAGE, "text/html; charset=utf-8")
                else:
                    self._reply(404, b"{}")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                expected = "Basic " + base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
                if self.path != f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json":
                    return self._reply(404, json.dumps({"code": 20404, "status": 404}).encode())
                if self.headers.get("Authorization") != expected:
                    return self._reply(401, json.dumps({"code": 20003, "status": 401}).encode())
                form = dict(urllib.parse.parse_qsl(body))
                to = form.get("To", "")
                with fake.lock:
                    fake.attempts[to] = fake.attempts.get(to, 0) + 1
                    plan = fake.plans.get(to)
                    status, code = plan.pop(0) if plan else (201, None)
                    if status == 201:
                        fake.sent.append(
                            Sent(
                                to=to,
                                body=form.get("Body", ""),
                                sender=form.get("From") or form.get("MessagingServiceSid", ""),
                                at=time.time(),
                            )
                        )
                if status == 201:
                    payload = {"sid": "SM" + uuid.uuid4().hex, "status": "queued", "to": to}
                else:
                    payload = {"code": code or 20500, "message": "planned failure", "status": status}
                self._reply(status, json.dumps(payload).encode())

            def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True, name="fake-twilio").start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # -- test helpers -----------------------------------------------------------------------
    def fail(self, number: str, statuses: List[int], code: Optional[int] = None) -> None:
        with self.lock:
            self.plans[number] = [(s, code) for s in statuses]

    def to(self, number: str) -> List[str]:
        with self.lock:
            return [m.body for m in self.sent if m.to == number]

    def wait_for(self, number: str, count: int = 1, timeout: float = 60.0) -> List[str]:
        """The bodies sent to `number`, once at least `count` arrived (or what arrived by `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            bodies = self.to(number)
            if len(bodies) >= count:
                return bodies
            time.sleep(0.1)
        return self.to(number)


def signed_request(
    public_url: str,
    local_url: str,
    params: Dict[str, str],
    auth_token: str = AUTH_TOKEN,
    signature: Optional[str] = None,
    body: Optional[bytes] = None,
    timeout: float = 30.0,
) -> Tuple[int, bytes, float]:
    """POST a webhook the way Twilio does: form body, X-Twilio-Signature over the PUBLIC url.

    Returns (status, body, seconds). `signature=""` sends no signature header; `body`
    replaces the encoded form (for malformed bodies).
    """
    if signature is None:
        signature = RequestValidator(auth_token).compute_signature(public_url, params)
    data = body if body is not None else urllib.parse.urlencode(params).encode("ascii")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "TwilioProxy/1.1"}
    if signature:
        headers["X-Twilio-Signature"] = signature
    request = urllib.request.Request(local_url, data=data, headers=headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            out = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        out = err.code, err.read()
    return out[0], out[1], time.perf_counter() - started


def sms_params(
    number: str, text: str, account_sid: str = ACCOUNT_SID, to: str = SMS_FROM, message_sid: Optional[str] = None
) -> Dict[str, str]:
    """The fields Twilio posts for an incoming SMS (the ones Lantern reads, and a few more)."""
    sid = message_sid or "SM" + uuid.uuid4().hex
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": account_sid,
        "MessagingServiceSid": "",
        "From": number,
        "To": to,
        "Body": text,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
        "FromCountry": "US",
        "ToCountry": "US",
    }
