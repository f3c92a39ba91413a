"""The audit log: who did what, when. Append-only (the database refuses UPDATE and DELETE, st0001).

Every view, search, export, tag, deletion and login is recorded, with the target's id and the
filters used, never message text. Only admins can read it (staff/views/audit.py).
"""

from __future__ import annotations

import json
from typing import Any, Optional

from flask import g

from lantern.db import staff_tables as t
from staff.db import engine, utcnow


def record(action: str, target: Optional[str] = None, user: Optional[Any] = None, **detail: Any) -> None:
    """Append one entry; `user` defaults to the signed-in person (g.user), if any."""
    who = user if user is not None else g.get("user")
    with engine().begin() as conn:
        conn.execute(
            t.audit.insert().values(
                at=utcnow(),
                user_id=getattr(who, "id", None),
                username=getattr(who, "username", None),
                action=action[:32],
                target=(target or "")[:255] or None,
                detail=json.dumps(detail, sort_keys=True, default=str) if detail else None,
            )
        )
