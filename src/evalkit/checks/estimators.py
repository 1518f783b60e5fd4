"""The point estimators the checks re-run: ``name → fit(df, outcome, unit, time, treated, treatment_time)``
returning ``(estimate, donor weights)`` without placebo inference (the checks compare point estimates)."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from ..methods import synth

Fit = Callable[..., tuple[float, pd.Series]]


def _synth(df, outcome, unit, time, treated, treatment_time) -> tuple[float, pd.Series]:
    r = synth.synthetic_control(df, outcome, unit, time, treated, treatment_time, placebos=False)
    return r.att.estimate, r.weights


def _sdid(df, outcome, unit, time, treated, treatment_time) -> tuple[float, pd.Series]:
    r = synth.sdid(df, outcome, unit, time, treated, treatment_time, placebos=False)
    return r.att.estimate, r.unit_weights


ESTIMATORS: dict[str, Fit] = {"synth": _synth, "sdid": _sdid}


def estimator(name: str) -> Fit:
    """The fit function of ``name``; a clear error for an unknown one."""
    try:
        return ESTIMATORS[name]
    except KeyError:
        raise ValueError(f"unknown estimator {name!r}; allowed: {', '.join(ESTIMATORS)}") from None
