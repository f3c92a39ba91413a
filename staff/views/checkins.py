"""Check-ins: what Lantern will text people, and how earlier check-ins ended (docs/checkins.md).

- GET /checkins   counts by status (and the reasons of failed ones), then the scheduled check-ins, soonest first

Read with SQLAlchemy Core on the console's own engine, never through CheckinStore: the store migrates its
table (the console leaves the bot's tables alone) and is the code that handles numbers. This page selects
named columns only, never `phone_enc`: whether a number is attached is computed in the database
(`phone_enc IS NOT NULL`), so no number, not even encrypted, reaches the console, and nothing here knows
the contact key. A database where nobody has booked a check-in yet has no `checkins` table: the page is
then empty, like a table with no rows.

A row names its person by pseudonym; the console keys conversations by their own id, so the pseudonym is
shown shortened and links to that person's latest conversation when the transcripts hold one. Viewing the
page is audited like the conversation list (counts, never pseudonyms).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, render_template
from sqlalchemy.engine import Connection

from lantern.db.checkin_tables import STATUSES, checkins
from lantern.records.transcripts.models import Conversation
from staff import audit, auth
from staff.db import engine

bp = Blueprint("checkins", __name__)
C = Conversation.__table__
UPCOMING = 100  # scheduled rows shown; the count above says how many there are in all
REASONS = 20  # distinct failure reasons shown, the most frequent first
SHORT = 10  # characters of a pseudonym shown ("p_" and 8 more: enough to tell people apart on one page)
LABELS = {"claimed": "being sent"}  # the other statuses read as they are stored


@dataclass
class Upcoming:
    """One scheduled check-in as the page shows it: times already formatted, no number."""

    id: int
    due_utc: str
    due_local: str
    tz: str
    step: str
    has_phone: bool
    overdue: bool
    pseudonym: str
    conversation_id: Optional[str]


@dataclass
class Overview:
    present: bool  # whether the checkins table exists yet
    counts: List[Tuple[str, int]] = field(default_factory=list)
    reasons: List[Tuple[str, int]] = field(default_factory=list)
    rows: List[Upcoming] = field(default_factory=list)
    scheduled: int = 0


def short_pseudonym(pseudonym: str) -> str:
    """Enough of a pseudonym to tell rows apart; the whole one is a key across tables, not for the screen."""
    return pseudonym if len(pseudonym) <= SHORT else pseudonym[:SHORT] + "…"


def format_times(due_at: float, tz: str) -> Tuple[str, str]:
    """(UTC, the person's local time with the zone's abbreviation); an unknown zone shows UTC's time again."""
    moment = datetime.fromtimestamp(due_at, timezone.utc)
    utc = moment.strftime("%Y-%m-%d %H:%M")
    try:
        local = moment.astimezone(ZoneInfo(tz))
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError; the store refuses such zones anyway
        return utc, f"{moment.strftime('%a %Y-%m-%d %H:%M')} UTC (zone unknown)"
    return utc, local.strftime("%a %Y-%m-%d %H:%M %Z")


def _counts(conn: Connection) -> Tuple[List[Tuple[str, int]], List[Tuple[str, int]]]:
    """Rows by status (every status, 0 when none) and the failed rows by reason: two GROUP BYs on indexed columns."""
    c = checkins.c
    found = {str(status): int(n) for status, n in conn.execute(sa.select(c.status, sa.func.count()).group_by(c.status))}
    counts = [(LABELS.get(status, status), found.get(status, 0)) for status in STATUSES]
    counts += [(status, n) for status, n in sorted(found.items()) if status not in STATUSES]
    n = sa.func.count().label("n")
    reasons = [
        (str(reason or "(none given)"), int(count))
        for reason, count in conn.execute(
            sa.select(c.reason, n).where(c.status == "failed").group_by(c.reason).order_by(n.desc(), c.reason)
            .limit(REASONS)
        )
    ]  # fmt: skip
    return counts, reasons


def _latest_conversations(conn: Connection, pseudonyms: Sequence[str]) -> Dict[str, str]:
    """Each pseudonym's most recent conversation id, for those the transcripts hold (sender_pseudonym is indexed)."""
    if not pseudonyms:
        return {}
    latest: Dict[str, str] = {}
    rows = conn.execute(
        sa.select(C.c.sender_pseudonym, C.c.id)
        .where(C.c.sender_pseudonym.in_(sorted(set(pseudonyms))))
        .order_by(C.c.last_message_at, C.c.id)
    )
    for pseudonym, conversation_id in rows:
        latest[str(pseudonym)] = str(conversation_id)  # later rows win: the newest is kept
    return latest


def _upcoming(conn: Connection, now: float, limit: int) -> List[Upcoming]:
    """Scheduled rows soonest first, as `CheckinStore.upcoming` orders them, without selecting the number."""
    c = checkins.c
    rows = conn.execute(
        sa.select(c.id, c.sender, c.step, c.due_at, c.tz, c.phone_enc.isnot(None).label("has_phone"))
        .where(c.status == "scheduled")
        .order_by(c.due_at, c.id)
        .limit(limit)
    ).all()
    links = _latest_conversations(conn, [r.sender for r in rows])
    shown = []
    for r in rows:
        utc, local = format_times(float(r.due_at), str(r.tz))
        shown.append(
            Upcoming(
                id=int(r.id),
                due_utc=utc,
                due_local=local,
                tz=str(r.tz),
                step=str(r.step or ""),
                has_phone=bool(r.has_phone),
                overdue=float(r.due_at) < now,
                pseudonym=short_pseudonym(str(r.sender)),
                conversation_id=links.get(str(r.sender)),
            )
        )
    return shown


def overview(conn: Connection, now: float, limit: int = UPCOMING) -> Overview:
    """Everything the page shows; an empty overview when the checkins table does not exist yet."""
    if not sa.inspect(conn).has_table(checkins.name):
        return Overview(present=False)
    counts, reasons = _counts(conn)
    scheduled = next((n for status, n in counts if status == "scheduled"), 0)
    return Overview(present=True, counts=counts, reasons=reasons, rows=_upcoming(conn, now, limit), scheduled=scheduled)


@bp.route("/checkins")
@auth.require("read")
def index() -> Any:
    with engine().connect() as conn:
        found = overview(conn, time.time())
    audit.record("view_checkins", None, shown=len(found.rows), scheduled=found.scheduled)
    return render_template("checkins.html", o=found, limit=UPCOMING)
