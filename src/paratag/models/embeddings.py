"""Mean-pooled sentence embeddings from a frozen encoder, cached in memory.

Cross-validation fits one model per fold on overlapping documents; the cache
(keyed by encoder, length limit and text) embeds each paragraph once per process.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from ..encoders import SAFE_LOADING, encoder_prefix, quiet_transformers, resolve_encoder

_LOADED: dict[str, tuple] = {}
_CACHE: dict[tuple, np.ndarray] = {}


def pick_device(device: str = "auto") -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def _load(encoder: str, device: torch.device):
    key = f"{encoder}@{device}"
    if key not in _LOADED:
        from transformers import AutoModel, AutoTokenizer

        path = resolve_encoder(encoder)
        with quiet_transformers():
            model = AutoModel.from_pretrained(path, **SAFE_LOADING).to(device).eval()
        _LOADED[key] = (AutoTokenizer.from_pretrained(path, **SAFE_LOADING), model)
    return _LOADED[key]


@torch.no_grad()
def embed(texts: Sequence[str], encoder: str, max_length: int = 128, batch_size: int = 64,
          device: str = "auto", progress: bool = True) -> np.ndarray:
    """``(len(texts), dim)`` L2-normalised mean-pooled embeddings (float32)."""
    from tqdm.auto import tqdm

    prefix = encoder_prefix(encoder)
    todo = sorted({t for t in texts if (encoder, max_length, t) not in _CACHE}, key=len)
    if todo:
        torch_device = pick_device(device)
        tokenizer, model = _load(encoder, torch_device)
        batches = range(0, len(todo), batch_size)
        for start in tqdm(batches, desc=f"embedding ({encoder})", unit="batch", leave=False,
                          disable=not progress or len(batches) < 5):
            chunk = todo[start:start + batch_size]
            inputs = tokenizer([prefix + t for t in chunk], padding=True, truncation=True, max_length=max_length,
                               return_tensors="pt").to(torch_device)
            with torch.autocast(torch_device.type, dtype=torch.bfloat16, enabled=torch_device.type == "cuda"):
                hidden = model(**inputs).last_hidden_state
            mask = inputs["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
            pooled = torch.nn.functional.normalize(pooled.float(), dim=-1).cpu().numpy()
            for text, vector in zip(chunk, pooled):
                _CACHE[(encoder, max_length, text)] = vector
    return np.vstack([_CACHE[(encoder, max_length, t)] for t in texts]).astype(np.float32) if texts else \
        np.zeros((0, 0), dtype=np.float32)
