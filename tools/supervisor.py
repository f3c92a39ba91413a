"""Keep `make run`'s servers up: restart a crashed or hung server, with exponential backoff.

Why: `make run` used to stop everything when the action server died, so every
later message, crisis ones included, met "connection refused". Now each server
is watched on its own and the other keeps running meanwhile (the Rasa server
answers crisis messages without the action server).

- Crashed: the process exited. Hung: its liveness URL gave no HTTP answer
  within `check_timeout` seconds `failures` times in a row (one check every
  `check_interval` seconds), or it never answered within `start_timeout` of a
  (re)start. While it starts, a refused connection is not a miss (it is still
  loading) but an accepted one left unanswered is. Any HTTP status counts as
  an answer: a 503 because the database is down is not cured by a restart.
- A hung server gets SIGTERM (and SIGCONT, in case it was stopped), then
  SIGKILL after `kill_grace`, to its whole process group.
- Restart after 1 s, 2 s, 4 s ... capped at `max_delay`; the count goes back
  to zero once the server has answered for `stable_after` seconds.
- It never gives up: after `loud_after` failures in a row every restart is
  logged as an ERROR saying so, with the last lines of the server's own log
  (phone numbers and emails masked) at the first and every 10th. Exiting would
  leave everyone with connection refused; a cause that clears (disk space,
  the database back) lets Lantern recover by itself.

Log lines name the server, pid, exit status and timings only, never message
text. `run()` must be called from the main thread: children are started with a
parent-death signal tied to the thread that starts them (tools/processes.py).
"""

from __future__ import annotations

import logging
import signal
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional

from lantern.logs import redact
from tools.processes import ANSWERED, REFUSED, Child, Stack, probe, stop_group, tail, terminate_group


def _number(values: Mapping[str, str], name: str, default: float) -> float:
    raw = (values.get(name) or "").strip()
    if not raw:
        return default
    try:
        number = float(raw)
    except ValueError as exc:
        raise ValueError(f"setting {name} must be a number of seconds, got {raw!r}") from exc
    if number <= 0:
        raise ValueError(f"setting {name} must be more than 0, got {raw!r}")
    return number


@dataclass(frozen=True)
class Policy:
    """When a server counts as hung and how long to wait before each restart."""

    check_interval: float = 5.0  # LANTERN_HEALTH_INTERVAL
    check_timeout: float = 3.0  # LANTERN_HEALTH_TIMEOUT
    failures: int = 3  # LANTERN_HEALTH_FAILURES: missed checks in a row = hung
    first_delay: float = 1.0
    max_delay: float = 30.0  # LANTERN_RESTART_MAX_DELAY
    stable_after: float = 60.0  # answering this long resets the backoff
    start_timeout: float = 240.0  # a (re)started server not answering by then is hung
    kill_grace: float = 3.0  # SIGTERM to SIGKILL, for a hung server
    loud_after: int = 5  # failures in a row before each restart is an ERROR

    @classmethod
    def from_settings(cls, values: Mapping[str, str]) -> "Policy":
        """Read the LANTERN_HEALTH_* / LANTERN_RESTART_MAX_DELAY settings (tests make them short)."""
        return cls(
            check_interval=_number(values, "LANTERN_HEALTH_INTERVAL", cls.check_interval),
            check_timeout=_number(values, "LANTERN_HEALTH_TIMEOUT", cls.check_timeout),
            failures=max(1, int(_number(values, "LANTERN_HEALTH_FAILURES", cls.failures))),
            max_delay=_number(values, "LANTERN_RESTART_MAX_DELAY", cls.max_delay),
        )

    def delay(self, in_a_row: int) -> float:
        """Seconds before restart number `in_a_row` (1-based) of a run of failures."""
        return min(self.max_delay, self.first_delay * 2 ** min(max(in_a_row - 1, 0), 30))


def describe_exit(returncode: Optional[int]) -> str:
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


@dataclass
class Watch:
    """What the supervisor knows about one server."""

    child: Child
    started: float
    answered_since: Optional[float] = None  # first answer since the last (re)start
    misses: int = 0
    next_check: float = 0.0
    in_a_row: int = 0  # failures without a stable period in between
    restart_at: Optional[float] = None  # set while waiting out the backoff
    restarts: int = 0  # in all, for tests and the stop message


