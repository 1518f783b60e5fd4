"""Data: the :class:`Dataset` container, the seeded simulator and loaders for real files."""
from __future__ import annotations

from ..core import cache
from .dataset import Dataset, add_coverage, aggregate_kaltim, before_after
from .loaders import load_panel
from .synthetic import SYNTHETIC_LABEL, SimConfig, config_from_params, generate

__all__ = ["Dataset", "SimConfig", "SYNTHETIC_LABEL", "add_coverage", "aggregate_kaltim", "before_after",
           "config_from_params", "generate", "load_data", "load_panel"]


def load_data(params) -> Dataset:
    """The dataset a params object points to: synthetic from its seed, or its validated real files.

    A real panel is read and validated once per file content and then served from the Parquet cache
    (:mod:`evalkit.cache`, keyed by the file's SHA-256, its name and ``data.max_file_mb``). Synthetic
    data is not cached: generating it (~0.03 s) is faster than reading a cached copy.
    """
    if params.data.source == "synthetic":
        return generate(config_from_params(params))
    path = params.project_root / params.data.panel
    load = lambda: load_panel(path, max_mb=params.data.max_file_mb, display=params.data.panel,  # noqa: E731
                              max_count=params.data.max_count)
    try:
        digest = cache.file_digest(path)
    except OSError:  # missing or unreadable: the loader says so in its own words
        return load()
    parts = {"sha256": digest, "display": params.data.panel, "max_mb": params.data.max_file_mb,
             "max_count": params.data.max_count}

    def compute():
        ds = load()
        return {"panel": ds.panel}, {"meta": ds.meta, "files": ds.files}

    tables, meta = cache.cached(params.project_root, "panel", parts, compute)
    return Dataset(panel=tables["panel"], meta=meta["meta"], truth=None, files=meta["files"])
