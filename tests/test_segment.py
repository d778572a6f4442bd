from paratag.formats import read_text
from paratag.segment import parse_document_text, split_paragraphs, split_paragraphs_with_lines

from conftest import SEED


def test_seed_has_31_paragraphs_and_its_date_header():
    document = read_text(SEED)
    assert len(document.paragraphs) == 31
    assert document.meta == {"date": "2026-02-26"}
    # the header leaves the rest of the first paragraph as text, both of its lines
    assert document.paragraphs[0] == "Support The Moscow Times!\nContribute today"
    assert document.paragraphs[1] == "Russia and Ukraine Exchange Bodies of Soldiers, Kremlin Official Says"
    assert document.paragraphs[-1].endswith("lawmaker Park Sun-won told reporters.\n2 Min read")


def test_blank_lines_of_any_kind_separate_paragraphs():
    text = "One\r\nstill one\r\n\r\n \t \r\n\r\nTwo\u00a0words  \n\n\n\nThree\t\n"
    assert split_paragraphs(text) == ["One\nstill one", "Two words", "Three"]


def test_only_whitespace_is_changed():
    text = "  «Guillemets» — and the dash, ü, 😀 stay;\ttabs become spaces  \n"
    assert split_paragraphs(text) == ["«Guillemets» — and the dash, ü, 😀 stay; tabs become spaces"]


def test_paragraph_line_numbers_count_from_one():
    assert split_paragraphs_with_lines("\n\nA\nB\n\n\nC") == [(3, "A\nB"), (7, "C")]


def test_date_header_alone_is_dropped_into_metadata():
    assert parse_document_text("date 2024-01-31\n\nBody text.") == (["Body text."], {"date": "2024-01-31"})
    assert parse_document_text("date 2024-01-31 Headline\nmore") == (["Headline\nmore"], {"date": "2024-01-31"})


def test_a_date_later_in_the_text_is_not_a_header():
    paragraphs, meta = parse_document_text("Headline\n\ndate 2024-01-31 is when it happened")
    assert meta == {}
    assert paragraphs[1] == "date 2024-01-31 is when it happened"


def test_empty_text_has_no_paragraphs():
    assert split_paragraphs(" \n\t\r\n ") == []
