"""Randomization (permutation) inference for few clusters.

The treatment path of each unit is reassigned to another unit at random (or all assignments when
there are few), the TWFE coefficient recomputed, and the p-value is the share of assignments with an
estimate at least as large in absolute value. The CI inverts the test for constant additive effects
τ: under H0 the adjusted outcome ``y − τ·treat`` has no effect (Imbens & Rubin 2015, ch. 5).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .inference import invert_test
from .panel import codes, demean


def permutation_twfe(d: pd.DataFrame, outcome: str, unit: str, time: str, treat: str, covariates, w, alpha: float,
                     B: int, seed: int):
    u, n_u = codes(d[unit])
    t, n_t = codes(d[time])
    wide = pd.DataFrame({"u": u, "t": t, "d": d[treat].to_numpy(float)}).pivot(index="u", columns="t", values="d")
    if wide.isna().any().any():
        raise ValueError("randomization inference needs a balanced panel")
    paths = wide.to_numpy()
    rng = np.random.default_rng(seed)
    perms = [np.arange(n_u)] + [rng.permutation(n_u) for _ in range(B)]  # identity first: the observed data
    y = d[outcome].to_numpy(float)
    Z = d[list(covariates)].to_numpy(float) if covariates else None
    x_obs = paths[u, t]
    Xs = np.column_stack([paths[p][u, t] for p in perms])  # permuted treatments, one column each
    base = np.column_stack([y, x_obs] + ([Z] if Z is not None else []))
    dm = demean(np.column_stack([base, Xs]), [u, t], w)
    yt, xo = dm[:, 0], dm[:, 1]
    k = 2 + (Z.shape[1] if Z is not None else 0)
    Zt = dm[:, 2:k]
    Xp = dm[:, k:]
    if Zt.shape[1]:
        coef = lambda v: np.linalg.lstsq(Zt, v, rcond=None)[0]  # noqa: E731
        yt = yt - Zt @ coef(yt)
        xo = xo - Zt @ coef(xo)
        Xp = Xp - Zt @ np.linalg.lstsq(Zt, Xp, rcond=None)[0]
    sxx = (Xp**2).sum(axis=0)
    b_perm = Xp.T @ yt / sxx  # β_π(0)
    c_perm = Xp.T @ xo / sxx  # how much of the observed treatment each permuted one picks up
    b_obs = float(xo @ yt / (xo @ xo))

    def pvalue(tau: float) -> float:
        stat = np.abs(b_perm - tau * c_perm)
        return float(np.mean(stat >= abs(b_obs - tau) - 1e-12))

    p0 = pvalue(0.0)
    spread = np.std(b_perm[1:]) if len(b_perm) > 2 else abs(b_obs)

    lo, hi = invert_test(pvalue, b_obs, spread, alpha, iterations=60)
    return p0, lo, hi, len(perms)
