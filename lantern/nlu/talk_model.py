"""The talk-type model: TF-IDF over `talk_features`, multinomial logistic regression (lantern/nlu/linear_model.py)."""

from __future__ import annotations

from typing import Dict, Optional, Sequence, Set, Tuple

import numpy as np

from lantern.nlu import talk_features
from lantern.nlu.linear_model import Features, LinearTextModel

LABELS: Tuple[str, ...] = ("change", "neutral", "sustain")
GROUPS: Tuple[str, ...] = ("words", "chars", "cues")


class TalkTypeModel(LinearTextModel):
    """Change / neutral / sustain from words, character n-grams and MI cue patterns."""

    GROUPS = GROUPS
    KIND = "talk_type"

    @staticmethod
    def extract(text: str) -> Features:
        return talk_features.extract(text)

    def analyse(self, text: str, dense: Optional[np.ndarray] = None) -> Tuple[Dict[str, float], Set[str]]:
        """Probabilities per label, and which sides ('change', 'sustain') the MI cue patterns heard."""
        features = self.extract(text)
        return self.probabilities(features, dense), talk_features.cue_sides(features[2])

    @classmethod
    def fit(  # type: ignore[override]  # adds talk-type options to the base model's fit
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        c: float = 4.0,
        group_weights: Optional[Dict[str, float]] = None,
        calibrate: bool = True,
        dense: Optional[np.ndarray] = None,
        dense_weight: float = 1.0,
        memory: Optional[str] = None,
        memory_key: str = "",
    ) -> "TalkTypeModel":
        """Fit on labelled texts; raises ValueError when a label is missing."""
        missing = set(LABELS) - set(labels)
        if missing:
            raise ValueError(f"talk-type training data has no examples of {sorted(missing)}")
        model = super().fit(
            texts,
            labels,
            c=c,
            group_weights=group_weights,
            calibrate=calibrate,
            label_order=LABELS,
            dense=dense,
            dense_weight=dense_weight,
            memory=memory,
            memory_key=memory_key,
        )
        assert isinstance(model, TalkTypeModel)
        return model
