"""Check a composed training config before any work starts.

Every problem is one :class:`ConfigError` that names the config key
(``data.train[1]: no such file or folder: ...``, ``model.C: expected a number, got 'abc'``),
instead of a traceback from deep inside a library minutes into a run.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from omegaconf import DictConfig, ListConfig, OmegaConf

from .segmentation import SEGMENTATIONS


class ConfigError(ValueError):
    """A training config value that cannot work, located by its key."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"config key {key}: {message}")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_int(key: str, value, minimum: int | None = None, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not _is_int(value):
        raise ConfigError(key, f"expected a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(key, f"must be at least {minimum}, got {value}")


def _check_paths(key: str, paths) -> None:
    if paths is None:
        return
    if isinstance(paths, str):
        raise ConfigError(key, f"expected a list of files or folders, got the string {paths!r}")
    if not isinstance(paths, (list, ListConfig)):
        raise ConfigError(key, f"expected a list of files or folders, got {paths!r}")
    for i, path in enumerate(paths):
        if not Path(str(path)).exists():
            raise ConfigError(f"{key}[{i}]", f"no such file or folder: {path}")


def _check_estimator(key: str, node) -> None:
    """Each parameter whose default is a number or a bool must be one too (nested estimators too)."""
    from hydra.utils import get_class

    target = node.get("_target_")
    try:
        cls = get_class(target)
    except Exception:
        raise ConfigError(f"{key}._target_", f"no such class: {target!r}") from None
    defaults = {name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()
                if p.default is not inspect.Parameter.empty}
    for name, value in node.items():
        if name == "_target_":
            continue
        if name not in defaults and not any(p.kind == p.VAR_KEYWORD for p in
                                            inspect.signature(cls.__init__).parameters.values()):
            raise ConfigError(f"{key}.{name}", f"{cls.__name__} takes no parameter {name!r}")
        default = defaults.get(name)
        if isinstance(value, dict) and "_target_" in value:
            _check_estimator(f"{key}.{name}", value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{key}.{name}", f"expected true or false, got {value!r}")
        elif _is_number(default) and value is not None and not _is_number(value):
            raise ConfigError(f"{key}.{name}", f"expected a number, got {value!r}")


def check_config(cfg: DictConfig) -> None:
    """Raise :class:`ConfigError` for the first value of ``cfg`` that cannot work."""
    _check_int("seed", cfg.get("seed"))
    data = cfg.get("data")
    if data is None or not data.get("train"):
        raise ConfigError("data.train", "no training data: give a list of labelled files or folders")
    for key in ("train", "test", "extra"):
        _check_paths(f"data.{key}", data.get(key))
    _check_int("train_documents", cfg.get("train_documents"), minimum=1, optional=True)
    _check_int("threads", cfg.get("threads"), minimum=1, optional=True)
    for i, name in enumerate(cfg.get("test_segmentations") or []):
        if name not in SEGMENTATIONS:
            raise ConfigError(f"test_segmentations[{i}]", f"unknown segmentation {name!r} "
                              f"(known: {', '.join(SEGMENTATIONS)})")
    split = cfg.get("split")
    if split is not None and "n_splits" in split:
        _check_int("split.n_splits", split.n_splits, minimum=2)
    model = OmegaConf.to_container(cfg.model, resolve=True) if cfg.get("model") else None
    if not isinstance(model, dict) or "_target_" not in model:
        raise ConfigError("model", "no model: choose one with model=NAME (configs/model/)")
    _check_estimator("model", model)
    if cfg.get("augment"):
        _check_estimator("augment", OmegaConf.to_container(cfg.augment, resolve=True))
