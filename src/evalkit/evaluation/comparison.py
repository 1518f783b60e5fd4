"""Reading the designs side by side: the comparison table, the effect the summary quotes (:func:`headline_effect`)
and the dose-response additionality the budget reads back (:func:`additionality_from_table`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..methods import sensitivity
from ..methods.result import Estimate
from .designs import HEADLINE_DESIGNS, DesignResult


def mde(e: Estimate, alpha: float) -> float:
    """Minimum detectable effect at 80% power: from the placebo distribution when the design has one, else
    ``2.8·se`` (:func:`~evalkit.methods.sensitivity.normal_mde`)."""
    return float(e.info["mde"]) if "mde" in e.info else sensitivity.normal_mde(e.se, alpha)


def comparison_table(results: list[DesignResult], alpha: float = 0.05) -> pd.DataFrame:
    """One row per design: design, method, estimate, se, ci_low, ci_high, ci_level (the level the interval
    has), pvalue, mde (minimum detectable effect at 80% power), n_obs, truth, covers, not_run (empty, or why the
    design did not run: ``no_comparison`` / ``failed``)."""
    rows = []
    nan = float("nan")
    for r in results:
        e = r.estimate
        if e is None:
            rows.append(
                {
                    "design": r.design,
                    "method": "",
                    "estimate": nan,
                    "se": nan,
                    "ci_low": nan,
                    "ci_high": nan,
                    "ci_level": nan,
                    "pvalue": nan,
                    "mde": nan,
                    "n_obs": 0,
                    "truth": None,
                    "covers": None,
                    "not_run": r.not_run,
                }
            )
            continue
        rows.append(
            {
                "design": r.design,
                "method": e.method,
                "estimate": e.estimate,
                "se": e.se,
                "ci_low": e.ci_low,
                "ci_high": e.ci_high,
                "ci_level": float(e.level),
                "pvalue": e.pvalue,
                "mde": mde(e, alpha),
                "n_obs": e.n_obs,
                "truth": r.truth,
                "covers": (e.covers(r.truth) if r.truth is not None else None),
                "not_run": "",
            }
        )
    return pd.DataFrame(rows)


def headline_effect(comparison: pd.DataFrame, designs=None) -> dict | None:
    """The effect the summary reports: the first of ``designs`` (default :data:`HEADLINE_DESIGNS`) that ran with a
    finite interval, as ``{design, estimate, ci_low, ci_high, ci_level, pvalue}`` (percentage points; level a
    share); ``None`` when none did. ``designs=WORKER_WEIGHTED_DESIGNS`` gives the worker-weighted estimate that
    "workers protected" is counted from."""
    for design in designs or HEADLINE_DESIGNS:
        row = comparison[comparison["design"] == design]
        if row.empty:
            continue
        r = row.iloc[0]
        if all(pd.notna(r[c]) and np.isfinite(r[c]) for c in ("estimate", "ci_low", "ci_high", "ci_level")):
            return {
                "design": design,
                "estimate": float(r["estimate"]),
                "ci_low": float(r["ci_low"]),
                "ci_high": float(r["ci_high"]),
                "ci_level": float(r["ci_level"]),
                "pvalue": None if pd.isna(r["pvalue"]) else float(r["pvalue"]),
            }
    return None


def additionality_from_table(table: pd.DataFrame | None) -> float | None:
    """The dose-response slope from notebook 02's saved comparison table (``design_dose`` row) when it is a
    plausible share (0.05 to 1); ``None`` without the table or the row."""
    if table is None or "design" not in table.columns:
        return None
    row = table[table["design"].isin(["design_dose", "dose"])]
    if row.empty:
        return None
    est = float(row["estimate"].iloc[0])
    return est if 0.05 <= est <= 1.0 else None
