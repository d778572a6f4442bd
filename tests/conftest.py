"""Shared fixtures. Tests that need ../shared/data skip cleanly when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from paratag.formats import read_labelled
from paratag.labels import default_taxonomy
from paratag.paths import shared_data_dir

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SEED = DATA / "samples" / "seed-moscow-times.txt"
SHARED = shared_data_dir()
REAL_FILES = [SHARED / f"{name}-dev.jsonl" for name in ("aeb", "trafilatura-eval", "fundus", "wcxb")]

needs_shared = pytest.mark.skipif(not all(p.exists() for p in REAL_FILES),
                                  reason="../shared/data (the real corpus) is not beside the repository")


@pytest.fixture(scope="session")
def known_labels():
    return default_taxonomy().known


@pytest.fixture(scope="session")
def authored(known_labels):
    return read_labelled(DATA / "authored", known_labels)


@pytest.fixture(scope="session")
def small_corpus(authored):
    """About 60 authored documents from 24 sites: enough to train any model in seconds."""
    sites = sorted({d.source for d in authored})[::2]
    return [d for d in authored if d.source in sites][:60]


@pytest.fixture(scope="session")
def saved_model(tmp_path_factory, small_corpus):
    """A small n-gram model trained on authored documents and saved as a folder."""
    from paratag.models import NgramModel
    from paratag.tagger import Tagger

    model = NgramModel(max_features=5000).fit(small_corpus, [d.labels for d in small_corpus])
    info = {"training": {"data": ["authored"], "documents": len(small_corpus)},
            "scores": {"setting": "not evaluated (test fixture)"}}
    return Tagger(model, info=info).save_pretrained(tmp_path_factory.mktemp("models") / "ngram")
