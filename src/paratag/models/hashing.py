"""Hashed word and character n-grams of paragraphs, computed with numpy (no per-character Python loop).

:class:`HashedNgrams` turns a list of paragraphs into the ``(indices, offsets)``
pair that :class:`torch.nn.EmbeddingBag` takes: each paragraph's n-grams hashed
into ``2 ** bits`` buckets, fastText-style. Every text is lower-cased and its
whitespace collapsed; character n-grams run over the whole text padded by one
space (so they see word starts and ends), word n-grams over its ``\\w+`` tokens.

All texts of a batch are laid end to end in one code-point array and hashed with
a polynomial rolling hash in unsigned 64-bit arithmetic (numpy wraps modulo
2**64): the hash of ``text[a:b]`` is ``(G[b] - G[a]) * M**a`` where
``G[i] = sum_{j<i} c_j * M**-j``, so every n-gram of every length comes from two
prefix sums, all in vectorised numpy. Hashes are fixed by the code (no
per-process salt), so a saved model's buckets mean the same thing everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd, so it has an inverse modulo 2**64
_MUL_INV = np.uint64(pow(int(_MUL), -1, 2 ** 64))
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"\W+")
_SEP = "\x00"


def _powers(base: np.uint64, n: int) -> np.ndarray:
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    if n > 1:
        out[1:] = base
        with np.errstate(over="ignore"):
            np.cumprod(out[1:], out=out[1:])
    return out


class _Packed:
    """Texts laid end to end as ``SEP text_1 SEP text_2 ... SEP`` code points, with what
    substring hashing needs: each position's text (-1 on separators), each text's start,
    the prefix sums ``G`` and the powers of the multiplier."""

    def __init__(self, texts: Sequence[str]):
        joined = _SEP + _SEP.join(texts) + _SEP
        self.codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        self.lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        self.starts = 1 + np.concatenate([[0], np.cumsum(self.lengths + 1)[:-1]]).astype(np.int64)
        # owner: -1, text 0 (its length times), -1, text 1, ..., -1
        values = np.full(2 * len(texts) + 1, -1, dtype=np.int64)
        values[1::2] = np.arange(len(texts))
        counts = np.ones(2 * len(texts) + 1, dtype=np.int64)
        counts[1::2] = self.lengths
        self.owner = np.repeat(values, counts)
        with np.errstate(over="ignore"):
            self.prefix = np.zeros(len(self.codes) + 1, dtype=np.uint64)
            np.cumsum((self.codes + np.uint64(1)) * _powers(_MUL_INV, len(self.codes)), out=self.prefix[1:])
        self.powers = _powers(_MUL, len(self.codes) + 1)

    def hashes(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Hash of ``codes[a:b]`` for every ``(a, b)`` pair, independent of where it sits."""
        with np.errstate(over="ignore"):
            return (self.prefix[ends] - self.prefix[starts]) * self.powers[starts]


def _bucket(hashes: np.ndarray, salt: int, bits: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        mixed = (hashes ^ np.uint64(salt * 0x2545F4914F6CDD1D & (2 ** 64 - 1))) * _MIX
    return (mixed >> np.uint64(64 - bits)).astype(np.int64)


class HashedNgrams:
    """Paragraphs to hashed n-gram ids: ``char_ngrams`` (inclusive range) over the padded
    text, ``word_ngrams`` over its words; each text is cut to its first ``max_chars``."""

    def __init__(self, bits: int = 18, char_ngrams=(2, 5), word_ngrams=(1, 2), max_chars: int = 1000):
        self.bits = bits
        self.char_ngrams = tuple(char_ngrams)
        self.word_ngrams = tuple(word_ngrams)
        self.max_chars = max_chars

    @property
    def buckets(self) -> int:
        return 2 ** self.bits

    def _char_ids(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        packed = _Packed([f" {t} " for t in texts])
        owner = packed.owner
        ids, docs = [], []
        lo, hi = self.char_ngrams
        for n in range(lo, hi + 1):
            begin = np.arange(len(owner) - n + 1)
            inside = (owner[begin] >= 0) & (owner[begin] == owner[begin + n - 1])
            begin = begin[inside]
            ids.append(_bucket(packed.hashes(begin, begin + n), n, self.bits))
            docs.append(owner[begin])
        return np.concatenate(ids), np.concatenate(docs)

    def _word_ids(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        words = [_NON_WORD.sub(" ", t).split() for t in texts]
        counts = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
        flat = [w for ws in words for w in ws]
        if not flat:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        packed = _Packed(flat)
        hashes = packed.hashes(packed.starts, packed.starts + packed.lengths)
        owner = np.repeat(np.arange(len(texts)), counts)
        ids, docs = [], []
        lo, hi = self.word_ngrams
        for n in range(lo, hi + 1):
            if n == 1:
                ids.append(_bucket(hashes, 100, self.bits))
                docs.append(owner)
                continue
            same = owner[: len(owner) - n + 1] == owner[n - 1:]
            combined = hashes[: len(hashes) - n + 1].copy()
            with np.errstate(over="ignore"):
                for k in range(1, n):
                    combined = combined * _MUL + hashes[k: len(hashes) - n + 1 + k]
            ids.append(_bucket(combined[same], 100 + n, self.bits))
            docs.append(owner[: len(owner) - n + 1][same])
        return np.concatenate(ids), np.concatenate(docs)

    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(indices, offsets)`` for :class:`torch.nn.EmbeddingBag`: the n-gram ids of
        paragraph ``i`` are ``indices[offsets[i]:offsets[i + 1]]`` (possibly none)."""
        cleaned = [_SPACES.sub(" ", t[: self.max_chars].replace(_SEP, " ")).strip().lower() for t in texts]
        char_ids, char_docs = self._char_ids(cleaned)
        word_ids, word_docs = self._word_ids(cleaned)
        ids = np.concatenate([char_ids, word_ids])
        docs = np.concatenate([char_docs, word_docs])
        order = np.argsort(docs, kind="stable")
        counts = np.bincount(docs, minlength=len(texts))
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(texts) else np.zeros(0, np.int64)
        return ids[order], offsets.astype(np.int64)

    def get_params(self) -> dict:
        return {"bits": self.bits, "char_ngrams": list(self.char_ngrams), "word_ngrams": list(self.word_ngrams),
                "max_chars": self.max_chars}
