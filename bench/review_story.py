"""A marked reply to a passing test story, in a real browser (issue 20's target: <= 2 minutes of a trainer's clicks).

    .venv/bin/python -W ignore::DeprecationWarning -m bench.review_story

The real staff console (staff/views/review_tests.py) is served by waitress in a thread over a seeded SQLite
database (tools/staff_demo.py's accounts and conversations, plus three made-up conversations in which the bot
misread a question), with REVIEW_REPO / REVIEW_DRAFTS pointing at a temporary copy of domain/, data/ and
config.yml whose model is the real models/lantern.tar.gz: "Add to tests" never writes into this checkout.
Headless Chromium signs in as the demo trainer and, once per conversation, makes the clicks of
docs/trainers.md "Turning a wrong reply into a test" at once, each step timed until its page is there; Check
runs the real tools/review_check.py subprocess. At the end each added file is run again on its own with
`rasa test core --fail-on-prediction-errors`, so the figure is for stories that pass.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import sqlalchemy as sa

from lantern import settings
from lantern.records.transcripts.record import add_records
from lantern.records.transcripts.scrub import MessageRecord, SessionMark
from staff import test_stories as ts
from staff.app import create_app
from tools import staff_demo

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "lantern.tar.gz"
RASA = str(Path(sys.executable).parent / "rasa")
TARGET_S = 120.0
DECISION_S = 5.0  # ASSUMED, not measured: a trainer's reading and choosing before each click
CHECK_TIMEOUT_MS = (ts.CHECK_TIMEOUT + 30) * 1000  # the page answers when the check subprocess has ended
TRAINER = "tess"  # tools/staff_demo.py's trainer account
STEPS = ("open the transcript", "Mark as wrong", "choose the correction", "Save", "Check", "Add to tests")


@dataclass(frozen=True)
class Misread:
    """A made-up conversation whose last user message the bot took for something else (already anonymized)."""

    pseudonym: str
    opening: Tuple[Tuple[str, str, str], ...]  # (user text, intent, bot reply by action_greet) before the question
    question: str  # a question the current model reads as ask_info; the transcript recorded it as `recorded`
    recorded: str
    reply: Tuple[str, str]  # (the wrong reply, its action): the message the trainer marks


CASES = (
    Misread(
        "bench-misread-strips",
        (("hey", "greet", "Hi, I'm Lantern, an automated assistant. What's on your mind?"),),
        "how do fentanyl test strips work",
        "greet",
        ("Hi again. I'm still here. What's on your mind?", "action_greet"),
    ),
    Misread(
        "bench-misread-sickness",
        (("hi there", "greet", "Hi, I'm Lantern. What would you like to talk about?"),),
        "how long does dope sickness last",
        "share",
        ("It sounds like that has been on your mind.", "action_reflect"),
    ),
    Misread(
        "bench-misread-xylazine",
        (),
        "what are xylazine wounds",
        "greet",
        ("Hi, I'm Lantern, an automated assistant. What's on your mind?", "action_greet"),
    ),
)


def pct(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def repo_copy(folder: Path) -> Path:
    """The folders the flow reads and writes, copied; the model is the real one (a link, never written)."""
    repo = folder / "repo"
    for name in ("domain", "data"):
        shutil.copytree(ROOT / name, repo / name)
    shutil.copy(ROOT / "config.yml", repo / "config.yml")
    (repo / "models").mkdir()
    (repo / "models" / "lantern.tar.gz").symlink_to(MODEL)
    return repo


def add_conversation(engine: Any, case: Misread, at: float) -> Tuple[str, int]:
    """The conversation in the transcripts; its id and the seq of the reply to mark."""
    records: List[Any] = [SessionMark(at - 1)]
    for text, intent, greeting in case.opening:
        records.append(MessageRecord("user", text, at, channel="sms", intent=intent, intent_confidence=0.95))
        records.append(MessageRecord("bot", greeting, at + 1, action="action_greet"))
        at += 10
    records.append(MessageRecord("user", case.question, at, channel="sms", intent=case.recorded, intent_confidence=0.5))
    records.append(MessageRecord("bot", case.reply[0], at + 1, action=case.reply[1]))
    with engine.begin() as conn:
        add_records(conn, case.pseudonym, records)
        found = conn.execute(
            sa.text("SELECT id FROM transcript_conversations WHERE sender_pseudonym = :p"), {"p": case.pseudonym}
        )
        conversation = str(found.scalar_one())
    return conversation, 2 * len(case.opening) + 2


class Round:
    """One pass through the flow: each step's seconds (until its page is there) and clicks."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.seconds: Dict[str, float] = {}
        self.clicks: Dict[str, int] = {}
        self.current = ""

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.current, self.clicks[name] = name, 0
        started = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - started

    def click(self, locator: Any, navigates: bool = True, timeout: float = 30_000) -> None:
        self.clicks[self.current] += 1
        if not navigates:
            locator.click()
            return
        with self.page.expect_navigation(timeout=timeout):
            locator.click()

    def choose(self, locator: Any, value: str) -> None:
        """A drop-down: one click to open it, one to pick."""
        self.clicks[self.current] += 2
        locator.select_option(value)


