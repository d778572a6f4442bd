"""Score predictions against gold documents, and format the scores.

:func:`evaluation` is what the training report, ``paratag evaluate`` and the
tests all call, so the numbers are computed one way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .document import Document
from .language import document_language
from .metrics import ALL_LABELS, HEADLINE, confusion, headline, per_group, score_documents


def evaluation(documents: Sequence[Document], predicted: Sequence[Sequence[str]],
               folds: Sequence[str] | None = None) -> dict:
    """Pooled scores over all documents, the per-site table and the confusion matrix;
    with ``folds`` (the fold name of each document) also each fold's headline scores
    and their mean and standard deviation."""
    paragraphs = [d.paragraphs for d in documents]
    gold = [d.labels for d in documents]
    result = score_documents(paragraphs, gold, predicted)
    result["per_site"] = per_group([d.source for d in documents], paragraphs, gold, predicted, key="site")
    result["per_language"] = per_group([document_language(d) for d in documents], paragraphs, gold, predicted,
                                       key="language")
    result["per_corpus"] = per_group([d.corpus or "unnamed" for d in documents], paragraphs, gold, predicted,
                                     key="corpus")
    labels, matrix = confusion([x for g in gold for x in g], [x for p in predicted for x in p])
    result["confusion"] = {"labels": labels, "matrix": matrix.tolist()}
    if folds is not None:
        by_fold = {}
        for name in dict.fromkeys(folds):
            idx = [i for i, f in enumerate(folds) if f == name]
            by_fold[name] = headline(score_documents([paragraphs[i] for i in idx], [gold[i] for i in idx],
                                                     [predicted[i] for i in idx]))
        result["folds"] = by_fold
        keys = list(next(iter(by_fold.values())))
        result["fold_mean"] = {k: float(np.mean([f[k] for f in by_fold.values()])) for k in keys}
        result["fold_std"] = {k: float(np.std([f[k] for f in by_fold.values()])) for k in keys}
    return result


def format_scores(scores: dict, sites: int = 0) -> str:
    """Markdown tables: the headline scores (with the spread over folds when known),
    per-class precision/recall/F1, per language, and optionally the ``sites`` worst sites."""
    mean, std = scores.get("fold_mean"), scores.get("fold_std")
    lines = []
    if mean:
        lines += [f"| | {' | '.join(HEADLINE)} |", f"|---|{'---|' * len(HEADLINE)}",
                  "| all paragraphs | " + " | ".join(f"{scores[k]:.3f}" for k in HEADLINE) + " |",
                  f"| mean ± std over {len(scores['folds'])} folds | "
                  + " | ".join(f"{mean[k]:.3f} ± {std[k]:.3f}" for k in HEADLINE) + " |"]
    else:
        lines += [f"| {' | '.join(HEADLINE)} |", f"|{'---|' * len(HEADLINE)}",
                  "| " + " | ".join(f"{scores[k]:.3f}" for k in HEADLINE) + " |"]
    lines += ["", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in ALL_LABELS:
        c = scores["per_class"][label]
        lines.append(f"| {label} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['support']} |")
    if scores.get("per_corpus"):
        lines += ["", "By corpus (the file or folder the pages were read from):", "",
                  "| corpus | documents | paragraphs | macro_f1 | core_f1 | token_f1 | F1 fundraising | F1 newsletter "
                  "| F1 related |", "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['corpus']} | {r['documents']} | {r['paragraphs']} | {r['macro_f1']:.3f} | {r['core_f1']:.3f} "
                  f"| {r['token_f1']:.3f} | {r['f1_fundraising']:.3f} | {r['f1_newsletter']:.3f} | {r['f1_related']:.3f} |"
                  for r in scores["per_corpus"]]
    if scores.get("per_language"):
        lines += ["", "By language (identified from the article text where the data does not say):", "",
                  "| language | documents | paragraphs | macro_f1 | core_f1 | token_f1 | F1 fundraising | F1 newsletter |",
                  "|---|---|---|---|---|---|---|---|"]
        rows = sorted(scores["per_language"], key=lambda r: -r["paragraphs"])
        lines += [f"| {r['language']} | {r['documents']} | {r['paragraphs']} | {r['macro_f1']:.3f} | {r['core_f1']:.3f} "
                  f"| {r['token_f1']:.3f} | {r['f1_fundraising']:.3f} | {r['f1_newsletter']:.3f} |" for r in rows]
    if sites and scores.get("per_site"):
        worst = sorted(scores["per_site"], key=lambda r: r["token_f1"])[:sites]
        lines += ["", f"{sites} sites with the lowest token F1:", "",
                  "| site | documents | paragraphs | accuracy | macro_f1 | core_f1 | token_f1 |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['site']} | {r['documents']} | {r['paragraphs']} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} "
                  f"| {r['core_f1']:.3f} | {r['token_f1']:.3f} |" for r in worst]
    return "\n".join(lines)


def evaluate_tagger(tagger, documents: Sequence[Document], batch_size: int = 64) -> dict:
    """Scores of a saved tagger on labelled documents."""
    from tqdm.auto import tqdm

    predicted: list[list[str]] = []
    for start in tqdm(range(0, len(documents), batch_size), desc="tagging", unit="batch", leave=False):
        batch = documents[start:start + batch_size]
        predicted += tagger.predict_documents([d.paragraphs for d in batch])
    return evaluation(documents, predicted)
