"""SMS through Twilio: `POST /webhooks/sms/webhook`.

Why not Rasa's `TwilioInput`: it checks no signature (anyone can post as any
number), answers only after the whole turn (Twilio gives up after 15 s), and
keeps raw phone numbers as conversation ids. Here:

1. Every request must carry a valid `X-Twilio-Signature` for the public URL
   (`LANTERN_PUBLIC_URL`, so it works behind a proxy); anything else is 403 and
   is not processed. With no Twilio credentials the channel refuses everything.
2. A MessageSid is processed once (retries and replays are answered, not
   re-run). The webhook is answered at once with empty TwiML; the turn runs
   in the background and the replies go out through Twilio's REST API, with
   retries; a reply that still fails is recorded in `sms_failed_sends` and
   logged with the pseudonym.
3. STOP / START / HELP and their synonyms get CTIA-style replies; an opted-out
   number gets nothing (and nothing is processed) until it opts back in.
   HELP is always answered, as carriers require.
4. Replies are split for SMS (rasa_plugins/channels/sms_text.py); buttons become
   numbered choices and a reply of "1" or "2" answers them.
5. Check-ins (docs/checkins.md): after a turn, a check-in the person just booked gets their number,
   encrypted (the only stored copy of a number, kept until it is sent or cancelled); STOP cancels
   every check-in; the sending loop (rasa_plugins/channels/checkin_sender.py) runs in every replica
   and writes each text it sends into the person's conversation, so their answer is read in its light.

The conversation id is `sms:` + the pseudonym of the number (lantern/identity.py): only
this channel, after checking Twilio's signature, makes ids of that shape. The number
itself is held in memory only while its replies are sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Tuple
from urllib.parse import parse_qsl

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from lantern import settings as settings_mod
from lantern.handoffs import store as handoff_store
from lantern.identity import SMS_PREFIX
from rasa_plugins.channels import handoff_relay, sms_text
from rasa_plugins.channels.guard import MAX_TEXT_CHARS, check_text
from rasa_plugins.channels.sms_state import SmsState
from rasa_plugins.channels.turns import run_turn
from rasa_plugins.channels.twilio_api import TWILIO_OPTED_OUT, TwilioSender

logger = logging.getLogger(__name__)

# SMS turns run one at a time. A turn is mostly CPU work on the server's one event loop (NLU,
# policies, anonymising the transcript); several at once make every webhook wait behind all of
# them, and Twilio's answer is what must be fast. They do not finish sooner side by side either.
TURN_CONCURRENCY = 1
MAX_BODY_BYTES = 32 * 1024  # a Twilio SMS webhook is ~1 kB; 1,600 characters of Body fit many times over
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MEDIA_ONLY_REPLY = "I can only read text messages, not pictures or files. What would you like to talk about?"


class _Params(dict):
    """Form fields as Twilio's RequestValidator wants them: every value of a repeated field signs."""

    def __init__(self, pairs: List[Tuple[str, str]]) -> None:
        super().__init__()
        self._all: Dict[str, List[str]] = {}
        for key, value in pairs:
            self._all.setdefault(key, []).append(value)
            self.setdefault(key, value)

    def getall(self, key: str) -> List[str]:
        return self._all.get(key, [])


def parse_form(body: bytes) -> Tuple[Optional[_Params], Optional[str]]:
    """Decode an application/x-www-form-urlencoded body strictly as UTF-8."""
    try:
        text = body.decode("ascii")  # percent-encoded: anything else is not a form body
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=100)
    except (UnicodeDecodeError, ValueError):
        return None, "body is not a UTF-8 form"
    return _Params(pairs), None


def signed_url(public_url: str, request: Request) -> str:
    """The URL Twilio signed: the public base URL plus the path and query as received."""
    if not public_url:
        return request.url
    query = f"?{request.query_string}" if request.query_string else ""
    return f"{public_url}{request.path}{query}"


