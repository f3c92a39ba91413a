"""Development mode's model watcher (tools/model_watch.py): a changed, settled model file is loaded once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, List

import pytest

from tests.conftest import make_settings
from tools import model_watch


def touch(path: Path, content: bytes, later: int) -> None:
    path.write_bytes(content)
    os.utime(path, ns=(later * 1_000_000_000, later * 1_000_000_000))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> List[Any]:
    made: List[Any] = []

    def fake_load(s: Any, model: Path, timeout: float = 0) -> tuple:
        made.append(model)
        return made_status[0], {"message": "no such file"}

    made_status = [204]
    monkeypatch.setattr(model_watch, "load_model", fake_load)
    made.append(made_status)  # calls[0] is the status the fake answers with
    return made


def test_a_changed_model_is_loaded_once_it_has_settled(tmp_path: Path, calls: List[Any]) -> None:
    model = tmp_path / "lantern.tar.gz"
    touch(model, b"old", 1)
    lines: List[str] = []
    watcher = model_watch.ModelWatcher(make_settings(tmp_path), model, say=lines.append)
    assert watcher.check() is None  # the model the server started with
    touch(model, b"new, still being written", 2)
    assert watcher.check() is None  # changed: wait one look for it to settle
    touch(model, b"new, written to the end", 3)
    assert watcher.check() is None  # still changing
    assert watcher.check() is True  # the same as last time: load it
    assert calls[1:] == [model]
    assert watcher.check() is None  # loaded once
    assert len(lines) == 1 and "loaded" in lines[0]


def test_a_failed_load_says_why_in_one_line_and_is_not_retried(tmp_path: Path, calls: List[Any]) -> None:
    model = tmp_path / "lantern.tar.gz"
    lines: List[str] = []
    watcher = model_watch.ModelWatcher(make_settings(tmp_path), model, say=lines.append)
    assert watcher.check() is None  # no model yet
    touch(model, b"model", 5)
    calls[0][0] = 400
    assert watcher.check() is None
    assert watcher.check() is False
    assert watcher.check() is None
    assert len(lines) == 1 and "HTTP 400" in lines[0] and "old model stays" in lines[0]


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    model = tmp_path / "lantern.tar.gz"
    lines: List[str] = []
    s = make_settings(tmp_path)  # free ports: nothing listens
    watcher = model_watch.ModelWatcher(s, model, say=lines.append)
    touch(model, b"model", 5)
    watcher.check()
    assert watcher.check() is False
    assert len(lines) == 1 and "did not answer" in lines[0]
