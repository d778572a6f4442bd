"""Collect finished runs into one results table and plots: ``paratag report``.

Any folder holding a run's ``metrics.json`` counts as a run; folders are searched
recursively, so a sweep folder (or a folder of sweeps) collects all of its jobs.
Runs are grouped by their ``name`` (and training size, for learning curves); a
group's mean ± std is over all folds of all its runs (e.g. 3 seeds × 5 folds).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from fnmatch import fnmatch
from pathlib import Path

import numpy as np

from .fsutil import atomic_write_text
from .metrics import ALL_LABELS, HEADLINE, calibration
from .plots import confusion_matrix_plot, curve_plot, f1_bars, reliability_plot
from .report import METRICS_FILE, PREDICTIONS_FILE

#: The table's score columns (``core_f1`` already is core's F1, so ``f1_core`` is left out);
#: ``joined_*``: the same test pages in the joined segmentation (paratag.segmentation).
COLUMNS = ("macro_f1", "joined_macro_f1", "core_f1", "joined_core_f1", "token_f1", "joined_token_f1",
           "f1_fundraising", "joined_f1_fundraising", "f1_newsletter", "joined_f1_newsletter", "f1_related",
           "joined_f1_related", "f1_other")


def find_runs(paths: Sequence[str | Path]) -> list[Path]:
    runs = []
    for path in map(Path, paths):
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such folder")
        runs += sorted(p.parent for p in path.rglob(METRICS_FILE))
    return sorted(set(runs))


def _score_rows(scores: dict) -> list[dict]:
    if scores.get("folds"):
        return list(scores["folds"].values())
    return [{k: scores[k] for k in HEADLINE} | {f"f1_{l}": scores["per_class"][l]["f1"] for l in ALL_LABELS}]


def _fold_rows(metrics: dict) -> list[dict]:
    """One row of scores per fold; the scores on other segmentations of the same pages
    join each row with the segmentation's name as prefix (``joined_macro_f1``)."""
    rows = _score_rows(metrics["scores"])
    for name, scores in metrics.get("segmentations", {}).items():
        for row, other in zip(rows, _score_rows(scores)):
            row.update({f"{name}_{k}": v for k, v in other.items()})
    return rows


def _calibration(run: Path) -> dict | None:
    path = run / PREDICTIONS_FILE
    if not path.exists():
        return None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return calibration([r["score"] for r in rows], [r["predicted"] == r["gold"] for r in rows])


#: the scores the collected report shows per corpus file
CORPUS_SCORES = ("macro_f1", "f1_fundraising", "core_f1")


def _per_corpus(metrics: dict) -> dict[str, dict]:
    """Each corpus file's pooled scores in one run, ``joined_`` prefixed for the joined form."""
    out: dict[str, dict] = defaultdict(dict)
    for prefix, scores in [("", metrics["scores"])] + [(f"{n}_", s) for n, s in metrics.get("segmentations", {}).items()]:
        for row in scores.get("per_corpus", []):
            out[row["corpus"]].update({prefix + k: row[k] for k in CORPUS_SCORES} | {"documents": row["documents"]})
    return out


def _shared_keys(rows: list[dict]) -> list[str]:
    return [k for k in rows[0] if all(k in r for r in rows)]


def collect(paths: Sequence[str | Path], include: Sequence[str] = ()) -> list[dict]:
    """One summary per group of runs: mean and std of every score, summed confusion
    matrix, pooled calibration, speed. ``include``: keep only runs whose name matches
    one of these glob patterns."""
    groups: dict[tuple, list[tuple[Path, dict]]] = defaultdict(list)
    for run in find_runs(paths):
        metrics = json.loads((run / METRICS_FILE).read_text(encoding="utf-8"))
        if include and not any(fnmatch(metrics["name"], pattern) for pattern in include):
            continue
        groups[(metrics["name"], metrics.get("train_documents"))].append((run, metrics))
    summaries = []
    for (name, size), runs in groups.items():
        rows = [row for _, m in runs for row in _fold_rows(m)]
        matrix = sum(np.array(m["scores"]["confusion"]["matrix"]) for _, m in runs)
        calibrations = [c for c in (_calibration(run) for run, _ in runs) if c]
        summary = {
            "name": name, "train_documents": size, "model": runs[0][1]["model"], "runs": len(runs),
            "folds": len(rows), "setting": runs[0][1]["setting"], "data": runs[0][1]["data"]["train"],
            "mean": {k: float(np.mean([r[k] for r in rows])) for k in _shared_keys(rows)},
            "std": {k: float(np.std([r[k] for r in rows])) for k in _shared_keys(rows)},
            "confusion": {"labels": runs[0][1]["scores"]["confusion"]["labels"], "matrix": matrix.tolist()},
            "paragraphs_per_second": float(np.mean([m["timing"]["paragraphs_per_second"] for _, m in runs])),
            "fit_seconds": float(np.mean([m["timing"]["fit_seconds"] for _, m in runs])),
        }
        corpora = [_per_corpus(m) for _, m in runs]
        summary["per_corpus"] = {name: {k: float(np.mean([c[name][k] for c in corpora if name in c]))
                                        for k in corpora[0][name]} for name in corpora[0]} if corpora[0] else {}
        if calibrations:
            summary["ece"] = float(np.mean([c["ece"] for c in calibrations]))
            summary["calibration"] = {k: np.mean([c[k] for c in calibrations], axis=0).tolist()
                                      for k in ("confidence", "accuracy", "count")}
        summaries.append(summary)
    return sorted(summaries, key=lambda s: (-s["mean"]["macro_f1"], s["name"]))


