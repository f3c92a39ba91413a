"""Hand-offs: the live queue of conversations waiting for a person, taking one over, replying, handing back.

- GET  /handoffs                   the queue: waiting (crisis first, then the longest waiting), taken, recently closed
- GET  /handoffs/queue             the same sections as an HTML fragment for handoff.js (204 when nothing changed)
- GET  /handoffs/<id>              one hand-off: the person's latest conversation, unsent staff messages, the forms
- GET  /handoffs/<id>/messages     JSON for handoff.js: transcript messages after `after`, unsent ones, the status
- POST /handoffs/<id>/take         take a waiting conversation over; the person is told a person joined (respond)
- POST /handoffs/<id>/send         queue a reply, only in a conversation one has taken (respond)
- POST /handoffs/<id>/hand-back    the bot answers again; the person is told (respond)
- POST /handoffs/<id>/dismiss      close a waiting request nobody will take (respond)

Every change goes through lantern/handoffs/store.py in one transaction: its conditional UPDATEs are what stop
two staff members from taking one conversation, and its errors are worded for this page. Reads are Core
selects of named columns on the console's engine: the encrypted SMS number the table keeps is never
selected, so no number reaches the console. The Rasa server creates the tables at start; before that the
queue is empty, like a table with no rows, and the console does not create them.

What staff write is sent by the Rasa server (rasa_plugins/channels/handoff_relay.py), which records it in the
transcript, anonymized, with sender "staff"; until then the queued text is shown as "sending…". Views are
audited with counts and ids; a send with its length only, never its text.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import astuple, dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy.engine import Connection

from lantern.db import staff_tables as st
from lantern.db.handoff_tables import handoff_messages, handoffs
from lantern.handoffs import store
from lantern.records.transcripts.models import Message
from staff import audit, auth, queries
from staff.db import engine
from staff.views.checkins import _latest_conversations as latest_conversations
from staff.views.checkins import short_pseudonym
from staff.views.conversations import _after as after_arg

bp = Blueprint("handoffs", __name__)
H, HM, M = handoffs.c, handoff_messages.c, Message.__table__.c
SHOWN = 100  # waiting and taken rows listed; the heading counts all waiting ones
CLOSED = 20  # recently closed rows listed
CHAT = 200  # transcript messages on the page, and at most per poll (the rest come with the next one)
UNSENT = 50  # staff messages not delivered (or failed) listed
CHANNELS = {"socketio": "web chat", "sms": "SMS"}
KINDS = {"crisis": "crisis", "request": "asked for a person"}
REASONS = {"handed_back": "handed back to the bot", "dismissed": "dismissed", "stop": "the person texted STOP"}
SENDERS = {"user": "Person", "bot": "Bot", "staff": "Staff"}
JOINED = "Hi, this is {name} from {org}. I'm a person, and I've joined this chat. I'm reading what you wrote."
LEFT = (
    "{name} from {org} has left the chat. You're talking with the Lantern bot again. "
    "You can ask for a person any time staff are on."
)


@dataclass
class Row:
    """One hand-off as the queue shows it: labels and times formatted, the person by short pseudonym only."""

    id: int
    kind: str
    channel: str
    pseudonym: str
    conversation_id: Optional[str]
    asked: str  # when it was opened
    waited: str  # how long it has waited (or waited, once taken)
    staff_user: Optional[int] = None
    staff_name: str = ""
    taken: str = ""
    held: str = ""  # how long it has been taken
    closed: str = ""
    reason: str = ""


@dataclass
class Queue:
    present: bool  # whether the handoffs table exists yet
    waiting: List[Row] = field(default_factory=list)
    taken: List[Row] = field(default_factory=list)
    closed: List[Row] = field(default_factory=list)
    waiting_total: int = 0
    crisis_waiting: int = 0

    def shown(self) -> Tuple[Tuple[int, str, Optional[int]], ...]:
        """What the audit cares about: which hand-offs were on the screen, in which state."""
        return tuple(
            (r.id, status, r.staff_user)
            for status, rows in (("waiting", self.waiting), ("taken", self.taken), ("closed", self.closed))
            for r in rows
        )

    def state(self, viewer: str) -> str:
        """Two digests, of what is shown and of how: the refresh skips an unchanged page, audits a changed list."""
        rendered = repr((viewer, self.present, self.waiting_total, [astuple(r) for r in self.all()]))
        return f"{_digest(repr(self.shown()))}.{_digest(rendered)}"

    def all(self) -> List[Row]:
        return [*self.waiting, *self.taken, *self.closed]

    def counts(self) -> Dict[str, int]:
        return {
            "waiting": self.waiting_total,
            "crisis": self.crisis_waiting,
            "taken": len(self.taken),
            "closed": len(self.closed),
        }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def format_when(at: Optional[float], now: float) -> str:
    """A moment in UTC: the time alone on the same day, with the date otherwise."""
    if at is None:
        return ""
    moment, today = datetime.fromtimestamp(at, timezone.utc), datetime.fromtimestamp(now, timezone.utc)
    return moment.strftime("%H:%M UTC" if moment.date() == today.date() else "%Y-%m-%d %H:%M UTC")


def format_age(seconds: float) -> str:
    """A duration to the minute: finer would change the queue at every refresh for nothing."""
    minutes = int(max(seconds, 0) // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours < 48 else f"{hours // 24} days"


def _present(conn: Connection) -> bool:
    return bool(sa.inspect(conn).has_table(handoffs.name))


def _select_rows(conn: Connection, where: Any, order: List[Any], limit: int) -> List[Any]:
    """Hand-offs with the name of who has (or had) them; named columns, never the number."""
    u = st.users.c
    return list(
        conn.execute(
            sa.select(
                H.id, H.conversation, H.channel, H.kind, H.status, H.staff_user, H.created_at, H.taken_at,
                H.closed_at, H.reason, u.display_name, u.username,
            )
            .select_from(handoffs.outerjoin(st.users, u.id == H.staff_user))
            .where(where)
            .order_by(*order)
            .limit(limit)
        )
    )  # fmt: skip


def _row(r: Any, links: Dict[str, str], now: float) -> Row:
    start = float(r.created_at)
    return Row(
        id=int(r.id),
        kind=str(r.kind),
        channel=CHANNELS.get(str(r.channel), str(r.channel)),
        pseudonym=short_pseudonym(str(r.conversation)),
        conversation_id=links.get(str(r.conversation)),
        asked=format_when(start, now),
        waited=format_age((float(r.taken_at) if r.taken_at is not None else now) - start),
        staff_user=r.staff_user,
        staff_name=str(r.display_name or r.username or ("nobody" if r.staff_user is None else "a removed account")),
        taken=format_when(r.taken_at, now),
        held=format_age(now - float(r.taken_at)) if r.taken_at is not None and r.status == "taken" else "",
        closed=format_when(r.closed_at, now),
        reason=REASONS.get(str(r.reason), str(r.reason or "")),
    )


def queue(conn: Connection, now: float) -> Queue:
    """Everything the queue shows; an empty queue when the handoffs table does not exist yet."""
    if not _present(conn):
        return Queue(present=False)
    crisis_first = sa.case((H.kind == "crisis", 0), else_=1)
    waiting = _select_rows(conn, H.status == "waiting", [crisis_first, H.created_at, H.id], SHOWN)
    taken = _select_rows(conn, H.status == "taken", [H.taken_at, H.id], SHOWN)
    closed = _select_rows(conn, H.status == "closed", [H.closed_at.desc(), H.id.desc()], CLOSED)
    everyone = [*waiting, *taken, *closed]
    links = latest_conversations(conn, [str(r.conversation) for r in everyone])
    counts = dict(conn.execute(sa.select(H.kind, sa.func.count()).where(H.status == "waiting").group_by(H.kind)).all())
    return Queue(
        present=True,
        waiting=[_row(r, links, now) for r in waiting],
        taken=[_row(r, links, now) for r in taken],
        closed=[_row(r, links, now) for r in closed],
        waiting_total=sum(int(n) for n in counts.values()),
        crisis_waiting=int(counts.get("crisis", 0)),
    )


def waiting_count() -> Optional[int]:
    """How many wait, for the menu; None when the database cannot say (the menu then shows no number)."""
    try:
        with engine().connect() as conn:
            if not _present(conn):
                return 0
            return int(conn.execute(sa.select(sa.func.count()).where(H.status == "waiting")).scalar_one())
    except sa.exc.SQLAlchemyError:
        return None


@bp.app_context_processor
def _menu() -> Dict[str, Any]:
    """A function, not a number: only base.html's menu calls it, so fragments and JSON cost nothing."""
    return {"handoffs_waiting": waiting_count}


