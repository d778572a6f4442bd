"""Tools to check, summarise and grow labelled data (``paratag data ...``, ``paratag annotate``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .document import Document
from .formats import DataError, document_files, format_annotation, read_file
from .metrics import ALL_LABELS

#: Paragraphs longer than this many words must not repeat across documents of a corpus.
MAX_SHARED_WORDS = 12


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def shared_paragraphs(documents: Sequence[Document], max_words: int = MAX_SHARED_WORDS) -> list[tuple[str, str, str]]:
    """``(doc id, other doc id, text)`` for every paragraph of more than ``max_words``
    words that appears in two documents."""
    first_seen: dict[str, str] = {}
    found = []
    for document in documents:
        for text in dict.fromkeys(document.paragraphs):
            if len(text.split()) > max_words:
                key = _normalised(text)
                other = first_seen.setdefault(key, document.id)
                if other != document.id:
                    found.append((document.id, other, text))
    return found


def check(paths: Sequence[str | Path], known_labels: Sequence[str]) -> tuple[list[Document], list[str]]:
    """Read every labelled file under ``paths``; returns the documents and the problems
    found (each naming its file and line): format errors, unknown labels, empty
    paragraphs or documents, duplicate document ids and duplicate documents."""
    problems: list[str] = []
    documents: list[Document] = []
    where: dict[str, str] = {}
    texts: dict[tuple, str] = {}
    try:
        files = document_files(paths, require_labels=False)
    except DataError as error:
        return [], [str(error)]
    for path in files:
        try:
            docs = read_file(path, known_labels, require_labels=True)
        except DataError as error:
            problems.append(str(error))
            continue
        for document in docs:
            label = f"{path} (document {document.id!r})"
            if document.id in where:
                problems.append(f"{label}: duplicate document id, also in {where[document.id]}")
            where.setdefault(document.id, str(path))
            key = tuple(document.paragraphs)
            if key in texts:
                problems.append(f"{label}: the same text as document {texts[key]!r}")
            texts.setdefault(key, document.id)
            documents.append(document)
    return documents, problems


def stats(documents: Sequence[Document], by: str = "lang") -> list[dict]:
    """Counts per group (``by`` = ``lang``, ``source`` or ``split``: the top folder or file):
    documents, sites, paragraphs and each label's paragraphs; a total row last."""
    groups: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        groups[_group_key(document, by)].append(document)
    rows = [_count_row(name, docs) for name, docs in sorted(groups.items())]
    rows.append(_count_row("all", list(documents)))
    return rows


def _group_key(document: Document, by: str) -> str:
    if by == "split":
        return document.meta.get("split", "?")
    if by == "source":
        return document.source or "?"
    from .language import document_language

    return document_language(document)


def _count_row(name: str, documents: Sequence[Document]) -> dict:
    counts = Counter(label for d in documents for label in (d.labels or []))
    return {"group": name, "documents": len(documents), "sites": len({d.group for d in documents}),
            "paragraphs": sum(len(d) for d in documents), **{label: counts.get(label, 0) for label in ALL_LABELS}}


def stats_table(rows: list[dict], by: str = "lang") -> str:
    keys = ["documents", "sites", "paragraphs", *ALL_LABELS]
    lines = [f"| {by} | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    lines += ["| " + " | ".join(str(row[k]) for k in ["group", *keys]) + " |" for row in rows]
    return "\n".join(lines)


def uncertainty(proba: np.ndarray) -> float:
    """How unsure a model is about a document: the mean of ``1 - max probability``."""
    return float(np.mean(1.0 - proba.max(axis=1))) if len(proba) else 0.0


def most_uncertain(documents: Sequence[Document], tagger, n: int = 20) -> list[tuple[Document, float, int]]:
    """The ``n`` documents the tagger is least sure about: ``(document, uncertainty,
    position of its least sure paragraph)``, most uncertain first."""
    probas = tagger.predict_proba_documents([d.paragraphs for d in documents])
    ranked = sorted(((d, uncertainty(p), int(p.max(axis=1).argmin())) for d, p in zip(documents, probas)),
                    key=lambda item: -item[1])
    return ranked[:n]


def annotation_for(document: Document, tagger) -> str:
    """An annotation file pre-labelled by ``tagger``, for a person to correct."""
    proba = tagger.predict_proba(document.paragraphs)
    labels = [tagger.labels[k] for k in proba.argmax(axis=1)]
    return format_annotation(document, labels, proba.max(axis=1))
