"""Every model honours the estimator contract on real (authored) documents."""

import numpy as np
import pytest
from sklearn.base import clone

from paratag.features import FEATURE_NAMES, layout_features
from paratag.models import GRUReader, KeywordRules, NgramModel, NgramSequenceModel
from paratag.models.rows import shift_rows
from paratag.tagger import model_config

FAST = {
    "rules": lambda: KeywordRules(),
    "ngram": lambda: NgramModel(max_features=3000, neighbours=1),
    "ngram_sequence": lambda: NgramSequenceModel(max_features=3000, inner_folds=2,
                                                 reader=GRUReader(hidden=16, layers=1, epochs=2)),
}


def _split(corpus):
    return corpus[:45], corpus[45:]


@pytest.fixture(scope="module", params=list(FAST))
def fitted(request, small_corpus):
    train, _ = _split(small_corpus)
    return request.param, FAST[request.param]().fit(train, [d.labels for d in train])


def test_contract(fitted, small_corpus):
    name, model = fitted
    _, test = _split(small_corpus)
    assert list(model.classes_) == sorted(model.classes_) == ["core", "fundraising", "newsletter", "other", "related"]
    probas = model.predict_proba(test)
    assert [p.shape for p in probas] == [(len(d), 5) for d in test]
    assert all(np.allclose(p.sum(axis=1), 1, atol=1e-5) for p in probas)
    predictions = model.predict(test)
    assert [len(p) for p in predictions] == [len(d) for d in test]
    assert predictions[0][0] in model.classes_
    # plain lists of strings work as well as Document objects
    assert model.predict([test[0].paragraphs]) == predictions[:1]
    # clone keeps parameters and drops learned state
    twin = clone(model)
    assert model_config(twin) == model_config(model) and not hasattr(twin, "classes_")


def test_learned_models_beat_chance_on_unseen_sites(fitted, small_corpus):
    name, model = fitted
    _, test = _split(small_corpus)
    gold = [label for d in test for label in d.labels]
    predicted = [label for p in model.predict(test) for label in p]
    accuracy = np.mean([g == p for g, p in zip(gold, predicted)])
    assert accuracy > 0.5, f"{name}: accuracy {accuracy:.2f}"


def test_save_and_load_give_identical_probabilities(fitted, small_corpus, tmp_path):
    name, model = fitted
    _, test = _split(small_corpus)
    model.save_weights(tmp_path)
    again = clone(model)
    again.load_weights(tmp_path)
    assert list(again.classes_) == list(model.classes_)
    for a, b in zip(model.predict_proba(test), again.predict_proba(test)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_ignored_paragraphs_give_context_but_no_target(small_corpus):
    train, test = _split(small_corpus)
    targets = [[None if label == "other" else label for label in d.labels] for d in train]
    model = NgramModel(max_features=3000).fit(train, targets)
    assert list(model.classes_) == ["core", "fundraising", "newsletter", "related"]
    assert "other" not in {label for p in model.predict(test) for label in p}


def test_unfitted_and_malformed_input_errors(small_corpus):
    with pytest.raises(RuntimeError, match="not fitted"):
        NgramModel().predict([["a"]])
    with pytest.raises(TypeError, match="list of documents"):
        KeywordRules().fit(small_corpus, [d.labels for d in small_corpus]).predict(small_corpus[0])
    with pytest.raises(ValueError, match="document 0: 2 paragraphs but 1 labels"):
        NgramModel().fit([["a", "b"]], [["core"]])


def test_rules_explain_which_rule_fired():
    labels = ["core", "fundraising", "newsletter", "other", "related"]
    rules = KeywordRules().fit([labels], [labels])
    paragraphs = ["Home", " ".join(["word"] * 20), "Please donate to support our journalism today",
                  "Sign up for our newsletter", "Donate", "Read more", "Cookie settings"]
    explained = rules.explain(paragraphs)
    assert [label for label, _ in explained] == ["other", "core", "fundraising", "newsletter", "other",
                                                 "related", "other"]
    assert explained[2][1] == "fundraising keyword"
    # a taxonomy without `other` skips the rules that would give it
    four = KeywordRules().fit([labels[:3] + ["related"]], [labels[:3] + ["related"]])
    assert "other" not in [label for label, _ in four.explain(paragraphs)]


def test_layout_features_shape_and_article_region():
    paragraphs = ["Menu", "News"] + [" ".join(["word"] * 30)] * 4 + ["Share", "Footer"]
    features = layout_features(paragraphs)
    assert features.shape == (8, len(FEATURE_NAMES))
    inside = features[:, FEATURE_NAMES.index("in_article")]
    assert inside.tolist() == [0, 0, 1, 1, 1, 1, 0, 0]
    assert features[0, FEATURE_NAMES.index("before_article")] == 1
    assert features[7, FEATURE_NAMES.index("after_article")] == 1


def test_shift_rows_stays_inside_each_document():
    matrix = np.arange(5, dtype=np.float32)[:, None]  # documents of 3 and 2 paragraphs
    assert shift_rows(matrix, [3, 2], 1).ravel().tolist() == [1, 2, 0, 4, 0]
    assert shift_rows(matrix, [3, 2], -1).ravel().tolist() == [0, 0, 1, 0, 3]


def test_heuristics_keep_article_text_as_core(authored):
    from paratag.models import JusTextModel, LineFilterModel

    labels = ["core", "fundraising", "newsletter", "other", "related"]
    documents = [d for d in authored if d.meta.get("lang") in ("en", "de")][:20]
    for model in (JusTextModel(), LineFilterModel()):
        model.fit([labels], [labels])
        predicted = [label for p in model.predict(documents) for label in p]
        gold = [label for d in documents for label in d.labels]
        assert set(predicted) <= {"core", "other"}
        kept_core = sum(p == g == "core" for p, g in zip(predicted, gold)) / gold.count("core")
        assert kept_core > 0.5, type(model).__name__
    line_filter = LineFilterModel()
    assert line_filter.keeps("The council voted on Tuesday to close the library.")
    assert not line_filter.keeps("Read more")
    assert not line_filter.keeps("We use cookies. Read our privacy policy.")
