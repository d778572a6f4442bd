"""Property-based tests (hypothesis) of the reader and the segmenter: no character is
lost or moved, and the paragraphs do not depend on line-end style or trailing whitespace."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from paratag.document import Document
from paratag.formats import decode_text
from paratag.segment import split_paragraphs
from paratag.segmentation import Resegmenter

#: letters, punctuation, odd spaces and every kind of line end
TEXT = st.lists(st.sampled_from(list("ab Z.!é日 \t\u00a0\n\r") + ["\r\n", "\n\n"]), max_size=200).map("".join)


def _ink(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=300)
@given(TEXT)
def test_splitting_keeps_every_non_whitespace_character_in_order(text):
    assert _ink("".join(split_paragraphs(text))) == _ink(text.replace("\u00a0", " "))


@settings(max_examples=300)
@given(TEXT, st.sampled_from(["\n", "\r\n", "\r"]), st.text(alphabet=" \t\n\r", max_size=10))
def test_paragraphs_do_not_depend_on_line_ends_or_trailing_whitespace(text, line_end, tail):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert split_paragraphs(line_end.join(lines) + tail) == split_paragraphs("\n".join(lines))


@settings(max_examples=200)
@given(TEXT)
def test_decoding_utf8_bytes_keeps_the_text(text):
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        assert _ink(decode_text(data, "x")) == _ink(text)


LABELS = st.sampled_from(["core", "fundraising", "related", "other"])
PAGE = st.lists(st.tuples(st.text(alphabet=st.sampled_from(list("ab c\n")), min_size=1, max_size=40)
                          .filter(lambda t: t.strip()), LABELS), min_size=1, max_size=30)


@settings(max_examples=200)
@given(PAGE, st.integers(0, 2**32 - 1))
def test_resegmenting_keeps_every_character_with_its_label(page, seed):
    paragraphs = [p.strip() for p, _ in page]
    document = Document("d", paragraphs, [label for _, label in page])
    copy = Resegmenter(join_prob=0.7, split_prob=0.7).resegment(document, np.random.default_rng(seed))
    assert [(c, label) for p, label in zip(copy.paragraphs, copy.labels) for c in _ink(p)] == \
        [(c, label) for p, label in zip(document.paragraphs, document.labels) for c in _ink(p)]
