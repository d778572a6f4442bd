"""Splits that keep every source site on one side.

A splitter's ``split(documents)`` yields :class:`Fold` objects of document
indices. Documents are grouped by :attr:`Document.group` (the source site), so a
site - and therefore every paragraph of a document - is only ever in one of
train, validation and test.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import GroupKFold

from .document import Document


@dataclass
class Fold:
    name: str
    train: list[int]
    test: list[int]
    validation: list[int] = field(default_factory=list)


def _groups(documents: Sequence[Document]) -> np.ndarray:
    return np.array([d.group for d in documents])


class SiteKFold:
    """K-fold cross-validation grouped by site; sites are shuffled with ``seed``."""

    def __init__(self, n_splits: int = 5, seed: int = 0):
        self.n_splits = n_splits
        self.seed = seed

    def split(self, documents: Sequence[Document]) -> Iterator[Fold]:
        groups = _groups(documents)
        n_groups = len(set(groups))
        if n_groups < self.n_splits:
            raise ValueError(f"{self.n_splits}-fold cross-validation needs at least {self.n_splits} "
                             f"sites; the data has {n_groups}")
        folds = GroupKFold(n_splits=self.n_splits, shuffle=True, random_state=self.seed)
        for k, (train, test) in enumerate(folds.split(np.zeros(len(groups)), groups=groups)):
            yield Fold(name=f"fold{k}", train=train.tolist(), test=test.tolist())


class SiteHoldout:
    """One train / validation / test split by site, in the given proportions of sites."""

    def __init__(self, validation_size: float = 0.1, test_size: float = 0.2, seed: int = 0):
        self.validation_size = validation_size
        self.test_size = test_size
        self.seed = seed

    def split(self, documents: Sequence[Document]) -> Iterator[Fold]:
        groups = _groups(documents)
        sites = np.array(sorted(set(groups)))
        np.random.default_rng(self.seed).shuffle(sites)
        n_test = max(1, round(self.test_size * len(sites)))
        n_val = round(self.validation_size * len(sites))
        if n_test + n_val >= len(sites):
            raise ValueError(f"a holdout split needs more sites than {len(sites)}")
        test_sites, val_sites = set(sites[:n_test]), set(sites[n_test:n_test + n_val])
        side = ["test" if g in test_sites else "validation" if g in val_sites else "train" for g in groups]
        yield Fold(name="holdout",
                   train=[i for i, s in enumerate(side) if s == "train"],
                   test=[i for i, s in enumerate(side) if s == "test"],
                   validation=[i for i, s in enumerate(side) if s == "validation"])
