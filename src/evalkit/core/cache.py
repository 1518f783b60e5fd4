"""Cache of prepared tables: Parquet files keyed by a hash of the data and of the settings that shape them.

Several notebooks of one run, every scenario of a sweep and every rerun need the same prepared tables
(the validated panel read from a file, the verified recipient list, the compliance tables). The first
caller computes them and stores them here; the others read them back, identical to the last byte of the
report tables (a test renders the report with a cold cache, a warm cache and no cache and compares).

* **Key**: SHA-256 of a canonical JSON of everything the tables depend on: the input files' SHA-256
  (not their names or dates), the params sections that are read, a fingerprint of the hashing salt, the
  evalkit version and :data:`FORMAT`. Change any of them and the entry is simply not found.
* **Where**: ``$EVALKIT_CACHE_DIR`` if set, else ``<project>/outputs/.cache/``. ``EVALKIT_CACHE=off``
  (``evalkit run --no-cache``) turns it off. Delete the folder at any time (``evalkit cache clear``).
* **Safe**: an entry is written to a temporary folder and renamed into place, so a reader never sees a
  half-written entry; a lock file makes a second process wait for the first instead of computing the
  same tables twice. Unreadable entries are recomputed.
* **Private**: only tables that may appear in reports are stored (hashed ids, never a raw NIK or name).
"""
from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Callable

import pandas as pd

from .hashing import canonical_json, file_digest, sha256_text
from .paths import cache_dir, cache_enabled
from .publish import file_lock, publish_entry
from .salt import salt_fingerprint
from .version import __version__

#: Bump when the stored layout or the meaning of a cached table changes.
FORMAT = 1

Tables = dict[str, pd.DataFrame]


enabled = cache_enabled

__all__ = ["FORMAT", "Tables", "cache_dir", "cached", "clear", "enabled", "file_digest", "info", "key_of", "locked",
           "salt_fingerprint"]


def key_of(kind: str, parts: dict) -> str:
    """Entry name ``<kind>-<hash>`` of the canonical JSON of ``parts`` (with evalkit's version and FORMAT)."""
    body = canonical_json({"kind": kind, "parts": parts, "evalkit": __version__, "format": FORMAT})
    return f"{kind}-{sha256_text(body)[:32]}"


def cached(project_root: Path, kind: str, parts: dict, compute: Callable[[], tuple[Tables, dict]]) -> tuple[Tables, dict]:
    """The tables and JSON metadata stored under ``(kind, parts)``, computed with ``compute`` when missing."""
    if not enabled():
        return compute()
    root = cache_dir(project_root)
    entry = root / key_of(kind, parts)
    hit = _read(entry)
    if hit is not None:
        return hit
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = file_lock(root / f"{entry.name}.lock")
    except OSError:  # read-only or full disk: compute without the cache
        return compute()
    with lock:
        hit = _read(entry)  # another process may have written it while we waited
        if hit is not None:
            return hit
        try:
            tables, meta = compute()
        except BaseException:  # bad input: leave nothing behind (the lock file, an empty cache folder)
            _remove_empty(root, root / f"{entry.name}.lock")
            raise
        try:
            _write(entry, tables, meta)
        except OSError:
            return tables, meta
    # what later calls will read, so that the first call and the others return exactly the same tables
    return _read(entry) or (tables, meta)


def _read(entry: Path) -> tuple[Tables, dict] | None:
    index = entry / "meta.json"
    if not index.is_file():
        return None
    try:
        meta = json.loads(index.read_text(encoding="utf-8"))
        tables = {name: pd.read_parquet(entry / f"{name}.parquet") for name in meta["tables"]}
        return tables, meta["meta"]
    except Exception:  # damaged entry (disk full, manual edits): recompute rather than fail the report
        shutil.rmtree(entry, ignore_errors=True)
        return None


def _write(entry: Path, tables: Tables, meta: dict) -> None:
    def fill(tmp: Path) -> None:
        for name, df in tables.items():
            df.to_parquet(tmp / f"{name}.parquet")
        # key order kept: tables built from these dicts list their rows in that order
        (tmp / "meta.json").write_text(json.dumps({"tables": list(tables), "meta": meta}), encoding="utf-8")

    publish_entry(entry, fill)


@contextlib.contextmanager
def locked(project_root: Path, name: str):
    """Hold entry ``name`` (other processes asking for it wait) while it is looked up, computed and written."""
    root = cache_dir(project_root)
    root.mkdir(parents=True, exist_ok=True)
    with file_lock(root / f"{name}.lock"):
        yield


def _remove_empty(root: Path, lock: Path) -> None:
    with contextlib.suppress(OSError):
        lock.unlink()
    with contextlib.suppress(OSError):
        root.rmdir()  # only when empty


def clear(project_root: Path) -> int:
    """Delete every cache entry; returns how many there were."""
    root = cache_dir(project_root)
    if not root.is_dir():
        return 0
    n = sum(1 for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    shutil.rmtree(root)
    return n


def info(project_root: Path) -> tuple[Path, int, int]:
    """(folder, entries, bytes)."""
    root = cache_dir(project_root)
    if not root.is_dir():
        return root, 0, 0
    entries = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    size = sum(f.stat().st_size for p in entries for f in p.rglob("*") if f.is_file())
    return root, len(entries), size
