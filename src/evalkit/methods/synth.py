"""Synthetic control (Abadie, Diamond & Hainmueller 2010).

Weights ``w ≥ 0``, ``Σw = 1`` minimise the pre-treatment squared error of the outcome path (or, with
``predictors``, of standardised pre-period predictor means). Inference is by in-space placebos:
every donor in turn plays the treated unit. Two statistics are reported:

* Abadie's post/pre RMSPE ratio, its rank p-value (``placebo()``);
* the standardised mean post gap ``|mean gap| / pre-RMSPE``; its permutation test, inverted for a
  constant additive effect τ, gives the confidence interval of ``att`` (the placebos' statistics do not
  depend on τ, the treated unit's is ``|mean gap − τ| / pre-RMSPE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from ..core.figures import time_axis
from .conformal import conformal_synth as conformal  # the other one-treated-unit designs: synth.conformal, synth.sdid
from .inference import placebo_critical, placebo_mde, rank_pvalue
from .panel import period_index, wide_outcomes
from .result import Estimate
from .sdid import sdid
from .simplex import simplex_weights


def predictor_weights(x1: np.ndarray, X0: np.ndarray, z1: np.ndarray, Z0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(w, v)``: donor weights matching the predictors ``x1`` (k) by ``X0`` (k × donors) under the diagonal
    predictor importance ``v`` (Σv = 1) that minimises the pre-period outcome MSPE of ``z1`` by ``Z0`` (the nested
    problem of Abadie, Diamond & Hainmueller 2010). Predictors are standardised by their spread across all units
    first; ``v`` is searched by Nelder–Mead over a softmax from equal importance and from each predictor in turn
    dominating, and the best outer loss wins."""
    sd = np.concatenate([x1[:, None], X0], axis=1).std(axis=1)
    sd[sd == 0] = 1.0
    a, A = x1 / sd, X0 / sd[:, None]
    k = len(x1)

    def inner(v: np.ndarray) -> np.ndarray:
        r = np.sqrt(v)
        return simplex_weights(r * a, r[:, None] * A, polish=False)

    def softmax(theta: np.ndarray) -> np.ndarray:
        e = np.exp(np.r_[0.0, theta] - np.max(np.r_[0.0, theta]))
        return e / e.sum()

    def loss(theta: np.ndarray) -> float:
        w = inner(softmax(theta))
        return float(np.mean((z1 - Z0 @ w) ** 2))

    if k == 1:
        return inner(np.ones(1)), np.ones(1)
    starts = [np.zeros(k - 1), np.full(k - 1, -3.0), *(3.0 * np.eye(k - 1))]  # equal; predictor 0, 1, … dominant
    best = min(
        (
            minimize(loss, s0, method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-10, "maxiter": 400 * k})
            for s0 in starts
        ),
        key=lambda r: r.fun,
    )
    v = softmax(best.x)
    return inner(v), v


def _fit(
    wide: pd.DataFrame, treated, donors: list, pre: np.ndarray, X: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray]:
    y1 = wide.loc[treated].to_numpy(float)
    Y0 = wide.loc[donors].to_numpy(float).T
    if X is None:
        w = simplex_weights(y1[pre], Y0[pre])
    else:
        if X.loc[[treated, *donors]].isna().any().any():
            raise ValueError("synthetic control: a predictor is missing for the treated unit or a donor")
        w, _ = predictor_weights(X.loc[treated].to_numpy(float), X.loc[donors].to_numpy(float).T, y1[pre], Y0[pre])
    return w, y1 - Y0 @ w


@dataclass
class SyntheticControlResult:
    weights: pd.Series
    gap: pd.DataFrame  # time, observed, synthetic, gap, post
    att: Estimate
    pre_rmspe: float
    post_rmspe: float
    treated: object
    _placebo: pd.DataFrame = field(repr=False, default=None)

    def placebo(self) -> pd.DataFrame:
        """In-space placebos: unit, pre_rmspe, post_rmspe, ratio, mean_gap; the treated unit first.

        ``attrs["pvalue_ratio"]`` is the rank p-value of the RMSPE ratio (Abadie et al. 2010).
        """
        return self._placebo

    def tidy(self) -> pd.DataFrame:
        return self.att.tidy()

    def summary(self) -> str:
        top = self.weights[self.weights > 0.001].sort_values(ascending=False).head(8)
        return (
            f"Synthetic control for {self.treated}: pre-RMSPE {self.pre_rmspe:.3f}, post-RMSPE "
            f"{self.post_rmspe:.3f}\n  weights: "
            + ", ".join(f"{k} {v:.3f}" for k, v in top.items())
            + f"\n  {self.att.summary()}\n  RMSPE-ratio placebo p = {self._placebo.attrs['pvalue_ratio']:.3f}"
        )

    def plot(self, ax=None, labels: dict | None = None, show_placebos: bool = True):
        """Treated vs synthetic path (left) and gap with placebo gaps (right). ``ax``: a pair of axes to draw both
        on, or one axis for the gap panel alone."""
        import matplotlib.pyplot as plt

        lab = {
            "observed": "Treated",
            "synthetic": "Synthetic control",
            "start": "Intervention",
            "gap": "Gap (treated − synthetic)",
            "placebo": "Placebos",
            "ylabel": "",
        } | (labels or {})
        if ax is None:
            fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.4))
        elif isinstance(ax, (tuple, list, np.ndarray)):
            a1, a2 = ax
            fig = a1.figure
        else:  # one axis: the gap and its placebos only
            a1, a2, fig = None, ax, ax.figure
        g = self.gap
        start = g.loc[g["post"], "time"].iloc[0]
        if a1 is not None:
            a1.plot(g["time"], g["observed"], color="#c0392b", lw=2, label=lab["observed"])
            a1.plot(g["time"], g["synthetic"], color="#1b6ca8", lw=2, ls="--", label=lab["synthetic"])
        for a in (a1, a2):
            if a is None:
                continue
            a.axvline(start, color="#333333", ls=":", lw=1)
            if np.issubdtype(np.asarray(g["time"]).dtype, np.datetime64):
                time_axis(a)
        if a1 is not None:
            a1.set_ylabel(lab["ylabel"])
            a1.legend(loc="upper left")
        if show_placebos and self._placebo is not None and "gaps" in self._placebo.attrs:
            for i, series in enumerate(self._placebo.attrs["gaps"]):
                a2.plot(g["time"], series, color="#9aa5b1", lw=0.7, alpha=0.7, label=lab["placebo"] if i == 0 else None)
        a2.plot(g["time"], g["gap"], color="#c0392b", lw=2, label=lab["gap"])
        a2.axhline(0, color="black", lw=0.8)
        a2.legend(loc="upper left")
        fig.tight_layout()
        return fig


