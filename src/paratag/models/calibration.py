"""Held-out sites for early stopping and temperature scaling of a network's logits.

A network trained to near-zero loss is over-confident on new sites. Holding out a
fraction of the training *sites* (never single pages of a site the rest trains
on) gives logits of the same kind a new site will produce: the epoch with the best
macro-F1 on them is kept, and a single temperature ``T`` (``softmax(logits / T)``)
is fitted to them by log-loss, so that a top probability of 0.9 is right about
nine times in ten.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

IGNORE = -100


def hold_out_sites(groups, fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the documents to train on and of those held out (``fraction`` of the sites);
    nothing is held out when there are too few sites."""
    groups = np.asarray(groups)
    sites = np.array(sorted(set(groups.tolist())))
    n_held = int(round(fraction * len(sites)))
    if n_held < 1 or n_held >= len(sites):
        return np.arange(len(groups)), np.zeros(0, dtype=int)
    held = np.isin(groups, rng.permutation(sites)[:n_held])
    return np.flatnonzero(~held), np.flatnonzero(held)


def macro_f1(logits: torch.Tensor, gold: np.ndarray, classes) -> float:
    """Macro-F1 over the task labels (all but ``other``) of held-out paragraphs."""
    from sklearn.metrics import f1_score

    keep = gold != IGNORE
    main = [k for k, c in enumerate(classes) if c != "other"]
    return float(f1_score(gold[keep], logits.argmax(dim=1).numpy()[keep], labels=main, average="macro",
                          zero_division=0))


def fit_temperature(logits: torch.Tensor, gold: np.ndarray) -> float:
    """The temperature (0.25 to 4, log grid) with the lowest log-loss on held-out paragraphs."""
    gold = torch.from_numpy(np.asarray(gold))
    keep = gold != IGNORE
    grid = np.exp(np.linspace(np.log(0.25), np.log(4.0), 81))
    losses = [float(nn.functional.cross_entropy(logits[keep] / t, gold[keep])) for t in grid]
    return float(grid[int(np.argmin(losses))])
