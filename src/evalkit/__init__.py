"""evalkit — evaluate Kaltim Pergub 19/2023 (APBD-paid BPJS Ketenagakerjaan for vulnerable workers).

The package facade for users (``import evalkit``); nothing inside the package imports it.
"""

from __future__ import annotations

from .core.version import __version__
from .data import load_data
from .errors import DataError, EvalkitError, ParamsError
from .params import Params, load_params

__all__ = ["__version__", "Params", "load_params", "load_data", "run", "EvalkitError", "ParamsError", "DataError"]


def run(paths, jobs: int = 1, lang: str | None = None, outputs: str = "outputs"):
    """Render the report for every params file in ``paths`` (what ``evalkit run`` calls)."""
    # lazy: the runner imports papermill and nbconvert (~3 s); `import evalkit` stays quick without them
    from .runner.run import run as run_reports

    return run_reports(paths, jobs=jobs, lang=lang, outputs=outputs)
