"""Live reload of the wording (actions/phrases.py WordingWatcher): edits are used, broken edits are not."""

from __future__ import annotations

import logging
import os
import random
import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest

from actions import phrases
from lantern import settings as settings_mod
from tools import lint

OLD = "Hi again. I'm still here. What's on your mind?"
NEW = "Hello again, good to hear from you. What is on your mind?"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the phrase files, in use as the current wording (the module's state is put back after)."""
    copy = tmp_path / "phrases"
    shutil.copytree(phrases.PHRASE_DIR, copy)
    monkeypatch.setattr(phrases, "_current", phrases.load_wording(copy))
    yield copy


def edit(folder: Path, old: str, new: str, file: str = "conversation.yml") -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    st = path.stat()  # a later mtime even on a coarse clock
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def greet_again_texts() -> set:
    return {line.text for line in phrases.variants("greet.again")}


def test_an_edited_file_is_used_from_the_next_message(folder: Path) -> None:
    watcher = phrases.WordingWatcher(folder)
    assert watcher.check() is None  # nothing changed yet
    edit(folder, OLD, NEW)
    assert watcher.check() is True
    assert NEW in greet_again_texts() and OLD not in greet_again_texts()
    said = {phrases.say("greet.again", random.Random(seed)).text for seed in range(20)}
    assert NEW in said
    assert watcher.check() is None  # loaded once


def test_a_new_file_is_used(folder: Path) -> None:
    watcher = phrases.WordingWatcher(folder)
    (folder / "extra.yml").write_text(
        'lines:\n  trainer.hello:\n    - text: "Thanks for being here."\n      metadata: {mi: affirm}\n',
        encoding="utf-8",
    )
    assert watcher.check() is True
    assert phrases.has("trainer.hello")


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        (OLD + '"', 'Hi again." "a second quoted text', "not valid YAML"),
        ("      metadata: {mi: open_question}\n  returning.ask", "\n  returning.ask", "needs metadata.mi"),
        (OLD, "Hi again. Some addicts find this helps.", "stigmatising word"),
        (OLD, "Hi again. You should call the helpline.", "directive"),
        (OLD, "Hi again. " + "Still here for you. " * 20, "too long"),
        (OLD, "Hi again, {name}. What's on your mind?", "unknown placeholder {name}"),
        ("metadata: {mi: open_question}", "metadata: {mi: pep_talk}", "unknown MI code"),
        ("  greet.again:", "  greet.later:", "line 'greet.again' is gone"),
    ],
)
def test_a_broken_edit_keeps_the_old_wording_and_logs_one_line(
    folder: Path, caplog: pytest.LogCaptureFixture, old: str, new: str, why: str
) -> None:
    watcher = phrases.WordingWatcher(folder)
    before = phrases.current()
    edit(folder, old, new)
    with caplog.at_level(logging.INFO, logger="actions.phrases"):
        assert watcher.check() is False
        assert watcher.check() is None  # the same broken files are not read (or logged) again
    assert phrases.current() is before
    assert OLD in greet_again_texts()
    records = [r for r in caplog.records if r.name == "actions.phrases"]
    assert len(records) == 1, [r.getMessage() for r in records]
    message = records[0].getMessage()
    assert "conversation.yml" in message or "is gone" in message
    assert why in message
    assert "\n" not in message


def test_fixing_a_broken_edit_loads_it(folder: Path) -> None:
    watcher = phrases.WordingWatcher(folder)
    edit(folder, OLD, "Hi again. You should call.")
    assert watcher.check() is False
    edit(folder, "Hi again. You should call.", NEW)
    assert watcher.check() is True
    assert NEW in greet_again_texts()


def test_concurrent_readers_see_the_old_or_the_new_wording_never_a_mix(folder: Path) -> None:
    old = phrases.current()
    edit(folder, OLD, NEW)
    new = phrases.load_wording(folder)
    assert old.lines["greet.again"][0].text == OLD and new.lines["greet.again"][0].text == NEW
    mixes, reads, stop = [], [0], threading.Event()

    def swapper() -> None:
        while not stop.is_set():
            phrases._swap(new)
            phrases._swap(old)

    def reader() -> None:
        while not stop.is_set():
            with phrases.pinned():  # one action run
                first = phrases.catalogue()["greet.again"][0].text
                table = phrases.fragment_table()
                again = phrases.variants("greet.again")[0].text
                wording = phrases.current()
            if first != again or (table is old.fragments) != (first == OLD) or wording not in (old, new):
                mixes.append((first, again))
            reads[0] += 1

    threads = [threading.Thread(target=swapper)] + [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    stop.wait(1.0)
    stop.set()
    for t in threads:
        t.join()
    assert reads[0] > 100
    assert mixes == []


def test_the_action_server_pins_one_wording_per_action_run(folder: Path) -> None:
    """Through rasa_sdk's executor: a swap in the middle of an action does not reach it."""
    import asyncio

    from rasa_sdk.executor import ActionExecutor

    from actions.base import MIAction
    from tests.conftest import tracker_dict

    edit(folder, OLD, NEW)
    new = phrases.load_wording(folder)
    seen = []

    class TwoReads(MIAction):  # its own run, wrapped by MIAction like every action's
        action_name = "action_two_reads"

        async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
            seen.append(phrases.variants("greet.again")[0].text)
            phrases._swap(new)  # the watcher swaps while this action is running
            await asyncio.sleep(0)
            seen.append(phrases.variants("greet.again")[0].text)
            return []

    executor = ActionExecutor()
    executor.register_action(TwoReads())
    asyncio.run(executor.run({"next_action": "action_two_reads", "tracker": tracker_dict(), "domain": {}}))
    assert seen == [OLD, OLD]
    assert phrases.variants("greet.again")[0].text == NEW  # the next action run gets the new wording


def test_every_action_reads_one_wording_per_run() -> None:
    """Every action the server registers has its run wrapped (MIAction does it; two use the decorator)."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert len(executor.actions) > 20
    unwrapped = [name for name, run in executor.actions.items() if not getattr(run, "one_wording", False)]
    assert unwrapped == []


def test_the_folder_is_a_setting_and_lint_checks_it(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("LANTERN_PHRASES_DIR", str(folder))
    assert settings_mod.reload().phrases_dir == folder
    assert lint.check_phrases() == []
    edit(folder, OLD, "Hi again. You need to stop.")
    problems = lint.check_phrases()
    assert len(problems) == 1 and "conversation.yml" in problems[0] and "directive" in problems[0]
    assert lint.main([]) == 1
    assert "directive" in capsys.readouterr().out


def test_the_first_load_reads_the_setting(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(folder, OLD, NEW)
    monkeypatch.setenv("LANTERN_PHRASES_DIR", str(folder))
    settings_mod.reload()
    monkeypatch.setattr(phrases, "_current", None)
    assert NEW in greet_again_texts()


def test_development_mode_is_off_by_default() -> None:
    assert settings_mod.load({}).dev is False
    assert settings_mod.load({"LANTERN_DEV": "on"}).dev is True
    assert settings_mod.load({}).phrases_dir == settings_mod.DEFAULT_PHRASES_DIR
    with pytest.raises(ValueError, match="LANTERN_DEV"):
        settings_mod.load({"LANTERN_DEV": "maybe"})
