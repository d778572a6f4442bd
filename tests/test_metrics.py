import pytest

from paratag.evaluate import evaluation, format_scores
from paratag.metrics import clean_text, paragraph_scores, score_documents, token_f1, tokens
from paratag.document import Document

GOLD = ["core", "core", "fundraising", "newsletter", "other", "related", "related"]
PRED = ["core", "fundraising", "fundraising", "newsletter", "fundraising", "related", "core"]
TEXTS = ["the cat sat", "on the mat", "give money", "sign up", "menu", "read more", "other story here"]


def test_per_class_scores_by_hand():
    scores = paragraph_scores(GOLD, PRED)
    c = scores["per_class"]
    # core: TP 1 (first), FN 1 (second), FP 1 (the related paragraph) -> P = R = F1 = 1/2
    assert (c["core"]["precision"], c["core"]["recall"], c["core"]["f1"]) == (0.5, 0.5, 0.5)
    # fundraising: TP 1, FP 2 (a core and an other paragraph) -> P 1/3, R 1, F1 1/2
    assert c["fundraising"]["precision"] == pytest.approx(1 / 3)
    assert c["fundraising"]["recall"] == 1.0 and c["fundraising"]["f1"] == pytest.approx(0.5)
    assert c["newsletter"]["f1"] == 1.0
    # related: TP 1, FN 1 -> P 1, R 1/2, F1 2/3
    assert c["related"]["f1"] == pytest.approx(2 / 3)
    assert c["other"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert scores["macro_f1"] == pytest.approx((0.5 + 0.5 + 1 + 2 / 3) / 4)
    assert scores["core_f1"] == 0.5
    assert scores["accuracy"] == pytest.approx(4 / 7)


def test_token_f1_by_hand():
    # gold core "the cat sat on the mat" (6 tokens); kept "the cat sat other story here" (6 tokens);
    # overlap the, cat, sat = 3 -> P = R = 1/2
    assert clean_text(TEXTS, PRED) == "the cat sat\n\nother story here"
    assert token_f1(clean_text(TEXTS, PRED), clean_text(TEXTS, GOLD)) == pytest.approx(0.5)
    assert tokens("Don't STOP, über-cool 3.5") == ["don", "t", "stop", "über", "cool", "3", "5"]
    assert token_f1("", "") == 1.0
    assert token_f1("some text", "") == 0.0
    assert token_f1("a a b", "a b b") == pytest.approx(2 / 3)


def test_document_scores_average_token_f1_over_documents():
    scores = score_documents([TEXTS, ["All core"]], [GOLD, ["core"]], [PRED, ["core"]])
    assert scores["token_f1"] == pytest.approx((0.5 + 1.0) / 2)
    assert scores["n_documents"] == 2 and scores["n_paragraphs"] == 8
    with pytest.raises(ValueError, match="document 0"):
        score_documents([TEXTS], [GOLD], [PRED[:-1]])


def test_evaluation_per_site_and_folds():
    docs = [Document("a", TEXTS, GOLD, source="one.example"), Document("b", ["All core"], ["core"], source="two.example")]
    result = evaluation(docs, [PRED, ["core"]], folds=["f0", "f1"])
    sites = {row["site"]: row for row in result["per_site"]}
    assert sites["two.example"]["token_f1"] == 1.0 and sites["two.example"]["accuracy"] == 1.0
    assert sites["one.example"]["macro_f1"] == pytest.approx((0.5 + 0.5 + 1 + 2 / 3) / 4)
    assert result["folds"]["f0"]["accuracy"] == pytest.approx(4 / 7)
    assert result["fold_mean"]["token_f1"] == pytest.approx(0.75)
    assert result["confusion"]["labels"] == ["core", "fundraising", "newsletter", "related", "other"]
    # gold other predicted fundraising: row 4, column 1
    assert result["confusion"]["matrix"][4][1] == 1
    table = format_scores(result, sites=1)
    assert "mean ± std over 2 folds" in table and "| fundraising | 0.333 | 1.000 | 0.500 | 1 |" in table
