"""Documents as one flat table of paragraph rows, and back.

Models featurise all paragraphs of a batch of documents at once; these helpers
flatten documents into rows, shift rows to reach a paragraph's neighbours without
crossing into another document, and split results back per document.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..features import layout_features


def flatten(documents, targets=None):
    """Paragraph texts of all documents, the document lengths, and the flat targets."""
    texts = [p for doc in documents for p in doc]
    lengths = [len(doc) for doc in documents]
    flat = None if targets is None else [t for doc in targets for t in doc]
    return texts, lengths, flat


def shift_rows(matrix, lengths, offset: int):
    """Row ``i`` becomes the row of the paragraph ``offset`` places away in the same
    document (zeros past the document's edges). Works on sparse and dense matrices."""
    is_sparse = sp.issparse(matrix)
    blocks, start = [], 0
    for n in lengths:
        block = matrix[start:start + n]
        k = min(abs(offset), n)
        pad = sp.csr_matrix((k, matrix.shape[1]), dtype=matrix.dtype) if is_sparse else \
            np.zeros((k, matrix.shape[1]), dtype=matrix.dtype)
        blocks += [block[offset:], pad] if offset > 0 else [pad, block[:n - k]]
        start += n
    return sp.vstack(blocks).tocsr() if is_sparse else np.vstack(blocks)


def split_rows(matrix, lengths) -> list:
    return np.split(matrix, np.cumsum(lengths)[:-1])


def align_proba(classifier, classes, X) -> np.ndarray:
    """``predict_proba`` with columns in the order of ``classes`` (zeros for classes it never saw)."""
    proba = classifier.predict_proba(X)
    out = np.zeros((X.shape[0], len(classes)), dtype=np.float32)
    index = {label: j for j, label in enumerate(classes)}
    for j, label in enumerate(classifier.classes_):
        out[:, index[label]] = proba[:, j]
    return out


def layout_matrix(documents) -> np.ndarray:
    return np.vstack([layout_features(doc) for doc in documents])


def targets_array(flat_targets) -> tuple[np.ndarray, np.ndarray]:
    """Flat targets as a string array and the mask of paragraphs that have one."""
    mask = np.array([t is not None for t in flat_targets])
    return np.array([t if t is not None else "" for t in flat_targets]), mask
