"""Panel helpers shared by the estimators: period indices, fixed-effect demeaning, cluster covariance."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..core.months import month_numbers


def period_index(values: pd.Series, zero_is_missing: bool = False) -> np.ndarray:
    """Integer period index: months (year × 12 + month − 1) for datetimes/periods, the values for integers.

    Missing values become ``NaN``; with ``zero_is_missing`` so do zeros (``first_treated`` = 0 means
    "never treated").
    """
    s = pd.Series(values)
    if isinstance(s.dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(s):
        return month_numbers(s)
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        return month_numbers(s.where(~s.isin(["0", "", None])))
    out = np.array(pd.to_numeric(s, errors="coerce"), dtype="float64")
    if zero_is_missing:
        out[out == 0] = np.nan
    return out


def demean(
    arrays: np.ndarray,
    groups: list[np.ndarray],
    weights: np.ndarray | None = None,
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> np.ndarray:
    """Remove the fixed effects ``groups`` (integer codes) from each column of ``arrays``.

    Alternating projections (the method of fixest/reghdfe); exact in one pass for a balanced,
    unweighted two-way panel. ``weights`` are analytic weights.
    """
    x = np.array(arrays, dtype="float64", copy=True)
    if x.ndim == 1:
        x = x[:, None]
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype="float64")
    sums_w = [np.bincount(g, weights=w) for g in groups]
    scale = np.maximum(np.abs(x).max(axis=0), 1.0)
    for _ in range(max_iter):
        change = 0.0
        for g, sw in zip(groups, sums_w):
            means = np.vstack([np.bincount(g, weights=w * x[:, j]) for j in range(x.shape[1])]).T / sw[:, None]
            x -= means[g]
            change = max(change, float((np.abs(means).max(axis=0) / scale).max()))
        if change < tol or len(groups) == 1:
            break
    return x


def codes(values) -> tuple[np.ndarray, int]:
    """Integer codes 0..k−1 of a column and k."""
    c, uniques = pd.factorize(pd.Series(values), sort=True)
    return c.astype(np.int64), len(uniques)


def cluster_meat(scores: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Σ_g s_g s_g' with s_g the per-cluster sums of the score rows."""
    k = scores.shape[1]
    sums = np.vstack([np.bincount(clusters, weights=scores[:, j]) for j in range(k)]).T
    return sums.T @ sums


def ols_cluster(y: np.ndarray, X: np.ndarray, clusters: np.ndarray, weights: np.ndarray | None, k_extra: int):
    """OLS on (already demeaned) data with CR1 cluster-robust covariance.

    CR1 = G/(G−1) · (N−1)/(N−K) with K = columns of ``X`` + ``k_extra`` (fixed effects counted).
    Returns ``beta, vcov, residuals, G``.
    """
    w = np.ones(len(y)) if weights is None else weights
    Xw = X * w[:, None]
    bread = np.linalg.inv(X.T @ Xw)
    beta = bread @ (Xw.T @ y)
    resid = y - X @ beta
    G = int(clusters.max()) + 1
    meat = cluster_meat(Xw * resid[:, None], clusters)
    n, k = X.shape[0], X.shape[1] + k_extra
    adj = G / (G - 1) * (n - 1) / (n - k)
    return beta, adj * bread @ meat @ bread, resid, G


def t_interval(est: float, se: float, df: int, alpha: float = 0.05) -> tuple[float, float, float]:
    """CI and two-sided p-value from a t distribution with ``df`` degrees of freedom."""
    if not np.isfinite(se) or se <= 0:
        return float("nan"), float("nan"), float("nan")
    q = stats.t.ppf(1 - alpha / 2, df)
    p = 2 * stats.t.sf(abs(est / se), df)
    return est - q * se, est + q * se, float(p)


def check_panel_input(
    d: pd.DataFrame, unit: str, time: str, weights: str | None = None, cluster: str | None = None
) -> None:
    """Refuse, in words, the panels the estimators would otherwise turn into silent garbage: a unit listed twice
    in a period, weights that are not finite and positive, fewer than two clusters."""
    dup = d.duplicated([unit, time])
    if dup.any():
        row = d.loc[dup].iloc[0]
        raise ValueError(
            f"unit {row[unit]!r} appears more than once in period {row[time]!r}: one row per unit and period is needed"
        )
    if weights is not None:
        w = pd.to_numeric(d[weights], errors="coerce").to_numpy(float)
        if not np.isfinite(w).all() or (w <= 0).any():
            raise ValueError(f"weights '{weights}' must be finite and positive (drop the rows to leave out)")
    n_clusters = d[cluster or unit].nunique()
    if n_clusters < 2:
        raise ValueError(f"{n_clusters} cluster: standard errors need at least two clusters")


def period_of(value) -> float:
    """One time value on the scale of :func:`period_index` (a number stays as it is)."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    return float(period_index(pd.Series([value]))[0])


def wide_outcomes(
    df: pd.DataFrame, outcome: str, unit: str, time: str, treatment_time, treated: list, design: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """``(wide, pre, times)`` for the designs that match one unit's path (synthetic control, synthetic DiD,
    conformal inference): units × periods in period order (so the pre-periods come first), the pre-treatment
    mask, the original time labels.

    Refuses, naming ``design``: an unbalanced panel, a treated unit not in the panel, fewer than two pre-periods
    or no post-period."""
    d = df.dropna(subset=[outcome]).copy()
    d["_t"] = period_index(d[time])
    t0 = period_of(treatment_time)
    wide = d.pivot_table(index=unit, columns="_t", values=outcome, aggfunc="first")
    if wide.isna().any().any():
        raise ValueError(f"{design} needs every unit observed in every period (a balanced panel)")
    missing = [u for u in treated if u not in wide.index]
    if missing:
        raise KeyError(f"treated unit {missing[0]!r} not in column {unit!r}")
    pre = wide.columns.to_numpy() < t0
    if pre.sum() < 2 or pre.all():
        raise ValueError(f"{design} needs at least two pre-treatment periods and one post-treatment period")
    times = d.drop_duplicates("_t").set_index("_t").sort_index()[time].to_numpy()
    return wide, pre, times
