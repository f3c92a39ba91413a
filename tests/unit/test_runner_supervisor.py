"""tools/supervisor.py: crashed and hung servers are restarted with capped exponential backoff, forever.

Real child processes (tiny HTTP servers and scripts that crash) and a fake
clock, so the backoff is checked exactly without waiting for it.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Iterator, List

import pytest

from tests.conftest import free_port, make_settings
from tools.processes import Child, Stack, _spawn, answers, wait_healthy
from tools.supervisor import Policy, Supervisor

FAKE_SERVER = r"""
import http.server, sys
status = int(sys.argv[2])
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""
CRASH = "import sys; print('boom; call +1 (555) 123-4567 or me@example.org', flush=True); sys.exit(3)"
NEVER_LISTENS = "import time; time.sleep(600)"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def stacks() -> Iterator[List[Stack]]:
    made: List[Stack] = []
    yield made
    for stack in made:
        stack.stop(timeout=5)


def one_child(tmp_path: Path, stacks: List[Stack], code: str, *args: str, port: int = 0) -> Stack:
    port = port or free_port()
    child = _spawn(
        "fake",
        [sys.executable, "-c", code, str(port), *args],
        dict(os.environ),
        tmp_path / "logs",
        f"http://127.0.0.1:{port}/",
    )
    stack = Stack(settings=make_settings(tmp_path), children=[child])
    stacks.append(stack)
    return stack


def supervisor(stack: Stack, clock: Clock, **policy: float) -> Supervisor:
    return Supervisor(stack, Policy(**policy), logging.getLogger("test.supervisor"), clock=clock)


def messages(caplog: pytest.LogCaptureFixture, level: int) -> List[str]:
    return [r.getMessage() for r in caplog.records if r.name == "test.supervisor" and r.levelno == level]


def test_backoff_doubles_from_one_second_up_to_the_cap():
    assert [Policy().delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]
    assert Policy(max_delay=60).delay(10_000) == 60


def test_policy_reads_the_health_settings():
    p = Policy.from_settings(
        {
            "LANTERN_HEALTH_INTERVAL": "1",
            "LANTERN_HEALTH_TIMEOUT": "0.5",
            "LANTERN_HEALTH_FAILURES": "2",
            "LANTERN_RESTART_MAX_DELAY": "45",
        }
    )
    assert (p.check_interval, p.check_timeout, p.failures, p.max_delay) == (1, 0.5, 2, 45)
    assert Policy.from_settings({}) == Policy()
    with pytest.raises(ValueError, match="LANTERN_HEALTH_TIMEOUT"):
        Policy.from_settings({"LANTERN_HEALTH_TIMEOUT": "soon"})


def test_a_crash_loop_is_retried_forever_with_capped_backoff_and_loud_errors(tmp_path, stacks, caplog):
    caplog.set_level(logging.INFO, logger="test.supervisor")
    stack = one_child(tmp_path, stacks, CRASH)
    clock = Clock()
    sup = supervisor(stack, clock, max_delay=4, loud_after=3)
    watch, child = sup.watches["fake"], stack.children[0]
    delays, pids = [], set()
    for _ in range(7):
        pids.add(child.process.pid)
        child.process.wait(timeout=20)
        sup.step()  # notices the exit
        assert watch.restart_at is not None
        delays.append(watch.restart_at - clock.now)
        clock.now = watch.restart_at
        sup.step()  # starts it again
        assert watch.restart_at is None
    assert delays == [1, 2, 4, 4, 4, 4, 4]
    assert len(pids) == 7 and watch.restarts == 7  # a new process every time, and still trying
    warnings, errors = messages(caplog, logging.WARNING), messages(caplog, logging.ERROR)
    assert sum("exited (exit status 3); restarting it in" in m for m in warnings) == 2
    failing = [m for m in errors if "failed" in m]
    assert len(failing) == 5 and all("never gives up" in m and "fake.log" in m for m in failing)
    assert "failed 3 times in a row" in failing[0]
    tails = [m for m in errors if m.startswith("last lines of")]
    assert len(tails) == 1 and "boom" in tails[0]  # at the first loud failure only (then every 10th)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    # The number's parts, not "555" alone: a pid such as 4555 may appear in the lines.
    assert "(555)" not in logged and "123-4567" not in logged and "example.org" not in logged
    assert "<redacted>" in tails[0]


def test_a_hung_server_is_killed_and_restarted(tmp_path, stacks, caplog):
    caplog.set_level(logging.INFO, logger="test.supervisor")
    stack = one_child(tmp_path, stacks, FAKE_SERVER, "200")
    child = stack.children[0]
    wait_healthy(child, 20)
    clock = Clock()
    sup = supervisor(stack, clock, check_interval=1, check_timeout=0.5, failures=3, kill_grace=1)
    hung = child.process
    os.kill(hung.pid, signal.SIGSTOP)
    for missed in (1, 2):
        clock.now += 1
        sup.step()
        assert sup.watches["fake"].misses == missed and sup.watches["fake"].restart_at is None
    clock.now += 1
    sup.step()
    assert hung.returncode in (-signal.SIGTERM, -signal.SIGKILL)  # the stopped process really is gone
    assert any(
        "hung: no answer within 0.5 s, 3 checks in a row; restarting it in 1 s" in m
        for m in messages(caplog, logging.WARNING)
    )
    clock.now += 1
    sup.step()
    assert child.process is not hung
    wait_healthy(child, 20)
    clock.now += 1
    sup.step()
    assert any("fake is answering again" in m for m in messages(caplog, logging.INFO))


