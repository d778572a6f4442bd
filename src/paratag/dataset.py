"""Labelled documents as a ``datasets.Dataset``: one row per paragraph."""

from __future__ import annotations

from collections.abc import Sequence

import datasets

from .document import Document

COLUMNS = ("doc_id", "source", "url", "position", "n_paragraphs", "text", "label")


def to_dataset(documents: Sequence[Document]) -> datasets.Dataset:
    """One row per paragraph, keeping document id, source site and position."""
    rows: dict[str, list] = {column: [] for column in COLUMNS}
    for document in documents:
        labels = document.labels or [None] * len(document)
        for position, (text, label) in enumerate(zip(document.paragraphs, labels)):
            rows["doc_id"].append(document.id)
            rows["source"].append(document.source)
            rows["url"].append(document.url)
            rows["position"].append(position)
            rows["n_paragraphs"].append(len(document))
            rows["text"].append(text)
            rows["label"].append(label)
    return datasets.Dataset.from_dict(rows)


def from_dataset(dataset: datasets.Dataset) -> list[Document]:
    """Regroup paragraph rows into documents (rows of a document in position order)."""
    grouped: dict[str, list[dict]] = {}
    for row in dataset:
        grouped.setdefault(row["doc_id"], []).append(row)
    documents = []
    for doc_id, rows in grouped.items():
        rows.sort(key=lambda row: row["position"])
        labels = [row["label"] for row in rows]
        documents.append(Document(id=doc_id, paragraphs=[row["text"] for row in rows],
                                  labels=None if any(label is None for label in labels) else labels,
                                  source=rows[0]["source"], url=rows[0]["url"]))
    return documents
