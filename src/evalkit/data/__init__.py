"""Data: the :class:`Dataset` container, the seeded simulator and loaders for real files."""
from __future__ import annotations

from .dataset import Dataset, add_coverage, aggregate_kaltim, before_after
from .loaders import load_panel
from .synthetic import SYNTHETIC_LABEL, SimConfig, config_from_params, generate

__all__ = ["Dataset", "SimConfig", "SYNTHETIC_LABEL", "add_coverage", "aggregate_kaltim", "before_after",
           "config_from_params", "generate", "load_data", "load_panel"]


def load_data(params) -> Dataset:
    """The dataset a params object points to: synthetic from its seed, or its validated real files."""
    if params.data.source == "synthetic":
        return generate(config_from_params(params))
    path = params.project_root / params.data.panel
    return load_panel(path, max_mb=params.data.max_file_mb, display=params.data.panel)
