"""Shared fixtures: tracker dictionaries for action tests, a real running Lantern for integration tests."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from lantern import settings as settings_mod
from tools.processes import PROJECT_ROOT, Stack, start_stack

# LANTERN_TEST_MODEL: another trained model for the integration tests (e.g. one trained into /tmp to try a change).
MODEL = Path(os.environ.get("LANTERN_TEST_MODEL") or PROJECT_ROOT / "models" / "lantern.tar.gz")
TEST_TOKEN = "test-token-" + uuid.uuid4().hex
REST_TOKEN = "rest-token-" + uuid.uuid4().hex
# Models trained by tests (small data, other settings) must not become the start of the next `make train`
# (lantern/nlu/fit_memory.py), nor fill the encoder's vector cache with test texts. Tests of the caches set their own.
os.environ.setdefault("LANTERN_FIT_MEMORY", "off")
os.environ.setdefault("LANTERN_ENCODER_CACHE", "off")


@pytest.fixture(autouse=True)
def settings_read_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test reads settings from the environment as it finds it (lantern/settings.py caches them per process).

    A test that changes a variable after settings were read calls `settings.reload()`.
    """
    monkeypatch.setattr(settings_mod, "_loaded", None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tracker_dict(
    events: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    text: str = "hi",
    intent: str = "greet",
    sender_id: str = "test-sender",
) -> Dict[str, Any]:
    """A tracker in the shape the action server receives, for `Tracker.from_dict`."""
    return {
        "sender_id": sender_id,
        "slots": slots or {},
        "latest_message": {
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": [],
            "intent_ranking": [],
        },
        "events": events or [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }


def make_settings(data_dir: Path, **overrides: str) -> settings_mod.Settings:
    """Settings for a private instance on free ports with its own data folder."""
    values = {
        "LANTERN_DATA_DIR": str(data_dir),
        "LANTERN_DB_URL": f"sqlite:///{data_dir / 'lantern.db'}?timeout=1",
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "RASA_API_TOKEN": TEST_TOKEN,
        "LANTERN_REST_TOKEN": REST_TOKEN,
        "LANTERN_PSEUDONYM_KEY": "test-pseudonym-key",
        "LANTERN_ORG_NAME": "Test Harm Reduction Org",
    }
    values.update(overrides)
    return settings_mod.load(values)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright, one per test module (the staff console's browser tests)."""
    from tools import staff_demo

    if not Path(staff_demo.CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make system-deps` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=staff_demo.CHROMIUM, args=staff_demo.CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def lantern(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A real action server and Rasa server, started once for the whole test session."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it for you)")
    data_dir = tmp_path_factory.mktemp("lantern-data")
    s = make_settings(data_dir)
    stack = start_stack(s, model=MODEL, env_overrides={"LANTERN_ORG_NAME": "Test Harm Reduction Org"})
    yield stack
    stack.stop()


# --- SMS and web widget (tests/integration/test_sms.py, test_widget.py) ------------------------

PUBLIC_URL = "https://lantern.example.test"  # what Twilio signs; differs from the local address, like behind a proxy
SUPPORT_CONTACT = "1-800-555-0199"


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[Any]:
    """A local fake of Twilio's Messages API (and a neutral page for Quick exit)."""
    from tests.integration.fake_twilio import FakeTwilio

    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def lantern_channels(tmp_path_factory: pytest.TempPathFactory, fake_twilio: Any) -> Iterator[Stack]:
    """A real Lantern with SMS configured against the fake Twilio, and the widget's Quick exit going to it."""
    from tests.integration.fake_twilio import SMS_FROM

    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it for you)")
    overrides = {
        "LANTERN_ORG_NAME": "Test Harm Reduction Org",
        "LANTERN_PUBLIC_URL": PUBLIC_URL,
        "LANTERN_TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
        "LANTERN_TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
        "LANTERN_TWILIO_API_URL": fake_twilio.url,
        "LANTERN_SMS_FROM": SMS_FROM,
        "LANTERN_SUPPORT_CONTACT": SUPPORT_CONTACT,
        "LANTERN_WIDGET_EXIT_URL": fake_twilio.url + "/weather",
    }
    s = make_settings(tmp_path_factory.mktemp("lantern-channels"), **overrides)
    stack = start_stack(s, model=MODEL, env_overrides=overrides)
    yield stack
    stack.stop()


# --- PostgreSQL (tests/unit/test_transcripts_postgres.py, test_staff_*.py) ----------------------


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """PostgreSQL for the tests that check production's database: LANTERN_TEST_POSTGRES_URL, or one throwaway
    cluster for the whole session (run as the postgres user when root), or skip when neither is possible.

    Modules share it: each cleans or namespaces its own tables (its own database, pseudonyms or period).
    """
    url = os.environ.get("LANTERN_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL not installed (or set LANTERN_TEST_POSTGRES_URL)")
    prefix: List[str] = []
    folder = Path(tempfile.mkdtemp(prefix="lantern-pg-"))
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user")
        os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()
    try:
        subprocess.run(
            prefix + [initdb, "-D", str(data), "-U", "lantern", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            prefix
            + [
                pg_ctl,
                "-D",
                str(data),
                "-l",
                str(folder / "log"),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off",
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (subprocess.SubprocessError, OSError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"could not start a throwaway PostgreSQL: {type(error).__name__}")
    try:
        yield f"postgresql://lantern@/postgres?host={folder}&port={port}"
    finally:
        subprocess.run(prefix + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