class SmsChannel(InputChannel):
    """Twilio SMS, signed, de-duplicated, answered in the background."""

    def __init__(self) -> None:
        self.settings: Optional[settings_mod.Settings] = None
        self.state: Optional[SmsState] = None
        self.sender: Optional[TwilioSender] = None
        self.tasks: Set[asyncio.Task] = set()
        self._state_lock = asyncio.Lock()
        self._turns = asyncio.Semaphore(TURN_CONCURRENCY)
        self._locks: Dict[str, Tuple[asyncio.Lock, int]] = {}  # per sender: lock, messages waiting on it
        self._app: Any = None  # the Sanic app, for its agent (set at start and by the first webhook)
        self.checkins: Any = None  # lantern.checkins.store.CheckinStore, opened at start
        self._checkin_loop: Optional[asyncio.Task] = None
        self._handoff_loop: Optional[asyncio.Task] = None

    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "SmsChannel":
        return cls()

    # -- configuration ---------------------------------------------------------------------
    def missing_settings(self, s: settings_mod.Settings) -> List[str]:
        needed = {
            "LANTERN_TWILIO_ACCOUNT_SID": s.twilio_account_sid,
            "LANTERN_TWILIO_AUTH_TOKEN": s.twilio_auth_token,
            "LANTERN_SMS_FROM": s.sms_from,
            "LANTERN_PSEUDONYM_KEY": s.pseudonym_key,
        }
        return [name for name, value in needed.items() if not value]

    def _configure(self) -> List[str]:
        s = self.settings = settings_mod.load()
        missing = self.missing_settings(s)
        if missing:
            logger.warning("SMS channel is OFF: %s not set; /webhooks/sms/webhook answers 503", ", ".join(missing))
            return missing
        from lantern.records.anonymizer.pseudonym import pseudonymize  # noqa: F401 - load once now, not on the first SMS

        if not s.public_url:
            logger.warning(
                "LANTERN_PUBLIC_URL is empty: Twilio signatures are checked against the URL as "
                "received, which fails behind a proxy"
            )
        if not s.support_contact:
            logger.warning("LANTERN_SUPPORT_CONTACT is empty: HELP replies name no support contact")
        self.sender = TwilioSender(s.twilio_api_url, s.twilio_account_sid, s.twilio_auth_token, s.sms_from)
        return []

    def pseudonym(self, number: str) -> str:
        """The number's pseudonym: the key of the SMS tables; the conversation id is `sms:` + it."""
        from lantern.records.anonymizer.pseudonym import pseudonymize

        assert self.settings is not None
        return pseudonymize(number, self.settings.pseudonym_key)  # normalises the number first

    async def _db(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    async def _state(self) -> SmsState:
        """The state store, opened on first use (tables created if missing)."""
        if self.state is None:
            async with self._state_lock:
                if self.state is None:
                    assert self.settings is not None
                    self.state = await self._db(SmsState, self.settings.db_url)
        return self.state

    # -- the webhook -----------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("lantern_sms", __name__)
        missing = self._configure()

        @bp.listener("after_server_start")
        async def open_state(app: Any, _: Any) -> None:
            if missing or self.settings is None:
                return
            state = await self._state()
            self._app = app
            await self._start_checkins(state)
            self._start_handoff_relay()
            unfinished = await self._db(state.unfinished)
            if unfinished:
                logger.warning(
                    "sms: %d message(s) were received but never answered (server stopped mid-turn); "
                    "see table sms_inbound, status 'received'",
                    unfinished,
                )

        @bp.listener("before_server_stop")
        async def finish(app: Any, _: Any) -> None:
            for loop in (self._checkin_loop, self._handoff_loop):
                if loop is not None:
                    loop.cancel()
            if self.tasks:
                await asyncio.wait(set(self.tasks), timeout=20)
            if self.sender is not None:
                await self.sender.close()

        @bp.route("/", methods=["GET"])
        async def status(_: Request) -> HTTPResponse:
            return response.json({"status": "off" if missing else "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if missing or self.settings is None:
                logger.error("sms webhook refused: SMS channel is off (%s not set)", ", ".join(missing))
                return response.json({"error": "sms channel is not configured"}, status=503)
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return response.json({"error": "body too large"}, status=413)
            params, error = parse_form(body)
            if error or params is None:
                return response.json({"error": error}, status=400)
            signature = request.headers.get("X-Twilio-Signature", "")
            validator = _validator(self.settings.twilio_auth_token)
            if not signature or not validator.validate(
                signed_url(self.settings.public_url, request), params, signature
            ):
                logger.warning("sms webhook rejected: %s signature (403)", "invalid" if signature else "missing")
                return response.json({"error": "invalid signature"}, status=403)
            message_sid, number = params.get("MessageSid") or params.get("SmsSid"), params.get("From")
            if not message_sid or not number or not params.get("AccountSid"):
                return response.json({"error": "missing MessageSid, From or AccountSid"}, status=400)
            if params.get("AccountSid") != self.settings.twilio_account_sid:
                logger.warning("sms webhook rejected: signed for another account (403)")
                return response.json({"error": "wrong account"}, status=403)
            sender = self.pseudonym(number)
            self._app = request.app  # its agent reads opted-out messages for crisis signs (no turn is run)
            try:
                state = await self._state()
                first_time = await self._db(state.claim, message_sid, sender)
            except Exception as exc:  # without de-dup and opt-out state, do not reply blindly
                logger.error(
                    "sms state unavailable (%s): message from %s not processed, Twilio told 503",
                    type(exc).__name__,
                    sender,
                )
                return response.json({"error": "temporarily unavailable"}, status=503)
            if first_time:
                task = asyncio.create_task(self.handle(on_new_message, message_sid, number, sender, params))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
            else:
                logger.info("sms duplicate MessageSid from %s answered, not processed again", sender)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return bp

    # -- the turn, in the background -------------------------------------------------------
    async def handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        message_sid: str,
        number: str,
        sender: str,
        params: Dict[str, str],
    ) -> None:
        """One inbound message from start to last reply, in order with that sender's other messages."""
        lock, users = self._locks.get(sender) or (asyncio.Lock(), 0)
        self._locks[sender] = (lock, users + 1)
        try:
            async with lock:
                status = await self._handle(on_new_message, message_sid, number, sender, params)
                assert self.state is not None  # the webhook opened it before starting this task
                await self._db(self.state.set_status, message_sid, status)
        except Exception as exc:  # a background task has nobody else to tell
            logger.error("sms message from %s failed in the channel (%s)", sender, type(exc).__name__)
        finally:
            lock, users = self._locks[sender]
            if users <= 1:
                del self._locks[sender]
            else:
                self._locks[sender] = (lock, users - 1)

    async def _handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        message_sid: str,
        number: str,
        sender: str,
        params: Dict[str, str],
    ) -> str:
        assert self.state is not None and self.settings is not None
        raw = params.get("Body", "")
        opted_out = await self._db(self.state.is_opted_out, sender)
        twilio_kind = (params.get("OptOutType") or "").lower()  # set when Twilio's Advanced Opt-Out already replied
        kind = twilio_kind if twilio_kind in {"stop", "start", "help"} else sms_text.keyword(raw, opted_out)
        if kind:
            if kind in {"stop", "start"}:
                await self._db(self.state.set_opted_out, sender, kind == "stop")
                await self._db(self.state.save_choices, sender, [], [])
            if kind == "stop":
                await self._stop_follow_ups(sender)
            logger.info("sms keyword %s from %s", kind.upper(), sender)
            if twilio_kind:
                return "keyword"
            ok = await self.send_all(number, sender, message_sid, [self.keyword_reply(kind)], respect_opt_out=False)
            return "keyword" if ok else "send_failed"
        if opted_out:
            return await self._opted_out_message(number, sender, message_sid, raw)

        text, error = check_text(raw[:MAX_TEXT_CHARS])
        if error or text is None:  # no text: a picture or file only gets a word back; an empty message gets nothing
            if params.get("NumMedia", "0") in ("", "0"):
                return "empty"
            ok = await self.send_all(number, sender, message_sid, [MEDIA_ONLY_REPLY])
            return "replied" if ok else "send_failed"
        payloads, titles = await self._db(self.state.pop_choices, sender)
        if payloads:  # a reply of "1" or "2" (or a choice's title) answers the choices last offered
            text = sms_text.choice_payload(text, payloads, titles) or text

        started = time.monotonic()
        async with self._turns:
            outcome = await run_turn(
                on_new_message, text, SMS_PREFIX + sender, self.name(), message_id=message_sid, contact=number
            )
        messages = outcome.messages
        status = "replied" if outcome.status == "ok" else "turn_failed"
        logger.debug("sms turn for %s took %.0f ms", sender, (time.monotonic() - started) * 1000)

        if any(self._books_checkin(m) for m in messages):
            await self._attach_number(sender, number)
        bodies, offered = self.to_sms(messages)
        if offered:
            await self._db(self.state.save_choices, sender, offered[0], offered[1])
        ok = await self.send_all(number, sender, message_sid, bodies)
        return status if ok else "send_failed"

    # -- check-ins -------------------------------------------------------------------------
    async def _start_checkins(self, state: SmsState) -> None:
        """Open the check-in table and start this replica's sending loop (each text goes out once in all)."""
        from lantern.checkins.store import CheckinStore
        from rasa_plugins.channels.checkin_sender import CheckinSender, worker_id

        s = self.settings
        assert s is not None and self.sender is not None
        if not s.contact_key:
            logger.warning("check-ins are OFF: LANTERN_CONTACT_KEY is not set (numbers cannot be kept encrypted)")
            return
        try:
            self.checkins = await self._db(CheckinStore, s.db_url)
        except Exception as exc:
            logger.error("check-ins are OFF: their table could not be opened (%s)", type(exc).__name__)
            return
        sender = CheckinSender(
            self.checkins,
            state,
            self.sender,
            s.contact_key,
            s.checkin_quiet,
            s.checkin_message,
            worker_id(),
            on_sent=self._checkin_sent,
        )
        self._checkin_loop = asyncio.create_task(sender.run_forever(s.checkin_poll_seconds))

    @staticmethod
    def _books_checkin(message: Dict[str, Any]) -> bool:
        """The turn's line confirming a booked check-in (only then is there a row waiting for the number)."""
        from lantern.checkins.questions import BOOKED_LINE

        metadata = message.get("metadata")
        return isinstance(metadata, dict) and metadata.get("source") == f"phrase:{BOOKED_LINE}"  # actions/phrases.py

    async def _attach_number(self, sender: str, number: str) -> None:
        """A check-in booked in this turn gets the number it will be sent to (encrypted; nothing else keeps it)."""
        if self.checkins is None or self.settings is None:
            return
        try:
            attached = await self._db(
                self.checkins.attach_phone, sender, number, self.settings.contact_key, time.time()
            )
        except Exception as exc:  # the check-in then fails as "no_phone" at its time; the person was told it is set
            logger.error("sms: check-in number not attached for %s (%s)", sender, type(exc).__name__)
            return
        if attached:
            logger.info("sms: check-in for %s ready to send", sender)

    async def _checkin_sent(self, sender: str, text: str, step: Optional[str]) -> None:
        """Write the check-in text into the person's conversation and wait for its answer (`checkin_followup`)."""
        metadata = {"mi": "open_question", "checkin": True}
        slots = {"last_prompt": "checkin_followup", "checkin_step": step}
        await handoff_relay.record_message(self._app, SMS_PREFIX + sender, text, metadata, slots)

    async def _stop_follow_ups(self, sender: str) -> None:
        """STOP: every check-in is cancelled and an open hand-off closed (staff can no longer text them)."""
        if self.checkins is not None:
            await self._db(self.checkins.cancel_all, sender, "stop", time.time())
        handoffs = await handoff_relay.service()
        if handoffs is not None:
            await handoffs.close_for(SMS_PREFIX + sender, "stop")

    # -- hand-offs: staff replies out -------------------------------------------------------
    def _start_handoff_relay(self) -> None:
        from rasa_plugins.channels.checkin_sender import worker_id

        async def relay() -> None:
            handoffs = await handoff_relay.service()
            while handoffs is None:
                await asyncio.sleep(handoff_relay.RETRY_OPEN_S)
                handoffs = await handoff_relay.service()
            await handoffs.run_forever(self.name(), worker_id(), self._send_staff_message, lambda: None)

        self._handoff_loop = asyncio.create_task(relay())

    async def _send_staff_message(self, row: Dict[str, Any]) -> Optional[str]:
        """One queued staff message (or notice) to the person's phone; None when sent, else a failure code."""
        assert self.state is not None and self.sender is not None and self.settings is not None
        handoffs = await handoff_relay.service()
        assert handoffs is not None
        sender = row["conversation"]  # an SMS conversation is stored under the number's pseudonym
        if await self._db(self.state.is_opted_out, sender):
            return "opted_out"
        number = await handoffs.call(handoff_store.phone_of, row["handoff_id"], self.settings.contact_key)
        if not number:
            return "no_phone"
        result = await self.sender.send(number, row["text"])
        if not result.ok:
            return f"HTTP {result.http_status}" if result.http_status else (result.reason or "send_failed")[:80]
        metadata = {"staff": row["kind"] == "staff", "handoff": row["kind"]}
        await handoff_relay.record_message(self._app, SMS_PREFIX + sender, row["text"], metadata, {})
        logger.info("sms: hand-off message %s sent to %s", row["id"], sender)
        return None

    async def _opted_out_message(self, number: str, sender: str, message_sid: str, raw: str) -> str:
        """A message from a number that texted STOP: no turn is processed and nothing is kept of it, unless it
        reads as a crisis. Then staff get a flag (sms_crisis_flags, `python -m tools sms crisis-flags`), and the
        first crisis message is offered to Twilio: it goes out only where Twilio allows it (a number opted out
        at the carrier gets error 21610 and nothing is delivered; that is recorded too)."""
        from lantern.crisis.messages import replies_for
        from lantern.crisis.resources import load_locale

        assert self.state is not None and self.settings is not None
        text, error = check_text(raw[:MAX_TEXT_CHARS])
        result = await self._crisis_reading(text) if not error and text is not None else None
        if result is None or not result.needs_reply:
            logger.info("sms from opted-out %s: not processed, nothing sent", sender)
            return "opted_out"
        try:
            bodies = [m["text"] for m in replies_for(result, load_locale(self.settings.locale))][:1]
        except Exception:  # a broken locale file must not silence a crisis reply
            bodies = [
                "If you or someone with you is in danger, call 911 now. For thoughts of suicide, call or text 988."
            ]
        before = len(await self._db(self.state.failed, sender))
        ok = await self.send_all(number, sender, message_sid, bodies, respect_opt_out=False)
        failures = (await self._db(self.state.failed, sender))[before:]
        reply = (
            "sent" if ok else ("refused" if any(f["error_code"] == TWILIO_OPTED_OUT for f in failures) else "failed")
        )
        await self._db(self.state.flag_crisis, sender, message_sid, result.level, result.stored_category, reply)
        logger.warning(
            "sms crisis sign (%s, %s) from opted-out %s: flagged for staff, reply %s",
            result.level,
            result.category,
            sender,
            reply,
        )
        return "opted_out_crisis"

    async def _crisis_reading(self, text: str) -> Any:
        """The model's crisis reading of a text without running a turn (the agent parses, nothing is stored);
        the deterministic detector alone when the model is not there or fails."""
        from lantern.crisis import registry
        from lantern.crisis.detector import CrisisResult, detect

        agent = getattr(getattr(getattr(self, "_app", None), "ctx", None), "agent", None)
        try:
            if agent is not None and agent.is_ready():
                crisis: Dict[str, Any] = (await agent.parse_message(text)).get("crisis") or {}
                level = crisis["level"] if crisis.get("level") in ("crisis", "check_in") else "none"
                category = registry.find(crisis.get("category"))  # stored value -> the registry's name
                return CrisisResult(
                    category.name if category else None, level, float(crisis.get("confidence") or 0.0), ("model",)
                )
        except Exception as exc:  # the patterns still read it
            logger.error("sms: crisis reading of an opted-out message failed (%s); patterns alone", type(exc).__name__)
        return detect(text)

    def keyword_reply(self, kind: str) -> str:
        from lantern.crisis.resources import load_locale

        s = self.settings
        assert s is not None
        try:
            loc = load_locale(s.locale)
            emergency, crisis_line = loc.emergency_number, loc.crisis_line_number
        except Exception:  # a broken locale file must not silence STOP/HELP
            emergency, crisis_line = "911", "988"
        return sms_text.keyword_reply(kind, s.sms_program_name, s.org_name, s.support_contact, emergency, crisis_line)

    @staticmethod
    def to_sms(messages: List[Dict[str, Any]]) -> Tuple[List[str], Optional[Tuple[List[str], List[str]]]]:
        """SMS bodies for the bot's messages, and the (payloads, titles) of the last choices offered."""
        bodies: List[str] = []
        offered: Optional[Tuple[List[str], List[str]]] = None
        for message in messages:
            text = message.get("text") or ""
            buttons = message.get("buttons") or []
            if buttons:
                text, payloads = sms_text.numbered_choices(text, buttons)
                if payloads:
                    offered = (payloads, [str(b.get("title") or "") for b in buttons if isinstance(b, dict)])
            bodies.extend(sms_text.split_for_sms(text))
        return bodies, offered

    async def send_all(
        self, number: str, sender: str, message_sid: str, bodies: List[str], respect_opt_out: bool = True
    ) -> bool:
        """Send each body in order; record every one that fails for good. True when all went out."""
        assert self.sender is not None and self.state is not None
        all_ok = True
        for body in bodies:
            result = await self.sender.send(number, body)
            if result.ok:
                continue
            all_ok = False
            logger.error(
                "sms reply to %s FAILED after %d attempt(s) (%s, Twilio code %s); recorded in sms_failed_sends",
                sender,
                result.attempts,
                result.reason,
                result.error_code,
            )
            await self._db(
                self.state.record_failed_send,
                sender,
                message_sid,
                result.attempts,
                result.http_status,
                result.error_code,
                result.reason,
                len(body),
            )
            if result.error_code == TWILIO_OPTED_OUT and respect_opt_out:
                await self._db(self.state.set_opted_out, sender, True)
                break
        return all_ok


def _validator(token: str) -> Any:
    from twilio.request_validator import RequestValidator

    return RequestValidator(token)
