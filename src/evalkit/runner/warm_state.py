"""Process state a notebook may change, saved after a kernel's warm-up and restored before the next notebook.

Runs inside report kernels (see :mod:`evalkit.runner.kernels`); not useful elsewhere.
"""

from __future__ import annotations

import copy
import os
import sys
import warnings

import numpy as np
import pandas as pd

_saved: dict = {}


def snapshot() -> None:
    """Remember the state of a freshly started, warmed-up kernel."""
    import matplotlib

    _saved.update(
        rc=copy.deepcopy(dict(matplotlib.rcParams)),
        numpy=np.get_printoptions(),
        numpy_err=np.geterr(),
        warnings=list(warnings.filters),
        cwd=os.getcwd(),
        environ=dict(os.environ),
        path=list(sys.path),
    )


def restore() -> None:
    """Put the process back into the :func:`snapshot` state (the kernel then resets its namespace)."""
    import matplotlib
    import matplotlib.pyplot as plt

    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.update(_saved["rc"])
        pd.reset_option("all")  # evalkit sets no pandas option at import: defaults = a new kernel's state
    np.set_printoptions(**_saved["numpy"])
    np.seterr(**_saved["numpy_err"])
    warnings.filters[:] = _saved["warnings"]  # type: ignore[index]
    warnings._filters_mutated()  # type: ignore[attr-defined]  # warnings already shown once are shown again, as in a new kernel
    if os.getcwd() != _saved["cwd"]:
        os.chdir(_saved["cwd"])
    for key in set(os.environ) - set(_saved["environ"]):
        del os.environ[key]
    os.environ.update(_saved["environ"])
    sys.path[:] = _saved["path"]
