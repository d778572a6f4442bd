"""The repository's own corpus: valid, varied, not templated, and big enough."""

from collections import Counter

from paratag.data_tools import MAX_SHARED_WORDS, check, shared_paragraphs
from paratag.metrics import ALL_LABELS

from conftest import DATA


def test_data_folder_passes_the_checker(known_labels):
    documents, problems = check([DATA], known_labels)
    assert problems == []
    assert len(documents) >= 151


def test_no_two_documents_share_a_long_paragraph(authored):
    repeated = shared_paragraphs(authored, MAX_SHARED_WORDS)
    assert repeated == [], f"{len(repeated)} paragraphs of more than {MAX_SHARED_WORDS} words repeat: {repeated[:3]}"


def test_the_shared_paragraph_check_counts_words():
    from paratag.document import Document

    long = " ".join(f"w{i}" for i in range(13))
    short = " ".join(f"w{i}" for i in range(12))
    a = Document("a", ["Headline", long, short], ["core", "core", "core"])
    b = Document("b", [long.upper(), short], ["core", "core"])
    assert shared_paragraphs([a, b]) == [("b", "a", long.upper())]


def test_authored_corpus_covers_what_the_issue_asks_for(authored):
    assert len(authored) >= 150
    outlets = {d.source for d in authored}
    assert len(outlets) >= 40
    assert sum(d.meta["lang"] != "en" for d in authored) >= 20
    counts = Counter(label for d in authored for label in d.labels)
    # every label has at least 100 paragraphs, so cross-validation tests each on 100+
    assert all(counts[label] >= 100 for label in ALL_LABELS), counts
    # documents with no boilerplate and documents that are mostly boilerplate
    assert any(set(d.labels) == {"core"} for d in authored)
    assert any(d.labels.count("core") / len(d) < 0.15 for d in authored)
