"""SHA-256 digests: of files, of canonical JSON, and salted hashes of personal identifiers.

One implementation of each: the prepared-table cache, notebook reuse, run manifests and the recipient
checks all call these (in Python or, for DuckDB, through :func:`salted_hash_sql`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import numpy as np

#: Hex characters kept of a salted identifier hash (64 bits: no collisions expected below ~10^9 ids).
HASH_CHARS = 16


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


@functools.lru_cache(maxsize=256)
def _digest(path: str, inode: int, size: int, mtime_ns: int) -> str:
    return sha256_file(Path(path))


def file_digest(path: Path) -> str:
    """SHA-256 of a file, computed once per process for each (path, inode, size, modification time)."""
    st = Path(path).stat()
    return _digest(str(path), st.st_ino, st.st_size, st.st_mtime_ns)


def canonical_json(obj) -> str:
    """JSON with sorted keys and no spaces: equal objects give equal text (and equal hashes)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def sha256_text(text: str) -> str:
    """SHA-256 hex digest of a UTF-8 string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def salted_hash(values, salt: str) -> np.ndarray:
    """First :data:`HASH_CHARS` hex characters of SHA-256(salt + value) for each value.

    Large inputs are hashed by DuckDB's vectorised ``sha256`` (identical digests, see
    :func:`salted_hash_sql`), small ones by hashlib.
    """
    values = np.asarray(values, dtype=object)
    if len(values) < 50_000:
        return np.array(
            [hashlib.sha256((salt + str(v)).encode("utf-8")).hexdigest()[:HASH_CHARS] for v in values], dtype=object
        )
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    con.register("ids", pa.table({"v": pa.array(values.astype(str))}))
    out = con.execute(f"SELECT {salted_hash_sql('v')} AS h FROM ids", {"salt": salt}).fetchnumpy()
    con.close()
    return np.asarray(out["h"], dtype=object)


def salted_hash_sql(expr: str) -> str:
    """The DuckDB expression of :func:`salted_hash` for the SQL expression ``expr``; the salt is the bound
    parameter ``$salt`` (never spliced into the SQL text)."""
    return f"substr(sha256($salt || {expr}), 1, {HASH_CHARS})"
