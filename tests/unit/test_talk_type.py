"""Talk-type component: trained on the real examples through its Python API (no `rasa train`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bench.talk_type import f1_scores
from lantern.nlu import linear_model
from lantern.nlu.talk_model import LABELS
from rasa_plugins.nlu.talk_type import (
    DEFAULT_EXAMPLES,
    MODEL_FILE,
    PROJECT_ROOT,
    TalkTypeClassifier,
    load_examples,
    train_standalone,
)

HELDOUT = PROJECT_ROOT / "tests" / "data" / "talk_type_heldout.yml"


@pytest.fixture(scope="module")
def storage_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("talk_type_storage")


@pytest.fixture(scope="module")
def component(storage_dir: Path) -> TalkTypeClassifier:
    return train_standalone(storage_dir)


def check_shape(result: Dict[str, Any], parsed: bool = False) -> None:
    """`classify` gives the four keys; a parsed message (`process`) also says whether the context was used."""
    keys = {"name", "confidence", "probabilities", "ambivalent"}
    assert set(result) == (keys | {"context_used"} if parsed else keys)
    if parsed:
        assert isinstance(result["context_used"], bool)
    assert result["name"] in LABELS
    assert set(result["probabilities"]) == set(LABELS)
    assert 0.0 <= result["confidence"] <= 1.0
    assert result["confidence"] == max(result["probabilities"].values())
    assert abs(sum(result["probabilities"].values()) - 1.0) < 0.01
    assert isinstance(result["ambivalent"], bool)
    json.dumps(result)  # goes into the parse output as is


def test_data_files_are_valid_and_separate() -> None:
    train_texts, train_labels = load_examples(DEFAULT_EXAMPLES)
    held_texts, held_labels = load_examples(str(HELDOUT))
    assert len(train_texts) >= 900 and len(held_texts) >= 200
    assert set(train_labels) == set(LABELS) == set(held_labels)
    assert min(train_labels.count(label) for label in LABELS) >= 250
    normalised = {t.strip().lower() for t in train_texts}
    assert not [t for t in held_texts if t.strip().lower() in normalised], "held-out lines also in training"


def test_heldout_macro_f1(component: TalkTypeClassifier) -> None:
    texts, gold = load_examples(str(HELDOUT))
    pred = [component.classify(text)["name"] for text in texts]
    scores = f1_scores(gold, pred)
    assert scores["macro"] >= 0.85, scores


@pytest.mark.parametrize(
    "text, label",
    [
        ("i really want to quit", "change"),
        ("i've been clean for two weeks", "change"),
        ("i'm going to call the clinic tomorrow", "change"),
        ("it's not a problem", "sustain"),
        ("i like how it makes me feel", "sustain"),
        ("i'll get sick if i stop", "sustain"),
        ("tried before, didn't work", "sustain"),
        ("hi", "neutral"),
        ("where can i get narcan", "neutral"),
        ("what time does the clinic open?", "neutral"),
    ],
)
def test_typical_messages(component: TalkTypeClassifier, text: str, label: str) -> None:
    result = component.classify(text)
    check_shape(result)
    assert result["name"] == label, result


def test_ambivalence_exposes_both_sides(component: TalkTypeClassifier) -> None:
    result = component.classify("i want to quit but it's the only thing that helps")
    check_shape(result)
    assert result["name"] in {"change", "sustain"}
    assert result["ambivalent"] is True
    assert not component.classify("i want to quit")["ambivalent"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        42,
        "\x00\x01\x02",
        "\ufffd\ufffd",
        "😀😀😀",
        "!!!???",
        "a" * 100_000,
        "i want to stop " * 2000,
        "é" * 5000,
        b"\xff\xfe binary".decode("latin-1"),
    ],
)
def test_bad_input_never_raises(component: TalkTypeClassifier, text: Any) -> None:
    check_shape(component.classify(text))


def test_no_words_is_neutral_with_low_confidence(component: TalkTypeClassifier) -> None:
    for text in ["", "  \n ", "\x00\x07", "?!", None, "\x00\x01\xff", "😀", "你好"]:
        result = component.classify(text)
        assert result["name"] == "neutral" and result["confidence"] < 0.5


def test_process_sets_output_on_every_message(component: TalkTypeClassifier) -> None:
    messages = [Message.build(text=t) for t in ["i need to stop", "ok", ""]]
    messages.append(Message(data={}))  # no text at all
    for message in component.process(messages):
        check_shape(message.get("talk_type"), parsed=True)
        assert message.get("talk_type")["context_used"] is False
        assert "talk_type" in message.as_dict(only_output_properties=True)
    training = TrainingData([Message.build(text="i want to quit", intent="greet")])
    component.process_training_data(training)
    check_shape(training.training_examples[0].get("talk_type"))


def _reflection_of(talk: str, negative: bool = False) -> Dict[str, Any]:
    """Message metadata as the server's turn-context hook sets it (rasa_plugins/turn_context.py)."""
    return {"lantern_context": {"prev_talk": talk, "prev_mi": "complex_reflection", "prev_negative": negative}}


