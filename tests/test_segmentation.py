"""Re-segmenting a labelled page keeps every paragraph's text and label."""

import numpy as np
import pytest

from paratag.document import Document
from paratag.formats import read_labelled
from paratag.segmentation import Resegmenter, joined_form, segmented

from conftest import SEED


def _chars(paragraphs):
    return "".join("".join(p.split()) for p in paragraphs)


def _label_per_char(doc):
    """Each non-whitespace character with its paragraph's label, in page order."""
    return [(c, label) for p, label in zip(doc.paragraphs, doc.labels) for c in "".join(p.split())]


@pytest.fixture(scope="module")
def seed_page():
    return read_labelled([SEED.parent])[0]


def test_joined_form_joins_short_same_label_runs_only():
    doc = Document("d", ["Once", "Monthly", "Annual", "A long paragraph " * 5, "Read more", "Teaser"],
                   ["fundraising", "fundraising", "fundraising", "core", "related", "related"])
    joined = joined_form(doc)
    assert joined.paragraphs == ["Once\nMonthly\nAnnual", doc.paragraphs[3], "Read more\nTeaser"]
    assert joined.labels == ["fundraising", "core", "related"]


def test_joined_form_never_joins_across_labels():
    doc = Document("d", ["Donate", "Sign up", "Home"], ["fundraising", "newsletter", "other"])
    assert joined_form(doc).paragraphs == doc.paragraphs


def test_resegmented_copies_keep_every_character_and_label(authored, seed_page):
    pages = [seed_page] + authored[:40]
    augmented = Resegmenter(copies=2, join_prob=0.7, split_prob=0.7, random_state=3)(pages)
    assert len(augmented) == 3 * len(pages)
    assert augmented[:len(pages)] == pages  # the originals come first, unchanged
    changed = 0
    for copy, original in zip(augmented[len(pages):], pages * 2):
        assert _label_per_char(copy) == _label_per_char(original)
        assert copy.source == original.source and copy.id.startswith(original.id + "#reseg")
        changed += copy.paragraphs != original.paragraphs
    assert changed > len(pages)  # most copies really differ from their page


def test_split_undoes_the_seed_pages_widget_lines(seed_page):
    split = Resegmenter(join_prob=0.0, split_prob=1.0).resegment(seed_page, np.random.default_rng(0))
    assert "Once" in split.paragraphs and "Monthly" in split.paragraphs
    assert len(split.paragraphs) > len(seed_page.paragraphs)
    assert _label_per_char(split) == _label_per_char(seed_page)


def test_segmented_knows_its_forms(seed_page):
    assert segmented([seed_page], "blocks") == [seed_page]
    assert _chars(segmented([seed_page], "joined")[0].paragraphs) == _chars(seed_page.paragraphs)
    with pytest.raises(ValueError, match="unknown segmentation 'lines'"):
        segmented([seed_page], "lines")