def one_round(page: Any, url: str, conversation: str, seq: int) -> Round:
    """Mark the reply, correct it to ask_info then action_info, save, check, add: the docs' ten clicks."""
    run = Round(page)
    with run.step(STEPS[0]):
        page.goto(url + "/conversations")  # where the trainer starts (docs/trainers.md counts no click for it)
        run.click(page.locator(f'a[href="/conversations/{conversation}"]').first)
        mark = page.get_by_role("link", name=f"Mark as wrong (message {seq})")
        mark.wait_for()
    with run.step(STEPS[1]):
        run.click(mark)
        meant = page.get_by_label("The person's message meant something else")
        meant.wait_for()
    with run.step(STEPS[2]):
        run.click(meant, navigates=False)
        run.choose(page.get_by_label("Intent the message meant"), "ask_info")
        run.choose(page.get_by_label("Action or reply the bot should have sent"), "action_info")
    with run.step(STEPS[3]):
        run.click(page.get_by_role("button", name="Save as a draft test story"))
        draft = page.locator(f"#{page.url.rpartition('#')[2]}")
        draft.get_by_text("Not checked yet.").wait_for()
    with run.step(STEPS[4]):
        run.click(draft.get_by_role("button", name="Check"), timeout=CHECK_TIMEOUT_MS)
        result = draft.locator(".check-result")
        result.wait_for()
    if not result.get_by_text("Passed", exact=True).count():
        raise RuntimeError(f"the check did not pass: {result.inner_text()}")
    with run.step(STEPS[5]):
        run.click(draft.get_by_role("button", name="Add to tests"))
        page.get_by_text("make dialogue-check").first.wait_for()
    return run


def rasa_test_core(story: Path, out: Path) -> Tuple[bool, float]:
    """`rasa test core` on one story file with the real model, as `make dialogue-check` runs it; passed, seconds."""
    started = time.perf_counter()
    cmd = [RASA, "test", "core", "--model", str(MODEL), "--stories", str(story)]
    cmd += ["--fail-on-prediction-errors", "--out", str(out)]
    env = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    failed = out / "failed_test_stories.yml"
    wrong = failed.is_file() and "# predicted:" in failed.read_text(encoding="utf-8")
    return proc.returncode == 0 and not wrong, time.perf_counter() - started


def checkout_stories() -> List[Path]:
    """This checkout's reviewed test stories: the same before and after, or the bench wrote where it must not."""
    folder = ROOT / ts.STORIES_DIR
    return sorted(folder.glob("*")) if folder.is_dir() else []


