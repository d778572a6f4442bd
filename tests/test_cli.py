import json
import subprocess
import sys

import pytest

from paratag.cli import main
from paratag.formats import read_annotation, read_labelled, read_sidecar

from conftest import DATA, SEED


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_tag_prints_every_paragraph_with_label_and_score(capsys, saved_model):
    code, out, _ = run(capsys, "tag", SEED, "--model", saved_model)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 31
    label, score, text = lines[2].split(maxsplit=2)
    assert label in {"core", "fundraising", "newsletter", "related", "other"} and 0 < float(score) <= 1
    assert text == "@vr_medinskiy"
    assert lines[0].endswith("Support The Moscow Times! ⏎ Contribute today")


def test_tag_jsonl_reads_back_as_labelled_data(capsys, saved_model, tmp_path):
    code, out, _ = run(capsys, "tag", SEED, SEED, "--model", saved_model, "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 2
    record = json.loads(out.splitlines()[0])
    assert len(record["paragraphs"]) == 31 and {"text", "label", "score"} <= set(record["paragraphs"][0])
    (tmp_path / "tagged.jsonl").write_text(out, encoding="utf-8")
    assert len(read_labelled(tmp_path / "tagged.jsonl")) == 2


def test_tag_reads_stdin(saved_model):
    result = subprocess.run([sys.executable, "-m", "paratag.cli", "tag", "-", "--model", str(saved_model)],
                            input="Headline\n\nBody text of the story.\n\nShare on Facebook\n",
                            capture_output=True, text=True, check=True)
    assert len(result.stdout.splitlines()) == 3


def test_clean_prints_the_core_text(capsys, saved_model):
    code, out, _ = run(capsys, "clean", SEED, "--model", saved_model)
    assert code == 0 and "Russia has handed over the remains" in out


def test_evaluate_prints_the_training_scores_tables(capsys, saved_model, tmp_path):
    code, out, _ = run(capsys, "evaluate", "--model", saved_model, DATA / "samples", "--json", tmp_path / "s.json")
    assert code == 0
    assert "| macro_f1 | core_f1 | token_f1 | accuracy |" in out and "| fundraising |" in out
    scores = json.loads((tmp_path / "s.json").read_text())
    assert scores["n_paragraphs"] == 31 and "per_site" in scores


def test_data_check_passes_on_the_repository_data(capsys):
    code, out, _ = run(capsys, "data", "check", DATA, "--unique")
    assert code == 0 and out.strip().endswith("ok")


def test_data_check_names_file_and_line_of_problems(capsys, tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"id": "x", "paragraphs": [{"text": "a", "label": "ad"}]}\n')
    (tmp_path / "raw.txt").write_text("no labels here")
    code, out, err = run(capsys, "data", "check", tmp_path)
    assert code == 1
    assert f"{tmp_path / 'bad.jsonl'}:1: paragraph 1: unknown label 'ad'" in err
    assert f"{tmp_path / 'raw.txt'}: no labels: expected raw.labels.json" in err
    assert "2 problem(s)" in out


def test_data_check_finds_duplicates(capsys, tmp_path):
    doc = SEED.read_text(encoding="utf-8")
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(doc, encoding="utf-8")
        (tmp_path / f"{name}.labels.json").write_text((SEED.parent / "seed-moscow-times.labels.json").read_text())
    code, _, err = run(capsys, "data", "check", tmp_path, "--unique")
    assert code == 1 and "the same text as document 'a'" in err and "repeats a paragraph" in err


def test_data_stats_counts(capsys):
    code, out, _ = run(capsys, "data", "stats", DATA / "samples", "--by", "split")
    assert code == 0
    assert "| samples | 1 | 1 | 31 | 10 | 9 | 2 | 10 | 0 |" in out


def test_annotate_then_correct_then_check_then_convert(capsys, saved_model, tmp_path):
    raw = tmp_path / "page.txt"
    raw.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, _ = run(capsys, "annotate", raw, "--model", saved_model, "-o", tmp_path / "page.ann")
    assert code == 0
    text = (tmp_path / "page.ann").read_text(encoding="utf-8")
    assert text.count("\n>>> ") == 31
    # a person corrects the labels to the gold ones
    gold = read_sidecar(SEED).labels
    blocks = text.split("\n\n")
    corrected = [blocks[0]] + [f">>> {g}\n" + b.split("\n", 1)[1] for g, b in zip(gold, blocks[1:])]
    (tmp_path / "page.ann").write_text("\n\n".join(corrected), encoding="utf-8")
    assert run(capsys, "data", "check", tmp_path / "page.ann")[0] == 0
    assert read_annotation(tmp_path / "page.ann").labels == gold
    assert run(capsys, "data", "convert", tmp_path / "page.ann", "-o", tmp_path / "out.jsonl")[0] == 0
    (converted,) = read_labelled(tmp_path / "out.jsonl")
    assert converted.labels == gold and converted.paragraphs == read_sidecar(SEED).paragraphs


def test_uncertain_ranks_documents(capsys, saved_model):
    code, out, _ = run(capsys, "data", "uncertain", DATA / "authored" / "de", "--model", saved_model, "-n", "3")
    rows = [line for line in out.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert code == 0 and len(rows) == 3
    scores = [float(row.split("|")[4]) for row in rows]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("argv, message, code", [
    (["tag", "missing.txt"], "missing.txt: No such file", 1),
    (["evaluate", "--model", "nowhere", "x.jsonl"], "nowhere is not a saved paratag model", 2),
])
def test_errors_are_one_clear_line_without_traceback(argv, message, code, saved_model):
    if argv[0] == "tag":
        argv = argv + ["--model", str(saved_model)]
    result = subprocess.run([sys.executable, "-m", "paratag.cli", *argv], capture_output=True, text=True)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("ids, message", [
    (["same", "same"], "would both be written"),
    (["../../escaped"], "would be written outside"),
])
def test_data_convert_to_a_folder_refuses_clashing_or_escaping_ids(capsys, tmp_path, ids, message):
    records = [{"id": i, "source": "s", "paragraphs": [{"text": f"Paragraph {n}.", "label": "core"}]}
               for n, i in enumerate(ids)]
    data = tmp_path / "in.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "data", "convert", data, "-o", tmp_path / "out" / "folder")
    assert code == 2 and message in err
    assert not list(tmp_path.rglob("*.labels.json"))  # nothing written, not even the first
