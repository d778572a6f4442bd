import json

import numpy as np
import pytest

import paratag
from paratag.formats import read_sidecar
from paratag.models import KeywordRules
from paratag.tagger import CONFIG_FILE, Tagger, build_model

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


def test_a_failed_save_leaves_no_folder(tmp_path):
    class Broken(KeywordRules):
        def save_weights(self, directory):
            (directory / "partial.json").write_text("{")
            raise OSError("disk full")

    model = Broken().fit([["a", "b"]], [["core", "other"]])
    with pytest.raises(OSError, match="disk full"):
        Tagger(model).save_pretrained(tmp_path / "model")
    assert list(tmp_path.iterdir()) == []


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


WRITER = """
import sys
from paratag.formats import read_labelled
from paratag.models import KeywordRules
from paratag.tagger import Tagger
docs = read_labelled(sys.argv[2])
tagger = Tagger(KeywordRules().fit(docs, [d.labels for d in docs]))
for _ in range(int(sys.argv[3])):
    tagger.save_pretrained(sys.argv[1])
"""


def test_readers_never_see_a_half_saved_folder_and_killed_writers_leave_nothing(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from conftest import DATA

    folder = tmp_path / "model"
    data = str(DATA / "authored" / "it")
    subprocess.run([sys.executable, "-c", WRITER, str(folder), data, "1"], check=True)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder), data, "20"]) for _ in range(2)]
    loads = 0
    while any(w.poll() is None for w in writers):
        assert paratag.load(folder).predict(["Donate now"]) in (["fundraising"], ["other"], ["core"])
        loads += 1
    assert all(w.returncode == 0 for w in writers)  # two writers at once: neither crashes
    assert loads > 0
    # a writer killed in the middle of its saves leaves a temporary folder; the next save removes it
    killed = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), data, "100000"])
    while not list(tmp_path.glob(".model.*.tmp")):
        time.sleep(0.01)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    subprocess.run([sys.executable, "-c", WRITER, str(folder), data, "1"], check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    paratag.load(folder)


@pytest.mark.parametrize("text", [
    "Headline\n\nBody one.\n\nBody two.",                      # blank lines
    "Headline\r\n\r\nBody one.\r\nstill body\r\n",            # Windows line ends
    "Line one\nLine two\nLine three",                          # single line breaks only
    "\t Indented\t\n\n\n\n   spaced   out  ",                  # tabs and runs of blank lines
    "Ünïcödé — “quotes” «guillemets» 日本語のテキスト 😀",        # non-ASCII
    "a@" * 5000 + "\n\n" + "x" * 100_000,                      # long runs without spaces
    "Control\x07chars\x00inside\x1b[0m text",                 # control characters
    "Updated: date 2024-01-02, not at the start",              # a date line that is no header
])
def test_every_non_whitespace_character_comes_out_in_order(tagger, text):
    tagged = tagger.tag(text)
    assert "".join("".join(t.text.split()) for t in tagged) == "".join(text.split())


def test_tag_stream_tags_pages_as_predict_does_and_reads_lazily(tagger):
    import itertools

    page = read_sidecar(SEED).paragraphs
    assert [t.label for t in tagger.tag_stream(page)] == tagger.predict(page)
    windows = [t.label for t in tagger.tag_stream(page, window=7)]
    assert windows == [label for i in range(0, len(page), 7) for label in tagger.predict(page[i:i + 7])]
    endless = itertools.cycle(page)  # never ends: only a lazy reader can give the first paragraphs
    first = list(itertools.islice(tagger.tag_stream(endless, window=10), 25))
    assert [t.text for t in first] == (page * 2)[:25]
