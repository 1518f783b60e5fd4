"""Leave-one-out donors (Abadie 2015, §4.4): is the estimate carried by one comparison unit?"""
from __future__ import annotations

import pandas as pd

from .estimators import estimator


def leave_one_out(df: pd.DataFrame, outcome: str, unit: str, time: str, treated, treatment_time, *,
                  method: str = "synth", min_weight: float = 0.001) -> pd.DataFrame:
    """One row per donor with weight above ``min_weight`` in the full fit: ``dropped`` (the donor), ``weight`` (its
    weight in the full fit), ``estimate`` (re-estimated without it) and ``change`` (estimate − full estimate).

    ``attrs``: ``full`` (the full estimate), ``low``/``high`` (the range over the re-fits, the full estimate
    included), ``method``."""
    fit = estimator(method)
    full, weights = fit(df, outcome, unit, time, treated, treatment_time)
    rows = []
    for donor, w in weights[weights > min_weight].sort_values(ascending=False).items():
        est, _ = fit(df[df[unit] != donor], outcome, unit, time, treated, treatment_time)
        rows.append({"dropped": donor, "weight": float(w), "estimate": est, "change": est - full})
    out = pd.DataFrame(rows, columns=["dropped", "weight", "estimate", "change"])
    values = [full, *out["estimate"]]
    out.attrs.update(full=full, low=min(values), high=max(values), method=method)
    return out
