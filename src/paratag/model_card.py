"""The model card written into every saved model's ``README.md``.

What training knows (data summary, label counts, scores, parameters, library
versions) comes from the tagger's ``info``; what only a person can state
(languages, licence, intended use) is in :class:`CardText`.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from .metrics import ALL_LABELS

LIBRARIES = ("paratag", "scikit-learn", "torch", "transformers", "numpy")


@dataclass
class CardText:
    """What the user states about a model rather than what training measures."""

    intended_use: str = ("Cleaning scraped news text: keep the article (`core`) and find donation appeals "
                         "(`fundraising`), newsletter promotions (`newsletter`), links to other content "
                         "(`related`) and other page furniture (`other`).")
    languages: str = "Trained on pages in German, English, French, Spanish, Polish and others."
    licence: str = "MIT (the model); the training pages belong to their publishers and are not distributed."
    limitations: str = ("Scores are for sites never seen in training (site-grouped cross-validation); pages "
                        "unlike the training data (other languages, other page layouts) will score lower.")


def _versions() -> dict:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def _score_table(scores: dict) -> str:
    """Headline scores and per-class F1, one column per segmentation of the test pages."""
    forms = {"blocks": scores, **scores.get("segmentations", {})}

    def cell(s, key):
        if key not in s:
            return ""
        std = s.get(f"{key}_std")
        return f"{s[key]:.3f}" + (f" ± {std:.3f}" if std is not None else "")

    rows = ["| score | " + " | ".join(forms) + " |", "|---|" + "---|" * len(forms)]
    for key in ("macro_f1", "core_f1", "token_f1", "accuracy"):
        if key in scores:
            rows.append(f"| {key} | " + " | ".join(cell(s, key) for s in forms.values()) + " |")
    for label in ALL_LABELS:
        if label in scores.get("per_class", {}):
            rows.append(f"| F1 {label} | " + " | ".join(f"{s['per_class'][label]['f1']:.3f}" if label in
                                                           s.get("per_class", {}) else "" for s in forms.values())
                        + " |")
    if "ece" in scores:
        rows += ["", f"Expected calibration error of the top probability (blocks): {scores['ece']:.3f}."]
    if len(forms) > 1:
        rows += ["", "`blocks`: the pages as labelled, one HTML block per paragraph; `joined`: the same pages with "
                 "each run of short same-label paragraphs joined into one, as a scraper that keeps a widget's "
                 "lines together gives them (`paratag.segmentation.joined_form`)."]
    return "\n".join(rows)


def render_model_card(tagger, text: CardText | None = None) -> str:
    text = text or CardText()
    info = tagger.info
    model = tagger.config()["model"]
    training = info.get("training", {})
    scores = info.get("scores", {})
    counts = training.get("label_counts", {})
    lines = [
        f"# paratag model: {model['_target_'].rsplit('.', 1)[-1]}",
        "",
        "A paragraph tagger for scraped news text, made by "
        "[paratag](https://github.com/paratag/paratag). " + text.intended_use,
        "",
        "## Use",
        "",
        "```python",
        "import paratag",
        'tagger = paratag.load("path/to/this/folder")',
        "for p in tagger.tag(open('page.txt').read()):",
        "    print(p.label, round(p.score, 2), p.text[:60])",
        "```",
        "",
        "or `paratag tag page.txt --model path/to/this/folder`.",
        "",
        "## Labels",
        "",
        f"Predicts: {', '.join(f'`{label}`' for label in tagger.labels)}."
        + (f" Left out of training: {', '.join(f'`{x}`' for x in tagger.taxonomy.ignored)}."
           if tagger.taxonomy.ignored else ""),
        "",
        "## Training data",
        "",
        f"- data: {', '.join(training.get('data', [])) or 'unknown'}",
        f"- {training.get('documents', '?')} documents, {training.get('paragraphs', '?')} paragraphs, "
        f"{training.get('sites', '?')} sites",
    ]
    if counts:
        lines.append("- labels: " + ", ".join(f"{label} {n}" for label, n in counts.items()))
    lines += ["", "## Evaluation", ""]
    if scores:
        lines += [f"{scores.get('setting', '')}", "", _score_table(scores)]
    else:
        lines.append("Not evaluated.")
    lines += [
        "",
        "## Model",
        "",
        "```json",
        json.dumps(model, indent=2, ensure_ascii=False),
        "```",
        "",
        f"Experiment: `{info.get('experiment', 'unknown')}`; trained {info.get('created', 'unknown')}.",
        "",
        "## Languages, licence, limitations",
        "",
        f"- {text.languages}",
        f"- {text.licence}",
        f"- {text.limitations}",
        "",
        "## Library versions",
        "",
        ", ".join(f"{k} {v}" for k, v in _versions().items()),
        "",
    ]
    return "\n".join(lines)
