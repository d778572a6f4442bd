"""Writes that never leave a half-written file or folder behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())  # on disk before it takes the name
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _finish_folder(folder: Path) -> None:
    """Give a folder made by ``mkdtemp`` (mode 0700) and its files the usual permissions, and
    flush its files to disk, before it takes its name."""
    mask = _umask()
    os.chmod(folder, 0o777 & ~mask)
    for item in folder.rglob("*"):
        os.chmod(item, (0o777 if item.is_dir() else 0o666) & ~mask)
        if item.is_file():
            with open(item, "rb") as handle:
                os.fsync(handle.fileno())


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False where
    the system has no such call."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: not on this kernel or file system
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(path: Path) -> None:
    """Remove the temporary folders that writers killed before they finished left beside ``path``
    (their names carry the writer's process id)."""
    for item in path.parent.glob(f".{path.name}.*.tmp"):
        parts = item.name[len(path.name) + 2:].split(".")
        if parts and parts[0].isdigit() and not _pid_alive(int(parts[0])):
            shutil.rmtree(item, ignore_errors=True)


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``path``, on error it is removed.

    The replacement is one atomic swap where the system has one (Linux), so a reader always
    finds a whole folder at ``path``, old or new; concurrent writers each swap in a whole
    folder (the last one wins); temporary folders of writers that were killed are removed
    by the next save."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(path)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp"))
    try:
        yield tmp
        _finish_folder(tmp)
        try:
            os.rename(tmp, path)  # no folder there yet (an empty one is replaced too)
        except OSError:
            if not _exchange(tmp, path):  # no atomic swap: two renames, the old folder under a unique name
                old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp"))
                os.replace(path, old / "old")
                os.replace(tmp, path)
                tmp = old
        shutil.rmtree(tmp, ignore_errors=True)  # after the swap: the old folder
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