@contextlib.contextmanager
def served(data_dir: Path, repo: Path) -> Iterator[Tuple[str, Any]]:
    """The console app over the seeded database, served by waitress in a thread: its URL and the app."""
    from waitress import create_server

    app = create_app(settings.load({"LANTERN_DATA_DIR": str(data_dir), "LANTERN_STAFF_KEY": "k" * 32}))
    app.config.update(REVIEW_REPO=str(repo), REVIEW_DRAFTS=str(data_dir / "drafts"))
    server = create_server(app, host="127.0.0.1", port=staff_demo.free_port(), threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", app
    finally:
        server.close()
        thread.join(timeout=10)


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not Path(staff_demo.CHROMIUM).exists():
        print("Chromium is missing: `make system-deps` installs Debian's chromium package", file=sys.stderr)
        return 1
    real_stories = checkout_stories()
    rounds: List[Round] = []
    verified: List[Tuple[str, bool, float]] = []
    with tempfile.TemporaryDirectory(prefix="lantern-review-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        staff_demo.seed(data_dir)
        repo = repo_copy(Path(tmp))
        with served(data_dir, repo) as (url, app):
            engine = app.extensions["lantern_engine"]
            now = time.time() - 3600
            marked = [add_conversation(engine, case, now + 300 * i) for i, case in enumerate(CASES)]
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=staff_demo.CHROMIUM, args=staff_demo.CHROMIUM_ARGS)
                page = browser.new_page()
                staff_demo.sign_in(page, url, TRAINER)
                page.wait_for_url("**/conversations**")
                for conversation, seq in marked:
                    rounds.append(one_round(page, url, conversation, seq))
                browser.close()
        written = sorted((repo / ts.STORIES_DIR).glob("test_reviewed_*.yml"))
        for number, story in enumerate(written, 1):
            passed, seconds = rasa_test_core(story, Path(tmp) / f"verify-{number}")
            verified.append((story.name, passed, seconds))
    untouched = real_stories == checkout_stories()

    totals = [sum(r.seconds.values()) for r in rounds]
    clicks = max(sum(r.clicks.values()) for r in rounds)
    with_trainer = [sum(r.seconds.values()) + sum(r.clicks.values()) * DECISION_S for r in rounds]
    all_passed = len(verified) == len(CASES) and all(ok for _, ok, _ in verified)
    met = max(totals) <= TARGET_S and max(with_trainer) <= TARGET_S and all_passed and untouched

    print("## Marked reply to a passing test story\n")
    print(
        f'The staff console\'s test-story flow (docs/trainers.md, "Turning a wrong reply into a test") in headless '
        f"Chromium, {len(rounds)} rounds, one made-up conversation each in which the bot misread a question "
        "(fentanyl test strips, dope sickness, xylazine wounds). Each round: open the transcript from the "
        "conversation list, Mark as wrong, choose the correction (another intent, `ask_info`, then `action_info`), "
        "Save, Check (the real model, `tools/review_check.py` in a subprocess), Add to tests; every click made at "
        "once, each step timed until its page is there. The console writes into a temporary copy of `domain/` and "
        "`data/`; a click on a drop-down counts 2 (open, pick).\n"
    )
    print("| step | p50 s | max s | clicks |")
    print("|---|---|---|---|")
    for name in STEPS:
        values = [r.seconds[name] for r in rounds]
        print(
            f"| {name} | {statistics.median(values):.2f} | {max(values):.2f} | {max(r.clicks[name] for r in rounds)} |"
        )
    print(f"| **total per round** (machine) | {statistics.median(totals):.1f} | {max(totals):.1f} | {clicks} |")
    print(
        f"| total with the assumed trainer's time | {statistics.median(with_trainer):.1f} | "
        f"{max(with_trainer):.1f} | {clicks} |"
    )
    print(
        f"\nAssumption, not a measurement: a trainer takes {DECISION_S:.0f} s to read and choose before each click "
        f"({clicks} clicks, {clicks * DECISION_S:.0f} s a round), added to the machine time above. Reading the "
        "transcript to find the wrong reply in the first place is not included."
    )
    checks = ", ".join(f"{'passed' if ok else 'FAILED'} ({s:.0f} s)" for _, ok, s in verified)
    print(
        f"\nAdded stories: {len(verified)} of {len(CASES)} written to the copy's `{ts.STORIES_DIR}/`; "
        f"each run again on its own with `rasa test core --fail-on-prediction-errors`: {checks or 'none'}. "
        f"This checkout's `{ts.STORIES_DIR}/` untouched: {'yes' if untouched else 'NO'}."
    )
    print(
        f"\nTarget: a marked reply to a passing test story <= {TARGET_S:.0f} s of a trainer's clicks: machine max "
        f"{max(totals):.1f} s, with the assumed trainer's time max {max(with_trainer):.1f} s "
        f"({'met' if met else 'NOT met'}). Most of a round is Check loading the model."
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
