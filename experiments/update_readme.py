"""Refresh the generated blocks of README.md and experiments/README.md.

    python experiments/update_readme.py

Each block sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` and is
rebuilt from generated files only: the studies' ``results/results.json`` (written by
``paratag report``), the benchmark's ``results.json``, and the shipped model's
output on the user's sample (``paratag tag``)
and its ``config.json``.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path

from paratag.paths import pretrained_dir

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: what the shipped model should reach under site-grouped cross-validation on the real corpus
#: (issue 10): (segmentation, score, target); ECE is the one where lower is better
TARGETS = [("blocks", "macro_f1", 0.80), ("joined", "macro_f1", 0.76), ("blocks", "fundraising", 0.70),
           ("joined", "fundraising", 0.70), ("blocks", "core_f1", 0.92), ("blocks", "token_f1", 0.955)]
ECE_TARGET = 0.02
#: paragraphs per second on one CPU core (the benchmark) that a shipped model must reach
MIN_SPEED = 5000
SUMMARY = ("macro_f1", "joined_macro_f1", "core_f1", "token_f1", "joined_token_f1", "f1_fundraising",
           "joined_f1_fundraising", "f1_newsletter", "f1_related", "f1_other")


def replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"no block {name!r} to fill")
    return pattern.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(2), text)


@functools.cache
def benchmark_rows() -> list[dict] | None:
    path = HERE / "benchmark" / "results.json"
    return json.loads(path.read_text(encoding="utf-8"))["rows"] if path.exists() else None


@functools.cache
def load(study: str) -> list[dict] | None:
    path = HERE / study / "results" / "results.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def table(summaries: list[dict], columns=SUMMARY, label=lambda s: s["name"]) -> str:
    lines = ["| run | folds | " + " | ".join(columns) + " |", "|" + "---|" * (len(columns) + 2)]
    for s in summaries:
        cells = [f"{s['mean'][k]:.3f} ± {s['std'][k]:.3f}" if k in s["mean"] else "–" for k in columns]
        lines.append(f"| {label(s)} | {s['folds']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def seed_output() -> str:
    seed = ROOT / "data" / "samples" / "seed-moscow-times.txt"
    out = subprocess.run([sys.executable, "-m", "paratag.cli", "tag", str(seed)], capture_output=True, text=True,
                         check=True).stdout
    return "```text\n$ paratag tag data/samples/seed-moscow-times.txt\n" + out + "```"


def pick(summaries: list[dict] | None, name: str, size: int | None = None) -> dict | None:
    return next((s for s in summaries or [] if s["name"] == name and s.get("train_documents") == size), None)


def score(s: dict, metric: str = "macro_f1") -> str:
    return f"{s['mean'][metric]:.3f}"


def corpus_note(summaries: list[dict]) -> str:
    """Says so when a study's runs read the real corpus before it held all four files."""
    files = {f for s in summaries for f in s.get("data", [])}
    real = {f for f in files if f.endswith("-dev.jsonl")}
    return f"; real corpus: {', '.join(sorted(real))} only" if real and "fundus-dev.jsonl" not in real else ""