def _viewer() -> str:
    user = g.user
    return f"{user.id}:{user.role}"


@bp.route("/handoffs")
@auth.require("read")
def index() -> Any:
    with engine().connect() as conn:
        found = queue(conn, time.time())
    audit.record("view_handoffs", None, **found.counts())
    return render_template("handoffs.html", q=found, state=found.state(_viewer()), fragment=False)


@bp.route("/handoffs/queue")
@auth.require("read")
def queue_fragment() -> Any:
    """The sections again for the page's refresh: 204 when nothing shown changed, audited when the list did."""
    seen = request.args.get("state", "")[:40]
    with engine().connect() as conn:
        found = queue(conn, time.time())
    state = found.state(_viewer())
    if seen == state:
        return Response(status=204)
    if seen.split(".")[0] != state.split(".")[0]:
        audit.record("view_handoffs", None, refresh=True, **found.counts())
    return render_template("handoffs.html", q=found, state=state, fragment=True)


# -- one hand-off ----------------------------------------------------------------------------------
def _handoff(conn: Connection, handoff_id: int) -> Dict[str, Any]:
    """The hand-off (store.get: no number) with who has it; 404 when there is none or no table yet."""
    found = store.get(conn, handoff_id) if _present(conn) else None
    if found is None:
        abort(404, description="There is no hand-off with that number.")
    found["staff_name"] = ""
    if found["staff_user"] is not None:
        u = st.users.c
        name = conn.execute(sa.select(u.display_name, u.username).where(u.id == found["staff_user"])).first()
        found["staff_name"] = str(name.display_name or name.username) if name else "a removed account"
    return found


