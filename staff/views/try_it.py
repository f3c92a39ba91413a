"""Try it (issue 20): a trainer chats with the live bot and sees why it said each reply.

- GET  /try        the chat so far, each bot message with its inspector (staff/inspector.py)
- POST /try/new    a fresh conversation (audited: `try_start`, with the id it is stored under)
- POST /try/send   one message: the console sends it to the bot (REST channel), reads the tracker
                   (HTTP API) and answers JSON for try_it.js, or, without JavaScript, the page again

The sender id is "try-" and 32 random hex digits, made here and kept in the console's signed session
cookie together with a keyed hash of the staff session it belongs to, so it is never taken from a
request: nobody can read or post into another person's try-it conversation, and signing out ends it.
In the REST namespace (`rest:try-...`, lantern/identity.py) it can never be a real person's
conversation. The bot stores it like any other, under the keyed pseudonym of that id; the audit entry
of its start names that pseudonym, so the lists leave try-it conversations out (staff/try_conversations.py).
Message text is never logged or audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata
from typing import Any, List, Optional, Tuple

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, session, url_for

from lantern import settings as settings_mod
from lantern.identity import rest_conversation_id, stored_id
from staff import audit, auth, inspector
from staff.bot_client import BotClient, BotUnavailable
from staff.try_conversations import AUDIT_START

bp = Blueprint("try_it", __name__)

SENDER_PREFIX = "try-"
SESSION_KEY = "try_it"
MAX_MESSAGE = 4000  # the REST channel's limit (rasa_plugins/channels/guard.py MAX_TEXT_CHARS)


def _settings() -> settings_mod.Settings:
    found = current_app.extensions.get("lantern_settings")
    return found if isinstance(found, settings_mod.Settings) else settings_mod.load()


def _bot() -> BotClient:
    return BotClient.from_settings(_settings())


def _owner() -> str:
    """A keyed hash of the signed-in staff session: what a try-it conversation is bound to."""
    key = str(current_app.config["STAFF_KEY"]).encode()
    return hmac.new(key, b"try-it:" + str(g.session_row.token_hash).encode(), hashlib.sha256).hexdigest()


def current_sender() -> Optional[str]:
    """This staff session's try-it sender id, if it started one (a cookie from another session counts as none)."""
    bound = session.get(SESSION_KEY)
    if not isinstance(bound, dict):
        return None
    sender, owner = bound.get("sender"), bound.get("owner")
    if not isinstance(sender, str) or not isinstance(owner, str) or not hmac.compare_digest(owner, _owner()):
        return None
    return sender if sender.startswith(SENDER_PREFIX) else None


def start_conversation() -> str:
    """A new sender id bound to this staff session; its start goes to the audit log."""
    sender = SENDER_PREFIX + secrets.token_hex(16)
    session[SESSION_KEY] = {"sender": sender, "owner": _owner()}
    key = _settings().pseudonym_key
    audit.record(AUDIT_START, stored_id(rest_conversation_id(sender), key) if key else None)
    return sender


def clean_message(raw: Any) -> Tuple[Optional[str], Optional[str]]:
    """(text, None) or (None, what is wrong): control characters other than line breaks and tabs are dropped."""
    if not isinstance(raw, str):
        return None, "Type a message first."
    text = "".join(ch for ch in raw if ch in "\n\t" or not unicodedata.category(ch).startswith("C")).strip()
    if not text:
        return None, "Type a message first."
    if len(text) > MAX_MESSAGE:
        return None, f"That message is too long: at most {MAX_MESSAGE:,} characters."
    return text, None


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _page(turns: List[inspector.Turn], error: Optional[str] = None, draft: str = "", status: int = 200) -> Any:
    started = bool(current_sender())
    return render_template("try_it.html", turns=turns, error=error, draft=draft, has_conversation=started), status


@bp.route("/try")
@auth.require("train")
def index() -> Any:
    sender = current_sender()
    if sender is None:
        return _page([])
    try:
        events = _bot().tracker(sender).get("events") or []
    except BotUnavailable as error:
        return _page([], error=str(error))
    return _page(inspector.turns(events))


@bp.route("/try/new", methods=["POST"])
@auth.require("train")
def new() -> Any:
    start_conversation()
    if _wants_json():
        return jsonify(ok=True)
    return redirect(url_for("try_it.index"))


@bp.route("/try/send", methods=["POST"])
@auth.require("train")
def send() -> Any:
    text, problem = clean_message(request.form.get("message"))
    if problem or text is None:
        return _failed(problem or "Type a message first.", 400, request.form.get("message", "")[:MAX_MESSAGE])
    sender = current_sender() or start_conversation()
    bot = _bot()
    started = time.perf_counter()
    try:
        bot.send(sender, text)
        events = bot.tracker(sender).get("events") or []
    except BotUnavailable as error:
        return _failed(str(error), 503, text)
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    if not _wants_json():
        return redirect(url_for("try_it.index") + "#try-form")
    latest = inspector.latest_turn(inspector.turns(events))
    if latest is None:
        return _failed("The bot answered, but its record of this conversation is empty. Reload the page.", 502, text)
    number, turn = latest
    html = render_template("_try_turn.html", turn=turn, number=number)
    return jsonify(html=html, turn=inspector.summary(turn), bot_ms=elapsed_ms)


def _failed(message: str, status: int, draft: str) -> Any:
    """A clear message: JSON for try_it.js, or the page again with the typed text kept."""
    if _wants_json():
        return jsonify(error=message), status
    turns: List[inspector.Turn] = []
    sender = current_sender()
    if sender is not None and status != 503:
        try:
            turns = inspector.turns(_bot().tracker(sender).get("events") or [])
        except BotUnavailable:
            pass
    return _page(turns, error=message, draft=draft, status=status)
