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
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from omegaconf import DictConfig, OmegaConf

from .config import register_resolvers
from .document import Document
from .evaluate import evaluation
from .formats import read_labelled
from .labels import Taxonomy
from .paths import config_dir
from .report import PREDICTIONS_FILE, write_predictions, write_run_report
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


def _instantiate_model(cfg: DictConfig):
    from hydra.utils import instantiate

    return instantiate(cfg.model, _convert_="all")


def _fit(cfg, documents, targets, indices):
    model = _instantiate_model(cfg)
    model.fit([documents[i] for i in indices], [targets[i] for i in indices],
              groups=[documents[i].group for i in indices])
    return model


def train(cfg: DictConfig, run_dir: str | Path | None = None) -> tuple[dict, Tagger | None]:
    """Run one experiment; returns its metrics and the saved tagger (if ``save_model``)."""
    from hydra.utils import instantiate
    from tqdm.auto import tqdm

    if run_dir is None:
        from hydra.core.hydra_config import HydraConfig

        run_dir = HydraConfig.get().runtime.output_dir
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    seed_everything(cfg.seed)
    own = OmegaConf.masked_copy(cfg, [key for key in cfg if key != "hydra"])  # composed configs carry hydra
    (run_dir / "config.yaml").write_text(OmegaConf.to_yaml(own, resolve=True), encoding="utf-8")

    taxonomy: Taxonomy = instantiate(cfg.labels)
    train_docs = read_labelled(list(cfg.data.train), taxonomy.known)
    test_docs = read_labelled(list(cfg.data.test), taxonomy.known) if cfg.data.get("test") else []
    extra_docs = read_labelled(list(cfg.data.extra), taxonomy.known) if cfg.data.get("extra") else []
    if test_docs:
        documents = train_docs + test_docs
        folds = [Fold("test", train=list(range(len(train_docs))), test=list(range(len(train_docs), len(documents))))]
        setting = "trained on the training data, scored on the separate test data"
    else:
        documents = train_docs
        splitter = instantiate(cfg.split)
        folds = list(splitter.split(documents))
        setting = (f"{len(folds)}-fold cross-validation grouped by site" if len(folds) > 1
                   else "one train/validation/test split grouped by site")
    if extra_docs:  # training-only documents: added to every fold's training side, never tested
        extra = list(range(len(documents), len(documents) + len(extra_docs)))
        documents = documents + extra_docs
        for fold in folds:
            fold.train = fold.train + extra
        setting += f", with {len(extra_docs)} extra training documents in every fold"
    targets = [[taxonomy.target(label) for label in d.labels] for d in documents]
    log.info("%d training documents, %d test documents, %d folds", len(train_docs), len(test_docs), len(folds))

    tested: list[int] = []
    fold_of: list[str] = []
    probas: list[np.ndarray] = []
    labels: list[str] | None = None
    validation_pairs: list[tuple[Document, list[str]]] = []
    fit_seconds = predict_seconds = 0.0
    rng = np.random.default_rng(cfg.seed)
    for fold in tqdm(folds, desc=f"{cfg.name}: folds", unit="fold"):
        train_part = fold.train
        if cfg.get("train_documents"):  # learning curves: a random subset of the training documents
            size = min(int(cfg.train_documents), len(train_part))
            train_part = sorted(rng.choice(train_part, size=size, replace=False).tolist())
        started = time.perf_counter()
        model = _fit(cfg, documents, targets, train_part)
        fit_seconds += time.perf_counter() - started
        labels = [str(c) for c in model.classes_]
        started = time.perf_counter()
        fold_probas = model.predict_proba([documents[i] for i in fold.test])
        predict_seconds += time.perf_counter() - started
        tested += fold.test
        fold_of += [fold.name] * len(fold.test)
        probas += fold_probas
        if fold.validation:
            val_pred = model.predict([documents[i] for i in fold.validation])
            validation_pairs += [(documents[i], p) for i, p in zip(fold.validation, val_pred)]

    test_documents = [documents[i] for i in tested]
    predicted = [[labels[k] for k in p.argmax(axis=1)] for p in probas]
    scores = evaluation(test_documents, predicted, fold_of if len(folds) > 1 else None)
    n_tested = sum(len(d) for d in test_documents)
    metrics = {
        "name": cfg.name,
        "model": cfg.model._target_.rsplit(".", 1)[-1],
        "setting": setting,
        "seed": cfg.seed,
        "train_documents": cfg.get("train_documents"),
        "labels": labels,
        "data": {"train": [Path(p).name for p in cfg.data.train],
                 "test": [Path(p).name for p in cfg.data.test] if test_docs else [],
                 "extra": [Path(p).name for p in cfg.data.extra] if extra_docs else [],
                 **data_summary(documents)},
        "scores": scores,
        "timing": {"fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
                   "paragraphs_per_second": n_tested / max(predict_seconds, 1e-9)},
    }
    if validation_pairs:
        metrics["validation"] = evaluation([d for d, _ in validation_pairs], [p for _, p in validation_pairs])
    write_predictions(run_dir / PREDICTIONS_FILE, test_documents, fold_of, probas, labels)
    write_run_report(run_dir, metrics)

    tagger = None
    if cfg.save_model:
        log.info("fitting the final model on all %d training documents", len(train_docs) + len(extra_docs))
        final_docs = train_docs + extra_docs
        final = _fit(cfg, final_docs, [[taxonomy.target(label) for label in d.labels] for d in final_docs],
                     list(range(len(final_docs))))
        info = {
            "experiment": cfg.name,
            "created": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "training": {"data": metrics["data"]["train"] + metrics["data"]["extra"], **data_summary(final_docs)},
            "scores": {"setting": f"{setting} ({metrics['data']['documents']} documents)",
                       **{k: scores[k] for k in ("macro_f1", "core_f1", "token_f1", "accuracy", "per_class")},
                       **{f"{k}_std": v for k, v in scores.get("fold_std", {}).items()
                          if k in ("macro_f1", "core_f1", "token_f1", "accuracy")}},
        }
        tagger = Tagger(final, taxonomy, info)
        tagger.save_pretrained(run_dir / MODEL_DIR)
    log.info("macro_f1 %.3f  core_f1 %.3f  token_f1 %.3f", scores["macro_f1"], scores["core_f1"], scores["token_f1"])
    return metrics, tagger


def _main(cfg: DictConfig) -> float:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    hydra_cfg = HydraConfig.get()
    run_dir = Path(hydra_cfg.runtime.output_dir)
    try:
        metrics, _ = train(cfg, run_dir)
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
