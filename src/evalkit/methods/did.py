"""Difference-in-differences: two-way fixed effects, event study, Callaway & Sant'Anna (2021).

All functions take a long DataFrame and column names. Time may be monthly datetimes or integers;
``first_treated`` uses the same unit (0, NaN or NaT = never treated).
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .few_treated import FewTreated, assignment_inference, mean_path_reassign
from .inference import rank_pvalue
from .panel import check_panel_input, codes, demean, ols_cluster, period_index, t_interval
from .result import Estimate
from .wild import WildBootstrap

__all__ = ["twfe", "event_study", "callaway_santanna", "EventStudyResult", "CallawaySantAnnaResult"]


def _prepare(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"columns not in the data: {', '.join(missing)}")
    return df.dropna(subset=[c for c in cols if c is not None]).reset_index(drop=True)


def _fe_design(d: pd.DataFrame, unit: str, time: str, cluster: str | None, small_sample: str):
    u, n_u = codes(d[unit])
    t, n_t = codes(d[time])
    cl_col = cluster or unit
    cl, _ = codes(d[cl_col])
    nested = (pd.DataFrame({"u": u, "c": cl}).groupby("u")["c"].nunique() == 1).all()
    if small_sample == "nested" and nested:
        k_fe = n_t  # unit effects nested in clusters are not counted (Stata xtreg/fixest convention)
    elif small_sample in ("nested", "all"):
        k_fe = n_u + n_t - 1
    else:
        raise ValueError("small_sample must be 'nested' or 'all'")
    return u, t, cl, k_fe


def twfe(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treat: str,
    *,
    cluster: str | None = None,
    weights: str | None = None,
    covariates=(),
    inference: str = "cluster",
    small_sample: str = "nested",
    alpha: float = 0.05,
    B: int | None = None,
    seed: int = 0,
    bootstrap_weights: str = "webb",
) -> Estimate:
    """Two-way fixed-effects regression ``y_it = a_i + d_t + β·treat_it + γ'covariates + e_it``.

    ``treat`` is 0/1 or a continuous dose. ``cluster`` defaults to ``unit``. ``weights`` are analytic
    weights. ``inference``:

    * ``"cluster"`` — CR1 standard errors (G/(G−1)·(N−1)/(N−K)); with ``small_sample="nested"`` K
      leaves out unit effects nested in the clusters (Stata, fixest), ``"all"`` counts every dummy
      (statsmodels OLS with dummies); t distribution with G−1 degrees of freedom.
    * ``"wild"`` — wild cluster bootstrap, null imposed, Webb weights, ``B`` draws (default 9999),
      seed ``seed``; p-value and CI by test inversion (se stays CR1).
    * ``"few_treated"`` — for a treatment assigned to one or a few clusters (``cluster`` = the level the policy
      is assigned at: the province for Pergub 19/2023): Conley & Taber (2011) placebos on the untreated
      clusters, studentised as Ferman & Pinto (2019) (:mod:`.few_treated`); ``se`` is the studentising scale,
      the CI has the level the placebos can give (``info["ci_level"]``), ``info["mde"]`` the minimum detectable
      effect at 80% power. ``"ri"`` is the same test (randomization inference at the assignment level with a
      studentised statistic).
    """
    cols = [outcome, unit, time, treat, *covariates] + ([weights] if weights else []) + ([cluster] if cluster else [])
    d = _prepare(df, list(dict.fromkeys(cols)))
    check_panel_input(d, unit, time, weights, cluster)
    if not (d[treat] != 0).any():
        raise ValueError(f"no observation is treated ('{treat}' is zero everywhere): there is no effect to estimate")
    u, t, cl, k_fe = _fe_design(d, unit, time, cluster, small_sample)
    w = d[weights].to_numpy(float) if weights else None
    raw = d[[outcome, treat, *covariates]].to_numpy(float)
    dm = demean(raw, [u, t], w)
    y, X = dm[:, 0], dm[:, 1:]
    if np.abs(X[:, 0]).max() < 1e-10:
        raise ValueError(
            f"'{treat}' is absorbed by the unit and time fixed effects (e.g. every unit treated at the "
            "same date): the effect is not identified"
        )
    beta, vcov, resid, G = ols_cluster(y, X, cl, w, k_fe)
    est, se = float(beta[0]), float(np.sqrt(vcov[0, 0]))
    n = len(d)
    lo, hi, p = t_interval(est, se, G - 1, alpha)
    info = {"clusters": G, "small_sample": small_sample}
    if inference == "cluster":
        method = "TWFE (CR1)"
    elif inference == "wild":
        # partial the covariates out of y and treat (FWL), then bootstrap the single coefficient
        wz = np.ones(n) if w is None else w
        Z = X[:, 1:]

        def partial_covariates(v: np.ndarray) -> np.ndarray:
            if not Z.shape[1]:
                return v
            return v - Z @ np.linalg.lstsq(Z * np.sqrt(wz)[:, None], v * np.sqrt(wz), rcond=None)[0]

        def project(v: np.ndarray) -> np.ndarray:  # M: remove the fixed effects, then the covariates
            return partial_covariates(demean(v, [u, t], w)[:, 0])

        yy, xx = partial_covariates(y), partial_covariates(X[:, 0])
        adj = G / (G - 1) * (n - 1) / (n - X.shape[1] - k_fe)
        B = B or 9999
        wb = WildBootstrap(yy, xx, cl, w, adj, B=B, seed=seed, kind=bootstrap_weights, project=project)
        p = wb.pvalue(0.0)
        lo, hi = wb.confint(alpha, se)
        method = "TWFE (wild cluster bootstrap)"
        info.update(B=B, seed=seed, weights=bootstrap_weights)
    elif inference in ("few_treated", "ri"):
        ft = twfe_assignment(d, outcome, unit, time, treat, cluster or unit, covariates, weights, alpha, B or 999, seed)
        se, p = float(ft.se[0]), float(ft.pvalue[0])
        ci = ft.conf_int()
        lo, hi = float(ci["ci_low"][0]), float(ci["ci_high"][0])
        method = "TWFE (few treated clusters: Conley-Taber placebos, studentised)"
        info = assignment_info(ft, cluster or unit)
    else:
        raise ValueError("inference must be 'cluster', 'wild', 'few_treated' or 'ri'")
    return Estimate(est, se, lo, hi, p, n, method, info, float(info.get("ci_level", 1 - alpha)))


def assignment_info(ft: FewTreated, cluster: str, j: int = 0) -> dict:
    """What an :class:`Estimate` records of assignment-level inference (statistic ``j``)."""
    return ft.diagnostic() | {
        "long_run": ft.long_run,
        "assignment_level": cluster,
        "treated_clusters": len(ft.treated_clusters),
        "clusters": len(ft.scale),
        "placebos": ft.placebos,
        "ci_level": float(ft.critical()[1][j]),
        "mde": float(ft.mde()[j]),
    }


def twfe_assignment(
    d: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treat: str,
    cluster: str,
    covariates,
    weights: str | None,
    alpha: float,
    B: int,
    seed: int,
) -> FewTreated:
    """:func:`~.few_treated.assignment_inference` for the TWFE coefficient of ``treat``: placebo clusters get the
    treated clusters' mean treatment path."""
    treated = (d[treat] != 0).to_numpy()
    treated_clusters = pd.unique(d.loc[treated, cluster])
    path = d[d[cluster].isin(treated_clusters)].groupby(time)[treat].mean()
    cols = [treat, *covariates]
    R = np.zeros((1, len(cols)))
    R[0, 0] = 1.0

    def design(frame: pd.DataFrame):
        return frame[cols].to_numpy(float), R, [treat]

    return assignment_inference(
        d,
        outcome,
        unit,
        time,
        cluster,
        treated,
        design,
        mean_path_reassign(treat, time, cluster, path),
        weights=weights,
        alpha=alpha,
        B=B,
        seed=seed,
    )


