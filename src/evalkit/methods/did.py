"""Difference-in-differences: two-way fixed effects, event study, Callaway & Sant'Anna (2021).

All functions take a long DataFrame and column names. Time may be monthly datetimes or integers;
``first_treated`` uses the same unit (0, NaN or NaT = never treated).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .panel import codes, demean, ols_cluster, period_index, t_interval
from .result import Estimate
from .ri import permutation_twfe
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


def twfe(df: pd.DataFrame, outcome: str, unit: str, time: str, treat: str, *, cluster: str | None = None,
         weights: str | None = None, covariates=(), inference: str = "cluster", small_sample: str = "nested",
         alpha: float = 0.05, B: int | None = None, seed: int = 0, bootstrap_weights: str = "webb") -> Estimate:
    """Two-way fixed-effects regression ``y_it = a_i + d_t + β·treat_it + γ'covariates + e_it``.

    ``treat`` is 0/1 or a continuous dose. ``cluster`` defaults to ``unit``. ``weights`` are analytic
    weights. ``inference``:

    * ``"cluster"`` — CR1 standard errors (G/(G−1)·(N−1)/(N−K)); with ``small_sample="nested"`` K
      leaves out unit effects nested in the clusters (Stata, fixest), ``"all"`` counts every dummy
      (statsmodels OLS with dummies); t distribution with G−1 degrees of freedom.
    * ``"wild"`` — wild cluster bootstrap, null imposed, Webb weights, ``B`` draws (default 9999),
      seed ``seed``; p-value and CI by test inversion (se stays CR1).
    * ``"ri"`` — randomization inference: the treatment paths are permuted across units (``B``
      permutations, default 999); CI by inverting the test for a constant effect.
    """
    cols = [outcome, unit, time, treat, *covariates] + ([weights] if weights else []) + ([cluster] if cluster else [])
    d = _prepare(df, list(dict.fromkeys(cols)))
    u, t, cl, k_fe = _fe_design(d, unit, time, cluster, small_sample)
    w = d[weights].to_numpy(float) if weights else None
    raw = d[[outcome, treat, *covariates]].to_numpy(float)
    dm = demean(raw, [u, t], w)
    y, X = dm[:, 0], dm[:, 1:]
    beta, vcov, resid, G = ols_cluster(y, X, cl, w, k_fe)
    est, se = float(beta[0]), float(np.sqrt(vcov[0, 0]))
    n = len(d)
    lo, hi, p = t_interval(est, se, G - 1, alpha)
    info = {"clusters": G, "small_sample": small_sample}
    if inference == "cluster":
        method = "TWFE (CR1)"
    elif inference == "wild":
        # partial the covariates out of y and treat (FWL), then bootstrap the single coefficient
        if X.shape[1] > 1:
            Z = X[:, 1:]
            wz = np.ones(n) if w is None else w
            proj = lambda v: v - Z @ np.linalg.lstsq(Z * np.sqrt(wz)[:, None], v * np.sqrt(wz), rcond=None)[0]  # noqa: E731
            yy, xx = proj(y), proj(X[:, 0])
        else:
            yy, xx = y, X[:, 0]
        adj = G / (G - 1) * (n - 1) / (n - X.shape[1] - k_fe)
        B = B or 9999
        wb = WildBootstrap(yy, xx, cl, w, adj, B=B, seed=seed, kind=bootstrap_weights)
        p = wb.pvalue(0.0)
        lo, hi = wb.confint(alpha, se)
        method = "TWFE (wild cluster bootstrap)"
        info.update(B=B, seed=seed, weights=bootstrap_weights)
    elif inference == "ri":
        B = B or 999
        p, lo, hi, draws = permutation_twfe(d, outcome, unit, time, treat, covariates, w, alpha, B, seed)
        method = "TWFE (randomization inference)"
        info.update(permutations=draws, seed=seed)
    else:
        raise ValueError("inference must be 'cluster', 'wild' or 'ri'")
    return Estimate(est, se, lo, hi, p, n, method, info)


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

    def tidy(self) -> pd.DataFrame:
        return self.coefs.copy()

    def summary(self) -> str:
        pt = self.pretrend
        return (f"Event study (TWFE, reference period {self.ref}, {self.clusters} clusters, n = {self.n_obs})\n"
                + self.coefs.to_string(index=False, float_format=lambda v: f"{v:.3f}")
                + f"\nJoint pre-trend test: F({pt['df1']}, {pt['df2']}) = {pt['F']:.3f}, p = {pt['pvalue']:.4g}")

    def plot(self, ax=None, xlabel: str = "Periods relative to treatment", ylabel: str = "Effect",
             title: str | None = None):
        import matplotlib.pyplot as plt

        fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
        c = self.coefs
        pre = c["rel_time"] < 0
        for mask, color in ((pre, "#7f7f7f"), (~pre, "#1b6ca8")):
            ax.errorbar(c.loc[mask, "rel_time"], c.loc[mask, "estimate"],
                        yerr=[c.loc[mask, "estimate"] - c.loc[mask, "ci_low"],
                              c.loc[mask, "ci_high"] - c.loc[mask, "estimate"]],
                        fmt="o", ms=3.5, color=color, capsize=2, lw=1)
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(self.ref + 0.5, color="#c0392b", ls="--", lw=1)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        return fig


def event_study(df: pd.DataFrame, outcome: str, unit: str, time: str, first_treated: str, *, ref: int = -1,
                window: tuple[int, int] | None = None, cluster: str | None = None, alpha: float = 0.05,
                small_sample: str = "nested") -> EventStudyResult:
    """Dynamic TWFE with event-time dummies relative to ``first_treated`` (reference ``ref`` omitted).

    ``window=(lo, hi)`` bins event times beyond the window into the end points. Never-treated units
    (``first_treated`` 0/missing) have all dummies zero. The pre-trend test is a cluster-robust Wald
    test that all pre-period coefficients are zero, F(q, G−1).
    """
    d = _prepare(df, list(dict.fromkeys([outcome, unit, time] + ([cluster] if cluster else []))))
    tt = period_index(d[time])
    ft = period_index(d[first_treated], zero_is_missing=True)
    rel = tt - ft
    if window is not None:
        rel = np.clip(rel, window[0], window[1])
    ks = sorted(int(k) for k in np.unique(rel[~np.isnan(rel)]) if int(k) != ref)
    if not ks:
        raise ValueError("no treated observations: first_treated is empty for every unit")
    D = np.zeros((len(d), len(ks)))
    for j, k in enumerate(ks):
        D[:, j] = (rel == k).astype(float)
    u, t, cl, k_fe = _fe_design(d, unit, time, cluster, small_sample)
    dm = demean(np.column_stack([d[outcome].to_numpy(float), D]), [u, t])
    keep = np.abs(dm[:, 1:]).max(axis=0) > 1e-10  # event times absorbed by the fixed effects
    ks = [k for k, kp in zip(ks, keep) if kp]
    beta, vcov, _, G = ols_cluster(dm[:, 0], dm[:, 1:][:, keep], cl, None, k_fe)
    se = np.sqrt(np.diag(vcov))
    q = stats.t.ppf(1 - alpha / 2, G - 1)
    coefs = pd.DataFrame({"rel_time": ks, "estimate": beta, "se": se, "ci_low": beta - q * se, "ci_high": beta + q * se})
    ref_row = pd.DataFrame({"rel_time": [ref], "estimate": [0.0], "se": [0.0], "ci_low": [0.0], "ci_high": [0.0]})
    coefs = pd.concat([coefs, ref_row]).sort_values("rel_time", ignore_index=True)
    pre = [i for i, k in enumerate(ks) if k < 0]
    if pre:
        b, V = beta[pre], vcov[np.ix_(pre, pre)]
        wald = float(b @ np.linalg.pinv(V) @ b)
        F = wald / len(pre)
        pretrend = {"F": F, "df1": len(pre), "df2": G - 1, "pvalue": float(stats.f.sf(F, len(pre), G - 1)),
                    "wald": wald}
    else:
        pretrend = {"F": float("nan"), "df1": 0, "df2": G - 1, "pvalue": float("nan"), "wald": float("nan")}
    return EventStudyResult(coefs, pretrend, ref, len(d), G, vcov)


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
        return (f"Aggregation: {self.kind}\n" + self.table.to_string(index=False, float_format=lambda v: f"{v:.3f}")
                + "\nOverall: " + self.overall.summary())

    def plot(self, ax=None, xlabel: str | None = None, ylabel: str = "ATT"):
        import matplotlib.pyplot as plt

        fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
        t = self.table
        x = t.columns[0]
        post = t[x] >= 0 if self.kind == "dynamic" else np.ones(len(t), bool)
        for mask, color in ((~post, "#7f7f7f"), (post, "#1b6ca8")):
            ax.errorbar(t.loc[mask, x], t.loc[mask, "estimate"],
                        yerr=[t.loc[mask, "estimate"] - t.loc[mask, "ci_low"], t.loc[mask, "ci_high"] - t.loc[mask, "estimate"]],
                        fmt="o", ms=3.5, color=color, capsize=2, lw=1)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xlabel(xlabel or x)
        ax.set_ylabel(ylabel)
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

    # -- inference helpers ---------------------------------------------------------------
    @functools.cached_property
    def _multipliers(self) -> np.ndarray:
        """Mammen weights, ``bootstrap`` × units, drawn once from ``seed`` (the same draws for every effect)."""
        rng = np.random.default_rng(self.seed)
        k1, k2 = (1 - np.sqrt(5)) / 2, (1 + np.sqrt(5)) / 2
        pk = (np.sqrt(5) + 1) / (2 * np.sqrt(5))
        return np.where(rng.random((self.bootstrap, self.n_units)) < pk, k1, k2)

    def _ses(self, inf: np.ndarray) -> np.ndarray:
        """Standard errors of the effects whose influence functions are the columns of ``inf``."""
        n = self.n_units
        if self.bootstrap:
            draws = self._multipliers @ inf / n
            q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0)
            return (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
        return np.sqrt((inf**2).sum(axis=0)) / n

    def _se(self, inf: np.ndarray) -> float:
        return float(self._ses(inf[:, None])[0])

    def _estimate(self, est: float, inf: np.ndarray, method: str) -> Estimate:
        se = self._se(inf)
        z = stats.norm.ppf(1 - self.alpha / 2)
        p = float(2 * stats.norm.sf(abs(est / se))) if se > 0 else float("nan")
        return Estimate(float(est), se, est - z * se, est + z * se, p, self.n_obs, method,
                        {"control": self.control, "bootstrap": self.bootstrap or 0, "seed": self.seed,
                         "units": self.n_units})

    def _weighted(self, cells: np.ndarray) -> tuple[float, np.ndarray]:
        """ATT = Σ p_g ATT_gt / Σ p_g over ``cells`` with the weights' own influence (as R's did)."""
        gt = self.group_time
        pg = np.array([self.group_share[g] for g in gt["group"]])[cells]
        att = gt["att"].to_numpy()[cells]
        w = pg / pg.sum()
        est = float(w @ att)
        inf = self.influence[:, cells] @ w
        # influence of estimating the group shares (did::wif)
        ind = np.column_stack([(self.groups_of_units == g).astype(float) for g in gt["group"].to_numpy()[cells]])
        wif = (ind - pg) / pg.sum() - np.outer((ind - pg).sum(axis=1), pg) / pg.sum() ** 2
        return est, inf + wif @ att

    @property
    def att(self) -> Estimate:
        """Simple aggregation: p_g-weighted mean of all post-treatment ATT(g,t) (R did: aggte type='simple')."""
        cells = np.flatnonzero(self.group_time["post"].to_numpy())
        est, inf = self._weighted(cells)
        return self._estimate(est, inf, "Callaway-Sant'Anna (simple ATT)")

    def aggregate(self, kind: str = "dynamic") -> AggregateResult:
        """``group`` (θ by cohort), ``dynamic`` (θ by event time) or ``calendar`` (θ by period)."""
        gt = self.group_time
        z = stats.norm.ppf(1 - self.alpha / 2)
        rows, infs = [], []
        if kind == "group":
            keys, label = sorted(gt["group"].unique()), "group"
            sel = lambda k: np.flatnonzero((gt["group"] == k).to_numpy() & gt["post"].to_numpy())  # noqa: E731
        elif kind == "dynamic":
            e = (gt["time"] - gt["group"]).to_numpy()
            keys, label = sorted(np.unique(e)), "event_time"
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
            se = self._se(inf)
            rows.append({label: k, "estimate": est, "se": se, "ci_low": est - z * se, "ci_high": est + z * se})
            infs.append((k, est, inf))
        table = pd.DataFrame(rows)
        if kind == "group":
            pg = np.array([self.group_share[k] for k, _, _ in infs])
            w = pg / pg.sum()
            est = float(sum(wi * e for wi, (_, e, _) in zip(w, infs)))
            inf = sum(wi * i for wi, (_, _, i) in zip(w, infs))
        else:
            post = [(k, e, i) for k, e, i in infs if (kind != "dynamic" or k >= 0)]
            est = float(np.mean([e for _, e, _ in post]))
            inf = sum(i for _, _, i in post) / len(post)
        return AggregateResult(kind, table, self._estimate(est, inf, f"Callaway-Sant'Anna ({kind})"))

    def tidy(self) -> pd.DataFrame:
        return self.group_time.copy()

    def summary(self) -> str:
        return (f"Callaway & Sant'Anna (2021), control = {self.control}, {self.n_units} units\n"
                + self.group_time.to_string(index=False, float_format=lambda v: f"{v:.3f}")
                + "\n" + self.att.summary())

    def plot(self, ax=None, xlabel: str = "Periods relative to treatment", ylabel: str = "ATT"):
        return self.aggregate("dynamic").plot(ax=ax, xlabel=xlabel, ylabel=ylabel)


def callaway_santanna(df: pd.DataFrame, outcome: str, unit: str, time: str, first_treated: str, *,
                      control: str = "never", anticipation: int = 0, base_period: str = "varying",
                      bootstrap: int | None = None, seed: int = 0, alpha: float = 0.05) -> CallawaySantAnnaResult:
    """Callaway & Sant'Anna (2021) group-time ATTs without covariates (balanced panel).

    ATT(g,t) = E[Y_t − Y_b | G=g] − E[Y_t − Y_b | C], with base period ``b = g−1−anticipation``
    for post periods and, with ``base_period="varying"``, ``b = t−1`` for pre periods. ``control``
    is ``"never"`` (G = never) or ``"notyet"`` (never, or first treated after max(t, b) + anticipation).
    Units treated in the first period are dropped (no pre-period). Standard errors from the
    influence function, analytic or with a multiplier bootstrap (``bootstrap`` draws, Mammen
    weights, ``seed``), clustered by unit.
    """
    if control not in ("never", "notyet"):
        raise ValueError("control must be 'never' or 'notyet'")
    if base_period not in ("varying", "universal"):
        raise ValueError("base_period must be 'varying' or 'universal'")
    d = _prepare(df, [outcome, unit, time])
    d = d.assign(_t=period_index(d[time]), _g=period_index(d[first_treated], zero_is_missing=True))
    wide = d.pivot_table(index=unit, columns="_t", values=outcome, aggfunc="first")
    if wide.isna().any().any():
        raise ValueError("callaway_santanna needs a balanced panel: some unit-periods are missing")
    first = d.groupby(unit)["_g"].first().reindex(wide.index).to_numpy()
    periods = wide.columns.to_numpy()
    Y = wide.to_numpy(float)
    keep = ~(first <= periods[0])  # always-treated units carry no information
    Y, first = Y[keep], first[keep]
    G_units = np.where(np.isnan(first), 0.0, first)
    n = len(Y)
    groups = sorted(g for g in np.unique(G_units) if g > 0 and g <= periods[-1])
    pos = {p: j for j, p in enumerate(periods)}
    rows, infs = [], []
    for g in groups:
        in_g = G_units == g
        for t in periods[1:]:
            post = t >= g - anticipation
            b = g - 1 - anticipation if (post or base_period == "universal") else t - 1
            if b not in pos or t == b:
                continue
            if control == "never":
                ctrl = G_units == 0
            else:
                ctrl = (G_units == 0) | (G_units > max(t, b) + anticipation)
            ctrl &= ~in_g
            if ctrl.sum() == 0:
                continue
            dy = Y[:, pos[t]] - Y[:, pos[b]]
            mu_g, mu_c = dy[in_g].mean(), dy[ctrl].mean()
            att = mu_g - mu_c
            inf = np.where(in_g, (dy - mu_g) * n / in_g.sum(), 0.0) - np.where(ctrl, (dy - mu_c) * n / ctrl.sum(), 0.0)
            rows.append({"group": g, "time": t, "att": att, "post": bool(t >= g)})
            infs.append(inf)
    if not rows:
        raise ValueError("no group-time effect could be estimated (no treated cohort with a comparison group)")
    gt = pd.DataFrame(rows)
    influence = np.column_stack(infs)
    res = CallawaySantAnnaResult(gt, influence, {g: float(np.mean(G_units == g)) for g in groups}, G_units, n,
                                 int(keep.sum() * len(periods)), control, bootstrap, seed, alpha)
    se = res._ses(influence)
    z = stats.norm.ppf(1 - alpha / 2)
    gt["se"], gt["ci_low"], gt["ci_high"] = se, gt["att"] - z * se, gt["att"] + z * se
    return res
