"""Word and character n-gram models.

- :class:`NgramFeatures`: TF-IDF word and character n-grams of a paragraph.
- :class:`NgramModel`: logistic regression over the n-grams of a paragraph and of
  its neighbours (separate blocks per offset, so "before" and "after" differ) and
  the layout features: the classic linear baseline with context.
- :class:`NgramSequenceModel`: the same paragraph n-grams give out-of-fold
  probabilities (grouped by site), which a :class:`~paratag.models.reader.GRUReader`
  reads together with the layout features as one sequence per page; with
  ``encoder`` set, each paragraph's frozen sentence embedding joins them (the
  hybrid of n-grams, layout and meaning).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from .base import ParagraphModel
from .reader import IGNORE, GRUReader

#: Classes whose pages the reader's ``oversample`` repeats.
RARE = ("fundraising", "newsletter")
from .rows import align_proba, flatten, layout_matrix, shift_rows, split_rows, targets_array
from .state import load_state, save_state


class NgramFeatures(BaseEstimator):
    """TF-IDF of word n-grams and of character n-grams within word bounds."""

    def __init__(self, word_ngrams=(1, 2), char_ngrams=(2, 5), max_features=50_000, min_df=2):
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_features = max_features
        self.min_df = min_df

    def fit(self, texts):
        common = dict(min_df=self.min_df, sublinear_tf=True, max_features=self.max_features, dtype=np.float32)
        self.word_ = TfidfVectorizer(ngram_range=tuple(self.word_ngrams), **common).fit(texts)
        self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams), **common).fit(texts)
        return self

    def transform(self, texts) -> sp.csr_matrix:
        return sp.hstack([self.word_.transform(texts), self.char_.transform(texts)]).tocsr()

    def parts(self) -> dict:
        return {"word": self.word_, "char": self.char_}

    def set_parts(self, parts: dict) -> None:
        self.word_, self.char_ = parts["word"], parts["char"]


# -------------------------------------------------------------------------------- models
class NgramModel(ParagraphModel):
    """Logistic regression over TF-IDF n-grams of a paragraph and its ``neighbours``
    on each side, plus (``layout=True``) the layout features."""

    def __init__(self, word_ngrams=(1, 2), char_ngrams=(2, 5), max_features=50_000, min_df=2,
                 neighbours=1, neighbour_weight=0.5, layout=True, C=1.0, class_weight="balanced", seed=0):
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_features = max_features
        self.min_df = min_df
        self.neighbours = neighbours
        self.neighbour_weight = neighbour_weight
        self.layout = layout
        self.C = C
        self.class_weight = class_weight
        self.seed = seed

    def _features(self):
        return NgramFeatures(self.word_ngrams, self.char_ngrams, self.max_features, self.min_df)

    def _matrix(self, documents):
        texts, lengths, _ = flatten(documents)
        grams = self.ngrams_.transform(texts)
        blocks = [grams]
        for offset in range(1, self.neighbours + 1):
            blocks += [self.neighbour_weight * shift_rows(grams, lengths, -offset),
                       self.neighbour_weight * shift_rows(grams, lengths, offset)]
        if self.layout:
            blocks.append(sp.csr_matrix(self.layout_scaler_.transform(layout_matrix(documents))))
        return sp.hstack(blocks).tocsr(), lengths

    def _fit(self, documents, targets, groups):
        texts, _, flat = flatten(documents, targets)
        self.ngrams_ = self._features().fit(texts)
        if self.layout:
            self.layout_scaler_ = StandardScaler().fit(layout_matrix(documents))
        X, _ = self._matrix(documents)
        y, mask = targets_array(flat)
        self.classifier_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000,
                                              random_state=self.seed).fit(X[mask], y[mask])

    def _predict_proba(self, documents):
        X, lengths = self._matrix(documents)
        return split_rows(align_proba(self.classifier_, self.classes_, X), lengths)

    def save_weights(self, directory) -> None:
        parts = {**self.ngrams_.parts(), "classifier": self.classifier_}
        if self.layout:
            parts["layout_scaler"] = self.layout_scaler_
        save_state(directory, self.classes_, parts)

    def load_weights(self, directory) -> None:
        self.classes_, parts, _ = load_state(directory)
        self.ngrams_ = self._features()
        self.ngrams_.set_parts(parts)
        self.classifier_ = parts["classifier"]
        self.layout_scaler_ = parts.get("layout_scaler")


class NgramSequenceModel(ParagraphModel):
    """Paragraph n-gram probabilities and layout, read as a page sequence by a GRU.

    Stage 1 is a logistic regression over the paragraph's own n-grams; on the
    training documents its probabilities are out-of-fold (``inner_folds`` folds
    grouped by site), so stage 2 learns from the same kind of noisy predictions it
    will see on new sites. Stage 2 is ``reader`` (a :class:`GRUReader`) over
    ``[log p(stage 1), layout features, embedding]`` per paragraph, the embedding
    being ``encoder``'s (see :mod:`paratag.encoders`) when one is named.
    """

    def __init__(self, word_ngrams=(1, 2), char_ngrams=(2, 5), max_features=50_000, min_df=2, C=1.0,
                 class_weight="balanced", inner_folds=5, layout=True, encoder: str | None = None,
                 encoder_max_length=128, device="auto", reader: GRUReader | None = None, seed=0):
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_features = max_features
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.inner_folds = inner_folds
        self.layout = layout
        self.encoder = encoder
        self.encoder_max_length = encoder_max_length
        self.device = device
        self.reader = reader
        self.seed = seed

    def _stage1(self):
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000, random_state=self.seed)

    def _reader(self) -> GRUReader:
        from sklearn.base import clone

        return clone(self.reader) if self.reader is not None else GRUReader(seed=self.seed)

    def _sequence_features(self, documents, texts, proba, lengths):
        rows = [np.log(proba + 1e-4)]
        if self.layout:
            rows.append(layout_matrix(documents))
        if self.encoder:
            from .embeddings import embed

            rows.append(embed(texts, self.encoder, self.encoder_max_length, device=self.device))
        return split_rows(np.hstack(rows).astype(np.float32), lengths)

    def _fit(self, documents, targets, groups):
        texts, lengths, flat = flatten(documents, targets)
        self.ngrams_ = NgramFeatures(self.word_ngrams, self.char_ngrams, self.max_features, self.min_df).fit(texts)
        X = self.ngrams_.transform(texts)
        y, mask = targets_array(flat)
        self.stage1_ = self._stage1().fit(X[mask], y[mask])
        # out-of-fold stage-1 probabilities, grouped by site (by document when there is one site)
        doc_of_row = np.repeat(np.arange(len(documents)), lengths)
        if len(set(groups)) < 2:
            groups = np.arange(len(documents))
        n_folds = min(self.inner_folds, len(set(groups)))
        if n_folds < 2:  # a single document: nothing to hold out
            oof = align_proba(self.stage1_, self.classes_, X)
        else:
            folds = GroupKFold(n_splits=n_folds, shuffle=True, random_state=self.seed)
            oof = np.zeros((len(texts), len(self.classes_)), dtype=np.float32)
            for train_docs, held_docs in folds.split(np.zeros(len(documents)), groups=groups):
                fit_rows = np.isin(doc_of_row, train_docs) & mask
                held_rows = np.isin(doc_of_row, held_docs)
                inner = self._stage1().fit(X[fit_rows], y[fit_rows])
                oof[held_rows] = align_proba(inner, self.classes_, X[held_rows])
        index = {label: k for k, label in enumerate(self.classes_)}
        codes = np.array([index.get(t, IGNORE) if m else IGNORE for t, m in zip(y, mask)])
        self.reader_ = self._reader().fit(self._sequence_features(documents, texts, oof, lengths),
                                          split_rows(codes, lengths), len(self.classes_), groups=groups,
                                          rare_classes=[index[c] for c in RARE if c in index],
                                          classes=list(self.classes_))

    def _predict_proba(self, documents):
        texts, lengths, _ = flatten(documents)
        proba = align_proba(self.stage1_, self.classes_, self.ngrams_.transform(texts))
        return self.reader_.predict_proba(self._sequence_features(documents, texts, proba, lengths))

    def save_weights(self, directory) -> None:
        parts = {**self.ngrams_.parts(), "stage1": self.stage1_}
        save_state(directory, self.classes_, parts, {f"reader.{k}": v for k, v in self.reader_.state_arrays().items()})

    def load_weights(self, directory) -> None:
        self.classes_, parts, arrays = load_state(directory)
        self.ngrams_ = NgramFeatures(self.word_ngrams, self.char_ngrams, self.max_features, self.min_df)
        self.ngrams_.set_parts(parts)
        self.stage1_ = parts["stage1"]
        self.reader_ = self._reader()
        self.reader_.load_arrays({k[len("reader."):]: v for k, v in arrays.items() if k.startswith("reader.")},
                                 len(self.classes_))
