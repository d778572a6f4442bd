"""Learned state as plain JSON and arrays, so that no saved model is ever unpickled.

Each ``export_*`` returns ``(meta, arrays)``: a JSON-able dict and a dict of
numpy arrays; ``import_*`` rebuilds the fitted object from them. :func:`save_state`
and :func:`load_state` put a model's pieces into ``state.json`` and
``weights.safetensors`` under one folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

STATE_FILE = "state.json"
WEIGHTS_FILE = "weights.safetensors"

_TFIDF_KEYS = ("analyzer", "ngram_range", "lowercase", "sublinear_tf", "norm", "use_idf", "smooth_idf",
               "token_pattern")


def export_tfidf(vectorizer: TfidfVectorizer):
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    params = {key: vectorizer.get_params()[key] for key in _TFIDF_KEYS}
    params["ngram_range"] = list(params["ngram_range"])
    return {"params": params, "terms": terms}, {"idf": vectorizer.idf_.astype(np.float32)}


def import_tfidf(meta, arrays) -> TfidfVectorizer:
    params = dict(meta["params"], ngram_range=tuple(meta["params"]["ngram_range"]))
    vectorizer = TfidfVectorizer(**params, vocabulary=meta["terms"], dtype=np.float32)
    vectorizer.idf_ = arrays["idf"]
    return vectorizer


def export_linear(classifier: LogisticRegression):
    return ({"classes": [str(c) for c in classifier.classes_]},
            {"coef": classifier.coef_.astype(np.float32), "intercept": classifier.intercept_.astype(np.float32)})


def import_linear(meta, arrays) -> LogisticRegression:
    classifier = LogisticRegression()
    classifier.classes_ = np.array(meta["classes"])
    classifier.coef_ = arrays["coef"].astype(np.float64)
    classifier.intercept_ = arrays["intercept"].astype(np.float64)
    classifier.n_features_in_ = classifier.coef_.shape[1]
    return classifier


def export_scaler(scaler: StandardScaler):
    return {}, {"mean": scaler.mean_, "scale": scaler.scale_}


def import_scaler(meta, arrays) -> StandardScaler:
    scaler = StandardScaler()
    scaler.mean_, scaler.scale_ = arrays["mean"], arrays["scale"]
    scaler.var_ = scaler.scale_ ** 2
    scaler.n_features_in_ = len(scaler.mean_)
    return scaler


_EXPORTERS = {TfidfVectorizer: (export_tfidf, "tfidf"), LogisticRegression: (export_linear, "linear"),
              StandardScaler: (export_scaler, "scaler")}
_IMPORTERS = {"tfidf": import_tfidf, "linear": import_linear, "scaler": import_scaler}


def save_state(directory, classes, parts: dict, extra_arrays: dict | None = None) -> None:
    """Save a model's ``classes``, fitted scikit-learn ``parts`` (name -> object) and
    ``extra_arrays`` into ``directory``."""
    directory = Path(directory)
    metas, arrays = {"classes": [str(c) for c in classes]}, dict(extra_arrays or {})
    for name, obj in parts.items():
        exporter, kind = _EXPORTERS[type(obj)]
        meta, obj_arrays = exporter(obj)
        metas[name] = {"kind": kind, **meta}
        arrays.update({f"{name}.{key}": np.ascontiguousarray(value) for key, value in obj_arrays.items()})
    (directory / STATE_FILE).write_text(json.dumps(metas, ensure_ascii=False), encoding="utf-8")
    save_file(arrays, str(directory / WEIGHTS_FILE))


def load_weights_file(path) -> dict[str, np.ndarray]:
    """The arrays of a safetensors file; a truncated or corrupt file, or weights that are
    not finite, is one error naming the file."""
    try:
        arrays = load_file(str(path))
    except FileNotFoundError:
        raise
    except Exception as error:  # safetensors raises its own error types for a bad header or size
        raise ValueError(f"{path}: not a readable safetensors file ({error})") from None
    for key, value in arrays.items():
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            raise ValueError(f"{path}: the weights {key!r} contain NaN or inf")
    return arrays


def load_state(directory) -> tuple[np.ndarray, dict, dict]:
    """``(classes, parts, arrays)`` as saved by :func:`save_state`: the rebuilt objects and all raw arrays."""
    directory = Path(directory)
    metas = json.loads((directory / STATE_FILE).read_text(encoding="utf-8"))
    classes = np.array(metas.pop("classes"))
    arrays = load_weights_file(directory / WEIGHTS_FILE)
    parts = {}
    for name, meta in metas.items():
        own = {key[len(name) + 1:]: value for key, value in arrays.items() if key.startswith(name + ".")}
        parts[name] = _IMPORTERS[meta["kind"]](meta, own)
    return classes, parts, arrays
