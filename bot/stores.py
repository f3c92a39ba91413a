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

import logging
import time
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain

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


class LanternTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, configured by one SQLAlchemy URL.

    endpoints.yml passes `url: ${LANTERN_DB_URL}`, which Rasa hands over as
    `host`; a host containing `://` is used as the whole URL. SQLite is the
    embedded default, PostgreSQL the production one.
    """

    def __init__(self, domain: Optional[Domain] = None, host: Optional[str] = None, **kwargs: Any) -> None:
        if not host or "://" not in host:
            raise TrackerStoreUnavailable("tracker store needs a SQLAlchemy URL (LANTERN_DB_URL)")
        _prepare_sqlite_folder(host)
        super().__init__(domain=domain, host=host, **kwargs)

    async def save(self, tracker: Any) -> None:
        await super().save(tracker)
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
