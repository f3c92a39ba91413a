"""Where conversations are kept, and why a failed write must not be silent.

Rasa wraps every tracker store in `FailSafeTrackerStore`, which on a database
error logs and carries on with an in-memory copy: the reply still goes out and
the conversation quietly vanishes when the process ends (and a failed *read*
quietly starts the person over with an empty history). For Lantern a lost
conversation is lost follow-up and lost care, so `strict_tracker_store()`
makes those errors propagate: the turn fails, the channel answers with an HTTP
error, and `/webhooks/health/` reports the store as down.

Privacy at rest (docs/transcripts.md): `LanternTrackerStore` never writes raw
user text, identifying entity or slot values, or bot text repeating them
(`lantern.records.transcripts.scrub` anonymizes copies of the events on save; the live
tracker keeps the real values for the current turn and the action server), and
stores sender ids only as keyed pseudonyms (HMAC with LANTERN_PSEUDONYM_KEY),
also on every read, so the HTTP API still works with the raw id. Each save also
writes the anonymized transcript rows in the same transaction.

Deletion in the chat (actions/erasure.py, docs/transcripts.md): when a turn's new
events set the slot `erase_requested` (the person said yes to "delete this whole
conversation?"), the save deletes every event and transcript row of the sender's
pseudonym instead of writing the turn, in one transaction. The action server
cannot do it: Rasa saves the tracker after the action ran, and that save would
write the conversation back. The reply is still sent; the next message starts a
new conversation.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from lantern.identity import stored_id
from rasa_plugins.channels.turns import CURRENT_TICKET, TurnAbandoned, TurnTicket

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(RuntimeError):
    """The conversation could not be read from or written to the database."""


def _raise_store_error(error: Exception) -> None:
    """`FailSafeTrackerStore` callback: log without user data, then re-raise."""
    if isinstance(error, TurnAbandoned):  # the channel's decision, not a database fault
        raise error
    logger.error("tracker store failed (%s); the turn is aborted, nothing falls back to memory", type(error).__name__)
    raise TrackerStoreUnavailable(type(error).__name__) from error


def strict_tracker_store(store: Optional[TrackerStore], domain: Domain) -> TrackerStore:
    """`Agent._create_tracker_store` with a fail-safe that re-raises (installed by rasa_plugins/patches.py).

    Rasa builds the wrapper in `Agent._create_tracker_store` without the
    error callback it supports; this gives it one.
    """
    if store is None:
        raise TrackerStoreUnavailable("no tracker store configured in endpoints.yml")
    store.domain = domain
    return FailSafeTrackerStore(store, on_tracker_store_error=_raise_store_error)


# How many recent events of a conversation the dialogue works with (about six
# turns). Policies look at the last few turns only (max_history 4), but Rasa rebuilds and
# featurises the whole session on every turn, so a long conversation gets
# slower with every message (about 10x by turn 200). Loading a window of recent
# events plus a snapshot of the state before it keeps each turn's cost flat.
# Nothing is dropped from the database: only what is loaded for a turn.
WINDOW_EVENTS = 40
_LOADED_ATTR = "_lantern_events_loaded"
# A locked or dropped database gets one more try before the turn fails (503).
SAVE_ATTEMPTS = 2
RETRY_DELAY_SECONDS = 0.2
ERASE_SLOT = "erase_requested"  # set by actions/erasure.py on a confirmed "delete my chat"
HEALTH_BUSY_TIMEOUT_MS = 500  # the health probe waits this long for a lock, then reports the database as failing

# Database work runs in these threads, never on the server's event loop: a locked
# database then delays only the turns that need it, not every person's reply.
_DB_THREADS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lantern-db")
_SCRUB_LOCK = threading.Lock()  # the anonymizer runs one turn at a time (spaCy's pipeline is shared)


async def off_loop(fn: Callable[..., Any], *args: Any) -> Any:
    """Run blocking database work in a worker thread."""
    return await asyncio.get_running_loop().run_in_executor(_DB_THREADS, fn, *args)


class LanternTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, configured by one SQLAlchemy URL, with a bounded working window.

    endpoints.yml passes `url: ${LANTERN_DB_URL}`, which Rasa hands over as
    `host`; a host containing `://` is used as the whole URL. SQLite is the
    embedded default, PostgreSQL the production one.
    """

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        window_events: int = WINDOW_EVENTS,
        pseudonym_key: Optional[str] = None,
        anonymizer: Any = None,
        save_attempts: int = SAVE_ATTEMPTS,
        **kwargs: Any,
    ) -> None:
        if not host or "://" not in host:
            raise TrackerStoreUnavailable("tracker store needs a SQLAlchemy URL (LANTERN_DB_URL)")
        from lantern import db
        from lantern import settings as settings_mod
        from lantern.records.transcripts.scrub import DomainInfo, Scrubber

        s = settings_mod.load()
        self.pseudonym_key = pseudonym_key or s.pseudonym_key
        if not self.pseudonym_key:
            raise TrackerStoreUnavailable("LANTERN_PSEUDONYM_KEY is empty: `make run` generates it into .env")
        _prepare_sqlite_folder(host)
        self.window_events = int(window_events)
        self.save_attempts = max(1, int(save_attempts))
        super().__init__(domain=domain, host=host, **kwargs)
        # Rasa made the engine and the `events` table: Lantern's pragmas, WAL and short waits (lantern/db/engine.py),
        # then the `events` indexes and the transcript migrations (lantern/db/schema.py), in one upgrade.
        db.configure(self.engine, short_waits=True)
        db.upgrade(self.engine, groups=("transcripts",))
        self.scrubber = Scrubber(DomainInfo.from_domain(domain), anonymizer)
        self._scrubber_domain = domain
        self.scrubber.anonymizer.load()  # spaCy now, not on the first person's turn
        self.last_save_ms: Dict[str, float] = {}  # scrub / write timings of the last save (bench)

    def pseudonym(self, sender_id: str) -> str:
        """What the database holds instead of the conversation id (lantern/identity.py: one namespace per channel)."""
        return stored_id(sender_id, self.pseudonym_key)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The current session: its last `window_events` events, after a snapshot of the state before them."""
        if not self.domain:
            return None
        events = await off_loop(self._load_window, self.pseudonym(sender_id))
        if events is None:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, _LOADED_ATTR, len(tracker.events))
        return tracker

    def _load_window(self, pseudonym: str) -> Optional[List[Dict[str, Any]]]:
        """Database part of `retrieve`, run in a worker thread."""
        with self.session_scope() as session:
            query = self._event_query(session, pseudonym, fetch_events_from_all_sessions=False)
            rows = query.order_by(None).order_by(self.SQLEvent.id.desc()).limit(self.window_events + 1).all()[::-1]
            if not rows:
                return None
            snapshot: List[Dict[str, Any]] = []
            if len(rows) > self.window_events:
                rows = rows[1:]
                while len(rows) > 1 and rows[0].type_name != "user":  # start at a turn boundary
                    rows.pop(0)
                snapshot = self._state_before(session, query, rows[0].id)
            return snapshot + [json.loads(row.data) for row in rows]

    def _state_before(self, session: Any, query: Any, cut_id: int) -> List[Dict[str, Any]]:
        """Events that rebuild the state at `cut_id`: session start, latest slot values, active loop."""
        E = self.SQLEvent
        before = query.filter(E.id < cut_id).order_by(None)
        last_reset = (
            before.filter(E.type_name.in_(("restart", "session_started", "reset_slots")))
            .with_entities(sa.func.max(E.id))
            .scalar()
            or 0
        )
        ids = [
            i
            for (i,) in before.filter(E.type_name == "slot", E.id > last_reset)
            .with_entities(sa.func.max(E.id))
            .group_by(E.action_name)
            .all()
        ]
        for types in (("active_loop",), ("restart", "session_started")):
            latest = before.filter(E.type_name.in_(types)).with_entities(sa.func.max(E.id)).scalar()
            if latest:
                ids.append(latest)
        rows = session.query(E).filter(E.id.in_(ids)).order_by(E.id).all() if ids else []
        return [json.loads(row.data) for row in rows]

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Events not yet stored: those after what `retrieve` loaded (Rasa would count them in the database)."""
        loaded = getattr(tracker, _LOADED_ATTR, None)
        if loaded is None:  # a tracker `retrieve` did not build: Rasa's own way, under the pseudonym
            stored = self._event_query(
                session, self.pseudonym(tracker.sender_id), fetch_events_from_all_sessions=False
            ).count()
            return itertools.islice(tracker.events, stored, len(tracker.events))
        return itertools.islice(tracker.events, loaded, len(tracker.events))

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        """Every event of every session, looked up by pseudonym, returned under the id asked for."""

        def load() -> List[Dict[str, Any]]:
            with self.session_scope() as session:
                rows = self._event_query(
                    session, self.pseudonym(conversation_id), fetch_events_from_all_sessions=True
                ).all()
                return [json.loads(row.data) for row in rows]

        events = await off_loop(load)
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(conversation_id, events, self.domain.slots)

    async def exists(self, conversation_id: str) -> bool:
        def query() -> bool:
            with self.session_scope() as session:
                return (
                    session.query(self.SQLEvent.id)
                    .filter(self.SQLEvent.sender_id == self.pseudonym(conversation_id))
                    .first()
                    is not None
                )

        return await off_loop(query)

    async def keys(self) -> Iterable[str]:
        """Pseudonyms, not sender ids: the raw ids are not stored anywhere."""
        return await super().keys()

    async def _scrub(self, tracker: DialogueStateTracker, events: List[Any]) -> Any:
        """Anonymize the turn's events in a worker thread.

        The anonymizer (spaCy) takes a tenth of a second or more, and a garbage collection during it
        can take seconds: on the event loop that held back the crisis deadline (rasa_plugins/channels/
        turns.py), so a crisis reply with a locked database came after 2 s instead of 0.8 s. What the
        thread needs is read from the tracker here, on the loop; one scrub runs at a time, as before.
        """
        from lantern.records.transcripts.scrub import DomainInfo

        if self._scrubber_domain is not self.domain:  # the agent loaded another model
            self.scrubber.domain = DomainInfo.from_domain(self.domain)
            self.scrubber._templates.clear()
            self._scrubber_domain = self.domain
        try:
            live_slots = tracker.current_slot_values()
        except Exception:
            live_slots = {}
        payload = [e.as_dict() for e in events]

        def scrub() -> Any:
            with _SCRUB_LOCK:
                return self.scrubber.scrub(payload, tracker.sender_id, live_slots)

        return await off_loop(scrub)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publish new events to the event broker, anonymized and under the pseudonym like the database."""
        if self.event_broker is None:
            return None
        old = await self.retrieve(tracker.sender_id)
        loaded = len(old.events) if old is not None else 0
        scrubbed = await self._scrub(tracker, list(tracker.events)[loaded:])
        self._publish(self.pseudonym(tracker.sender_id), scrubbed.events)

    def _publish(self, pseudonym: str, dicts: List[Dict[str, Any]]) -> None:
        if self.event_broker is None:
            return
        for data in dicts:
            self.event_broker.publish({"sender_id": pseudonym, **data})

    async def save(self, tracker: Any) -> None:
        """Store the new events, anonymized, and their transcript rows, in one transaction.

        A transient database error (lock, lost connection) is retried once;
        if it still fails the error propagates (strict fail-safe: the channel
        answers 503 and nothing is dropped silently). A turn that asks for the
        conversation to be deleted (`erasure_requested`) deletes it instead.
        """
        pseudonym = self.pseudonym(tracker.sender_id)
        events = await off_loop(self._new_events, tracker)
        ticket = CURRENT_TICKET.get()
        if erasure_requested(events):
            await self._retrying(self._erase, pseudonym, events, ticket)
            logger.info("a conversation was deleted at the person's request (nothing of it is stored)")
            _DB_THREADS.submit(self._checkpoint_quietly)  # the deleted rows leave the WAL too; the reply need not wait
            setattr(tracker, _LOADED_ATTR, len(tracker.events))
            return
        began = time.perf_counter()
        scrubbed = await self._scrub(tracker, events)
        scrubbed_at = time.perf_counter()
        if scrubbed.degraded:
            logger.warning("anonymizer ran degraded for a turn (fail-closed redaction or no NER)")
        await self._retrying(self._write, pseudonym, events, scrubbed, ticket)
        self.last_save_ms = {"scrub": (scrubbed_at - began) * 1000, "write": (time.perf_counter() - scrubbed_at) * 1000}
        self._publish(pseudonym, scrubbed.events)
        setattr(tracker, _LOADED_ATTR, len(tracker.events))  # a second save adds only newer events

    async def _retrying(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run a write in a worker thread; a transient database error gets one more try."""
        for attempt in range(1, self.save_attempts + 1):
            try:
                await off_loop(fn, *args)
                return
            except (sa.exc.OperationalError, sa.exc.DBAPIError) as error:
                transient = isinstance(error, sa.exc.OperationalError) or error.connection_invalidated
                if attempt >= self.save_attempts or not transient:
                    raise
                logger.warning("tracker store write failed (%s); retrying once", type(error).__name__)
                await asyncio.sleep(RETRY_DELAY_SECONDS)

    def _erase(self, pseudonym: str, events: List[Any], ticket: Optional[TurnTicket] = None) -> None:
        """Delete everything stored for the sender, in place of the turn; commit unless the channel gave up first.

        An abandoned turn (the channel answered without it) deletes nothing: the person was not told "done".
        """
        from lantern.records.transcripts.retention import erase_in

        with self.session_scope() as session:
            erase_in(session.connection(), pseudonym)
            self._commit(session, events, ticket)

    def _checkpoint_quietly(self) -> None:
        from lantern.db.sqlite import checkpoint

        try:
            checkpoint(self.engine)
        except Exception as error:  # the rows are deleted; the next checkpoint folds the log
            logger.warning("WAL checkpoint after a deletion failed (%s)", type(error).__name__)

    def _new_events(self, tracker: DialogueStateTracker) -> List[Any]:
        with self.session_scope() as session:
            return list(self._additional_events(session, tracker))

    def _write(self, pseudonym: str, events: List[Any], scrubbed: Any, ticket: Optional[TurnTicket] = None) -> None:
        """Insert the events and transcript rows and commit, unless the channel abandoned the turn first."""
        from lantern.records.transcripts.record import add_records

        rows = []
        for event, data in zip(events, scrubbed.events, strict=False):
            intent = (data.get("parse_data") or {}).get("intent") or {}
            rows.append(
                {
                    "sender_id": pseudonym,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": intent.get("name") if isinstance(intent, dict) else None,
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        with self.session_scope() as session:
            if rows:  # Core executemany: the ORM's per-object bookkeeping costs more than the inserts
                session.execute(self.SQLEvent.__table__.insert(), rows)
            add_records(session, pseudonym, scrubbed.records)
            self._commit(session, events, ticket)

    @staticmethod
    def _commit(session: Any, events: List[Any], ticket: Optional[TurnTicket]) -> None:
        """Commit the turn's transaction, unless the channel abandoned the turn first (then roll back and raise)."""
        if not any(event.type_name == "user" for event in events):
            ticket = None  # bookkeeping (a new tracker's first events): the turn's fate is its message's
        if ticket is not None and not ticket.begin_commit():
            session.rollback()
            raise TurnAbandoned("the channel answered without this turn; not stored")
        try:
            session.commit()
        except BaseException:
            if ticket is not None:
                ticket.end_commit(False)
            raise
        if ticket is not None:
            ticket.end_commit(True)

    def check_writable(self) -> None:
        """Do a real write in a transaction and roll it back; raise if the database can't (quickly)."""
        with self.engine.connect() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {HEALTH_BUSY_TIMEOUT_MS}")
            elif self.engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET statement_timeout = {HEALTH_BUSY_TIMEOUT_MS}")
            tx = conn.begin()
            try:
                conn.execute(sa.text("UPDATE events SET id = id WHERE id = (SELECT MAX(id) FROM events)"))
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


def erasure_requested(events: Iterable[Any]) -> bool:
    """True when these (new) events set `erase_requested` to true: the person confirmed "delete my chat"."""
    return any(isinstance(e, SlotSet) and e.key == ERASE_SLOT and e.value is True for e in events)


def unwrap(store: TrackerStore) -> TrackerStore:
    """The concrete store behind Rasa's wrappers (fail-safe, awaitable)."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store
