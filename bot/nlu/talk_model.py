"""The talk-type model: TF-IDF over `talk_features`, multinomial logistic regression.

scikit-learn is used only to fit. The fitted model is plain data (vocabulary,
idf, weights), saved as JSON: nothing is unpickled when a model is loaded, and
classifying one message is a few dictionary look-ups and a 3-way softmax.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import numpy as np

from bot.nlu import talk_features

LABELS: Tuple[str, ...] = ("change", "neutral", "sustain")
GROUPS: Tuple[str, ...] = ("words", "chars", "cues")
FORMAT_VERSION = 1


@dataclass
class TalkTypeModel:
    """A fitted model; `predict` gives one probability per label."""

    labels: List[str]
    group_weights: Dict[str, float]
    vocab: Dict[str, Dict[str, int]]  # group -> feature -> column
    idf: Dict[str, List[float]]  # group -> idf per column
    coef: List[List[float]]  # label -> weight per column (all groups, in GROUPS order)
    intercept: List[float]
    temperature: float = 1.0  # scores are divided by it before the softmax (calibration)
    offsets: Dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        start = 0
        for group in GROUPS:
            self.offsets[group] = start
            start += len(self.vocab[group])
        # Feature-major weight matrix: one row of label weights per feature.
        self._weights = np.array(self.coef, dtype=np.float64).T if self.coef and self.coef[0] else None
        self._bias = np.array(self.intercept, dtype=np.float64)
        self._idf = {group: np.array(self.idf[group], dtype=np.float64) for group in GROUPS}

    # ----- features ------------------------------------------------------------------
    def _sparse(self, features: Tuple[Dict[str, float], ...]) -> Tuple[np.ndarray, np.ndarray]:
        """Columns and values of the TF-IDF vector (sublinear tf, L2 per group, times the group weight)."""
        all_cols, all_vals = [], []
        for group, counts in zip(GROUPS, features):
            if not counts:
                continue
            cols = np.fromiter(map(self.vocab[group].get, counts.keys(), repeat(-1, len(counts))),
                               dtype=np.int64, count=len(counts))
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

    def analyse(self, text: str) -> Tuple[Dict[str, float], Set[str]]:
        """Probabilities per label, and which sides ('change', 'sustain') the MI cue patterns heard."""
        features = talk_features.extract(text)
        cols, vals = self._sparse(features)
        scores = self._bias.copy()
        if len(cols) and self._weights is not None:
            scores += vals @ self._weights[cols]
        scores /= self.temperature
        exps = np.exp(scores - scores.max())
        probs = exps / exps.sum()
        return {label: float(p) for label, p in zip(self.labels, probs)}, talk_features.cue_sides(features[2])

    def predict(self, text: str) -> Dict[str, float]:
        """Probabilities per label for one message."""
        return self.analyse(text)[0]

    # ----- fitting -------------------------------------------------------------------
    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str], c: float = 4.0,
            group_weights: Optional[Dict[str, float]] = None, calibrate: bool = True) -> "TalkTypeModel":
        """Fit on labelled texts; raises ValueError when a label is missing.

        With `calibrate`, a temperature for the scores is chosen on 3-fold out-of-fold
        predictions, so a confidence of 0.7 means about 70% right on data like the examples.
        """
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression

        missing = set(LABELS) - set(labels)
        if missing:
            raise ValueError(f"talk-type training data has no examples of {sorted(missing)}")
        weights = dict(group_weights or {"words": 1.0, "chars": 1.0, "cues": 1.0})
        extracted = [talk_features.extract(t) for t in texts]
        vocab: Dict[str, Dict[str, int]] = {}
        idf: Dict[str, List[float]] = {}
        n_docs = len(texts)
        for g, group in enumerate(GROUPS):
            df: Dict[str, int] = {}
            for feats in extracted:
                for feature in feats[g]:
                    df[feature] = df.get(feature, 0) + 1
            kept = sorted(df)
            vocab[group] = {f: i for i, f in enumerate(kept)}
            idf[group] = [math.log((1 + n_docs) / (1 + df[f])) + 1.0 for f in kept]
        empty = cls(list(LABELS), weights, vocab, idf, [[] for _ in LABELS], [0.0] * len(LABELS))
        rows, cols, vals = [], [], []
        for i, feats in enumerate(extracted):
            c_i, v_i = empty._sparse(feats)
            rows.extend([i] * len(c_i))
            cols.extend(c_i.tolist())
            vals.extend(v_i.tolist())
        width = sum(len(v) for v in vocab.values())
        x = csr_matrix((vals, (rows, cols)), shape=(n_docs, width))
        y = np.array([LABELS.index(label) for label in labels])

        def new_classifier() -> LogisticRegression:
            return LogisticRegression(C=c, max_iter=2000, class_weight="balanced")

        temperature = _temperature(x, y, new_classifier) if calibrate else 1.0
        clf = new_classifier().fit(x, y)
        return cls(list(LABELS), weights, vocab, idf, [[float(w) for w in row] for row in clf.coef_],
                   [float(b) for b in clf.intercept_], temperature=temperature)

    # ----- persistence ---------------------------------------------------------------
    def to_dict(self) -> Dict[str, Any]:
        return {"format": FORMAT_VERSION, "labels": self.labels, "group_weights": self.group_weights,
                "vocab": {g: sorted(v, key=v.__getitem__) for g, v in self.vocab.items()},
                "idf": self.idf, "coef": self.coef, "intercept": self.intercept,
                "temperature": self.temperature}

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "TalkTypeModel":
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unknown talk-type model format {data.get('format')!r}")
        vocab = {g: {f: i for i, f in enumerate(data["vocab"][g])} for g in GROUPS}
        return cls(list(data["labels"]), dict(data["group_weights"]), vocab,
                   {g: list(data["idf"][g]) for g in GROUPS}, data["coef"], data["intercept"],
                   temperature=float(data.get("temperature", 1.0)))


def _temperature(x: Any, y: np.ndarray, new_classifier: Any, folds: int = 3) -> float:
    """The softmax temperature that minimises the log loss of out-of-fold scores."""
    order = np.random.RandomState(0).permutation(len(y))
    scores = np.zeros((len(y), len(LABELS)))
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        scores[test] = new_classifier().fit(x[train], y[train]).decision_function(x[test])
    best, best_loss = 1.0, float("inf")
    for t in np.arange(0.3, 4.01, 0.05):
        z = scores / t
        z -= z.max(axis=1, keepdims=True)
        loss = float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y]))
        if loss < best_loss:
            best, best_loss = float(t), loss
    return round(best, 2)
