"""Start and stop Lantern's processes: the action server and the Rasa server.

Used by `make run` (tools/runner.py), by the integration tests and by the
benchmarks, so all three run exactly the same thing. Each child runs in its own
process group, so stopping it also stops anything it started (no orphans).

Every child is started with umask 077 (what it writes under the data folder is
0600, folders 0700) and, on Linux, with a parent-death signal: if the process
that started it dies, even by SIGKILL, the kernel kills the child too. The
action server is told to listen on LANTERN_HOST only (rasa_sdk's CLI has no
interface option; its `run()` reads SANIC_HOST, default 0.0.0.0).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

from lantern import settings as settings_mod
from lantern.db.sqlite import database_files

PROJECT_ROOT = settings_mod.PROJECT_ROOT
PRIVATE_UMASK = 0o077  # files 0600, folders 0700


@dataclass
class Child:
    """One running server, where its output goes, and how to start it again (tools/supervisor.py)."""

    name: str
    process: subprocess.Popen
    log_path: Path
    health_url: str  # readiness: 200 when it can serve (the Rasa one also checks the database)
    argv: List[str] = field(default_factory=list)
    env: Dict[str, str] = field(default_factory=dict, repr=False)
    cwd: Optional[Path] = None
    liveness_url: str = ""  # answers at all = not hung; never touches the database. Empty: health_url

    def alive(self) -> bool:
        return self.process.poll() is None

    @property
    def probe_url(self) -> str:
        return self.liveness_url or self.health_url

    def respawn(self) -> None:
        """Start the same command again in place of a dead (and reaped) process."""
        self.process = _popen(self.argv, self.env, self.log_path, self.cwd, note=f"restarted {self.name}")


@dataclass
class Stack:
    """The running servers of one Lantern instance."""

    settings: settings_mod.Settings
    children: List[Child] = field(default_factory=list)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM every process group, then SIGKILL whatever is left after `timeout`."""
        for child in reversed(self.children):
            terminate_group(child.process)
        deadline = time.monotonic() + timeout
        for child in reversed(self.children):
            stop_group(child.process, max(0.1, deadline - time.monotonic()))
        self.children.clear()

    def kill(self) -> None:
        """SIGKILL every process group now (a second Ctrl-C while stopping)."""
        for child in self.children:
            _signal_group(child.process, signal.SIGKILL)

    def child(self, name: str) -> Child:
        return next(c for c in self.children if c.name == name)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    """Signal the child's process group, or the child alone if it has none of its own any more."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:  # the group id is gone or was never the child's
        try:
            process.send_signal(sig)
        except ProcessLookupError:
            pass


def terminate_group(process: subprocess.Popen) -> None:
    """SIGTERM the group, and SIGCONT it so a stopped (hung) process gets to act on the SIGTERM."""
    _signal_group(process, signal.SIGTERM)
    _signal_group(process, signal.SIGCONT)


def stop_group(process: subprocess.Popen, grace: float) -> Optional[int]:
    """Wait `grace` seconds for a SIGTERMed child to exit, then SIGKILL its group; its exit code.

    The group is SIGKILLed in either case, before the child is reaped (its pid,
    the group id, stays reserved until then), so nothing it started survives it.
    """
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    _signal_group(process, signal.SIGKILL)
    try:
        return process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # unkillable (D state): leave it, say so
        print(f"process {process.pid} did not exit after SIGKILL", file=sys.stderr)
        return None


_PR_SET_PDEATHSIG = 1


def die_with_parent_hook() -> Optional[Callable[[], None]]:
    """A preexec_fn asking the kernel to SIGKILL the child when its parent dies (Linux only).

    Without it, `kill -9` of `make run` leaves both servers running forever:
    they are in their own sessions, so nothing else reaches them. The kernel
    sends the signal when the *thread* that started the child ends, so children
    are started from the main thread only (tools/runner.py, tests, benchmarks).
    Everything the hook calls is resolved here, before the fork.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    args = (
        ctypes.c_int(_PR_SET_PDEATHSIG),
        ctypes.c_ulong(signal.SIGKILL),
        ctypes.c_ulong(0),
        ctypes.c_ulong(0),
        ctypes.c_ulong(0),
    )
    parent = os.getpid()

    def hook() -> None:
        prctl(*args)
        if os.getppid() != parent:  # the parent died before prctl: nobody would ever stop us
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


