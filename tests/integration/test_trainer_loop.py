"""The trainer loop through a real Lantern (issue 20): edited wording is used without a restart, broken
wording is not, and a new model is loaded through Rasa's HTTP API (what `make run` does with LANTERN_DEV=on)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Iterator, Tuple

import pytest

from tests.conftest import MODEL, make_settings
from tests.integration.trainer_loop import (
    PROBE_OTHER,
    PROBE_TEXT,
    copy_phrases,
    greeted_sender,
    reply_texts,
    save,
    seconds_until_said,
    stack_overrides,
)
from tools.model_watch import ModelWatcher, load_model
from tools.processes import Stack, start_stack, tail


@pytest.fixture(scope="module")
def trainer_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Stack, Path]]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it for you)")
    root = tmp_path_factory.mktemp("trainer")
    folder = copy_phrases(root)
    s = make_settings(root / "data")
    stack = start_stack(s, model=MODEL, env_overrides=stack_overrides(folder))
    yield stack, folder
    stack.stop()


def test_an_edited_wording_is_used_within_5_seconds_without_a_restart(trainer_stack: Tuple[Stack, Path]) -> None:
    stack, folder = trainer_stack
    s = stack.settings
    sender = greeted_sender(s)
    assert any(t in (PROBE_TEXT, PROBE_OTHER) for t in reply_texts(s, sender))
    pid = stack.child("actions").process.pid
    new = "Hello again, good to hear from you. What is on your mind now?"
    other = "Hey there, still with you. What would you like to talk about now?"
    saved = save(folder, PROBE_TEXT, new)
    save(folder, PROBE_OTHER, other)
    took, _ = seconds_until_said(s, sender, "again, good to hear", saved, timeout=15)
    assert took is not None and took <= 5.0, took
    assert stack.child("actions").process.pid == pid  # no restart


def test_a_broken_wording_keeps_the_old_one_and_is_logged(trainer_stack: Tuple[Stack, Path]) -> None:
    stack, folder = trainer_stack
    s = stack.settings
    sender = greeted_sender(s)
    before = set(reply_texts(s, sender))
    current = "Hey there, still with you. What would you like to talk about now?"
    text = (folder / "conversation.yml").read_text(encoding="utf-8")
    if current not in text:  # run alone: the other test did not edit it
        current = PROBE_OTHER
    save(folder, current, "Hey. You should tell me what is on your mind.")
    log = stack.child("actions").log_path
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and "directive" not in tail(log, 20):
        time.sleep(0.2)
    line = next(line for line in tail(log, 20).splitlines() if "wording not reloaded" in line)
    assert "conversation.yml" in line and "directive" in line
    for _ in range(4):
        texts = reply_texts(s, sender)
        assert not any("You should" in t for t in texts)
    assert before


def test_a_new_model_is_loaded_through_the_http_api(trainer_stack: Tuple[Stack, Path], tmp_path: Path) -> None:
    stack, _ = trainer_stack
    s = stack.settings
    model = tmp_path / "lantern.tar.gz"
    shutil.copy(MODEL, model)
    lines: list = []
    watcher = ModelWatcher(s, model, interval=0.1, say=lines.append)
    model.touch()  # "make train" wrote it again
    watcher.check()
    assert watcher.check() is True, lines
    assert len(lines) == 1 and "loaded into the running Rasa server" in lines[0]
    assert reply_texts(s, greeted_sender(s))  # the server answers with the new model
    status, _ = load_model(s, tmp_path / "missing.tar.gz")
    assert status >= 400
    assert reply_texts(s, greeted_sender(s))  # and still with the model it had
