import json

import pytest

from paratag.dataset import from_dataset, to_dataset
from paratag.formats import (DataError, format_annotation, read_annotation, read_documents, read_jsonl,
                             read_labelled, read_sidecar, read_text, write_jsonl, write_sidecar)

from conftest import REAL_FILES, SEED, needs_shared


def test_seed_sidecar(known_labels):
    document = read_sidecar(SEED, known_labels)
    assert len(document.labels) == 31
    assert document.labels[:2] == ["fundraising", "core"]
    assert document.labels.count("fundraising") == 9
    assert document.meta["date"] == "2026-02-26"


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_label_in_sidecar_names_the_text_line(tmp_path, known_labels):
    text = _write(tmp_path / "page.txt", "Headline\n\nBody one.\n\n\nFooter")
    _write(tmp_path / "page.labels.json", json.dumps({"labels": ["core", "cor", "other"]}))
    with pytest.raises(DataError, match=r"page\.txt:3: paragraph 2: unknown label 'cor'"):
        read_sidecar(text, known_labels)


def test_sidecar_with_wrong_count_names_both_files(tmp_path, known_labels):
    text = _write(tmp_path / "page.txt", "A\n\nB")
    _write(tmp_path / "page.labels.json", json.dumps({"labels": ["core"]}))
    with pytest.raises(DataError, match=r"page\.labels\.json: 1 labels for 2 paragraphs of page\.txt"):
        read_sidecar(text, known_labels)


def test_sidecar_that_is_not_json_names_its_line(tmp_path):
    text = _write(tmp_path / "page.txt", "A")
    _write(tmp_path / "page.labels.json", '{\n "labels": ["core",]\n}')
    with pytest.raises(DataError, match=r"page\.labels\.json:2: not valid JSON"):
        read_sidecar(text)


@pytest.mark.parametrize("line, message", [
    ('{"id": "a", "paragraphs": [{"text": "x", "label": "core"}', "not valid JSON"),
    ('{"id": "a", "paragraphs": []}', "the document is empty"),
    ('{"id": "a"}', "missing 'paragraphs' list"),
    ('{"id": "a", "paragraphs": [{"text": "x", "label": "ads"}]}', "paragraph 1: unknown label 'ads'"),
    ('{"id": "a", "paragraphs": [{"text": "x", "label": "core"}, {"text": "  ", "label": "core"}]}',
     "paragraph 2: empty text"),
    ('{"id": "a", "paragraphs": [{"text": "x", "label": "core"}, {"text": "y"}]}', "paragraph 2: missing label"),
    ('["not", "an", "object"]', "expected a JSON object"),
])
def test_bad_jsonl_lines_name_file_and_line(tmp_path, known_labels, line, message):
    good = '{"id": "ok", "source": "s", "paragraphs": [{"text": "x", "label": "core"}]}'
    path = _write(tmp_path / "bad.jsonl", good + "\n\n" + line + "\n")
    with pytest.raises(DataError) as error:
        read_jsonl(path, known_labels)
    assert str(error.value).startswith(f"{path}:3: ")
    assert message in str(error.value)


def test_jsonl_round_trip(tmp_path, authored):
    write_jsonl(authored[:5], tmp_path / "out.jsonl")
    again = read_labelled(tmp_path / "out.jsonl")
    assert [(d.id, d.source, d.paragraphs, d.labels) for d in again] == \
        [(d.id, d.source, d.paragraphs, d.labels) for d in authored[:5]]


def test_sidecar_round_trip(tmp_path, authored):
    document = authored[0]
    write_sidecar(document, tmp_path / "doc.txt")
    again = read_sidecar(tmp_path / "doc.txt")
    assert (again.paragraphs, again.labels, again.source, again.url) == \
        (document.paragraphs, document.labels, document.source, document.url)


