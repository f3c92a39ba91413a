"""Faults injected into real Lantern processes: shared by tests/integration/test_faults.py and bench/faults.py.

Each fault is a context manager: the fault holds inside the `with`, and is
cleared on leaving it. Nothing is mocked: SQLite is locked by another process
or loses its table, the action server is stopped (SIGSTOP) or killed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional, Tuple

from tools.client import api, conversation_id, send
from tools.processes import Stack, http_json


def db_path(stack: Stack) -> str:
    return stack.settings.db_url.split("sqlite:///", 1)[1].split("?", 1)[0]


@contextmanager
def database_locked(stack: Stack, mode: str = "EXCLUSIVE") -> Iterator[None]:
    """Another process holds SQLite's write lock (in WAL mode reads still work)."""
    conn = sqlite3.connect(db_path(stack), timeout=5, isolation_level=None)
    conn.execute(f"BEGIN {mode}")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@contextmanager
def database_unavailable(stack: Stack) -> Iterator[None]:
    """The tracker's table is gone (a restore gone wrong): reads and writes fail at once."""
    conn = sqlite3.connect(db_path(stack), timeout=5, isolation_level=None)
    conn.execute("ALTER TABLE events RENAME TO events_away")
    try:
        yield
    finally:
        conn.execute("ALTER TABLE events_away RENAME TO events")
        conn.close()


@contextmanager
def action_server_hung(stack: Stack) -> Iterator[None]:
    """The action server stops answering (SIGSTOP): connections are accepted and never served."""
    pid = stack.child("actions").process.pid
    os.killpg(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(pid, signal.SIGCONT)


@contextmanager
def action_server_killed(stack: Stack) -> Iterator[None]:
    """The action server dies (SIGKILL); on leaving, it is started again as the supervisor would."""
    child = stack.child("actions")
    os.killpg(child.process.pid, signal.SIGKILL)
    child.process.wait(timeout=10)
    try:
        yield
    finally:
        child.respawn()


def health(stack: Stack) -> Tuple[int, Any]:
    return http_json(f"{stack.settings.rasa_url}/webhooks/health/", timeout=10)


def seconds_until_healthy(stack: Stack, limit: float = 30.0) -> Optional[float]:
    """Poll health (no other traffic) until it answers 200; the seconds it took, or None."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if health(stack)[0] == 200:
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def timed_send(stack: Stack, sender: str, text: str, timeout: float = 60.0) -> Tuple[int, Any, float]:
    started = time.perf_counter()
    status, body = send(stack.settings, sender, text, timeout=timeout)
    return status, body, time.perf_counter() - started


def messages_of(body: Any) -> List[dict]:
    """The bot messages of a REST answer: the list on 200, `messages` on 503."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        return list(body.get("messages") or [])
    return []


def is_crisis_reply(body: Any) -> bool:
    return any(isinstance(m.get("custom"), dict) and m["custom"].get("crisis") for m in messages_of(body))


def stored_user_texts(stack: Stack, sender: str) -> List[str]:
    status, tracker = api(stack.settings, f"/conversations/{conversation_id(sender)}/tracker")
    if status != 200:
        raise RuntimeError(f"tracker read failed: HTTP {status}")
    return [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]


def answers_ok(url: str) -> bool:
    """True when `url` answers 200 within 2 s (a server that is back, not merely listening)."""
    try:
        return http_json(url, timeout=2)[0] == 200
    except OSError:
        return False


def wait_for(check: Callable[[], bool], limit: float = 30.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False
