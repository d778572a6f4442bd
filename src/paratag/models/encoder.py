"""A frozen pretrained encoder as features: mean-pooled sentence embeddings of a
paragraph and its neighbours, plus the layout features, into a logistic regression.

The encoder is never trained; only the linear classifier on top is. Saving keeps
the classifier and the encoder's *name*, so a saved model loads wherever the
encoder resolves (see :mod:`paratag.encoders`).
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from .base import ParagraphModel
from .embeddings import embed
from .rows import align_proba, flatten, layout_matrix, shift_rows, split_rows, targets_array
from .state import load_state, save_state


class FrozenEncoderModel(ParagraphModel):
    """Embeddings of the paragraph and of ``neighbours`` paragraphs on each side
    (scaled by ``neighbour_weight``), with layout features, into logistic regression."""

    def __init__(self, encoder="all-MiniLM-L6-v2", max_length=128, neighbours=1, neighbour_weight=1.0,
                 layout=True, C=1.0, class_weight="balanced", device="auto", seed=0):
        self.encoder = encoder
        self.max_length = max_length
        self.neighbours = neighbours
        self.neighbour_weight = neighbour_weight
        self.layout = layout
        self.C = C
        self.class_weight = class_weight
        self.device = device
        self.seed = seed

    def _matrix(self, documents, fit=False):
        texts, lengths, _ = flatten(documents)
        vectors = embed(texts, self.encoder, self.max_length, device=self.device)
        blocks = [vectors]
        for offset in range(1, self.neighbours + 1):
            blocks += [self.neighbour_weight * shift_rows(vectors, lengths, -offset),
                       self.neighbour_weight * shift_rows(vectors, lengths, offset)]
        if self.layout:
            layout = layout_matrix(documents)
            if fit:
                self.layout_scaler_ = StandardScaler().fit(layout)
            blocks.append(self.layout_scaler_.transform(layout))
        return np.hstack(blocks).astype(np.float32), lengths

    def _fit(self, documents, targets, groups):
        X, _ = self._matrix(documents, fit=True)
        y, mask = targets_array(flatten(documents, targets)[2])
        self.classifier_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000,
                                              random_state=self.seed).fit(X[mask], y[mask])

    def _predict_proba(self, documents):
        X, lengths = self._matrix(documents)
        return split_rows(align_proba(self.classifier_, self.classes_, X), lengths)

    def save_weights(self, directory) -> None:
        parts = {"classifier": self.classifier_}
        if self.layout:
            parts["layout_scaler"] = self.layout_scaler_
        save_state(directory, self.classes_, parts)

    def load_weights(self, directory) -> None:
        self.classes_, parts, _ = load_state(directory)
        self.classifier_ = parts["classifier"]
        self.layout_scaler_ = parts.get("layout_scaler")
