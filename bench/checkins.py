"""`python -m bench.checkins`: check-ins sent on time across a restart, once, never opted out or in quiet hours.

Issue 21's figures. Two real Rasa servers (two replicas, one SQLite database, each with its own sending
loop at the default poll interval), one action server, Twilio replaced by the local fake. Check-ins are
written into the table as the conversation books them (tests/integration/test_checkins_sms.py covers the
conversation), due over the next few minutes:

- ON_TIME check-ins in a zone outside quiet hours: how late each text reached Twilio after its time;
- OPTED_OUT ones whose number texted STOP after booking (sms_opt_outs): texts that went out (target 0);
- QUIET ones in a zone where it is now inside quiet hours (the setting is chosen so): texts that went out
  (target 0; they wait for the end of quiet hours);

and one minute in, BOTH replicas are stopped and started again (the worst restart: nobody sends while
they are down). Every number is counted for duplicates (two replicas, one text each).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Tuple
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
ON_TIME, OPTED_OUT, QUIET = 20, 5, 5
SPREAD_S = 180.0  # due times from +20 s to +200 s
RESTART_AT_S = 60.0
TARGET_LATE_S = 60.0
AWAKE_ZONE, QUIET_ZONE = "Asia/Kolkata", "America/Chicago"  # 11.5 hours apart


def quiet_hours_now_in(zone: str) -> str:
    """A quiet-hours setting that covers the next two hours in `zone` (and so not in a zone 11.5 hours away)."""
    hour = datetime.now(ZoneInfo(zone)).hour
    return f"{(hour - 1) % 24:02d}:00-{(hour + 3) % 24:02d}:00"


def main() -> int:
    from lantern.checkins.store import CheckinStore
    from rasa_plugins.channels.sms_state import SmsState
    from tests.conftest import MODEL, PUBLIC_URL, make_settings
    from tests.integration.fake_twilio import SMS_FROM, FakeTwilio
    from tools import processes

    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train`", file=sys.stderr)
        return 1
    fake = FakeTwilio().start()
    contact_key = "bench-" + uuid.uuid4().hex
    overrides = {
        "LANTERN_PUBLIC_URL": PUBLIC_URL,
        "LANTERN_TWILIO_ACCOUNT_SID": fake.account_sid,
        "LANTERN_TWILIO_AUTH_TOKEN": fake.auth_token,
        "LANTERN_TWILIO_API_URL": fake.url,
        "LANTERN_SMS_FROM": SMS_FROM,
        "LANTERN_CONTACT_KEY": contact_key,
        "LANTERN_CHECKIN_QUIET_HOURS": quiet_hours_now_in(QUIET_ZONE),
    }
    with tempfile.TemporaryDirectory(prefix="bench-checkins-") as tmp:
        data = Path(tmp)
        s = make_settings(data, **overrides)
        stack = processes.start_stack(s, model=MODEL, env_overrides=overrides)
        # Same data folder, database and action server; its own port.
        s2 = make_settings(data, **overrides, ACTIONS_PORT=str(s.actions_port))
        second = processes.start_rasa_server(s2, processes.child_env(s2, overrides), data / "logs2", MODEL)
        processes.wait_healthy(second, 240)
        replicas = [stack.child("rasa"), second]
        try:
            store, sms = CheckinStore(s.db_url), SmsState(s.db_url)
            start = time.time()
            plan: Dict[str, Tuple[str, float]] = {}  # number -> (kind, due)
            kinds = ["on_time"] * ON_TIME + ["opted_out"] * OPTED_OUT + ["quiet"] * QUIET
            for i, kind in enumerate(kinds):
                due = start + 20 + SPREAD_S * i / len(kinds)
                phone = f"+1555{uuid.uuid4().int % 10**7:07d}"
                sender = "bench-" + uuid.uuid4().hex[:12]
                zone = QUIET_ZONE if kind == "quiet" else AWAKE_ZONE
                store.schedule(sender, due, zone, "plan", consent_at=start, now=start)
                store.attach_phone(sender, phone, contact_key, start)
                if kind == "opted_out":
                    sms.set_opted_out(sender, True)
                plan[phone] = (kind, due)

            while time.time() < start + RESTART_AT_S:
                time.sleep(0.5)
            down = time.monotonic()
            for child in replicas:
                processes.terminate_group(child.process)
            for child in replicas:
                processes.stop_group(child.process, 15)
                child.respawn()
            for child in replicas:
                processes.wait_healthy(child, 240)
            downtime = time.monotonic() - down

            last_due = max(due for _, due in plan.values())
            while time.time() < last_due + 90:
                if all(fake.to(p) for p, (k, _) in plan.items() if k == "on_time") and time.time() > last_due + 20:
                    break
                time.sleep(1)
            time.sleep(5)  # a few more polls: nothing should go out twice

            late: List[float] = []
            duplicates = opted = quiet = missing = 0
            for phone, (kind, due) in plan.items():
                sent = [m for m in fake.sent if m.to == phone]
                duplicates += max(0, len(sent) - 1)
                if kind == "on_time":
                    if sent:
                        late.append(sent[0].at - due)
                    else:
                        missing += 1
                elif kind == "opted_out":
                    opted += len(sent)
                else:
                    quiet += len(sent)
            counts = store.counts()
        finally:
            processes.terminate_group(second.process)
            processes.stop_group(second.process, 15)
            stack.stop()
            fake.stop()

    within = sum(1 for x in late if x <= TARGET_LATE_S)
    print("## Check-ins: on time across a restart, once, never opted out or in quiet hours\n")
    print(
        f"Two Rasa replicas on one SQLite database, each sending at the default poll interval; both restarted "
        f"{RESTART_AT_S:.0f} s in (down {downtime:.1f} s). {len(kinds)} check-ins due over {SPREAD_S:.0f} s. "
        f"Load average at the end: {os.getloadavg()[0]:.1f}.\n"
    )
    print("| measure | result | target |\n|---|---|---|")
    print(f"| sent within 1 minute of their time | {within}/{ON_TIME} | all |")
    if late:
        print(f"| lateness p50 / max | {statistics.median(late):.1f} s / {max(late):.1f} s | <= 60 s |")
    print(f"| not sent at all | {missing} | 0 |")
    print(f"| sent more than once | {duplicates} | 0 |")
    print(f"| sent to a number that texted STOP | {opted} (of {OPTED_OUT}) | 0 |")
    print(f"| sent inside quiet hours | {quiet} (of {QUIET}; they wait for the end of quiet hours) | 0 |")
    print(f"\nRows by status at the end: {counts}.")
    ok = within == ON_TIME and not duplicates and not opted and not quiet
    print(f"\nTargets {'met' if ok else 'NOT met'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
