"""Train and score a model: ``python -m paratag.train [experiment=NAME] [overrides]``.

:func:`train` is a plain function of the composed config; :func:`main` is the thin
Hydra wrapper. A run cross-validates the model over site-grouped folds (or trains
on ``data.train`` and tests on ``data.test``), writes its scores, report,
confusion matrix and test predictions into the run folder and, with
``save_model=true``, fits a final model on all the data and saves it as
``model/`` beside them.
"""

from __future__ import annotations

import logging
import math
import random
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from omegaconf import DictConfig, OmegaConf

from .config import register_resolvers
from .config_check import ConfigError, check_config
from .document import Document
from .evaluate import evaluation
from .formats import DataError, read_labelled
from .labels import Taxonomy
from .metrics import calibration
from .paths import config_dir
from .report import PREDICTIONS_FILE, write_predictions, write_run_report
from .segmentation import SEGMENTATIONS, segmented
from .splits import Fold
from .tagger import Tagger

log = logging.getLogger("paratag.train")
ERROR_FILE = "error.txt"
MODEL_DIR = "model"


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def data_summary(documents: list[Document]) -> dict:
    counts = Counter(label for d in documents for label in d.labels)
    return {"documents": len(documents), "paragraphs": sum(len(d) for d in documents),
            "sites": len({d.group for d in documents}), "label_counts": dict(counts.most_common())}


@dataclass
class Plan:
    """What a run trains and tests on: all its documents, the folds over them (indices),
    and the documents the final model is fitted on."""

    documents: list[Document]
    folds: list[Fold]
    final: list[Document]
    setting: str
    data: dict = field(default_factory=dict)


def plan_folds(cfg: DictConfig, taxonomy: Taxonomy) -> Plan:
    """Read ``cfg.data`` and lay out the folds: site-grouped splits of ``data.train``, or
    one fold testing on ``data.test``; ``data.extra`` joins every fold's training side."""
    from hydra.utils import instantiate

    def read(key: str) -> list[Document]:
        return read_labelled(list(cfg.data[key]), taxonomy.known) if cfg.data.get(key) else []

    train_docs, test_docs, extra_docs = read("train"), read("test"), read("extra")
    if test_docs:
        documents = train_docs + test_docs
        folds = [Fold("test", train=list(range(len(train_docs))), test=list(range(len(train_docs), len(documents))))]
        setting = "trained on the training data, scored on the separate test data"
    else:
        documents = train_docs
        try:
            folds = list(instantiate(cfg.split).split(documents))
        except ValueError as error:  # e.g. more folds than sites
            raise ConfigError("split", str(error)) from None
        setting = (f"{len(folds)}-fold cross-validation grouped by site" if len(folds) > 1
                   else "one train/validation/test split grouped by site")
    if extra_docs:  # training-only documents: on every fold's training side, never tested
        extra = list(range(len(documents), len(documents) + len(extra_docs)))
        documents = documents + extra_docs
        for fold in folds:
            fold.train = fold.train + extra
        setting += f", with {len(extra_docs)} extra training documents in every fold"
    names = {key: [Path(p).name for p in cfg.data[key]] if cfg.data.get(key) else [] for key in ("train", "test", "extra")}
    return Plan(documents, folds, train_docs + extra_docs, setting, {**names, **data_summary(documents)})


def _fit(cfg: DictConfig, taxonomy: Taxonomy, documents: list[Document]):
    """Fit ``cfg.model`` on ``documents`` (with their re-segmented copies when ``cfg.augment`` is set)."""
    from hydra.utils import instantiate

    if cfg.get("augment"):
        documents = instantiate(cfg.augment)(documents)
    model = instantiate(cfg.model, _convert_="all")
    model.fit(documents, [[taxonomy.target(label) for label in d.labels] for d in documents],
              groups=[d.group for d in documents])
    return model


