"""Sensitivity to parallel trends, and the smallest effect a design can detect.

A pre-trend test that does not reject is weak evidence: with one treated province and a few pre-period months it
has little power, and conditioning on passing it distorts what follows (Roth 2022). Instead of a verdict this
module reports how far the conclusion survives violations of parallel trends.

:func:`relative_magnitude_bounds` follows the *relative magnitudes* restriction of Rambachan & Roth (2023), "A
more credible approach to parallel trends", *Review of Economic Studies* 90(5): after the start, the
month-to-month change in the trend difference is at most ``M̄`` times the largest such change before the start.
For the mean of the post-period coefficients ``k ∈ post`` the bias is then at most
``M̄ · Δ_pre · mean_k (k + 1)`` (the violation can accumulate from the reference month −1), and the robust
interval is the design's interval widened by that bound. Simplification, stated: ``Δ_pre`` is the *estimated*
largest pre-period change, taken as known; the R package HonestDiD also accounts for its estimation error and
uses conditional/hybrid confidence sets, which are tighter at small ``M̄`` and wider when the pre-period is
noisy. The *breakdown* ``M̄`` is the largest value at which the robust interval still excludes zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["relative_magnitude_bounds", "breakdown_mbar", "normal_mde"]


def _bias_per_mbar(coefs: pd.DataFrame, ref: int, post: list[int]) -> float:
    """The bias bound on the post mean per unit of ``M̄``: ``Δ_pre`` (the largest |β_k − β_{k−1}| before the start;
    the reference month has β = 0) times the months from the reference to each post month, averaged."""
    pre = coefs[coefs["rel_time"] <= ref].sort_values("rel_time")["estimate"].to_numpy(float)
    if len(pre) < 2:
        raise ValueError("sensitivity bounds need at least two event times before the start")
    return float(np.max(np.abs(np.diff(pre)))) * float(np.mean([k - ref for k in post]))


def relative_magnitude_bounds(
    coefs: pd.DataFrame, ref: int, post: list[int], ci_low: float, ci_high: float, mbar=(0.0, 0.5, 1.0, 1.5, 2.0)
) -> pd.DataFrame:
    """Robust interval for the mean of the event-time coefficients ``post`` for each ``M̄`` in ``mbar``.

    ``coefs``: the event study's table (``rel_time``, ``estimate``); ``ci_low``/``ci_high``: the design's
    interval for the post mean (any inference). Columns: ``mbar``, ``bias_bound``, ``ci_low``, ``ci_high``,
    ``excludes_zero``."""
    per_mbar = _bias_per_mbar(coefs, ref, post)
    rows = []
    for m in mbar:
        bound = float(m) * per_mbar
        lo, hi = ci_low - bound, ci_high + bound
        rows.append(
            {
                "mbar": float(m),
                "bias_bound": bound,
                "ci_low": lo,
                "ci_high": hi,
                "excludes_zero": bool(lo > 0 or hi < 0),
            }
        )
    return pd.DataFrame(rows)


def breakdown_mbar(coefs: pd.DataFrame, ref: int, post: list[int], ci_low: float, ci_high: float) -> float:
    """The largest ``M̄`` at which the robust interval still excludes zero (0 when the interval contains zero,
    ``inf`` when the pre-period shows no change at all)."""
    if ci_low <= 0 <= ci_high:
        return 0.0
    per_mbar = _bias_per_mbar(coefs, ref, post)
    if per_mbar == 0:
        return float("inf")
    return float(min(abs(ci_low), abs(ci_high)) / per_mbar)


def normal_mde(se: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Minimum detectable effect of a two-sided test with a normal statistic: ``(z_{1−α/2} + z_power) · se``
    (Bloom 1995); 2.80 · se at 5% and 80% power."""
    return float((stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) * se)