def _mine(h: Dict[str, Any]) -> bool:
    return h["status"] == "taken" and h["staff_user"] == g.user.id


def _status_text(h: Dict[str, Any]) -> str:
    if h["status"] == "waiting":
        return "waiting for a person"
    if h["status"] == "taken":
        return "taken by you" if _mine(h) else f"taken by {h['staff_name']}"
    return f"closed ({REASONS.get(str(h['reason']), h['reason'] or 'no reason given')})"


def _state(h: Dict[str, Any]) -> str:
    """What the page's forms depend on; handoff.js says so when it changes under the page."""
    return f"{h['status']}:{h['staff_user'] or ''}"


def _message(r: Any) -> Dict[str, Any]:
    return {
        "seq": int(r.seq),
        "sender": str(r.sender),
        "who": SENDERS.get(str(r.sender), str(r.sender)),
        "at": r.created_at.strftime("%H:%M:%S"),
        "text": str(r.text),
    }


def _chat(conn: Connection, conversation_id: Optional[str], after: Optional[int]) -> Tuple[List[Dict[str, Any]], bool]:
    """Transcript messages, oldest first: the last CHAT (after=None), or up to CHAT after a seq; and whether
    earlier ones were left out."""
    if conversation_id is None:
        return [], False
    columns = sa.select(M.seq, M.sender, M.text, M.created_at).where(M.conversation_id == conversation_id)
    if after is not None:
        rows = conn.execute(columns.where(M.seq > after).order_by(M.seq).limit(CHAT)).all()
        return [_message(r) for r in rows], False
    rows = conn.execute(columns.order_by(M.seq.desc()).limit(CHAT + 1)).all()
    return [_message(r) for r in reversed(rows[:CHAT])], len(rows) > CHAT


def _unsent(conn: Connection, handoff_id: int) -> List[Dict[str, Any]]:
    """Staff messages and notices not delivered yet (with their text) or failed (their text is gone)."""
    rows = conn.execute(
        sa.select(HM.id, HM.kind, HM.text, HM.status, HM.reason)
        .where(HM.handoff_id == handoff_id, HM.status.in_(("queued", "claimed", "failed")))
        .order_by(HM.id)
        .limit(UNSENT)
    )
    shown = []
    for r in rows:
        failed = r.status == "failed"
        label = "Not delivered" + (f" ({r.reason})" if r.reason else "") if failed else "Sending…"
        if r.kind != "staff":
            label += " · notice"
        shown.append({"id": int(r.id), "kind": str(r.kind), "status": str(r.status), "label": label,
                      "text": "" if failed else str(r.text or "")})  # fmt: skip
    return shown


def _latest(conn: Connection, pseudonym: str) -> Optional[str]:
    return latest_conversations(conn, [pseudonym]).get(pseudonym)


def _page(handoff_id: int, error: Optional[str] = None, draft: str = "") -> Any:
    """The hand-off page; with `error`, after a refused send (400 for the text, 409 when not one's own)."""
    with engine().connect() as conn:
        h = _handoff(conn, handoff_id)
        conversation_id = _latest(conn, str(h["conversation"]))
        rows, earlier = _chat(conn, conversation_id, None)
        unsent = _unsent(conn, handoff_id)
    audit.record("handoff_view", str(handoff_id), shown=len(rows), **({"refused": True} if error else {}))
    page = render_template(
        "handoff.html",
        h=h,
        pseudonym=short_pseudonym(str(h["conversation"])),
        channel=CHANNELS.get(str(h["channel"]), str(h["channel"])),
        kind=KINDS.get(str(h["kind"]), str(h["kind"])),
        asked=format_when(float(h["created_at"]), time.time()),
        status_text=_status_text(h),
        state=_state(h),
        mine=_mine(h),
        conversation_id=conversation_id,
        rows=rows,
        earlier=earlier,
        after=rows[-1]["seq"] if rows else 0,
        unsent=unsent,
        error=error,
        draft=draft,
        max_text=store.MAX_TEXT,
    )
    return (page, 400 if _mine(h) else 409) if error else page


