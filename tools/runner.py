"""`make run`: check the settings, start everything, warm it up, print where it is, keep it up, stop cleanly.

- Refuses to start (exit 2) when SMS is configured without LANTERN_SUPPORT_CONTACT.
- What it and its servers write is private: umask 077 here and in the children
  (tools/processes.py), and older 0644 files under the data folder are made 0600
  at start (`secure_data`).
- It also starts the staff console (staff/, `python -m staff serve`, LANTERN_STAFF_PORT).
- While up, a crashed or hung server is restarted with backoff and the other
  keeps running (tools/supervisor.py); a background thread deletes conversations
  past the retention period (LANTERN_RETENTION_DAYS) at start and every hour
  (lantern/records/transcripts/retention.py).
- With LANTERN_DEV=on (development), a saved change under domain/ or data/ (or to config.yml)
  is trained (tools/training.py, incremental) and the new models/lantern.tar.gz is loaded
  into the running Rasa server (tools/model_watch.py); edited wording is always picked
  up by the action server itself (actions/phrases.py).
- SIGTERM, SIGINT (Ctrl-C) or SIGHUP, to this process or to its whole group,
  stop both servers (SIGKILL after 15 s); a repeat 2 s or more after the first
  SIGKILLs them at once. If this process is SIGKILLed, the kernel kills them
  (parent-death signal, tools/processes.py).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import uuid
from types import FrameType
from typing import Any, Callable, List, Optional

from lantern import settings as settings_mod
from lantern.records.transcripts.retention import RetentionSchedule
from tools.client import send
from tools.model_watch import ModelWatcher
from tools.processes import PRIVATE_UMASK, Stack, Stopping, secure_data, start_stack
from tools.supervisor import Policy, Supervisor, setup_log
from tools.training import TrainWatcher

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def banner(s: settings_mod.Settings) -> str:
    return "\n".join(
        [
            "",
            "Lantern is running.",
            f"  REST channel   POST {s.rasa_url}/webhooks/rest/webhook",
            f"  socket.io      {s.rasa_url}/socket.io/",
            f"  web widget     {s.rasa_url}/webhooks/widget/demo  (demo page; embed: docs/channels.md)",
            f"  SMS (Twilio)   POST {s.public_url or s.rasa_url}/webhooks/sms/webhook"
            + (
                ""
                if sms_configured(s)
                else "  (off: set LANTERN_TWILIO_ACCOUNT_SID, LANTERN_TWILIO_AUTH_TOKEN, LANTERN_SMS_FROM)"
            ),
            f"  health         GET  {s.rasa_url}/webhooks/health/",
            f"  HTTP API       {s.rasa_url}/  (header: Authorization: Bearer $RASA_API_TOKEN)",
            f"  action server  {s.actions_url.rsplit('/', 1)[0]}/health",
            f"  staff console  {s.staff_url}/  (first admin: python -m staff add-user)",
            f"  data           {s.data_dir}",
            f"  logs           {s.data_dir / 'logs'}  (restarts: supervisor.log)",
            f"  retention      {retention_line(s)}",
            "  new model      "
            + (
                "saved domain/ and data/ files are trained and loaded (LANTERN_DEV=on)"
                if s.dev
                else "restart to use it (or LANTERN_DEV=on)"
            ),
            "  wording        actions/phrases/*.yml edits are used from the next message",
            "Try:",
            "  source .env   # LANTERN_REST_TOKEN",
            f'  curl -s -X POST {s.rasa_url}/webhooks/rest/webhook -H "Authorization: Bearer $LANTERN_REST_TOKEN" '
            '-H \'Content-Type: application/json\' -d \'{"sender": "me", "message": "hi"}\'',
            "Press Ctrl-C to stop.",
            "",
        ]
    )


def retention_line(s: settings_mod.Settings) -> str:
    if s.retention_days < 1:
        return "off (LANTERN_RETENTION_DAYS=0): conversations are kept"
    return f"{s.retention_days} days, purged at start and hourly (python -m tools transcripts purge)"


SAMPLE_DIRECTORY = settings_mod.PROJECT_ROOT / "data" / "directory" / "sample-dayton"


def ensure_sample_directory(s: settings_mod.Settings) -> Optional[str]:
    """On a first run (no directory imported yet), import the fictional sample so referrals work.

    Staff replace it with real data: `python -m tools directory import PATH` (docs/directory.md).
    Returns what was done, or None when a directory is already there.
    """
    from lantern.directory import db
    from lantern.directory.importer import import_path
    from lantern.directory.staff import list_sources

    with db.session_scope(s.directory_db_url) as session:
        if list_sources(session):
            return None
        report = import_path(SAMPLE_DIRECTORY, session)
    return report.summary().splitlines()[0] + " (fictional sample for the demo)"


def sms_configured(s: settings_mod.Settings) -> bool:
    """SMS is on when all three Twilio settings are set (the SMS channel needs them all)."""
    return bool(s.twilio_auth_token and s.twilio_account_sid and s.sms_from)


def config_problems(s: settings_mod.Settings) -> List[str]:
    """Settings `make run` refuses to start with, each as a sentence saying what to set."""
    problems = []
    if sms_configured(s) and not s.support_contact:
        problems.append(
            "SMS is configured (LANTERN_TWILIO_ACCOUNT_SID, LANTERN_TWILIO_AUTH_TOKEN and LANTERN_SMS_FROM are set) "
            "but LANTERN_SUPPORT_CONTACT is empty. Carriers expect the reply to HELP to name a support contact: "
            "set LANTERN_SUPPORT_CONTACT in .env to a phone number or email people can reach "
            "(docs/channels.md), or unset the Twilio settings to run without SMS."
        )
    return problems


class StopRequest:
    """Handler for SIGTERM/SIGINT/SIGHUP: it only records the request; the main loop acts on it.

    Raising from a handler (the old way) could interrupt `Popen` between the
    fork and recording the child, or interrupt the stop itself, and leave
    servers behind. A repeat 2 s or more after the first signal (a second
    Ctrl-C) SIGKILLs the servers at once; repeats closer together are the same
    stop arriving twice (sent to the group and forwarded by make).
    """

    def __init__(self) -> None:
        self.signum: Optional[int] = None
        self.first_at = 0.0
        self.stack: Optional[Stack] = None

    def __call__(self, signum: int, _frame: Optional[FrameType]) -> None:
        if self.signum is None:
            self.signum, self.first_at = signum, time.monotonic()
        elif time.monotonic() - self.first_at >= 2.0 and self.stack is not None:
            self.stack.kill()

    def is_set(self) -> bool:
        return self.signum is not None

    def install(self) -> None:
        for sig in STOP_SIGNALS:
            signal.signal(sig, self)


def _until_done_or_stopped(work: Callable[[], Any], should_stop: Callable[[], bool]) -> Optional[Any]:
    """Run `work` in a helper thread and wait for it, unless a stop is requested first (then None)."""
    results: List[Any] = []
    errors: List[BaseException] = []

    def target() -> None:
        try:
            results.append(work())
        except BaseException as err:
            errors.append(err)

    thread = threading.Thread(target=target, name="lantern-warmup", daemon=True)
    thread.start()
    while thread.is_alive() and not should_stop():
        thread.join(0.2)
    if errors:
        raise errors[0]
    return results[0] if results else None


def main() -> int:
    os.umask(PRIVATE_UMASK)  # before anything is written: .env, directory.db, logs
    try:
        problems = config_problems(settings_mod.load())
        Policy.from_settings(settings_mod.load().extra)
    except ValueError as err:  # a malformed setting: say which, start nothing
        problems = [str(err)]
    if problems:
        for problem in problems:
            print(f"Lantern did not start: {problem}", file=sys.stderr)
        return 2
    generated = settings_mod.ensure_secrets()
    if generated:
        print(f"Generated {', '.join(generated)} into {settings_mod.ENV_FILE} (keep it secret).")
    s = settings_mod.load()
    policy = Policy.from_settings(s.extra)
    stop = StopRequest()
    stop.install()
    fixed = secure_data(s)
    if fixed:
        print(f"Made {len(fixed)} existing files and folders under {s.data_dir} private (modes 600 and 700).")
    imported = ensure_sample_directory(s)
    if imported:
        print(imported)
    log_dir = s.data_dir / "logs"
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    log = setup_log([logging.StreamHandler(sys.stderr), logging.FileHandler(log_dir / "supervisor.log")])
    print("Starting the action server and the Rasa server (about a minute)...", flush=True)
    stack: Optional[Stack] = None
    retention: Optional[RetentionSchedule] = None
    model_watcher: Optional[ModelWatcher] = None
    train_watcher: Optional[TrainWatcher] = None
    try:
        started = time.monotonic()
        if stop.is_set():
            raise Stopping("before start")
        stack = stop.stack = start_stack(s, log_dir=log_dir, should_stop=stop.is_set, staff=True)
        answer = _until_done_or_stopped(lambda: send(s, f"warmup-{uuid.uuid4().hex[:8]}", "hi"), stop.is_set)
        if answer is None:
            raise Stopping("warm-up")
        status, replies = answer
        if status != 200:
            print(f"Warm-up message failed with HTTP {status}: {replies}", file=sys.stderr)
            return 1
        if s.retention_days > 0:  # after start-up: the Rasa server has migrated the database by now
            retention = RetentionSchedule(s.db_url, s.retention_days).start()
        if s.dev:
            model_watcher = ModelWatcher(s, say=lambda line: print(line, flush=True)).start()
            train_watcher = TrainWatcher(s, say=lambda line: print(line, flush=True)).start()
        print(f"Ready in {time.monotonic() - started:.0f}s.")
        print(banner(s), flush=True)
        log.info(
            "up: action server pid %d, Rasa server pid %d",
            stack.child("actions").process.pid,
            stack.child("rasa").process.pid,
        )
        Supervisor(stack, policy, log).run(stop.is_set)
        raise Stopping("signal")
    except (Stopping, KeyboardInterrupt):
        name = signal.Signals(stop.signum).name if stop.signum else "Ctrl-C"
        print(f"\nStopping Lantern ({name})...", flush=True)
        return 0
    except RuntimeError as err:
        print(str(err), file=sys.stderr)
        return 1
    finally:
        if model_watcher is not None:
            model_watcher.stop()
        if train_watcher is not None:
            train_watcher.stop()
        if retention is not None:
            retention.stop()
        if stack is not None:
            stack.stop()
            print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
