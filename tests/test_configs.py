"""Training configs: a value that cannot work is refused before any work, in one line
that names the config key."""

import subprocess
import sys

import pytest

from paratag.config import compose
from paratag.config_check import ConfigError
from paratag.train import train

from conftest import DATA

TINY = [f"data.train=[{DATA / 'authored' / 'it'}]", "split.n_splits=2", "model=ngram_sequence"]


def _config(override: str):
    """The tiny config with ``override`` in place of the entry for the same key."""
    key = override.split("=", 1)[0]
    return compose([o for o in TINY if o.split("=", 1)[0] != key] + [override])


@pytest.mark.parametrize("override, message", [
    ("seed=abc", "config key seed: expected a whole number, got 'abc'"),
    ("model.C=abc", "config key model.C: expected a number, got 'abc'"),
    ("model.reader.epochs=x", "config key model.reader.epochs: expected a number"),
    ("model.layout=maybe", "config key model.layout: expected true or false"),
    ("split.n_splits=0", "config key split.n_splits: must be at least 2, got 0"),
    ("split.n_splits=50", "config key split: 50-fold cross-validation needs at least 50 sites"),
    ("data.train=[/nowhere/data.jsonl]", "config key data.train[0]: no such file or folder: /nowhere/data.jsonl"),
    ("test_segmentations=[blocks,lines]", "config key test_segmentations[1]: unknown segmentation 'lines'"),
    ("train_documents=0", "config key train_documents: must be at least 1"),
])
def test_a_config_that_cannot_work_is_refused_before_any_work(override, message, tmp_path):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        train(_config(override), run_dir=tmp_path / "run")
    assert not (tmp_path / "run").exists() or "split" in override  # nothing was started


def test_the_training_command_prints_one_line_for_a_bad_config(tmp_path):
    result = subprocess.run([sys.executable, "-m", "paratag.train", "seed=abc", f"hydra.run.dir={tmp_path}"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "paratag.train: error: config key seed: expected a whole number, got 'abc'" in result.stderr
