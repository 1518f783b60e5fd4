"""Interrupted time series: segmented regression with Newey–West (HAC) standard errors.

``y_t = b0 + b1·t + b2·D_t + b3·(t − t0)·D_t [+ month-of-year dummies] + e_t`` with ``D_t = 1`` from
the intervention on. ``level_change`` = b2 (immediate shift), ``slope_change`` = b3 (per period), and
``att`` = the mean post-period gap between observed and counterfactual, b2 + b3·mean(t − t0), whose
standard error comes from the same HAC covariance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS  # not statsmodels.api: 1 s less at every import

from ..core.figures import time_axis
from .panel import period_index
from .result import Estimate


@dataclass
class ITSResult:
    level_change: Estimate
    slope_change: Estimate
    att: Estimate
    counterfactual: pd.DataFrame  # time, observed, fitted, counterfactual, post
    hac_lags: int
    model: object

    def tidy(self) -> pd.DataFrame:
        out = pd.concat([self.level_change.tidy(), self.slope_change.tidy(), self.att.tidy()], ignore_index=True)
        out.insert(0, "term", ["level_change", "slope_change", "att"])
        return out

    def summary(self) -> str:
        return "\n".join(
            [
                f"Interrupted time series (segmented regression, Newey-West HAC, {self.hac_lags} lags)",
                "  level change: " + self.level_change.summary(),
                "  slope change: " + self.slope_change.summary(),
                "  mean post gap: " + self.att.summary(),
            ]
        )

    def plot(self, ax=None, labels: dict | None = None):
        """Observed series, fitted line and the counterfactual continuation of the pre-trend."""
        import matplotlib.pyplot as plt

        lab = {
            "observed": "Observed",
            "fitted": "Fitted",
            "counterfactual": "Counterfactual (no policy)",
            "start": "Intervention",
            "ylabel": "",
            "xlabel": "",
        } | (labels or {})
        fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
        cf = self.counterfactual
        ax.plot(cf["time"], cf["observed"], "o", ms=3, color="#7f7f7f", label=lab["observed"])
        ax.plot(cf["time"], cf["fitted"], color="#1b6ca8", lw=2, label=lab["fitted"])
        post = cf["post"]
        ax.plot(
            cf.loc[post, "time"],
            cf.loc[post, "counterfactual"],
            color="#1b6ca8",
            ls="--",
            lw=1.5,
            label=lab["counterfactual"],
        )
        ax.fill_between(
            cf.loc[post, "time"],
            cf.loc[post, "counterfactual"],
            cf.loc[post, "fitted"],
            color="#1b6ca8",
            alpha=0.12,
            lw=0,
        )
        start = cf.loc[post, "time"].iloc[0]
        ax.axvline(start, color="#333333", ls=":", lw=1, label=lab["start"])
        if np.issubdtype(np.asarray(cf["time"]).dtype, np.datetime64):
            time_axis(ax)
        ax.set_ylabel(lab["ylabel"])
        ax.set_xlabel(lab["xlabel"])
        ax.legend(loc="upper left")
        return fig


def fit(
    df: pd.DataFrame,
    outcome: str,
    time: str,
    intervention,
    *,
    seasonality: int | None = None,
    hac_lags: int | None = None,
    alpha: float = 0.05,
) -> ITSResult:
    """Segmented regression of one time series.

    ``intervention`` is the first treated period (same type as ``time``: a date such as
    ``"2023-07"`` for monthly data, or an integer) or the name of a 0/1 column. ``seasonality=12``
    adds month-of-year dummies (monthly data). ``hac_lags`` defaults to ⌊4·(n/100)^(2/9)⌋.
    """
    d = df.dropna(subset=[outcome, time]).sort_values(time).reset_index(drop=True)
    repeated = d[time][d[time].duplicated()]
    if len(repeated):
        raise ValueError(
            f"an interrupted time series has one value per period; {len(repeated)} period(s) appear more "
            f"than once (first: {repeated.iloc[0]}): aggregate a stacked panel to one series first"
        )
    t = period_index(d[time])
    if isinstance(intervention, str) and intervention in d.columns:
        D = d[intervention].to_numpy(float)
        t0 = t[np.argmax(D > 0)]
    else:
        if isinstance(intervention, (str, pd.Timestamp, pd.Period)) or hasattr(intervention, "year"):
            t0 = float(period_index(pd.Series(pd.to_datetime([str(intervention)])))[0])
        else:
            t0 = float(intervention)
        D = (t >= t0).astype(float)
    if D.sum() == 0 or D.sum() == len(D):
        raise ValueError("the intervention must fall inside the series, with periods before and after it")
    if (D == 0).sum() < 3 or (D > 0).sum() < 2:
        raise ValueError(
            f"an interrupted time series needs at least 3 periods before the intervention and 2 after; "
            f"the series has {int((D == 0).sum())} and {int((D > 0).sum())}"
        )
    tc = t - t0
    X = pd.DataFrame({"const": 1.0, "trend": tc, "level": D, "slope": tc * D})
    if seasonality:
        season = (t % seasonality).astype(int)
        for s in range(1, seasonality):
            X[f"season_{s}"] = (season == s).astype(float)
    if np.linalg.matrix_rank(X.to_numpy(float)) < X.shape[1]:
        raise ValueError("the segmented regression is singular (too few distinct periods for its terms)")
    n = len(d)
    lags = hac_lags if hac_lags is not None else int(np.floor(4 * (n / 100) ** (2 / 9)))
    y = d[outcome].to_numpy(float)
    model = OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
    V = model.cov_params().to_numpy()
    names = list(X.columns)
    dfree = int(model.df_resid)
    q = stats.t.ppf(1 - alpha / 2, dfree)

    def est(vec: np.ndarray, label: str) -> Estimate:
        b = float(vec @ model.params.to_numpy())
        se = float(np.sqrt(vec @ V @ vec))
        p = float(2 * stats.t.sf(abs(b / se), dfree))
        return Estimate(
            b, se, b - q * se, b + q * se, p, n, f"ITS {label} (HAC, {lags} lags)", {"hac_lags": lags}, 1 - alpha
        )

    e_level = np.zeros(len(names))
    e_level[names.index("level")] = 1
    e_slope = np.zeros(len(names))
    e_slope[names.index("slope")] = 1
    e_att = e_level + e_slope * tc[D > 0].mean()
    fitted = model.fittedvalues.to_numpy()
    cf_X = X.copy()
    cf_X[["level", "slope"]] = 0.0
    counterfactual = cf_X.to_numpy() @ model.params.to_numpy()
    cf = pd.DataFrame(
        {"time": d[time].to_numpy(), "observed": y, "fitted": fitted, "counterfactual": counterfactual, "post": D > 0}
    )
    return ITSResult(
        est(e_level, "level change"), est(e_slope, "slope change"), est(e_att, "mean post gap"), cf, lags, model
    )
