"""Shared fixtures: tracker dictionaries for action tests, a real running Lantern for integration tests."""
from __future__ import annotations

import socket
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from bot import settings as settings_mod
from bot.processes import PROJECT_ROOT, Stack, start_stack

MODEL = PROJECT_ROOT / "models" / "lantern.tar.gz"
TEST_TOKEN = "test-token-" + uuid.uuid4().hex


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tracker_dict(events: Optional[List[Dict[str, Any]]] = None, slots: Optional[Dict[str, Any]] = None,
                 text: str = "hi", intent: str = "greet", sender_id: str = "test-sender") -> Dict[str, Any]:
    """A tracker in the shape the action server receives, for `Tracker.from_dict`."""
    return {
        "sender_id": sender_id,
        "slots": slots or {},
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.99},
                           "entities": [], "intent_ranking": []},
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
        "LANTERN_PSEUDONYM_KEY": "test-pseudonym-key",
        "LANTERN_ORG_NAME": "Test Harm Reduction Org",
    }
    values.update(overrides)
    return settings_mod.load(values)


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
