"""A small staff-console instance with made-up conversations, for the browser tests and the docs' screenshots.

    .venv/bin/python -m tools.staff_demo screenshots [--out docs/img]   # regenerate docs/img/staff-*.png
    .venv/bin/python -m tools.staff_demo trainer-screenshots [--out docs/img]  # docs/img/trainer-*.png (starts the bot)

`seed()` fills a fresh database with a handful of already anonymized conversations (a crisis,
a fallback, change talk with a referral, message text holding `<script>` and a spreadsheet
formula) and one account per role; `Console` runs the real server (`python -m staff serve`)
on a free port against it. tests/staff/test_console_browser.py uses both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import sqlalchemy as sa

from lantern import db
from lantern.records.transcripts.record import add_records
from lantern.records.transcripts.scrub import MessageRecord, SessionMark
from lantern.settings import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--headless"]
SCREEN: Any = {"width": 1280, "height": 800}  # playwright's ViewportSize
STAFF_KEY = "demo-staff-key-not-secret"
PASSWORD = "lantern-demo-password-19"  # every demo account's; a throwaway database's only
# user name -> (role, name shown)
USERS: Dict[str, Tuple[str, str]] = {
    "ana": ("admin", "Ana Admin"),
    "sam": ("supervisor", "Sam Supervisor"),
    "rita": ("reviewer", "Rita Reviewer"),
    "tess": ("trainer", "Tess Trainer"),
}
SCRIPT_TEXT = "<script>alert(1)</script> my cousin typed this and laughed"
FORMULA_TEXT = '=HYPERLINK("http://x") is what the link said'
SEARCH_WORD = "naloxone"  # said in one conversation only
FILLER_FOR_SCREENSHOTS = 60


@dataclass
class Seeded:
    """What `seed()` wrote: conversation ids by their role in the tests."""

    ids: Dict[str, str] = field(default_factory=dict)


def _user(text: str, at: float, channel: str, intent: str, conf: float = 0.93, **kw: Any) -> MessageRecord:
    return MessageRecord("user", text, at, channel=channel, intent=intent, intent_confidence=conf, **kw)


def _bot(text: str, at: float, action: str, **kw: Any) -> MessageRecord:
    return MessageRecord("bot", text, at, action=action, **kw)


def conversations(now: float) -> Dict[str, Tuple[str, List[Any]]]:
    """name -> (sender pseudonym, records): a few realistic, anonymized conversations ending before `now`."""
    hour, day = 3600.0, 86400.0
    t = now - 2 * hour
    crisis = [
        SessionMark(t),
        _user("hey", t, "sms", "greet"),
        _bot("Hi, I'm Lantern, an automated assistant. What's on your mind?", t + 2, "utter_greet"),
        _user("my friend <PERSON> is turning blue and wont wake up", t + 30, "sms", "crisis_overdose", 0.99,
              crisis=True, crisis_level="crisis", crisis_category="overdose", pii_types=("PERSON",)),
        _bot("Call 911 now. Tell them your friend is not breathing.", t + 31, "utter_crisis_overdose",
             crisis=True, crisis_level="crisis", crisis_category="overdose"),
        _bot("If you have Narcan, give it now, then rescue breaths.", t + 32, "utter_crisis_overdose"),
    ]  # fmt: skip
    t = now - 5 * hour
    fallback = [
        SessionMark(t),
        _user("whats the bus schedule to the clinic on sundays", t, "widget", "nlu_fallback", 0.31),
        _bot("Sorry, I didn't catch that. Could you say it another way?", t + 1, "action_default_fallback"),
        _user("bus times sunday", t + 20, "widget", "nlu_fallback", 0.28),
        _bot("I'm not sure I understood. I can talk about using, cutting down, or finding services.", t + 21,
             "action_default_fallback"),
    ]  # fmt: skip
    t = now - 1 * day
    change = [
        SessionMark(t),
        _user("i want to cut down on fent, my kids need me", t, "widget", "share_goal", 0.88,
              talk_type="change", talk_type_confidence=0.91),
        _bot("Your kids are a big reason for you. What would cutting down look like this week?", t + 2,
             "action_reflect"),
        _user(f"maybe get some {SEARCH_WORD} and test strips near <LOCATION>", t + 40, "widget", "ask_referral", 0.9,
              talk_type="change", talk_type_confidence=0.8, pii_types=("LOCATION",)),
        _bot("I can look for services near you. What kind of help are you after?", t + 41, "referral_form"),
        _user("harm reduction supplies", t + 60, "widget", "inform_need", 0.95),
        _bot("Here are two places that hand out supplies near <LOCATION>.", t + 62, "action_referral_search"),
    ]  # fmt: skip
    t = now - 2 * day
    script = [
        SessionMark(t),
        _user(SCRIPT_TEXT, t, "rest", "chitchat", 0.55),
        _bot("That sounds like a prank. How are you doing today?", t + 2, "action_reflect"),
        _user("honestly not great, i keep using more than i want", t + 30, "rest", "share_use", 0.82,
              talk_type="sustain", talk_type_confidence=0.7, crisis_level="check_in", crisis_category="suicide"),
        _bot("It sounds like it's been hard. Are you safe right now?", t + 31, "utter_crisis_check_in",
             crisis_level="check_in", crisis_category="suicide"),
    ]  # fmt: skip
    t = now - 3 * day
    formula = [
        SessionMark(t),
        _user(FORMULA_TEXT, t, "sms", "chitchat", 0.47),
        _bot("I can't open links, but I'm happy to talk. What's going on?", t + 2, "action_reflect"),
        _user("i dont really want to quit, it helps me sleep", t + 25, "sms", "share_use", 0.86,
              talk_type="sustain", talk_type_confidence=0.84),
        _bot("Sleep matters a lot. What else helps you sleep?", t + 26, "action_reflect"),
    ]  # fmt: skip
    t = now - 4 * day
    short = [
        SessionMark(t),
        _user("is this a real person", t, "sms", "bot_challenge", 0.97),
        _bot("No, I'm an automated assistant. I can still listen and help find services.", t + 1, "utter_iamabot"),
    ]
    return {
        "crisis": ("pseudo-crisis-01", crisis),
        "fallback": ("pseudo-fallback-02", fallback),
        "change": ("pseudo-change-03", change),
        "script": ("pseudo-script-04", script),
        "formula": ("pseudo-formula-05", formula),
        "short": ("pseudo-short-06", short),
    }


FILLER_TURNS = (
    ("hi", "greet", None, "Hi, I'm Lantern, an automated assistant. What's on your mind?", "utter_greet"),
    ("i want to slow down on drinking", "share_goal", "change", "Slowing down matters to you. What's one step?",
     "action_reflect"),
    ("i think i could stop using on weekdays", "share_goal", "change", "You can see a way to do it.", "action_reflect"),
    ("using helps me deal with stuff", "share_use", "sustain", "It does something for you right now.",
     "action_reflect"),
    ("not ready to quit yet", "share_use", "sustain", "That's your call. What would make it feel safer?",
     "action_reflect"),
    ("where can i get test strips", "ask_referral", None, "I can look for services near you.", "referral_form"),
    ("can u order me a pizza", "nlu_fallback", None, "Sorry, I didn't catch that. Could you say it another way?",
     "action_default_fallback"),
    ("do you know the library hours", "nlu_fallback", None, "I'm not sure I understood.", "action_default_fallback"),
    ("thanks", "thank", None, "You're welcome. I'm here any time.", "utter_thanks"),
)  # fmt: skip


def filler(now: float, count: int) -> Dict[str, Tuple[str, List[Any]]]:
    """`count` short made-up conversations over the last 30 days (for fuller charts in the screenshots)."""
    import random

    rng = random.Random(19)
    found: Dict[str, Tuple[str, List[Any]]] = {}
    for i in range(count):
        t = now - rng.uniform(0.1, 29.5) * 86400.0
        channel = rng.choices(("sms", "widget", "rest"), (0.45, 0.4, 0.15))[0]
        records: List[Any] = [SessionMark(t)]
        for turn in rng.sample(FILLER_TURNS, rng.randint(2, 4)):
            text, intent, talk, reply, action = turn
            records.append(_user(text, t, channel, intent, rng.uniform(0.3, 0.99), talk_type=talk))
            records.append(_bot(reply, t + 1, action))
            t += rng.uniform(10, 90)
        found[f"filler-{i}"] = (f"pseudo-filler-{i:03d}", records)
    return found


def db_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'lantern.db'}"


def seed(data_dir: Path, now: Optional[float] = None, extra: int = 0) -> Seeded:
    """A fresh database under `data_dir` with the demo conversations (and `extra` filler ones) and one account
    per role."""
    from lantern.records.transcripts.models import Conversation
    from staff.auth import create_user

    engine = db.create_engine(db_url(data_dir))
    try:
        db.upgrade(engine, groups=("transcripts", "staff"))
        seeded = Seeded()
        with engine.begin() as conn:
            now = now or time.time()
            for name, (pseudonym, records) in {**conversations(now), **filler(now, extra)}.items():
                add_records(conn, pseudonym, records)
                seeded.ids[name] = conn.execute(
                    sa.select(Conversation.__table__.c.id).where(Conversation.__table__.c.sender_pseudonym == pseudonym)
                ).scalar_one()
            for username, (role, display) in USERS.items():
                create_user(conn, username, PASSWORD, role, display)
        return seeded
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Console:
    """The real console (`python -m staff serve`) on a free port, with its own data folder and settings."""

    def __init__(self, data_dir: Path, port: Optional[int] = None, extra_env: Optional[Dict[str, str]] = None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "staff-console.log"
        self.ids: Dict[str, str] = {}  # conversation ids by name, for whoever seeded the database
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "RASA_"))}
        env.update(
            LANTERN_ENV_FILE=str(data_dir / "demo.env"),  # never the developer's .env, never written to it
            LANTERN_DATA_DIR=str(data_dir),
            LANTERN_DB_URL=db_url(data_dir),
            LANTERN_HOST="127.0.0.1",
            LANTERN_STAFF_PORT=str(self.port),
            LANTERN_STAFF_KEY=STAFF_KEY,
            RASA_API_TOKEN="demo-rasa-token",
            LANTERN_PSEUDONYM_KEY="demo-pseudonym-key",
            LANTERN_REST_TOKEN="demo-rest-token",
            LANTERN_ORG_NAME="Demo Harm Reduction Org",
            RASA_TELEMETRY_ENABLED="false",
        )
        env.update(extra_env or {})
        self.env = env
        self.process: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 60.0) -> "Console":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "staff", "serve", "--port", str(self.port)],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the staff console exited ({self.process.returncode}): {self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the staff console did not answer /healthz in {timeout:.0f} s: {self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:] if self.log_path.exists() else ""


def sign_in(page: Any, url: str, username: str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form on a page already at /login."""
    page.goto(url + "/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


# --- screenshots ------------------------------------------------------------------------------


def screenshot_pages(seeded: Seeded) -> List[Tuple[str, str]]:
    """(file name, path on the console) for each screenshot in docs/staff-console.md."""
    return [
        ("staff-conversations.png", "/conversations"),
        ("staff-transcript.png", f"/conversations/{seeded.ids['change']}"),
        ("staff-dashboard.png", "/dashboard"),
        ("staff-audit.png", "/audit"),
    ]


def take_screenshots(out: Path) -> List[Path]:
    """Seed a throwaway instance, sign in as the admin and save each page at 1280x800."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: List[Path] = []
    with tempfile.TemporaryDirectory(prefix="lantern-staff-demo-") as tmp:
        data_dir = Path(tmp)
        seeded = seed(data_dir, extra=FILLER_FOR_SCREENSHOTS)
        console = Console(data_dir).start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport=SCREEN)
                page = context.new_page()
                page.goto(console.url + "/login")
                written.append(_shot(page, out / "staff-login.png"))
                sign_in(page, console.url, "ana")
                page.wait_for_url("**/conversations**")
                annotate(page, console.url, seeded)
                for name, path in screenshot_pages(seeded):
                    page.goto(console.url + path)
                    if name == "staff-transcript.png":  # the tags and the first messages, below the facts
                        page.locator("#tags").evaluate("e => window.scrollTo(0, e.offsetTop - 8)")
                    written.append(_shot(page, out / name))
                browser.close()
        finally:
            console.stop()
    return written


def annotate(page: Any, url: str, seeded: Seeded) -> None:
    """What a reviewer does, so the pages (and the audit log) have something to show."""
    page.goto(f"{url}/conversations/{seeded.ids['change']}")
    page.get_by_label("Add a tag").fill("referral-follow-up")
    page.get_by_role("button", name="Add tag").click()
    page.wait_for_load_state()
    first = page.locator("#messages tr.msg").first
    first.get_by_text("Tag, flag or comment").click()
    first.get_by_label("Message tag").fill("good-reflection")
    first.get_by_label("Comment").fill("Nice: the reflection picks up the kids as the reason.")
    first.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.goto(f"{url}/conversations/{seeded.ids['fallback']}")
    first = page.locator("#messages tr.msg").first
    first.get_by_text("Tag, flag or comment").click()
    first.get_by_label("Flag this message").check()
    first.get_by_label("Comment").fill("Bus times: not something Lantern knows. Add to the knowledge base?")
    first.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.get_by_label("Review status").select_option("needs_follow_up")
    page.get_by_role("button", name="Set status").click()
    page.wait_for_load_state()
    page.goto(f"{url}/conversations?q={SEARCH_WORD}")


def _shot(page: Any, path: Path) -> Path:
    page.screenshot(path=str(path), full_page=False)
    return path


# --- the trainers' screenshots (docs/trainers.md) ---------------------------------------------

MODEL = PROJECT_ROOT / "models" / "lantern.tar.gz"
MISREAD_PSEUDONYM = "pseudo-misread-07"
MISREAD_QUESTION = "how do fentanyl test strips work"  # the model read it as a greeting in this made-up chat
WORDING_FILE, WORDING_KEY = "conversation.yml", "greet.again"
WORDING_WITH_A_LABEL = "Hi again. I talk with a lot of addicts here. What's on your mind?"
TRY_MESSAGE = "how long does dope sickness last"  # a knowledge question: its entry is named
TRY_WIDTH = 900  # the chat column and its reasons; the rest of the page is empty
CHECK_TIMEOUT_MS = 180_000  # a check loads the model in a subprocess: 15-30 s, more while the bot runs too


def add_misread_conversation(data_dir: Path, now: float) -> str:
    """A conversation whose question the bot took for a greeting (the reply a trainer marks as wrong); its id."""
    from lantern.records.transcripts.models import Conversation

    t = now - 30 * 60
    records = [
        SessionMark(t),
        _user("hey", t, "sms", "greet"),
        _bot("Hi, I'm Lantern, an automated assistant. What's on your mind?", t + 2, "action_greet"),
        _user(MISREAD_QUESTION, t + 20, "sms", "greet", 0.52),
        _bot("Hi again. I'm still here. What's on your mind?", t + 21, "action_greet"),
    ]
    engine = db.create_engine(db_url(data_dir))
    try:
        with engine.begin() as conn:
            add_records(conn, MISREAD_PSEUDONYM, records)
            c = Conversation.__table__.c
            return str(conn.execute(sa.select(c.id).where(c.sender_pseudonym == MISREAD_PSEUDONYM)).scalar_one())
    finally:
        engine.dispose()


def start_bot(console: Console) -> Any:
    """The real action and Rasa servers with the console's settings (ports, tokens, database, wording folder)."""
    from lantern import settings as settings_mod
    from tools.processes import start_stack

    values = {k: v for k, v in console.env.items() if k.startswith(("LANTERN_", "RASA_"))}
    return start_stack(settings_mod.load(values), model=MODEL, env_overrides=values)


def take_trainer_screenshots(out: Path) -> List[Path]:
    """The trainer's pages, signed in as the trainer: the Wording page showing a rule, a reply marked as wrong,
    its draft test story before and after Check, and Try it with the bot's reasons (the real bot, started here).

    The Wording page edits a copy of actions/phrases (nothing is saved anyway); Check reads this checkout's
    model and data and writes only in a temporary folder; nothing is added to the tests."""
    from playwright.sync_api import sync_playwright

    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: the test story check and Try it need a trained model (make train)")
    out.mkdir(parents=True, exist_ok=True)
    written: List[Path] = []
    with tempfile.TemporaryDirectory(prefix="lantern-trainer-demo-") as tmp:
        data_dir = Path(tmp)
        seed(data_dir)
        misread = add_misread_conversation(data_dir, time.time())
        phrases = data_dir / "phrases"
        shutil.copytree(PROJECT_ROOT / "actions" / "phrases", phrases)
        console = Console(
            data_dir,
            extra_env={
                "LANTERN_PHRASES_DIR": str(phrases),
                "RASA_PORT": str(free_port()),
                "ACTIONS_PORT": str(free_port()),
            },
        )
        bot = start_bot(console)
        try:
            console.start()
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context(viewport=SCREEN).new_page()
                page.set_default_timeout(30_000)
                sign_in(page, console.url, "tess")
                page.wait_for_url("**/conversations**")
                written.append(_wording_shot(page, console.url, out))
                written.extend(_test_story_shots(page, console.url, misread, out))
                written.append(_try_it_shot(page, console.url, out))
                browser.close()
        finally:
            console.stop()
            bot.stop()
    return written


def _wording_shot(page: Any, url: str, out: Path) -> Path:
    """A line being edited, with the live check's finding under the variation holding a stigmatising word."""
    page.goto(f"{url}/wording/{WORDING_FILE}/{WORDING_KEY}")
    page.locator("#text-0").fill(WORDING_WITH_A_LABEL)
    page.locator("#checks-0 li.problem").first.wait_for()
    return _shot_region(page, out / "trainer-wording.png", page.locator("h1"), page.locator("#wording-form .buttons"))


def _test_story_shots(page: Any, url: str, conversation: str, out: Path) -> List[Path]:
    """Mark the misread question's reply as wrong, save the draft, and check it against the trained model."""
    page.goto(f"{url}/conversations/{conversation}")
    messages = page.locator("table:has(#messages)")  # its column headings and the four messages
    shots = [_shot_region(page, out / "trainer-transcript-mark.png", messages, messages)]
    page.get_by_role("link", name="Mark as wrong (message 4)").click()
    page.get_by_label("The person's message meant something else").check()
    page.get_by_label("Intent the message meant").select_option("ask_info")
    page.get_by_label("Action or reply the bot should have sent").select_option("action_info")
    page.get_by_label("Note (why; optional)").fill("A question about test strips, not a greeting.")
    form = page.locator("form.stack")
    shots.append(_shot_region(page, out / "trainer-mark-wrong.png", page.locator("h1"), form))
    page.get_by_role("button", name="Save as a draft test story").click()
    page.wait_for_url("**/test-stories**")
    draft = page.locator("section[id^=draft-]").first
    shots.append(_shot_region(page, out / "trainer-test-story.png", page.locator("h1"), draft))
    draft.get_by_role("button", name="Check").click()
    page.locator(".check-result").first.wait_for(timeout=CHECK_TIMEOUT_MS)
    draft = page.locator("section[id^=draft-]").first
    shots.append(_shot_region(page, out / "trainer-test-story-checked.png", draft, draft))
    return shots


def _try_it_shot(page: Any, url: str, out: Path) -> Path:
    """A question to the running bot, each reply with its reasons, "More detail" open under the first one."""
    page.goto(f"{url}/try")
    page.get_by_label("Your message").fill(TRY_MESSAGE)
    page.get_by_role("button", name="Send").click()
    page.locator("#turn-1 dl.inspector").first.wait_for(state="visible")
    page.locator("#turn-1 details.inspector-more summary").first.click()
    return _shot_region(
        page,
        out / "trainer-try-it.png",
        page.locator("#try-chat-title"),
        page.get_by_role("button", name="New conversation"),
        width=TRY_WIDTH,
    )


def _shot_region(page: Any, path: Path, first: Any, last: Any, margin: int = 12, width: int = 0) -> Path:
    """The page from the top of `first` to the bottom of `last`, `width` (default: the viewport's) wide."""
    top, bottom = first.bounding_box(), last.bounding_box()
    scroll = page.evaluate("window.scrollY")  # bounding boxes are relative to the viewport
    y = max(0.0, top["y"] + scroll - margin)
    height = bottom["y"] + scroll + bottom["height"] + margin - y
    page.screenshot(
        path=str(path), full_page=True, clip={"x": 0, "y": y, "width": width or SCREEN["width"], "height": height}
    )
    return path


def main(argv: Optional[Iterable[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.staff_demo", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    shots = sub.add_parser("screenshots", help="regenerate the staff console screenshots (1280x800)")
    shots.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "img")
    trainer = sub.add_parser(
        "trainer-screenshots", help="regenerate the trainers' screenshots (starts the bot with the trained model)"
    )
    trainer.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "img")
    args = parser.parse_args(list(argv) if argv is not None else None)
    take = take_trainer_screenshots if args.command == "trainer-screenshots" else take_screenshots
    for path in take(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
