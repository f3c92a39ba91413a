"""Start and stop Lantern's processes: the action server and the Rasa server.

Used by `make run` (bot/runner.py), by the integration tests and by the
benchmarks, so all three run exactly the same thing. Each child runs in its own
process group, so stopping it also stops anything it started (no orphans).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Dict, List, Optional

from bot import settings as settings_mod

PROJECT_ROOT = settings_mod.PROJECT_ROOT


@dataclass
class Child:
    """One running server and where its output goes."""

    name: str
    process: subprocess.Popen
    log_path: Path
    health_url: str

    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Stack:
    """The running servers of one Lantern instance."""

    settings: settings_mod.Settings
    children: List[Child] = field(default_factory=list)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM every process group, then SIGKILL whatever is left after `timeout`."""
        for child in reversed(self.children):
            _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in reversed(self.children):
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait(timeout=5)
        self.children.clear()

    def child(self, name: str) -> Child:
        return next(c for c in self.children if c.name == name)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


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
            "LANTERN_PSEUDONYM_KEY": s.pseudonym_key,
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides or {})
    return env


def _spawn(name: str, argv: List[str], env: Dict[str, str], log_dir: Path, health_url: str,
           cwd: Optional[Path] = None) -> Child:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log: IO[bytes] = log_path.open("ab")
    process = subprocess.Popen(
        argv, cwd=cwd or PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True,
    )
    log.close()
    return Child(name=name, process=process, log_path=log_path, health_url=health_url)


def start_action_server(s: settings_mod.Settings, env: Dict[str, str], log_dir: Path) -> Child:
    argv = [sys.executable, "-m", "rasa_sdk", "--actions", "actions",
            "--port", str(s.actions_port)]
    return _spawn("actions", argv, env, log_dir, f"http://{s.host}:{s.actions_port}/health")


def start_rasa_server(s: settings_mod.Settings, env: Dict[str, str], log_dir: Path,
                      model: Optional[Path] = None) -> Child:
    argv = [sys.executable, "-m", "bot.server"]
    if model:
        argv += ["--model", str(model)]
    return _spawn("rasa", argv, env, log_dir, f"{s.rasa_url}/webhooks/health/")


def http_json(url: str, payload: Optional[dict] = None, timeout: float = 30.0,
              headers: Optional[Dict[str, str]] = None) -> tuple:
    """(status, parsed JSON or text) for a GET, or a POST when `payload` is given."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
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


def wait_healthy(child: Child, timeout: float) -> None:
    """Block until the child's health URL answers 200; raise with the log tail if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
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


def start_stack(s: settings_mod.Settings, log_dir: Optional[Path] = None, model: Optional[Path] = None,
                env_overrides: Optional[Dict[str, str]] = None, timeout: float = 240.0) -> Stack:
    """Start the action server and the Rasa server and wait until both are healthy."""
    log_dir = log_dir or s.data_dir / "logs"
    env = child_env(s, env_overrides)
    stack = Stack(settings=s)
    try:
        stack.children.append(start_action_server(s, env, log_dir))
        stack.children.append(start_rasa_server(s, env, log_dir, model))
        for child in stack.children:
            wait_healthy(child, timeout)
    except BaseException:
        stack.stop()
        raise
    return stack


def send(s: settings_mod.Settings, sender: str, text: str, timeout: float = 30.0) -> tuple:
    """Send one message through the REST channel; (status, replies)."""
    return http_json(f"{s.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": text}, timeout)