def child_env(s: settings_mod.Settings, overrides: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """Environment for children: settings made explicit, so `.env` and overrides agree."""
    env = dict(os.environ)
    env.update(
        {
            "LANTERN_DATA_DIR": str(s.data_dir),
            "LANTERN_DB_URL": s.db_url,
            "LANTERN_HOST": s.host,
            "RASA_PORT": str(s.rasa_port),
            "ACTIONS_PORT": str(s.actions_port),
            "RASA_API_TOKEN": s.rasa_api_token,
            "LANTERN_REST_TOKEN": s.rest_token,
            "LANTERN_PSEUDONYM_KEY": s.pseudonym_key,
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides or {})
    return env


def _open_private_log(log_path: Path) -> int:
    """Append-only log descriptor, 0600 even when the file is older and was 0644."""
    log_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    return fd


def _popen(
    argv: List[str], env: Dict[str, str], log_path: Path, cwd: Optional[Path], note: str = ""
) -> subprocess.Popen:
    fd = _open_private_log(log_path)
    try:
        if note:  # a marker in the child's log, so a restart is easy to find there
            os.write(fd, f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {note} ---\n".encode())
        return subprocess.Popen(
            argv,
            cwd=cwd or PROJECT_ROOT,
            env=env,
            stdout=fd,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            umask=PRIVATE_UMASK,
            preexec_fn=die_with_parent_hook(),
        )
    finally:
        os.close(fd)


def _spawn(
    name: str,
    argv: List[str],
    env: Dict[str, str],
    log_dir: Path,
    health_url: str,
    cwd: Optional[Path] = None,
    liveness_url: str = "",
) -> Child:
    log_path = log_dir / f"{name}.log"
    process = _popen(argv, env, log_path, cwd)
    return Child(
        name=name,
        process=process,
        log_path=log_path,
        health_url=health_url,
        argv=argv,
        env=env,
        cwd=cwd,
        liveness_url=liveness_url,
    )


def start_action_server(s: settings_mod.Settings, env: Dict[str, str], log_dir: Path) -> Child:
    argv = [sys.executable, "-m", "actions", "--actions", "actions", "--port", str(s.actions_port)]
    env = {**env, "SANIC_HOST": s.host}  # rasa_sdk.endpoint.run() binds to SANIC_HOST, else 0.0.0.0
    return _spawn("actions", argv, env, log_dir, f"http://{s.host}:{s.actions_port}/health")


def start_rasa_server(
    s: settings_mod.Settings, env: Dict[str, str], log_dir: Path, model: Optional[Path] = None
) -> Child:
    argv = [sys.executable, "-m", "rasa_plugins.server"]
    if model:
        argv += ["--model", str(model)]
    # `GET /` is Rasa's hello route: it shows the server answers without touching the database,
    # so a slow or locked database never gets the server restarted (the health route would).
    return _spawn("rasa", argv, env, log_dir, f"{s.rasa_url}/webhooks/health/", liveness_url=f"{s.rasa_url}/")


def start_staff_console(s: settings_mod.Settings, env: Dict[str, str], log_dir: Path) -> Child:
    """The staff console (staff/, docs/staff-console.md); /healthz answers without touching the database."""
    argv = [sys.executable, "-m", "staff", "serve", "--port", str(s.staff_port)]
    return _spawn("staff", argv, env, log_dir, f"{s.staff_url}/healthz")


def http_json(
    url: str,
    payload: Optional[dict] = None,
    timeout: float = 30.0,
    headers: Optional[Dict[str, str]] = None,
    method: Optional[str] = None,
) -> tuple:
    """(status, parsed JSON or text) for a GET, or a POST when `payload` is given (or `method`, e.g. PUT)."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            body = resp.read().decode("utf-8")
            status = resp.status
    except urllib.error.HTTPError as err:
        body, status = err.read().decode("utf-8", "replace"), err.code
    try:
        return status, json.loads(body)
    except json.JSONDecodeError:
        return status, body


ANSWERED, REFUSED, SILENT = "answered", "refused", "silent"


def probe(url: str, timeout: float) -> str:
    """A liveness probe: ANSWERED (any HTTP status), REFUSED (nothing listens yet) or SILENT.

    SILENT (no answer within `timeout`, or a broken one) is what a hung server
    gives: the kernel accepts the connection and nobody reads it. The
    supervisor tells it from REFUSED, which a server that is still loading gives.
    """
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            resp.read(64)
        return ANSWERED
    except urllib.error.HTTPError:
        return ANSWERED
    except urllib.error.URLError as err:
        return REFUSED if isinstance(err.reason, ConnectionRefusedError) else SILENT
    except ConnectionRefusedError:
        return REFUSED
    except OSError:  # timeouts, resets, a connection closed without an answer
        return SILENT


def answers(url: str, timeout: float) -> bool:
    """True when something answers HTTP at `url` within `timeout`, whatever the status."""
    return probe(url, timeout) == ANSWERED


class Stopping(Exception):
    """Raised while waiting for a server when the caller asked to stop (a signal to `make run`)."""


def wait_healthy(child: Child, timeout: float, should_stop: Optional[Callable[[], bool]] = None) -> None:
    """Block until the child's health URL answers 200; raise with the log tail if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if should_stop is not None and should_stop():
            raise Stopping(child.name)
        if not child.alive():
            raise RuntimeError(f"{child.name} exited early; see {child.log_path}:\n{tail(child.log_path)}")
        try:
            status, _ = http_json(child.health_url, timeout=2)
            if status == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{child.name} not healthy after {timeout:.0f}s; see {child.log_path}:\n{tail(child.log_path)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def secure_data(s: settings_mod.Settings) -> List[Path]:
    """Make the data folder private: folders 0700, files without group/other bits (0600). Returns what changed.

    Older installs wrote 0644 files; children now run with umask 077, which
    only covers new files. SQLite databases configured outside the data folder
    (and their -wal/-shm/-journal files) are fixed too, not their folders.
    Symbolic links are not followed. A data folder that holds the project or
    the home folder is not walked (a mistaken LANTERN_DATA_DIR=. must not
    make the code and the virtualenv unreadable or unexecutable).
    """
    data_dir = s.data_dir
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    resolved = data_dir.resolve()
    changed: List[Path] = []

    def fix(path: Path, folder: bool) -> None:
        try:
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                return
            mode = stat.S_IMODE(st.st_mode)
            wanted = 0o700 if folder else (mode & 0o700) | 0o600
            if mode != wanted:
                os.chmod(path, wanted)
                changed.append(path)
        except FileNotFoundError:
            pass
        except PermissionError:
            print(f"Could not make {path} private (not its owner?): fix its mode by hand", file=sys.stderr)

    if _is_within(PROJECT_ROOT, resolved) or _is_within(Path.home().resolve(), resolved):
        print(
            f"LANTERN_DATA_DIR={data_dir} holds the project or the home folder: its modes are left alone",
            file=sys.stderr,
        )
    else:
        for dirpath, _dirnames, filenames in os.walk(data_dir):
            fix(Path(dirpath), folder=True)
            for name in filenames:
                fix(Path(dirpath) / name, folder=False)
    for url in (s.db_url, s.directory_db_url):
        for path in database_files(url):
            path = path if path.is_absolute() else PROJECT_ROOT / path  # as the Rasa server sees it
            if not _is_within(path.resolve(), resolved):
                fix(path, folder=False)
    return changed


def start_stack(
    s: settings_mod.Settings,
    log_dir: Optional[Path] = None,
    model: Optional[Path] = None,
    env_overrides: Optional[Dict[str, str]] = None,
    timeout: float = 240.0,
    should_stop: Optional[Callable[[], bool]] = None,
    staff: bool = False,
) -> Stack:
    """Start the action server and the Rasa server (and with `staff`, the staff console); wait until healthy.

    `should_stop` is polled while waiting: when it turns true both are stopped
    and `Stopping` is raised (so a signal never leaves a half-started stack).
    """
    log_dir = log_dir or s.data_dir / "logs"
    secure_data(s)
    env = child_env(s, env_overrides)
    stack = Stack(settings=s)
    try:
        stack.children.append(start_action_server(s, env, log_dir))
        stack.children.append(start_rasa_server(s, env, log_dir, model))
        if staff:
            stack.children.append(start_staff_console(s, env, log_dir))
        for child in stack.children:
            wait_healthy(child, timeout, should_stop)
    except BaseException:
        stack.stop()
        raise
    return stack
