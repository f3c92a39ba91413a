"""`make run`: start everything, warm it up, print where it is, stop cleanly on Ctrl-C.

While it is up, a background thread deletes conversations past the retention
period (LANTERN_RETENTION_DAYS) at start and every hour (bot/transcripts/retention.py).
"""
from __future__ import annotations

import signal
import sys
import time
import uuid
from types import FrameType
from typing import Optional

from bot import settings as settings_mod
from bot.processes import Stack, send, start_stack, tail
from bot.transcripts.retention import RetentionSchedule


def banner(s: settings_mod.Settings) -> str:
    return "\n".join(
        [
            "",
            "Lantern is running.",
            f"  REST channel   POST {s.rasa_url}/webhooks/rest/webhook",
            f"  socket.io      {s.rasa_url}/socket.io/",
            f"  web widget     {s.rasa_url}/webhooks/widget/demo  (demo page; embed: docs/channels.md)",
            f"  SMS (Twilio)   POST {s.public_url or s.rasa_url}/webhooks/sms/webhook"
            + ("" if s.twilio_auth_token and s.twilio_account_sid and s.sms_from
               else "  (off: set LANTERN_TWILIO_ACCOUNT_SID, LANTERN_TWILIO_AUTH_TOKEN, LANTERN_SMS_FROM)"),
            f"  health         GET  {s.rasa_url}/webhooks/health/",
            f"  HTTP API       {s.rasa_url}/  (header: Authorization: Bearer $RASA_API_TOKEN, or ?token=)",
            f"  action server  {s.actions_url.rsplit('/', 1)[0]}/health",
            f"  data           {s.data_dir}",
            f"  logs           {s.data_dir / 'logs'}",
            f"  retention      {retention_line(s)}",
            "Try:",
            f"  curl -s -X POST {s.rasa_url}/webhooks/rest/webhook -H 'Content-Type: application/json' "
            "-d '{\"sender\": \"me\", \"message\": \"hi\"}'",
            "Press Ctrl-C to stop.",
            "",
        ]
    )


def retention_line(s: settings_mod.Settings) -> str:
    if s.retention_days < 1:
        return "off (LANTERN_RETENTION_DAYS=0): conversations are kept"
    return f"{s.retention_days} days, purged at start and hourly (python -m bot transcripts purge)"


SAMPLE_DIRECTORY = settings_mod.PROJECT_ROOT / "data" / "directory" / "sample-dayton"


def ensure_sample_directory(s: settings_mod.Settings) -> Optional[str]:
    """On a first run (no directory imported yet), import the fictional sample so referrals work.

    Staff replace it with real data: `python -m bot directory import PATH` (docs/directory.md).
    Returns what was done, or None when a directory is already there.
    """
    from bot.directory import db
    from bot.directory.importer import import_path
    from bot.directory.staff import list_sources

    with db.session_scope(s.directory_db_url) as session:
        if list_sources(session):
            return None
        report = import_path(SAMPLE_DIRECTORY, session)
    return report.summary().splitlines()[0] + " (fictional sample for the demo)"


def main() -> int:
    generated = settings_mod.ensure_secrets()
    if generated:
        print(f"Generated {', '.join(generated)} into {settings_mod.ENV_FILE} (keep it secret).")
    s = settings_mod.load()
    imported = ensure_sample_directory(s)
    if imported:
        print(imported)
    print("Starting the action server and the Rasa server (about a minute)...", flush=True)
    stack: Optional[Stack] = None
    retention: Optional[RetentionSchedule] = None
    stopping = False

    def on_signal(signum: int, _: Optional[FrameType]) -> None:
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        started = time.monotonic()
        stack = start_stack(s)
        status, replies = send(s, f"warmup-{uuid.uuid4().hex[:8]}", "hi")
        if status != 200:
            print(f"Warm-up message failed with HTTP {status}: {replies}", file=sys.stderr)
            return 1
        if s.retention_days > 0:  # after start-up: the Rasa server has migrated the database by now
            retention = RetentionSchedule(s.db_url, s.retention_days).start()
        print(f"Ready in {time.monotonic() - started:.0f}s.")
        print(banner(s), flush=True)
        while all(child.alive() for child in stack.children):
            time.sleep(1)
        dead = [c for c in stack.children if not c.alive()]
        for child in dead:
            print(f"{child.name} stopped unexpectedly; last lines of {child.log_path}:\n{tail(child.log_path)}",
                  file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping Lantern...", flush=True)
        return 0
    except RuntimeError as err:
        print(str(err), file=sys.stderr)
        return 1
    finally:
        if retention is not None:
            retention.stop()
        if stack is not None:
            stack.stop()
            print("Stopped.")


if __name__ == "__main__":
    sys.exit(main())
