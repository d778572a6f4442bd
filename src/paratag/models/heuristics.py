"""The two heuristics a user would reach for instead of a model, as paragraph models
that only tell ``core`` from ``other``:

- :class:`JusTextModel`: jusText's paragraph classifier (its ``good`` paragraphs
  are ``core``), run on the paragraphs as ``<p>`` elements with the stop list of
  the document's language;
- :class:`LineFilterModel`: a C4/FineWeb-style line filter (a paragraph is kept
  as ``core`` when it ends in terminal punctuation, has enough words, and holds no
  JavaScript, curly-bracket or policy boilerplate).

Neither learns anything; ``fit`` only records the labels. Paragraphs they drop are
``other`` (``related`` in a taxonomy without ``other``).
"""

from __future__ import annotations

import html
import re

import numpy as np

from ..language import detect_language
from .base import FixedRuleModel

#: ISO 639-1 code -> jusText stop list.
JUSTEXT_STOPLISTS = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "cs": "Czech", "sk": "Slovak", "sv": "Swedish", "da": "Danish",
    "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal", "fi": "Finnish", "hu": "Hungarian", "ro": "Romanian",
    "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish", "el": "Greek", "ca": "Catalan", "hr": "Croatian",
    "sl": "Slovenian", "sr": "Serbian", "bg": "Bulgarian", "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian",
    "id": "Indonesian", "ms": "Malay", "vi": "Vietnamese", "ko": "Korean", "ar": "Arabic", "fa": "Persian",
    "he": "Hebrew", "hi": "Hindi",
}
_TERMINAL = re.compile(r"[.!?\"'”’»…)]$")
_POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")


class _BinaryHeuristic(FixedRuleModel):
    """Shared plumbing: ``_keep(paragraphs) -> list[bool]`` gives ``core`` vs ``other``."""

    def _keep(self, paragraphs: list[str]) -> list[bool]:
        raise NotImplementedError

    def _predict_proba(self, documents):
        classes = list(self.classes_)
        core = classes.index("core")
        # everything not kept is page furniture: `other`, or `related` in a taxonomy without it
        rest = classes.index("other" if "other" in classes else "related")
        out = []
        for paragraphs in documents:
            proba = np.zeros((len(paragraphs), len(classes)), dtype=np.float32)
            keep = np.array(self._keep(paragraphs), dtype=bool)
            proba[keep, core] = 1.0
            proba[~keep, rest] = 1.0
            out.append(proba)
        return out


class JusTextModel(_BinaryHeuristic):
    """jusText with its default thresholds; ``language`` fixes the stop list (else detected)."""

    def __init__(self, language: str | None = None, length_low=70, length_high=200, stopwords_low=0.3,
                 stopwords_high=0.32):
        self.language = language
        self.length_low = length_low
        self.length_high = length_high
        self.stopwords_low = stopwords_low
        self.stopwords_high = stopwords_high

    def _keep(self, paragraphs):
        import justext

        code = self.language or detect_language(" ".join(paragraphs)[:5000])
        stoplist = justext.get_stoplist(JUSTEXT_STOPLISTS.get(code, "English"))
        page = "<html><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs) + "</body></html>"
        found = justext.justext(page, stoplist, length_low=self.length_low, length_high=self.length_high,
                                stopwords_low=self.stopwords_low, stopwords_high=self.stopwords_high)
        if len(found) != len(paragraphs):  # jusText merged or dropped blocks: align by text
            good = {" ".join(p.text.split()) for p in found if p.class_type == "good"}
            return [" ".join(p.split()) in good for p in paragraphs]
        return [p.class_type == "good" for p in found]


class LineFilterModel(_BinaryHeuristic):
    """C4/FineWeb line rules applied to each paragraph."""

    def __init__(self, min_words=3, max_word_length=1000, terminal_punctuation=True, policy=True):
        self.min_words = min_words
        self.max_word_length = max_word_length
        self.terminal_punctuation = terminal_punctuation
        self.policy = policy

    def keeps(self, paragraph: str) -> bool:
        words = paragraph.split()
        lower = paragraph.lower()
        return not (
            len(words) < self.min_words
            or any(len(w) > self.max_word_length for w in words)
            or (self.terminal_punctuation and not _TERMINAL.search(paragraph.rstrip()))
            or "javascript" in lower or "{" in paragraph or "lorem ipsum" in lower
            or (self.policy and any(phrase in lower for phrase in _POLICY))
        )

    def _keep(self, paragraphs):
        return [self.keeps(p) for p in paragraphs]
