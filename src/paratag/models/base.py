"""The estimator contract every paratag model follows.

A model classifies the paragraphs of whole documents, so it may look at
neighbouring paragraphs and position:

- ``fit(X, y, groups=None)``: ``X`` is a list of documents, each a list of
  paragraph strings in page order (or :class:`~paratag.document.Document`);
  ``y`` holds one label list per document, where ``None`` marks a paragraph that
  gives context but no training target; ``groups`` (e.g. source sites) lets a
  model keep sites apart in its own internal splits. Returns ``self``.
- ``predict_proba(X)``: one ``(n_paragraphs, n_classes)`` array per document,
  columns in the order of ``classes_`` (the string labels, sorted).
- ``predict(X)``: one list of string labels per document.

Like scikit-learn, ``__init__`` only stores its keyword parameters; learned
state ends in ``_``. A model saves its learned state into a folder with
``save_weights(directory)`` and restores it with ``load_weights(directory)``,
using safe formats only (JSON and safetensors): see :mod:`paratag.tagger`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator

from ..document import Document

Documents = Sequence[Sequence[str] | Document]


def paragraph_lists(X: Documents) -> list[list[str]]:
    """Documents as lists of paragraph strings."""
    if isinstance(X, (str, Document)):
        raise TypeError("X must be a list of documents (each a list of paragraphs), not a single document")
    lists = []
    for i, doc in enumerate(X):
        paragraphs = doc.paragraphs if isinstance(doc, Document) else doc
        if isinstance(paragraphs, str) or not all(isinstance(p, str) for p in paragraphs):
            raise TypeError(f"document {i} must be a list of paragraph strings")
        lists.append(list(paragraphs))
    return lists


def document_groups(X: Documents, groups: Sequence | None) -> np.ndarray:
    """Group of each document: ``groups`` if given, else the source site, else the index."""
    if groups is not None:
        return np.asarray(groups)
    return np.array([doc.group if isinstance(doc, Document) else str(i) for i, doc in enumerate(X)])


class ParagraphModel(BaseEstimator):
    """Base class: subclasses implement ``_fit`` and ``_predict_proba``."""

    def fit(self, X: Documents, y: Sequence[Sequence[str | None]], groups: Sequence | None = None):
        documents = paragraph_lists(X)
        if len(documents) != len(y):
            raise ValueError(f"X has {len(documents)} documents but y has {len(y)} label lists")
        targets = []
        for i, (paragraphs, labels) in enumerate(zip(documents, y)):
            labels = list(labels)
            if len(labels) != len(paragraphs):
                raise ValueError(f"document {i}: {len(paragraphs)} paragraphs but {len(labels)} labels")
            targets.append(labels)
        known = sorted({label for labels in targets for label in labels if label is not None})
        if len(known) < 2:
            raise ValueError(f"training needs at least two labels, got {known}")
        self.classes_ = np.array(known)
        self._fit(documents, targets, document_groups(X, groups))
        return self

    def predict_proba(self, X: Documents) -> list[np.ndarray]:
        self._check_fitted()
        documents = paragraph_lists(X)
        if not documents:
            return []
        return self._predict_proba(documents)

    def predict(self, X: Documents) -> list[list[str]]:
        return [[str(self.classes_[k]) for k in proba.argmax(axis=1)] for proba in self.predict_proba(X)]

    def _check_fitted(self) -> None:
        if not hasattr(self, "classes_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted: call fit() or load a saved model")

    # hooks for subclasses ------------------------------------------------------
    def _fit(self, documents: list[list[str]], targets: list[list[str | None]], groups: np.ndarray) -> None:
        raise NotImplementedError

    def _predict_proba(self, documents: list[list[str]]) -> list[np.ndarray]:
        raise NotImplementedError

    def save_weights(self, directory) -> None:
        """Write the learned state into ``directory`` (safe formats only)."""
        raise NotImplementedError

    def load_weights(self, directory) -> None:
        """Restore the learned state written by :meth:`save_weights`."""
        raise NotImplementedError


class FixedRuleModel(ParagraphModel):
    """A model that learns nothing but its label set (rules, heuristics); saving keeps only that."""

    def _fit(self, documents, targets, groups) -> None:
        pass

    def save_weights(self, directory) -> None:
        from .state import save_state

        save_state(directory, self.classes_, {})

    def load_weights(self, directory) -> None:
        from .state import load_state

        self.classes_, _, _ = load_state(directory)
