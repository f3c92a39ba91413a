"""The linear models' last fits kept between trainings (lantern/nlu/fit_memory.py): issue 20's fast NLU loop."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List, Tuple

import pytest
from sklearn.linear_model import LogisticRegression

from lantern.nlu import fit_memory
from lantern.nlu.intent_model import IntentModel

GREET = ["hi", "hello", "hey there", "good morning", "hiya", "hello friend", "hey", "morning all"]
BYE = ["bye", "goodbye", "see you", "later", "see ya", "take care", "good night", "bye for now"]
ASK = ["what is naloxone", "where can i get tested", "how does methadone work", "what is fentanyl"]
ASK += ["is there a clinic near me", "what are the signs of overdose", "how do i get narcan", "what is suboxone"]


def data(extra: int = 0) -> Tuple[List[str], List[str]]:
    texts, labels = [], []
    for label, group in (("greet", GREET), ("goodbye", BYE), ("ask", ASK)):
        for text in group * 6:  # 144 examples
            texts.append(text)
            labels.append(label)
    for i in range(extra):
        texts.append(f"hello number {i}")
        labels.append("greet")
    return texts, labels


@pytest.fixture()
def fits(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> List[int]:
    """Points the memory at a temporary folder; counts the solver runs (their iterations)."""
    monkeypatch.setenv("LANTERN_FIT_MEMORY", str(tmp_path / "fits"))
    runs: List[int] = []
    original = LogisticRegression.fit

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        out = original(self, *args, **kwargs)
        runs.append(int(self.n_iter_[0]))
        return out

    monkeypatch.setattr(LogisticRegression, "fit", counted)
    return runs


def predictions(model: IntentModel, texts: List[str]) -> List[str]:
    return [max(model.predict(t).items(), key=lambda kv: kv[1])[0] for t in texts]


def test_the_same_examples_reuse_the_last_fit_without_solving(fits: List[int]) -> None:
    texts, labels = data()
    first = IntentModel.fit(texts, labels, c=20, memory="intent")
    assert len(fits) == 4  # three calibration folds and the model
    again = IntentModel.fit(texts, labels, c=20, memory="intent")
    assert len(fits) == 4 and again.to_dict() == first.to_dict()


def test_one_new_example_starts_from_the_last_fit_and_predicts_the_same(fits: List[int]) -> None:
    texts, labels = data()
    first = IntentModel.fit(texts, labels, c=20, memory="intent")
    cold_runs = list(fits)
    texts2, labels2 = data(extra=1)
    warm = IntentModel.fit(texts2, labels2, c=20, memory="intent")
    assert len(fits) == len(cold_runs) + 1  # one solver run, no calibration folds
    assert fits[-1] < cold_runs[-1]  # from near the solution: fewer iterations
    assert warm.temperature == first.temperature and "hello number 0" not in first.vocab["words"]
    cold = IntentModel.fit(texts2, labels2, c=20)  # no memory: from zero, as a fresh clone trains
    probe = ["hello there", "see you later", "what is naloxone", "hello number 0", "narcan near me", "night"]
    assert predictions(warm, probe) == predictions(cold, probe)
    for text in probe:
        a, b = warm.predict(text), cold.predict(text)
        assert all(abs(a[k] - b[k]) < 0.02 for k in a), text


def test_many_changes_or_other_settings_fit_from_zero(fits: List[int]) -> None:
    texts, labels = data()
    IntentModel.fit(texts, labels, c=20, memory="intent")
    texts2, labels2 = data(extra=10)  # 10 of 154 changed: more than RECALIBRATE_SHARE
    IntentModel.fit(texts2, labels2, c=20, memory="intent")
    assert len(fits) == 8
    IntentModel.fit(texts2, labels2, c=5, memory="intent")  # another C: another problem
    assert len(fits) == 12


def test_small_changes_add_up_to_a_recalibration(fits: List[int]) -> None:
    texts, labels = data()
    IntentModel.fit(texts, labels, c=20, memory="intent")
    for extra in (1, 2, 3):  # 1, then 1 more, then 1 more: 3 changes of 147 (2% = 2.9): the third recalibrates
        IntentModel.fit(*data(extra=extra), c=20, memory="intent")
    assert len(fits) == 4 + 1 + 1 + 4


def test_a_damaged_memory_file_means_a_fit_from_zero(fits: List[int], tmp_path: Path) -> None:
    texts, labels = data()
    IntentModel.fit(texts, labels, c=20, memory="intent")
    path = tmp_path / "fits" / "intent.json"
    path.write_text("{not json", encoding="utf-8")
    IntentModel.fit(texts, labels, c=20, memory="intent")
    assert len(fits) == 8
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == fit_memory.FORMAT  # rewritten whole


def test_off_keeps_nothing(monkeypatch: pytest.MonkeyPatch, fits: List[int], tmp_path: Path) -> None:
    monkeypatch.setenv("LANTERN_FIT_MEMORY", "off")
    texts, labels = data()
    IntentModel.fit(texts, labels, c=20, memory="intent")
    IntentModel.fit(texts, labels, c=20, memory="intent")
    assert len(fits) == 8 and not (tmp_path / "fits").exists()


def test_the_knowledge_index_reuses_its_last_fit_for_the_same_entries(fits: List[int]) -> None:
    from lantern.knowledge import entries, retrieval, topics
    from lantern.settings import PROJECT_ROOT

    found = entries.load(PROJECT_ROOT / "data" / "knowledge")[:12]
    words = topics.load(PROJECT_ROOT / "data" / "knowledge" / "topics.yml")

    def embed(texts: List[str]) -> Any:  # a fixed vector per text: the fit is what is tested here
        import numpy as np

        return np.array([[len(t) % 7, len(t) % 5, t.count(" ") % 3, 1.0] for t in texts], dtype=float)

    first = retrieval.Index.build(found, words, embed, memory="knowledge")
    assert len(fits) == 1
    again = retrieval.Index.build(found, words, embed, memory="knowledge")
    assert len(fits) == 1 and np_equal(first.weights, again.weights) and np_equal(first.bias, again.bias)
    retrieval.Index.build(found[:11], words, embed, memory="knowledge")  # another set of entries: fitted
    assert len(fits) == 2


def np_equal(a: Any, b: Any) -> bool:
    import numpy as np

    return bool(np.array_equal(a, b))


def test_another_feature_code_key_fits_from_zero(fits: List[int]) -> None:
    """The components pass their fingerprint (the source of every module their features read) as memory_key: a
    change to the feature code must never get the last fit back, even with the same examples."""
    texts, labels = data()
    IntentModel.fit(texts, labels, c=20, memory="intent", memory_key="features v1")
    IntentModel.fit(texts, labels, c=20, memory="intent", memory_key="features v2")
    assert len(fits) == 8


@pytest.mark.parametrize(
    "component, feature_module",
    [
        ("rasa_plugins.nlu.crisis_signal.CrisisSignalClassifier", "lantern.crisis.normalize"),
        ("rasa_plugins.nlu.crisis_signal.CrisisSignalClassifier", "rasa_plugins.nlu.crisis_signal"),
        ("rasa_plugins.nlu.talk_type.TalkTypeClassifier", "lantern.nlu.talk_features"),
        ("rasa_plugins.nlu.intent_classifier.LinearIntentClassifier", "lantern.text"),
    ],
)
def test_the_components_key_follows_their_feature_code(
    component: str, feature_module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key each component gives its fits (its fingerprint) changes when a module its features read changes."""
    import importlib
    import inspect

    module_name, _, class_name = component.rpartition(".")
    cls = getattr(importlib.import_module(module_name), class_name)
    config = cls.get_default_config()
    before = cls.fingerprint_addon(config)
    real = inspect.getsource
    changed = importlib.import_module(feature_module)
    monkeypatch.setattr(inspect, "getsource", lambda m: real(m) + ("# edited" if m is changed else ""))
    assert cls.fingerprint_addon(config) != before


