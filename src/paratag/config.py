"""Hydra configuration: resolvers and composing ``configs/`` from Python (tests, tools)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from .paths import REPO_ROOT, config_dir


def register_resolvers() -> None:
    """``${paratag_root:}``: the repository root, or the current folder for an installed package."""
    if not OmegaConf.has_resolver("paratag_root"):
        OmegaConf.register_new_resolver("paratag_root", lambda: str(REPO_ROOT or Path.cwd()))


def compose(overrides: Sequence[str] = (), config_name: str = "train") -> DictConfig:
    """The composed config, as ``python -m paratag.train OVERRIDES`` would see it.

    The Hydra node is included and registered, so ``${hydra:...}`` interpolations resolve.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.hydra_config import HydraConfig

    register_resolvers()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        cfg = hydra_compose(config_name=config_name, overrides=list(overrides), return_hydra_config=True)
    HydraConfig.instance().set_config(cfg)
    return cfg
