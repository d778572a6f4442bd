"""Streaming: tagging reads its input lazily, so memory stays bounded for input of any
size (peak memory by size: experiments/benchmark/streaming.py)."""

import pytest

import paratag
from paratag.formats import read_sidecar

from conftest import SEED


@pytest.fixture(scope="module")
def tagger(saved_model):
    return paratag.load(saved_model)


def test_tag_stream_tags_pages_as_predict_does_and_reads_lazily(tagger):
    import itertools

    page = read_sidecar(SEED).paragraphs
    assert [t.label for t in tagger.tag_stream(page)] == tagger.predict(page)
    windows = [t.label for t in tagger.tag_stream(page, window=7)]
    assert windows == [label for i in range(0, len(page), 7) for label in tagger.predict(page[i:i + 7])]
    endless = itertools.cycle(page)  # never ends: only a lazy reader can give the first paragraphs
    first = list(itertools.islice(tagger.tag_stream(endless, window=10), 25))
    assert [t.text for t in first] == (page * 2)[:25]
