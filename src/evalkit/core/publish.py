"""Atomic publication of folders: readers see a complete folder or none, never a half-written one.

Three uses, one implementation each:

* :func:`publish_entry` — a cache entry: filled in a private folder, renamed into place; the first
  complete entry wins (a second writer's copy is dropped);
* :func:`building` + :func:`publish_unique` — a run, comparison or verification folder: built under a
  hidden ``.partial-*`` name, renamed to a name no earlier run has (``name``, ``name-2``, …);
* :func:`point_latest` — the ``latest`` link of a scenario, replaced atomically.

:func:`file_lock` makes a second process wait while the first computes the same thing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path


def publish_entry(entry: Path, fill: Callable[[Path], None]) -> None:
    """Create the folder ``entry`` atomically: ``fill`` writes into a private folder that is then renamed
    into place, so readers see a complete entry or none. An entry already there is kept."""
    tmp = entry.with_name(f".tmp-{entry.name}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        fill(tmp)
        try:
            os.rename(tmp, entry)
        except OSError:  # written meanwhile by a process that did not take the lock: keep theirs
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def building(parent: Path, name: str) -> Iterator[Path]:
    """A new hidden folder ``parent/.partial-<name>-<pid>`` to build in; removed if the block fails."""
    parent.mkdir(parents=True, exist_ok=True)
    partial = parent / f".partial-{name}-{os.getpid()}"
    partial.mkdir()
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def publish_unique(partial: Path, parent: Path, name: str) -> Path:
    """Rename the finished folder ``partial`` to ``parent/name`` (or ``name-2``, ``name-3`` … when taken:
    an earlier folder is never replaced) and return where it went."""
    final, n = parent / name, 1
    while True:
        try:
            if final.exists():
                raise FileExistsError(final)
            os.rename(partial, final)
            return final
        except OSError:
            if not final.exists():
                raise
            n += 1
            final = parent / f"{name}-{n}"


def point_latest(parent: Path, final: Path) -> None:
    """Point the link ``parent/latest`` at ``final`` (a folder in ``parent``), atomically."""
    tmp_link = parent / f".latest-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(final.name, tmp_link)
    os.replace(tmp_link, parent / "latest")


#: Hidden folders evalkit leaves behind only when a run was interrupted or killed.
UNFINISHED = (".partial-", ".interrupted-", ".tmp-", ".latest-")


def clean_stale(parent: Path, max_age_seconds: float = 86_400) -> list[str]:
    """Remove the unfinished folders (and stray temporary links) in ``parent`` older than ``max_age_seconds``
    (a day): a run still building is never that old. Returns the names removed."""
    removed: list = []
    if not parent.is_dir():
        return removed
    limit = time.time() - max_age_seconds
    for entry in sorted(parent.iterdir()):
        if not entry.name.startswith(UNFINISHED):
            continue
        try:
            if entry.lstat().st_mtime >= limit:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry.name)
        except OSError:  # another process is cleaning too, or no permission: leave it
            continue
    return removed


def probe_writable(folder: Path, reserve_bytes: int = 50_000_000) -> None:
    """Create ``folder`` if needed and write and remove a small file in it; raise ``OSError`` when that fails
    or when less than ``reserve_bytes`` are free on its disk."""

    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".tmp-probe-", dir=folder)
    try:
        os.write(fd, b"evalkit")
    finally:
        os.close(fd)
        os.unlink(name)
    free = shutil.disk_usage(folder).free
    if free < reserve_bytes:
        raise OSError(errno.ENOSPC, f"only {free / 1e6:.0f} MB free, a run needs at least {reserve_bytes / 1e6:.0f} MB")


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the duration of the block."""
    try:
        import fcntl  # POSIX only: imported here, where its absence has a fallback
    except ImportError:  # not POSIX: no waiting, at worst the same work is done twice
        yield
        return
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