def findings() -> list[str]:
    """Headline findings, each a sentence around numbers read from a generated table."""
    out = []
    baselines = load("baselines")
    if baselines:
        best, rules = baselines[0], pick(baselines, "baselines/rules")
        line = (f"**Best model on unseen sites: `{best['model']}`**, macro-F1 {score(best)} ± "
                f"{best['std']['macro_f1']:.3f}, core F1 {score(best, 'core_f1')}, token F1 "
                f"{score(best, 'token_f1')} ([baselines](baselines/results/results.md))")
        if rules:
            line += f"; the keyword rules reach {score(rules)} macro-F1"
        heuristics = [pick(baselines, f"baselines/{h}") for h in ("justext", "line_filter")]
        if all(heuristics):
            line += (", jusText and the line filter keep core text at token F1 "
                     + " and ".join(score(h, "token_f1") for h in heuristics)
                     + f" against {score(best, 'token_f1')}")
        out.append(line + ".")
        weakest, next_weakest = sorted(("fundraising", "newsletter", "related"),
                                       key=lambda c: best["mean"][f"f1_{c}"])[:2]
        out.append(f"**The hardest class is `{weakest}`**: F1 {score(best, 'f1_' + weakest)} for the best model, "
                   f"against {score(best, 'f1_' + next_weakest)} for `{next_weakest}` ([baselines](baselines/results/"
                   "results.md)).")
        for english, multi in (("frozen_minilm", "frozen_e5"), ("finetuned_minilm", "finetuned_e5")):
            e, m = pick(baselines, f"baselines/{english}"), pick(baselines, f"baselines/{multi}")
            if e and m:
                out.append(f"**Encoders**: `{multi}` (multilingual) {score(m)} macro-F1 against `{english}` "
                           f"(English) {score(e)}; per language in [encoders](encoders/results/"
                           "macro_f1_by_language.md).")
    languages = HERE / "encoders" / "results" / "token_f1_by_language.json"
    if languages.exists():
        table = json.loads(languages.read_text(encoding="utf-8"))
        worst = {m: min(langs, key=langs.get) for m, langs in table["scores"].items()}
        out.append("**Weakest language per model** (token F1, [encoders](encoders/results/token_f1_by_language.md)): "
                   + "; ".join(f"`{m}` {lang} {table['scores'][m][lang]:.3f}" for m, lang in worst.items()) + ".")
    transfer = load("transfer")
    if transfer:
        for model, both_row in (("ngram", "real_plus_authored/ngram"), ("ngram_sequence", "shipped_model")):
            a2r, r2r = pick(transfer, f"authored_to_real/{model}"), pick(transfer, f"baselines/{model}")
            both = pick(transfer, both_row)
            if a2r and r2r:
                line = (f"**Authored data alone carries part of the way** (`{model}`): trained on our 160 authored "
                        f"documents, {score(a2r)} macro-F1 on real pages, against {score(r2r)} when trained on real "
                        "pages of other sites")
                if both:
                    line += f"; adding the authored documents to the real ones gives {score(both)}"
                out.append(line + f" ([transfer](transfer/results/results.md){corpus_note(transfer)}).")
    context = load("context")
    if context:
        # how each model's neighbours are switched off and on in the context sweep
        switches = {"ngram": ("model.neighbours=0", "model.neighbours=1"),
                    "frozen_minilm": ("model.neighbours=0", "model.neighbours=1"),
                    "ngram_sequence": ("model.reader.context=none", "model.reader.context=gru")}

        def variant(model, layout, switch):
            return pick(context, f"context/model.layout={layout},{switch},model={model}")

        neighbours = [(m, variant(m, True, off), variant(m, True, on)) for m, (off, on) in switches.items()]
        layout = [(m, variant(m, False, on), variant(m, True, on)) for m, (off, on) in switches.items()]
        for what, other, rows in (("Neighbouring paragraphs", "layout features", neighbours),
                                  ("Layout features", "neighbours", layout)):
            rows = [(model, without, with_) for model, without, with_ in rows if without and with_]
            if rows:
                out.append(f"**{what} matter** (macro-F1 without → with them, {other} on in both): "
                           + "; ".join(f"`{model}` {score(a)} → {score(b)}" for model, a, b in rows)
                           + f" ([context](context/results/results.md){corpus_note(context)}).")
    curve = load("learning_curve")
    if curve:
        def points(name):
            return sorted((s for s in curve if s["name"] == name), key=lambda s: s["train_documents"])

        for model in ("ngram", "ngram_sequence"):
            real, authored = points(f"learning_curve/real/{model}"), points(f"learning_curve/authored/{model}")
            if len(real) < 2:
                continue
            line = (f"**More labelled pages still help** (`{model}`, real data): macro-F1 "
                    + ", ".join(f"{score(p)} with {p['train_documents']}" for p in real) + " training documents")
            full = pick(curve, f"baselines/{model}")
            if full:
                line += f", {score(full)} with all of each fold's training pages"
            if authored:
                most = authored[-1]
                match = min(real, key=lambda p: abs(p["mean"]["macro_f1"] - most["mean"]["macro_f1"]))
                line += (f"; {most['train_documents']} authored documents reach {score(most)}, about what "
                         f"{match['train_documents']} real ones do ({score(match)})")
            out.append(line + f" ([learning curve](learning_curve/results/results.md){corpus_note(curve)}).")
    levers = load("levers")
    if levers:
        pairs = [("ngram", "baselines/ngram", "levers/augment=resegment,model=ngram"),
                 ("hashed_sequence", "baselines/hashed_sequence", "levers/augment=resegment,model=hashed_sequence"),
                 ("shipped model", "levers/shipped_model_no_augment", "shipped_model")]
        rows = [(model, pick(levers, a), pick(levers, b)) for model, a, b in pairs]
        rows = [(model, a, b) for model, a, b in rows if a and b]
        if rows:
            out.append("**Re-segmentation augmentation** (macro-F1 without → with it, blocks; joined): "
                       + "; ".join(f"`{m}` {score(a)} → {score(b)}; {score(a, 'joined_macro_f1')} → "
                                   f"{score(b, 'joined_macro_f1')}" for m, a, b in rows)
                       + " ([levers](levers/results/results.md)).")
        plain, oversampled = pick(levers, "shipped_model"), pick(levers, "levers/shipped_model_oversample")
        if plain and oversampled:
            out.append("**Oversampling pages with appeals ×3 in the page reader** (shipped model's setting): "
                       f"fundraising F1 {score(plain, 'f1_fundraising')} → {score(oversampled, 'f1_fundraising')} "
                       f"(blocks), {score(plain, 'joined_f1_fundraising')} → "
                       f"{score(oversampled, 'joined_f1_fundraising')} (joined); macro-F1 {score(plain)} → "
                       f"{score(oversampled)} ([levers](levers/results/results.md)).")
    fundraising = HERE / "errors" / "results" / "fundraising.json"
    if fundraising.exists():
        table = json.loads(fundraising.read_text(encoding="utf-8"))
        kinds = [k for k in table["by_kind"] if k["gold"]]
        out.append(f"**Fundraising by kind of ask** (`{table['run']}`, recall; [errors](errors/results/fundraising.md)): "
                   + ", ".join(f"{k['kind']} {k['found']}/{k['gold']}" for k in kinds)
                   + "; invented: " + ", ".join(f"{n} really `{label}`" for label, n in table["invented_as"].items())
                   + ".")
    thresholds = HERE / "errors" / "results" / "thresholds.json"
    if thresholds.exists():
        table = json.loads(thresholds.read_text(encoding="utf-8"))
        base = table[0]
        best = max(table, key=lambda t: t["token_f1"])
        out.append(f"**Routing uncertain paragraphs to core** ([errors](errors/results/results.md)): core recall "
                   f"{base['core_recall']:.3f} → {best['core_recall']:.3f} at threshold {best['threshold']:.2f}, "
                   f"precision {base['core_precision']:.3f} → {best['core_precision']:.3f}, token F1 "
                   f"{base['token_f1']:.3f} → {best['token_f1']:.3f}.")
    rows = benchmark_rows()
    if rows:
        out.append("**Tagging speed on one CPU core** ([benchmark](benchmark/results.md)): "
                   + ", ".join(f"`{r['model']}` {r['tag_paragraphs_per_second']:,.0f}" for r in rows)
                   + " paragraphs per second.")
    return [f"- {line}" for line in out]


