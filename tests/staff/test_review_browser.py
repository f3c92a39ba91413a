"""A trainer turns a wrong reply into a passing test story in real headless Chromium, timed (issue 20, item 3).

The real console app served by waitress in a thread (so its repository setting points at a temporary copy with
the real model, and "Add to tests" never writes into this checkout), over the demo database of tools/staff_demo.py
with one more conversation whose question was misread. axe-core checks the two new pages.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa
import yaml

from lantern import settings
from lantern.records.transcripts.record import add_records
from lantern.records.transcripts.scrub import MessageRecord, SessionMark
from staff import test_stories as ts
from staff.app import create_app
from tests.staff.test_console_browser import axe_problems
from tools import staff_demo

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 120_000  # a check loads the model: 15-30 s on this machine


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data_dir = tmp_path_factory.mktemp("review-console")
    staff_demo.seed(data_dir)
    repo = data_dir / "repo"
    for name in ("domain", "data"):
        shutil.copytree(ROOT / name, repo / name)
    shutil.copy(ROOT / "config.yml", repo / "config.yml")
    (repo / "models").mkdir()
    (repo / "models" / "lantern.tar.gz").symlink_to(ROOT / "models" / "lantern.tar.gz")
    app = create_app(settings.load({"LANTERN_DATA_DIR": str(data_dir), "LANTERN_STAFF_KEY": "k" * 32}))
    app.config.update(REVIEW_REPO=str(repo), REVIEW_DRAFTS=str(data_dir / "drafts"))
    now = time.time() - 600
    engine = app.extensions["lantern_engine"]
    with engine.begin() as conn:
        add_records(
            conn,
            "p_misread_question",
            [
                SessionMark(now - 1),
                MessageRecord("user", "hey", now, channel="sms", intent="greet"),
                MessageRecord("bot", "Hi, what's on your mind?", now + 1, action="action_greet"),
                MessageRecord("user", "how do fentanyl test strips work", now + 5, channel="sms", intent="greet"),
                MessageRecord("bot", "Hi again.", now + 6, action="action_greet"),
            ],
        )
        cid = conn.execute(
            sa.text("SELECT id FROM transcript_conversations WHERE sender_pseudonym='p_misread_question'")
        )
        conversation = str(cid.scalar_one())
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=staff_demo.free_port(), threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.effective_port}", "conversation": conversation, "repo": repo}
    server.close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(served: Any) -> Iterator[Any]:
    if not Path(staff_demo.CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make system-deps` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=staff_demo.CHROMIUM, args=staff_demo.CHROMIUM_ARGS)
        context = browser.new_context(bypass_csp=True)  # for axe-core's script only; the pages run none of their own
        p = context.new_page()
        staff_demo.sign_in(p, served["url"], "tess")
        p.wait_for_url("**/conversations**")
        yield p
        browser.close()


def test_a_trainer_turns_a_misread_question_into_a_passing_test_story(page: Any, served: Any) -> None:
    started = time.perf_counter()
    page.goto(served["url"] + "/conversations")
    page.locator(f'a[href="/conversations/{served["conversation"]}"]').first.click()
    page.get_by_role("link", name="Mark as wrong (message 4)").click()
    problems = axe_problems(page, "mark form")
    page.get_by_label("The person's message meant something else").check()
    page.get_by_label("Intent the message meant").select_option("ask_info")
    page.get_by_label("Action or reply the bot should have sent").select_option("action_info")
    page.get_by_role("button", name="Save as a draft test story").click()
    page.get_by_role("button", name="Check").first.click()
    page.get_by_text("Passed", exact=True).wait_for(timeout=TIMEOUT_MS)
    problems += axe_problems(page, "test stories")
    page.get_by_role("button", name="Add to tests").first.click()
    page.get_by_text("make dialogue-check").first.wait_for()
    seconds = time.perf_counter() - started
    print(f"\nbrowser: a marked reply to a passing test story in {seconds:.1f} s of clicks and waiting")
    assert problems == []
    [written] = (served["repo"] / ts.STORIES_DIR).glob("test_reviewed_*.yml")
    steps = yaml.safe_load(written.read_text(encoding="utf-8"))["stories"][0]["steps"]
    assert steps[-2:] == [{"user": "how do fentanyl test strips work", "intent": "ask_info"}, {"action": "action_info"}]
    assert "No drafts." in page.content()