def cross_validate(cfg: DictConfig, taxonomy: Taxonomy, plan: Plan) -> dict:
    """Fit one model per fold and predict its test (and validation) documents, the test
    documents in each of ``cfg.test_segmentations`` (the first is the main one)."""
    from tqdm.auto import tqdm

    out = {"documents": [], "folds": [], "probas": [], "validation": [], "fit_seconds": 0.0, "predict_seconds": 0.0,
           "segmentations": {name: {"documents": [], "probas": []} for name in test_segmentations(cfg)[1:]}}
    rng = np.random.default_rng(cfg.seed)
    docs = plan.documents
    for fold in tqdm(plan.folds, desc=f"{cfg.name}: folds", unit="fold"):
        train_part = fold.train
        if cfg.get("train_documents"):  # learning curves: a random subset of the training documents
            size = min(int(cfg.train_documents), len(train_part))
            train_part = sorted(rng.choice(train_part, size=size, replace=False).tolist())
        started = time.perf_counter()
        model = _fit(cfg, taxonomy, [docs[i] for i in train_part])
        out["fit_seconds"] += time.perf_counter() - started
        out["labels"] = [str(c) for c in model.classes_]
        started = time.perf_counter()
        out["probas"] += model.predict_proba([docs[i] for i in fold.test])
        out["predict_seconds"] += time.perf_counter() - started
        out["documents"] += [docs[i] for i in fold.test]
        out["folds"] += [fold.name] * len(fold.test)
        for name, other in out["segmentations"].items():
            resegmented = segmented([docs[i] for i in fold.test], name)
            other["documents"] += resegmented
            other["probas"] += model.predict_proba(resegmented)
        if fold.validation:
            validation = [docs[i] for i in fold.validation]
            out["validation"] += list(zip(validation, model.predict(validation)))
    return out


def _card_scores(scores: dict) -> dict:
    """The headline scores the model card shows, with their spread over folds."""
    return {**{k: scores[k] for k in ("macro_f1", "core_f1", "token_f1", "accuracy", "per_class")},
            **{f"{k}_std": v for k, v in scores.get("fold_std", {}).items()
               if k in ("macro_f1", "core_f1", "token_f1", "accuracy")}}


def test_segmentations(cfg: DictConfig) -> list[str]:
    """The segmentations the test pages are scored in (configs/train.yaml ``test_segmentations``)."""
    names = list(cfg.get("test_segmentations") or ["blocks"])
    unknown = [n for n in names if n not in SEGMENTATIONS]
    if unknown or names[0] != "blocks":
        raise ValueError(f"test_segmentations must start with 'blocks' and name only {', '.join(SEGMENTATIONS)}; "
                         f"got {names}")
    return names