def synthetic_control(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated,
    treatment_time,
    *,
    predictors: list[str] | None = None,
    donors: list | None = None,
    alpha: float = 0.05,
    exclude_ratio: float | None = 20.0,
    placebos: bool = True,
) -> SyntheticControlResult:
    """Synthetic control of ``treated`` from the other units (or ``donors``), treated from ``treatment_time``.

    ``exclude_ratio``: placebos whose pre-period MSPE exceeds this multiple of the treated unit's are left
    out of the p-values and CI (Abadie et al. 2010 use 2, 5 and 20 *times the MSPE*); ``None`` keeps all. The
    interval has the level the placebos can give (``att.info["ci_level"]``, a multiple of 1/(placebos + 1)).
    With ``predictors`` the predictor importance (V) is optimised (:func:`predictor_weights`), also in every
    placebo fit. ``placebos=False`` fits the treated unit only (the point estimate, for robustness checks): the
    interval and p-values are then NaN.
    """
    wide, pre, times = wide_outcomes(df, outcome, unit, time, treatment_time, [treated], "synthetic control")
    pool = [u for u in (donors if donors is not None else wide.index) if u != treated]
    X = None
    if predictors:
        X = df[np.isin(period_index(df[time]), wide.columns[pre])].groupby(unit)[predictors].mean()

    def stats_of(gap):
        pre_r = float(np.sqrt(np.mean(gap[pre] ** 2)))
        post_r = float(np.sqrt(np.mean(gap[~pre] ** 2)))
        return pre_r, post_r, float(np.mean(gap[~pre]))

    w, gap = _fit(wide, treated, pool, pre, X)
    pre_r, post_r, mean_gap = stats_of(gap)
    rows, gaps = [{"unit": treated, "pre_rmspe": pre_r, "post_rmspe": post_r, "mean_gap": mean_gap}], []
    for j in pool if placebos else []:
        others = [u for u in pool if u != j]
        _, g = _fit(wide, j, others, pre, X)
        pr, po, mg = stats_of(g)
        rows.append({"unit": j, "pre_rmspe": pr, "post_rmspe": po, "mean_gap": mg})
        gaps.append(g)
    pl = pd.DataFrame(rows)
    pl["ratio"] = pl["post_rmspe"] / pl["pre_rmspe"]
    pl["std_gap"] = pl["mean_gap"].abs() / pl["pre_rmspe"]
    used = pl.iloc[1:]
    if exclude_ratio is not None:  # the cut-off is on the MSPE (squared), as in Abadie et al. (2010)
        used = used[used["pre_rmspe"] ** 2 <= exclude_ratio * pre_r**2]
    p_ratio = rank_pvalue(pl["ratio"].iloc[0], used["ratio"])
    p_gap = rank_pvalue(pl["std_gap"].iloc[0], used["std_gap"])
    # CI: τ with p(τ) > alpha, where the treated statistic is |mean_gap − τ| / pre_rmspe
    c, level = placebo_critical(used["std_gap"], alpha)
    lo, hi = mean_gap - c * pre_r, mean_gap + c * pre_r
    mde = placebo_mde(used["std_gap"], c) * pre_r  # at 80% power, as methods.few_treated
    if not placebos:
        p_ratio = p_gap = lo = hi = mde = float("nan")
    pl.attrs.update(pvalue_ratio=p_ratio, pvalue_mean_gap=p_gap, used=len(used), gaps=gaps)
    est = Estimate(
        mean_gap,
        float("nan"),
        lo,
        hi,
        p_gap,
        int(wide.size),
        "Synthetic control (placebo inference)",
        {
            "placebos": len(used),
            "pre_rmspe": round(pre_r, 4),
            "p_rmspe_ratio": round(p_ratio, 4),
            "ci_level": level,
            "mde": mde,
        },
        float(level),
    )
    gap_df = pd.DataFrame(
        {
            "time": times,
            "observed": wide.loc[treated].to_numpy(float),
            "synthetic": wide.loc[treated].to_numpy(float) - gap,
            "gap": gap,
            "post": ~pre,
        }
    )
    return SyntheticControlResult(pd.Series(w, index=pool, name="weight"), gap_df, est, pre_r, post_r, treated, pl)


__all__ = ["SyntheticControlResult", "conformal", "predictor_weights", "sdid", "simplex_weights", "synthetic_control"]
