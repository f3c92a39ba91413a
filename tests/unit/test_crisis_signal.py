"""The meaning model of the crisis layer: examples schema, literal answers, odd input, merging with the detector."""

from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from lantern.crisis.detector import NONE, CrisisResult, detect, raise_with_signal
from rasa_plugins.nlu import crisis_signal
from rasa_plugins.nlu.crisis_signal import MODELS, CrisisSignalClassifier, empty_reading, literal_answer, load_examples


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_project_examples_pass_the_schema(name):
    path, key, labels = MODELS[name]
    texts, found = load_examples(path, key, labels)
    assert len(texts) == len(found) >= 5 * len(labels)
    assert set(found) == set(labels)


@pytest.mark.parametrize(
    "body,message",
    [
        ("examples: nope", "expected a top-level 'examples:' list"),
        ("examples:\n  - {text: '', label: none}", "needs a text"),
        ("examples:\n  - {text: hi, label: maybe}", "needs a text"),
        ("examples:\n  - {text: 'x' , label: none}\n  - {text: 'X', label: suicide}", "repeats a text"),
        ("examples:\n" + "".join(f"  - {{text: t{i}, label: none}}\n" for i in range(6)), "too few"),
    ],
)
def test_a_broken_examples_file_is_refused_with_the_reason(tmp_path, body, message):
    path = tmp_path / "signals.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_examples(str(path), "examples", crisis_signal.SIGNAL_LABELS)


def test_unquoted_yes_and_no_labels_are_read_as_words(tmp_path):
    path = tmp_path / "answers.yml"
    rows = [("yeah", "yes"), ("nah", "no"), ("idk", "unclear")] * 1
    body = "check_in_answers:\n" + "".join(
        f"  - {{text: '{t}{i}', label: {label}}}\n" for i in range(5) for t, label in rows
    )
    path.write_text(body, encoding="utf-8")
    assert yaml.safe_load(body)["check_in_answers"][0]["label"] is True  # what YAML 1.1 does to a bare yes
    _, labels = load_examples(str(path), "check_in_answers", crisis_signal.ANSWER_LABELS)
    assert set(labels) == {"yes", "no", "unclear"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes", "yes"),
        ("Yeah!", "yes"),
        ("im ok", "yes"),
        ("we're safe", "yes"),
        ("no", "no"),
        ("nope", "no"),
        ("not really", "no"),
        ("no im not", "no"),
        ("yes but he is still blue", None),
        ("idk", None),
        ("", None),
    ],
)
def test_literal_answers(text, expected):
    assert literal_answer(text) == expected


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    storage = LocalModelStorage.create(Path(tmp_path_factory.mktemp("crisis-signal")))
    resource = Resource("crisis_signal")
    context = ExecutionContext(GraphSchema({}), "test")
    component = CrisisSignalClassifier.create(CrisisSignalClassifier.get_default_config(), storage, resource, context)
    component.train(None)
    loaded = CrisisSignalClassifier.load(CrisisSignalClassifier.get_default_config(), storage, resource, context)
    return component, loaded


def test_a_trained_model_reads_meaning_and_survives_saving(trained):
    component, loaded = trained
    for reader in (component, loaded):
        reading = reader.read("gave my dog to my neighbor since i wont be needing to take care of him anymore")
        assert reading["risk"] >= 0.4 and reading["category"] == "suicide"
        assert reader.read("where can i get suboxone near me")["risk"] < 0.4
    assert component.read("ok i called them")["update"] == "called"
    assert component.read("how long does narcan take to kick in")["question"] == "naloxone_more"
    assert component.read("nah im good")["answer"] == "no"


@pytest.mark.parametrize(
    "odd", [None, b"bytes", "", "\x00\x00", "\ud800", "🙂" * 500, "x" * 1_000_000, "'; DROP TABLE events; --", 12]
)
def test_odd_input_reads_as_no_risk_never_raises(trained, odd):
    reading = trained[0].read(odd)
    assert set(empty_reading()) <= set(reading)
    assert 0.0 <= reading["risk"] <= 1.0


def test_without_a_model_every_message_reads_no_risk(tmp_path):
    storage = LocalModelStorage.create(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    missing = CrisisSignalClassifier.load({}, storage, Resource("never_trained"), context)
    assert missing.read("i have the pills saved up for tonight")["risk"] == 0.0


def _signal(risk: float, category: str = "suicide") -> dict:
    return {"risk": risk, "category": category}


def test_the_model_raises_a_level_and_never_lowers_the_detector():
    quiet = NONE
    assert raise_with_signal(quiet, quiet, _signal(0.5)).level == "check_in"
    assert raise_with_signal(quiet, quiet, _signal(0.95, "overdose")).category == "overdose"
    assert raise_with_signal(quiet, quiet, _signal(0.95)).level == "check_in"  # the model alone asks
    asked = CrisisResult("suicide", "check_in", 0.5, ("sui.check",))
    assert raise_with_signal(asked, asked, _signal(0.95)).level == "crisis"  # ... and acts with another sign
    assert raise_with_signal(asked, asked, _signal(0.5)).level == "check_in"
    assert raise_with_signal(quiet, quiet, _signal(0.1)) == quiet
    loud = detect("he is not breathing and his lips are blue")
    assert loud.level == "crisis"
    assert raise_with_signal(loud, loud, _signal(0.0)).level == "crisis"


def test_a_figurative_use_keeps_a_model_crisis_to_a_check_in():
    defused = detect("this job is killing me")
    assert defused.defused
    assert raise_with_signal(defused, defused, _signal(0.99)).level == "check_in"
    asked_defused = CrisisResult("suicide", "check_in", 0.5, ("sui.check", "fig.killing_me"))
    assert raise_with_signal(asked_defused, asked_defused, _signal(0.99)).level == "check_in"


def test_an_intent_only_check_in_is_dropped_when_the_meaning_model_sees_no_risk():
    from_intent = CrisisResult(None, "check_in", 0.97, ("intent.crisis_check",))
    assert raise_with_signal(from_intent, NONE, _signal(0.01)).level == "none"
    assert raise_with_signal(from_intent, NONE, _signal(0.2)).level == "check_in"
    from_patterns = CrisisResult("overdose", "check_in", 0.5, ("od.sounds",))
    assert raise_with_signal(from_patterns, from_patterns, _signal(0.0)).level == "check_in"


@pytest.mark.parametrize("bad", [None, "x", {"risk": "nan"}, {"risk": float("inf")}, {"risk": None}])
def test_a_broken_signal_changes_nothing(bad):
    assert raise_with_signal(NONE, NONE, bad) == NONE


def test_the_reading_says_which_part_set_its_level():
    """CrisisPolicy weighs a check-in the meaning model asked for alone lower soon after another check-in."""
    from rasa_plugins.nlu.crisis import crisis_decision

    assert crisis_decision("my friend is not breathing", None)["by"] == "patterns"
    assert crisis_decision("got my new couch today", None, _signal(0.6, "suicide"))["by"] == "signal"
    assert crisis_decision("got my new couch today", {"name": "crisis_check", "confidence": 0.99})["by"] == "intent"
    assert crisis_decision("got my new couch today", None, _signal(0.1))["by"] is None
