"""Inference when the treatment is assigned to one or a few clusters.

Pergub 19/2023 is assigned to one province. Its 10 kab/kota share every province-wide shock (a provincial
budget cycle, a BPJS TK office campaign, a commodity price), so they are *one* independent observation of the
policy, not ten: CR1 standard errors clustered by kab/kota, or a wild bootstrap over kab/kota, treat a Kaltim-wide
shock as if it were the effect and reject a true null far too often (30–44% at a nominal 5% in our simulation,
``benchmarks/few_treated_size.py``). This module implements the residual-based approach of **Conley & Taber
(2011)**, "Inference with 'difference in differences' with a small number of policy changes", *REStat* 93(1),
with the studentisation **Ferman & Pinto (2019)**, *REStat* 101(3), propose for heteroskedastic clusters (a
cluster averaging ten kab/kota is less noisy than a single province):

1. Estimate on the whole panel: the statistics ``b = R·β̂`` (the treatment coefficient, event-time
   coefficients, their post-period mean …) and their linear weights on the outcome (``b = ℓ'y``).
2. The scale of each assignment cluster ``c``: the residuals of the two-way fixed-effects model fitted on the
   periods before any cluster is treated, averaged over the cluster's units per period (ē_ct), and
   ``s_c = sqrt(Σ_t ē_ct² / (T_pre − 1))``.
3. The standard error of a statistic when clusters ``A`` are treated: ``se = sqrt(Σ_{c∈A} s_c² Σ_t (Σ_{i∈c} ℓ_it)²)``
   — exact when the errors of a cluster's units share one shock per period, as a province-wide shock does.
4. Placebos: without the treated clusters, each untreated cluster in turn (random sets of ``k`` when ``k``
   clusters are treated) receives the treated clusters' treatment (``reassign``), and ``t_A = b_A / se_A``.
5. ``p = (1 + #{|t_A| ≥ |t|}) / (1 + m)`` for ``m`` placebos; the interval ``b ± se·q`` with ``q`` the
   ``⌈(1 − α)(m + 1)⌉``-th smallest ``|t_A|``. With ``m`` placebos only levels ``j/(m + 1)`` are attainable: the
   level actually used is reported (``ci_level``), and the interval is unbounded when ``(1 − α)(m + 1) > m``.

Assumptions: after scaling by ``s_c``, the treated cluster's errors are drawn from the same distribution as the
untreated clusters' (no other province-specific break at the policy date); no spill-over into the comparison
clusters; the error scale is the same before and after the start. A 5% test needs at least 19 untreated
clusters (the smallest p-value is ``1/(m + 1)``). Power is that of one treated cluster: the minimum detectable
effect is about ``(q_{1−α} + q_{power}) · se`` in the placebo distribution (:func:`FewTreated.mde`); it is
reported beside every estimate rather than hidden behind a narrow interval.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .inference import placebo_critical, placebo_mde, rank_pvalue
from .panel import codes, demean

__all__ = ["FewTreated", "assignment_inference"]

#: ``design(frame) -> (X, R, names)``: the regressors of ``frame`` (n × p, before fixed effects are removed), the
#: rows of ``R`` (q × p) picking the statistics and their names. Regressors constant for every row are dropped.
Design = Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray, list]]
#: ``reassign(frame, clusters) -> frame``: ``frame`` (untreated clusters only) with the treatment given to the
#: units of ``clusters`` (a tuple of cluster labels), everything else untreated.
Reassign = Callable[[pd.DataFrame, tuple], pd.DataFrame]


@dataclass
class FewTreated:
    """Assignment-level inference for the statistics ``names``: ``estimate``, ``se`` (the studentising scale),
    ``pvalue``, ``ci_low``/``ci_high`` at ``ci_level`` (the level attainable with ``placebos`` draws),
    ``placebo_t`` (placebos × statistics) and the cluster scales ``scale`` (Series by cluster)."""

    names: list
    estimate: np.ndarray
    se: np.ndarray
    placebo_t: np.ndarray = field(repr=False)
    alpha: float
    treated_clusters: tuple
    scale: pd.Series = field(repr=False)

    @property
    def placebos(self) -> int:
        return int(self.placebo_t.shape[0])

    @property
    def t(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.estimate / self.se

    def _abs_placebos(self, j: int) -> np.ndarray:
        """|t_A| of statistic ``j`` over the placebos that could be estimated."""
        pt = self.placebo_t[:, j]
        return np.abs(pt[np.isfinite(pt)])

    @property
    def pvalue(self) -> np.ndarray:
        """``(1 + #{|t_A| ≥ |t|}) / (1 + m)`` per statistic (placebos without a value are left out)."""
        t = self.t
        return np.array(
            [
                rank_pvalue(abs(t[j]), self._abs_placebos(j), tol=1e-12) if np.isfinite(t[j]) else np.nan
                for j in range(len(self.names))
            ]
        )

    def critical(self, alpha: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(q, level)`` per statistic: the ``⌈(1 − α)(m + 1)⌉``-th smallest ``|t_A|`` and the level it gives
        (``inf`` and 1.0 when the placebos are too few for that level)."""
        alpha = self.alpha if alpha is None else alpha
        q, level = zip(*(placebo_critical(self._abs_placebos(j), alpha) for j in range(len(self.names))))
        return np.array(q), np.array(level)

    def conf_int(self, alpha: float | None = None) -> pd.DataFrame:
        """Interval ``estimate ± se·q`` per statistic with the level actually attained (``level``)."""
        q, level = self.critical(alpha)
        return pd.DataFrame(
            {
                "name": self.names,
                "ci_low": self.estimate - self.se * q,
                "ci_high": self.estimate + self.se * q,
                "level": level,
            }
        )

    def mde(self, power: float = 0.8, alpha: float | None = None) -> np.ndarray:
        """Minimum detectable effect per statistic at ``power`` (:func:`.inference.placebo_mde` times ``se``)."""
        q, _ = self.critical(alpha)
        return np.array([placebo_mde(self._abs_placebos(j), q[j], power) * self.se[j] for j in range(len(self.names))])

    def tidy(self) -> pd.DataFrame:
        ci = self.conf_int()
        return pd.DataFrame(
            {
                "name": self.names,
                "estimate": self.estimate,
                "se": self.se,
                "pvalue": self.pvalue,
                "ci_low": ci["ci_low"],
                "ci_high": ci["ci_high"],
                "ci_level": ci["level"],
                "mde": self.mde(),
                "placebos": self.placebos,
            }
        )


def _fit(frame: pd.DataFrame, outcome: str, unit: str, time: str, design: Design, weights: str | None):
    """``(b, ℓ, names)``: the statistics and their weights on the outcome (q × n) for ``frame``."""
    X, R, names = design(frame)
    u, _ = codes(frame[unit])
    t, _ = codes(frame[time])
    w = frame[weights].to_numpy(float) if weights else np.ones(len(frame))
    dm = demean(np.column_stack([frame[outcome].to_numpy(float), X]), [u, t], w)
    y, Xd = dm[:, 0], dm[:, 1:]
    keep = np.abs(Xd).max(axis=0) > 1e-10  # absorbed by the fixed effects
    Xd, R = Xd[:, keep], R[:, keep]
    live = np.abs(R).sum(axis=1) > 0
    R, names = R[live], [n for n, ok in zip(names, live) if ok]
    XtX = Xd.T @ (Xd * w[:, None])
    if Xd.shape[1] == 0 or np.linalg.matrix_rank(XtX) < Xd.shape[1]:
        raise ValueError("the regressors are collinear with each other or with the fixed effects")
    L = R @ np.linalg.solve(XtX, (Xd * w[:, None]).T)  # statistics' weights on y
    return L @ y, L, names


def _se(L: np.ndarray, frame: pd.DataFrame, cluster: str, time: str, clusters: tuple, scale: pd.Series) -> np.ndarray:
    """``sqrt(Σ_{c∈A} s_c² Σ_t (Σ_{i∈c} ℓ_it)²)`` for each statistic (rows of ``L``)."""
    var = np.zeros(L.shape[0])
    t, _ = codes(frame[time])
    for c in clusters:
        rows = (frame[cluster] == c).to_numpy()
        sums = np.vstack([np.bincount(t[rows], weights=L[j, rows]) for j in range(L.shape[0])])
        var += scale[c] ** 2 * (sums**2).sum(axis=1)
    return np.sqrt(var)


def cluster_scales(
    frame: pd.DataFrame, outcome: str, unit: str, time: str, cluster: str, pre: np.ndarray, weights: str | None = None
) -> pd.Series:
    """``s_c``: root mean square (T_pre − 1 divisor) of each cluster's two-way-FE residual in the rows ``pre``,
    fitted on the cluster-by-period means with every cluster counted once: were the units counted, a cluster of
    ten kab/kota would pull the period effects towards its own shocks and its scale would come out too small."""
    d = frame[pre]
    periods = d[time].nunique()
    if periods < 3:
        raise ValueError(
            f"assignment-level inference needs at least 3 periods before the treatment starts; the panel has {periods}"
        )
    w = d[weights].to_numpy(float) if weights else np.ones(len(d))
    per = (
        pd.DataFrame(
            {"c": d[cluster].to_numpy(), "t": d[time].to_numpy(), "yw": d[outcome].to_numpy(float) * w, "w": w}
        )
        .groupby(["c", "t"], sort=True)
        .sum()
        .reset_index()
    )
    c, _ = codes(per["c"])
    t, _ = codes(per["t"])
    resid = demean((per["yw"] / per["w"]).to_numpy(float), [c, t])[:, 0]
    return (
        pd.Series(resid**2, index=per["c"].to_numpy()).groupby(level=0).sum().pipe(lambda v: np.sqrt(v / (periods - 1)))
    )


def assignment_inference(
    frame: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cluster: str,
    treated: np.ndarray,
    design: Design,
    reassign: Reassign,
    *,
    weights: str | None = None,
    alpha: float = 0.05,
    B: int = 999,
    seed: int = 0,
) -> FewTreated:
    """Conley–Taber / Ferman–Pinto inference (module docstring) for the statistics of ``design``.

    ``treated`` marks the rows under treatment (a nonzero treatment or dose); the clusters holding such rows are
    the treated clusters. With ``k`` treated clusters and ``J`` untreated ones, every set of ``k`` untreated
    clusters is a placebo when there are at most ``B`` such sets, else ``B`` random sets (seed ``seed``)."""
    treated = np.asarray(treated, bool)
    treated_clusters = tuple(sorted(pd.unique(frame.loc[treated, cluster])))
    controls = [c for c in sorted(pd.unique(frame[cluster])) if c not in treated_clusters]
    k = len(treated_clusters)
    if k == 0:
        raise ValueError("no row is treated: nothing to test")
    if len(controls) < k:
        raise ValueError(f"{k} treated clusters and only {len(controls)} untreated ones: no placebo is possible")
    treated_periods = set(frame.loc[treated, time])
    pre = ~frame[time].isin(treated_periods).to_numpy()
    scale = cluster_scales(frame, outcome, unit, time, cluster, pre, weights)
    if (scale.reindex(treated_clusters).fillna(0) <= 0).any():
        raise ValueError("a treated cluster has no residual variation before the start: its scale is zero")
    b, L, names = _fit(frame, outcome, unit, time, design, weights)
    se = _se(L, frame, cluster, time, treated_clusters, scale)
    base = frame[frame[cluster].isin(controls)].reset_index(drop=True)
    n_sets = math.comb(len(controls), k)
    if n_sets <= B:
        sets = list(itertools.combinations(controls, k))
    else:
        rng = np.random.default_rng(seed)
        sets = [tuple(rng.choice(controls, size=k, replace=False)) for _ in range(B)]
    placebo = np.full((len(sets), len(names)), np.nan)
    for i, chosen in enumerate(sets):
        fake = reassign(base, chosen)
        try:
            b_a, L_a, names_a = _fit(fake, outcome, unit, time, design, weights)
        except ValueError:  # this placebo cannot be estimated: it is left out
            continue
        se_a = _se(L_a, fake, cluster, time, chosen, scale)
        pos = {n: j for j, n in enumerate(names_a)}
        for j, n in enumerate(names):
            if n in pos and se_a[pos[n]] > 0:
                placebo[i, j] = b_a[pos[n]] / se_a[pos[n]]
    return FewTreated(names, b, se, placebo, alpha, treated_clusters, scale)


def mean_path_reassign(treat: str, time: str, cluster: str, path: pd.Series) -> Reassign:
    """A :data:`Reassign` giving every unit of the chosen clusters the treated clusters' mean treatment ``path``
    (a Series by period) and every other unit zero."""

    def reassign(frame: pd.DataFrame, chosen: tuple) -> pd.DataFrame:
        on = frame[cluster].isin(chosen)
        return frame.assign(**{treat: np.where(on, frame[time].map(path).fillna(0.0).to_numpy(float), 0.0)})

    return reassign
