"""Read a page as a sequence: a small network over per-paragraph feature rows.

:class:`GRUReader` is the second stage of the sequence models: it takes one
feature matrix per document (e.g. an n-gram classifier's probabilities plus the
layout features) and predicts every paragraph's label from the whole page, so a
teaser list, an appeal block or the article's run of paragraphs is seen as a
block. ``context`` chooses how paragraphs see each other:

- ``"gru"``: a bidirectional GRU over the whole page;
- ``"cnn"``: residual dilated 1-D convolutions (about +-15 paragraphs), faster on a CPU;
- ``"none"``: no neighbours at all, a per-paragraph network of the same size (the
  no-context ablation).
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator
from torch import nn

from .calibration import IGNORE, fit_temperature, hold_out_sites, macro_f1


CONTEXTS = ("gru", "cnn", "none")


class PageNetwork(nn.Module):
    """Project each paragraph's features, mix them along the page, classify each paragraph."""

    def __init__(self, n_features: int, n_classes: int, hidden: int, layers: int, dropout: float, context: str):
        super().__init__()
        if context not in CONTEXTS:
            raise ValueError(f"context must be one of {CONTEXTS}, got {context!r}")
        self.context = context
        self.project = nn.Sequential(nn.Linear(n_features, hidden), nn.GELU(), nn.Dropout(dropout))
        if context == "gru":
            self.mix = nn.GRU(hidden, hidden, num_layers=layers, batch_first=True, bidirectional=True,
                              dropout=dropout if layers > 1 else 0.0)
        elif context == "cnn":
            self.mix = nn.ModuleList(nn.Conv1d(hidden, hidden, kernel_size=3, dilation=2 ** k, padding=2 ** k)
                                     for k in range(2 * layers))
            self.widen = nn.Linear(hidden, 2 * hidden)
        else:
            self.mix = nn.Sequential(nn.Linear(hidden, 2 * hidden), nn.GELU(), nn.Dropout(dropout))
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(3 * hidden, n_classes)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """``x``: (batch, paragraphs, features), zero-padded; ``lengths``: paragraphs per document."""
        mask = (torch.arange(x.shape[1])[None, :] < lengths[:, None]).unsqueeze(-1).float()
        h = self.project(x) * mask
        if self.context == "gru":
            packed = nn.utils.rnn.pack_padded_sequence(h, lengths.cpu(), batch_first=True, enforce_sorted=False)
            r, _ = nn.utils.rnn.pad_packed_sequence(self.mix(packed)[0], batch_first=True, total_length=x.shape[1])
        elif self.context == "cnn":
            c = h.transpose(1, 2)
            for conv in self.mix:
                c = (c + self.dropout(nn.functional.gelu(conv(c)))) * mask.transpose(1, 2)
            r = self.widen(c.transpose(1, 2))
        else:
            r = self.mix(h)
        return self.out(torch.cat([r, h], dim=-1))


