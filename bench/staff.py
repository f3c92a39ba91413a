"""Staff console figures (issue 19): list page, search, a 500-message transcript, login to first page.

    .venv/bin/python -m bench.staff [--requests N] [--logins N]

Uses the synthetic database of bench/staff_data.py (100,000 conversations, 2,000,000 messages;
made under var/bench/ on the first run, about 95 s of CPU, 2 to 6 minutes on a shared 2-core
machine, and reused while it is up to date), runs the real console (`python -m staff serve`,
waitress, via tools/staff_demo.Console) on a free port against it, signs in over HTTP and times
whole requests (sent to last byte received, keep-alive, one at a time) on this machine's loopback:
the conversation list with varied filters and pages, full-text search for words found in 3% of
the messages down to a handful, the 500-message transcripts' page (the first 100 messages) and
the same transcripts read to the end (the page and each "Load more messages" fragment, summed).
One untimed request of each kind comes first (the first after start is shown apart). Beside each
wall-clock figure, the server process's CPU time for the request (user + system, all its threads,
from /proc/<pid>/stat, in 10 ms ticks): what the request costs on an idle core, when the machine
is shared.
Then Debian's Chromium (headless, Playwright) signs in from a fresh context each run: the time
from submitting the form to the list page's load event, by the browser's navigation timing
(the POST, the redirect and the page, with its styles and scripts), and its parts.

Prints Markdown. Targets (the issue): list p95 <= 300 ms, search p95 <= 500 ms, a 500-message
transcript <= 300 ms, login to first page <= 1 s. For a missed target, the slowest request of its
kind is replayed in-process (Flask test client) with each SQL statement timed, and the slowest
statements are shown with SQLite's EXPLAIN QUERY PLAN.
"""

from __future__ import annotations

import argparse
import html
import importlib
import os
import re
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlencode

from bench import staff_data as sd

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--headless"]
TARGETS_MS = {"list": 300.0, "search": 500.0, "transcript": 300.0, "login": 1000.0}
REQUESTS = 30
LOGINS = 6

LIST_FILTERS: List[Dict[str, Any]] = [  # staff/queries.py FILTER_KEYS; two deliberate worst cases (page 200, share)
    {},
    {"page": 2},
    {"page": 10},
    {"page": 200},
    {"channel": "sms"},
    {"channel": "rest", "page": 5},
    {"activity": "7d"},
    {"crisis_level": "crisis"},
    {"crisis_level": "check_in"},
    {"crisis_category": "suicide"},
    {"referral": "accepted"},
    {"status": "needs_follow_up"},
    {"status": "reviewed"},
    {"status": "new"},
    {"sort": "turns"},
    {"tag": "follow-up"},
    {"tag": "missed-crisis"},
    {"fallbacks": "yes"},
    {"tag": "good-reflection", "channel": "widget"},
    {"intent": "report_step"},
    {"intent": "referral_choose"},
    {"intent": "crisis_suicide"},
    {"intent": "return_to_use", "channel": "widget"},
    {"intent": "other_language"},
    {"intent": "share"},
    {"crisis_level": "check_in", "status": "needs_follow_up"},
    {"tag": "follow-up", "status": "reviewed"},
    {"channel": "sms", "page": 20},
    {"queue": "crisis"},
    {"channel": "rest", "crisis_level": "check_in", "page": 2},
]
SEARCH_VARIANTS: List[Dict[str, Any]] = [
    {},
    {"page": 2},
    {"channel": "sms"},
    {"crisis_level": "check_in"},
    {"status": "reviewed"},
    {"extra_word": "help"},
]


