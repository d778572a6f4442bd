"""A transparent keyword-and-layout baseline: no learning, every decision readable.

Each paragraph goes through the rules in order and takes the first label that
fires:

1. ``fundraising`` / ``newsletter`` keywords, in a paragraph long enough to be a
   pitch rather than a menu link (``min_pitch_words``), or next to one;
2. ``related`` keywords ("Read more", "Most read", "3 min read" ...);
3. ``other`` keywords (cookies, copyright, share buttons, ads ...);
4. ``core`` for a paragraph of at least ``min_core_words`` words, or inside the
   run of long paragraphs where the article is (see :mod:`paratag.features`);
5. ``other`` for anything else before the article, ``related`` after it.

``fit`` learns nothing but the label set; a rule whose label the taxonomy does not
predict is skipped. ``predict_proba`` puts ``confidence`` on the chosen label.
"""

from __future__ import annotations

import re

import numpy as np

from ..features import LONG_WORDS, _article_span
from .base import FixedRuleModel

#: Keyword patterns per label (case-insensitive regular expressions), several languages.
DEFAULT_LEXICONS = {
    "fundraising": [
        r"\bdonat", r"\bdonaci", r"\bdoa[çc]", r"\bspende", r"\bunterst[üu]tz", r"\bsupport (us|our|independent|the)",
        r"\bcontribut", r"\bbecome a (member|supporter|patron|subscriber)", r"\bmembership", r"\bmitglied",
        r"\bsoutien", r"\bsoutenez", r"\bfaites un don", r"\bapoi[ae]", r"\bsostieni", r"\bwesprzyj", r"\bsteun ons",
        r"\bpaywall", r"\bsubscribe (now|today|to read|for)", r"\bjetzt (abonnieren|testen|abo)", r"\babo\b",
        r"\bpatreon", r"\bpaypal", r"\bhazte (socio|suscriptor)", r"\bonce\b.*\bmonthly\b", r"\bremind me later",
    ],
    "newsletter": [
        r"newsletter", r"\bnieuwsbrief", r"\bbolet[íi]n", r"\bsign up for", r"\binbox\b", r"\be-?mail (address|alerts)",
        r"\bnotify me of new posts", r"\bin deinem postfach|\bin ihr postfach", r"\babonnez-vous", r"\bsuscr[íi]bete",
        r"\biscriviti", r"\bzapisz si[ęe]", r"\bprivacy policy\b.*\b(sign|subscrib)",
    ],
    "related": [
        r"^(read|see) (more|also)\b", r"^related\b", r"^more (from|on|about|stories|news)\b", r"\bmost (read|popular)\b",
        r"\brecommended\b", r"\b\d+\s?min(ute)?s? read\b", r"^(lesen sie auch|mehr zum thema|weitere artikel|das k[öo]nnte)",
        r"\blesezeit\b", r"^(lire aussi|[àa] lire (aussi|[ée]galement))", r"^(te puede interesar|m[áa]s le[íi]d)",
        r"^(leggi anche|leia tamb[ée]m)", r"^(previous|next) (article|post|story)\b", r"^tags?:", r"^topics?:",
    ],
    "other": [
        r"\bcookie", r"\bprivacy\b", r"\bdatenschutz", r"\bimpressum", r"©|\bcopyright\b|\ball rights reserved",
        r"^(share|teilen|partager|compartir|condividi)\b", r"\b(facebook|twitter|whatsapp|linkedin|pinterest)\b",
        r"^(advertisement|anzeige|werbung|publicit[ée]|publicidad|pubblicit[àa])$", r"^(log ?in|sign in|anmelden|search|suche)\b",
        r"\bcomments?\b|\bkommentar", r"^(home|startseite|accueil|inicio)$",
    ],
}

#: The order in which rule groups fire.
RULE_ORDER = ("fundraising", "newsletter", "related", "other")


class KeywordRules(FixedRuleModel):
    """Keyword lexicons plus the article's position; see the module docstring."""

    def __init__(self, lexicons: dict | None = None, min_pitch_words=4, min_core_words=LONG_WORDS,
                 confidence=0.8):
        self.lexicons = lexicons
        self.min_pitch_words = min_pitch_words
        self.min_core_words = min_core_words
        self.confidence = confidence

    def _patterns(self):
        lexicons = self.lexicons if self.lexicons is not None else DEFAULT_LEXICONS
        return {label: re.compile("|".join(f"(?:{p})" for p in lexicons[label]), re.IGNORECASE)
                for label in RULE_ORDER if lexicons.get(label)}

    def explain(self, paragraphs: list[str]) -> list[tuple[str, str]]:
        """``(label, rule)`` for each paragraph: which rule fired."""
        patterns = self._patterns()
        classes = set(self.classes_)
        words = np.array([len(p.split()) for p in paragraphs])
        start, end = _article_span(words)
        keyword = [next((label for label, pattern in patterns.items() if pattern.search(p.strip())), None)
                   for p in paragraphs]
        out = []
        for i, text in enumerate(paragraphs):
            hit = keyword[i]
            if hit in ("fundraising", "newsletter"):
                pitch = words[i] >= self.min_pitch_words or hit in keyword[max(i - 1, 0):i] + keyword[i + 1:i + 2]
                if pitch and hit in classes:
                    out.append((hit, f"{hit} keyword"))
                    continue
                hit = "other"
            if hit in ("related", "other") and hit in classes:
                out.append((hit, f"{hit} keyword"))
            elif "core" in classes and (words[i] >= self.min_core_words or start <= i <= end):
                out.append(("core", "long paragraph or inside the article"))
            else:
                fallback = "other" if i < start else "related"
                if fallback not in classes:
                    fallback = str(self.classes_[0])
                out.append((fallback, "short paragraph outside the article"))
        return out

    def _predict_proba(self, documents):
        index = {label: k for k, label in enumerate(self.classes_)}
        rest = (1 - self.confidence) / max(len(self.classes_) - 1, 1)
        out = []
        for paragraphs in documents:
            proba = np.full((len(paragraphs), len(self.classes_)), rest, dtype=np.float32)
            for i, (label, _) in enumerate(self.explain(paragraphs)):
                proba[i, index[label]] = self.confidence
            out.append(proba)
        return out