def _coefficients(ax, table: pd.DataFrame, x: str, post: np.ndarray) -> None:
    """Estimates of ``table`` at ``x`` with their intervals: before the start in grey, from it in blue."""
    for mask, color in ((~post, "#7f7f7f"), (post, "#1b6ca8")):
        ax.errorbar(
            table.loc[mask, x],
            table.loc[mask, "estimate"],
            yerr=[
                table.loc[mask, "estimate"] - table.loc[mask, "ci_low"],
                table.loc[mask, "ci_high"] - table.loc[mask, "estimate"],
            ],
            fmt="o",
            ms=3.5,
            color=color,
            capsize=2,
            lw=1,
        )


# --------------------------------------------------------------------------- event study
@dataclass
class EventStudyResult:
    """Dynamic TWFE: ``coefs`` (rel_time, estimate, se, ci_low, ci_high) and a joint pre-trend test."""

    coefs: pd.DataFrame
    pretrend: dict
    ref: int
    n_obs: int
    clusters: int
    vcov: np.ndarray = field(repr=False)
    post_mean: Estimate | None = None
    placebo: FewTreated | None = field(default=None, repr=False)

    def tidy(self) -> pd.DataFrame:
        return self.coefs.copy()

    def summary(self) -> str:
        pt = self.pretrend
        test = (
            f"largest pre-period |t| = {pt['max_t']:.3f} against {pt.get('placebos', 0)} placebos, "
            f"p = {pt['pvalue']:.4g}"
            if "max_t" in pt
            else f"F({pt['df1']}, {pt['df2']}) = {pt['F']:.3f}, p = {pt['pvalue']:.4g}"
        )
        return (
            f"Event study (TWFE, reference period {self.ref}, {self.clusters} clusters, n = {self.n_obs})\n"
            + self.coefs.to_string(index=False, float_format=lambda v: f"{v:.3f}")
            + f"\nPre-trend test ({test}); a low-power test: see sensitivity.relative_magnitude_sets"
            + ("" if self.post_mean is None else "\nPost mean: " + self.post_mean.summary())
        )

    def coefficient_covariance(self) -> tuple[list[int], np.ndarray]:
        """The event times (reference left out, earliest first) and the covariance of their coefficients that the
        inference chose: CR1 for ``inference="cluster"``; with few treated clusters, the second moment of the
        placebo clusters' coefficient paths, each studentised by its own cluster's noise and put on the treated
        clusters' scale (the Conley–Taber premise: the treated path's sampling error is drawn like a placebo's).
        The input of :func:`.sensitivity.relative_magnitude_sets`."""
        ks = [int(k) for k in self.coefs["rel_time"] if k != self.ref]
        if self.placebo is None:
            return ks, self.vcov
        cols = [self.placebo.names.index(k) for k in ks]
        paths = self.placebo.placebo_t[:, cols] * self.placebo.se[cols]
        paths = paths[np.all(np.isfinite(paths), axis=1)]
        if len(paths) < 2:
            raise ValueError("fewer than two placebo clusters could be estimated: no covariance of the path")
        return ks, paths.T @ paths / len(paths)

    def plot(self, ax=None, labels: dict | None = None):
        """The coefficients with their intervals (pre-period grey); ``labels``: ``xlabel``, ``ylabel``, ``title``."""
        import matplotlib.pyplot as plt

        lab = {"xlabel": "Periods relative to treatment", "ylabel": "Effect", "title": ""} | (labels or {})
        fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
        _coefficients(ax, self.coefs, "rel_time", (self.coefs["rel_time"] >= 0).to_numpy())
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(self.ref + 0.5, color="#c0392b", ls="--", lw=1)
        ax.set_xlabel(lab["xlabel"])
        ax.set_ylabel(lab["ylabel"])
        if lab["title"]:
            ax.set_title(lab["title"])
        return fig


