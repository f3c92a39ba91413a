"""Where conversations are kept, and why a failed write must not be silent.

Rasa wraps every tracker store in `FailSafeTrackerStore`, which on a database
error logs and carries on with an in-memory copy: the reply still goes out and
the conversation quietly vanishes when the process ends (and a failed *read*
quietly starts the person over with an empty history). For Lantern a lost
conversation is lost follow-up and lost care, so `make_tracker_store_strict()`
makes those errors propagate: the turn fails, the channel answers with an HTTP
error, and `/webhooks/health/` reports the store as down.
"""
from __future__ import annotations

import itertools
import json
import logging
import time
from typing import Any, Dict, Iterator, List, Optional

import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(RuntimeError):
    """The conversation could not be read from or written to the database."""


def _raise_store_error(error: Exception) -> None:
    """`FailSafeTrackerStore` callback: log without user data, then re-raise."""
    StoreHealth.record_failure(error)
    logger.error("tracker store failed (%s); the turn is aborted, nothing falls back to memory",
                 type(error).__name__)
    raise TrackerStoreUnavailable(type(error).__name__) from error


def make_tracker_store_strict() -> None:
    """Make every agent wrap its tracker store with a fail-safe that re-raises.

    Rasa builds the wrapper in `Agent._create_tracker_store` without the
    error callback it supports; this gives it one. Called once by
    `bot.server` before Rasa starts.
    """

    def _create(store: Optional[TrackerStore], domain: Domain) -> TrackerStore:
        if store is None:
            raise TrackerStoreUnavailable("no tracker store configured in endpoints.yml")
        store.domain = domain
        return FailSafeTrackerStore(store, on_tracker_store_error=_raise_store_error)

    Agent._create_tracker_store = staticmethod(_create)  # type: ignore[assignment]


class StoreHealth:
    """Process-wide record of the last tracker store failure, for the health check."""

    last_failure: Optional[float] = None
    last_error: str = ""

    @classmethod
    def record_failure(cls, error: Exception) -> None:
        cls.last_failure = time.time()
        cls.last_error = type(error).__name__

    @classmethod
    def record_success(cls) -> None:
        cls.last_failure = None
        cls.last_error = ""


# How many recent events of a conversation the dialogue works with. Policies
# look at the last few turns only (max_history 5), but Rasa rebuilds and
# featurises the whole session on every turn, so a long conversation gets
# slower with every message (about 10x by turn 200). Loading a window of recent
# events plus a snapshot of the state before it keeps each turn's cost flat.
# Nothing is dropped from the database: only what is loaded for a turn.
WINDOW_EVENTS = 60
_LOADED_ATTR = "_lantern_events_loaded"


class LanternTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, configured by one SQLAlchemy URL, with a bounded working window.

    endpoints.yml passes `url: ${LANTERN_DB_URL}`, which Rasa hands over as
    `host`; a host containing `://` is used as the whole URL. SQLite is the
    embedded default, PostgreSQL the production one.
    """

    def __init__(self, domain: Optional[Domain] = None, host: Optional[str] = None,
                 window_events: int = WINDOW_EVENTS, **kwargs: Any) -> None:
        if not host or "://" not in host:
            raise TrackerStoreUnavailable("tracker store needs a SQLAlchemy URL (LANTERN_DB_URL)")
        _prepare_sqlite_folder(host)
        self.window_events = int(window_events)
        super().__init__(domain=domain, host=host, **kwargs)
        with self.engine.begin() as conn:
            conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_events_sender_type ON events (sender_id, type_name)"))

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The current session: its last `window_events` events, after a snapshot of the state before them."""
        if not self.domain:
            return None
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            rows = query.order_by(None).order_by(self.SQLEvent.id.desc()).limit(self.window_events + 1).all()[::-1]
            if not rows:
                return None
            snapshot: List[Dict[str, Any]] = []
            if len(rows) > self.window_events:
                rows = rows[1:]
                while len(rows) > 1 and rows[0].type_name != "user":  # start at a turn boundary
                    rows.pop(0)
                snapshot = self._state_before(session, query, rows[0].id)
            events = snapshot + [json.loads(row.data) for row in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, _LOADED_ATTR, len(tracker.events))
        return tracker

    def _state_before(self, session: Any, query: Any, cut_id: int) -> List[Dict[str, Any]]:
        """Events that rebuild the state at `cut_id`: session start, latest slot values, active loop."""
        E = self.SQLEvent
        before = query.filter(E.id < cut_id).order_by(None)
        last_reset = before.filter(E.type_name.in_(("restart", "session_started", "reset_slots"))) \
            .with_entities(sa.func.max(E.id)).scalar() or 0
        ids = [i for (i,) in before.filter(E.type_name == "slot", E.id > last_reset)
               .with_entities(sa.func.max(E.id)).group_by(E.action_name).all()]
        for types in (("active_loop",), ("restart", "session_started")):
            latest = before.filter(E.type_name.in_(types)).with_entities(sa.func.max(E.id)).scalar()
            if latest:
                ids.append(latest)
        rows = session.query(E).filter(E.id.in_(ids)).order_by(E.id).all() if ids else []
        return [json.loads(row.data) for row in rows]

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Events not yet stored: those after what `retrieve` loaded (Rasa would count them in the database)."""
        loaded = getattr(tracker, _LOADED_ATTR, None)
        if loaded is None:  # a tracker `retrieve` did not build: Rasa's own way
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, loaded, len(tracker.events))

    async def save(self, tracker: Any) -> None:
        await super().save(tracker)
        setattr(tracker, _LOADED_ATTR, len(tracker.events))  # a second save adds only newer events
        StoreHealth.record_success()

    def check_writable(self) -> None:
        """Do a real write in a transaction and roll it back; raise if the database can't."""
        with self.engine.connect() as conn:
            tx = conn.begin()
            try:
                conn.execute(
                    sa.text("UPDATE events SET id = id WHERE id = (SELECT MAX(id) FROM events)")
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO events (sender_id, type_name, timestamp, data) "
                        "VALUES ('__health__', 'health', 0, '{}')"
                    )
                )
            finally:
                tx.rollback()


def _prepare_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite file so a fresh checkout starts without setup."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        from pathlib import Path

        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def unwrap(store: TrackerStore) -> TrackerStore:
    """The concrete store behind Rasa's wrappers (fail-safe, awaitable)."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store  # noqa: SLF001 - Rasa keeps no public accessor
    return store
