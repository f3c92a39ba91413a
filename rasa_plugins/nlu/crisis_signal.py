"""Rasa NLU component: what a message means for safety, read by meaning as well as by words.

The deterministic detector (lantern/crisis/detector.py) knows the words of a crisis; people in
one often use none of them ("gave my dog to my sister, won't be needing the leash"). This
component runs four small linear models over the sentence encoder's vector and the words
(lantern/nlu/linear_model.py), each learned at `rasa train` from the project's own examples
(data/crisis/*.yml, which trainers edit; schema in `load_examples`):

    signal    overdose | stimulant | suicide | danger | none      (data/crisis/signals.yml)
    answer    yes | no | unclear: the reply to "are you in danger right now?"
    update    called | help_here | improving | worse | question | safe | no_emergency | other:
              a message sent while the crisis script is running
    question  which step a question asked in an emergency needs (naloxone_more, what_to_tell, ...)
              (answer, update and question: data/crisis/followups.yml)

It adds to every parsed message, for CrisisDetector (which turns the signal into a level) and
CrisisPolicy (which reads answers and updates against the conversation's state):

    "crisis_signal": {"risk": 0.83, "category": "suicide",
                      "answer": "yes", "answer_confidence": 0.9,
                      "update": "question", "update_confidence": 0.7,
                      "question": "naloxone_more", "question_confidence": 0.8,
                      "general_question": "use_safer", "general_question_confidence": 0.6,
                      "literal": None, "words": 7, "asks": True}

`general_question` is the best of the questions that fit when nobody is in danger now (using
safer after jail, what 988 is like, arrest fears, a safe place), with its share among them.
`literal` is "yes" or "no" when the whole message is a bare yes or no ("yeah", "nope"), for
questions the answer model was not trained on; `words` is the message's length in words; `asks` is true
when it asks something (a question mark, or a question's first words).

`risk` is 1 - P(none). Labels, never text, so the reading may be stored and logged.
Without a model (not trained, file broken) every message reads risk 0 and `unclear`: the
deterministic detector still runs, and that is logged.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from lantern import text as shared_text
from lantern.crisis import detector, patterns, registry
from lantern.crisis import normalize as normalize_module
from lantern.crisis.normalize import normalize
from lantern.nlu import intent_model, linear_model
from lantern.nlu.linear_model import Features, LinearTextModel
from lantern.nlu.sentence_encoder import SentenceEncoder, get_encoder
from rasa_plugins.nlu.linear_component import embed_or_none, encoder_digest, source_digest

logger = logging.getLogger(__name__)

CRISIS_SIGNAL = "crisis_signal"
MODEL_FILE = "crisis_signal_models.json"
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
SIGNAL_LABELS: Tuple[str, ...] = (*registry.NAMES, "none")  # the crisis categories by name (lantern/crisis/registry.py)
ANSWER_LABELS: Tuple[str, ...] = ("yes", "no", "unclear")
UPDATE_LABELS: Tuple[str, ...] = (
    "called",
    "help_here",
    "improving",
    "worse",
    "question",
    "safe",
    "no_emergency",
    "other",
)
QUESTION_LABELS: Tuple[str, ...] = (
    "naloxone_more",
    "no_naloxone",
    "rescue_breathing",
    "recovery_position",
    "what_to_tell",
    "arrest_fear",
    "vomiting",
    "watch_after",
    "will_be_ok",
    "stimulant_care",
    "seizure",
    "use_safer",
    "crisis_line_what",
    "safe_place",
)
# Questions that make sense when nobody is in danger now (the others are steps of an emergency).
GENERAL_QUESTIONS: Tuple[str, ...] = ("use_safer", "crisis_line_what", "arrest_fear", "safe_place")
# model name -> (file, list key in the file, labels)
MODELS: Dict[str, Tuple[str, str, Tuple[str, ...]]] = {
    "signal": ("data/crisis/signals.yml", "examples", SIGNAL_LABELS),
    "answer": ("data/crisis/followups.yml", "check_in_answers", ANSWER_LABELS),
    "update": ("data/crisis/followups.yml", "crisis_updates", UPDATE_LABELS),
    "question": ("data/crisis/followups.yml", "questions", QUESTION_LABELS),
}
_LATIN_LETTER = re.compile(r"[A-Za-z]")
# A bare yes or no, for questions the models were not trained on ("are you safe right now?").
_LITERAL_YES = re.compile(
    r"^(yes+|ye+a+h*|yah|ya+|yep|yup|y|ok(ay)?|i am|im (ok|okay|safe|good|fine)|"
    r"yes i am|yeah i am|i'?m (ok|okay|safe|good|fine)|safe|we are|we'?re (ok|okay|safe))$"
)
_LITERAL_NO = re.compile(r"^(no+|nope|nah+|na|n|not really|no i'?m not|no im not|not safe|i'?m not|im not)$")


_ASKS = re.compile(
    r"\?|^(?:what|how|when|where|why|who|which|should|can|could|do|does|did|is|are|will|would)\b"
    r"|\b(?:what do i|how do i|how long|what should|should i|can i|do i|is it|how much|what if)\b"
)


def asks(text: str) -> bool:
    """Does the message ask something? (a question mark, or the words a question starts with)"""
    return bool(_ASKS.search(" ".join(text.lower().split())))


def literal_answer(text: str) -> Optional[str]:
    """'yes' or 'no' when the whole message is a bare yes or no word, else None."""
    bare = re.sub(r"[^a-z' ]", " ", text.lower()).strip()
    bare = " ".join(bare.split())
    if _LITERAL_YES.match(bare):
        return "yes"
    if _LITERAL_NO.match(bare):
        return "no"
    return None


MAX_EXAMPLE_CHARS = 1000


def detector_cues(normalised: str) -> Dict[str, float]:
    """The deterministic detector's knowledge as features: which of its cues (past, resolved, joking,
    now, fear, drug context...), guards (figurative uses) and patterns the text sets off. The words alone
    drown "years ago" or "lol" among the rest; one feature each lets the model weigh them."""
    found = {f"cue.{name}": 1.0 for name, rx in detector.CUE_PATTERNS.items() if rx.search(normalised)}
    for name in detector.detect_normalised(normalised).matched:
        found[name.split(".")[0] + "." + name.split(".")[1] if "." in name else name] = 1.0
    return found


class CrisisTextModel(LinearTextModel):
    """The intent model's features (words, word pairs, character n-grams) over the crisis-normalised text,
    so "cant wake him up", "can't wake him up" and "cnt wake him" read alike, plus the detector's cues."""

    GROUPS = (*intent_model.GROUPS, "cues")
    KIND = "crisis"

    @staticmethod
    def extract(text: str) -> Features:
        normalised = normalize(text)
        words, chars = intent_model.extract(normalised.replace(" | ", " "))
        return words, chars, detector_cues(normalised)