@pytest.mark.parametrize(
    "text, metadata, expected, used",
    [
        ("yeah", _reflection_of("change"), "change", True),
        ("Mm-hmm.", _reflection_of("change"), "change", True),
        ("i guess so", _reflection_of("change"), "change", True),
        ("yeah", _reflection_of("sustain"), "sustain", True),
        ("no", _reflection_of("change"), "sustain", True),
        ("not really", _reflection_of("sustain"), "change", True),
        ("no", _reflection_of("sustain", negative=True), "neutral", True),
        ("yeah", {"lantern_context": {"prev_talk": "change", "prev_mi": "open_question"}}, None, False),
        ("i'll get sick if i stop", _reflection_of("change"), "sustain", False),  # says more: the text decides
        ("yeah", {"channel": "rest"}, None, False),
        ("yeah", None, None, False),
    ],
)
def test_process_reads_short_answers_with_the_bots_previous_message(
    component: TalkTypeClassifier, text: str, metadata: Any, expected: Any, used: bool
) -> None:
    data: Dict[str, Any] = {"text": text}
    if metadata is not None:
        data["metadata"] = metadata
    [message] = component.process([Message(data=data)])
    result = message.get("talk_type")
    check_shape(result, parsed=True)
    assert result["context_used"] is used
    if used:
        assert result["name"] == expected
    else:
        assert result == {**component.classify(text), "context_used": False}  # exactly the text reading


def test_context_can_be_switched_off(storage_dir: Path, component: TalkTypeClassifier) -> None:
    storage = LocalModelStorage(storage_dir)
    context = ExecutionContext(GraphSchema({}), "no-context")
    text_only = TalkTypeClassifier.load(
        {**TalkTypeClassifier.get_default_config(), "use_context": False},
        storage,
        Resource("talk_type_classifier"),
        context,
    )
    [message] = text_only.process([Message(data={"text": "yeah", "metadata": _reflection_of("change")})])
    assert message.get("talk_type") == {**component.classify("yeah"), "context_used": False}


def test_persist_load_round_trip(component: TalkTypeClassifier, storage_dir: Path) -> None:
    storage = LocalModelStorage(storage_dir)
    context = ExecutionContext(GraphSchema({}), "round-trip")
    loaded = TalkTypeClassifier.load(
        TalkTypeClassifier.get_default_config(), storage, Resource("talk_type_classifier"), context
    )
    for text in ["i want to quit but it helps me sleep", "hello", "it's not a big deal"]:
        assert loaded.classify(text) == component.classify(text)
    with storage.read_from(Resource("talk_type_classifier")) as directory:
        saved = json.loads((Path(directory) / MODEL_FILE).read_text())
    assert saved["format"] == linear_model.FORMAT_VERSION and set(saved["coef"]) == {"float32", "shape"}
    assert saved["dense_dim"] == 384  # fitted with the sentence encoder's vectors


def test_missing_resource_loads_as_neutral(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "missing")
    loaded = TalkTypeClassifier.load({}, storage, Resource("nothing_here"), context)
    assert loaded.classify("i want to quit")["name"] == "neutral"


def test_bad_examples_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("examples:\n  - {text: hi, label: maybe}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="label"):
        load_examples(str(bad))
    one_label = tmp_path / "one.yml"
    one_label.write_text("examples:\n  - {text: hi, label: neutral}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no examples"):
        train_standalone(tmp_path / "storage", examples_path=str(one_label))


def test_fingerprint_follows_examples_file(tmp_path: Path) -> None:
    examples = tmp_path / "examples.yml"
    examples.write_text("examples: []\n", encoding="utf-8")
    before = TalkTypeClassifier.fingerprint_addon({"examples_path": str(examples)})
    examples.write_text("examples:\n  - {text: hi, label: neutral}\n", encoding="utf-8")
    assert TalkTypeClassifier.fingerprint_addon({"examples_path": str(examples)}) != before
