"""Which labels exist: the taxonomy is configuration (``configs/labels/*.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: The four labels every score is about (the task's own taxonomy).
MAIN_LABELS = ("core", "fundraising", "newsletter", "related")


@dataclass(frozen=True)
class Taxonomy:
    """The labels a model predicts, and annotated labels it leaves out of training.

    ``names`` are predicted, in column order of ``predict_proba``. ``ignored``
    labels may appear in annotations (so files that carry them are valid), but
    their paragraphs get no training target; they still give context to their
    neighbours and still count as gold in the scores.
    """

    names: tuple[str, ...]
    ignored: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(self.names))
        object.__setattr__(self, "ignored", tuple(self.ignored))
        if len(set(self.names)) != len(self.names) or not self.names:
            raise ValueError(f"taxonomy names must be distinct and non-empty: {self.names}")
        if set(self.names) & set(self.ignored):
            raise ValueError(f"a label cannot be both predicted and ignored: {self.names} / {self.ignored}")

    @property
    def known(self) -> tuple[str, ...]:
        """Every label an annotation may carry."""
        return self.names + self.ignored

    def target(self, label: str) -> str | None:
        """The training target of a gold label: itself, or ``None`` for an ignored label."""
        return label if label in self.names else None

    def to_dict(self) -> dict:
        return {"names": list(self.names), "ignored": list(self.ignored)}


def default_taxonomy() -> Taxonomy:
    """The default five-label taxonomy, read from ``configs/labels/five.yaml``."""
    from omegaconf import OmegaConf

    from .paths import config_dir

    cfg = OmegaConf.load(config_dir() / "labels" / "five.yaml")
    return Taxonomy(names=tuple(cfg.names), ignored=tuple(cfg.get("ignored", ())))