def card_score(scores: dict, form: str, key: str) -> float:
    s = scores if form == "blocks" else scores["segmentations"][form]
    return s["per_class"][key]["f1"] if key in s["per_class"] else s[key]


def shipped_model() -> str:
    config = json.loads((pretrained_dir() / "config.json").read_text(encoding="utf-8"))["paratag"]
    s, training = config["scores"], config["training"]
    target = config["model"]["_target_"].rsplit(".", 1)[-1]
    targets = []
    for form, key, goal in TARGETS:
        if form == "blocks" or form in s.get("segmentations", {}):
            value = card_score(s, form, key)
            verdict = "met" if value >= goal else f"missed by {goal - value:.3f}"
            targets.append(f"{key} ({form}) {value:.3f}, target ≥ {goal:.3f}: {verdict}")
    if "ece" in s:
        verdict = "met" if s["ece"] <= ECE_TARGET else f"missed by {s['ece'] - ECE_TARGET:.3f}"
        targets.append(f"ECE {s['ece']:.3f}, target ≤ {ECE_TARGET:.2f}: {verdict}")
    return (f"`{target}`, trained on {training['documents']} documents ({training['paragraphs']:,} paragraphs) of "
            + ", ".join(f"`{Path(d).name}`" for d in training["data"])
            + f". Its own cross-validation ({s['setting']}), against the project's targets:\n\n"
            + "\n".join(f"- {t}" for t in targets)
            + "\n\nModel card: "
            "[`src/paratag/pretrained/default/README.md`](src/paratag/pretrained/default/README.md)."
            + why_shipped())