@dataclass
class Supervisor:
    """Watches every child of a stack; `step()` once does one round, `run()` loops until told to stop."""

    stack: Stack
    policy: Policy
    log: logging.Logger
    clock: Callable[[], float] = time.monotonic
    watches: Dict[str, Watch] = field(default_factory=dict)

    def __post_init__(self) -> None:
        now = self.clock()
        for child in self.stack.children:  # start_stack has seen them healthy
            self.watches[child.name] = Watch(
                child=child, started=now, answered_since=now, next_check=now + self.policy.check_interval
            )

    def run(self, should_stop: Callable[[], bool], tick: float = 0.5) -> None:
        while not should_stop():
            self.step()
            end = time.monotonic() + tick
            while time.monotonic() < end and not should_stop():
                time.sleep(min(0.1, tick))

    def step(self) -> None:
        for watch in self.watches.values():
            self._check(watch)

    def restarts(self) -> Dict[str, int]:
        return {name: w.restarts for name, w in self.watches.items()}

    def _check(self, w: Watch) -> None:
        now = self.clock()
        child = w.child
        if w.restart_at is not None:
            if now >= w.restart_at:
                self._respawn(w)
            return
        if not child.alive():
            self._fail(w, f"exited ({describe_exit(child.process.returncode)})")
            return
        if now < w.next_check:
            return
        starting = w.answered_since is None
        w.next_check = now + (min(1.0, self.policy.check_interval) if starting else self.policy.check_interval)
        result = probe(child.probe_url, self.policy.check_timeout)
        if result == ANSWERED:
            now = self.clock()
            w.misses = 0
            if w.answered_since is None:
                w.answered_since = now
                self.log.info(
                    "%s is answering again (pid %d), %.0f s after its restart",
                    child.name,
                    child.process.pid,
                    now - w.started,
                )
            elif w.in_a_row and now - w.answered_since >= self.policy.stable_after:
                w.in_a_row = 0
                self.log.info(
                    "%s has been up %.0f s: restart delay back to %.0f s",
                    child.name,
                    self.policy.stable_after,
                    self.policy.first_delay,
                )
            return
        if not child.alive():  # died during the check: report it as a crash next round
            return
        if starting and result == REFUSED:  # still loading (the Rasa server takes up to a minute or two)
            if self.clock() - w.started >= self.policy.start_timeout:
                self._fail(w, f"hung: not answering {self.policy.start_timeout:.0f} s after it was started")
            return
        w.misses += 1  # silent: accepted the connection but gave no answer, starting or not
        if w.misses >= self.policy.failures:
            self._fail(w, f"hung: no answer within {self.policy.check_timeout:g} s, {w.misses} checks in a row")

    def _fail(self, w: Watch, reason: str) -> None:
        """Stop what is left of the server (its whole group) and schedule its restart."""
        child = w.child
        pid = child.process.pid
        if child.alive():
            terminate_group(child.process)
        stop_group(child.process, self.policy.kill_grace)  # SIGKILLs leftovers of a crashed one too
        w.in_a_row += 1
        w.restarts += 1
        w.answered_since = None
        delay = self.policy.delay(w.in_a_row)
        w.restart_at = self.clock() + delay
        others = [c.name for c in self.stack.children if c is not child and c.alive()]
        keeps = f"; {' and '.join(others)} keeps running" if others else ""
        if w.in_a_row < self.policy.loud_after:
            self.log.warning(
                "%s (pid %d) %s; restarting it in %g s (failure %d in a row)%s",
                child.name,
                pid,
                reason,
                delay,
                w.in_a_row,
                keeps,
            )
            return
        self.log.error(
            "%s (pid %d) %s. It has failed %d times in a row without staying up %.0f s; "
            "Lantern keeps restarting it (next in %g s, then every %g s at most) and never gives up "
            "by itself: fix the cause (see %s) or stop Lantern.",
            child.name,
            pid,
            reason,
            w.in_a_row,
            self.policy.stable_after,
            delay,
            self.policy.max_delay,
            child.log_path,
        )
        if w.in_a_row == self.policy.loud_after or w.in_a_row % 10 == 0:
            self.log.error(
                "last lines of %s (numbers and emails masked):\n%s", child.log_path, redact(tail(child.log_path, 15))
            )

    def _respawn(self, w: Watch) -> None:
        child = w.child
        w.restart_at = None
        try:
            child.respawn()
        except OSError as err:  # no memory, no file descriptors...: try again later
            w.started = self.clock()
            self._fail(w, f"could not be started ({type(err).__name__}: {err.strerror or err})")
            return
        w.started = self.clock()
        w.answered_since = None
        w.misses = 0
        w.next_check = w.started + min(1.0, self.policy.check_interval)
        self.log.warning("%s started again (pid %d)", child.name, child.process.pid)


def setup_log(handlers: List[logging.Handler]) -> logging.Logger:
    """The supervisor's logger: its own handlers, each with the privacy filter, not propagated."""
    from lantern.logs import PrivacyFilter

    log = logging.getLogger("lantern.supervisor")
    log.setLevel(logging.INFO)
    log.propagate = False
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S")
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(PrivacyFilter())
        log.addHandler(handler)
    return log
