"""The audit log page (admins only): who did what, when; newest first, filtered and paged.

Filters: user name (exact, case-insensitive, as names are stored), action (exact), and a date
range in UTC (both days included). Paging fetches one row more than a page to know whether
there is a next one, so no COUNT over the whole log. Viewing the log is itself logged.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from lantern.db import staff_tables as t
from staff import audit, auth
from staff.db import engine

bp = Blueprint("audit_log", __name__)
PAGE_SIZE = 50
MAX_PAGE = 10_000


def _day(value: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat((value or "").strip()) if value and value.strip() else None
    except ValueError:
        return None


def _page(value: Optional[str]) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def _detail(text: Optional[str]) -> List[Tuple[str, str]]:
    """The JSON detail as (key, value) pairs to show; anything else as it is."""
    if not text:
        return []
    try:
        found = json.loads(text)
    except ValueError:
        return [("", text)]
    if not isinstance(found, dict):
        return [("", text)]
    return [(str(k), v if isinstance(v, str) else json.dumps(v, sort_keys=True)) for k, v in found.items()]


@bp.route("/audit")
@auth.require("audit")
def index() -> Any:
    a = t.audit.c
    user = request.args.get("user", "").strip().lower()[:64]
    action = request.args.get("action", "").strip()[:32]
    since, until = _day(request.args.get("from")), _day(request.args.get("to"))
    page = _page(request.args.get("page"))
    errors = [
        f"“{request.args.get(name, '')[:40]}” is not a date (use YYYY-MM-DD)."
        for name, value in (("from", since), ("to", until))
        if request.args.get(name, "").strip() and value is None
    ]
    query = sa.select(a.id, a.at, a.username, a.action, a.target, a.detail)
    if user:
        query = query.where(a.username == user)
    if action:
        query = query.where(a.action == action)
    if since:
        query = query.where(a.at >= datetime.combine(since, datetime.min.time()))
    if until:
        query = query.where(a.at < datetime.combine(until + timedelta(days=1), datetime.min.time()))
    query = query.order_by(a.at.desc(), a.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    with engine().connect() as conn:
        rows = conn.execute(query).all()
        actions = [r[0] for r in conn.execute(sa.select(a.action).distinct().order_by(a.action))]
    entries = [dict(row._mapping, details=_detail(row.detail)) for row in rows[:PAGE_SIZE]]
    filters: Dict[str, Any] = {
        "user": user, "action": action, "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
    }  # fmt: skip
    links = {k: v for k, v in filters.items() if v}
    audit.record("view_audit", filters=links, page=page)  # not as keywords: `user` and `action` are record()'s
    return render_template(
        "audit.html",
        entries=entries,
        actions=actions,
        filters=filters,
        links=links,
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        errors=errors,
    ), (400 if errors else 200)
