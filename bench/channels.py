"""Channel figures: widget size, page load to first bot message in Chromium, SMS webhook response time.

`.venv/bin/python -m bench.channels` starts a private Lantern (free ports, temp data folder) with
SMS pointed at a local fake Twilio, then prints a Markdown table. Needs Debian's chromium
(make system-deps). About 4 minutes on 2 cores, most of it the server start.

Targets (the issue): widget script <= 100 kB gzipped; SMS webhook p95 <= 200 ms.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Tuple

from tests.conftest import MODEL, PUBLIC_URL, make_settings
from tests.integration.fake_twilio import SMS_FROM, FakeTwilio, signed_request, sms_params
from tools.processes import PROJECT_ROOT, start_stack

BUNDLE = PROJECT_ROOT / "rasa_plugins" / "channels" / "web" / "static" / "lantern-widget.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--headless"]
PAGE_RUNS = 6
SMS_QUIET = 30  # one message at a time, each after the previous reply went out
SMS_STEADY = 30  # one message a second, a busy SMS line: turns overlap the webhooks
SMS_OVERLOAD = 40  # one message every 250 ms, more than the server's turns keep up with


def pct(values: List[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def widget_size() -> Tuple[int, int]:
    raw = BUNDLE.read_bytes()
    return len(raw), len(gzip.compress(raw, 9))


def first_bot_message(url: str) -> List[float]:
    """ms from navigation start to the widget's first bot message, per fresh browser context."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(PAGE_RUNS):
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.goto(url)
            page.locator(".msg.bot").first.wait_for(timeout=60_000)  # the widget marks the moment it showed it
            times.append(page.evaluate("performance.getEntriesByName('lantern:first-bot-message')[0].startTime"))
            context.close()
        browser.close()
    return times


def sms_times(stack, fake: FakeTwilio) -> Dict[str, List[float]]:
    """Webhook response times (ms): one at a time; then steady and overload traffic while turns overlap."""
    local, public = stack.settings.rasa_url + "/webhooks/sms/webhook", PUBLIC_URL + "/webhooks/sms/webhook"

    def one(text: str) -> Tuple[str, float]:
        phone = "+1937555" + str(uuid.uuid4().int)[:4]
        status, _, took = signed_request(public, local, sms_params(phone, text))
        assert status == 200, status
        return phone, took * 1000

    out: Dict[str, List[float]] = {"quiet": [], "steady": [], "overload": []}
    for i in range(SMS_QUIET):
        phone, took = one(f"hi there {i}")
        out["quiet"].append(took)
        fake.wait_for(phone, 1, timeout=60)
        time.sleep(0.3)
    for name, count, every in (("steady", SMS_STEADY, 1.0), ("overload", SMS_OVERLOAD, 0.25)):
        time.sleep(15)  # let the previous backlog drain
        for i in range(count):
            started = time.monotonic()
            out[name].append(one(f"what can you do {i}")[1])
            time.sleep(max(0.0, every - (time.monotonic() - started)))
    return out


def main() -> int:
    raw, gz = widget_size()
    fake = FakeTwilio().start()
    overrides = {
        "LANTERN_PUBLIC_URL": PUBLIC_URL,
        "LANTERN_TWILIO_ACCOUNT_SID": fake.account_sid,
        "LANTERN_TWILIO_AUTH_TOKEN": fake.auth_token,
        "LANTERN_TWILIO_API_URL": fake.url,
        "LANTERN_SMS_FROM": SMS_FROM,
        "LANTERN_SUPPORT_CONTACT": "1-800-555-0199",
    }
    with tempfile.TemporaryDirectory(prefix="bench-channels-") as tmp:
        s = make_settings(Path(tmp), **overrides)
        stack = start_stack(s, model=MODEL, env_overrides=overrides)
        try:
            page = first_bot_message(f"{s.rasa_url}/webhooks/widget/demo")
            sms = sms_times(stack, fake)
        finally:
            stack.stop()
            fake.stop()
    warm = page[1:]
    rows = [
        (
            "widget script, gzipped",
            f"{gz / 1024:.1f} kB ({raw / 1024:.1f} kB raw)",
            "<= 100 kB",
            "ok" if gz <= 100 * 1024 else "OVER",
        ),
        ("page load to first bot message, first visit after start", f"{page[0]:.0f} ms", "", ""),
        (
            f"page load to first bot message, median of {len(warm)} (max)",
            f"{statistics.median(warm):.0f} ms ({max(warm):.0f} ms)",
            "",
            "",
        ),
    ]
    for _name, values, label in (
        ("quiet", sms["quiet"], f"{SMS_QUIET} messages one at a time"),
        ("steady", sms["steady"], f"{SMS_STEADY} messages, one a second"),
        ("overload", sms["overload"], f"{SMS_OVERLOAD} messages, 4 a second (overload)"),
    ):
        p95 = pct(values, 95)
        rows.append(
            (
                f"SMS webhook response, {label}: p50 / p95 (max)",
                f"{pct(values, 50):.0f} / {p95:.0f} ms ({max(values):.0f} ms)",
                "p95 <= 200 ms",
                "ok" if p95 <= 200 else "OVER",
            )
        )
    print("| figure | measured | target | |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(
        "\nChromium " + "(Debian package, headless)" + f"; {PAGE_RUNS} fresh browser contexts, each a new session. "
        "SMS times are from the signed POST to the TwiML answer, on this machine's loopback; "
        "the reply itself goes out afterwards through the (fake) Messages API."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
