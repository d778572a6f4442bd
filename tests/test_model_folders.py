"""Model folders: loading runs no code from the folder, and a folder that is damaged,
from a newer format or crafted is refused by name (the hostile folders are built here)."""

import json

import pytest

import paratag
from paratag.tagger import CONFIG_FILE, build_model

from conftest import SEED


def run(capsys, *argv):
    from paratag.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_loading_refuses_anything_but_paratags_estimators(tmp_path):
    with pytest.raises(ValueError, match="refusing to load 'os.system'"):
        build_model({"_target_": "os.system", "command": "echo hacked"})
    # a function imported into paratag.models (here safetensors' writer) is no estimator either
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    for target in ("paratag.models.state.save_file", "paratag.models.hashed_sequence.save_file",
                   "paratag.models.ParagraphModel"):
        with pytest.raises(ValueError, match="refusing to load"):
            build_model({"_target_": target, "tensors": {}, "filename": str(victim)})
    assert victim.read_text() == "keep me"
    assert type(build_model({"_target_": "paratag.models.KeywordRules"})).__name__ == "KeywordRules"
    (tmp_path / CONFIG_FILE).write_text(json.dumps({"paratag": {"model": {"_target_": "builtins.eval"}, "taxonomy": {}}}))
    with pytest.raises(ValueError, match="refusing"):
        paratag.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="not a saved paratag model"):
        paratag.load(tmp_path / "nothing")


@pytest.mark.parametrize("change, message", [
    (lambda c: c.update(paratag="x"), 'expected a "paratag" object'),
    (lambda c: c["paratag"].pop("model"), 'expected a "paratag" object'),
    (lambda c: c["paratag"].pop("taxonomy"), 'expected a "paratag" object'),
    (lambda c: c["paratag"].update(format=99), "model format 99 is newer than this paratag reads"),
    (lambda c: c["paratag"].update(labels=["a", "b"]), "do not fit the weights' classes"),
    (lambda c: c["paratag"]["model"].update(bogus=1), "unexpected keyword argument 'bogus'"),
])
def test_a_damaged_model_config_is_one_error_naming_the_file(saved_model, tmp_path, change, message):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(saved_model, folder)
    config = json.loads((folder / CONFIG_FILE).read_text())
    change(config)
    (folder / CONFIG_FILE).write_text(json.dumps(config))
    with pytest.raises(ValueError, match=message) as error:
        paratag.load(folder)
    assert str(folder / CONFIG_FILE) in str(error.value)


def test_a_model_with_nan_or_truncated_weights_is_an_error_not_nan_scores(capsys, saved_model, tmp_path):
    import shutil

    import numpy as np
    from safetensors.numpy import load_file, save_file

    broken = tmp_path / "broken"
    shutil.copytree(saved_model, broken)
    weights = {k: np.full_like(v, np.nan) if v.dtype.kind == "f" else v
               for k, v in load_file(str(broken / "weights.safetensors")).items()}
    save_file(weights, str(broken / "weights.safetensors"))
    code, out, err = run(capsys, "tag", SEED, "--model", broken)
    assert code == 2 and "weights.safetensors: the weights" in err and "contain NaN or inf" in err and out == ""
    data = (saved_model / "weights.safetensors").read_bytes()
    (broken / "weights.safetensors").write_bytes(data[: len(data) // 2])  # truncated
    code, out, err = run(capsys, "tag", SEED, "--model", broken)
    assert code == 2 and "not a readable safetensors file" in err and out == ""
