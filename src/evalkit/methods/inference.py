"""Inference helpers shared by the estimators.

* :func:`invert_test` — confidence intervals by test inversion (the set of null values a test does not reject),
  for the wild cluster bootstrap (:mod:`.wild`), whose p-value is a function of the hypothesised effect;
* :func:`rank_pvalue`, :func:`placebo_critical`, :func:`placebo_mde` — p-value, critical value (with the level it
  actually attains) and minimum detectable effect from a placebo distribution, for the assignment-level placebos
  (:mod:`.few_treated`) and the synthetic control's in-space placebos (:mod:`.synth`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


def rank_pvalue(observed: float, placebos: np.ndarray, tol: float = 0.0) -> float:
    """``(1 + #{placebo ≥ observed − tol}) / (1 + m)`` for ``m`` placebo statistics (the observed one counts as a
    draw of its own distribution)."""
    placebos = np.asarray(placebos, float)
    return float((1 + np.sum(placebos >= observed - tol)) / (1 + len(placebos)))


def placebo_critical(abs_placebos: np.ndarray, alpha: float) -> tuple[float, float]:
    """``(q, level)``: the ``⌈(1 − α)(m + 1)⌉``-th smallest of ``m`` absolute placebo statistics and the level
    ``rank/(m + 1)`` it attains; ``(inf, 1.0)`` when the placebos are too few for that level."""
    pt = np.sort(np.asarray(abs_placebos, float))
    rank = math.ceil((1 - alpha) * (len(pt) + 1) - 1e-9)
    if 1 <= rank <= len(pt):
        return float(pt[rank - 1]), rank / (len(pt) + 1)
    return float("inf"), 1.0


def placebo_mde(abs_placebos: np.ndarray, critical: float, power: float = 0.8) -> float:
    """Minimum detectable effect, in units of the statistic: the effect a two-sided test with ``critical``
    detects with probability ``power`` when the error is drawn from the placebos (Bloom 1995's
    ``(q_{1−α/2} + q_power)``, placebo quantiles in place of normal ones; the ``power`` quantile of a symmetric
    error is the ``2·power − 1`` quantile of its absolute value). NaN without placebos or a finite critical value."""
    pt = np.asarray(abs_placebos, float)
    if not len(pt) or not np.isfinite(critical):
        return float("nan")
    return float(critical + np.quantile(pt, 2 * power - 1 if power > 0.5 else 0.0))


def invert_test(
    pvalue: Callable[[float], float],
    center: float,
    step: float,
    alpha: float,
    *,
    iterations: int = 60,
    rel_tol: float = 0.0,
) -> tuple[float, float]:
    """``(low, high)``: where ``pvalue(b)`` crosses ``alpha`` below and above ``center`` (the estimate).

    From ``center ± step`` the search doubles the distance until the test rejects (at most 60 doublings),
    then bisects ``iterations`` times, or until the bracket is narrower than ``rel_tol × max(1, |center|)``.
    """
    step = max(step, 1e-8)

    def bound(direction: int) -> float:
        inside, outside = center, center + direction * step
        k = 0
        while pvalue(outside) > alpha and k < 60:
            inside, outside = outside, center + direction * step * 2 ** (k + 1)
            k += 1
        for _ in range(iterations):
            mid = (inside + outside) / 2
            if pvalue(mid) > alpha:
                inside = mid
            else:
                outside = mid
            if rel_tol and abs(outside - inside) < rel_tol * max(1.0, abs(center)):
                break
        return (inside + outside) / 2

    return bound(-1), bound(+1)
