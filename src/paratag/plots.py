"""Figures a person would rather look at than read; all saved as PNG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _save(fig, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def confusion_matrix_plot(matrix: np.ndarray, labels: Sequence[str], path, title: str = "") -> Path:
    """Row-normalised confusion matrix (gold rows, predicted columns), counts in the cells."""
    matrix = np.asarray(matrix)
    share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(5.6, 4.8))
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, f"{matrix[i, j]}\n{share[i, j]:.0%}", ha="center", va="center", fontsize=7,
                    color="white" if share[i, j] > 0.6 else "black")
    fig.colorbar(image, ax=ax, fraction=0.046, label="share of gold row")
    ax.set_title(title or "confusion matrix")
    return _save(fig, path)


def f1_bars(rows: dict[str, dict[str, tuple[float, float]]], labels: Sequence[str], path, title="") -> Path:
    """Grouped bars: per-class F1 (mean, std) for each named run."""
    names = list(rows)
    width = 0.8 / max(len(names), 1)
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(labels) + 0.4 * len(names)), 4))
    x = np.arange(len(labels))
    for k, name in enumerate(names):
        means = [rows[name].get(label, (np.nan, 0))[0] for label in labels]
        stds = [rows[name].get(label, (np.nan, 0))[1] for label in labels]
        ax.bar(x + k * width - 0.4 + width / 2, means, width, yerr=stds, label=name, capsize=2)
    ax.set_xticks(x, labels)
    ax.set_ylim(0, 1)
    ax.set_ylabel("F1")
    ax.legend(fontsize=7, ncol=2)
    ax.set_title(title or "per-class F1")
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def curve_plot(series: dict[str, tuple[Sequence[float], Sequence[float], Sequence[float]]], path,
               xlabel: str, ylabel: str, title: str = "", logx: bool = False,
               references: dict[str, float] | None = None) -> Path:
    """Lines with a shaded spread: ``series[name] = (x, mean, std)``; ``references[name]`` is drawn
    as a dashed horizontal line (e.g. the same model trained on all the data)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ticks = set()
    for name, (x, mean, std) in series.items():
        x, mean, std = map(np.asarray, (x, mean, std))
        ax.plot(x, mean, marker="o", label=name)
        ax.fill_between(x, mean - std, mean + std, alpha=0.2)
        ticks.update(x.tolist())
    for name, value in (references or {}).items():
        ax.axhline(value, linestyle="--", linewidth=1, color="grey")
        ax.annotate(name, (0.01, value), xycoords=("axes fraction", "data"), va="bottom", fontsize=7, color="grey")
    if logx:  # ticks at the points, written plainly (16, 32, 64, not 2x10^1)
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks(sorted(ticks), [f"{t:g}" for t in sorted(ticks)])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return _save(fig, path)


def reliability_plot(curves: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], path, title="") -> Path:
    """Reliability diagram: ``curves[name] = (bin confidence, bin accuracy, bin count)``."""
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
    for name, (confidence, accuracy, count) in curves.items():
        keep = np.asarray(count) > 0
        ax.plot(np.asarray(confidence)[keep], np.asarray(accuracy)[keep], marker="o", label=name)
    ax.set_xlabel("confidence (max probability)")
    ax.set_ylabel("accuracy")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title or "reliability")
    return _save(fig, path)
