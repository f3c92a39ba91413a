"""The staff console in real headless Chromium (Debian's package, driven by Python Playwright) against the real
server (`python -m staff serve`, a subprocess) and a database of a few made-up conversations (tools/staff_demo.py).

Issue 19 item 10: sign in, filter, search, read, tag, flag, export, role limits, sign out; axe-core finds no
serious or critical problem. Needs `chromium` (make system-deps) and web/node_modules (make web-deps: axe-core).

One server and one database serve the whole module, and the tests run in file order: later ones see what earlier
ones did (the audit log test looks for the tag, note, search and export made before it).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from lantern.checkins.store import CheckinStore
from tools import staff_demo
from tools.processes import PROJECT_ROOT

AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 30_000
FAILED = "That name and password did not work, or the account is locked for a while."


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The real console on a free port, over a fresh database with the demo conversations and one account per role."""
    data_dir = tmp_path_factory.mktemp("staff-console")
    seeded = staff_demo.seed(data_dir)
    server = staff_demo.Console(data_dir).start()
    server.ids.update(seeded.ids)
    yield server
    server.stop()


class Signed:
    """One sign-in per role for the whole module (the console allows 20 sign-in attempts per address in 5 minutes),
    reused by each test through a new browser context holding that session's cookie."""

    def __init__(self, browser: Any, console: Any) -> None:
        self.browser, self.console = browser, console
        self.states: Dict[str, Any] = {}
        self.login_seconds: Dict[str, float] = {}
        self.contexts: List[Any] = []

    def page(self, username: str, **context_options: Any) -> Any:
        """A new page signed in as `username`, with a listener that fails the test on any JavaScript dialog."""
        if username not in self.states:
            context = self._context()
            page = context.new_page()
            page.goto(self.console.url + "/login")
            page.get_by_label("User name").fill(username)
            page.get_by_label("Password").fill(staff_demo.PASSWORD)
            started = time.perf_counter()
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(re.compile(r"/conversations"), wait_until="load")
            self.login_seconds[username] = time.perf_counter() - started
            self.states[username] = context.storage_state()
            context.close()
        context = self._context(storage_state=self.states[username], **context_options)
        return context.new_page()

    def anonymous(self, **context_options: Any) -> Any:
        return self._context(**context_options).new_page()

    def _context(self, **options: Any) -> Any:
        options.setdefault("viewport", staff_demo.SCREEN)
        context = self.browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.dialogs = []
        context.on("page", lambda p: listen_for_dialogs(p, context.dialogs))
        self.contexts.append(context)
        return context

    def close(self) -> None:
        for context in self.contexts:
            try:
                context.close()
            except Exception:  # already closed
                pass


@pytest.fixture(scope="module")
def signed(browser: Any, console: Any) -> Iterator[Signed]:
    s = Signed(browser, console)
    yield s
    s.close()


def listen_for_dialogs(page: Any, into: List[str]) -> None:
    """Record (and dismiss) every alert, confirm or prompt the page opens."""

    def seen(dialog: Any) -> None:
        into.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)


def nav_links(page: Any) -> List[str]:
    return [t.strip() for t in page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts()]


