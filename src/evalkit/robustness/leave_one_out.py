"""Leave-one-out donors (Abadie 2015, §4.4): is the estimate carried by one comparison unit?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .base import CheckResult, PointFit


def leave_one_out(
    fit: PointFit,
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated,
    treatment_time,
    *,
    min_weight: float = 0.001,
) -> CheckResult:
    """Re-fit without each donor with weight above ``min_weight`` in the full fit. ``table``: one row per donor —
    ``dropped``, ``weight`` (in the full fit), ``estimate`` (without it) and ``change`` (estimate − full
    estimate). ``values``: ``full``, ``low``/``high`` (the range over the re-fits, the full estimate included).
    Passes when every re-fit keeps the full estimate's sign (no single donor carries the conclusion)."""
    full, weights = fit(df, outcome, unit, time, treated, treatment_time)
    rows = []
    for donor, w in weights[weights > min_weight].sort_values(ascending=False).items():
        est, _ = fit(df[df[unit] != donor], outcome, unit, time, treated, treatment_time)
        rows.append({"dropped": donor, "weight": float(w), "estimate": est, "change": est - full})
    table = pd.DataFrame(rows, columns=["dropped", "weight", "estimate", "change"])
    values = [full, *table["estimate"]]
    low, high = float(min(values)), float(max(values))
    passed = bool((np.sign(table["estimate"]) == np.sign(full)).all()) if len(table) else None
    return CheckResult(
        "leave_one_out",
        passed,
        table,
        f"{len(table)} donors dropped in turn: estimate from {low:.3f} to {high:.3f} (full {full:.3f})",
        {"full": float(full), "low": low, "high": high},
    )
