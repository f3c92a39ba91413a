"""tools/training.py: the incremental training behind `make train` and the development TrainWatcher (issue 20)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from lantern import settings as settings_mod
from tools import training


def make_root(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "domain").mkdir(parents=True)
    (root / "data" / "stories").mkdir(parents=True)
    (root / "config.yml").write_text("recipe: default.v1\n", encoding="utf-8")
    (root / "domain" / "core.yml").write_text('version: "3.1"\n', encoding="utf-8")
    (root / "data" / "stories" / "core.yml").write_text('version: "3.1"\n', encoding="utf-8")
    return root


class Recorder:
    def __init__(self, result: training.Result) -> None:
        self.result, self.calls = result, []  # type: Tuple[training.Result, List[Tuple[Any, ...]]]

    def __call__(self, *args: Any, **kwargs: Any) -> training.Result:
        self.calls.append(args)
        return self.result


def touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = time.time() + 2  # a new modification time even on a coarse clock
    os.utime(path, (later, later))


def watcher(tmp_path: Path, root: Path, result: training.Result) -> Tuple[training.TrainWatcher, Recorder, List[str]]:
    said: List[str] = []
    recorder = Recorder(result)
    s = settings_mod.load({"LANTERN_DATA_DIR": str(tmp_path / "data")})
    w = training.TrainWatcher(s, root=root, model=tmp_path / "m.tar.gz", say=said.append, trainer=recorder)
    return w, recorder, said


def test_a_saved_story_trains_once_after_it_has_settled(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    w, recorder, said = watcher(tmp_path, root, training.Result(True, 12.0, "ok"))
    assert w.check() is None and recorder.calls == []  # nothing changed
    touch(root / "data" / "stories" / "core.yml", 'version: "3.1"\nstories: []\n')
    assert w.check() is None and recorder.calls == []  # seen once: it may still be being written
    assert w.check() is not None and len(recorder.calls) == 1
    assert w.check() is None and len(recorder.calls) == 1  # and not again
    assert said[0] == "Training after your change to data/stories/core.yml..." and said[1].startswith("Trained in 12 s")


def test_a_new_file_and_a_deleted_file_count_as_changes(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    w, recorder, said = watcher(tmp_path, root, training.Result(True, 3.0, ""))
    touch(root / "data" / "stories" / "new.yml", 'version: "3.1"\n')
    (root / "domain" / "core.yml").unlink()
    w.check()
    w.check()
    assert len(recorder.calls) == 1
    assert "data/stories/new.yml" in said[0] and "domain/core.yml" in said[0]


def test_a_failed_training_says_why_and_keeps_the_model(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    output = "Processed story blocks: 10it/s\r50it/s\nYamlSyntaxException: Failed to read 'data/stories/core.yml'.\n"
    w, recorder, said = watcher(tmp_path, root, training.Result(False, 4.0, output))
    touch(root / "data" / "stories" / "core.yml", "stories: [\n")
    w.check()
    w.check()
    assert "the bot keeps its model" in said[1] and "YamlSyntaxException" in said[1] and "it/s" not in said[1]
    assert (tmp_path / "data" / "logs" / "train.log").read_bytes().decode("utf-8") == output


def test_other_files_are_not_watched(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    w, recorder, _ = watcher(tmp_path, root, training.Result(True, 1.0, ""))
    touch(root / "data" / "notes.txt", "a note")
    (root / "actions").mkdir()
    touch(root / "actions" / "x.yml", "a: 1")
    w.check()
    w.check()
    assert recorder.calls == []


def test_the_training_uses_these_settings_caches_and_keeps_a_given_rasa_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = settings_mod.load({"LANTERN_DATA_DIR": str(tmp_path)})
    monkeypatch.delenv("RASA_CACHE_DIRECTORY", raising=False)
    env = training.environment(s)
    assert env["RASA_CACHE_DIRECTORY"] == str(tmp_path / "cache" / "rasa")
    assert env["LANTERN_FIT_MEMORY"] == str(tmp_path / "cache" / "fits")
    assert env["LANTERN_ENCODER_CACHE"] == str(tmp_path / "cache" / "encoder-vectors.sqlite3")
    off = settings_mod.load({"LANTERN_DATA_DIR": str(tmp_path), "LANTERN_FIT_MEMORY": "off"})
    assert training.environment(off)["LANTERN_FIT_MEMORY"] == "off"
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", "/elsewhere")
    assert training.environment(s)["RASA_CACHE_DIRECTORY"] == "/elsewhere"
    assert "--force" in training.command(tmp_path, tmp_path, "m", force=True)


def test_force_deletes_the_last_fits_first_and_a_failed_training_keeps_the_model(tmp_path: Path) -> None:
    s = settings_mod.load({"LANTERN_DATA_DIR": str(tmp_path / "data")})
    assert s.fit_memory_dir is not None
    s.fit_memory_dir.mkdir(parents=True)
    (s.fit_memory_dir / "intent.json").write_text("{}", encoding="utf-8")
    model = tmp_path / "lantern.tar.gz"
    model.write_bytes(b"the old model")
    root = make_root(tmp_path)  # not a trainable project: rasa train fails quickly
    result = training.train(s, root=root, model=model, force=True, timeout=300)
    assert not result.ok and model.read_bytes() == b"the old model"
    assert not (s.fit_memory_dir / "intent.json").exists()
    assert not list(tmp_path.glob(".training-*"))


def test_stopping_the_watcher_stops_a_training_under_way(tmp_path: Path) -> None:
    import subprocess
    import sys
    import threading

    root = make_root(tmp_path)
    started = threading.Event()
    procs: List[Any] = []

    def slow_trainer(s: Any, root: Path, model: Path, on_start: Any) -> training.Result:
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        procs.append(proc)
        on_start(proc)
        started.set()
        proc.wait()
        return training.Result(False, 0.0, "")

    s = settings_mod.load({"LANTERN_DATA_DIR": str(tmp_path / "data")})
    w = training.TrainWatcher(s, root=root, model=tmp_path / "m.tar.gz", interval=0.05, say=lambda _: None)
    w.trainer = slow_trainer
    w.start()
    touch(root / "data" / "stories" / "core.yml", "stories: []\n")
    assert started.wait(10)
    w.stop()
    assert procs[0].wait(10) == -9


def test_unchanged_training_files_are_restored_from_the_cache_and_replace_the_model(tmp_path: Path) -> None:
    """The real `rasa train` over the real project after `make train`: every part comes from Rasa's cache (nothing
    is fitted again), and the new model replaces the file in one step."""
    if not training.MODEL.is_file():
        pytest.fail("models/lantern.tar.gz is missing: run `make train` (make test does)")
    model = tmp_path / "lantern.tar.gz"
    model.write_bytes(b"the old model")
    result = training.train(settings_mod.load(), model=model, timeout=600)
    assert result.ok, training.failure_lines(result.output)
    assert "Starting to train component" not in result.output
    assert "Restored component 'LinearIntentClassifier' from cache" in result.output
    assert model.stat().st_size > 1_000_000 and not list(tmp_path.glob(".training-*"))


TINY_CONFIG = """recipe: default.v1
language: en
assistant_id: tiny
pipeline:
  - name: WhitespaceTokenizer
  - name: rasa_plugins.nlu.intent_classifier.LinearIntentClassifier
    use_encoder: false
    c: 5