def axe_problems(page: Any, label: str) -> List[str]:
    """Serious and critical axe-core violations on the page as it is now (axe injected with the CSP bypassed)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    assert result["passes"], "axe ran no checks"
    return [
        f"{label}: {v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# --- signing in and out --------------------------------------------------------------------------


def test_sign_in_lands_on_the_conversations_list(signed: Signed, console: Any) -> None:
    page = signed.page("ana")
    response = page.goto(console.url + "/")
    assert response is not None and response.ok
    assert re.search(r"/conversations", page.url)
    assert page.get_by_role("heading", level=1).first.inner_text().strip() != ""
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["lantern_staff"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    # No JavaScript from the page can read the session cookie.
    assert "lantern_staff=" not in page.evaluate("document.cookie")
    print(f"\nlogin to first page in Chromium: {signed.login_seconds['ana'] * 1000:.0f} ms")


def test_a_wrong_password_and_an_unknown_name_get_the_same_generic_error(signed: Signed, console: Any) -> None:
    page = signed.anonymous()
    seen = []
    for username, password in (("rita", "not-the-password-at-all"), ("nobody-here", "not-the-password-at-all")):
        page.goto(console.url + "/login")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as info:
            page.get_by_role("button", name="Sign in").click()
        assert info.value.status == 401
        alert = page.get_by_role("alert")
        seen.append(alert.inner_text().strip())
        assert FAILED in seen[-1]
        assert "/login" in page.url
        assert all(c["name"] != "lantern_staff" for c in page.context.cookies())
    assert seen[0] == seen[1]
    # The right password still works afterwards (one wrong try does not lock the account).
    signed.page("rita").goto(console.url + "/conversations")


def test_a_protected_page_sends_a_stranger_to_sign_in(signed: Signed, console: Any) -> None:
    page = signed.anonymous()
    page.goto(console.url + "/dashboard")
    assert "/login" in page.url and "next=" in page.url
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.get_by_role("navigation", name="Main").count() == 0  # no menu before signing in


def test_sign_out_ends_the_session(signed: Signed, console: Any) -> None:
    page = signed.anonymous()
    staff_demo.sign_in(page, console.url, "tess")
    page.wait_for_url(re.compile(r"/conversations"))
    old = {c["name"]: c["value"] for c in page.context.cookies()}["lantern_staff"]
    page.goto(console.url + "/account")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))
    assert all(c["name"] != "lantern_staff" for c in page.context.cookies())
    page.goto(console.url + "/conversations")
    assert "/login" in page.url
    # The old cookie is dead on the server too, not only forgotten by the browser.
    page.context.add_cookies([{"name": "lantern_staff", "value": old, "url": console.url}])
    page.goto(console.url + "/conversations")
    assert "/login" in page.url


# --- roles ---------------------------------------------------------------------------------------


def test_the_menu_shows_each_role_only_what_it_may_use(signed: Signed, console: Any) -> None:
    for username, expected_extra in (("rita", []), ("tess", []), ("sam", []), ("ana", ["Audit log", "Users"])):
        page = signed.page(username)
        page.goto(console.url + "/account")
        links = nav_links(page)
        assert [x for x in ("Audit log", "Users") if x in links] == expected_extra, (username, links)
        assert "Conversations" in links and "Dashboard" in links and "Account" in links


def test_a_reviewer_is_refused_the_audit_log_and_accounts_on_the_server(signed: Signed, console: Any) -> None:
    page = signed.page("rita")
    for path in ("/audit", "/users"):
        response = page.goto(console.url + path)
        assert response is not None and response.status == 403, path
        assert "Audit log" not in nav_links(page)
    # And a forged form post is refused too (the CSRF token is the reviewer's own, the role is what fails).
    page.goto(console.url + "/account")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    status = page.evaluate(
        """async ([token]) => (await fetch('/users', {method: 'POST', headers: {'Content-Type':
        'application/x-www-form-urlencoded'}, body: new URLSearchParams({csrf_token: token, username: 'mallory',
        password: 'long-enough-password', role: 'admin'})})).status""",
        [token],
    )
    assert status == 403


def test_a_form_without_the_csrf_token_is_refused(signed: Signed, console: Any) -> None:
    page = signed.page("ana")
    page.goto(console.url + "/users")
    status = page.evaluate(
        """async () => (await fetch('/users', {method: 'POST', headers: {'Content-Type':
        'application/x-www-form-urlencoded'}, body: new URLSearchParams({username: 'mallory',
        password: 'long-enough-password', role: 'admin'})})).status"""
    )
    assert status == 400


# --- the list, search, a transcript ----------------------------------------------------------------


def listed(page: Any) -> List[str]:
    """The conversation ids in the list table, in order (the crisis queue box above it is not counted)."""
    hrefs = page.locator("table.list tbody tr:not(.snippet) td:first-child a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return [h.rsplit("/", 1)[-1] for h in hrefs]


def apply_filter(page: Any, **choices: str) -> None:
    """Set the list's filters by their labels (select or text box) and press Filter."""
    for label, value in choices.items():
        field = page.get_by_label(label, exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Filter").click()
    assert navigation.value is not None and navigation.value.status == 200, page.url


def test_filters_narrow_the_list(signed: Signed, console: Any) -> None:
    ids = console.ids
    page = signed.page("rita")
    page.goto(console.url + "/conversations")
    assert sorted(listed(page)) == sorted(ids.values())
    # Newest activity first by default.
    assert listed(page)[:2] == [ids["crisis"], ids["fallback"]]
    apply_filter(page, **{"Crisis level": "crisis"})
    assert listed(page) == [ids["crisis"]] and "crisis_level=crisis" in page.url
    apply_filter(page, **{"Crisis level": "", "Channel": "widget"})
    assert sorted(listed(page)) == sorted([ids["fallback"], ids["change"]])
    apply_filter(page, **{"Turns not understood": "yes"})
    assert listed(page) == [ids["fallback"]]
    apply_filter(page, **{"Channel": "", "Turns not understood": "", "Referral": "accepted"})
    assert listed(page) == [ids["change"]]
    apply_filter(page, **{"Referral": "", "Change talk, at least % of change + sustain": "50"})
    assert listed(page) == [ids["change"]]
    page.get_by_role("link", name="Clear").click()
    assert sorted(listed(page)) == sorted(ids.values())


def test_the_crisis_queue_holds_crisis_and_check_in_conversations(signed: Signed, console: Any) -> None:
    page = signed.page("rita")
    page.goto(console.url + "/conversations")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Crisis queue").click()
    assert "queue=crisis" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Crisis queue"
    assert sorted(listed(page)) == sorted([console.ids["crisis"], console.ids["script"]])


def test_search_finds_the_words_and_is_injection_safe(signed: Signed, console: Any) -> None:
    page = signed.page("rita")
    page.goto(console.url + "/conversations")
    apply_filter(page, **{"Search the messages (all words must appear)": staff_demo.SEARCH_WORD})
    assert listed(page) == [console.ids["change"]]
    snippet = page.locator("tr.snippet").first
    assert staff_demo.SEARCH_WORD in snippet.locator("mark").first.inner_text().lower()
    # The snippet of a message holding markup shows the markup as text, with only the search mark added.
    apply_filter(page, **{"Search the messages (all words must appear)": "cousin"})
    assert listed(page) == [console.ids["script"]]
    assert "<script>alert(1)</script>" in page.locator("tr.snippet").first.inner_text()
    assert page.locator("tr.snippet script").count() == 0
    # Full-text and SQL syntax is searched for as words, never run: no error, no everything.
    for nasty in ('") OR 1=1 --', "naloxone OR *", "'; DROP TABLE transcript_messages; --", 'NEAR(a b) "'):
        response = page.goto(console.url + "/conversations?q=" + _quote(nasty))
        assert response is not None and response.status == 200, nasty
        assert len(listed(page)) <= 1, nasty
    page.goto(console.url + "/conversations")
    assert len(listed(page)) == len(console.ids)  # nothing was dropped


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def test_a_transcript_shows_every_message_with_its_annotations(signed: Signed, console: Any) -> None:
    page = signed.page("rita")
    page.goto(console.url + "/conversations")
    page.locator(f"table.list a[href$='{console.ids['crisis']}']").click()
    page.wait_for_url(re.compile(console.ids["crisis"]))
    rows = page.locator("#messages tr.msg")
    assert rows.count() == 5
    turning_blue = rows.nth(2)
    text = turning_blue.inner_text()
    assert "<PERSON> is turning blue" in text and "crisis_overdose" in text and "0.99" in text
    assert "crisis" in turning_blue.locator(".crisis").inner_text() and "overdose" in text
    assert "replaced: PERSON" in rows.nth(2).inner_text()
    assert "utter_crisis_overdose" in rows.nth(3).inner_text()
    assert "crisis" in page.locator("dl.facts").inner_text()


def test_message_text_with_a_script_is_shown_as_text_and_never_runs(signed: Signed, console: Any) -> None:
    page = signed.page("rita")
    dialogs: List[str] = []
    listen_for_dialogs(page, dialogs)
    page.goto(console.url + f"/conversations/{console.ids['script']}")
    cell = page.locator("#messages tr.msg td.text").first
    assert cell.inner_text() == staff_demo.SCRIPT_TEXT
    assert cell.locator("script").count() == 0
    assert page.locator("script").evaluate_all("s => s.map(e => e.textContent).join('')") == ""  # only src= scripts
    page.wait_for_timeout(300)
    assert dialogs == []


# --- tags, flags, comments, review ---------------------------------------------------------------


def test_tag_a_conversation_and_find_it_by_the_tag(signed: Signed, console: Any) -> None:
    page = signed.page("rita")
    page.goto(console.url + f"/conversations/{console.ids['change']}")
    tags = page.locator("#tags")
    tags.get_by_label("Add a tag").fill("Referral Follow-up")
    tags.get_by_role("button", name="Add tag").click()
    page.wait_for_load_state()
    tag = tags.locator("a.tag")
    assert tag.count() == 1
    shown = tag.inner_text().strip()
    assert shown.lower().replace(" ", "-").startswith("referral")  # however the console normalises it
    tag.click()
    page.wait_for_url(re.compile(r"/tags/"))
    assert page.locator("main table").first.get_by_role("link").all_inner_texts() == [console.ids["change"]]
    # The list's tag filter finds it, and only it.
    page.goto(console.url + "/conversations")
    apply_filter(page, Tag=shown)
    assert listed(page) == [console.ids["change"]]


def test_flag_a_message_with_a_comment(signed: Signed, console: Any) -> None:
    page = signed.page("rita")
    page.goto(console.url + f"/conversations/{console.ids['fallback']}")
    first = page.locator("#messages tr.msg").first
    first.get_by_text("Tag, flag or comment").click()
    first.get_by_label("Message tag").fill("bus-times")
    first.get_by_label("Flag this message").check()
    first.get_by_label("Comment").fill("Bus times: add to the knowledge base <b>soon</b>")
    first.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    first = page.locator("#messages tr.msg").first
    assert "flagged" in (first.get_attribute("class") or "")
    note = first.locator(".note")
    assert "Flagged" in note.inner_text()
    assert "Bus times: add to the knowledge base <b>soon</b>" in note.inner_text()  # escaped, as typed
    assert note.locator("b").count() == 0
    assert "Rita Reviewer" in note.inner_text()
    # "Other messages with this tag": the tag links to a page listing the message.
    note.get_by_role("link", name="bus-times").click()
    page.wait_for_url(re.compile(r"/tags/bus-times"))
    assert "whats the bus schedule to the clinic on sundays" in page.locator("main").inner_text()


def test_set_the_review_status(signed: Signed, console: Any) -> None:
    page = signed.page("rita")
    page.goto(console.url + f"/conversations/{console.ids['crisis']}")
    review = page.locator("#review")
    review.get_by_label("Review status").select_option("reviewed")
    review.get_by_role("button", name="Set status").click()
    page.wait_for_load_state()
    assert "reviewed" in page.locator("#review").inner_text()
    # A reviewed crisis leaves the crisis queue.
    page.goto(console.url + "/conversations?queue=crisis")
    assert listed(page) == [console.ids["script"]]
    assert page.locator("#assignee").count() == 0  # assigning is for supervisors and admins


def test_a_supervisor_assigns_a_conversation(signed: Signed, console: Any) -> None:
    page = signed.page("sam")
    page.goto(console.url + f"/conversations/{console.ids['script']}")
    page.get_by_label("Assign to").select_option(label="Rita Reviewer")
    page.get_by_role("button", name="Assign").click()
    page.wait_for_load_state()
    assert "assigned to Rita Reviewer" in page.locator("#review").inner_text()
    mine = signed.page("rita")
    mine.goto(console.url + "/conversations?assignee=mine")
    assert listed(mine) == [console.ids["script"]]


# --- export ------------------------------------------------------------------------------------


def test_export_csv_neutralises_formulas_and_jsonl_is_exact(signed: Signed, console: Any, tmp_path: Path) -> None:
    import csv
    import json

    page = signed.page("sam", accept_downloads=True)
    page.goto(console.url + "/conversations")
    apply_filter(page, Channel="sms")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    path = tmp_path / "export.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    exported = {r["conversation_id"] for r in rows}
    assert console.ids["formula"] in exported and console.ids["change"] not in exported  # the filter applies
    cells = [c for r in rows for c in r.values()]
    assert all(not c.startswith(("=", "+", "-", "@")) for c in cells)
    texts = [r["text"] for r in rows if r["conversation_id"] == console.ids["formula"]]
    assert texts[0] == "'" + staff_demo.FORMULA_TEXT
    with page.expect_download() as info:
        page.get_by_role("link", name="JSON Lines").click()
    path = tmp_path / "export.jsonl"
    info.value.save_as(path)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert staff_demo.FORMULA_TEXT in [x["text"] for x in lines]
    assert {x["conversation_id"] for x in lines} == exported


def test_a_reviewer_cannot_export(signed: Signed, console: Any) -> None:
    page = signed.page("rita")
    page.goto(console.url + "/conversations")
    assert page.get_by_role("link", name="CSV").count() == 0
    status = page.evaluate("async () => (await fetch('/conversations/export.csv')).status")
    assert status == 403


# --- deletion ----------------------------------------------------------------------------------


def test_a_reviewer_cannot_delete_a_conversation(signed: Signed, console: Any) -> None:
    page = signed.page("rita")
    target = console.ids["short"]
    page.goto(console.url + f"/conversations/{target}")
    assert page.get_by_role("link", name=re.compile("Delete")).count() == 0
    response = page.goto(console.url + f"/conversations/{target}/delete")
    assert response is not None and response.status == 403
    page.goto(console.url + f"/conversations/{target}")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    status = page.evaluate(
        """async ([url, token]) => (await fetch(url, {method: 'POST',
        headers: {'Content-Type': 'application/x-www-form-urlencoded'},
        body: new URLSearchParams({csrf_token: token, confirm: 'delete'})})).status""",
        [f"/conversations/{target}/delete", token],
    )
    assert status == 403
    response = page.goto(console.url + f"/conversations/{target}")
    assert response is not None and response.status == 200


def test_a_supervisor_deletes_a_conversation_and_the_audit_log_says_so(signed: Signed, console: Any) -> None:
    target = console.ids["short"]
    page = signed.page("sam")
    page.goto(console.url + f"/conversations/{target}")
    page.get_by_role("link", name=re.compile("Delete this conversation")).click()
    page.get_by_role("button", name="Delete for good").click()
    page.wait_for_url(re.compile(r"/conversations"))
    assert "deleted" in page.get_by_role("status").first.inner_text()
    assert target not in listed(page)
    response = page.goto(console.url + f"/conversations/{target}")
    assert response is not None and response.status == 404
    admin = signed.page("ana")
    admin.goto(console.url + "/audit?action=delete")
    row = admin.locator("#audit-table tbody tr").first
    assert "sam" in row.inner_text() and target in row.inner_text()


def test_the_audit_log_records_views_searches_exports_and_logins(signed: Signed, console: Any) -> None:
    page = signed.page("ana")
    expected = {
        "login": "rita",
        "login_failed": "nobody-here",
        "logout": "tess",
        "view": console.ids["crisis"],
        "search": "naloxone",
        "tag": console.ids["change"],
        "note": console.ids["fallback"],
        "review": console.ids["crisis"],
        "assign": console.ids["script"],
        "export": "csv",
    }
    everything = []
    for action, mention in expected.items():
        page.goto(console.url + f"/audit?action={action}")
        rows = page.locator("#audit-table tbody tr")
        text = rows.all_inner_texts()
        assert any(mention in row and f"\t{action}\t" in row for row in text), (action, text[:3])
        everything += text
    # Who did what and with which filter, never what anyone wrote.
    joined = "\n".join(everything)
    assert "<script>" not in joined and "Bus times" not in joined and "turning blue" not in joined


def test_the_dashboard_draws_its_charts(signed: Signed, console: Any) -> None:
    page = signed.page("tess")
    response = page.goto(console.url + "/dashboard")
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Dashboard"
    assert page.locator("svg").count() >= 4


# --- accessibility -------------------------------------------------------------------------------


def test_axe_finds_nothing_serious_on_the_sign_in_page(signed: Signed, console: Any) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make web-deps` (npm ci in web/)")
    page = signed.anonymous(bypass_csp=True)
    page.goto(console.url + "/login")
    problems = axe_problems(page, "sign-in")
    page.get_by_label("User name").fill("rita")
    page.get_by_label("Password").fill("wrong-password-for-axe")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").wait_for()
    problems += axe_problems(page, "sign-in with an error")
    assert problems == []


def test_axe_finds_nothing_serious_on_the_pages_staff_use(signed: Signed, console: Any) -> None:
    page = signed.page("ana", bypass_csp=True)
    problems: List[str] = []
    store = CheckinStore(staff_demo.db_url(console.data_dir))  # the check-ins page with rows: one due, one overdue
    now = time.time()
    store.schedule("p_demoaxeone", now + 86_400, "America/Chicago", "meeting", consent_at=now, now=now)
    store.schedule("p_demoaxetwo", now - 600, "America/New_York", "plan", consent_at=now, now=now)
    store.dispose()
    pages = {
        "conversations": "/conversations",
        "crisis queue": "/conversations?queue=crisis",
        "search": f"/conversations?q={staff_demo.SEARCH_WORD}",
        "transcript": f"/conversations/{console.ids['fallback']}",
        "dashboard": "/dashboard",
        "check-ins": "/checkins",
        "audit log": "/audit",
        "users": "/users",
        "account": "/account",
        "tag": "/tags/bus-times",
        "delete confirmation": f"/conversations/{console.ids['formula']}/delete",
    }
    for label, path in pages.items():
        response = page.goto(console.url + path)
        if response is None or response.status != 200:
            problems.append(f"{label}: HTTP {response.status if response else '?'}")
            continue
        if label == "transcript":  # with a note form open
            page.locator("#messages tr.msg").first.get_by_text("Tag, flag or comment").click()
        problems += axe_problems(page, label)
    print("\naxe (serious or critical): " + (", ".join(problems) or "none") + f" on {len(pages) + 2} pages")
    assert problems == []


def test_no_page_opened_a_javascript_dialog(signed: Signed) -> None:
    """Runs last: no context of this module saw alert(), confirm() or prompt(). Prints the sign-in times."""
    times = ", ".join(f"{user} {seconds * 1000:.0f} ms" for user, seconds in signed.login_seconds.items())
    print(f"\nlogin to first page in Chromium (the first is the server's first page too): {times}")
    assert [d for c in signed.contexts for d in getattr(c, "dialogs", [])] == []
