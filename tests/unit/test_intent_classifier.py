"""Intent component (rasa_plugins/nlu/intent_classifier.py) and its model, trained in Python on a small set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from lantern.nlu.intent_model import IntentModel, extract, normalise
from rasa_plugins.nlu.intent_classifier import MODEL_FILE, LinearIntentClassifier

EXAMPLES = {
    "greet": ["hi", "hello", "hey there", "yo", "good morning", "hiya", "sup", "hey hey"],
    "goodbye": ["bye", "see ya", "gotta go", "later", "goodnight", "talk later", "cya", "bye for now"],
    "report_step": [
        "got narcan today",
        "i tested my stuff",
        "didnt use yesterday",
        "called the clinic",
        "3 days clean",
        "started subs",
        "used with a friend not alone",
        "went to a meeting",
    ],
}
RESOURCE = Resource("intent_classifier")


def training_data() -> TrainingData:
    return TrainingData(
        [Message(data={"text": t, "intent": intent}) for intent, texts in EXAMPLES.items() for t in texts]
    )


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("intent_storage"))


@pytest.fixture(scope="module")
def component(storage: LocalModelStorage) -> LinearIntentClassifier:
    context = ExecutionContext(GraphSchema({}), "intent-test")
    trained = LinearIntentClassifier.create(LinearIntentClassifier.get_default_config(), storage, RESOURCE, context)
    trained.train(training_data())
    return trained


def test_features_fold_case_accents_and_quotes() -> None:
    assert normalise("  I\u2019M  Caf\u00e9  ") == "i'm cafe"
    words, chars = extract("Got NARCAN today")
    assert {"got", "narcan", "got narcan", "narcan today"} <= set(words)
    assert " n" in chars and "narc" in chars


def test_unseen_wordings_get_the_right_intent(component: LinearIntentClassifier) -> None:
    for text, intent in [("hellooo", "greet"), ("ok bye now", "goodbye"), ("picked up narcan", "report_step")]:
        [message] = component.process([Message(data={"text": text})])
        assert message.get("intent")["name"] == intent, text
        ranking = message.get("intent_ranking")
        assert [r["name"] for r in ranking][0] == intent and len(ranking) == 3
        assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6


@pytest.mark.parametrize("text", ["", "   ", None, 42, "\x00\xff", "🙂🙂", "x" * 100_000])
def test_bad_input_never_raises(component: LinearIntentClassifier, text: Any) -> None:
    [message] = component.process([Message(data={"text": text})])
    intent = message.get("intent")
    assert intent is None or intent["name"] in EXAMPLES


def test_empty_text_gets_no_intent_so_the_fallback_answers(component: LinearIntentClassifier) -> None:
    [message] = component.process([Message(data={"text": "  "})])
    assert message.get("intent") is None


def test_persist_load_round_trip_is_plain_json(component: LinearIntentClassifier, storage: LocalModelStorage) -> None:
    context = ExecutionContext(GraphSchema({}), "round-trip")
    loaded = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(), storage, RESOURCE, context)
    for text in ["hey", "took a day off", "see you"]:
        assert loaded.ranking(text) == component.ranking(text)
    with storage.read_from(RESOURCE) as directory:
        data = json.loads((Path(directory) / MODEL_FILE).read_text())
    assert data["kind"] == "intent" and sorted(data["labels"]) == sorted(EXAMPLES)


def test_missing_model_gives_no_intent(tmp_path: Path) -> None:
    context = ExecutionContext(GraphSchema({}), "missing")
    loaded = LinearIntentClassifier.load({}, LocalModelStorage(tmp_path), Resource("nothing"), context)
    [message] = loaded.process([Message(data={"text": "hi"})])
    assert message.get("intent") is None


def test_a_talk_type_model_file_is_not_read_as_an_intent_model() -> None:
    model = IntentModel.fit(
        [t for ts in EXAMPLES.values() for t in ts], [i for i, ts in EXAMPLES.items() for _ in ts], calibrate=False
    )
    data = {**model.to_dict(), "kind": "talk_type"}
    with pytest.raises(ValueError):
        IntentModel.from_dict(data)


def test_two_intents_give_a_two_way_softmax() -> None:
    texts = EXAMPLES["greet"] + EXAMPLES["goodbye"]
    model = IntentModel.fit(texts, ["greet"] * 8 + ["goodbye"] * 8)
    probs = model.predict("hello there")
    assert set(probs) == {"greet", "goodbye"} and probs["greet"] > 0.5
    assert abs(sum(probs.values()) - 1.0) < 1e-9


def test_fingerprint_follows_the_model_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import inspect

    from lantern.nlu import intent_model

    before = LinearIntentClassifier.fingerprint_addon({})
    assert before == LinearIntentClassifier.fingerprint_addon({"c": 5})  # config is fingerprinted by Rasa
    real = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda m: real(m) + ("# edited" if m is intent_model else ""))
    assert LinearIntentClassifier.fingerprint_addon({}) != before  # a code change retrains the model


def test_the_model_reads_the_encoder_vector(component: LinearIntentClassifier) -> None:
    """Trained with the encoder: the vector changes the scores, and a wording sharing no word with the
    examples still lands on the intent that means the same."""
    model = component._model
    assert model is not None and model.dense_dim == 384
    text = "obtained an overdose reversal kit"
    assert model.predict(text, component.vector(text)) != model.predict(text)
    assert component.ranking(text)[0]["name"] == "report_step"


def test_without_the_encoder_it_answers_from_the_words(
    component: LinearIntentClassifier,
    storage: LocalModelStorage,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from rasa_plugins.nlu import linear_component

    monkeypatch.setattr(linear_component, "get_encoder", lambda: None)
    context = ExecutionContext(GraphSchema({}), "no-encoder")
    with caplog.at_level("ERROR", logger="rasa_plugins.nlu.linear_component"):
        loaded = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(), storage, RESOURCE, context)
    assert "sentence encoder" in caplog.text and "make install" in caplog.text
    [message] = loaded.process([Message(data={"text": "hello"})])
    assert message.get("intent")["name"] == "greet"
    assert LinearIntentClassifier.fingerprint_addon({}) != LinearIntentClassifier.fingerprint_addon(
        {"use_encoder": False}
    )
    untrained = LinearIntentClassifier.create(
        LinearIntentClassifier.get_default_config(), storage, Resource("needs_encoder"), context
    )
    with pytest.raises(RuntimeError, match="make install"):
        untrained.train(training_data())
    words_only = LinearIntentClassifier.create({"use_encoder": False}, storage, Resource("words_only"), context)
    words_only.train(training_data())
    assert words_only._model.dense_dim == 0 and words_only.ranking("hiya")[0]["name"] == "greet"


def test_a_format_1_model_file_loads_without_a_dense_block() -> None:
    model = IntentModel.fit(
        [t for ts in EXAMPLES.values() for t in ts], [i for i, ts in EXAMPLES.items() for _ in ts], calibrate=False
    )
    old = {k: v for k, v in model.to_dict().items() if k not in ("dense_dim", "dense_weight")}
    loaded = IntentModel.from_dict({**old, "format": 1})
    assert loaded.dense_dim == 0 and loaded.predict("hey") == model.predict("hey")
    with pytest.raises(ValueError, match="dense vectors"):
        IntentModel.fit(["a", "b"], ["x", "y"], dense=np.zeros((3, 4)))


def test_weights_are_stored_as_float32_and_older_list_files_still_load() -> None:
    model = IntentModel.fit(
        [t for ts in EXAMPLES.values() for t in ts], [i for i, ts in EXAMPLES.items() for _ in ts], calibrate=False
    )
    data = model.to_dict()
    assert data["format"] == 3 and data["coef"]["shape"] == [len(model.labels), model.coef.shape[1]]
    assert IntentModel.from_dict(json.loads(json.dumps(data))).predict("see you") == model.predict("see you")
    as_lists = {**data, "format": 2, "coef": model.coef.tolist()}  # what a model trained before format 3 holds
    assert IntentModel.from_dict(as_lists).predict("see you") == model.predict("see you")


def test_weights_of_the_wrong_size_are_a_value_error() -> None:
    model = IntentModel.fit(
        [t for ts in EXAMPLES.values() for t in ts], [i for i, ts in EXAMPLES.items() for _ in ts], calibrate=False
    )
    data = model.to_dict()
    data["coef"] = {**data["coef"], "shape": [len(model.labels), model.coef.shape[1] + 1]}
    with pytest.raises(ValueError):
        IntentModel.from_dict(data)
    data["coef"] = {"float32": "not base64!", "shape": [len(model.labels), 1]}
    with pytest.raises(ValueError):
        IntentModel.from_dict(data)
