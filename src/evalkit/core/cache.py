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
  same tables twice.
* **Checked**: every entry carries a keyed content hash of each of its files and of its own name — the key,
  which encodes its kind and everything it depends on (HMAC-SHA256 with a key derived from the salt,
  :func:`seal`); an entry whose files do not match — truncated, hand-edited — or that was copied under another
  entry's name is reported on stderr, deleted and computed again, never used (:func:`verify`). An entry sealed
  under another salt is reported as such and left alone (it is not damaged; it is simply not this salt's).
* **Its own folder only**: the folder holds a marker file (:data:`MARKER`); ``evalkit cache clear`` deletes
  only the entries evalkit wrote and refuses a folder without the marker.
* **Private**: only tables that may appear in reports are stored (hashed ids, never a raw NIK or name).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .hashing import canonical_json, file_digest, sha256_text
from .paths import cache_dir, cache_enabled
from .publish import file_lock, publish_entry
from .salt import get_salt, salt_fingerprint
from .version import __version__

#: Bump when the stored layout or the meaning of a cached table changes.
FORMAT = 3  # 2: entries carry integrity.json; 3: the seal binds the entry's name and records the salt's fingerprint

Tables = dict[str, pd.DataFrame]


enabled = cache_enabled

__all__ = [
    "FORMAT",
    "MARKER",
    "NotACache",
    "Tables",
    "cache_dir",
    "cached",
    "clear",
    "enabled",
    "file_digest",
    "info",
    "key_of",
    "locked",
    "open_root",
    "salt_fingerprint",
    "seal",
    "verify",
]


def key_of(kind: str, parts: dict) -> str:
    """Entry name ``<kind>-<hash>`` of the canonical JSON of ``parts`` (with evalkit's version and FORMAT)."""
    body = canonical_json({"kind": kind, "parts": parts, "evalkit": __version__, "format": FORMAT})
    return f"{kind}-{sha256_text(body)[:32]}"


#: The file that marks a folder as evalkit's cache (``cache clear`` refuses folders without it).
MARKER = ".evalkit-cache"
#: Names of cache entries: ``<kind>-<32 hex>`` (:func:`key_of`).
ENTRY_NAME = re.compile(r"^[a-z]+-[0-9a-f]{32}$")
#: The file in every entry that holds the keyed hash of each of its files.
SEAL = "integrity.json"


def open_root(root: Path) -> Path:
    """Create the cache folder with its marker (if missing) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    marker = root / MARKER
    if not marker.is_file():
        marker.write_text(
            "evalkit cache: prepared tables and reused notebook outputs. `evalkit cache clear` "
            "deletes the entries evalkit wrote here; deleting the folder is always safe.\n",
            encoding="utf-8",
        )
    return root


def _mac(data: bytes) -> str:
    key = hashlib.sha256(("evalkit-cache-integrity:" + get_salt()).encode()).digest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _files(entry: Path) -> list[str]:
    return sorted(p.relative_to(entry).as_posix() for p in entry.rglob("*") if p.is_file() and p.name != SEAL)


def seal(entry: Path, name: str) -> None:
    """Record, in the (not yet published) folder ``entry`` that will be published as ``name``, the keyed hash of
    every file and of the name itself, with the salt's fingerprint."""
    digests = {rel: _mac((entry / rel).read_bytes()) for rel in _files(entry)}
    binding = _mac(canonical_json({"entry": name, "files": digests}).encode())
    (entry / SEAL).write_text(
        json.dumps({"entry": name, "salt": salt_fingerprint(), "files": digests, "binding": binding}, sort_keys=True),
        encoding="utf-8",
    )


def verify(entry: Path) -> bool:
    """Whether ``entry`` may be used: sealed under this salt, under this very name, and every file still matching
    its hash (none added or removed). A damaged or moved entry is reported on stderr and deleted, so that it is
    computed again; an entry of another salt is reported and left in place."""
    try:
        sealed = json.loads((entry / SEAL).read_text(encoding="utf-8"))
        if isinstance(sealed, dict) and sealed.get("salt") not in (None, salt_fingerprint()):
            print(
                f"evalkit: cache entry {entry.name} was made with another salt; it is not used (and kept: it is not "
                "damaged). Computing again with this salt",
                file=sys.stderr,
            )
            return False
        digests = sealed["files"]
        files = _files(entry)
        ok = (
            isinstance(digests, dict)
            and sealed.get("entry") == entry.name
            and files == sorted(digests)
            and hmac.compare_digest(
                _mac(canonical_json({"entry": entry.name, "files": digests}).encode()), str(sealed.get("binding"))
            )
            and all(hmac.compare_digest(_mac((entry / rel).read_bytes()), str(digests[rel])) for rel in files)
        )
    except (OSError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        print(
            f"evalkit: cache entry {entry.name} was damaged, edited or moved (its content does not match its "
            "seal); it is deleted and computed again",
            file=sys.stderr,
        )
        shutil.rmtree(entry, ignore_errors=True)
    return ok


def cached(
    project_root: Path, kind: str, parts: dict, compute: Callable[[], tuple[Tables, dict]]
) -> tuple[Tables, dict]:
    """The tables and JSON metadata stored under ``(kind, parts)``, computed with ``compute`` when missing."""
    if not enabled():
        return compute()
    root = cache_dir(project_root)
    entry = root / key_of(kind, parts)
    hit = _read(entry)
    if hit is not None:
        return hit
    try:
        open_root(root)
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
    if not index.is_file() or not verify(entry):
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
        seal(tmp, entry.name)

    publish_entry(entry, fill)


@contextlib.contextmanager
def locked(project_root: Path, name: str):
    """Hold entry ``name`` (other processes asking for it wait) while it is looked up, computed and written."""
    root = cache_dir(project_root)
    open_root(root)
    with file_lock(root / f"{name}.lock"):
        yield


def _remove_empty(root: Path, lock: Path) -> None:
    """Leave no trace of a failed computation: its lock, and the cache folder if nothing else is in it."""
    with contextlib.suppress(OSError):
        lock.unlink()
    with contextlib.suppress(OSError):
        if [p.name for p in root.iterdir()] == [MARKER]:
            (root / MARKER).unlink()
        root.rmdir()  # only when empty


class NotACache(Exception):
    """``clear`` was pointed at a folder evalkit did not create as its cache (no :data:`MARKER`)."""


def clear(project_root: Path) -> int:
    """Delete every entry evalkit wrote in the cache folder; returns how many there were.

    Only names evalkit gives (``<kind>-<32 hex>`` entries, their ``.lock`` files, ``.tmp-*`` folders) are
    removed, and only in a folder holding :data:`MARKER`; anything else stays (raises :class:`NotACache`
    for a folder without the marker)."""
    root = cache_dir(project_root)
    if not root.is_dir():
        return 0
    if not (root / MARKER).is_file():
        raise NotACache(root)
    n = 0
    for p in sorted(root.iterdir()):
        if ENTRY_NAME.match(p.name) and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
            n += 1
        elif (ENTRY_NAME.match(p.name.removesuffix(".lock")) and p.name.endswith(".lock") and p.is_file()) or (
            p.name.startswith(".tmp-") and p.is_dir() and not p.is_symlink()
        ):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    return n


def info(project_root: Path) -> tuple[Path, int, int]:
    """(folder, entries, bytes)."""
    root = cache_dir(project_root)
    if not root.is_dir():
        return root, 0, 0
    entries = [p for p in root.iterdir() if p.is_dir() and ENTRY_NAME.match(p.name)]
    size = sum(f.stat().st_size for p in entries for f in p.rglob("*") if f.is_file())
    return root, len(entries), size
