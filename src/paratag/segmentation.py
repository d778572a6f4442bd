"""Other segmentations of the same labelled page.

Scrapers cut a page into paragraphs differently: one keeps every HTML block as a
paragraph ("Once", "Monthly", "Annual" on lines of their own), another keeps a
widget's lines together as one paragraph ("Once\\nMonthly\\nAnnual"), as in the
user's sample. Both forms carry the same text and labels, so a model can be
trained and scored on either:

- :func:`joined_form`: the deterministic "joined" form used to *score* models:
  every run of consecutive short paragraphs (at most ``max_words`` words) with one
  label becomes one paragraph, its lines joined by ``\\n``;
- :class:`Resegmenter`: random re-segmentation to *train* on: each copy of a page
  joins random runs of short same-label paragraphs and splits multi-line
  paragraphs at their line breaks.

Joining and splitting only move line breaks: every paragraph's text and label
survive (a joined paragraph takes the one label of its run).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .document import Document

#: The segmentations a run can be scored on (``test_segmentations`` in configs/train.yaml).
SEGMENTATIONS = ("blocks", "joined")


def _words(text: str) -> int:
    return len(text.split())


def _document(doc: Document, paragraphs: list[str], labels: list[str], suffix: str) -> Document:
    return Document(id=f"{doc.id}{suffix}", paragraphs=paragraphs, labels=labels, source=doc.source, url=doc.url,
                    meta=dict(doc.meta))


def joined_form(doc: Document, max_words: int = 10, max_lines: int = 8) -> Document:
    """The page as a scraper that keeps a block's short lines together would give it."""
    paragraphs, labels = [], []
    run: list[str] = []

    def flush():
        if run:
            paragraphs.append("\n".join(run))
            labels.append(run_label)
            run.clear()

    run_label = None
    for text, label in zip(doc.paragraphs, doc.labels):
        short = _words(text) <= max_words
        if run and short and label == run_label and len(run) < max_lines:
            run.append(text)
            continue
        flush()
        if short:
            run, run_label = [text], label
        else:
            paragraphs.append(text)
            labels.append(label)
    flush()
    return _document(doc, paragraphs, labels, "")


def segmented(documents: Sequence[Document], segmentation: str) -> list[Document]:
    """``documents`` in one of :data:`SEGMENTATIONS` (``blocks``: as they are)."""
    if segmentation == "blocks":
        return list(documents)
    if segmentation == "joined":
        return [joined_form(d) for d in documents]
    raise ValueError(f"unknown segmentation {segmentation!r}; known: {', '.join(SEGMENTATIONS)}")


class Resegmenter:
    """Training augmentation: ``copies`` randomly re-segmented copies of each page join the originals.

    In a copy, a run of consecutive short paragraphs (at most ``max_words`` words)
    of one label starts a joined paragraph with probability ``join_prob`` (of 2 to
    ``max_lines`` lines), and a paragraph with line breaks is split at them with
    probability ``split_prob``. Copies keep the page's source, so site-grouped
    splits inside a model still keep them with their original.
    """

    def __init__(self, copies: int = 1, join_prob: float = 0.5, split_prob: float = 0.5, max_words: int = 10,
                 max_lines: int = 8, random_state: int = 0):
        self.copies = copies
        self.join_prob = join_prob
        self.split_prob = split_prob
        self.max_words = max_words
        self.max_lines = max_lines
        self.random_state = random_state

    def resegment(self, doc: Document, rng: np.random.Generator, copy: int = 1) -> Document:
        """One random re-segmentation of a labelled page."""
        # split first, so that a split widget's lines can be joined again differently
        texts, labels = [], []
        for text, label in zip(doc.paragraphs, doc.labels):
            lines = [line for line in text.split("\n") if line.strip()]
            if len(lines) > 1 and rng.random() < self.split_prob:
                texts += lines
                labels += [label] * len(lines)
            else:
                texts.append(text)
                labels.append(label)
        out_texts, out_labels = [], []
        i = 0
        while i < len(texts):
            if _words(texts[i]) <= self.max_words and rng.random() < self.join_prob:
                want = int(rng.integers(2, self.max_lines + 1))
                j = i + 1
                while j < len(texts) and j - i < want and labels[j] == labels[i] and _words(texts[j]) <= self.max_words:
                    j += 1
                out_texts.append("\n".join(texts[i:j]))
                out_labels.append(labels[i])
                i = j
            else:
                out_texts.append(texts[i])
                out_labels.append(labels[i])
                i += 1
        return _document(doc, out_texts, out_labels, f"#reseg{copy}")

    def __call__(self, documents: Sequence[Document]) -> list[Document]:
        """The pages followed by their re-segmented copies (unlabelled pages are left as they are)."""
        rng = np.random.default_rng(self.random_state)
        extra = [self.resegment(d, rng, copy) for copy in range(1, self.copies + 1) for d in documents
                 if d.labels is not None]
        return list(documents) + extra
