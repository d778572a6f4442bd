"""The pretrained tagger: a fitted model plus its labels, saved as a folder.

A saved tagger is a directory with fixed file names:

- ``config.json``: a ``"paratag"`` object holding the model's ``_target_`` and
  parameters, the labels, the taxonomy, the package version, a training data
  summary and the test scores (a transformer model's own ``config.json`` keeps
  its keys beside it);
- the model's weights in safe formats (JSON and safetensors; see each model's
  ``save_weights``);
- ``README.md``: the model card.

Loading never unpickles anything, and only instantiates classes that live in
:mod:`paratag.models`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .fsutil import atomic_directory
from .labels import Taxonomy
from .metrics import clean_text
from .models.base import ParagraphModel
from .segment import parse_document_text

CONFIG_FILE = "config.json"
CARD_FILE = "README.md"
FORMAT_VERSION = 1
#: paragraphs tagged together when input is streamed (:meth:`Tagger.tag_stream`)
STREAM_WINDOW = 5000


@dataclass
class TaggedParagraph:
    text: str
    label: str
    score: float


def model_config(model: ParagraphModel) -> dict:
    """The JSON config of an estimator: ``_target_`` plus its parameters, nested estimators included."""

    def encode(value):
        if hasattr(value, "get_params") and not isinstance(value, type):
            return model_config(value)
        if isinstance(value, tuple):
            return [encode(v) for v in value]
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [encode(v) for v in value]
        return value

    cls = type(model)
    return {"_target_": f"{cls.__module__}.{cls.__qualname__}",
            **{key: encode(value) for key, value in model.get_params(deep=False).items()}}


def build_model(config: dict):
    """Instantiate a model from :func:`model_config` output; only the estimator classes in
    ``paratag.models.ESTIMATORS`` (never any other callable)."""

    def decode(value):
        if isinstance(value, dict) and "_target_" in value:
            return build_model(value)
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        return value

    from .models import ESTIMATORS

    target = config.get("_target_", "")
    module_name, _, class_name = str(target).rpartition(".")
    cls = ESTIMATORS.get(class_name)
    if cls is None or module_name not in ("paratag.models", cls.__module__):
        raise ValueError(f"refusing to load {target!r}: a saved model may only name one of paratag's estimator "
                         f"classes ({', '.join(sorted(ESTIMATORS))})")
    params = {k: decode(v) for k, v in config.items() if k != "_target_"}
    return cls(**params)


class Tagger:
    """Tags the paragraphs of one document at a time with a fitted model."""

    def __init__(self, model: ParagraphModel, taxonomy: Taxonomy | None = None, info: dict | None = None):
        self.model = model
        self.taxonomy = taxonomy or Taxonomy(names=tuple(str(c) for c in model.classes_))
        self.info = dict(info or {})

    @property
    def labels(self) -> list[str]:
        """The labels, in the column order of :meth:`predict_proba`."""
        return [str(c) for c in self.model.classes_]

    # predicting ------------------------------------------------------------------------
    def predict(self, paragraphs: list[str]) -> list[str]:
        """Labels of one document's paragraphs, in order."""
        return self.predict_documents([paragraphs])[0]

    def predict_proba(self, paragraphs: list[str]) -> np.ndarray:
        """``(len(paragraphs), len(labels))`` probabilities of one document's paragraphs."""
        return self.predict_proba_documents([paragraphs])[0]

    def predict_documents(self, documents: list[list[str]]) -> list[list[str]]:
        """Labels of many documents at once (batched)."""
        return [[self.labels[k] for k in proba.argmax(axis=1)] for proba in self.predict_proba_documents(documents)]

    def predict_proba_documents(self, documents: list[list[str]]) -> list[np.ndarray]:
        if isinstance(documents, str) or any(isinstance(d, str) for d in documents):
            raise TypeError("pass a list of paragraph strings per document (use tag() for raw text)")
        empty = [i for i, d in enumerate(documents) if len(d) == 0]
        nonempty = [d for d in documents if len(d)]
        probas = self.model.predict_proba(nonempty) if nonempty else []
        if any(not np.isfinite(p).all() for p in probas):
            raise ValueError("the model gives probabilities that are not finite (NaN or inf): its weights are broken")
        probas, n = iter(probas), len(self.labels)
        return [np.zeros((0, n), dtype=np.float32) if i in empty else next(probas) for i in range(len(documents))]

    def tag(self, text: str) -> list[TaggedParagraph]:
        """Split raw text into paragraphs and tag each: objects with ``.text``, ``.label``, ``.score``."""
        if not isinstance(text, str):
            hint = ": decode bytes first, e.g. data.decode('utf-8')" if isinstance(text, (bytes, bytearray)) else ""
            raise TypeError(f"tag() takes the text as a str, not {type(text).__name__}{hint}")
        paragraphs, _ = parse_document_text(text)
        if not paragraphs:
            return []
        proba = self.predict_proba(paragraphs)
        best = proba.argmax(axis=1)
        return [TaggedParagraph(p, self.labels[k], float(proba[i, k])) for i, (p, k) in enumerate(zip(paragraphs, best))]

    def tag_stream(self, paragraphs: Iterable[str], window: int = STREAM_WINDOW) -> Iterator[TaggedParagraph]:
        """Tag paragraphs as they come, ``window`` at a time, each window read as one page:
        memory stays bounded for input of any length. A page of at most ``window``
        paragraphs gets exactly the tags of :meth:`predict_proba`."""
        batch: list[str] = []
        for paragraph in itertools.chain(paragraphs, [None]):
            if paragraph is not None:
                batch.append(paragraph)
            if batch and (paragraph is None or len(batch) == window):
                proba = self.predict_proba(batch)
                for text, row in zip(batch, proba):
                    k = int(row.argmax())
                    yield TaggedParagraph(text, self.labels[k], float(row[k]))
                batch = []

    def clean(self, text: str) -> str:
        """Only the ``core`` text of a raw document, paragraphs joined by blank lines."""
        tagged = self.tag(text)
        return clean_text([t.text for t in tagged], [t.label for t in tagged])

    # saving and loading ----------------------------------------------------------------
    def config(self) -> dict:
        return {"format": FORMAT_VERSION, "paratag_version": __version__, "model": model_config(self.model),
                "labels": self.labels, "taxonomy": self.taxonomy.to_dict(), **self.info}

    def save_pretrained(self, directory, card: str | None = None) -> Path:
        """Save into ``directory`` (replaced as a whole, never left half-written)."""
        from .model_card import render_model_card

        directory = Path(directory)
        with atomic_directory(directory) as tmp:
            self.model.save_weights(tmp)
            config_path = tmp / CONFIG_FILE
            own = json.loads(config_path.read_text(encoding="utf-8")) if config_path.exists() else {}
            own["paratag"] = self.config()
            config_path.write_text(json.dumps(own, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            (tmp / CARD_FILE).write_text(card if card is not None else render_model_card(self), encoding="utf-8")
        return directory

    @classmethod
    def from_pretrained(cls, directory) -> "Tagger":
        """Load a saved model folder. A folder that another process re-saves meanwhile is
        swapped whole (see :func:`paratag.fsutil.atomic_directory`): a load that saw the swap
        starts again, so it never mixes two versions."""
        directory = Path(directory)
        for attempt in range(5):
            before = _identity(directory)
            try:
                tagger = cls._load(directory)
            except (OSError, ValueError):
                if attempt < 4 and _identity(directory) != before:
                    continue
                raise
            if _identity(directory) == before:
                return tagger
        return tagger

    @classmethod
    def _load(cls, directory: Path) -> "Tagger":
        config_path = directory / CONFIG_FILE
        if not config_path.is_file():
            raise FileNotFoundError(f"{directory} is not a saved paratag model: no {CONFIG_FILE}")
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"{config_path}: not valid JSON ({error})") from None
        config = config.get("paratag") if isinstance(config, dict) else None
        if not isinstance(config, dict) or not isinstance(config.get("model"), dict) \
                or not isinstance(config.get("taxonomy"), dict):
            raise ValueError(f"{config_path}: not a paratag model config (expected a \"paratag\" object with "
                             "\"model\" and \"taxonomy\" objects)")
        if not isinstance(config.get("format", 1), int) or config.get("format", 1) > FORMAT_VERSION:
            raise ValueError(f"{config_path}: model format {config.get('format')!r} is newer than this paratag "
                             f"reads ({FORMAT_VERSION}; saved by paratag {config.get('paratag_version', '?')}, this "
                             f"is {__version__}): upgrade paratag")
        try:
            model = build_model(config["model"])
            taxonomy = Taxonomy(**config["taxonomy"])
        except TypeError as error:  # a parameter the class does not take
            raise ValueError(f"{config_path}: {error}") from None
        model.load_weights(directory)
        info = {k: v for k, v in config.items()
                if k not in ("format", "paratag_version", "model", "labels", "taxonomy")}
        tagger = cls(model, taxonomy, info)
        if "labels" in config and list(config["labels"]) != tagger.labels:
            raise ValueError(f"{config_path}: its labels {config['labels']} do not fit the weights' classes "
                             f"{tagger.labels}")
        return tagger


def _identity(directory: Path) -> tuple | None:
    try:
        info = directory.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


def load(path=None) -> Tagger:
    """The shipped model (no ``path``) or a saved one: ``paratag.load()``, ``paratag.load("run/model")``."""
    from .paths import pretrained_dir

    return Tagger.from_pretrained(path if path is not None else pretrained_dir())
