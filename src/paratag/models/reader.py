"""Read a page as a sequence: a bidirectional GRU over per-paragraph feature rows.

:class:`GRUReader` is the second stage of the sequence models: it takes one
feature matrix per document (e.g. an n-gram classifier's probabilities plus the
layout features) and predicts every paragraph's label from the whole page, so a
teaser list, an appeal block or the article's run of paragraphs is seen as a
block. With ``context=False`` the GRU is replaced by a per-paragraph network of
the same size (the no-context ablation).
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator
from torch import nn

IGNORE = -100


class PageGRU(nn.Module):
    def __init__(self, n_features: int, n_classes: int, hidden: int, layers: int, dropout: float, context: bool):
        super().__init__()
        self.project = nn.Sequential(nn.Linear(n_features, hidden), nn.GELU(), nn.Dropout(dropout))
        self.context = context
        if context:
            self.rnn = nn.GRU(hidden, hidden, num_layers=layers, batch_first=True, bidirectional=True,
                              dropout=dropout if layers > 1 else 0.0)
        else:
            self.rnn = nn.Sequential(nn.Linear(hidden, 2 * hidden), nn.GELU(), nn.Dropout(dropout))
        self.out = nn.Linear(3 * hidden, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.project(x)
        r = self.rnn(h)[0] if self.context else self.rnn(h)
        return self.out(torch.cat([r, h], dim=-1))


class GRUReader(BaseEstimator):
    """Train and apply a :class:`PageGRU` on lists of per-document feature matrices.

    ``weight_power`` tempers the class weights: ``(n / (k * count)) ** weight_power``
    (0: unweighted, 1: fully balanced).
    """

    def __init__(self, hidden=64, layers=2, dropout=0.2, epochs=20, batch_size=8, learning_rate=3e-3,
                 weight_decay=1e-2, weight_power=0.5, context=True, seed=0):
        self.hidden = hidden
        self.layers = layers
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.weight_power = weight_power
        self.context = context
        self.seed = seed

    def _network(self, n_features: int, n_classes: int) -> PageGRU:
        return PageGRU(n_features, n_classes, self.hidden, self.layers, self.dropout, self.context)

    def fit(self, features: list[np.ndarray], targets: list[np.ndarray], n_classes: int, progress=None):
        """``targets``: class indices per document, ``IGNORE`` (-100) for no target."""
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        stacked = np.vstack(features)
        self.mean_ = stacked.mean(axis=0).astype(np.float32)
        self.scale_ = (stacked.std(axis=0) + 1e-6).astype(np.float32)
        xs = [torch.from_numpy(self._scale(f)) for f in features]
        ys = [torch.as_tensor(t, dtype=torch.long) for t in targets]
        flat = np.concatenate([t[t != IGNORE] for t in targets])
        counts = np.maximum(np.bincount(flat, minlength=n_classes), 1)
        weights = torch.tensor((counts.sum() / (n_classes * counts)) ** self.weight_power, dtype=torch.float32)
        self.network_ = self._network(stacked.shape[1], n_classes)
        optimizer = torch.optim.AdamW(self.network_.parameters(), lr=self.learning_rate,
                                      weight_decay=self.weight_decay)
        steps = self.epochs * int(np.ceil(len(xs) / self.batch_size))
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=self.learning_rate, total_steps=steps)
        self.network_.train()
        for _ in range(self.epochs):
            for batch in self._batches(xs, rng):
                x = nn.utils.rnn.pad_sequence([xs[i] for i in batch], batch_first=True)
                y = nn.utils.rnn.pad_sequence([ys[i] for i in batch], batch_first=True, padding_value=IGNORE)
                logits = self.network_(x)
                loss = nn.functional.cross_entropy(logits.reshape(-1, n_classes), y.reshape(-1),
                                                   weight=weights, ignore_index=IGNORE)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
            if progress is not None:
                progress.update(1)
        self.network_.eval()
        return self

    def _batches(self, xs, rng):
        """Shuffled batches of documents of similar length (little padding)."""
        order = rng.permutation(len(xs))
        chunk = 16 * self.batch_size
        batches = []
        for start in range(0, len(order), chunk):
            part = sorted(order[start:start + chunk], key=lambda i: len(xs[i]))
            batches += [part[i:i + self.batch_size] for i in range(0, len(part), self.batch_size)]
        return [batches[i] for i in rng.permutation(len(batches))]

    def _scale(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.mean_) / self.scale_).astype(np.float32)

    @torch.no_grad()
    def predict_proba(self, features: list[np.ndarray]) -> list[np.ndarray]:
        out = []
        for f in features:
            logits = self.network_(torch.from_numpy(self._scale(f))[None])[0]
            out.append(torch.softmax(logits, dim=-1).numpy())
        return out

    # state ----------------------------------------------------------------------------
    def state_arrays(self) -> dict[str, np.ndarray]:
        arrays = {f"network.{k}": v.detach().cpu().numpy() for k, v in self.network_.state_dict().items()}
        return {**arrays, "mean": self.mean_, "scale": self.scale_}

    def load_arrays(self, arrays: dict[str, np.ndarray], n_classes: int) -> None:
        self.mean_, self.scale_ = arrays["mean"], arrays["scale"]
        self.network_ = self._network(len(self.mean_), n_classes)
        self.network_.load_state_dict({k[len("network."):]: torch.from_numpy(np.array(v))
                                       for k, v in arrays.items() if k.startswith("network.")})
        self.network_.eval()
