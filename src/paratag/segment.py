"""Split raw scraped text into paragraphs.

A paragraph is a run of non-blank lines; paragraphs are separated by one or more
blank lines. Only whitespace is normalised: CRLF/CR become LF, tabs and
non-breaking spaces become plain spaces, trailing whitespace is dropped and each
paragraph is stripped; the lines of a paragraph keep their ``\\n``. A leading
scraper header ``date YYYY-MM-DD`` becomes document metadata; the rest of that
first paragraph stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_ODD_SPACES = re.compile(r"[\t\u00a0\u2007\u202f\u3000\f\v]")
_DATE_HEADER = re.compile(r"\Adate +(\d{4}-\d{2}-\d{2})(?: +|\n|\Z)")


def normalize_whitespace(text: str) -> str:
    """Normalise line ends and odd spaces; strip trailing whitespace of each line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ODD_SPACES.sub(" ", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def iter_paragraphs_with_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """``(line number, paragraph)`` pairs from an iterable of lines (a file, read lazily:
    memory holds one paragraph at a time); line numbers count from 1."""
    start, block = 0, []
    for number, line in enumerate(lines, start=1):
        line = _ODD_SPACES.sub(" ", line.rstrip("\r\n")).strip()
        if line:
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, "\n".join(block)
            block = []
    if block:
        yield start, "\n".join(block)


def split_paragraphs_with_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, paragraph)`` pairs of ``text``; line numbers count from 1."""
    return list(iter_paragraphs_with_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of ``text`` in order."""
    return [paragraph for _, paragraph in split_paragraphs_with_lines(text)]


def take_date_header(paragraphs: list[str]) -> tuple[list[str], dict]:
    """Move a leading ``date YYYY-MM-DD`` header into metadata; returns (paragraphs, meta)."""
    if not paragraphs:
        return paragraphs, {}
    match = _DATE_HEADER.match(paragraphs[0])
    if not match:
        return paragraphs, {}
    rest = paragraphs[0][match.end():].strip()
    return ([rest] if rest else []) + paragraphs[1:], {"date": match.group(1)}


def parse_document_text(text: str) -> tuple[list[str], dict]:
    """Paragraphs and metadata of a raw document."""
    return take_date_header(split_paragraphs(text))
