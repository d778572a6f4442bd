"""The files a training run writes: ``metrics.json``, ``report.md``, the confusion
matrix PNG and the test predictions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .document import Document
from .evaluate import format_scores
from .fsutil import atomic_write_text
from .plots import confusion_matrix_plot

METRICS_FILE = "metrics.json"
REPORT_FILE = "report.md"
CONFUSION_FILE = "confusion_matrix.png"
PREDICTIONS_FILE = "predictions.jsonl"


def write_predictions(path, documents: Sequence[Document], folds: Sequence[str], probas: Sequence[np.ndarray],
                      labels: Sequence[str]) -> None:
    """One JSON line per test paragraph: where it is, gold and predicted label, probabilities."""
    lines = []
    for document, fold, proba in zip(documents, folds, probas):
        for position, row in enumerate(proba):
            best = int(row.argmax())
            lines.append(json.dumps({
                "fold": fold, "doc_id": document.id, "source": document.source, "position": position,
                "gold": document.labels[position], "predicted": labels[best], "score": round(float(row[best]), 4),
                "proba": {label: round(float(p), 4) for label, p in zip(labels, row)},
            }, ensure_ascii=False))
    atomic_write_text(path, "\n".join(lines) + "\n")


def write_run_report(run_dir, metrics: dict) -> None:
    """``metrics.json``, ``report.md`` and the confusion matrix of one run."""
    run_dir = Path(run_dir)
    scores = metrics["scores"]
    confusion_matrix_plot(np.array(scores["confusion"]["matrix"]), scores["confusion"]["labels"],
                          run_dir / CONFUSION_FILE, title=metrics["name"])
    atomic_write_text(run_dir / METRICS_FILE, json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    data = metrics["data"]
    timing = metrics.get("timing", {})
    lines = [
        f"# Run `{metrics['name']}`",
        "",
        f"- model: `{metrics['model']}`",
        f"- data: {', '.join(data['train'])}" + (f"; tested on {', '.join(data['test'])}" if data.get("test") else ""),
        f"- {data['documents']} documents, {data['paragraphs']} paragraphs, {data['sites']} sites",
        f"- evaluation: {metrics['setting']}",
        f"- labels predicted: {', '.join(metrics['labels'])}",
        f"- fit {timing.get('fit_seconds', 0):.1f} s in all; tagging "
        f"{timing.get('paragraphs_per_second', 0):.0f} paragraphs/s",
        "",
        "## Scores",
        "",
        format_scores(scores, sites=10),
        "",
        f"![confusion matrix]({CONFUSION_FILE})",
        "",
    ]
    for name, other in metrics.get("segmentations", {}).items():
        lines += [f"## Scores on the `{name}` segmentation of the same test pages", "", format_scores(other), ""]
    if metrics.get("calibration"):
        lines += [f"Expected calibration error of the top probability: {metrics['calibration']['ece']:.3f}.", ""]
    if metrics.get("validation"):
        lines += ["## Validation sites", "", format_scores(metrics["validation"]), ""]
    atomic_write_text(run_dir / REPORT_FILE, "\n".join(lines))
