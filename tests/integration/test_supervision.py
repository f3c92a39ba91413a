"""`make run` (python -m tools.runner) as a real process: restarts, signals, file modes, loopback only.

One runner is shared by the tests that need a full stack, in file order: file
modes and addresses first, then the crashes and hangs, and last SIGTERM to its
process group. Three more runners are stopped or killed while still starting
(the servers are spawned within seconds; a full start is not needed for that).
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

import psutil
import pytest

from lantern import settings as settings_mod
from tests.conftest import MODEL, free_port
from tools.client import send
from tools.processes import PROJECT_ROOT, answers

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="models/lantern.tar.gz is missing: run `make train`")

GREETING = "automated assistant run by"  # said by action_greet: proves the action server served the turn


class Runner:
    """`python -m tools.runner` in its own session and data folder, on free ports, with short health checks."""

    def __init__(self, folder: Path, legacy_files: bool = False) -> None:
        self.data = folder / "data"
        if legacy_files:  # what older installs left behind: 0644 files, 0755 folders
            (self.data / "logs").mkdir(parents=True)
            (self.data / "old").mkdir()
            for path in (self.data / "logs" / "rasa.log", self.data / "old" / "notes.txt"):
                path.write_text("older install\n")
                path.chmod(0o644)
            for path in (self.data, self.data / "logs", self.data / "old"):
                path.chmod(0o755)
        env_file = folder / "test.env"
        env_file.write_text("")  # the project's .env (ports, SMS...) must not leak in
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "RASA_", "ACTIONS_"))}
        self.env.update(
            {
                "LANTERN_ENV_FILE": str(env_file),
                "LANTERN_DATA_DIR": str(self.data),
                "LANTERN_HOST": "127.0.0.1",
                "RASA_PORT": str(free_port()),
                "ACTIONS_PORT": str(free_port()),
                "LANTERN_STAFF_PORT": str(free_port()),
                "RASA_API_TOKEN": "api-" + uuid.uuid4().hex,
                "LANTERN_REST_TOKEN": "rest-" + uuid.uuid4().hex,
                "LANTERN_PSEUDONYM_KEY": "test-pseudonym-key",
                "LANTERN_RETENTION_DAYS": "0",
                "LANTERN_HEALTH_INTERVAL": "1",
                "LANTERN_HEALTH_TIMEOUT": "2",
                "LANTERN_HEALTH_FAILURES": "3",
            }
        )
        self.settings = settings_mod.load(self.env)
        self.lines: List[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.runner"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if time.monotonic() > deadline or self.process.poll() is not None:
                time.sleep(0.5)  # let the reader catch up before failing
                assert text in self.output, f"no {text!r} from the runner; it said:\n{self.output[-3000:]}"
            time.sleep(0.2)

    def children(self) -> Dict[str, psutil.Process]:
        found = {}
        for proc in psutil.Process(self.process.pid).children():
            try:
                cmdline = " ".join(proc.cmdline())
            except (psutil.ZombieProcess, psutil.NoSuchProcess, psutil.AccessDenied):
                continue  # a short-lived child (a check the runner ran) that has just exited: not a server
            found[
                "actions" if "-m actions" in cmdline else "rasa" if "rasa_plugins.server" in cmdline else proc.name()
            ] = proc
        return found

    def lantern_processes(self) -> List[int]:
        """Every live process started for this runner: its environment names this data folder."""
        pids = []
        for proc in psutil.process_iter():
            try:
                if proc.status() != psutil.STATUS_ZOMBIE and proc.environ().get("LANTERN_DATA_DIR") == str(self.data):
                    pids.append(proc.pid)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return pids

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for pid in self.lantern_processes():  # never leave servers behind, even when a test failed
            os.kill(pid, signal.SIGKILL)


def eventually(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until `check()` holds; fails after `timeout`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, f"not within {timeout:.0f} s: {what}"
        time.sleep(0.5)
    return time.monotonic() - started


def greets(runner: Runner) -> bool:
    try:
        status, replies = send(runner.settings, "sup-" + uuid.uuid4().hex[:8], "hi", timeout=15)
    except OSError:
        return False
    return status == 200 and any(GREETING in (r.get("text") or "") for r in replies)


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    r = Runner(tmp_path_factory.mktemp("supervised"), legacy_files=True)
    try:
        r.wait_for("Lantern is running.", timeout=300)
        yield r
    finally:
        r.stop()


def test_data_files_are_0600_and_folders_0700(runner: Runner):
    assert greets(runner)  # a conversation has been written
    files = [p for p in runner.data.rglob("*") if p.is_file()]
    names = {str(p.relative_to(runner.data)) for p in files}
    assert {
        "lantern.db",
        "directory.db",
        "logs/actions.log",
        "logs/rasa.log",
        "logs/supervisor.log",
        "old/notes.txt",
    } <= names
    modes = {str(p.relative_to(runner.data)): stat.S_IMODE(p.stat().st_mode) for p in files}
    assert all(m == 0o600 for m in modes.values()), modes
    folders = [runner.data] + [p for p in runner.data.rglob("*") if p.is_dir()]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in folders), folders


def non_loopback_addresses() -> List[str]:
    return [
        a.address
        for addrs in psutil.net_if_addrs().values()
        for a in addrs
        if a.family == socket.AF_INET and not a.address.startswith("127.")
    ]


def listening_addresses(port: int) -> List[str]:
    """Local IPv4/IPv6 addresses with a listening TCP socket on `port`, from /proc/net/tcp{,6}."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                raw = bytes.fromhex(address)
                if len(raw) == 4:
                    found.append(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.append(socket.inet_ntop(socket.AF_INET6, words))
    return found


def test_every_server_listens_on_lantern_host_only(runner: Runner):
    s = runner.settings
    assert listening_addresses(s.actions_port) == ["127.0.0.1"]
    assert listening_addresses(s.rasa_port) == ["127.0.0.1"]
    assert listening_addresses(s.staff_port) == ["127.0.0.1"]  # the staff console, started by make run too
    assert answers(f"http://127.0.0.1:{s.staff_port}/login", 5)
    assert f"staff console  http://127.0.0.1:{s.staff_port}/" in runner.output
    assert answers(f"http://127.0.0.1:{s.actions_port}/health", 5)
    others = non_loopback_addresses()
    if not others:
        pytest.skip("this machine has no non-loopback IPv4 address (the /proc/net/tcp check above passed)")
    for address in others:
        with pytest.raises(OSError):  # refused: nothing listens there
            socket.create_connection((address, s.actions_port), timeout=3).close()


def test_a_killed_action_server_comes_back_and_rasa_keeps_running(runner: Runner):
    before = runner.children()
    os.kill(before["actions"].pid, signal.SIGKILL)
    took = eventually(lambda: greets(runner), 60, "a normal reply after the action server was killed")
    after = runner.children()
    assert after["actions"].pid != before["actions"].pid
    assert after["rasa"].pid == before["rasa"].pid  # the Rasa server was never stopped
    assert f"actions (pid {before['actions'].pid}) exited (killed by SIGKILL); restarting it in 1 s" in runner.output
    assert "actions started again" in runner.output
    print(f"action server back in {took:.0f} s")


def test_a_hung_action_server_is_killed_and_restarted(runner: Runner):
    before = runner.children()
    hung = before["actions"].pid
    os.kill(hung, signal.SIGSTOP)
    eventually(lambda: gone(hung), 30, "the stopped action server was killed")
    took = eventually(lambda: greets(runner), 60, "a normal reply after the hung action server was restarted")
    assert runner.children()["rasa"].pid == before["rasa"].pid
    assert f"actions (pid {hung}) hung: no answer within 2 s, 3 checks in a row" in runner.output
    print(f"hung action server replaced and answering in {took:.0f} s")


def test_a_killed_rasa_server_comes_back(runner: Runner):
    before = runner.children()
    os.kill(before["rasa"].pid, signal.SIGKILL)
    took = eventually(lambda: greets(runner), 180, "a normal reply after the Rasa server was killed")
    after = runner.children()
    assert after["rasa"].pid != before["rasa"].pid and after["actions"].pid == before["actions"].pid
    assert f"rasa (pid {before['rasa'].pid}) exited (killed by SIGKILL); restarting it in 1 s" in runner.output
    print(f"Rasa server back in {took:.0f} s")


def test_sigterm_to_the_process_group_stops_everything(runner: Runner):
    pids = [p.pid for p in runner.children().values()]
    assert len(pids) == 3 and set(pids) <= set(runner.lantern_processes())  # actions, rasa, staff
    started = time.monotonic()
    os.killpg(runner.process.pid, signal.SIGTERM)
    assert runner.process.wait(timeout=30) == 0
    took = time.monotonic() - started
    assert all(gone(pid) for pid in pids)
    assert runner.lantern_processes() == []
    assert "Stopping Lantern (SIGTERM)" in runner.output and "Stopped." in runner.output
    print(f"stopped in {took:.1f} s")


def servers_started(runner: Runner) -> Optional[List[int]]:
    children = runner.children()
    return [children[n].pid for n in ("actions", "rasa")] if {"actions", "rasa"} <= set(children) else None


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP])
def test_sigint_or_sighup_to_the_runner_alone_stops_its_servers(tmp_path: Path, sig: signal.Signals):
    r = Runner(tmp_path)
    try:
        eventually(lambda: servers_started(r) is not None, 120, "both servers spawned")
        pids = servers_started(r)
        assert pids
        os.kill(r.process.pid, sig)  # the runner only: the servers are in sessions of their own
        assert r.process.wait(timeout=30) == 0
        assert all(gone(pid) for pid in pids) and r.lantern_processes() == []
        assert f"Stopping Lantern ({sig.name})" in r.output
    finally:
        r.stop()


def test_sigkill_of_the_runner_takes_its_servers_down(tmp_path: Path):
    r = Runner(tmp_path)
    try:
        eventually(lambda: servers_started(r) is not None, 120, "both servers spawned")
        pids = servers_started(r)
        assert pids
        os.kill(r.process.pid, signal.SIGKILL)
        r.process.wait(timeout=10)
        eventually(lambda: all(gone(pid) for pid in pids), 10, "the servers died with the runner")
        assert r.lantern_processes() == []
    finally:
        r.stop()
