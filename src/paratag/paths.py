"""Where paratag finds its configs, its shipped model and the shared data."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root of a source checkout (``None`` for an installed wheel).
REPO_ROOT = PACKAGE_DIR.parents[1] if (PACKAGE_DIR.parents[1] / "configs").is_dir() else None
#: Environment variable naming the folder that holds ``aeb-dev.jsonl`` etc.
SHARED_DATA_ENV = "PARATAG_SHARED_DATA"


def config_dir() -> Path:
    """``configs/`` of the source checkout, else the copy packed into the wheel."""
    if REPO_ROOT is not None:
        return REPO_ROOT / "configs"
    return PACKAGE_DIR / "configs"


def pretrained_dir() -> Path:
    """The model shipped with the package (``paratag.load()`` with no path)."""
    return PACKAGE_DIR / "pretrained" / "default"


def shared_data_dir() -> Path:
    """The real labelled corpus: ``$PARATAG_SHARED_DATA`` or ``../shared/data`` beside the repo."""
    if os.environ.get(SHARED_DATA_ENV):
        return Path(os.environ[SHARED_DATA_ENV])
    root = REPO_ROOT if REPO_ROOT is not None else Path.cwd()
    return root.parent / "shared" / "data"
