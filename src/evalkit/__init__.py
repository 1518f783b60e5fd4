"""evalkit — evaluate Kaltim Pergub 19/2023 (APBD-paid BPJS Ketenagakerjaan for vulnerable workers)."""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import DataError, EvalkitError, ParamsError
from .params import Params, load_params

__all__ = ["__version__", "Params", "load_params", "load_data", "run", "EvalkitError", "ParamsError", "DataError"]


def load_data(params: Params):
    """The dataset ``params`` point to (synthetic from the seed, or validated real files).

    Returns a :class:`evalkit.data.Dataset` whose ``.panel`` is the long monthly panel.
    """
    from .data import load_data as _load

    return _load(params)


def run(paths, jobs: int = 1, lang: str | None = None, outputs: str = "outputs"):
    """Render the report for every params file in ``paths`` (what ``evalkit run`` calls)."""
    from .report.runner import run as _run

    return _run(paths, jobs=jobs, lang=lang, outputs=outputs)