def _event_dummies(
    d: pd.DataFrame, time: str, first_treated: str, ref: int, window: tuple[int, int] | None
) -> tuple[np.ndarray, list[int]]:
    """Event-time dummies (relative to ``first_treated``, ``ref`` omitted, binned at the window ends)."""
    rel = period_index(d[time]) - period_index(d[first_treated], zero_is_missing=True)
    if window is not None:
        rel = np.clip(rel, window[0], window[1])
    ks = sorted(int(k) for k in np.unique(rel[~np.isnan(rel)]) if int(k) != ref)
    return np.column_stack([(rel == k).astype(float) for k in ks]) if ks else np.zeros((len(d), 0)), ks


def _check_event_input(d: pd.DataFrame, time: str, first_treated: str) -> None:
    """Time and ``first_treated`` in one unit, constant within a unit, and some units never treated."""
    t_dates = pd.api.types.is_datetime64_any_dtype(d[time]) or isinstance(d[time].dtype, pd.PeriodDtype)
    f = d[first_treated]
    f_dates = pd.api.types.is_datetime64_any_dtype(f) or isinstance(f.dtype, pd.PeriodDtype)
    if f.notna().any() and t_dates != f_dates and not (f.dropna() == 0).all():
        raise ValueError(
            f"'{time}' and '{first_treated}' are in different units (one dates, the other numbers): "
            "give both as months or both as period numbers"
        )
    ft = period_index(f, zero_is_missing=True)
    if not np.isnan(ft).any():
        raise ValueError(
            "every unit is treated at some point: an event study needs never-treated units for the "
            "calendar-time effects"
        )


