"""The document: one scraped page's paragraphs in order, with optional gold labels."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Document:
    """One page as a scraper kept it.

    ``paragraphs`` are in page order; ``labels`` (same length) are the gold labels
    of a labelled document and ``None`` for raw text. ``source`` is the site the
    page comes from: every split and cross-validation fold groups by it.
    ``corpus`` names the file or folder it was read from (scores are also
    reported per corpus).
    """

    id: str
    paragraphs: list[str]
    labels: list[str] | None = None
    source: str = ""
    url: str = ""
    meta: dict = field(default_factory=dict)
    corpus: str = ""

    def __post_init__(self) -> None:
        if self.labels is not None and len(self.labels) != len(self.paragraphs):
            raise ValueError(
                f"document {self.id!r}: {len(self.paragraphs)} paragraphs but {len(self.labels)} labels"
            )

    def __len__(self) -> int:
        return len(self.paragraphs)

    @property
    def group(self) -> str:
        """The unit that splits keep on one side: the source site, else the document."""
        return self.source or self.id