def results_table(summaries: list[dict], columns: Sequence[str] = COLUMNS) -> str:
    head = ["run", "model", "folds", *columns, "ECE", "tagging paragraphs/s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in summaries:
        name = s["name"] + (f" ({s['train_documents']} docs)" if s.get("train_documents") else "")
        cells = [name, s["model"], str(s["folds"])]
        cells += [f"{s['mean'][k]:.3f} ± {s['std'][k]:.3f}" if k in s["mean"] else "–" for k in columns]
        cells += [f"{s['ece']:.3f}" if "ece" in s else "", f"{s['paragraphs_per_second']:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def corpus_table(summaries: list[dict]) -> str:
    """Macro-F1 (and fundraising F1) per corpus file and segmentation, pooled over each row's folds."""
    corpora = sorted({c for s in summaries for c in s.get("per_corpus", {})})
    keys = [k for k in ("macro_f1", "joined_macro_f1", "f1_fundraising", "joined_f1_fundraising")
            if any(k in s.get("per_corpus", {}).get(c, {}) for s in summaries for c in corpora)]
    head = ["run"] + [f"{c}: {k}" for c in corpora for k in keys]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in summaries:
        if s.get("per_corpus"):
            cells = [f"{s['per_corpus'][c][k]:.3f}" if k in s["per_corpus"].get(c, {}) else "–"
                     for c in corpora for k in keys]
            lines.append(f"| {s['name']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def write_collection(paths: Sequence[str | Path], output: str | Path, title: str = "Results",
                     include: Sequence[str] = ()) -> Path:
    """``results.md``, ``results.json`` and PNG plots for the runs under ``paths``."""
    summaries = collect(paths, include)
    if not summaries:
        raise FileNotFoundError(f"no runs (folders with {METRICS_FILE}) under {', '.join(map(str, paths))}")
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    plain = [s for s in summaries if not s.get("train_documents")]
    command = "paratag report " + " ".join(map(str, paths)) + (" --include " + " ".join(f"'{p}'" for p in include)
                                                               if include else "")
    lines = [f"# {title}", "", f"Generated by `{command} -o {output}`.", "", "Mean ± std over all folds of all runs of each row. "
             "ECE: expected calibration error of the top probability.", "", results_table(summaries), ""]
    if any(s.get("per_corpus") for s in summaries):
        lines += ["## By corpus file", "", "Pooled over all test paragraphs of each file (mean over a row's runs); "
                  "news pages (aeb, fundus, trafilatura-eval) and blog-like pages (wcxb) differ.", "",
                  corpus_table(summaries), ""]
    if plain:
        f1_bars({s["name"]: {label: (s["mean"][f"f1_{label}"], s["std"][f"f1_{label}"]) for label in ALL_LABELS}
                 for s in plain}, ALL_LABELS, output / "f1_by_class.png", title=title)
        lines += ["![per-class F1](f1_by_class.png)", ""]
    curves = defaultdict(list)
    for s in summaries:
        if s.get("train_documents"):
            curves[s["name"]].append(s)
    if curves:
        for metric in ("macro_f1", "token_f1"):
            series = {}
            for name, points in curves.items():
                points.sort(key=lambda s: s["train_documents"])
                series[name] = ([p["train_documents"] for p in points], [p["mean"][metric] for p in points],
                                [p["std"][metric] for p in points])
            references = {f"{s['name']} (all training documents)": s["mean"][metric] for s in plain}
            curve_plot(series, output / f"learning_curve_{metric}.png", "training documents", metric,
                       title=f"learning curve: {metric}", logx=True, references=references)
            lines += [f"![learning curve {metric}](learning_curve_{metric}.png)", ""]
    calibrated = {s["name"]: (s["calibration"]["confidence"], s["calibration"]["accuracy"], s["calibration"]["count"])
                  for s in plain if "calibration" in s}
    if calibrated:
        reliability_plot(calibrated, output / "reliability.png", title="reliability of the top probability")
        lines += ["![reliability diagram](reliability.png)", ""]
    for s in plain:
        png = f"confusion_{_slug(s['name'])}.png"
        confusion_matrix_plot(np.array(s["confusion"]["matrix"]), s["confusion"]["labels"], output / png, s["name"])
        lines += [f"<details><summary>confusion matrix: {s['name']}</summary>", "", f"![{s['name']}]({png})", "",
                  "</details>", ""]
    atomic_write_text(output / "results.md", "\n".join(lines))
    atomic_write_text(output / "results.json", json.dumps(summaries, indent=2) + "\n")
    return output / "results.md"
