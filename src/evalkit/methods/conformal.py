"""Conformal inference for the synthetic control (Chernozhukov, Wüthrich & Zhu 2021, JASA 116(536)).

Under the null of a constant effect ``θ`` in every post-period, subtract ``θ`` from the treated unit's post-period
outcomes, fit the synthetic-control weights on *all* periods (the null makes the post-periods usable), and take the
residuals ``u_t``. If the residuals are exchangeable over time (stationary, weakly dependent), their moving-block
permutations — the cyclic shifts ``t ↦ t + j (mod T)`` — are as likely as the observed order; the p-value is the
share of shifts whose post-period statistic ``S_q(u) = (T_post^{-1/2} Σ_post |u_t|^q)^{1/q}`` is at least the
observed one. The interval for ``θ`` is the set of nulls not rejected (test inversion). Its resolution is ``1/T``.

Assumptions, in words: the synthetic control fits the treated unit's path under the null in all periods alike, and
the misfit has no trend or break of its own. Valid with one treated unit and without placebo donors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .inference import invert_test
from .panel import wide_outcomes
from .result import Estimate
from .simplex import simplex_weights


def block_pvalue(residuals: np.ndarray, post: np.ndarray, q: float = 1.0) -> float:
    """Share of the ``T`` cyclic shifts of ``residuals`` whose post-period ``S_q`` is at least the observed one."""
    u = np.abs(np.asarray(residuals, float)) ** q
    T, n_post = len(u), int(post.sum())
    observed = (u[post].sum() / np.sqrt(n_post)) ** (1 / q)
    shifted = np.array([(np.roll(u, -j)[post].sum() / np.sqrt(n_post)) ** (1 / q) for j in range(T)])
    return float(np.mean(shifted >= observed - 1e-12 * max(1.0, observed)))


def null_pvalue(y1: np.ndarray, Y0: np.ndarray, post: np.ndarray, theta: float = 0.0, q: float = 1.0) -> float:
    """The conformal p-value of "the effect is ``theta`` in every post-period": the treated path ``y1`` minus the
    null effect, matched by the donors ``Y0`` (periods × donors) on all periods, residuals ranked among their
    cyclic shifts (:func:`block_pvalue`)."""
    y = y1 - theta * post
    return block_pvalue(y - Y0 @ simplex_weights(y, Y0), post, q)


def conformal_synth(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated,
    treatment_time,
    *,
    donors: list | None = None,
    alpha: float = 0.05,
    q: float = 1.0,
) -> Estimate:
    """Average post-period effect of ``treated`` with the conformal p-value (null: no effect) and interval.

    ``estimate`` is the mean post-period gap of the synthetic control fitted on the pre-period; ``info`` holds the
    attained resolution (``1/T``) and the number of periods.
    """
    wide, pre, _ = wide_outcomes(df, outcome, unit, time, treatment_time, [treated], "conformal inference")
    pool = [u for u in (donors if donors is not None else wide.index) if u != treated]
    post = ~pre
    y1 = wide.loc[treated].to_numpy(float)
    Y0 = wide.loc[pool].to_numpy(float).T

    def pvalue(theta: float) -> float:
        return null_pvalue(y1, Y0, post, theta, q)

    gap = y1 - Y0 @ simplex_weights(y1[pre], Y0[pre])  # the synthetic control fitted on the pre-period
    estimate = float(gap[post].mean())
    spread = float(np.std(gap[pre])) or 1.0
    p0 = pvalue(0.0)
    if pvalue(estimate) <= alpha:  # even the point estimate is rejected: the constant-effect model misfits
        lo = hi = float("nan")
    else:
        lo, hi = invert_test(pvalue, estimate, spread, alpha, iterations=40, rel_tol=1e-3)
    return Estimate(
        estimate,
        float("nan"),
        lo,
        hi,
        p0,
        int(wide.size),
        "Synthetic control (conformal inference)",
        {"periods": len(y1), "resolution": 1 / len(y1), "q": q, "ci_level": 1 - alpha},
        1 - alpha,
    )
