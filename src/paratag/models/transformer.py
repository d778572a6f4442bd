"""A fine-tuned pretrained encoder that reads a paragraph in its context.

Each paragraph becomes a text pair for ``AutoModelForSequenceClassification``:
the first segment is its position and the paragraph (``"3/41 | <paragraph>"``),
the second its neighbours (``"<previous> [SEP] <next>"``, each cut to
``context_chars``), so the model knows which text to label and what surrounds it.
Training is a plain PyTorch loop: AdamW with linear warm-up and decay, batches of
similar length, class-weighted loss (``weight_power``) on a class-balanced sample
of at most ``max_train_paragraphs`` paragraphs, bf16 autocast on a GPU, seeded.

A saved model is a standard transformers folder (``config.json`` with
``id2label``, ``model.safetensors``, tokenizer files), so
``transformers.pipeline("text-classification", model=folder)`` loads it too.
"""

from __future__ import annotations


import numpy as np
import torch

from ..encoders import SAFE_LOADING, encoder_prefix, quiet_transformers, resolve_encoder
from .base import ParagraphModel
from .embeddings import pick_device
from .rows import flatten, split_rows


def balanced_sample(labels: list[str], budget: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of at most ``budget`` items, as even across labels as the counts allow."""
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    quota, left = {}, budget
    for k, (label, items) in enumerate(sorted(by_label.items(), key=lambda kv: len(kv[1]))):
        quota[label] = min(len(items), left // (len(by_label) - k))
        left -= quota[label]
    chosen = [i for label, items in by_label.items() for i in rng.choice(items, quota[label], replace=False)]
    return np.sort(np.array(chosen, dtype=int))


class TransformerModel(ParagraphModel):
    """Fine-tune ``encoder`` (a name from :mod:`paratag.encoders`, a local folder or a
    hub name) to classify each paragraph given its neighbours and position.
    ``num_layers`` keeps only the first layers of the encoder (smaller, faster)."""

    def __init__(self, encoder="all-MiniLM-L6-v2", max_length=128, context_chars=200, num_layers=None,
                 epochs=1, batch_size=16, learning_rate=5e-5, weight_decay=0.01, warmup_ratio=0.1,
                 max_train_paragraphs=None, weight_power=0.5, freeze_embeddings=False, inference_batch_size=64,
                 device="auto", seed=0):
        self.encoder = encoder
        self.max_length = max_length
        self.context_chars = context_chars
        self.num_layers = num_layers
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.max_train_paragraphs = max_train_paragraphs
        self.weight_power = weight_power
        self.freeze_embeddings = freeze_embeddings
        self.inference_batch_size = inference_batch_size
        self.device = device
        self.seed = seed

    # inputs ----------------------------------------------------------------------------
    def _pairs(self, documents) -> tuple[list[str], list[str]]:
        """The (paragraph with position, neighbours) text pair of every paragraph."""
        prefix = encoder_prefix(self.encoder)
        sep = self.tokenizer_.sep_token or "|"
        cut = self.context_chars
        firsts, seconds = [], []
        for paragraphs in documents:
            n = len(paragraphs)
            for i, text in enumerate(paragraphs):
                before = paragraphs[i - 1][-cut:] if i > 0 else ""
                after = paragraphs[i + 1][:cut] if i < n - 1 else ""
                firsts.append(f"{prefix}{i + 1}/{n} | {text}")
                seconds.append(f"{before} {sep} {after}")
        return firsts, seconds

    def _encode(self, documents) -> list[list[int]]:
        firsts, seconds = self._pairs(documents)
        return self.tokenizer_(firsts, seconds, truncation="longest_first", max_length=self.max_length)["input_ids"]

    def _batch(self, ids: list[list[int]]) -> dict[str, torch.Tensor]:
        width = max(map(len, ids))
        pad = self.tokenizer_.pad_token_id or 0
        input_ids = torch.full((len(ids), width), pad, dtype=torch.long)
        attention = torch.zeros((len(ids), width), dtype=torch.long)
        for row, seq in enumerate(ids):
            input_ids[row, :len(seq)] = torch.tensor(seq)
            attention[row, :len(seq)] = 1
        return {"input_ids": input_ids.to(self.device_), "attention_mask": attention.to(self.device_)}

    # training --------------------------------------------------------------------------
    def _fit(self, documents, targets, groups):
        from tqdm.auto import tqdm
        from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        self.device_ = pick_device(self.device)
        path = resolve_encoder(self.encoder)
        self.tokenizer_ = AutoTokenizer.from_pretrained(path, **SAFE_LOADING)
        classes = [str(c) for c in self.classes_]
        extra = {"num_hidden_layers": self.num_layers} if self.num_layers else {}
        with quiet_transformers():  # the new head and dropped layers are expected
            self.network_ = AutoModelForSequenceClassification.from_pretrained(
                path, num_labels=len(classes), id2label=dict(enumerate(classes)),
                label2id={c: k for k, c in enumerate(classes)}, **extra, **SAFE_LOADING).to(self.device_)
        if self.freeze_embeddings:
            self.network_.base_model.embeddings.word_embeddings.weight.requires_grad_(False)

        _, _, flat = flatten(documents, targets)
        ids = self._encode(documents)
        rows = np.array([i for i, t in enumerate(flat) if t is not None])
        if self.max_train_paragraphs and len(rows) > self.max_train_paragraphs:
            rows = rows[balanced_sample([flat[i] for i in rows], self.max_train_paragraphs, rng)]
        index = {c: k for k, c in enumerate(classes)}
        y = np.array([index[flat[i]] for i in rows])
        counts = np.maximum(np.bincount(y, minlength=len(classes)), 1)
        weights = torch.tensor((counts.sum() / (len(classes) * counts)) ** self.weight_power,
                               dtype=torch.float32, device=self.device_)

        steps_per_epoch = int(np.ceil(len(rows) / self.batch_size))
        optimizer = torch.optim.AdamW([p for p in self.network_.parameters() if p.requires_grad],
                                      lr=self.learning_rate, weight_decay=self.weight_decay)
        schedule = get_linear_schedule_with_warmup(optimizer, int(self.warmup_ratio * steps_per_epoch * self.epochs),
                                                   steps_per_epoch * self.epochs)
        use_bf16 = self.device_.type == "cuda"
        self.network_.train()
        self.epoch_seconds_ = []
        for epoch in range(self.epochs):
            import time

            started = time.perf_counter()
            order = rng.permutation(len(rows))
            chunks = [sorted(order[k:k + 32 * self.batch_size], key=lambda j: len(ids[rows[j]]))
                      for k in range(0, len(order), 32 * self.batch_size)]
            batches = [c[k:k + self.batch_size] for c in chunks for k in range(0, len(c), self.batch_size)]
            for batch in tqdm([batches[k] for k in rng.permutation(len(batches))],
                              desc=f"fine-tuning {self.encoder} (epoch {epoch + 1}/{self.epochs})", unit="batch",
                              leave=False):
                inputs = self._batch([ids[rows[j]] for j in batch])
                with torch.autocast(self.device_.type, dtype=torch.bfloat16, enabled=use_bf16):
                    logits = self.network_(**inputs).logits
                loss = torch.nn.functional.cross_entropy(logits.float(), torch.as_tensor(y[batch], device=self.device_),
                                                         weight=weights)
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.network_.parameters(), 1.0)
                optimizer.step()
                schedule.step()
            self.epoch_seconds_.append(time.perf_counter() - started)
        self.network_.eval()

    # prediction ------------------------------------------------------------------------
    @torch.no_grad()
    def _predict_proba(self, documents):
        from tqdm.auto import tqdm

        _, lengths, _ = flatten(documents)
        ids = self._encode(documents)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        proba = np.zeros((len(ids), len(self.classes_)), dtype=np.float32)
        starts = range(0, len(order), self.inference_batch_size)
        use_bf16 = self.device_.type == "cuda"
        for start in tqdm(starts, desc="tagging", unit="batch", leave=False, disable=len(starts) < 20):
            batch = order[start:start + self.inference_batch_size]
            with torch.autocast(self.device_.type, dtype=torch.bfloat16, enabled=use_bf16):
                logits = self.network_(**self._batch([ids[i] for i in batch])).logits
            proba[batch] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        return split_rows(proba, lengths)

    # saving ----------------------------------------------------------------------------
    def save_weights(self, directory) -> None:
        self.network_.save_pretrained(str(directory))
        self.tokenizer_.save_pretrained(str(directory))

    def load_weights(self, directory) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.device_ = pick_device(self.device)
        try:
            self.tokenizer_ = AutoTokenizer.from_pretrained(str(directory), **SAFE_LOADING)
            with quiet_transformers():
                self.network_ = AutoModelForSequenceClassification.from_pretrained(
                    str(directory), **SAFE_LOADING).to(self.device_).eval()
        except (OSError, ValueError, KeyError) as error:  # e.g. custom code it would need to run
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ValueError(f"{directory}: cannot load its transformer: {first}") from None
        id2label = self.network_.config.id2label
        self.classes_ = np.array([id2label[k] for k in sorted(id2label)])
