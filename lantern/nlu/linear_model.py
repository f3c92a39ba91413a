"""A small linear text classifier kept as plain data: TF-IDF feature groups, multinomial logistic regression.

Used for the talk type (lantern/nlu/talk_model.py) and the intents
(lantern/nlu/intent_model.py); each gives its own labels and feature extractor.
A model may also take a dense vector per text (the sentence encoder's, lantern/nlu/sentence_encoder.py):
its weights sit after the sparse columns, scaled by `dense_weight`.
scikit-learn is used only to fit. The fitted model is vocabulary, idf and
weights, saved as JSON: nothing is unpickled when a model is loaded, and
classifying a message is a few dictionary look-ups and one small matrix product.
The weights are stored as float32 bytes in base64 (format 3): the JSON of a float list was five times
larger, and writing and compressing it cost several seconds of every training (issue 20).
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import math
import sys
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, Callable, ClassVar, Dict, List, Optional, Sequence, Tuple, Type, TypeVar

import numpy as np

from lantern.nlu import fit_memory

FORMAT_VERSION = 3  # 2 added the dense block (a version 1 file reads as a model without one); 3 binary weights
Features = Tuple[Dict[str, float], ...]  # raw counts per feature group

_Model = TypeVar("_Model", bound="LinearTextModel")  # what fit/load return: the subclass they are called on


@dataclass
class LinearTextModel:
    """A fitted model; `predict` gives one probability per label.

    Subclasses set GROUPS (names of the feature groups) and `extract` (text -> counts per group).
    """

    GROUPS: ClassVar[Tuple[str, ...]] = ()
    KIND: ClassVar[str] = "linear"

    labels: List[str]
    group_weights: Dict[str, float]
    vocab: Dict[str, Dict[str, int]]  # group -> feature -> column
    idf: Dict[str, List[float]]  # group -> idf per column
    coef: Any  # labels x columns (all groups in GROUPS order, then the dense block): an array or nested lists
    intercept: List[float]
    temperature: float = 1.0  # scores are divided by it before the softmax (calibration)
    dense_dim: int = 0  # length of the dense vector the model was fitted with (0: none)
    dense_weight: float = 0.0  # the dense vector is multiplied by it, as a group weight
    offsets: Dict[str, int] = field(default_factory=dict)

    @staticmethod
    def extract(text: str) -> Features:
        raise NotImplementedError

    def __post_init__(self) -> None:
        start = 0
        for group in self.GROUPS:
            self.offsets[group] = start
            start += len(self.vocab[group])
        # float32 precision, as stored: a fitted model scores exactly as it will once saved and loaded.
        self.coef = np.asarray(self.coef, dtype=np.float32).astype(np.float64).reshape(len(self.labels), -1)
        # Feature-major weight matrix: one row of label weights per feature.
        self._weights = self.coef.T if self.coef.size else None
        self._bias = np.array(self.intercept, dtype=np.float64)
        self._idf = {group: np.array(self.idf[group], dtype=np.float64) for group in self.GROUPS}
        self._width = start  # number of sparse columns; dense weights follow them

    # ----- prediction ----------------------------------------------------------------
    def _sparse(self, features: Features) -> Tuple[np.ndarray, np.ndarray]:
        """Columns and values of the TF-IDF vector (sublinear tf, L2 per group, times the group weight)."""
        all_cols, all_vals = [], []
        for group, counts in zip(self.GROUPS, features, strict=True):
            if not counts:
                continue
            cols = np.fromiter(
                map(self.vocab[group].get, counts.keys(), repeat(-1, len(counts))), dtype=np.int64, count=len(counts)
            )
            known = cols >= 0
            if not known.any():
                continue
            cols = cols[known]
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))[known]
            vals = (1.0 + np.log(tf)) * self._idf[group][cols]
            vals *= self.group_weights.get(group, 1.0) / np.sqrt(vals @ vals)
            all_cols.append(cols + self.offsets[group])
            all_vals.append(vals)
        if not all_cols:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(all_cols), np.concatenate(all_vals)

    def probabilities(self, features: Features, dense: Optional[np.ndarray] = None) -> Dict[str, float]:
        """Probabilities per label for already extracted features (and the text's dense vector, if the model has one).

        A model fitted with dense vectors and given none (the encoder is missing) scores on the
        sparse features alone: worse, but an answer.
        """
        cols, vals = self._sparse(features)
        scores = self._bias.copy()
        if len(cols) and self._weights is not None:
            scores += vals @ self._weights[cols]
        if self.dense_dim and dense is not None and self._weights is not None:
            scores += (np.asarray(dense, dtype=np.float64) * self.dense_weight) @ self._weights[self._width :]
        scores /= self.temperature
        exps = np.exp(scores - scores.max())
        probs = exps / exps.sum()
        return {label: float(p) for label, p in zip(self.labels, probs, strict=True)}

    def predict(self, text: str, dense: Optional[np.ndarray] = None) -> Dict[str, float]:
        """Probabilities per label for one message."""
        return self.probabilities(self.extract(text), dense)

    # ----- fitting -------------------------------------------------------------------
    @classmethod
    def fit(
        cls: Type[_Model],
        texts: Sequence[str],
        labels: Sequence[str],
        c: float = 4.0,
        group_weights: Optional[Dict[str, float]] = None,
        calibrate: bool = True,
        label_order: Optional[Sequence[str]] = None,
        balanced: bool = True,
        dense: Optional[np.ndarray] = None,
        dense_weight: float = 1.0,
        memory: Optional[str] = None,
        memory_key: str = "",
    ) -> _Model:
        """Fit on labelled texts (and `dense`, one vector per text, when given).

        With `calibrate`, a temperature for the scores is chosen on 3-fold out-of-fold
        predictions, so a confidence of 0.7 means about 70% right on data like the examples.
        With `memory` (a name for this model) the last fit under that name is reused when the
        examples are the same, or the solver starts from it when they are nearly the same
        (lantern/nlu/fit_memory.py): seconds instead of minutes for a training after a small edit.
        `memory_key` must change whenever anything else that decides the features changes: the
        Rasa components pass their fingerprint (the source of every module their features read).
        """
        from scipy.sparse import csr_matrix, hstack
        from sklearn.linear_model import LogisticRegression

        order = list(label_order) if label_order else sorted(set(labels))
        weights = dict(group_weights or {group: 1.0 for group in cls.GROUPS})
        recalled: Optional[fit_memory.Recalled] = None
        if memory:
            settings = cls._settings_digest(order, weights, c, calibrate, balanced, dense, dense_weight, memory_key)
            keys = fit_memory.example_keys(texts, labels)
            inputs = hashlib.sha256("".join(keys).encode() + (b"" if dense is None else np.asarray(dense).tobytes()))
            recalled = fit_memory.recall(memory, settings, keys, inputs.hexdigest())
            if recalled is not None and recalled.exact:
                return cls.from_dict(recalled.model)
        # With a memory, only texts it has not seen are extracted.
        extracted = fit_memory.features(memory, settings, texts, cls.extract) if memory else [*map(cls.extract, texts)]
        vocab: Dict[str, Dict[str, int]] = {}
        idf: Dict[str, List[float]] = {}
        n_docs = len(texts)
        for g, group in enumerate(cls.GROUPS):
            df: Dict[str, int] = {}
            for feats in extracted:
                for feature in feats[g]:
                    df[feature] = df.get(feature, 0) + 1
            kept = sorted(df)
            vocab[group] = {f: i for i, f in enumerate(kept)}
            idf[group] = [math.log((1 + n_docs) / (1 + df[f])) + 1.0 for f in kept]
        empty = cls(order, weights, vocab, idf, [[] for _ in order], [0.0] * len(order))
        rows, cols, vals = [], [], []
        for i, feats in enumerate(extracted):
            c_i, v_i = empty._sparse(feats)
            rows.extend([i] * len(c_i))
            cols.extend(c_i.tolist())
            vals.extend(v_i.tolist())
        width = sum(len(v) for v in vocab.values())
        x = csr_matrix((vals, (rows, cols)), shape=(n_docs, width))
        dense_dim = 0
        if dense is not None:
            dense = np.asarray(dense, dtype=np.float64)
            if dense.shape[0] != n_docs:
                raise ValueError(f"{dense.shape[0]} dense vectors for {n_docs} texts")
            dense_dim = dense.shape[1]
            x = hstack([x, csr_matrix(dense * dense_weight)]).tocsr()
        y = np.array([order.index(label) for label in labels])

        def new_classifier() -> LogisticRegression:
            return LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None)

        start = cls.from_dict(recalled.model) if recalled is not None else None
        if start is not None and start.labels == order and start.dense_dim == dense_dim and len(order) > 2:
            clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None, warm_start=True)
            clf.coef_, clf.intercept_ = start.weights_for(vocab, dense_dim), np.array(start.intercept)
            clf.fit(x, y)
            temperature = start.temperature if calibrate else 1.0
        else:
            start = None
            temperature = _temperature(x, y, len(order), new_classifier) if calibrate else 1.0
            clf = new_classifier().fit(x, y)
        coef, intercept = clf.coef_, clf.intercept_
        if len(order) == 2:  # scikit-learn keeps one row for two classes: make it a 2-way softmax
            coef, intercept = np.vstack([-coef[0] / 2, coef[0] / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
        model = cls(
            order,
            weights,
            vocab,
            idf,
            np.asarray(coef, dtype=np.float64),
            [float(b) for b in intercept],
            temperature=temperature,
            dense_dim=dense_dim,
            dense_weight=float(dense_weight) if dense_dim else 0.0,
        )
        if memory:
            changed = recalled.changed_since_calibration if (recalled is not None and start is not None) else 0
            fit_memory.remember(memory, settings, keys, inputs.hexdigest(), model.to_dict(), changed)
        return model

    @classmethod
    def _settings_digest(
        cls,
        order: Sequence[str],
        weights: Dict[str, float],
        c: float,
        calibrate: bool,
        balanced: bool,
        dense: Optional[np.ndarray],
        dense_weight: float,
        memory_key: str,
    ) -> str:
        """What besides the examples decides a fit: the settings and the code that extracts features."""
        dense_dim = 0 if dense is None else int(np.asarray(dense).shape[1])
        described = json.dumps(
            [cls.KIND, cls.GROUPS, list(order), weights, c, calibrate, balanced, dense_dim, dense_weight, memory_key]
        )
        modules = dict.fromkeys([sys.modules[__name__], sys.modules[cls.__module__]])  # in order, once each
        sources = b"".join(inspect.getsource(m).encode() for m in modules)
        return hashlib.sha256(described.encode() + sources).hexdigest()

    def weights_for(self, vocab: Dict[str, Dict[str, int]], dense_dim: int) -> np.ndarray:
        """This model's weights laid out for another vocabulary (labels x columns); new features start at 0."""
        width = sum(len(v) for v in vocab.values())
        out = np.zeros((len(self.labels), width + dense_dim))
        coef = self.coef
        start = 0
        for group in self.GROUPS:
            mine = self.vocab[group]
            pairs = [(start + col, self.offsets[group] + mine[f]) for f, col in vocab[group].items() if f in mine]
            if pairs:
                new_cols, old_cols = (np.array(p) for p in zip(*pairs, strict=True))
                out[:, new_cols] = coef[:, old_cols]
            start += len(vocab[group])
        if dense_dim:
            old_dense = sum(len(v) for v in self.vocab.values())
            out[:, width:] = coef[:, old_dense : old_dense + dense_dim]
        return out

    # ----- persistence ---------------------------------------------------------------
    def to_dict(self) -> Dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "kind": self.KIND,
            "labels": self.labels,
            "group_weights": self.group_weights,
            "vocab": {g: sorted(v, key=v.__getitem__) for g, v in self.vocab.items()},
            "idf": self.idf,
            "coef": _pack(self.coef),
            "intercept": self.intercept,
            "temperature": self.temperature,
            "dense_dim": self.dense_dim,
            "dense_weight": self.dense_weight,
        }

    def save(self, model_storage: Any, resource: Any, filename: str) -> None:
        """Write the model as JSON into a Rasa component's resource."""
        with model_storage.write_to(resource) as directory:
            (Path(directory) / filename).write_text(json.dumps(self.to_dict()), encoding="utf-8")

    @classmethod
    def load_from(cls: Type[_Model], model_storage: Any, resource: Any, filename: str) -> _Model:
        """The model `save` wrote; ValueError or OSError when it is missing, broken or of another kind."""
        with model_storage.read_from(resource) as directory:
            return cls.from_dict(json.loads((Path(directory) / filename).read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls: Type[_Model], data: Dict[str, Any]) -> _Model:
        if data.get("format") not in (1, 2, FORMAT_VERSION) or data.get("kind", cls.KIND) != cls.KIND:
            raise ValueError(f"unknown {cls.KIND} model format {data.get('format')!r}/{data.get('kind')!r}")
        vocab = {g: {f: i for i, f in enumerate(data["vocab"][g])} for g in cls.GROUPS}
        return cls(
            list(data["labels"]),
            dict(data["group_weights"]),
            vocab,
            {g: list(data["idf"][g]) for g in cls.GROUPS},
            _unpack(data["coef"], len(data["labels"])),
            data["intercept"],
            temperature=float(data.get("temperature", 1.0)),
            dense_dim=int(data.get("dense_dim", 0)),
            dense_weight=float(data.get("dense_weight", 0.0)),
        )


def _pack(coef: np.ndarray) -> Dict[str, Any]:
    """The weights as JSON: float32 bytes (little-endian) in base64, and the matrix's shape."""
    matrix = np.ascontiguousarray(coef, dtype="<f4")
    return {"float32": base64.b64encode(matrix.tobytes()).decode("ascii"), "shape": list(matrix.shape)}


def _unpack(stored: Any, n_labels: int) -> np.ndarray:
    """`_pack`'s matrix, or the nested lists of formats 1 and 2; ValueError when it does not fit."""
    if isinstance(stored, dict):
        rows, cols = (int(n) for n in stored["shape"])
        raw = base64.b64decode(stored["float32"], validate=True)
        if rows != n_labels or len(raw) != rows * cols * 4:
            raise ValueError(f"weights of shape {rows}x{cols} in {len(raw)} bytes for {n_labels} labels")
        return np.frombuffer(raw, dtype="<f4").astype(np.float64).reshape(rows, cols)
    return np.asarray(stored, dtype=np.float64).reshape(n_labels, -1)


def _temperature(x: Any, y: np.ndarray, n_labels: int, new_classifier: Callable[[], Any], folds: int = 3) -> float:
    """The softmax temperature that minimises the log loss of out-of-fold scores."""
    order = np.random.RandomState(0).permutation(len(y))
    scores = np.full((len(y), n_labels), -1e9)
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        clf = new_classifier().fit(x[train], y[train])
        decision = clf.decision_function(x[test])
        if decision.ndim == 1:  # two classes
            decision = np.column_stack([-decision / 2, decision / 2])
        scores[np.ix_(test, clf.classes_)] = decision  # a label missing from a fold keeps no chance
    best, best_loss = 1.0, float("inf")
    for t in np.arange(0.3, 4.01, 0.05):
        z = scores / t
        z -= z.max(axis=1, keepdims=True)
        loss = float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y]))
        if loss < best_loss:
            best, best_loss = float(t), loss
    return round(best, 2)