class GRUReader(BaseEstimator):
    """Train and apply a :class:`PageNetwork` on lists of per-document feature matrices.

    ``weight_power`` tempers the class weights: ``(n / (k * count)) ** weight_power``
    (0: unweighted, 1: fully balanced). ``oversample``: documents with a paragraph of
    a class in ``rare_classes`` (indices, set by the caller) are drawn that many times
    per epoch. With ``validation_fraction`` > 0 and ``groups`` given to :meth:`fit`,
    that fraction of the sites is held out to keep the best epoch and (``calibrate``)
    fit a temperature (:mod:`paratag.models.calibration`).
    """

    def __init__(self, hidden=64, layers=2, dropout=0.2, epochs=20, batch_size=8, learning_rate=3e-3,
                 weight_decay=1e-2, weight_power=0.5, context="gru", oversample=1, validation_fraction=0.0,
                 calibrate=False, seed=0):
        self.hidden = hidden
        self.layers = layers
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.weight_power = weight_power
        self.context = context
        self.oversample = oversample
        self.validation_fraction = validation_fraction
        self.calibrate = calibrate
        self.seed = seed

    def _network(self, n_features: int, n_classes: int) -> PageNetwork:
        return PageNetwork(n_features, n_classes, self.hidden, self.layers, self.dropout, self.context)

    def fit(self, features: list[np.ndarray], targets: list[np.ndarray], n_classes: int, groups=None,
            rare_classes=(), classes=None):
        """``targets``: class indices per document, ``IGNORE`` (-100) for no target; ``groups``:
        each document's site (for the held-out sites); ``classes``: the class names."""
        from tqdm.auto import tqdm

        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        stacked = np.vstack(features)
        self.mean_ = stacked.mean(axis=0).astype(np.float32)
        self.scale_ = (stacked.std(axis=0) + 1e-6).astype(np.float32)
        xs = [torch.from_numpy(self._scale(f)) for f in features]
        ys = [torch.as_tensor(t, dtype=torch.long) for t in targets]
        train, held = (hold_out_sites(groups, self.validation_fraction, rng) if groups is not None
                       else (np.arange(len(xs)), np.zeros(0, dtype=int)))
        flat = np.concatenate([targets[i][targets[i] != IGNORE] for i in train])
        counts = np.maximum(np.bincount(flat, minlength=n_classes), 1)
        weights = torch.tensor((counts.sum() / (n_classes * counts)) ** self.weight_power, dtype=torch.float32)
        draws = np.concatenate([np.repeat(i, self.oversample if np.isin(targets[i], list(rare_classes)).any() else 1)
                                for i in train])
        self.network_ = self._network(stacked.shape[1], n_classes)
        optimizer = torch.optim.AdamW(self.network_.parameters(), lr=self.learning_rate,
                                      weight_decay=self.weight_decay)
        steps = self.epochs * int(np.ceil(len(draws) / self.batch_size))
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=self.learning_rate, total_steps=steps)
        best, best_state, self.history_ = -1.0, None, []
        held_gold = np.concatenate([targets[i] for i in held]) if len(held) else None
        for epoch in tqdm(range(self.epochs), desc="sequence reader", unit="epoch", leave=False):
            self.network_.train()
            for batch in self._batches(xs, rng, draws):
                x = nn.utils.rnn.pad_sequence([xs[i] for i in batch], batch_first=True)
                y = nn.utils.rnn.pad_sequence([ys[i] for i in batch], batch_first=True, padding_value=IGNORE)
                logits = self.network_(x, torch.tensor([len(xs[i]) for i in batch]))
                loss = nn.functional.cross_entropy(logits.reshape(-1, n_classes), y.reshape(-1),
                                                   weight=weights, ignore_index=IGNORE)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
            if len(held):
                score = macro_f1(self._logits([xs[i] for i in held]), held_gold, classes or range(n_classes))
                self.history_.append({"epoch": epoch + 1, "validation_macro_f1": score})
                if score > best:
                    best, best_state = score, {k: v.clone() for k, v in self.network_.state_dict().items()}
        if best_state is not None:
            self.network_.load_state_dict(best_state)
        self.network_.eval()
        self.temperature_ = np.float32(1.0)
        if self.calibrate and len(held):
            self.temperature_ = np.float32(fit_temperature(self._logits([xs[i] for i in held]), held_gold))
        return self

    @torch.no_grad()
    def _logits(self, xs: list[torch.Tensor], batch_size: int = 32) -> torch.Tensor:
        """The logits of already scaled documents, concatenated in order."""
        self.network_.eval()
        out = []
        for start in range(0, len(xs), batch_size):
            part = xs[start:start + batch_size]
            logits = self.network_(nn.utils.rnn.pad_sequence(part, batch_first=True),
                                   torch.tensor([len(x) for x in part]))
            out += [logits[row, :len(x)] for row, x in enumerate(part)]
        return torch.cat(out)

    def _batches(self, xs, rng, draws=None):
        """Shuffled batches of documents (``draws``: which, with repeats) of similar length."""
        order = rng.permutation(draws if draws is not None else len(xs))
        chunk = 16 * self.batch_size
        batches = []
        for start in range(0, len(order), chunk):
            part = sorted(order[start:start + chunk], key=lambda i: len(xs[i]))
            batches += [part[i:i + self.batch_size] for i in range(0, len(part), self.batch_size)]
        return [batches[i] for i in rng.permutation(len(batches))]

    def _scale(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.mean_) / self.scale_).astype(np.float32)

    @torch.no_grad()
    def predict_proba(self, features: list[np.ndarray], batch_size: int = 32) -> list[np.ndarray]:
        out: list[np.ndarray | None] = [None] * len(features)
        order = sorted(range(len(features)), key=lambda i: len(features[i]))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            x = nn.utils.rnn.pad_sequence([torch.from_numpy(self._scale(features[i])) for i in batch], batch_first=True)
            lengths = torch.tensor([len(features[i]) for i in batch])
            proba = torch.softmax(self.network_(x, lengths) / float(getattr(self, "temperature_", 1.0)), dim=-1).numpy()
            for row, i in enumerate(batch):
                out[i] = proba[row, :len(features[i])]
        return out

    # state ----------------------------------------------------------------------------
    def state_arrays(self) -> dict[str, np.ndarray]:
        arrays = {f"network.{k}": v.detach().cpu().numpy() for k, v in self.network_.state_dict().items()}
        return {**arrays, "mean": self.mean_, "scale": self.scale_,
                "temperature": np.array([getattr(self, "temperature_", 1.0)], dtype=np.float32)}

    def load_arrays(self, arrays: dict[str, np.ndarray], n_classes: int) -> None:
        self.mean_, self.scale_ = arrays["mean"], arrays["scale"]
        # models saved before calibration existed have no temperature: 1 leaves them as they were
        self.temperature_ = np.float32(arrays["temperature"][0]) if "temperature" in arrays else np.float32(1.0)
        self.network_ = self._network(len(self.mean_), n_classes)
        self.network_.load_state_dict({k[len("network."):]: torch.from_numpy(np.array(v))
                                       for k, v in arrays.items() if k.startswith("network.")})
        self.network_.eval()
