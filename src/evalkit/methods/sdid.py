"""Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens & Wager 2021, AER 111(12)).

Unit weights ``ω`` (on the simplex, with an intercept and a ridge penalty ``ζ² T_pre ||ω||²``,
``ζ = (N_treated·T_post)^{1/4}·σ``, ``σ`` the standard deviation of the controls' first differences before
treatment) make the weighted controls move in parallel with the treated units before treatment; time weights
``λ`` (simplex, intercept, practically unpenalised) make the weighted pre-periods predict the controls' post-period
mean. The effect is the weighted double difference

    τ = (ȳ_treated,post − λ'y_treated,pre) − Σ_i ω_i (ȳ_i,post − λ'y_i,pre).

Inference is the paper's placebo method (Algorithm 4), the one it recommends with a single treated unit: each
control in turn plays the treated unit (all of them when one unit is treated, otherwise ``B`` random draws), the
variance of those placebo estimates is the variance of ``τ``, and the interval is normal. It assumes the treated
unit's noise is like the controls' (homoskedastic across units). The p-value is the rank of ``|τ|`` among the
placebos' ``|τ_j|`` — never below ``1/(placebos + 1)`` — with the normal one beside it (``info["p_normal"]``).

Unlike the R package's default this solves each weight problem to optimality (no Frank–Wolfe iteration cap and
no sparsification step), so estimates equal ``synthdid`` run with ``sparsify=None`` and a tight tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .inference import placebo_critical, rank_pvalue
from .panel import wide_outcomes
from .result import Estimate
from .simplex import ridge_simplex_weights


def sdid_weights(Y: np.ndarray, n_control: int, n_pre: int) -> tuple[np.ndarray, np.ndarray, float]:
    """``(ω, λ, τ)`` for the outcome matrix ``Y`` (units × periods; controls first, pre-periods first)."""
    N, T = Y.shape
    n_treated, n_post = N - n_control, T - n_pre
    control_pre = Y[:n_control, :n_pre]
    sigma = float(np.std(np.diff(control_pre, axis=1), ddof=1)) if n_pre > 2 else 0.0
    zeta_omega = (n_treated * n_post) ** 0.25 * sigma
    zeta_lambda = 1e-6 * sigma
    lam = ridge_simplex_weights(control_pre, Y[:n_control, n_pre:].mean(axis=1), n_control * zeta_lambda**2)
    omega = ridge_simplex_weights(control_pre.T, Y[n_control:, :n_pre].mean(axis=0), n_pre * zeta_omega**2)
    treated_diff = Y[n_control:, n_pre:].mean() - Y[n_control:, :n_pre].mean(axis=0) @ lam
    control_diff = Y[:n_control, n_pre:].mean(axis=1) - control_pre @ lam
    return omega, lam, float(treated_diff - omega @ control_diff)


def pre_rmse(Y: np.ndarray, n_control: int, n_pre: int, omega: np.ndarray) -> float:
    """Root mean square of the treated mean's pre-period gap to the ω-weighted controls, after the constant shift
    SDID allows: how closely the fit tracks the treated unit before the start (its noise, for studentising)."""
    gap = Y[n_control:, :n_pre].mean(axis=0) - omega @ Y[:n_control, :n_pre]
    return float(np.sqrt(np.mean((gap - gap.mean()) ** 2)))


@dataclass
class SDIDResult:
    """Synthetic DiD: ``att`` (placebo inference), ``unit_weights``, ``time_weights``, ``placebos`` (the placebo
    estimates) and ``paths`` (time, treated, synthetic, post: the treated mean and the ω-weighted controls shifted
    by the λ-weighted pre-period difference)."""

    att: Estimate
    unit_weights: pd.Series
    time_weights: pd.Series
    placebos: np.ndarray
    paths: pd.DataFrame
    treated: list = field(default_factory=list)

    def tidy(self) -> pd.DataFrame:
        return self.att.tidy()

    def summary(self) -> str:
        top = self.unit_weights[self.unit_weights > 0.001].sort_values(ascending=False).head(8)
        return (
            f"Synthetic DiD for {', '.join(map(str, self.treated))}\n  unit weights: "
            + ", ".join(f"{k} {v:.3f}" for k, v in top.items())
            + f"\n  {self.att.summary()}"
        )

    def plot(self, ax=None, labels: dict | None = None):
        """Treated vs the weighted controls (``labels``: ``observed``, ``synthetic``, ``ylabel``)."""
        import matplotlib.pyplot as plt

        lab = {"observed": "Treated", "synthetic": "Weighted controls (SDID)", "ylabel": ""} | (labels or {})
        fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(9, 4.2))
        p = self.paths
        ax.plot(p["time"], p["treated"], color="#c0392b", lw=2, label=lab["observed"])
        ax.plot(p["time"], p["synthetic"], color="#1b6ca8", lw=2, ls="--", label=lab["synthetic"])
        ax.axvline(p.loc[p["post"], "time"].iloc[0], color="#333333", ls=":", lw=1)
        ax.set_ylabel(lab["ylabel"])
        ax.legend(loc="upper left")
        fig.tight_layout()
        return fig


def sdid(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated,
    treatment_time,
    *,
    alpha: float = 0.05,
    B: int = 200,
    seed: int = 0,
    placebos: bool = True,
) -> SDIDResult:
    """Synthetic difference-in-differences of ``treated`` (one unit or a list) treated from ``treatment_time``.

    Needs a balanced panel, at least two pre-periods, one post-period and more controls than treated units.
    With one treated unit every control is a placebo once (deterministic); with several, ``B`` random placebo
    assignments drawn with ``seed``. ``placebos=False`` gives the point estimate only (NaN uncertainty), for
    robustness checks.
    """
    treated_units = list(treated) if isinstance(treated, (list, tuple, set)) else [treated]
    wide, pre, times = wide_outcomes(df, outcome, unit, time, treatment_time, treated_units, "synthetic DiD")
    controls = [u for u in wide.index if u not in treated_units]
    n_pre = int(pre.sum())
    if len(controls) <= len(treated_units):
        raise ValueError(
            f"synthetic DiD needs more control units than treated ones ({len(controls)} controls, "
            f"{len(treated_units)} treated)"
        )
    Y = wide.loc[controls + treated_units].to_numpy(float)  # periods in order: the pre-periods come first
    n_control = len(controls)
    omega, lam, tau = sdid_weights(Y, n_control, n_pre)

    n_treated = len(treated_units)
    Yc = Y[:n_control]
    if not placebos:
        draws = []
    elif n_treated == 1:
        draws = [np.r_[np.delete(np.arange(n_control), j), j] for j in range(n_control)]
    else:
        rng = np.random.default_rng(seed)
        draws = [rng.permutation(n_control) for _ in range(B)]
    fits = [(Yc[idx], sdid_weights(Yc[idx], n_control - n_treated, n_pre)) for idx in draws]
    placebo = np.array([f[2] for _, f in fits])
    # studentised by each fit's own pre-period RMSE: a treated unit noisier than the donors gets a wider interval
    # than the donors' placebo spread alone would give (#33; the SC literature's RMSPE scaling)
    scales = np.array([pre_rmse(Yp, n_control - n_treated, n_pre, f[0]) for Yp, f in fits])
    own = pre_rmse(Y, n_control, n_pre, omega)
    se = float(np.sqrt(np.mean((placebo - placebo.mean()) ** 2))) if len(placebo) else float("nan")  # Alg. 4
    z = stats.norm.ppf(1 - alpha / 2)
    p_normal = float(2 * stats.norm.sf(abs(tau) / se)) if se > 0 else float("nan")
    # the p-value is the rank of |τ| among the placebos' |τ_j| (studentised when every fit has a pre-period misfit):
    # m placebos cannot support a p below 1/(m + 1), which a normal tail happily reports (1.8e-266 on Kaltim, #33);
    # the normal one is kept beside it
    if len(placebo) and own > 0 and (scales > 0).all():
        q, level = placebo_critical(np.abs(placebo) / scales, alpha)
        lo, hi = tau - q * own, tau + q * own
        p_rank = rank_pvalue(abs(tau) / own, np.abs(placebo) / scales)
    else:
        lo, hi, level = tau - z * se, tau + z * se, 1 - alpha
        p_rank = rank_pvalue(abs(tau), np.abs(placebo)) if len(placebo) else float("nan")
    est = Estimate(
        tau,
        se,
        lo,
        hi,
        p_rank,
        int(wide.size),
        "Synthetic DiD (placebos studentised by their pre-period fit)",
        {
            "placebos": len(placebo),
            "p_rank": p_rank,
            "p_normal": p_normal,
            "mde": float((z + stats.norm.ppf(0.8)) * se),
            "ci_level": float(level),
            "pre_rmse": own,
            "donor_pre_rmse_median": float(np.median(scales)) if len(placebo) else float("nan"),
        },
        float(level),
    )
    treated_path = Y[n_control:].mean(axis=0)
    weighted = omega @ Yc
    shift = (treated_path[:n_pre] - weighted[:n_pre]) @ lam
    paths = pd.DataFrame({"time": times, "treated": treated_path, "synthetic": weighted + shift, "post": ~pre})
    return SDIDResult(
        est,
        pd.Series(omega, index=controls, name="omega"),
        pd.Series(lam, index=times[:n_pre], name="lambda"),
        placebo,
        paths,
        treated_units,
    )