def pct(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _query(params: Dict[str, Any]) -> str:
    return "/conversations" + ("?" + urlencode(params) if params else "")


def list_urls(n: int) -> List[str]:
    return [_query(LIST_FILTERS[i % len(LIST_FILTERS)]) for i in range(n)]


def search_urls(words: Dict[str, Dict[str, Any]], n: int) -> List[str]:
    urls = []
    bands = list(words.values())
    for i in range(n):
        band, variant = bands[i % len(bands)], dict(SEARCH_VARIANTS[(i // len(bands)) % len(SEARCH_VARIANTS)])
        extra = variant.pop("extra_word", None)
        urls.append(_query({"q": f"{band['word']} {extra}" if extra else band["word"], **variant}))
    return urls


def transcript_urls(ids: Sequence[str], n: int) -> List[str]:
    return [f"/conversations/{ids[i % len(ids)]}" for i in range(n)]


@dataclass
class Timing:
    path: str
    ms: float  # wall clock, request sent to last byte received
    status: int
    size: int
    cpu_ms: float  # the server process's CPU time meanwhile (all its threads; 10 ms ticks)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def server_cpu_ms(pid: Optional[int]) -> float:
    """CPU time (ms) the process has used so far, user + system, all its threads, ended ones included
    (argon2 runs its lanes in threads of their own); /proc/<pid>/stat counts in clock ticks (10 ms)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / CLOCK_TICKS  # utime, stime (fields 14 and 15)


def _get(session: Any, base: str, path: str, pid: Optional[int]) -> Tuple[Timing, str]:
    cpu = server_cpu_ms(pid)
    started = time.perf_counter()
    resp = session.get(base + path, timeout=120, allow_redirects=False)
    body = resp.content
    ms = (time.perf_counter() - started) * 1000
    return Timing(path, ms, resp.status_code, len(body), server_cpu_ms(pid) - cpu), resp.text


def timed_gets(session: Any, base: str, paths: Sequence[str], pid: Optional[int] = None) -> List[Timing]:
    """One Timing per path, requests sent one at a time."""
    return [_get(session, base, path, pid)[0] for path in paths]


def whole_transcripts(session: Any, base: str, ids: Sequence[str], n: int, pid: Optional[int] = None) -> List[Timing]:
    """A transcript read to its end: the page, then each "Load more messages" fragment (what staff.js
    fetches), one after another; one Timing per transcript, summed."""
    out = []
    for i in range(n):
        path = f"/conversations/{ids[i % len(ids)]}"
        total = Timing(path, 0.0, 200, 0, 0.0)
        pages, next_path = 0, path
        while next_path and pages < 50:
            one, body = _get(session, base, next_path, pid)
            total.ms += one.ms
            total.cpu_ms += one.cpu_ms
            total.size += one.size
            total.status = one.status if one.status != 200 else total.status
            pages += 1
            found = re.search(r'data-fragment="([^"]+)"', body)
            next_path = html.unescape(found.group(1)) if found and one.status == 200 else ""
        total.path = f"{path} ({pages} requests)"
        out.append(total)
    return out


def _csrf(page_html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    if not found:
        raise RuntimeError("no csrf_token in the sign-in page")
    return html.unescape(found.group(1))


def http_session(url: str, username: str, password: str, pid: Optional[int] = None) -> Tuple[Any, Timing]:
    """A requests.Session signed in, and the Timing of its sign-in POST (to the redirect, not followed)."""
    import requests

    session = requests.Session()
    page = session.get(url + "/login", timeout=30)
    token = _csrf(page.text)
    cpu = server_cpu_ms(pid)
    started = time.perf_counter()
    resp = session.post(
        url + "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": ""},
        timeout=30,
        allow_redirects=False,
    )
    ms = (time.perf_counter() - started) * 1000
    if resp.status_code not in (302, 303):
        raise RuntimeError(f"sign-in failed: HTTP {resp.status_code}")
    return session, Timing("POST /login", ms, resp.status_code, len(resp.content), server_cpu_ms(pid) - cpu)


def browser_logins(url: str, username: str, password: str, runs: int) -> List[Dict[str, float]]:
    """Per fresh browser context: ms from submitting the sign-in form to the list page's load event."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                context.set_default_timeout(60_000)
                page = context.new_page()
                page.goto(url + "/login")
                page.get_by_label("User name").fill(username)
                page.get_by_label("Password").fill(password)
                started = time.perf_counter()
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(re.compile(r".*/conversations(\?.*)?$"), wait_until="load")
                wall = (time.perf_counter() - started) * 1000
                # The list page's navigation began with the form's POST; the same-origin redirect is part of it.
                timing = page.evaluate(
                    "(() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return {load: n.loadEventEnd, redirect: n.redirectEnd, response: n.responseEnd}; })()"
                )
                load, redirect, response = (float(timing[k]) for k in ("load", "redirect", "response"))
                out.append({"browser": load, "wall": wall, "post": redirect, "page": response - redirect,
                            "render": load - response})  # fmt: skip
                context.close()
        finally:
            browser.close()
    return out


def profile(db_path: Path, path: str, top: int = 3) -> List[str]:
    """Replay `path` in-process with every SQL statement timed; the slowest statements and their query plans."""
    import sqlalchemy as sa

    from lantern import settings as settings_mod
    from staff.app import create_app
    from staff.db import open_engine

    url = f"sqlite:///{db_path}"
    engine = open_engine(url)
    statements: List[Tuple[float, str, Any]] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        took = (time.perf_counter() - conn.info["bench_started"].pop()) * 1000
        statements.append((took, statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    s = settings_mod.load({"LANTERN_STAFF_KEY": "bench-staff-key", "LANTERN_DB_URL": url})
    app = create_app(s, engine=engine)
    client = app.test_client()
    login = client.get("/login")
    token = _csrf(login.get_data(as_text=True))
    meta = sd.read_meta(db_path) or {}
    admin = meta.get("admin", {})
    client.post("/login", data={"username": admin.get("username", ""), "password": admin.get("password", ""),
                                "csrf_token": token})  # fmt: skip
    client.get(path)  # warm
    statements.clear()
    started = time.perf_counter()
    resp = client.get(path)
    total = (time.perf_counter() - started) * 1000
    lines = [f"`{path}`: {total:.0f} ms in-process (HTTP {resp.status_code}), {len(statements)} statements, "
             f"{sum(t for t, _, _ in statements):.0f} ms in SQL"]  # fmt: skip
    raw = engine.raw_connection()
    try:
        for took, statement, parameters in sorted(statements, key=lambda x: -x[0])[:top]:
            one_line = " ".join(statement.split())
            lines.append(f"- {took:.0f} ms: `{one_line[:600]}`")
            try:
                cur = raw.cursor()
                cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                plan = "; ".join(str(row[-1]) for row in cur.fetchall())
                lines.append(f"  - plan: {plan}")
            except Exception as exc:  # a statement EXPLAIN can't take: say so, keep going
                lines.append(f"  - plan: not available ({exc})")
    finally:
        raw.close()
        engine.dispose()
    return lines


def password_parameters(db_path: Path, username: str) -> str:
    """The argon2 parameters of an account's stored hash (the console rehashes at sign-in when they change)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT password_hash FROM staff_users WHERE username = ?", (username,)).fetchone()
    finally:
        conn.close()
    parts = (row[0] if row else "").split("$")
    return f"{parts[1]} {parts[3]}" if len(parts) > 3 else "unknown"


def reset_sign_in_limits(db_path: Path) -> None:
    """Forget earlier runs' sign-in attempts in the synthetic database: a run signs in 8 times or so from
    127.0.0.1, and the console allows 20 attempts in 5 minutes (staff/auth.py) before it answers 429."""
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            conn.execute("DELETE FROM staff_login_attempts")
            conn.execute("UPDATE staff_users SET failed_logins = 0, locked_until = NULL")
    finally:
        conn.close()


def summarise(rows: Sequence[Timing]) -> Dict[str, float]:
    times = [r.ms for r in rows]
    cpu = [r.cpu_ms for r in rows]
    return {"p50": pct(times, 50), "p95": pct(times, 95), "max": max(times), "n": len(times),
            "cpu50": pct(cpu, 50), "cpu95": pct(cpu, 95)}  # fmt: skip


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.staff")
    parser.add_argument("--requests", type=int, default=REQUESTS, help="timed requests per kind")
    parser.add_argument("--logins", type=int, default=LOGINS, help="browser sign-ins")
    parser.add_argument("--db", type=Path, default=None, help="database (default: the cached one under var/bench/)")
    parser.add_argument("--no-profile", action="store_true", help="skip the query profile of missed targets")
    args = parser.parse_args(argv)

    from tools.staff_demo import Console

    started = time.monotonic()
    db_path, meta, reused = sd.ensure(args.db)
    made = "reused" if reused else f"generated in {meta.get('seconds', '?')} s"
    admin = meta["admin"]
    reset_sign_in_limits(db_path)
    with tempfile.TemporaryDirectory(prefix="bench-staff-") as tmp:
        console = Console(Path(tmp), extra_env={"LANTERN_DB_URL": f"sqlite:///{db_path}"})
        t0 = time.monotonic()
        console.start(timeout=180)
        start_s = time.monotonic() - t0
        try:
            pid = console.process.pid if console.process is not None else None
            signs = [http_session(console.url, admin["username"], admin["password"], pid) for _ in range(3)]
            session = signs[-1][0]
            first = timed_gets(session, console.url, ["/conversations"], pid)[0]
            kinds = {
                "list": list_urls(args.requests),
                "search": search_urls(meta["search_words"], args.requests),
                "transcript": transcript_urls(meta["long_conversations"], args.requests),
            }
            results: Dict[str, List[Timing]] = {}
            for kind, paths in kinds.items():
                timed_gets(session, console.url, paths[:1], pid)  # warm this kind's code path
                results[kind] = timed_gets(session, console.url, paths, pid)
            ids = meta["long_conversations"]
            results["whole"] = whole_transcripts(session, console.url, ids, max(1, args.requests // 3), pid)
            logins = browser_logins(console.url, admin["username"], admin["password"], args.logins)
        finally:
            console.stop()

    hash_kind = password_parameters(db_path, admin["username"])
    bad = [(kind, r.path, r.status) for kind, rows in results.items() for r in rows if r.status != 200]
    stats = {kind: summarise(rows) for kind, rows in results.items()}
    login_ms = [run["browser"] for run in logins]
    login_wall = [run["wall"] for run in logins]
    words = ", ".join(
        f"{band['word']} ({band['messages']:,})"
        for band in sorted(meta["search_words"].values(), key=lambda b: -b["messages"])
    )

    def verdict(ms: float, target: float) -> str:
        return "met" if ms <= target else "**missed**"

    size_gib = os.path.getsize(db_path) / 2**30
    page_size = getattr(importlib.import_module("staff.queries"), "MESSAGES_PAGE", "?")
    out = [
        "**Staff console** (issue 19). "
        f"Synthetic database (bench/staff_data.py, generator v{meta['generator_version']}, seed {meta['seed']}): "
        f"{meta['conversations']:,} conversations, {meta['messages']:,} messages over {meta.get('days', '?')} days, "
        f"SQLite {size_gib:.1f} GiB ({made}). Server: the real console (`python -m staff serve`, waitress, "
        f"8 threads; answered /healthz {start_s:.1f} s after start), requests over HTTP on loopback one at a time "
        "(send to last byte, keep-alive), each kind after one untimed request. Browser: Debian's Chromium, headless, "
        f"a fresh context per sign-in, {len(logins)} sign-ins.",
        "",
        "| figure | n | p50 ms | p95 ms | max ms | server CPU p50 / p95 ms | target | |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    labels = {
        "list": f"list page (`/conversations`, {len(LIST_FILTERS)} filter and page combinations)",
        "search": f"search (`?q=`, {len(meta['search_words'])} words of different frequency, with filters, pages)",
        "transcript": f"500-message transcript, the page (`/conversations/<id>`, {len(meta['long_conversations'])} "
        f"of them; it shows the first {page_size} messages)",
        "whole": "the same, read to the end (the page and each *Load more messages* fragment, summed)",
    }
    for kind in ("list", "search", "transcript", "whole"):
        st, target = stats[kind], TARGETS_MS["transcript" if kind == "whole" else kind]
        note = " (if it means all 500 shown)" if kind == "whole" else ""
        out.append(
            f"| {labels[kind]} | {st['n']:.0f} | {st['p50']:.0f} | {st['p95']:.0f} | {st['max']:.0f} | "
            f"{st['cpu50']:.0f} / {st['cpu95']:.0f} | p95 <= {target:.0f} ms{note} | {verdict(st['p95'], target)} |"
        )
    out.append(
        f"| login to first page, Chromium (submit to the list's load event) | {len(login_ms)} | "
        f"{pct(login_ms, 50):.0f} | {pct(login_ms, 95):.0f} | {max(login_ms):.0f} | | each <= 1000 ms | "
        f"{verdict(max(login_ms), TARGETS_MS['login'])} |"
    )
    out += [
        "",
        f"The issue gives no percentile for the transcript: p95 is judged, the max is shown. First list request "
        f"after the server started: {first.ms:.0f} ms. Search words (messages holding each): {words}. Login, wall "
        f"clock from the click to the load event: p50 {pct(login_wall, 50):.0f} ms, max {max(login_wall):.0f} ms "
        "(adds Playwright's round trips). The browser's figure, p50 of each part: the sign-in POST to its redirect "
        f"{pct([r['post'] for r in logins], 50):.0f} ms (rate-limit row, argon2 check, session and audit rows), "
        f"the list page's request {pct([r['page'] for r in logins], 50):.0f} ms, its parsing, styles, script and "
        f"layout to the load event {pct([r['render'] for r in logins], 50):.0f} ms. The sign-in POST over HTTP "
        f"alone (3 times): p50 {pct([t.ms for _, t in signs], 50):.0f} ms, server CPU "
        f"{pct([t.cpu_ms for _, t in signs], 50):.0f} ms (password hash {hash_kind}).",
    ]
    if bad:
        out += [
            "",
            f"**{len(bad)} requests did not answer 200**: " + ", ".join(f"{k} `{p}` -> {s}" for k, p, s in bad[:8]),
        ]
    over: List[str] = []
    for kind in ("list", "search", "transcript", "whole"):
        target = TARGETS_MS["transcript" if kind == "whole" else kind]
        over += [
            f"`{r.path}` {r.ms:.0f} ms (server CPU {r.cpu_ms:.0f})"
            for r in sorted(results[kind], key=lambda r: -r.ms)
            if r.ms > target
        ]
    if over:
        out += ["", f"Requests over their target ({len(over)}): " + "; ".join(over[:20]) + "."]
    missed = [k for k in ("list", "search", "transcript") if stats[k]["p95"] > TARGETS_MS[k]]
    if missed and not args.no_profile:
        out += ["", "Where the time goes (the slowest request of each missed kind, replayed in-process, warm):", ""]
        for kind in missed:
            slowest = max(results[kind], key=lambda r: r.ms)
            out += profile(db_path, slowest.path)
    out += [
        "",
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end; "
        f"{time.monotonic() - started:.0f} s in all.",
    ]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
