"""Helpers for the trainer loop through a real Lantern: edit a copy of the wording, wait for a reply to use it.

Used by tests/integration/test_trainer_loop.py and bench/trainer.py. The stack is started with
LANTERN_PHRASES_DIR pointing at a copy of actions/phrases, so the repository's files are never edited.
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path
from typing import List, Optional, Tuple

from actions import phrases
from lantern import settings as settings_mod
from tools.client import send

PROBE_FILE = "conversation.yml"
PROBE_TEXT = "Hi again. I'm still here. What's on your mind?"  # one variation of greet.again
PROBE_OTHER = "Hey, still here. What would you like to talk about?"  # the other one


def copy_phrases(into: Path) -> Path:
    folder = into / "phrases"
    shutil.copytree(phrases.PHRASE_DIR, folder)
    return folder


def save(folder: Path, old: str, new: str, file: str = PROBE_FILE) -> float:
    """Replace `old` by `new` in one phrase file as an editor does (write in place); the monotonic time of the save."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return time.monotonic()


def greeted_sender(s: settings_mod.Settings) -> str:
    """A new conversation that has had its greeting: each further "hi" is answered from greet.again."""
    sender = f"trainer-{uuid.uuid4().hex[:8]}"
    status, _ = send(s, sender, "hi")
    assert status == 200
    return sender


def reply_texts(s: settings_mod.Settings, sender: str, text: str = "hi") -> List[str]:
    status, replies = send(s, sender, text)
    assert status == 200, replies
    return [r.get("text", "") for r in replies]


def seconds_until_said(
    s: settings_mod.Settings, sender: str, wanted: str, since: float, timeout: float = 30.0, pause: float = 0.2
) -> Tuple[Optional[float], int]:
    """(seconds from `since` to the first reply that carries `wanted`, or None; messages sent)."""
    sent = 0
    while time.monotonic() - since < timeout:
        texts = reply_texts(s, sender)
        sent += 1
        if any(wanted in t for t in texts):
            return time.monotonic() - since, sent
        time.sleep(pause)
    return None, sent


def stack_overrides(folder: Path) -> dict:
    return {"LANTERN_PHRASES_DIR": str(folder), "LANTERN_ORG_NAME": "Test Harm Reduction Org"}
