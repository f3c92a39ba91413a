"""Hand-offs kept in the database: the queue staff see, who has a conversation, and what staff send.

Three processes share these rows, each through this module:

- the Rasa server's channels open a hand-off (`open_handoff`) after a turn that asked for a person or
  answered a crisis, look up whether a conversation is taken before each turn (`status_of`), and
  deliver queued messages (`pending`, `claim`, `finish`);
- the staff console takes a conversation (`take`), queues replies (`send`) and hands it back
  (`hand_back`, `dismiss`).

Every change is one conditional UPDATE, so two staff members cannot both take one conversation and
two replicas cannot both deliver one message: only the one whose UPDATE changed the row goes on.
Functions take a Connection inside the caller's transaction and `now` (epoch seconds), so tests drive
the clock. Nothing here returns `phone_enc` except `phone_of`, which the SMS channel alone calls.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lantern import db
from lantern.db.handoff_tables import OPEN, handoff_messages, handoffs

H, M = handoffs.c, handoff_messages.c
STALE_CLAIM_S = 60.0  # a message claimed this long ago by a replica that never finished it is offered again
MAX_TEXT = 1600  # characters of one staff message (ten SMS segments); the console says so
CHANNELS = ("socketio", "sms")  # the channels a staff reply can reach (REST has no way to push a message)


class HandoffError(ValueError):
    """A change that cannot be made: someone else has the conversation, it is closed, the text is empty."""


def open_handoff(
    conn: Connection, conversation: str, channel: str, kind: str, now: float, phone_enc: Optional[str] = None
) -> int:
    """The conversation's open hand-off, made if there is none; its id.

    A second request while one is open adds nothing (one queue entry per conversation). A crisis
    raises a waiting request's kind to "crisis", so the queue shows it first.
    """
    if channel not in CHANNELS:
        raise HandoffError(f"staff cannot reply over {channel!r}")
    found = conn.execute(
        sa.select(H.id, H.kind, H.phone_enc).where(H.conversation == conversation, H.status.in_(OPEN))
    ).first()
    if found is None:
        return int(
            conn.execute(
                handoffs.insert().values(
                    conversation=conversation,
                    channel=channel,
                    kind=kind,
                    status="waiting",
                    phone_enc=phone_enc,
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
        )
    changes: Dict[str, Any] = {}
    if kind == "crisis" and found.kind != "crisis":
        changes["kind"] = "crisis"
    if phone_enc and not found.phone_enc:
        changes["phone_enc"] = phone_enc
    if changes:
        conn.execute(handoffs.update().where(H.id == found.id).values(updated_at=now, **changes))
    return int(found.id)


def status_of(conn: Connection, conversation: str) -> Optional[str]:
    """ "waiting", "taken", or None when the conversation has no open hand-off."""
    return conn.execute(
        sa.select(H.status).where(H.conversation == conversation, H.status.in_(OPEN)).order_by(H.id.desc()).limit(1)
    ).scalar()


def get(conn: Connection, handoff_id: int) -> Optional[Dict[str, Any]]:
    """One hand-off without its number (`has_phone` says whether there is one)."""
    row = conn.execute(
        sa.select(*[c for c in handoffs.c if c.name != "phone_enc"], H.phone_enc.isnot(None).label("has_phone")).where(
            H.id == handoff_id
        )
    ).first()
    return dict(row._mapping) if row is not None else None


def _queue(conn: Connection, handoff_id: int, kind: str, text: str, staff_user: Optional[int], now: float) -> int:
    return int(
        conn.execute(
            handoff_messages.insert().values(
                handoff_id=handoff_id,
                kind=kind,
                text=text,
                chars=len(text),
                staff_user=staff_user,
                status="queued",
                created_at=now,
            )
        ).inserted_primary_key[0]
    )


def take(conn: Connection, handoff_id: int, staff_user: int, now: float, notice: str) -> None:
    """`staff_user` takes a waiting conversation (or keeps their own); the person is told with `notice`."""
    changed = conn.execute(
        handoffs.update()
        .where(H.id == handoff_id, H.status == "waiting")
        .values(status="taken", staff_user=staff_user, taken_at=now, updated_at=now)
    ).rowcount
    if changed == 1:
        _queue(conn, handoff_id, "joined", notice, staff_user, now)
        return
    row = get(conn, handoff_id)
    if row is None:
        raise HandoffError("no such hand-off")
    if row["status"] == "taken" and row["staff_user"] == staff_user:
        return
    raise HandoffError("someone else has taken it" if row["status"] == "taken" else "it is closed")


def send(conn: Connection, handoff_id: int, staff_user: int, text: str, now: float) -> int:
    """Queue a staff reply in a conversation this staff member has taken; the message's id."""
    text = (text or "").strip()
    if not text:
        raise HandoffError("the message is empty")
    if len(text) > MAX_TEXT:
        raise HandoffError(f"the message is longer than {MAX_TEXT} characters")
    row = get(conn, handoff_id)
    if row is None or row["status"] != "taken" or row["staff_user"] != staff_user:
        raise HandoffError("take the conversation first" if row and row["status"] == "waiting" else "it is not yours")
    conn.execute(handoffs.update().where(H.id == handoff_id).values(updated_at=now))
    return _queue(conn, handoff_id, "staff", text, staff_user, now)


def _close(conn: Connection, where: Any, reason: str, now: float) -> int:
    return int(
        conn.execute(
            handoffs.update()
            .where(where, H.status.in_(OPEN))
            .values(status="closed", closed_at=now, updated_at=now, reason=reason, phone_enc=None)
        ).rowcount
    )


