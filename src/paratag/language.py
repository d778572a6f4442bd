"""The language of a document, for per-language scores.

Documents that state their language (``meta["lang"]``) keep it; others are
identified with py3langid from their article text (the gold ``core``
paragraphs when labelled, else all paragraphs).
"""

from __future__ import annotations

from .document import Document


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` (``"?"`` for empty text)."""
    if not text.strip():
        return "?"
    import py3langid

    return py3langid.classify(text)[0]


def document_language(document: Document) -> str:
    if document.meta.get("lang"):
        return document.meta["lang"]
    paragraphs = document.paragraphs
    if document.labels is not None:
        core = [p for p, label in zip(paragraphs, document.labels) if label == "core"]
        paragraphs = core or paragraphs
    return detect_language(" ".join(paragraphs)[:5000])