def config_name(summary: dict) -> str:
    """A results row's model config name (the shipped model's row is the n-gram sequence model)."""
    name = summary["name"].split("/")[-1]
    return "ngram_sequence" if name == "shipped_model" else name


def benchmark_name(summary: dict) -> str:
    """The benchmark row that gives a results row's speed (the packaged model for the shipped row)."""
    return "shipped" if summary["name"] == "shipped_model" else config_name(summary)


def row_label(summary: dict) -> str:
    if summary["name"] == "shipped_model":
        return (f"**shipped model**: {config_name(summary)}, re-segmented copies and authored pages added to "
                "training, 3 folds")
    return config_name(summary)


def why_shipped() -> str:
    """Which model the tables say should ship: the best by macro-F1 that tags ≥ 5,000 paragraphs/s on one core."""
    baselines, rows = load("baselines"), benchmark_rows()
    if not baselines or not rows:
        return ""
    speed = {r["model"]: r["tag_paragraphs_per_second"] for r in rows}

    def described(s):
        return f"`{row_label(s)}` ({score(s)}, {speed.get(benchmark_name(s), float('nan')):,.0f} paragraphs/s)"

    fast = [s for s in baselines if speed.get(benchmark_name(s), 0) >= MIN_SPEED]
    line = (f"\n\nWhy this one: the best macro-F1 (blocks) in the baselines table is {described(baselines[0])} on "
            "one core in the [benchmark](experiments/benchmark/results.md)")
    if fast and fast[0] is not baselines[0]:
        line += f"; the best of the models that tag at least {MIN_SPEED:,} paragraphs/s is {described(fast[0])}"
    elif not fast:
        line += f"; no row reaches {MIN_SPEED:,} paragraphs/s"
    return line + "."


def main() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    readme = replace_block(readme, "seed-output", seed_output())
    readme = replace_block(readme, "shipped-model", shipped_model())
    baselines = load("baselines")
    if baselines:
        body = ["Site-grouped cross-validation on the real corpus (1,245 pages of 1,116 sites, the four "
                "`../shared/data/*-dev.jsonl` files), mean ± std over folds (the `folds` column); `joined_*`: "
                "the same test pages with each run of short same-label paragraphs joined into one "
                "(`paratag.segmentation.joined_form`); generated by "
                "[`experiments/baselines`](experiments/baselines/README.md) (`paratag report`), "
                "copied here by `python experiments/update_readme.py`. Speed: the "
                "[benchmark](experiments/benchmark/results.md).", "",
                table(baselines, label=row_label)]
        readme = replace_block(readme, "results", "\n".join(body))
    transfer = load("transfer")
    if transfer:
        body = ["Trained on the project's authored corpus or on real pages, tested on real or authored pages; "
                "generated by [`experiments/transfer`](experiments/transfer/README.md) (`paratag report`), "
                "copied here by `python experiments/update_readme.py`.", "",
                table(transfer, columns=("macro_f1", "core_f1", "token_f1", "f1_fundraising"))]
        readme = replace_block(readme, "transfer", "\n".join(body))
    (ROOT / "README.md").write_text(readme, encoding="utf-8")
    index = (HERE / "README.md").read_text(encoding="utf-8")
    (HERE / "README.md").write_text(replace_block(index, "findings", "\n".join(findings())), encoding="utf-8")
    print("updated README.md and experiments/README.md")


if __name__ == "__main__":
    main()