def test_features_are_extracted_once_per_text_and_again_after_damage(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LANTERN_FIT_MEMORY", str(tmp_path / "fits"))
    seen: List[str] = []

    def extract(text: str) -> Tuple[dict, ...]:
        seen.append(text)
        return IntentModel.extract(text)

    texts = ["hey there", "see you later", "thanks a lot"]
    first = fit_memory.features("slot", "settings-a", texts, extract)
    assert seen == texts and first == [IntentModel.extract(t) for t in texts]
    seen.clear()
    again = fit_memory.features("slot", "settings-a", [*texts, "one more"], extract)
    assert seen == ["one more"] and again[:3] == first  # the stored ones, equal to a new extraction
    seen.clear()
    fit_memory.features("slot", "settings-b", texts, extract)  # other feature code: nothing is reused
    assert seen == texts
    seen.clear()
    (tmp_path / "fits" / "slot.features.json").write_text("{not json", encoding="utf-8")
    assert fit_memory.features("slot", "settings-b", texts, extract) == first and seen == texts


def test_a_fit_of_the_same_examples_under_way_elsewhere_is_waited_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """tools/prefit.py and `rasa train` fit the same slot: the later one waits for the earlier one's fit."""
    import os
    import subprocess
    import sys
    import threading
    import time

    monkeypatch.setenv("LANTERN_FIT_MEMORY", str(tmp_path / "fits"))
    keys = fit_memory.example_keys(["hi", "bye"], ["greet", "goodbye"])
    assert fit_memory.recall("slot", "s", keys, "inputs") is None  # nothing stored: this process claims it
    claim = tmp_path / "fits" / "slot.fitting.json"
    assert json.loads(claim.read_text())["pid"] == os.getpid()
    assert fit_memory.recall("slot", "s", keys, "inputs") is None  # its own claim never blocks it

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        claim.write_text(json.dumps({"settings": "s", "inputs": "inputs", "pid": other.pid}))

        def other_finishes() -> None:
            time.sleep(1.0)
            fit_memory.remember("slot", "s", keys, "inputs", {"the": "model"}, 0)
            other.kill()

        threading.Thread(target=other_finishes).start()
        started = time.monotonic()
        found = fit_memory.recall("slot", "s", keys, "inputs")
        assert found is not None and found.exact and found.model == {"the": "model"}
        assert time.monotonic() - started >= 0.9  # it waited rather than fitting at once
    finally:
        other.kill()
        other.wait()
    # A claim for other examples, or by a process that is gone, is not waited for.
    claim.write_text(json.dumps({"settings": "s", "inputs": "other", "pid": other.pid}))
    started = time.monotonic()
    assert fit_memory.recall("slot", "s", keys, "changed") is not None  # a warm start, claimed at once
    assert time.monotonic() - started < 0.5