def event_study(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    first_treated: str,
    *,
    ref: int = -1,
    window: tuple[int, int] | None = None,
    cluster: str | None = None,
    alpha: float = 0.05,
    small_sample: str = "nested",
    inference: str = "cluster",
    post: tuple[int, int] | None = None,
    B: int = 999,
    seed: int = 0,
) -> EventStudyResult:
    """Dynamic TWFE with event-time dummies relative to ``first_treated`` (reference ``ref`` omitted).

    ``window=(lo, hi)`` bins event times beyond the window into the end points. Never-treated units
    (``first_treated`` 0/missing) have all dummies zero. ``post=(a, b)``: the event times ``a ≤ k < b`` whose
    mean is the headline (:attr:`EventStudyResult.post_mean`; default every k ≥ 0 inside the window).

    ``inference="cluster"``: CR1 by ``cluster`` (default ``unit``), t(G−1), and a Wald pre-trend test F(q, G−1).
    ``inference="few_treated"``: the treatment is assigned to ``cluster`` (one or a few treated clusters); every
    coefficient and the post mean get Conley–Taber placebo inference (:mod:`.few_treated`), and the pre-trend
    test compares the largest studentised pre-period coefficient with the placebos' (``pretrend["max_t"]``).
    A pre-trend test has low power: read :func:`.sensitivity.relative_magnitude_sets`, not its verdict.
    """
    if window is not None and not window[0] <= ref <= window[1]:
        raise ValueError(
            f"the reference event time ref={ref} lies outside window={tuple(window)}: the omitted period "
            "must be one the window shows (its binned end points would otherwise absorb it)"
        )
    d = _prepare(df, list(dict.fromkeys([outcome, unit, time] + ([cluster] if cluster else []))))
    check_panel_input(d, unit, time, None, cluster)
    _check_event_input(d, time, first_treated)
    D, ks = _event_dummies(d, time, first_treated, ref, window)
    if not ks:
        raise ValueError("no treated observations: first_treated is empty for every unit")
    u, t, cl, k_fe = _fe_design(d, unit, time, cluster, small_sample)
    dm = demean(np.column_stack([d[outcome].to_numpy(float), D]), [u, t])
    keep = np.abs(dm[:, 1:]).max(axis=0) > 1e-10  # event times absorbed by the fixed effects
    ks = [k for k, kp in zip(ks, keep) if kp]
    a, b = post if post is not None else (0, window[1] if window is not None else max(ks) + 1)
    mean_of = [k for k in ks if a <= k < b]
    if not mean_of:
        raise ValueError(f"no event time between {a} and {b - 1} can be estimated")
    beta, vcov, _, G = ols_cluster(dm[:, 0], dm[:, 1:][:, keep], cl, None, k_fe)
    vec = np.array([1.0 / len(mean_of) if k in mean_of else 0.0 for k in ks])
    pm = float(vec @ beta)
    pre = [i for i, k in enumerate(ks) if k < 0]
    if inference == "cluster":
        se = np.sqrt(np.diag(vcov))
        q = np.full(len(ks), stats.t.ppf(1 - alpha / 2, G - 1))
        pm_se = float(np.sqrt(vec @ vcov @ vec))
        lo, hi, p = t_interval(pm, pm_se, G - 1, alpha)
        post_mean = Estimate(
            pm,
            pm_se,
            lo,
            hi,
            p,
            len(d),
            "Event study (mean of post coefficients, CR1)",
            {"clusters": G, "months": len(mean_of)},
            1 - alpha,
        )
        if pre:
            bp, V = beta[pre], vcov[np.ix_(pre, pre)]
            wald = float(bp @ np.linalg.pinv(V) @ bp)
            F = wald / len(pre)
            pretrend = {
                "F": F,
                "df1": len(pre),
                "df2": G - 1,
                "pvalue": float(stats.f.sf(F, len(pre), G - 1)),
                "wald": wald,
            }
        else:
            pretrend = {"F": float("nan"), "df1": 0, "df2": G - 1, "pvalue": float("nan"), "wald": float("nan")}
        placebo = None
    elif inference == "few_treated":
        placebo = event_assignment(
            d, outcome, unit, time, first_treated, cluster or unit, ref, window, ks, mean_of, alpha, B, seed
        )
        pos = {n: j for j, n in enumerate(placebo.names)}
        se = np.array([placebo.se[pos[k]] for k in ks])
        qs, _ = placebo.critical()
        q = np.array([qs[pos[k]] for k in ks])
        j = pos["post_mean"]
        ci = placebo.conf_int()
        assigned = assignment_info(placebo, cluster or unit, j)
        post_mean = Estimate(
            pm,
            float(placebo.se[j]),
            float(ci["ci_low"][j]),
            float(ci["ci_high"][j]),
            float(placebo.pvalue[j]),
            len(d),
            "Event study (mean of post coefficients, few treated clusters: Conley-Taber placebos)",
            {"months": len(mean_of)} | assigned,
            float(assigned["ci_level"]),
        )
        pretrend = _pretrend_max_t(placebo, [ks[i] for i in pre])
    else:
        raise ValueError("inference must be 'cluster' or 'few_treated'")
    coefs = pd.DataFrame(
        {"rel_time": ks, "estimate": beta, "se": se, "ci_low": beta - q * se, "ci_high": beta + q * se}
    )
    ref_row = pd.DataFrame({"rel_time": [ref], "estimate": [0.0], "se": [0.0], "ci_low": [0.0], "ci_high": [0.0]})
    coefs = pd.concat([coefs, ref_row]).sort_values("rel_time", ignore_index=True)
    return EventStudyResult(coefs, pretrend, ref, len(d), G, vcov, post_mean, placebo)


def event_assignment(
    d: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    first_treated: str,
    cluster: str,
    ref: int,
    window,
    ks: list[int],
    mean_of: list[int],
    alpha: float,
    B: int,
    seed: int,
) -> FewTreated:
    """Assignment-level placebos for every event-time coefficient and their post mean: placebo clusters take the
    treated clusters' first treated period."""
    ft_index = period_index(d[first_treated], zero_is_missing=True)
    treated = ~np.isnan(ft_index) & (period_index(d[time]) >= ft_index)
    date = d.loc[~np.isnan(ft_index), first_treated].mode().iloc[0]
    never = pd.NaT if pd.api.types.is_datetime64_any_dtype(d[first_treated]) else 0

    def design(frame: pd.DataFrame):
        D, names = _event_dummies(frame, time, first_treated, ref, window)
        R = np.vstack([np.eye(len(names)), [1.0 / len(mean_of) if k in mean_of else 0.0 for k in names]])
        return D, R, [*names, "post_mean"]

    def reassign(frame: pd.DataFrame, chosen: tuple) -> pd.DataFrame:
        return frame.assign(
            **{
                first_treated: frame[first_treated]
                .where(~frame[cluster].isin(chosen), date)
                .where(frame[cluster].isin(chosen), never)
            }
        )

    return assignment_inference(d, outcome, unit, time, cluster, treated, design, reassign, alpha=alpha, B=B, seed=seed)


