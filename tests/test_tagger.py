import json

import numpy as np
import pytest

import paratag
from paratag.formats import read_sidecar
from paratag.models import KeywordRules
from paratag.tagger import CONFIG_FILE, Tagger

from conftest import SEED


@pytest.fixture(scope="module")
def tagger(saved_model):
    return paratag.load(saved_model)


def test_saved_folder_holds_config_weights_and_card(saved_model):
    names = {p.name for p in saved_model.iterdir()}
    assert {"config.json", "README.md", "weights.safetensors", "state.json"} <= names
    assert not any(name.endswith((".pkl", ".pickle", ".joblib", ".bin")) for name in names)
    config = json.loads((saved_model / CONFIG_FILE).read_text())["paratag"]
    assert config["model"]["_target_"] == "paratag.models.ngram.NgramModel"
    assert config["labels"] == ["core", "fundraising", "newsletter", "other", "related"]
    assert config["paratag_version"] == paratag.__version__
    card = (saved_model / "README.md").read_text()
    assert "# paratag model: NgramModel" in card and "paratag.load(" in card and "## Training data" in card


def test_round_trip_gives_identical_probabilities(saved_model, tmp_path, small_corpus):
    first = paratag.load(saved_model)
    first.save_pretrained(tmp_path / "again")
    second = paratag.load(tmp_path / "again")
    for document in small_corpus[:5]:
        np.testing.assert_array_equal(first.predict_proba(document.paragraphs),
                                      second.predict_proba(document.paragraphs))


def test_predict_tag_and_clean_on_the_seed(tagger):
    text = SEED.read_text(encoding="utf-8")
    gold = read_sidecar(SEED)
    labels = tagger.predict(gold.paragraphs)
    assert len(labels) == 31 and set(labels) <= set(tagger.labels)
    proba = tagger.predict_proba(gold.paragraphs)
    assert proba.shape == (31, 5) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    tagged = tagger.tag(text)
    assert [t.text for t in tagged] == gold.paragraphs
    assert [t.label for t in tagged] == labels
    assert all(0 < t.score <= 1 for t in tagged)
    cleaned = tagger.clean(text)
    assert cleaned == "\n\n".join(t.text for t in tagged if t.label == "core")
    # the article body is kept
    assert "Russia has handed over the remains of 1,000 Ukrainian soldiers" in cleaned


def test_empty_inputs(tagger):
    assert tagger.tag("  \n\n ") == []
    assert tagger.predict([]) == []
    assert tagger.predict_proba_documents([[], ["One paragraph."]])[0].shape == (0, 5)
    with pytest.raises(TypeError, match="use tag"):
        tagger.predict("a raw string")


def test_a_failed_save_leaves_no_folder(tmp_path):
    class Broken(KeywordRules):
        def save_weights(self, directory):
            (directory / "partial.json").write_text("{")
            raise OSError("disk full")

    model = Broken().fit([["a", "b"]], [["core", "other"]])
    with pytest.raises(OSError, match="disk full"):
        Tagger(model).save_pretrained(tmp_path / "model")
    assert list(tmp_path.iterdir()) == []
