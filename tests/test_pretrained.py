"""The model that ships with the package: loads without a path, safely, and tags the user's sample."""

import json
import subprocess
import sys

import paratag
from paratag.formats import read_sidecar
from paratag.paths import pretrained_dir

from conftest import SEED


def test_the_shipped_model_is_a_small_folder_of_safe_files():
    folder = pretrained_dir()
    files = {p.name: p.stat().st_size for p in folder.iterdir()}
    assert {"config.json", "README.md"} <= set(files)
    assert all(name.endswith((".json", ".safetensors", ".md")) for name in files), files  # nothing to unpickle
    assert sum(files.values()) < 15_000_000


def test_the_shipped_model_records_its_training_data_and_scores():
    config = json.loads((pretrained_dir() / "config.json").read_text())["paratag"]
    assert sorted(config["labels"]) == ["core", "fundraising", "newsletter", "other", "related"]
    assert config["training"]["documents"] >= 630  # the whole real corpus
    assert any("aeb-dev.jsonl" in path for path in config["training"]["data"])
    assert 0 < config["scores"]["macro_f1"] <= 1 and "cross-validation grouped by site" in config["scores"]["setting"]


def test_load_without_a_path_tags_the_users_sample():
    tagger = paratag.load()
    document = read_sidecar(SEED)
    predicted = tagger.predict(document.paragraphs)
    assert len(predicted) == 31
    correct = sum(p == g for p, g in zip(predicted, document.labels))
    assert correct >= 28, list(zip(predicted, document.labels))
    proba = tagger.predict_proba(document.paragraphs)
    assert proba.shape == (31, 5) and abs(proba.sum(axis=1) - 1).max() < 1e-5


def test_cli_tags_with_the_shipped_model_by_default():
    result = subprocess.run([sys.executable, "-m", "paratag.cli", "tag", str(SEED)],
                            capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    assert len(lines) == 31
    assert [line.split()[0] for line in lines[5:8]] == ["core"] * 3  # article paragraphs
