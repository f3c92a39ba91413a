"""`python -m bench.handoff`: a staff member's message, from Send in the console to the person's screen.

Issue 21's figure (target: within 1 s). Two real Rasa replicas on one SQLite database (each relays staff
messages at the default poll interval), one action server, the real staff console, Debian's Chromium.
PEOPLE widget sessions, alternating between the replicas, each ask for a person; a reviewer takes each one
over in the console and sends MESSAGES replies by clicking Send. The time is the person's page's clock
when the message is shown (a MutationObserver) minus the staff page's clock just before the click: both
pages are in one browser, so one clock. It covers the console's POST and redirect, the database, the
replica's poll, socket.io and the widget's rendering.

SMS (the fake Twilio): SMS_PEOPLE texted hand-offs; the time from Send to the fake Messages API receiving
the text (a phone's own delivery comes after that and is Twilio's).
"""

from __future__ import annotations

import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, List

ROOT = Path(__file__).resolve().parent.parent
PEOPLE, MESSAGES, SMS_PEOPLE = 6, 3, 4
TARGET_S = 1.0
OBSERVE = """(wanted) => {
  window.__lanternShown = null;
  const host = document.querySelector('[data-lantern-widget]');
  const root = (host && host.shadowRoot) || document;
  const seen = () => [...root.querySelectorAll('.msg.staff')].some((m) => m.textContent.includes(wanted));
  new MutationObserver((_, obs) => { if (seen()) { obs.disconnect(); window.__lanternShown = Date.now(); } })
    .observe(root, { childList: true, subtree: true });
}"""


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    from playwright.sync_api import sync_playwright

    from lantern.handoffs import store as handoff_store
    from tests.conftest import MODEL, PUBLIC_URL, make_settings
    from tests.integration.fake_twilio import SMS_FROM, FakeTwilio, signed_request, sms_params
    from tools import processes, staff_demo

    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train`", file=sys.stderr)
        return 1
    fake = FakeTwilio().start()
    overrides = {
        "LANTERN_ORG_NAME": "Harbor",
        "LANTERN_PUBLIC_URL": PUBLIC_URL,
        "LANTERN_TWILIO_ACCOUNT_SID": fake.account_sid,
        "LANTERN_TWILIO_AUTH_TOKEN": fake.auth_token,
        "LANTERN_TWILIO_API_URL": fake.url,
        "LANTERN_SMS_FROM": SMS_FROM,
        "LANTERN_CONTACT_KEY": "bench-" + uuid.uuid4().hex,
        "LANTERN_STAFFED_HOURS": "Mon-Sun 00:00-24:00",
        "LANTERN_STAFFED_TZ": "UTC",
        "LANTERN_STAFF_KEY": "bench-" + uuid.uuid4().hex,
    }
    screen: List[float] = []
    sms: List[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-handoff-") as tmp:
        data = Path(tmp)
        s = make_settings(data, **overrides)
        stack = processes.start_stack(s, model=MODEL, env_overrides=overrides, staff=True)
        s2 = make_settings(data, **overrides, ACTIONS_PORT=str(s.actions_port))
        second = processes.start_rasa_server(s2, processes.child_env(s2, overrides), data / "logs2", MODEL)
        processes.wait_healthy(second, 240)
        database = s.db_url.split("sqlite:///", 1)[1].split("?", 1)[0]

        def waiting(channel: str) -> int:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with sqlite3.connect(database, timeout=5) as conn:
                    row = conn.execute(
                        "SELECT id FROM handoffs WHERE channel = ? AND status = 'waiting' ORDER BY id", (channel,)
                    ).fetchone()
                if row:
                    return int(row[0])
                time.sleep(0.1)
            raise RuntimeError("no hand-off was opened")

        try:
            _make_reviewer(s.db_url, staff_demo.PASSWORD)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=staff_demo.CHROMIUM, args=staff_demo.CHROMIUM_ARGS)
                staff = browser.new_context(viewport=staff_demo.SCREEN).new_page()
                staff.set_default_timeout(45_000)
                staff_demo.sign_in(staff, s.staff_url, "bench")
                staff.wait_for_url(re.compile(r"/conversations"))
                for i in range(PEOPLE):
                    rasa_url = (s if i % 2 == 0 else s2).rasa_url
                    person = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
                    person.set_default_timeout(45_000)
                    person.goto(f"{rasa_url}/webhooks/widget/demo")
                    person.locator(".msg.bot").first.wait_for()
                    box = person.get_by_role("textbox", name="Message")
                    box.fill("can i talk to a real person")
                    box.press("Enter")
                    handoff_id = waiting("socketio")
                    staff.goto(f"{s.staff_url}/handoffs")
                    staff.locator(f"#take-{handoff_id}").click()
                    staff.wait_for_url(re.compile(rf"/handoffs/{handoff_id}"))
                    person.locator(".msg.notice").first.wait_for()
                    for n in range(MESSAGES):
                        wanted = f"Message {n + 1} for person {i + 1}: I'm here."
                        person.evaluate(OBSERVE, wanted)
                        staff.locator("#reply-text").fill(wanted)
                        clicked = staff.evaluate("Date.now()")
                        staff.get_by_role("button", name="Send").click()
                        screen.append((_shown_at(person) - clicked) / 1000.0)
                        staff.wait_for_load_state()
                    staff.get_by_role("button", name="Hand back to the bot").click()
                    staff.wait_for_load_state()
                    person.context.close()
                browser.close()

            handoffs = handoff_store.HandoffStore(s.db_url)
            path = "/webhooks/sms/webhook"
            for i in range(SMS_PEOPLE):
                phone = f"+1555{uuid.uuid4().int % 10**7:07d}"
                signed_request(PUBLIC_URL + path, s.rasa_url + path, sms_params(phone, "can i talk to a person"))
                fake.wait_for(phone, 1)
                handoff_id = waiting("sms")
                handoffs.run(handoff_store.take, handoff_id, 1, time.time(), "Hi, this is Bench from Harbor.")
                fake.wait_for(phone, 2)
                wanted = f"SMS message for person {i + 1}"
                before = len(fake.to(phone))
                sent_at = time.time()
                handoffs.run(handoff_store.send, handoff_id, 1, wanted, sent_at)
                fake.wait_for(phone, before + 1)
                got = [m for m in fake.sent if m.to == phone and m.body == wanted]
                sms.append(got[0].at - sent_at)
                handoffs.run(handoff_store.hand_back, handoff_id, 1, time.time(), "Bench has left the chat.")
            handoffs.dispose()
        finally:
            processes.terminate_group(second.process)
            processes.stop_group(second.process, 15)
            stack.stop()
            fake.stop()

    within = sum(1 for x in screen if x <= TARGET_S)
    print("## Hand-offs: a staff member's message to the person's screen\n")
    print(
        f"Two Rasa replicas on one SQLite database (relay poll {0.25:g} s, the default), the real staff console, "
        f"Debian's Chromium. {PEOPLE} widget sessions alternating between the replicas, each taken over in the "
        f"console; {MESSAGES} replies each sent by clicking Send. From just before the click to the message shown "
        f"in the widget (one browser, one clock). Load average at the end: {os.getloadavg()[0]:.1f}.\n"
    )
    print("| measure | result | target |\n|---|---|---|")
    print(f"| widget: shown within 1 s of Send | {within}/{len(screen)} | all |")
    print(
        f"| widget: p50 / p95 / max | {statistics.median(screen):.2f} s / {percentile(screen, 0.95):.2f} s / "
        f"{max(screen):.2f} s | <= 1 s |"
    )
    print(
        f"| SMS: queued to the Messages API (fake), p50 / max of {len(sms)} | {statistics.median(sms):.2f} s / "
        f"{max(sms):.2f} s | (Twilio's delivery comes after) |"
    )
    return 0 if within == len(screen) else 1


def _shown_at(page: Any, timeout: float = 30.0) -> float:
    """When the observer saw the message (the page's clock); polled, since the page's CSP forbids eval."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = page.evaluate("() => window.__lanternShown")
        if shown is not None:
            return float(shown)
        time.sleep(0.02)
    raise RuntimeError("the staff message never reached the screen")


def _make_reviewer(db_url: str, password: str) -> None:
    from lantern import db
    from staff.auth import create_user

    engine = db.create_engine(db_url)
    db.upgrade(engine, groups=("staff",))
    with engine.begin() as conn:
        create_user(conn, "bench", password, "reviewer", "Bench")
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