def resolve_path(path: Text) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() or candidate.exists() else PROJECT_ROOT / candidate


def load_examples(path: Text, key: str, labels: Sequence[str]) -> Tuple[List[str], List[str]]:
    """Texts and labels of `key: [{text, label}]` in a YAML file; ValueError naming the bad entry.

    This is the schema check trainers get (`make test` runs it in tests/unit/test_crisis_signal.py, and
    `rasa train` stops on a bad file with the item named): every
    item a non-empty text of at most MAX_EXAMPLE_CHARS and one of the model's labels, no text twice
    with two labels, every label with at least 5 examples.
    """
    from lantern.yaml_text import load_yaml

    file = resolve_path(path)
    with open(file, encoding="utf-8") as handle:
        data = load_yaml(handle) or {}
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{file}: expected a top-level '{key}:' list")
    texts: List[str] = []
    found: List[str] = []
    seen: Dict[str, str] = {}
    for number, item in enumerate(items, 1):
        label = item.get("label") if isinstance(item, dict) else None
        text = item.get("text") if isinstance(item, dict) else None
        if label is True or label is False:  # YAML 1.1 reads a bare yes/no as a boolean
            label = "yes" if label else "no"
        if (
            not isinstance(text, str)
            or not text.strip()
            or len(text) > MAX_EXAMPLE_CHARS
            or not isinstance(label, str)
            or label not in labels
        ):
            raise ValueError(
                f"{file}: {key} item {number} needs a text (1-{MAX_EXAMPLE_CHARS} characters) "
                f"and a label out of {list(labels)}: {item!r}"
            )
        folded = " ".join(text.lower().split())
        if seen.get(folded, label) != label:
            raise ValueError(f"{file}: {key} item {number} repeats a text labelled {seen[folded]!r} as {label!r}")
        seen[folded] = label
        texts.append(text)
        found.append(label)
    thin = [label for label in labels if found.count(label) < 5]
    if thin:
        raise ValueError(f"{file}: {key} needs at least 5 examples of each label; too few: {thin}")
    return texts, found