def test_a_server_that_hangs_while_starting_is_not_left_until_the_start_timeout(tmp_path, stacks, caplog):
    """Refused = still loading; accepted but unanswered = hung, even before its first answer."""
    caplog.set_level(logging.INFO, logger="test.supervisor")
    stack = one_child(tmp_path, stacks, FAKE_SERVER, "200")
    child = stack.children[0]
    clock = Clock()
    sup = supervisor(stack, clock, check_interval=1, check_timeout=0.5, failures=3, kill_grace=1)
    watch = sup.watches["fake"]
    child.process.kill()
    child.process.wait(timeout=10)
    sup.step()
    clock.now = watch.restart_at
    sup.step()
    wait_healthy(child, 20)  # it answers once (the supervisor has not looked yet)...
    os.kill(child.process.pid, signal.SIGSTOP)  # ...and hangs
    for _ in range(3):
        clock.now += 1
        sup.step()
    assert watch.restarts == 2 and watch.answered_since is None
    assert any("hung: no answer within 0.5 s, 3 checks in a row" in m for m in messages(caplog, logging.WARNING))


def test_the_backoff_resets_after_a_stable_period(tmp_path, stacks, caplog):
    caplog.set_level(logging.INFO, logger="test.supervisor")
    stack = one_child(tmp_path, stacks, FAKE_SERVER, "200")
    child = stack.children[0]
    wait_healthy(child, 20)
    clock = Clock()
    sup = supervisor(stack, clock, check_interval=1, stable_after=60)
    watch = sup.watches["fake"]
    child.process.kill()
    child.process.wait(timeout=10)
    sup.step()
    assert watch.in_a_row == 1
    clock.now = watch.restart_at
    sup.step()
    wait_healthy(child, 20)
    clock.now += 1
    sup.step()  # answering again: the clock for the stable period starts
    clock.now += 30
    sup.step()
    assert watch.in_a_row == 1
    clock.now += 31
    sup.step()
    assert watch.in_a_row == 0
    assert any("restart delay back to 1 s" in m for m in messages(caplog, logging.INFO))


def test_an_answer_with_an_error_status_is_not_a_hang(tmp_path, stacks):
    """A 503 (say, the database is down) is not cured by restarting the server."""
    stack = one_child(tmp_path, stacks, FAKE_SERVER, "503")
    child = stack.children[0]
    deadline = time.monotonic() + 20
    while not answers(child.probe_url, 1) and time.monotonic() < deadline:
        time.sleep(0.1)
    clock = Clock()
    sup = supervisor(stack, clock, check_interval=1, failures=2)
    for _ in range(6):
        clock.now += 1
        sup.step()
    assert sup.watches["fake"].restarts == 0 and sup.watches["fake"].misses == 0


def test_a_restarted_server_that_never_answers_is_restarted_after_the_start_timeout(tmp_path, stacks, caplog):
    caplog.set_level(logging.INFO, logger="test.supervisor")
    stack = one_child(tmp_path, stacks, NEVER_LISTENS)
    clock = Clock()
    sup = supervisor(stack, clock, check_interval=1, failures=1, start_timeout=240)
    watch = sup.watches["fake"]
    stack.children[0].process.kill()
    stack.children[0].process.wait(timeout=10)
    sup.step()
    clock.now = watch.restart_at
    sup.step()  # restarted: starting, so refused connections are not counted as misses
    for _ in range(3):
        clock.now += 60
        sup.step()
    assert watch.restarts == 1 and watch.misses == 0
    clock.now += 60
    sup.step()
    assert watch.restarts == 2
    assert any("not answering 240 s after it was started" in m for m in messages(caplog, logging.WARNING))


def test_a_restart_that_cannot_even_spawn_is_retried(tmp_path, stacks, caplog):
    caplog.set_level(logging.INFO, logger="test.supervisor")
    stack = one_child(tmp_path, stacks, NEVER_LISTENS)
    child: Child = stack.children[0]
    clock = Clock()
    sup = supervisor(stack, clock)
    watch = sup.watches["fake"]
    child.argv = [str(tmp_path / "no-such-program")]
    child.process.kill()
    child.process.wait(timeout=10)
    sup.step()
    clock.now = watch.restart_at
    sup.step()
    assert watch.restart_at == clock.now + 2 and watch.in_a_row == 2
    assert any("could not be started (FileNotFoundError" in m for m in messages(caplog, logging.WARNING))
