"""Data: the :class:`Dataset` container, the seeded simulator and loaders for real files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import cache
from .dataset import Dataset, add_coverage, aggregate_kaltim, before_after
from .loaders import load_panel
from .published import load_published
from .synthetic import SYNTHETIC_LABEL, SimConfig, config_from_params, generate

if TYPE_CHECKING:
    from ..params.schema import Params

__all__ = [
    "Dataset",
    "SimConfig",
    "SYNTHETIC_LABEL",
    "add_coverage",
    "aggregate_kaltim",
    "before_after",
    "config_from_params",
    "generate",
    "load_data",
    "load_panel",
    "load_published",
]


def load_data(params: Params) -> Dataset:
    """The dataset a params object points to: synthetic from its seed, or its validated real files.

    A real panel is read and validated once per file content and then served from the Parquet cache
    (:mod:`evalkit.cache`, keyed by the file's SHA-256, its name and ``data.max_file_mb``). Synthetic
    data is not cached: generating it (~0.03 s) is faster than reading a cached copy.
    """
    d, root = params.data, params.project_root
    if d.source == "synthetic":
        return generate(config_from_params(params))
    if d.participants:  # as published: participants per office + yearly denominators (+ crosswalk)
        return _cached(
            params,
            "published",
            [d.participants, d.denominators, d.offices],
            lambda: load_published(
                root, d.participants, str(d.denominators), d.offices, max_mb=d.max_file_mb, max_count=d.max_count
            ),
        )
    return _cached(
        params,
        "panel",
        [d.panel],
        lambda: load_panel(root / str(d.panel), max_mb=d.max_file_mb, display=str(d.panel), max_count=d.max_count),
    )


def _cached(params: Params, kind: str, names: list[str | None], load) -> Dataset:
    """``load()`` once per content of the named files, then from the Parquet cache (keyed by each file's SHA-256,
    its name and the data limits)."""
    root = params.project_root
    try:
        digests = {name: cache.file_digest(root / name) for name in names if name}
    except OSError:  # missing or unreadable: the loader says so in its own words
        return load()
    parts = {"sha256": digests, "max_mb": params.data.max_file_mb, "max_count": params.data.max_count}

    def compute():
        ds = load()
        return {"panel": ds.panel}, {"meta": ds.meta, "files": ds.files}

    tables, meta = cache.cached(root, kind, parts, compute)
    return Dataset(panel=tables["panel"], meta=meta["meta"], truth=None, files=meta["files"])
