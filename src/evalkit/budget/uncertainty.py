"""Monte Carlo over the uncertain budget inputs, and one-at-a-time (tornado) sensitivities — both through
the one requirement engine (:mod:`.requirement`), so that with no uncertain input every draw equals the
fixed path exactly.

Draws come from the distributions in ``budget.uncertainty.parameters`` (seeded with ``params.seed``);
an input without a distribution stays at its params value. Two questions per draw:

* *coverage under the plan*: with the fixed path's recipients (whole persons per kab/kota, never more than
  the draw's eligible uncovered workers), which coverage does each year reach? → P10/P50/P90 and the
  probability of reaching the target;
* *cost of the target*: what does the engine need in this draw (same ramp and limits)? → P10/P50/P90 of
  the yearly cost (all sources).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from ..params.schema import UNCERTAIN
from .requirement import RequiredBudget, solve
from .state import central

if TYPE_CHECKING:
    from ..params.schema import Params


def draw(
    params: Params, additionality_share: float, n: int | None = None, seed: int | None = None
) -> dict[str, np.ndarray]:
    """``n`` draws of every uncertain input (inputs without a distribution keep their central value; the
    central additionality is ``additionality_share``)."""
    b = params.budget
    n = n or b.uncertainty.draws
    rng = np.random.default_rng(params.seed if seed is None else seed)
    fixed = central(params, additionality_share)
    out = {}
    for name in UNCERTAIN:
        d = b.uncertainty.parameters.get(name)
        if d is None:
            out[name] = np.full(n, fixed[name][0])
        elif d.dist == "normal":  # the schema requires each distribution's own parameters (Distribution._complete)
            out[name] = rng.normal(cast(float, d.mean), cast(float, d.sd), n)
        elif d.dist == "uniform":
            out[name] = rng.uniform(cast(float, d.low), cast(float, d.high), n)
        else:
            low, mode, high = cast(float, d.low), cast(float, d.mode), cast(float, d.high)
            out[name] = rng.triangular(low, mode, high, n) if high > low else np.full(n, mode)
    out["additionality_share"] = np.clip(out["additionality_share"], 0.01, 1.0)
    out["churn_share"] = np.clip(out["churn_share"], 0.0, 1.0)
    return out


@dataclass
class MonteCarlo:
    bands: pd.DataFrame  # year, coverage_p10/p50/p90 (plan), cost_p10/p50/p90 (target), p_reach
    p_reach_target: float
    draws: int
    seed: int
    coverage: np.ndarray  # draws × years: coverage under the plan
    cost: np.ndarray  # draws × years: cost of the target (all sources)


def simulate(
    params: Params,
    data,
    plan: RequiredBudget,
    additionality_share: float,
    n: int | None = None,
    seed: int | None = None,
) -> MonteCarlo:
    """The Monte Carlo of the module docstring, for the fixed path ``plan``."""
    d = draw(params, additionality_share, n, seed)
    req = solve(params, data, d)  # what each draw needs for the target
    coverage = solve(params, data, d, plan=plan.by_kabkota.to_numpy().T).coverage  # what the plan reaches
    cost = req.cost["total"]
    q = lambda x, p: np.quantile(x, p, axis=0)  # noqa: E731
    reach = coverage >= params.target.coverage_pct - 1e-9
    bands = pd.DataFrame(
        {
            "year": req.years,
            "coverage_p10": q(coverage, 0.1),
            "coverage_p50": q(coverage, 0.5),
            "coverage_p90": q(coverage, 0.9),
            "cost_p10": q(cost, 0.1),
            "cost_p50": q(cost, 0.5),
            "cost_p90": q(cost, 0.9),
            "p_reach": reach.mean(axis=0),
        }
    )
    return MonteCarlo(
        bands, float(reach[:, req.j_target].mean()), len(cost), params.seed if seed is None else seed, coverage, cost
    )


def tornado(params: Params, data, additionality_share: float) -> pd.DataFrame:
    """Target-year cost when each uncertain input alone moves to its P10 and P90 (the others central).

    Columns: ``parameter, low_value, high_value, cost_low, cost_high, base_cost, swing`` (Rupiah), sorted by
    swing."""
    b = params.budget
    fixed = central(params, additionality_share)
    base = solve(params, data, fixed)
    jT = base.j_target
    base_cost = float(base.cost["total"][0, jT])
    d = draw(params, additionality_share, 20_000)
    rows = []
    for name in b.uncertainty.parameters:
        lo, hi = np.quantile(d[name], [0.1, 0.9])
        two = {k: np.repeat(v, 2) for k, v in fixed.items()} | {name: np.array([lo, hi])}
        cost = solve(params, data, two).cost["total"][:, jT]
        rows.append(
            {
                "parameter": name,
                "low_value": lo,
                "high_value": hi,
                "cost_low": float(cost[0]),
                "cost_high": float(cost[1]),
                "base_cost": base_cost,
                "swing": abs(float(cost[1] - cost[0])),
            }
        )
    return pd.DataFrame(
        rows, columns=["parameter", "low_value", "high_value", "cost_low", "cost_high", "base_cost", "swing"]
    ).sort_values("swing", ascending=False, ignore_index=True)


def plot_fan(bands: pd.DataFrame, target_pct: float, labels: dict):
    """Coverage fan (P10–P90, median) against the target, and the cost band of reaching it."""
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.2))
    y = bands["year"]
    a1.fill_between(
        y,
        bands["coverage_p10"],
        bands["coverage_p90"],
        color="#1b6ca8",
        alpha=0.25,
        lw=0,
        label=labels.get("band", "P10–P90"),
    )
    a1.plot(y, bands["coverage_p50"], color="#1b6ca8", lw=2, label=labels.get("median", "P50"))
    a1.axhline(target_pct, color="#c0392b", ls="--", label=labels.get("target", "Target"))
    a1.set_ylabel(labels.get("coverage", "Coverage (%)"))
    a1.legend(loc="lower right")
    a2.fill_between(y, bands["cost_p10"] / 1e9, bands["cost_p90"] / 1e9, color="#e07b39", alpha=0.25, lw=0)
    a2.plot(y, bands["cost_p50"] / 1e9, color="#e07b39", lw=2)
    a2.set_ylabel(labels.get("cost", "Rp billion"))
    for a in (a1, a2):
        a.set_xticks(list(y))
    fig.tight_layout()
    return fig


def plot_tornado(table: pd.DataFrame, labels: dict, xlabel: str, legend: dict | None = None):
    """How far the target-year cost moves from its base (Rupiah billion, axis through zero) when each input alone
    goes to its P10 or P90; an input that does not move the cost is marked as such instead of an empty row.
    ``labels`` names the inputs; ``legend``: ``low``, ``high``, ``none`` (the words for P10, P90, no change)."""
    import matplotlib.pyplot as plt

    words = {"low": "P10", "high": "P90", "none": "no change"} | (legend or {})
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(table) + 1.6))
    t = table.iloc[::-1]
    low = (t["cost_low"] - t["base_cost"]).to_numpy() / 1e9
    high = (t["cost_high"] - t["base_cost"]).to_numpy() / 1e9
    y = np.arange(len(t))
    ax.barh(y, low, color="#1b6ca8", label=words["low"])
    ax.barh(y, high, color="#e07b39", label=words["high"])
    ax.axvline(0, color="black", lw=0.8)
    span = max(float(np.abs(np.r_[low, high]).max()) if len(t) else 0.0, 1e-9)
    for yi, lo, hi in zip(y, low, high):
        if abs(lo) < 1e-3 * span and abs(hi) < 1e-3 * span:
            ax.text(0.01 * span, float(yi), words["none"], va="center", fontsize=10, color="#52606d")
    ax.set_xlim(-1.15 * span, 1.15 * span)
    ax.set_yticks(y)
    ax.set_yticklabels([labels.get(p, p) for p in t["parameter"]])
    ax.set_xlabel(xlabel)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18 - 0.5 / max(len(t), 1)), ncol=2, frameon=False)
    fig.tight_layout()
    return fig
