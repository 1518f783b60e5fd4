"""Salted hashing of personal identifiers (NIK) and small-cell suppression.

The salt comes from the environment variable ``EVALKIT_SALT``, else from the file named by
``EVALKIT_SALT_FILE``, else from ``~/.config/evalkit/salt`` (created with a random value and mode 0600
on first use). It must never live inside the project folder: the same salt gives the same hashes
across runs (so churn can be followed), a different machine gives different ones.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import numpy as np
import pandas as pd

HASH_CHARS = 16


def salt_path() -> Path:
    return Path(os.environ.get("EVALKIT_SALT_FILE", Path.home() / ".config" / "evalkit" / "salt"))


def get_salt() -> str:
    """The salt (see the module docstring)."""
    env = os.environ.get("EVALKIT_SALT")
    if env:
        return env
    path = salt_path()
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    # written complete under a private name, then linked into place: processes starting at the same time
    # (parallel report kernels) all end up with the one salt that won, never an empty or a second one
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(16))
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return path.read_text(encoding="utf-8").strip()


def hash_ids(values, salt: str | None = None) -> np.ndarray:
    """First 16 hex characters of SHA-256(salt + value) for each value (same as the DuckDB engine).

    Large inputs are hashed by DuckDB's vectorised ``sha256`` (identical digests), small ones by hashlib.
    """
    salt = get_salt() if salt is None else salt
    values = np.asarray(values, dtype=object)
    if len(values) < 50_000:
        return np.array([hashlib.sha256((salt + str(v)).encode("utf-8")).hexdigest()[:HASH_CHARS] for v in values],
                        dtype=object)
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    con.register("ids", pa.table({"v": pa.array(values.astype(str))}))
    out = con.execute(f"SELECT substr(sha256($salt || v), 1, {HASH_CHARS}) AS h FROM ids", {"salt": salt}).fetchnumpy()
    con.close()
    return np.asarray(out["h"], dtype=object)


def suppress(df: pd.DataFrame, columns, threshold: int) -> pd.DataFrame:
    """Replace counts below ``threshold`` (but above 0) by NaN in ``columns`` (published tables)."""
    out = df.copy()
    for c in columns:
        small = (out[c] > 0) & (out[c] < threshold)
        out[c] = out[c].astype("float64").where(~small)
    return out
