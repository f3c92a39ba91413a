"""Which stored conversations are the console's own "Try it" chats (staff/views/try_it.py).

The bot stores a try-it chat like any other, under the keyed pseudonym of its sender id
(lantern/identity.py), so the sender's "try-" prefix never reaches the database. The audit entry of
each start (`try_start`) names that pseudonym instead: the conversation list, the crisis queue, the
export (staff/queries.py) and the dashboard (staff/stats.py) leave those conversations out, the
list unless asked (`tries=include`). The audit log has an index on `action`, so the few start
entries are found without reading the rest of it.
"""

from __future__ import annotations

from typing import Any, Set

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lantern.db import staff_tables as st
from lantern.records.transcripts.models import Conversation

AUDIT_START = "try_start"


def started_pseudonyms() -> Any:
    """The stored sender ids of every try-it conversation started (a subquery)."""
    audit = st.audit.c
    return sa.select(audit.target).where(audit.action == AUDIT_START, audit.target.isnot(None))


def not_try_it(pseudonym_column: Any) -> Any:
    """A WHERE clause keeping only conversations that are not try-it chats."""
    return pseudonym_column.notin_(started_pseudonyms())


def conversation_ids(conn: Connection) -> Set[str]:
    """The transcript ids of every try-it conversation (a handful: trainers start them by hand)."""
    c = Conversation.__table__.c
    return {row[0] for row in conn.execute(sa.select(c.id).where(c.sender_pseudonym.in_(started_pseudonyms())))}