policies:
  - name: RulePolicy
"""
TINY_NLU = {
    "greet": ["hi", "hello", "hey there", "good morning", "hiya"],
    "goodbye": ["bye", "see you", "goodbye", "later", "take care"],
    "thanks": ["thanks", "thank you", "cheers", "much appreciated", "ta"],
}


def test_fitting_ahead_gives_rasa_train_the_same_examples_so_it_reuses_the_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tools/prefit.py reads the data as `rasa train` will hand it to the component: after it, the real
    training finds its exact fit in the memory instead of solving again."""
    from tools import prefit

    root = tmp_path / "project"
    for folder in ("domain", "data/nlu", "data/rules"):
        (root / folder).mkdir(parents=True)
    (root / "config.yml").write_text(TINY_CONFIG, encoding="utf-8")
    (root / "domain" / "core.yml").write_text(
        'version: "3.1"\nintents: [greet, goodbye, thanks]\nresponses:\n  utter_hi:\n    - text: "Hi."\n',
        encoding="utf-8",
    )
    nlu = "".join(
        f"  - intent: {i}\n    examples: |\n" + "".join(f"      - {t}\n" for t in ts) for i, ts in TINY_NLU.items()
    )
    (root / "data" / "nlu" / "core.yml").write_text(f'version: "3.1"\nnlu:\n{nlu}', encoding="utf-8")
    (root / "data" / "rules" / "core.yml").write_text(
        'version: "3.1"\nrules:\n  - rule: hi\n    steps:\n      - intent: greet\n      - action: utter_hi\n',
        encoding="utf-8",
    )
    fits = tmp_path / "fits"
    monkeypatch.setenv("LANTERN_FIT_MEMORY", str(fits))
    done = prefit.prefit(root / "config.yml", root / "domain", [root / "data"])
    assert done == ["rasa_plugins.nlu.intent_classifier.LinearIntentClassifier"] and (fits / "intent.json").is_file()
    s = settings_mod.load({"LANTERN_DATA_DIR": str(tmp_path / "var"), "LANTERN_FIT_MEMORY": str(fits)})
    result = training.train(s, root=root, model=tmp_path / "tiny.tar.gz", timeout=600)
    assert result.ok, training.failure_lines(result.output)
    rasa_lines = [line for line in result.output.splitlines() if not line.startswith("prefit:")]
    assert any("Fit memory intent: the same examples as its last fit" in line for line in rasa_lines)


@pytest.mark.parametrize(
    "config, augmented",
    [
        ("policies:\n  - name: RulePolicy\n  - name: rasa_plugins.policies.memoization.SafeMemoizationPolicy\n", False),
        ("policies:\n  - name: RulePolicy\n  - name: TEDPolicy\n    epochs: 10\n", True),
        ("policies: [\n", True),  # unreadable: Rasa's default, it will say what is wrong
    ],
)
def test_augmented_stories_are_made_only_for_a_policy_that_reads_them(
    tmp_path: Path, config: str, augmented: bool
) -> None:
    (tmp_path / "config.yml").write_text(config, encoding="utf-8")
    assert ("--augmentation" not in training.command(tmp_path, tmp_path, "m")) is augmented


def test_the_projects_own_policies_train_without_augmented_stories() -> None:
    assert training.needs_augmentation(training.ROOT / "config.yml") is False
