"""How many CPU threads torch may use.

Unset, torch starts one thread per core of the machine, also when the process
may use fewer (a container, ``taskset``) or other jobs share the cores; its
threads then fight and spin. paratag sets the count explicitly: ``threads``
where given, else the cores this process may run on.
"""

from __future__ import annotations

import contextlib
import os


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def torch_threads(threads: int | None = None):
    """Run the block with torch using ``threads`` threads (default: :func:`available_cores`)."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(int(threads) if threads else available_cores())
    try:
        yield
    finally:
        torch.set_num_threads(previous)