def test_annotation_round_trip_with_scores(tmp_path, known_labels):
    document = read_sidecar(SEED)
    text = format_annotation(document, document.labels, [0.5] * len(document))
    again = read_annotation(_write(tmp_path / "seed.ann", text), known_labels)
    assert again.paragraphs == document.paragraphs
    assert again.labels == document.labels
    assert again.meta["date"] == "2026-02-26"


def test_annotation_errors_name_the_line(tmp_path, known_labels):
    path = _write(tmp_path / "a.ann", "# source: x\n\n>>> core\nHeadline\n\nNo marker here\n")
    with pytest.raises(DataError, match=r"a\.ann:6: expected a '>>> LABEL' line"):
        read_annotation(path, known_labels)
    path = _write(tmp_path / "b.ann", ">>> core\nHeadline\n\n>>> sponsored 0.9\nAd\n")
    with pytest.raises(DataError, match=r"b\.ann:4: paragraph 2: unknown label 'sponsored'"):
        read_annotation(path, known_labels)


def test_raw_text_errors(tmp_path):
    with pytest.raises(DataError, match="the document is empty"):
        read_text(_write(tmp_path / "empty.txt", "\n \n"))
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1\.txt:1: not UTF-8"):
        read_text(tmp_path / "latin1.txt")
    with pytest.raises(DataError, match="no such file"):
        read_labelled(tmp_path / "missing.jsonl")


def test_folders_are_read_recursively(tmp_path):
    write_sidecar(read_sidecar(SEED), tmp_path / "a" / "seed.txt")
    _write(tmp_path / "a" / "raw.txt", "Unlabelled\n\ntext")
    assert [d.id for d in read_labelled(tmp_path)] == ["seed-moscow-times"]
    assert sorted(d.id for d in read_documents(tmp_path, require_labels=False)) == ["raw", "seed-moscow-times"]


def test_dataset_has_one_row_per_paragraph_and_regroups(authored):
    dataset = to_dataset(authored[:3])
    assert dataset.num_rows == sum(len(d) for d in authored[:3])
    assert set(dataset.column_names) >= {"doc_id", "source", "position", "text", "label"}
    assert dataset[0]["position"] == 0 and dataset[0]["doc_id"] == authored[0].id
    again = from_dataset(dataset)
    assert [(d.id, d.paragraphs, d.labels) for d in again] == [(d.id, d.paragraphs, d.labels) for d in authored[:3]]


@needs_shared
def test_real_corpus_reads_with_its_documented_counts(known_labels):
    documents = read_labelled(REAL_FILES, known_labels)
    assert len(documents) == 1245
    assert sum(len(d) for d in documents) == 128_695
    labels = [label for d in documents for label in d.labels]
    assert labels.count("fundraising") == 836 and labels.count("newsletter") == 1597


def test_metadata_that_is_not_a_string_is_refused_where_it_is(tmp_path):
    _write(tmp_path / "a.txt", "Hello there.\n\nSecond.\n")
    _write(tmp_path / "a.labels.json", '{"labels": ["core", "other"], "lang": ["en", "de"]}')
    with pytest.raises(DataError, match=r"a\.labels\.json: 'lang' must be a string, got \[\"en\", \"de\"\]"):
        read_labelled(tmp_path)
    record = {"id": "x", "date": 2024, "paragraphs": [{"text": "Hi.", "label": "core"}]}
    (tmp_path / "b").mkdir()
    _write(tmp_path / "b" / "b.jsonl", "\n" + json.dumps(record) + "\n")
    with pytest.raises(DataError, match=r"b\.jsonl:2: 'date' must be a string, got 2024"):
        read_labelled(tmp_path / "b")


def test_an_empty_file_or_folder_of_data_is_an_error_not_zero_documents(tmp_path):
    _write(tmp_path / "empty.jsonl", "\n")
    with pytest.raises(DataError, match=r"empty\.jsonl: no documents: the file is empty"):
        read_labelled(tmp_path / "empty.jsonl")
    (tmp_path / "nothing").mkdir()
    with pytest.raises(DataError, match=r"nothing: no document files in this folder"):
        read_labelled(tmp_path / "nothing")