@bp.route("/handoffs/<int:handoff_id>")
@auth.require("read")
def conversation(handoff_id: int) -> Any:
    return _page(handoff_id)


def _json(body: Dict[str, Any]) -> Response:
    """JSON with <, > and & escaped inside its strings: inert even if something read it as HTML."""
    text = json.dumps(body, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Response(text, mimetype="application/json")


@bp.route("/handoffs/<int:handoff_id>/messages")
@auth.require("read")
def messages(handoff_id: int) -> Any:
    """What handoff.js appends: messages after `after` in the page's conversation; all of a newer one (reset)."""
    after = after_arg()
    known = request.args.get("conversation", "")
    if known and not queries.ID_RE.match(known):
        abort(400, description="conversation must be a conversation id")
    with engine().connect() as conn:
        h = _handoff(conn, handoff_id)
        conversation_id = _latest(conn, str(h["conversation"]))
        reset = bool(known) and conversation_id != known
        rows, _ = _chat(conn, conversation_id, 0 if reset else after)
        unsent = _unsent(conn, handoff_id)
    if rows:
        audit.record("handoff_view", str(handoff_id), shown=len(rows), after=after, fragment=True)
    return _json(
        {
            "state": _state(h),
            "status": _status_text(h),
            "conversation": conversation_id or "",
            "reset": reset,
            "after": rows[-1]["seq"] if rows else (0 if reset else after),
            "messages": rows,
            "unsent": unsent,
        }
    )


# -- changes ---------------------------------------------------------------------------------------
def _name() -> str:
    user = g.user
    return str(user.display_name or user.username)


def _org() -> str:
    return str(current_app.extensions["lantern_settings"].org_name)


def _change(handoff_id: int, fn: Any, *args: Any) -> Tuple[Any, Optional[str]]:
    """`fn(conn, handoff_id, *args)` in one transaction: (its result, None), or (None, the store's refusal).

    An unknown hand-off is a 404 before the store is asked.
    """
    try:
        with engine().begin() as conn:
            _handoff(conn, handoff_id)
            return fn(conn, handoff_id, *args), None
    except store.HandoffError as error:
        return None, str(error)


@bp.route("/handoffs/<int:handoff_id>/take", methods=["POST"])
@auth.require("respond")
def take(handoff_id: int) -> Any:
    notice = JOINED.format(name=_name(), org=_org())
    _, refused = _change(handoff_id, store.take, g.user.id, time.time(), notice)
    if refused:
        flash(f"Hand-off {handoff_id} was not taken: {refused}.")
        return redirect(url_for("handoffs.index"))
    audit.record("handoff_take", str(handoff_id))
    return redirect(url_for("handoffs.conversation", handoff_id=handoff_id, _anchor="reply-text"))


@bp.route("/handoffs/<int:handoff_id>/send", methods=["POST"])
@auth.require("respond")
def send(handoff_id: int) -> Any:
    text = (request.form.get("text") or "").replace("\r\n", "\n")  # browsers send \r\n; maxlength counts one
    message_id, refused = _change(handoff_id, store.send, g.user.id, text, time.time())
    if refused:
        return _page(handoff_id, error=f"Not sent: {refused}.", draft=text)
    audit.record("handoff_send", str(handoff_id), message=message_id, chars=len(text.strip()))
    return redirect(url_for("handoffs.conversation", handoff_id=handoff_id, _anchor="reply-text"))


@bp.route("/handoffs/<int:handoff_id>/hand-back", methods=["POST"])
@auth.require("respond")
def hand_back(handoff_id: int) -> Any:
    notice = LEFT.format(name=_name(), org=_org())
    _, refused = _change(handoff_id, store.hand_back, g.user.id, time.time(), notice)
    if refused:
        flash(f"Hand-off {handoff_id} was not handed back: {refused}.")
        return redirect(url_for("handoffs.conversation", handoff_id=handoff_id))
    audit.record("handoff_hand_back", str(handoff_id))
    flash(f"Hand-off {handoff_id} handed back: the bot answers again.")
    return redirect(url_for("handoffs.index"))


@bp.route("/handoffs/<int:handoff_id>/dismiss", methods=["POST"])
@auth.require("respond")
def dismiss(handoff_id: int) -> Any:
    _, refused = _change(handoff_id, store.dismiss, time.time())
    if refused:
        flash(f"Hand-off {handoff_id} was not dismissed: {refused}.")
        return redirect(url_for("handoffs.conversation", handoff_id=handoff_id))
    audit.record("handoff_dismiss", str(handoff_id))
    flash(f"Hand-off {handoff_id} dismissed.")
    return redirect(url_for("handoffs.index"))
