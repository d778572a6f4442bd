"""The scores, the same everywhere: training reports, ``paratag evaluate`` and tests.

- per-class precision, recall and F1 over all paragraphs (a ``fundraising``
  prediction on an ``other`` paragraph is a false positive for ``fundraising``);
- ``macro_f1``: the mean F1 of the four task labels (core, fundraising,
  newsletter, related), whatever the model's taxonomy;
- ``core_f1``: F1 of ``core`` against everything else (core vs rest);
- ``token_f1``: the bag-of-tokens F1 between the text kept as ``core`` and the
  gold ``core`` text, per document, averaged over documents;
- a per-site table of the same scores.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

from .labels import MAIN_LABELS

ALL_LABELS = MAIN_LABELS + ("other",)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (Unicode ``\\w+`` runs)."""
    return _TOKEN.findall(text.lower())


def token_f1(predicted_text: str, gold_text: str) -> float:
    """Bag-of-tokens F1 of two texts; 1.0 when both are empty."""
    predicted, gold = Counter(tokens(predicted_text)), Counter(tokens(gold_text))
    if not predicted and not gold:
        return 1.0
    overlap = sum((predicted & gold).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(predicted.values())
    recall = overlap / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def clean_text(paragraphs: Sequence[str], labels: Sequence[str]) -> str:
    """The text kept as ``core``: its paragraphs joined by blank lines."""
    return "\n\n".join(p for p, label in zip(paragraphs, labels) if label == "core")


def document_token_f1(paragraphs: Sequence[str], gold: Sequence[str], predicted: Sequence[str]) -> float:
    return token_f1(clean_text(paragraphs, predicted), clean_text(paragraphs, gold))


def paragraph_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict:
    """Per-class P/R/F1/support for the five labels, macro-F1 of the four, core F1, accuracy."""
    gold, predicted = list(gold), list(predicted)
    p, r, f, s = precision_recall_fscore_support(gold, predicted, labels=list(ALL_LABELS), zero_division=0)
    per_class = {label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
                 for i, label in enumerate(ALL_LABELS)}
    return {
        "macro_f1": float(np.mean([per_class[label]["f1"] for label in MAIN_LABELS])),
        "core_f1": per_class["core"]["f1"],
        "accuracy": float(accuracy_score(gold, predicted)) if gold else 0.0,
        "per_class": per_class,
    }


def score_documents(paragraphs: Sequence[Sequence[str]], gold: Sequence[Sequence[str]],
                    predicted: Sequence[Sequence[str]]) -> dict:
    """All scores of predicted label sequences against gold, one sequence per document."""
    if not (len(paragraphs) == len(gold) == len(predicted)):
        raise ValueError("paragraphs, gold and predicted must have one entry per document")
    for i, (g, q) in enumerate(zip(gold, predicted)):
        if len(g) != len(q):
            raise ValueError(f"document {i}: {len(g)} gold labels but {len(q)} predictions")
    flat_gold = [label for doc in gold for label in doc]
    flat_pred = [label for doc in predicted for label in doc]
    result = paragraph_scores(flat_gold, flat_pred)
    per_doc = [document_token_f1(*args) for args in zip(paragraphs, gold, predicted)]
    result["token_f1"] = float(np.mean(per_doc)) if per_doc else 0.0
    result["n_documents"] = len(gold)
    result["n_paragraphs"] = len(flat_gold)
    return result


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Confusion matrix over the five labels (rows gold, columns predicted)."""
    labels = list(ALL_LABELS)
    return labels, confusion_matrix(list(gold), list(predicted), labels=labels)


def per_group(keys: Sequence[str], paragraphs, gold, predicted, key: str = "site") -> list[dict]:
    """The scores of each group of documents (``keys[i]`` is document i's site,
    language, ...), sorted by group."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(keys):
        groups[name].append(i)
    rows = []
    for name in sorted(groups):
        idx = groups[name]
        scores = score_documents([paragraphs[i] for i in idx], [gold[i] for i in idx], [predicted[i] for i in idx])
        rows.append({key: name, "documents": len(idx), "paragraphs": scores["n_paragraphs"],
                     "accuracy": scores["accuracy"], "macro_f1": scores["macro_f1"],
                     "core_f1": scores["core_f1"], "token_f1": scores["token_f1"],
                     **{f"f1_{label}": scores["per_class"][label]["f1"] for label in MAIN_LABELS}})
    return rows


def calibration(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> dict:
    """Reliability of the top probability: per equal-width bin the mean confidence,
    the accuracy and the count, and the expected calibration error (ECE)."""
    confidence, correct = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    mean_conf = np.bincount(which, weights=confidence, minlength=bins) / np.maximum(count, 1)
    accuracy = np.bincount(which, weights=correct, minlength=bins) / np.maximum(count, 1)
    ece = float(np.sum(count * np.abs(mean_conf - accuracy)) / max(len(confidence), 1))
    return {"confidence": mean_conf.tolist(), "accuracy": accuracy.tolist(), "count": count.tolist(), "ece": ece}


HEADLINE = ("macro_f1", "core_f1", "token_f1", "accuracy")


def headline(scores: dict) -> dict:
    """The flat headline numbers of a score dict: the four summary scores and per-class F1."""
    flat = {key: scores[key] for key in HEADLINE}
    flat.update({f"f1_{label}": scores["per_class"][label]["f1"] for label in ALL_LABELS})
    return flat