def _pretrend_max_t(placebo: FewTreated, pre: list) -> dict:
    """The largest |t| of the pre-period coefficients against the placebos' largest (a studentised max test)."""
    if not pre:
        return {"max_t": float("nan"), "pvalue": float("nan"), "df1": 0}
    idx = [placebo.names.index(k) for k in pre]
    obs = float(np.nanmax(np.abs(placebo.t[idx])))
    draws = np.nanmax(np.abs(placebo.placebo_t[:, idx]), axis=1)
    draws = draws[np.isfinite(draws)]
    return {"max_t": obs, "pvalue": rank_pvalue(obs, draws, tol=1e-12), "df1": len(pre), "placebos": int(len(draws))}


# --------------------------------------------------------------------------- Callaway & Sant'Anna
@dataclass
class AggregateResult:
    """An aggregation of group-time ATTs: ``table`` by group/event time/calendar time and ``overall``."""

    kind: str
    table: pd.DataFrame
    overall: Estimate

    def tidy(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        return (
            f"Aggregation: {self.kind}\n"
            + self.table.to_string(index=False, float_format=lambda v: f"{v:.3f}")
            + "\nOverall: "
            + self.overall.summary()
        )

    def plot(self, ax=None, labels: dict | None = None):
        """The aggregated effects with their intervals; ``labels``: ``xlabel`` (default: the table's first column),
        ``ylabel``."""
        import matplotlib.pyplot as plt

        lab = {"xlabel": None, "ylabel": "ATT"} | (labels or {})
        fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
        t = self.table
        x = t.columns[0]
        post = (t[x] >= 0).to_numpy() if self.kind == "dynamic" else np.ones(len(t), bool)
        _coefficients(ax, t, x, post)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xlabel(lab["xlabel"] or x)
        ax.set_ylabel(lab["ylabel"])
        return fig


@dataclass
class CallawaySantAnnaResult:
    """Group-time ATTs (``group_time``: group, time, att, se, ci_low, ci_high, post) and aggregations."""

    group_time: pd.DataFrame
    influence: np.ndarray = field(repr=False)  # units × (g,t) cells
    group_share: dict
    groups_of_units: np.ndarray = field(repr=False)
    n_units: int
    n_obs: int
    control: str
    bootstrap: int | None
    seed: int
    alpha: float
    time_labels: dict = field(repr=False, default_factory=dict)
    #: cells whose variance the influence function can estimate (at least two treated and two comparison units,
    #: or one treated unit whose side is borrowed)
    valid: np.ndarray | None = field(repr=False, default=None)
    #: cohorts of one unit whose treated-side variance is borrowed from the never-treated units (an assumption:
    #: that unit's outcome changes vary as theirs do); their rows follow the units' rows in ``influence``
    borrowed: tuple = ()

    # -- inference helpers ---------------------------------------------------------------
    @functools.cached_property
    def _multipliers(self) -> np.ndarray:
        """Mammen weights, ``bootstrap`` × units, drawn once from ``seed`` (the same draws for every effect)."""
        rng = np.random.default_rng(self.seed)
        k1, k2 = (1 - np.sqrt(5)) / 2, (1 + np.sqrt(5)) / 2
        pk = (np.sqrt(5) + 1) / (2 * np.sqrt(5))
        return np.where(rng.random((int(self.bootstrap or 0), self.influence.shape[0])) < pk, k1, k2)

    def _ses(self, inf: np.ndarray) -> np.ndarray:
        """Standard errors of the effects whose influence functions are the columns of ``inf``."""
        n = self.n_units
        if self.bootstrap:
            draws = self._multipliers @ inf / n
            q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0)
            return (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
        return np.sqrt((inf**2).sum(axis=0)) / n

    def _se(self, inf: np.ndarray, cells=None) -> float:
        """Standard error, NaN when a cell in ``cells`` has no valid variance (one treated or comparison unit)."""
        if cells is not None and self.valid is not None and not self.valid[np.asarray(cells, int)].all():
            return float("nan")
        return float(self._ses(inf[:, None])[0])

    def _estimate(self, est: float, inf: np.ndarray, method: str, cells=None) -> Estimate:
        se = self._se(inf, cells)
        z = stats.norm.ppf(1 - self.alpha / 2)
        p = float(2 * stats.norm.sf(abs(est / se))) if se > 0 else float("nan")
        return Estimate(
            float(est),
            se,
            est - z * se,
            est + z * se,
            p,
            self.n_obs,
            method,
            {"control": self.control, "bootstrap": self.bootstrap or 0, "seed": self.seed, "units": self.n_units}
            | ({"borrowed_cohorts": len(self.borrowed)} if self.borrowed else {}),
            1 - self.alpha,
        )

    def _weighted(self, cells: np.ndarray) -> tuple[float, np.ndarray]:
        """ATT = Σ p_g ATT_gt / Σ p_g over ``cells`` with the weights' own influence (as R's did)."""
        gt = self.group_time
        return self._share_weighted(
            gt["group"].to_numpy()[cells], gt["att"].to_numpy()[cells], self.influence[:, cells]
        )

    def _share_weighted(self, groups: np.ndarray, values: np.ndarray, infs: np.ndarray) -> tuple[float, np.ndarray]:
        """``Σ p_g v / Σ p_g`` over effects ``values`` of cohorts ``groups`` (influence columns ``infs``), with the
        influence of estimating the shares p_g (R did's ``wif``)."""
        pg = np.array([self.group_share[g] for g in groups])
        w = pg / pg.sum()
        ind = np.column_stack([(self.groups_of_units == g).astype(float) for g in groups])
        wif = (ind - pg) / pg.sum() - np.outer((ind - pg).sum(axis=1), pg) / pg.sum() ** 2
        extra = infs.shape[0] - len(wif)  # the borrowed rows: no share of their own
        wif = np.vstack([wif, np.zeros((extra, wif.shape[1]))]) if extra else wif
        return float(w @ values), infs @ w + wif @ values

    @property
    def att(self) -> Estimate:
        """Simple aggregation: p_g-weighted mean of all post-treatment ATT(g,t) (R did: aggte type='simple')."""
        cells = np.flatnonzero(self.group_time["post"].to_numpy())
        est, inf = self._weighted(cells)
        return self._estimate(est, inf, "Callaway-Sant'Anna (simple ATT)", cells)

    def aggregate(
        self, kind: str = "dynamic", *, min_e: float = -np.inf, max_e: float = np.inf, uniform: bool = False
    ) -> AggregateResult:
        """``group`` (θ by cohort), ``dynamic`` (θ by event time ``min_e ≤ e ≤ max_e``) or ``calendar`` (θ by
        period). ``uniform=True`` (needs ``bootstrap``) gives sup-t bands that cover every row of the table at once
        (R did's ``cband``); the critical value used is in ``table.attrs["critical_value"]``."""
        gt = self.group_time
        z = stats.norm.ppf(1 - self.alpha / 2)
        rows, infs = [], []
        if kind == "group":
            keys, label = sorted(gt["group"].unique()), "group"
            sel = lambda k: np.flatnonzero((gt["group"] == k).to_numpy() & gt["post"].to_numpy())  # noqa: E731
        elif kind == "dynamic":
            e = (gt["time"] - gt["group"]).to_numpy()
            keys, label = [k for k in sorted(np.unique(e)) if min_e <= k <= max_e], "event_time"
            sel = lambda k: np.flatnonzero(e == k)  # noqa: E731
        elif kind == "calendar":
            keys, label = sorted(gt.loc[gt["post"], "time"].unique()), "time"
            sel = lambda k: np.flatnonzero((gt["time"] == k).to_numpy() & gt["post"].to_numpy())  # noqa: E731
        else:
            raise ValueError("kind must be 'group', 'dynamic' or 'calendar'")
        for k in keys:
            cells = sel(k)
            if len(cells) == 0:
                continue
            if kind == "group":  # equal weights over the cohort's post periods
                est = float(gt["att"].to_numpy()[cells].mean())
                inf = self.influence[:, cells].mean(axis=1)
            else:
                est, inf = self._weighted(cells)
            se = self._se(inf, cells)
            rows.append({label: k, "estimate": est, "se": se})
            infs.append((k, est, inf, cells))
        table = pd.DataFrame(rows)
        crit = z
        if uniform:
            if not self.bootstrap:
                raise ValueError("uniform bands need the multiplier bootstrap: pass bootstrap=999 or more")
            crit = self._sup_t(np.column_stack([i for _, _, i, _ in infs]), table["se"].to_numpy())
        table["ci_low"], table["ci_high"] = (
            table["estimate"] - crit * table["se"],
            table["estimate"] + crit * table["se"],
        )
        table.attrs["critical_value"] = float(crit)
        if kind == "group":  # θ = Σ p_g θ_g / Σ p_g, with the influence of the estimated shares (R did)
            est, inf = self._share_weighted(
                np.array([k for k, _, _, _ in infs]),
                np.array([e for _, e, _, _ in infs]),
                np.column_stack([i for _, _, i, _ in infs]),
            )
            used = np.concatenate([c for _, _, _, c in infs])
        else:
            post = [(k, e, i, c) for k, e, i, c in infs if (kind != "dynamic" or k >= 0)]
            est = float(np.mean([e for _, e, _, _ in post]))
            inf = sum(i for _, _, i, _ in post) / len(post)
            used = np.concatenate([c for _, _, _, c in post])
        return AggregateResult(kind, table, self._estimate(est, inf, f"Callaway-Sant'Anna ({kind})", used))

    def _sup_t(self, infs: np.ndarray, ses: np.ndarray) -> float:
        """The (1 − α) quantile of max_j |draw_j / se_j| over the multiplier-bootstrap draws (sup-t)."""
        ok = np.isfinite(ses) & (ses > 0)
        if not ok.any():
            return float("nan")
        draws = self._multipliers @ infs[:, ok] / self.n_units
        return float(np.quantile(np.max(np.abs(draws / ses[ok]), axis=1), 1 - self.alpha))

    def tidy(self) -> pd.DataFrame:
        return self.group_time.copy()

    def summary(self) -> str:
        return (
            f"Callaway & Sant'Anna (2021), control = {self.control}, {self.n_units} units\n"
            + self.group_time.to_string(index=False, float_format=lambda v: f"{v:.3f}")
            + "\n"
            + self.att.summary()
        )

    def plot(self, ax=None, labels: dict | None = None):
        """The event-time (dynamic) aggregation; ``labels`` as :meth:`AggregateResult.plot`."""
        return self.aggregate("dynamic").plot(
            ax=ax, labels={"xlabel": "Periods relative to treatment"} | (labels or {})
        )


def callaway_santanna(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    first_treated: str,
    *,
    control: str = "never",
    anticipation: int = 0,
    base_period: str = "varying",
    bootstrap: int | None = None,
    seed: int = 0,
    alpha: float = 0.05,
    single_unit: str = "borrow",
) -> CallawaySantAnnaResult:
    """Callaway & Sant'Anna (2021) group-time ATTs without covariates (balanced panel), as R's ``did::att_gt``.

    ATT(g,t) = E[Y_t − Y_b | G=g] − E[Y_t − Y_b | C]. Periods are the *observed* periods, in order (months,
    quarters or years; a missing month is not a gap in the estimator). The base ``b`` of a post cell (t ≥ g) is the
    last observed period before ``g − anticipation``; of a pre cell, the previous observed period
    (``base_period="varying"``) or that same last pre-treatment period (``"universal"``, which also reports the
    reference cell ATT(g, b) = 0). ``control`` is ``"never"`` or ``"notyet"`` (never, or first treated after
    max(t, b) + anticipation).

    Input as R ``did``: ``first_treated`` must be constant within a unit; cohorts first treated after the last
    period are never-treated; units treated in or before the first period (no pre-period) are dropped with a
    warning. A cohort of a single unit has no treated-side variance of its own (its one outcome change is its mean):
    with ``single_unit="borrow"`` (default) that side is borrowed from the never-treated units — each of them
    contributes its own long differences for the cohort's cells, so any aggregate's variance gets the variance the
    same combination shows across them (the assumption: the treated unit's changes vary as theirs do; stated on the
    report). ``single_unit="none"`` leaves such cells, and every aggregate using them, without a standard error
    (NaN, never 0), as does a cell with fewer than two comparison units. Standard errors from the
    influence function, analytic or with a multiplier bootstrap (``bootstrap`` draws, Mammen weights, ``seed``),
    clustered by unit.
    """
    if control not in ("never", "notyet"):
        raise ValueError("control must be 'never' or 'notyet'")
    if base_period not in ("varying", "universal"):
        raise ValueError("base_period must be 'varying' or 'universal'")
    if single_unit not in ("borrow", "none"):
        raise ValueError("single_unit must be 'borrow' or 'none'")
    d = _prepare(df, [outcome, unit, time])
    check_panel_input(d, unit, time)
    d = d.assign(_t=period_index(d[time]), _g=period_index(d[first_treated], zero_is_missing=True))
    varying = d.groupby(unit)["_g"].nunique(dropna=False)
    if (varying > 1).any():
        raise ValueError(
            f"'{first_treated}' changes over time for unit {varying[varying > 1].index[0]!r}: it must be "
            "the same in every period of a unit (the first period treated)"
        )
    wide = d.pivot_table(index=unit, columns="_t", values=outcome, aggfunc="first")
    if wide.isna().any().any():
        raise ValueError("callaway_santanna needs a balanced panel: some unit-periods are missing")
    first = d.groupby(unit)["_g"].first().reindex(wide.index).to_numpy()
    periods = wide.columns.to_numpy()
    first = np.where(first > periods[-1], np.nan, first)  # treated after the panel ends: never treated here
    Y = wide.to_numpy(float)
    keep = ~(first <= periods[0] + anticipation)  # always treated: no pre-period, no information
    if (~keep).any():
        warnings.warn(
            f"{int((~keep).sum())} unit(s) treated in the first period carry no information and are dropped",
            stacklevel=2,
        )
    Y, first = Y[keep], first[keep]
    if np.isnan(first).all():
        raise ValueError("no unit is treated inside the panel: there is no effect to estimate")
    G_units = np.where(np.isnan(first), 0.0, first)
    n = len(Y)
    groups = sorted(g for g in np.unique(G_units) if g > 0)
    rows: list[dict] = []
    infs: list = []
    valid: list = []
    cell_dy: list = []
    cell_ctrl: list = []
    for g in groups:
        in_g = G_units == g
        before = np.flatnonzero(periods + anticipation < g)
        if len(before) == 0:
            continue
        ref = before[-1]  # last observed period before the cohort starts
        for ti in range(len(periods)):
            t = periods[ti]
            post = t >= g
            if base_period == "universal" or post:
                bi = ref
            else:
                bi = ti - 1
            if bi < 0:
                continue
            if ti == bi:  # universal: the reference cell, ATT = 0 by construction
                rows.append({"group": g, "time": t, "att": 0.0, "post": False, "reference": True})
                infs.append(np.zeros(n))
                valid.append(True)
                cell_dy.append(None)
                cell_ctrl.append(0)
                continue
            b = periods[bi]
            ctrl = (G_units == 0) if control == "never" else (G_units == 0) | (G_units > max(t, b) + anticipation)
            ctrl &= ~in_g
            if ctrl.sum() == 0:
                continue
            dy = Y[:, ti] - Y[:, bi]
            mu_g, mu_c = dy[in_g].mean(), dy[ctrl].mean()
            inf = np.where(in_g, (dy - mu_g) * n / in_g.sum(), 0.0) - np.where(ctrl, (dy - mu_c) * n / ctrl.sum(), 0.0)
            rows.append({"group": g, "time": t, "att": mu_g - mu_c, "post": bool(post), "reference": False})
            infs.append(inf)
            valid.append(bool(in_g.sum() >= 2 and ctrl.sum() >= 2))
            cell_dy.append(dy)
            cell_ctrl.append(int(ctrl.sum()))
    if not rows:
        raise ValueError("no group-time effect could be estimated (no treated cohort with a comparison group)")
    gt = pd.DataFrame(rows)
    valid_cells = np.array(valid)
    influence = np.column_stack(infs)
    never = np.flatnonzero(G_units == 0)
    borrowed: list = []
    if single_unit == "borrow" and len(never) >= 2:
        influence, borrowed = _borrow_single_units(influence, rows, cell_dy, cell_ctrl, valid_cells, G_units, groups)
    if borrowed:
        warnings.warn(
            f"{len(borrowed)} cohort(s) have a single unit: their treated-side variance is borrowed from the "
            f"{len(never)} never-treated units (single_unit='borrow')",
            stacklevel=2,
        )
    if not valid_cells.all():
        warnings.warn(
            f"{int((~valid_cells).sum())} of {len(valid_cells)} group-time cells have a single treated or comparison "
            "unit: their variance cannot be estimated and their standard errors are NaN",
            stacklevel=2,
        )
    res = CallawaySantAnnaResult(
        gt,
        influence,
        {g: float(np.mean(G_units == g)) for g in groups},
        G_units,
        n,
        int(keep.sum() * len(periods)),
        control,
        bootstrap,
        seed,
        alpha,
        valid=valid_cells,
        borrowed=tuple(borrowed),
    )
    se = np.where(valid_cells, res._ses(influence), np.nan)
    se = np.where(gt["reference"].to_numpy(), 0.0, se)
    z = stats.norm.ppf(1 - alpha / 2)
    gt["se"], gt["ci_low"], gt["ci_high"] = se, gt["att"] - z * se, gt["att"] + z * se
    return res


def _borrow_single_units(
    influence: np.ndarray,
    rows: list[dict],
    cell_dy: list,
    cell_ctrl: list,
    valid_cells: np.ndarray,
    G_units: np.ndarray,
    groups: list,
) -> tuple[np.ndarray, list]:
    """The influence matrix with rows borrowed for every single-unit cohort: one pseudo-row per never-treated
    unit holding that unit's centred long differences for the cohort's cells, scaled so that ``Σ rows² / n²`` is the
    variance of a one-unit mean across them; marks those cells valid when their comparison side has two units.
    Returns the matrix and the cohorts borrowed for."""
    n = len(G_units)
    never = np.flatnonzero(G_units == 0)
    extra, borrowed = [], []
    for g in groups:
        if (G_units == g).sum() != 1:
            continue
        cells = [k for k in range(len(rows)) if rows[k]["group"] == g and cell_dy[k] is not None]
        if not cells:
            continue
        block = np.zeros((len(never), len(rows)))
        for k in cells:
            d_never = cell_dy[k][never]
            block[:, k] = (d_never - d_never.mean()) * n / np.sqrt(len(never) - 1)
            valid_cells[k] = valid_cells[k] or cell_ctrl[k] >= 2
        extra.append(block)
        borrowed.append(g)
    return (np.vstack([influence, *extra]) if extra else influence), borrowed
