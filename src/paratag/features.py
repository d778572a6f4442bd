"""Layout features of a paragraph in its document: position, length, shape, and
where the article's long paragraphs run.

All features are computed from the text alone, one row per paragraph, so every
model can use them the same way (``layout_features(paragraphs)``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_DIGIT = re.compile(r"\d")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž]")
_LETTER = re.compile(r"[^\W\d_]")
_URL = re.compile(r"https?://|www\.")
_DOT_WORD = re.compile(r"\.\w")
_MONEY = re.compile(r"[$€£¥₹]|\b\d+\s?(?:USD|EUR|GBP|CHF|zł|PLN|kr)\b|\b(?:USD|EUR|GBP|CHF)\s?\d+", re.I)
_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b")
_SENTENCE_END = re.compile(r"[.!?…»\"”]$")

#: A paragraph with at least this many words counts as "long" when locating the article.
LONG_WORDS = 15

FEATURE_NAMES = (
    "rel_position", "log_index", "log_from_end", "is_first", "is_last", "log_doc_len",
    "log_chars", "log_words", "n_lines", "ends_sentence", "digit_ratio", "upper_ratio",
    "title_ratio", "has_url_or_mail", "has_money", "has_date", "has_pipe", "has_copyright",
    "prev_log_words", "next_log_words",
    "in_article", "before_article", "after_article", "article_distance", "article_rel_position",
    "long_share_window",
)


def has_url_or_mail(text: str) -> bool:
    """A URL or an e-mail address (``x@y.z``) in the text, in time linear in its length
    (the regex ``\\S+@\\S+\\.\\w+`` it replaces backtracks quadratically on long runs
    without spaces)."""
    if _URL.search(text):
        return True
    for token in text.split():
        at = token.find("@", 1)
        if at > 0 and _DOT_WORD.search(token, at + 2):
            return True
    return False

def _article_span(words: np.ndarray) -> tuple[int, int]:
    """The run of paragraphs with the most article text: the maximum-sum run of
    ``min(words, 80) - LONG_WORDS`` (Kadane). Returns inclusive (start, end)."""
    gain = np.minimum(words, 80) - LONG_WORDS
    best, best_span = -np.inf, (0, 0)
    total, start = 0.0, 0
    for i, g in enumerate(gain):
        if total <= 0:
            total, start = g, i
        else:
            total += g
        if total > best:
            best, best_span = total, (start, i)
    return best_span


def layout_features(paragraphs: Sequence[str]) -> np.ndarray:
    """A ``(len(paragraphs), len(FEATURE_NAMES))`` float32 array of layout features."""
    n = len(paragraphs)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    words = np.array([len(p.split()) for p in paragraphs], dtype=np.float32)
    start, end = _article_span(words)
    long_par = (words >= LONG_WORDS).astype(np.float32)
    window = np.convolve(long_par, np.ones(5, dtype=np.float32), mode="same") / 5
    rows = []
    for i, text in enumerate(paragraphs):
        chars = max(len(text), 1)
        letters = len(_LETTER.findall(text)) or 1
        tokens = text.split() or [""]
        distance = (start - i) if i < start else (i - end) if i > end else 0
        rows.append((
            i / max(n - 1, 1), np.log1p(i), np.log1p(n - 1 - i), float(i == 0), float(i == n - 1), np.log1p(n),
            np.log1p(len(text)), np.log1p(words[i]), float(text.count("\n") + 1),
            float(bool(_SENTENCE_END.search(text))), len(_DIGIT.findall(text)) / chars,
            len(_UPPER.findall(text)) / letters, sum(t[:1].isupper() for t in tokens) / len(tokens),
            float(has_url_or_mail(text)), float(bool(_MONEY.search(text))),
            float(bool(_DATE.search(text))), float("|" in text), float("©" in text or "(c)" in text.lower()),
            np.log1p(words[i - 1]) if i > 0 else 0.0, np.log1p(words[i + 1]) if i < n - 1 else 0.0,
            float(start <= i <= end), float(i < start), float(i > end), np.log1p(distance),
            (i - start) / max(end - start + 1, 1), window[i],
        ))
    return np.asarray(rows, dtype=np.float32)