def hand_back(conn: Connection, handoff_id: int, staff_user: int, now: float, notice: str) -> None:
    """The bot answers again; the person is told with `notice` (sent before the number is dropped)."""
    row = get(conn, handoff_id)
    if row is None or row["status"] != "taken" or row["staff_user"] != staff_user:
        raise HandoffError("it is not yours to hand back")
    _queue(conn, handoff_id, "left", notice, staff_user, now)
    conn.execute(
        handoffs.update()
        .where(H.id == handoff_id)
        .values(status="closed", closed_at=now, updated_at=now, reason="handed_back")
    )


def dismiss(conn: Connection, handoff_id: int, now: float) -> None:
    """Close a waiting request nobody will take (the person left, or it was answered another way)."""
    if _close(conn, sa.and_(H.id == handoff_id, H.status == "waiting"), "dismissed", now) != 1:
        raise HandoffError("only a waiting request can be dismissed")


def close_for(conn: Connection, conversation: str, reason: str, now: float) -> int:
    """Close the conversation's open hand-off (STOP); its queued messages are not sent. The rows closed."""
    ids = _open_ids(conn, conversation)
    if ids:
        conn.execute(
            handoff_messages.update()
            .where(M.handoff_id.in_(ids), M.status == "queued")
            .values(status="failed", reason=reason, text=None)
        )
    return _close(conn, H.conversation == conversation, reason, now)


def _open_ids(conn: Connection, conversation: str) -> List[int]:
    return list(conn.execute(sa.select(H.id).where(H.conversation == conversation, H.status.in_(OPEN))).scalars())


def forget(conn: Connection, conversation: str) -> int:
    """Delete every hand-off of the conversation and its messages (erasure); the hand-offs deleted."""
    ids = list(conn.execute(sa.select(H.id).where(H.conversation == conversation)).scalars())
    if ids:
        conn.execute(handoff_messages.delete().where(M.handoff_id.in_(ids)))
    return int(conn.execute(handoffs.delete().where(H.conversation == conversation)).rowcount)


# -- delivery (the Rasa server's channels) ---------------------------------------------------------
def pending(conn: Connection, channel: str, now: float, limit: int = 50) -> List[Dict[str, Any]]:
    """Messages waiting to go out over `channel`, oldest first: a stale claim counts as waiting again."""
    ready = sa.or_(M.status == "queued", sa.and_(M.status == "claimed", M.claimed_at < now - STALE_CLAIM_S))
    rows = conn.execute(
        sa.select(M.id, M.handoff_id, M.kind, M.text, H.conversation)
        .select_from(handoff_messages.join(handoffs, H.id == M.handoff_id))
        .where(ready, H.channel == channel)
        .order_by(M.id)
        .limit(limit)
    )
    return [dict(row._mapping) for row in rows]


def claim(conn: Connection, message_id: int, worker: str, now: float) -> bool:
    """True for the one worker whose UPDATE took the message."""
    ready = sa.or_(M.status == "queued", sa.and_(M.status == "claimed", M.claimed_at < now - STALE_CLAIM_S))
    return (
        conn.execute(
            handoff_messages.update()
            .where(M.id == message_id, ready)
            .values(status="claimed", claimed_by=worker, claimed_at=now)
        ).rowcount
        == 1
    )


def finish(conn: Connection, message_id: int, worker: str, now: float, reason: Optional[str] = None) -> None:
    """Delivered (no reason) or failed (a code); the text is dropped either way.

    A closed hand-off's number is dropped with its last message (the "left" notice needs it until then).
    """
    conn.execute(
        handoff_messages.update()
        .where(M.id == message_id, M.claimed_by == worker)
        .values(
            status="failed" if reason else "delivered", delivered_at=None if reason else now, reason=reason, text=None
        )
    )
    handoff_id = conn.execute(sa.select(M.handoff_id).where(M.id == message_id)).scalar()
    unsent = sa.select(M.id).where(M.handoff_id == handoff_id, M.status.in_(("queued", "claimed"))).exists()
    conn.execute(handoffs.update().where(H.id == handoff_id, H.status == "closed", ~unsent).values(phone_enc=None))


def release(conn: Connection, message_id: int, worker: str) -> None:
    """Give a claimed message back unsent (its socket went away between the look and the send)."""
    conn.execute(
        handoff_messages.update()
        .where(M.id == message_id, M.claimed_by == worker, M.status == "claimed")
        .values(status="queued", claimed_by=None, claimed_at=None)
    )


def phone_of(conn: Connection, handoff_id: int, key: str) -> Optional[str]:
    """The number an SMS hand-off's messages go to (decrypted); None when it has none or the key changed."""
    from lantern.checkins.contact import decrypt_number  # here, not at the top: the console never loads it

    token = conn.execute(sa.select(H.phone_enc).where(H.id == handoff_id)).scalar()
    return decrypt_number(token, key) if token else None


def encrypted(number: str, key: str) -> str:
    """The number as stored on an SMS hand-off (lantern/checkins/contact.py)."""
    from lantern.checkins.contact import encrypt_number

    return encrypt_number(number, key)


class HandoffStore:
    """The tables of one database for the Rasa server (the console uses the functions on its own engine)."""

    def __init__(self, db_url: str) -> None:
        self.engine = db.create_engine(db_url)
        db.upgrade(self.engine, groups=("handoffs",))  # lantern/db/migrations/versions/handoffs

    def run(self, fn: Any, *args: Any) -> Any:
        """`fn(conn, *args)` in one transaction."""
        with self.engine.begin() as conn:
            return fn(conn, *args)

    def dispose(self) -> None:
        self.engine.dispose()
