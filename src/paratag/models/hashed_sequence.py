"""The end-to-end page model: hashed n-gram embeddings and a page GRU, trained jointly.

Each paragraph is the mean of the embeddings of its hashed word and character
n-grams (an :class:`~torch.nn.EmbeddingBag`, fastText-style; see
:mod:`paratag.models.hashing`), joined by its layout features; a
:class:`~paratag.models.reader.PageNetwork` (bidirectional GRU) reads the page and
labels every paragraph. Unlike :class:`~paratag.models.NgramSequenceModel`, the
paragraph representation learns from the page context directly, with no
out-of-fold stacking.

Rare classes: class weights ``(n / (k * count)) ** weight_power``, an optional
focal loss (``focal_gamma``) and ``oversample``: pages with a fundraising or
newsletter paragraph are drawn that many times per epoch.

Calibration: ``validation_fraction`` of the training sites are held out; they pick
the epoch (best macro-F1) and fit a temperature for the logits (lowest
log-loss), so a predicted probability of 0.9 is right about 90% of the time.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..features import FEATURE_NAMES
from .base import ParagraphModel
from .calibration import IGNORE, fit_temperature, hold_out_sites, macro_f1
from .hashing import HashedNgrams
from .ngram import RARE
from .reader import PageNetwork
from .rows import flatten, layout_matrix, split_rows
from .state import load_state, save_state



class PageEncoder(nn.Module):
    """Paragraph bags of n-gram ids plus layout rows -> a PageNetwork over each page."""

    def __init__(self, buckets: int, dim: int, n_layout: int, n_classes: int, hidden: int, layers: int,
                 dropout: float, embedding_dropout: float = 0.0):
        super().__init__()
        self.bag = nn.EmbeddingBag(buckets, dim, mode="mean")
        self.bag_dropout = nn.Dropout(embedding_dropout)
        nn.init.normal_(self.bag.weight, std=0.1)
        self.page = PageNetwork(dim + n_layout, n_classes, hidden, layers, dropout, "gru")

    def forward(self, ids, offsets, layout, lengths):
        """``ids``/``offsets``: the bags of all paragraphs of the batch, page after page;
        ``layout``: their (scaled) layout rows; ``lengths``: paragraphs per page."""
        rows = torch.cat([self.bag_dropout(self.bag(ids, offsets)), layout], dim=1)
        pages = torch.split(rows, lengths.tolist())
        x = nn.utils.rnn.pad_sequence(pages, batch_first=True)
        return self.page(x, lengths)


class _Pages:
    """Featurised pages: per page the n-gram bags, layout rows and targets."""

    def __init__(self, hasher: HashedNgrams, documents, codes=None):
        texts, lengths, _ = flatten(documents)
        ids, offsets = hasher.transform(texts)
        ends = np.append(offsets[1:], len(ids))
        self.lengths = lengths
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int)
        self.bags = []
        for s, n in zip(starts, lengths):
            lo, hi = offsets[s], ends[s + n - 1] if n else offsets[s]
            self.bags.append((ids[lo:hi], offsets[s:s + n] - lo))
        self.layout = split_rows(layout_matrix(documents), lengths)
        self.codes = codes

    def batch(self, pages, mean, scale):
        ids, offsets, base = [], [], 0
        for i in pages:
            page_ids, page_offsets = self.bags[i]
            ids.append(page_ids)
            offsets.append(page_offsets + base)
            base += len(page_ids)
        layout = np.vstack([self.layout[i] for i in pages])
        return (torch.from_numpy(np.concatenate(ids)), torch.from_numpy(np.concatenate(offsets)),
                torch.from_numpy(((layout - mean) / scale).astype(np.float32)),
                torch.tensor([self.lengths[i] for i in pages]))


class HashedSequenceModel(ParagraphModel):
    """Hashed word and character n-gram embeddings with layout, read per page by a GRU, trained end to end."""

    def __init__(self, bits=17, dim=48, char_ngrams=(2, 5), word_ngrams=(1, 2), max_chars=500, hidden=96,
                 layers=1, dropout=0.2, embedding_dropout=0.3, epochs=12, batch_size=8, learning_rate=3e-3,
                 embedding_learning_rate=0.01, embedding_weight_decay=0.0,
                 weight_power=0.5, focal_gamma=0.0, oversample=1, validation_fraction=0.1, calibrate=True,
                 threads=None, random_state=0):
        self.bits = bits
        self.dim = dim
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.max_chars = max_chars
        self.hidden = hidden
        self.layers = layers
        self.dropout = dropout
        self.embedding_dropout = embedding_dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.embedding_learning_rate = embedding_learning_rate
        self.embedding_weight_decay = embedding_weight_decay
        self.weight_power = weight_power
        self.focal_gamma = focal_gamma
        self.oversample = oversample
        self.validation_fraction = validation_fraction
        self.calibrate = calibrate
        self.threads = threads
        self.random_state = random_state

    def _hasher(self) -> HashedNgrams:
        return HashedNgrams(self.bits, self.char_ngrams, self.word_ngrams, self.max_chars)

    def _network(self) -> PageEncoder:
        return PageEncoder(2 ** self.bits, self.dim, len(FEATURE_NAMES), len(self.classes_), self.hidden,
                           self.layers, self.dropout, self.embedding_dropout)

    def _loss(self, logits, y, weights):
        flat, target = logits.reshape(-1, logits.shape[-1]), y.reshape(-1)
        keep = target != IGNORE
        flat, target = flat[keep], target[keep]
        log_p = torch.log_softmax(flat, dim=-1).gather(1, target[:, None]).squeeze(1)
        w = weights[target]
        if self.focal_gamma:
            w = w * (1 - log_p.exp()).pow(self.focal_gamma)
        return -(w * log_p).sum() / weights[target].sum().clamp_min(1e-6)

    def _logits(self, pages: _Pages, which, batch_size=32):
        """Logits of pages ``which``, one ``(n_paragraphs, n_classes)`` tensor each."""
        out = {}
        order = sorted(which, key=lambda i: pages.lengths[i])
        self.network_.eval()
        with torch.no_grad():
            for start in range(0, len(order), batch_size):
                batch = order[start:start + batch_size]
                logits = self.network_(*pages.batch(batch, self.mean_, self.scale_))
                for row, i in enumerate(batch):
                    out[i] = logits[row, :pages.lengths[i]]
        return [out[i] for i in which]

    def _fit(self, documents, targets, groups):
        from tqdm.auto import tqdm

        from ..threads import torch_threads

        with torch_threads(self.threads):
            torch.manual_seed(self.random_state)
            rng = np.random.default_rng(self.random_state)
            index = {label: k for k, label in enumerate(self.classes_)}
            codes = [np.array([index[t] if t is not None else IGNORE for t in doc], dtype=np.int64) for doc in targets]
            pages = _Pages(self._hasher(), documents, codes)
            layout = np.vstack(pages.layout)
            self.mean_ = layout.mean(axis=0).astype(np.float32)
            self.scale_ = (layout.std(axis=0) + 1e-6).astype(np.float32)
            train, held = hold_out_sites(groups, self.validation_fraction, rng)
            flat = np.concatenate([codes[i][codes[i] != IGNORE] for i in train])
            counts = np.maximum(np.bincount(flat, minlength=len(self.classes_)), 1)
            weights = torch.tensor((counts.sum() / (len(counts) * counts)) ** self.weight_power, dtype=torch.float32)
            rare = [index[c] for c in RARE if c in index]
            draws = np.concatenate([np.repeat(i, self.oversample if np.isin(codes[i], rare).any() else 1)
                                    for i in train])
            self.network_ = self._network()
            dense = [p for name, p in self.network_.named_parameters() if not name.startswith("bag.")]
            optimizer = torch.optim.AdamW(
                [{"params": dense, "lr": self.learning_rate, "weight_decay": 1e-2},
                 {"params": list(self.network_.bag.parameters()), "lr": self.embedding_learning_rate,
                  "weight_decay": self.embedding_weight_decay}])
            steps = self.epochs * int(np.ceil(len(draws) / self.batch_size))
            schedule = torch.optim.lr_scheduler.OneCycleLR(
                optimizer, max_lr=[self.learning_rate, self.embedding_learning_rate], total_steps=steps)
            best, best_state, self.history_ = -1.0, None, []
            for epoch in tqdm(range(self.epochs), desc="hashed sequence model", unit="epoch", leave=False):
                self.network_.train()
                total = 0.0
                for batch in _length_batches(draws, pages.lengths, self.batch_size, rng):
                    ids, offsets, lay, lengths = pages.batch(batch, self.mean_, self.scale_)
                    y = nn.utils.rnn.pad_sequence([torch.from_numpy(codes[i]) for i in batch], batch_first=True,
                                                  padding_value=IGNORE)
                    loss = self._loss(self.network_(ids, offsets, lay, lengths), y, weights)
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    schedule.step()
                    total += float(loss.detach()) * len(batch)
                record = {"epoch": epoch + 1, "train_loss": total / len(draws)}
                if len(held):
                    record.update(self._validation_scores(pages, held, codes))
                    if record["validation_macro_f1"] > best:
                        best = record["validation_macro_f1"]
                        best_state = {k: v.clone() for k, v in self.network_.state_dict().items()}
                self.history_.append(record)
            if best_state is not None:
                self.network_.load_state_dict(best_state)
            self.temperature_ = np.float32(1.0)
            if self.calibrate and len(held):
                logits = torch.cat(self._logits(pages, list(held)))
                self.temperature_ = np.float32(fit_temperature(logits, np.concatenate([codes[i] for i in held])))
            self.network_.eval()

    def _validation_scores(self, pages, held, codes) -> dict:
        logits = torch.cat(self._logits(pages, list(held)))
        gold = np.concatenate([codes[i] for i in held])
        keep = gold != IGNORE
        loss = nn.functional.cross_entropy(logits[keep], torch.from_numpy(gold[keep]))
        return {"validation_loss": float(loss), "validation_macro_f1": macro_f1(logits, gold, self.classes_)}

    def _predict_proba(self, documents):
        from ..threads import torch_threads

        with torch_threads(self.threads):
            pages = _Pages(self._hasher(), documents)
            logits = self._logits(pages, list(range(len(documents))))
            return [torch.softmax(x / float(self.temperature_), dim=-1).numpy() for x in logits]

    def save_weights(self, directory) -> None:
        arrays = {f"network.{k}": v.detach().cpu().numpy() for k, v in self.network_.state_dict().items()}
        arrays.update(mean=self.mean_, scale=self.scale_, temperature=np.array([self.temperature_], np.float32))
        save_state(directory, self.classes_, {}, arrays)

    def load_weights(self, directory) -> None:
        self.classes_, _, arrays = load_state(directory)
        self.mean_, self.scale_ = arrays["mean"], arrays["scale"]
        self.temperature_ = np.float32(arrays["temperature"][0])
        self.network_ = self._network()
        self.network_.load_state_dict({k[len("network."):]: torch.from_numpy(np.array(v))
                                       for k, v in arrays.items() if k.startswith("network.")})
        self.network_.eval()


def _length_batches(draws, lengths, batch_size, rng):
    """Shuffled batches of pages of similar length (little padding)."""
    order = rng.permutation(draws)
    chunk = 16 * batch_size
    batches = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: lengths[i])
        batches += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]