def train(cfg: DictConfig, run_dir: str | Path | None = None) -> tuple[dict, Tagger | None]:
    """Run one experiment; returns its metrics and the saved tagger (if ``save_model``)."""
    from hydra.utils import instantiate

    if run_dir is None:
        from hydra.core.hydra_config import HydraConfig

        run_dir = HydraConfig.get().runtime.output_dir
    check_config(cfg)  # before any work: a value that cannot work is one error naming its key
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    seed_everything(cfg.seed)
    own = OmegaConf.masked_copy(cfg, [key for key in cfg if key != "hydra"])  # composed configs carry hydra
    (run_dir / "config.yaml").write_text(OmegaConf.to_yaml(own, resolve=True), encoding="utf-8")

    taxonomy: Taxonomy = instantiate(cfg.labels)
    plan = plan_folds(cfg, taxonomy)
    log.info("%d documents, %d folds: %s", len(plan.documents), len(plan.folds), plan.setting)
    run = cross_validate(cfg, taxonomy, plan)
    labels = run["labels"]
    predicted = [[labels[k] for k in p.argmax(axis=1)] for p in run["probas"]]
    scores = evaluation(run["documents"], predicted, run["folds"] if len(plan.folds) > 1 else None)
    n_tested = sum(len(d) for d in run["documents"])
    metrics = {
        "name": cfg.name,
        "model": cfg.model._target_.rsplit(".", 1)[-1],
        "setting": plan.setting,
        "seed": cfg.seed,
        "train_documents": cfg.get("train_documents"),
        "labels": labels,
        "data": plan.data,
        "scores": scores,
        "timing": {"fit_seconds": run["fit_seconds"], "predict_seconds": run["predict_seconds"],
                   "paragraphs_per_second": n_tested / max(run["predict_seconds"], 1e-9)},
    }
    fold_names = run["folds"] if len(plan.folds) > 1 else None
    metrics["segmentations"] = {
        name: evaluation(other["documents"], [[labels[k] for k in p.argmax(axis=1)] for p in other["probas"]],
                         fold_names)
        for name, other in run["segmentations"].items()}
    if run["validation"]:
        metrics["validation"] = evaluation([d for d, _ in run["validation"]], [p for _, p in run["validation"]])
    confidence = np.concatenate([p.max(axis=1) for p in run["probas"]])
    correct = np.concatenate([np.array(labels)[p.argmax(axis=1)] == np.array(d.labels)
                              for p, d in zip(run["probas"], run["documents"])])
    metrics["calibration"] = calibration(confidence, correct)
    write_predictions(run_dir / PREDICTIONS_FILE, run["documents"], run["folds"], run["probas"], labels)
    write_run_report(run_dir, metrics)

    tagger = None
    if cfg.save_model:
        log.info("fitting the final model on all %d training documents", len(plan.final))
        info = {
            "experiment": cfg.name,
            "created": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "training": {"data": plan.data["train"] + plan.data["extra"], **data_summary(plan.final)},
            "scores": {"setting": f"{plan.setting} ({plan.data['documents']} documents)",
                       **_card_scores(scores), "ece": metrics["calibration"]["ece"],
                       "segmentations": {name: _card_scores(other)
                                         for name, other in metrics["segmentations"].items()}},
        }
        tagger = Tagger(_fit(cfg, taxonomy, plan.final), taxonomy, info)
        tagger.save_pretrained(run_dir / MODEL_DIR)
    log.info("blocks: macro_f1 %.3f  core_f1 %.3f  token_f1 %.3f  ECE %.3f", scores["macro_f1"], scores["core_f1"],
             scores["token_f1"], metrics["calibration"]["ece"])
    for name, other in metrics["segmentations"].items():
        log.info("%s: macro_f1 %.3f  core_f1 %.3f  token_f1 %.3f", name, other["macro_f1"], other["core_f1"],
                 other["token_f1"])
    return metrics, tagger


def _main(cfg: DictConfig) -> float:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    hydra_cfg = HydraConfig.get()
    run_dir = Path(hydra_cfg.runtime.output_dir)
    try:
        metrics, _ = train(cfg, run_dir)
    except (ConfigError, DataError) as error:  # the config or the data: one line, no traceback
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / ERROR_FILE).write_text(f"{error}\n", encoding="utf-8")
        log.error("run failed: %s", error)
        if hydra_cfg.mode == RunMode.MULTIRUN:
            return math.nan  # one failed job must not stop the sweep
        print(f"paratag.train: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except Exception:
        (run_dir / ERROR_FILE).write_text(traceback.format_exc(), encoding="utf-8")
        log.error("run failed; the error is in %s", run_dir / ERROR_FILE)
        if hydra_cfg.mode == RunMode.MULTIRUN:
            return math.nan  # one failed job must not stop the sweep
        raise
    finally:
        print(f"outputs: {run_dir}", file=sys.stderr)
    return float(metrics["scores"][cfg.optimized_metric])


def main() -> None:
    import hydra

    register_resolvers()
    hydra.main(config_path=str(config_dir()), config_name="train", version_base="1.3")(_main)()


if __name__ == "__main__":
    main()
