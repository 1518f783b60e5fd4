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

**Persistent shocks.** A province whose shocks persist (a resource economy: Kaltim) has a far larger variance of a
post-minus-pre mean than its month-to-month spread suggests, and studentising by the per-period ``s_c`` alone lets
such a treated province reject a true null in almost half of 5% tests (#33). Each cluster's shocks are therefore
modelled as a stationary AR(1), read from its pre-period residuals: the persistence ``ρ_c`` is the one at which the
observed lag-1 autocorrelation is the lower :data:`RHO_QUANTILE` quantile of what a demeaned AR(1) of that length
shows (simulated once per length) — demeaning biases the plain estimate towards zero, and a short pre-period cannot
tell 0.8 from 0.95, so the larger persistence the data allow is taken; the stationary variance ``γ_c`` is ``s_c²``
corrected for the demeaning at that ``ρ_c``. The standard error becomes ``sqrt(Σ_{c∈A} γ_c · a_c' P(ρ_c) a_c)`` with
``a_c`` the statistic's weights summed over the cluster's units per period and ``P(ρ)_{ts} = ρ^{|t−s|}``: the
long-run (HAC) variance of the statistic under the cluster's own persistence. Every placebo is studentised the same
way by its own cluster's ``ρ`` and ``γ``. Measured (``benchmarks/few_treated_size.py``): a treated province with
``ρ = 0.95`` and twice the shock sd against controls with ``ρ = 0.5`` — size from 45% to under 8%; the price is power
with homogeneous provinces. With fewer than :data:`MIN_PRE_PERSISTENCE` pre-period periods persistence is not
estimated (``ρ = 0``: the per-period scale, said in ``FewTreated.long_run``).

Assumptions: after scaling by ``s_c``, the treated cluster's errors are drawn from the same distribution as the
untreated clusters' (no other province-specific break at the policy date); no spill-over into the comparison
clusters; the error scale is the same before and after the start. A 5% test needs at least 19 untreated
clusters (the smallest p-value is ``1/(m + 1)``). Power is that of one treated cluster: the minimum detectable
effect is about ``(q_{1−α} + q_{power}) · se`` in the placebo distribution (:func:`FewTreated.mde`); it is
reported beside every estimate rather than hidden behind a narrow interval.
"""

from __future__ import annotations

import functools
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
    #: each cluster's AR(1) persistence of its pre-period shocks (0 when not estimated)
    persistence: pd.Series | None = field(default=None, repr=False)
    #: studentised by each cluster's long-run variance (False: the pre-period was too short to estimate it)
    long_run: bool = False

    def diagnostic(self) -> dict[str, float]:
        """The treated clusters' pre-period shocks against the controls': persistence (treated mean, controls'
        median) and spread (treated mean per-period sd over the controls' median)."""
        rho = self.persistence if self.persistence is not None else pd.Series(0.0, index=self.scale.index)
        treated = list(self.treated_clusters)
        controls = [c for c in self.scale.index if c not in treated]
        return {
            "treated_rho": float(rho.reindex(treated).mean()),
            "control_rho_median": float(rho.reindex(controls).median()),
            "treated_sd_ratio": float(self.scale.reindex(treated).mean() / self.scale.reindex(controls).median()),
        }

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


def _ar_matrix(n: int, rho: float) -> np.ndarray:
    """``P(ρ)``: the autocorrelations ``ρ^{|t−s|}`` of a stationary AR(1) over ``n`` consecutive periods."""
    idx = np.arange(n)
    return rho ** np.abs(idx[:, None] - idx[None, :]).astype(float)


def _se(
    L: np.ndarray, frame: pd.DataFrame, cluster: str, time: str, clusters: tuple, noise: pd.DataFrame
) -> np.ndarray:
    """``sqrt(Σ_{c∈A} γ_c · a_c' P(ρ_c) a_c)`` for each statistic (rows of ``L``), ``a_c`` the statistic's weights
    summed over cluster ``c``'s units per period (``noise``: ``var0`` and ``rho`` by cluster; with ``ρ = 0`` this
    is ``s_c² Σ_t a_ct²``)."""
    var = np.zeros(L.shape[0])
    t, _ = codes(frame[time])
    n_t = int(t.max()) + 1
    for c in clusters:
        rows = (frame[cluster] == c).to_numpy()
        sums = np.vstack([np.bincount(t[rows], weights=L[j, rows], minlength=n_t) for j in range(L.shape[0])])
        rho = float(noise.at[c, "rho"])
        quad = (sums**2).sum(axis=1) if rho == 0 else np.einsum("jt,ts,js->j", sums, _ar_matrix(n_t, rho), sums)
        var += float(noise.at[c, "var0"]) * quad
    return np.sqrt(var)


#: fewer periods before the start than this: persistence is not estimated (the per-period scale is used)
MIN_PRE_PERSISTENCE = 12
#: the largest persistence estimated (a unit root has no stationary variance)
MAX_RHO = 0.98


def _demeaned_moments(rho: float, n: int) -> tuple[float, float]:
    """For a stationary AR(1) with persistence ``rho`` and unit variance, demeaned over ``n`` periods:
    ``(E Σ ẽ_t ẽ_{t−1} / E Σ ẽ_t², E Σ ẽ_t² / (n − 1))`` — the lag-1 autocorrelation the demeaned series shows on
    average and the share of the stationary variance its sample variance keeps."""
    M = np.eye(n) - 1.0 / n
    MPM = M @ _ar_matrix(n, rho) @ M
    total = float(np.trace(MPM))
    return float(np.trace(MPM[1:, :-1])) / total, total / (n - 1)


#: the grid of persistences the lag-1 autocorrelation is read against, and the simulated series per grid point
_RHO_GRID = np.linspace(0.0, MAX_RHO, 50)
_DRAWS = 400
#: the quantile of the simulated lag-1 autocorrelation the observed one is matched to: below the median, so that a
#: persistence the pre-period cannot tell apart from the estimate is taken rather than the smaller one (#33)
RHO_QUANTILE = 0.15


@functools.lru_cache(maxsize=16)
def _lag1_quantiles(n: int, quantile: float) -> np.ndarray:
    """For each persistence of :data:`_RHO_GRID`: the ``quantile`` of the lag-1 autocorrelation a stationary
    AR(1) of that persistence shows once demeaned over ``n`` periods (simulated, fixed seed: reproducible)."""
    rng = np.random.default_rng(20_231_019)
    eps = rng.normal(size=(_DRAWS, n))
    out = []
    for rho in _RHO_GRID:
        e = np.empty_like(eps)
        e[:, 0] = eps[:, 0]
        for t in range(1, n):
            e[:, t] = rho * e[:, t - 1] + np.sqrt(1 - rho**2) * eps[:, t]
        e -= e.mean(axis=1, keepdims=True)
        r = (e[:, 1:] * e[:, :-1]).sum(axis=1) / (e * e).sum(axis=1)
        out.append(np.quantile(r, quantile))
    return np.maximum.accumulate(np.array(out))


def _persistence(resid: np.ndarray) -> tuple[float, float]:
    """``(ρ, γ)`` of one cluster's demeaned residual series: the persistence at which the
    observed lag-1 autocorrelation is the :data:`RHO_QUANTILE` quantile of what that persistence shows (the plain
    estimate is biased towards zero by the demeaning and, at high persistence, very noisy), and the stationary
    variance ``γ`` the sample variance implies at it."""
    den = float(resid @ resid)
    observed = float(resid[1:] @ resid[:-1]) / den if den > 0 else 0.0
    n = len(resid)
    q = _lag1_quantiles(n, RHO_QUANTILE)
    rho = float(np.interp(observed, q, _RHO_GRID)) if observed > q[0] else 0.0
    return rho, den / (n - 1) / _demeaned_moments(rho, n)[1]


def pre_residuals(
    frame: pd.DataFrame, outcome: str, time: str, cluster: str, pre: np.ndarray, weights: str | None = None
) -> pd.DataFrame:
    """Each cluster's two-way-FE residual per period in the rows ``pre`` (periods × clusters, in order), fitted on
    the cluster-by-period means with every cluster counted once: were the units counted, a cluster of ten kab/kota
    would pull the period effects towards its own shocks and its scale would come out too small."""
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
    return per.assign(resid=resid).pivot(index="t", columns="c", values="resid")


def cluster_noise(
    frame: pd.DataFrame, outcome: str, unit: str, time: str, cluster: str, pre: np.ndarray, weights: str | None = None
) -> pd.DataFrame:
    """Each cluster's shocks before the start: ``sd`` (the per-period scale ``s_c``), ``rho`` (persistence,
    :func:`_persistence`) and ``var0`` (the stationary variance the long-run standard error uses). With fewer than
    :data:`MIN_PRE_PERSISTENCE` pre-period periods persistence is not estimated: ``rho`` 0 and ``var0 = sd²``
    (``attrs["long_run"]`` says which)."""
    resid = pre_residuals(frame, outcome, time, cluster, pre, weights)
    sd = np.sqrt((resid**2).sum() / (len(resid) - 1)).rename(None)
    if len(resid) < MIN_PRE_PERSISTENCE:
        noise = pd.DataFrame({"sd": sd, "rho": 0.0, "var0": sd**2})
    else:
        fits = {c: _persistence(resid[c].to_numpy(float)) for c in resid.columns}
        noise = pd.DataFrame(
            {"sd": sd, "rho": {c: f[0] for c, f in fits.items()}, "var0": {c: f[1] for c, f in fits.items()}}
        )
    noise.attrs["long_run"] = len(resid) >= MIN_PRE_PERSISTENCE
    return noise


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
    noise = cluster_noise(frame, outcome, unit, time, cluster, pre, weights)
    scale = noise["sd"]
    if (scale.reindex(treated_clusters).fillna(0) <= 0).any():
        raise ValueError("a treated cluster has no residual variation before the start: its scale is zero")
    b, L, names = _fit(frame, outcome, unit, time, design, weights)
    se = _se(L, frame, cluster, time, treated_clusters, noise)
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
        se_a = _se(L_a, fake, cluster, time, chosen, noise)
        pos = {n: j for j, n in enumerate(names_a)}
        for j, n in enumerate(names):
            if n in pos and se_a[pos[n]] > 0:
                placebo[i, j] = b_a[pos[n]] / se_a[pos[n]]
    return FewTreated(names, b, se, placebo, alpha, treated_clusters, scale, noise["rho"], noise.attrs["long_run"])


def mean_path_reassign(treat: str, time: str, cluster: str, path: pd.Series) -> Reassign:
    """A :data:`Reassign` giving every unit of the chosen clusters the treated clusters' mean treatment ``path``
    (a Series by period) and every other unit zero."""

    def reassign(frame: pd.DataFrame, chosen: tuple) -> pd.DataFrame:
        on = frame[cluster].isin(chosen)
        return frame.assign(**{treat: np.where(on, frame[time].map(path).fillna(0.0).to_numpy(float), 0.0)})

    return reassign