def empty_reading() -> Dict[str, Any]:
    """What a message gets with no model or no words: no risk, nothing understood."""
    return {
        "risk": 0.0,
        "category": None,
        "answer": "unclear",
        "answer_confidence": 0.0,
        "update": "other",
        "update_confidence": 0.0,
        "question": None,
        "question_confidence": 0.0,
        "general_question": None,
        "general_question_confidence": 0.0,
        "literal": None,
        "words": 0,
        "asks": False,
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class CrisisSignalClassifier(GraphComponent):
    """Sets `crisis_signal` on every message; leaves intent and entities to the other components."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # c: inverse regularisation; the weights scale the feature groups (words, characters, the
        # detector's cues, the sentence encoder's vector).
        # everyday_examples: the NLU examples of every intent that is not a crisis intent are added as `none`
        # to the signal model, so "bye", "goodnight" or "i just want to cut back" are not read as danger.
        # encoder_weight 1.0 (was 2.0): with the conversation lines added to the examples it read fewer
        # ordinary lines as danger at the same recall on the regression rounds (docs/crisis.md).
        return {
            "c": 8.0,
            "word_weight": 1.0,
            "char_weight": 1.0,
            "cue_weight": 2.0,
            "encoder_weight": 1.0,
            "use_encoder": True,
            "everyday_examples": True,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        models: Optional[Dict[str, CrisisTextModel]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._models: Dict[str, CrisisTextModel] = models or {}
        self._encoder: Optional[SentenceEncoder] = get_encoder() if self._config.get("use_encoder", True) else None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisSignalClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "CrisisSignalClassifier":
        models: Dict[str, CrisisTextModel] = {}
        try:
            with model_storage.read_from(resource) as directory:
                data = json.loads((Path(directory) / MODEL_FILE).read_text(encoding="utf-8"))
            models = {name: CrisisTextModel.from_dict(data[name]) for name in MODELS}
        except (ValueError, OSError, KeyError, TypeError) as exc:
            logger.error(
                "CrisisSignalClassifier: models could not be loaded (%s); crisis detection falls back "
                "to the patterns alone.",
                type(exc).__name__,
            )
        return cls(config, model_storage, resource, models)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when an examples file or the model code changes."""
        extra = b"".join(
            resolve_path(p).read_bytes() if resolve_path(p).is_file() else b"<missing>"
            for p in sorted({spec[0] for spec in MODELS.values()})
        )
        this_module = sys.modules[__name__]  # CrisisTextModel's features are defined here
        return source_digest(
            (this_module, intent_model, linear_model, detector, patterns, normalize_module, shared_text),
            extra=extra + encoder_digest(config),
        )

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the four models on data/crisis/*.yml, plus the everyday intents' NLU examples as `none`, and persist."""
        if self._config.get("use_encoder", True) and self._encoder is None:
            raise RuntimeError("CrisisSignalClassifier: the sentence encoder is missing; run `make install`")
        everyday = self.everyday_examples(training_data)
        key = type(self).fingerprint_addon(self._config) or ""  # the fit memory's key: code, files, encoder
        for name, (path, section, labels) in MODELS.items():
            texts, found = load_examples(path, section, labels)
            if name == "signal":
                known = {" ".join(t.lower().split()) for t in texts}
                extra = [t for t in everyday if " ".join(t.lower().split()) not in known]
                texts, found = texts + extra, found + ["none"] * len(extra)
            dense = self._encoder.encode_for_training(texts) if self._encoder is not None else None
            self._models[name] = CrisisTextModel.fit(
                texts,
                found,
                c=float(self._config["c"]),
                label_order=list(labels),
                dense=dense,
                group_weights={
                    "words": float(self._config["word_weight"]),
                    "chars": float(self._config["char_weight"]),
                    "cues": float(self._config["cue_weight"]),
                },
                dense_weight=float(self._config["encoder_weight"]),
                memory=f"crisis_{name}",
                memory_key=key,
            )
            logger.info("Crisis %s model trained on %d examples.", name, len(texts))
        with self._storage.write_to(self._resource) as directory:
            (Path(directory) / MODEL_FILE).write_text(
                json.dumps({name: model.to_dict() for name, model in self._models.items()}), encoding="utf-8"
            )
        return self._resource

    def everyday_examples(self, training_data: Optional[TrainingData]) -> List[str]:
        """Texts of the NLU examples of every intent but the crisis ones (none without training data)."""
        if training_data is None or not self._config.get("everyday_examples", True):
            return []
        return [
            str(m.get(TEXT))
            for m in training_data.intent_examples
            if m.get(TEXT) and not str(m.get("intent") or "crisis").startswith("crisis")
        ]

    def _vector(self, text: str) -> Optional[np.ndarray]:
        if not any(m.dense_dim for m in self._models.values()):
            return None
        return embed_or_none(self._encoder, text)

    def read(self, text: Any) -> Dict[str, Any]:
        """The safety reading of one text; never raises (anything odd reads as no risk, unclear)."""
        if not isinstance(text, str) or not _LATIN_LETTER.search(text[:5000]):
            return empty_reading()
        shape = {
            "literal": literal_answer(text[:200]),
            "words": min(len(text[:2000].split()), 999),
            "asks": asks(text[:2000]),
        }
        if not self._models:
            return {**empty_reading(), **shape}
        try:
            vector = self._vector(text)
            features = CrisisTextModel.extract(text)
            probs = {name: model.probabilities(features, vector) for name, model in self._models.items()}
        except Exception:
            logger.exception("Crisis signal models failed on a message; the patterns alone decide.")
            return {**empty_reading(), **shape}
        signal = probs["signal"]
        category = max((c for c in SIGNAL_LABELS if c != "none"), key=lambda c: signal[c])
        reading: Dict[str, Any] = {"risk": round(1.0 - signal["none"], 4), "category": category}
        for name in ("answer", "update", "question"):
            scores = probs[name]
            best = max(scores, key=lambda label: scores[label])
            reading[name] = best
            reading[f"{name}_confidence"] = round(probs[name][best], 4)
        # The best question among those that fit when there is no emergency, its share among them.
        general = {label: probs["question"][label] for label in GENERAL_QUESTIONS}
        best_general = max(general, key=lambda label: general[label])
        reading["general_question"] = best_general
        reading["general_question_confidence"] = round(general[best_general] / max(sum(general.values()), 1e-9), 4)
        return {**reading, **shape}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            message.set(CRISIS_SIGNAL, self.read(message.get(TEXT)), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
