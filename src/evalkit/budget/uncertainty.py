"""Monte Carlo over uncertain budget inputs, and one-at-a-time (tornado) sensitivities.

Draws come from the distributions in ``budget.uncertainty.parameters`` (seeded with ``params.seed``);
everything is vectorised over draws × kab/kota × years, so 10,000 draws × 10 kab/kota × 10 years take a
fraction of a second. Two questions per draw:

* *coverage under the plan*: with the recipients of the deterministic required-budget path, which
  coverage does each year reach? → P10/P50/P90 and the probability of reaching the target;
* *cost of the target*: how many recipients (and Rupiah) would this draw need to reach the target on
  the same ramp? → P10/P50/P90 of the yearly cost.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..params.schema import UNCERTAIN
from .cost import unit_cost
from .model import _grow, _years, base_state, required_budget


def draw(params, n: int | None = None, seed: int | None = None) -> dict[str, np.ndarray]:
    """Draws of every uncertain input (fixed inputs are repeated)."""
    b = params.budget
    n = n or b.uncertainty.draws
    rng = np.random.default_rng(params.seed if seed is None else seed)
    out = {}
    for name in UNCERTAIN:
        d = b.uncertainty.parameters.get(name)
        if d is None:
            out[name] = np.full(n, float(getattr(b, name)))
        elif d.dist == "normal":
            out[name] = rng.normal(d.mean, d.sd, n)
        elif d.dist == "uniform":
            out[name] = rng.uniform(d.low, d.high, n)
        else:
            out[name] = rng.triangular(d.low, d.mode, d.high, n) if d.high > d.low else np.full(n, d.mode)
    out["additionality_share"] = np.clip(out["additionality_share"], 0.01, 1.0)
    out["churn_share"] = np.clip(out["churn_share"], 0.0, 1.0)
    return out


@dataclass
class MonteCarlo:
    bands: pd.DataFrame  # year, coverage_p10/p50/p90 (plan), cost_p10/p50/p90 (target), p_reach
    p_reach_target: float
    draws: int
    seed: int


def simulate(params, data, plan_recipients: np.ndarray | None = None, n: int | None = None,
             seed: int | None = None) -> MonteCarlo:
    """Vectorised Monte Carlo (see module docstring). ``plan_recipients``: province totals per year."""
    b = params.budget
    d = draw(params, n, seed)
    n = len(d["additionality_share"])
    years = _years(params)
    base = base_state(params, data)
    if plan_recipients is None:
        plan_recipients = required_budget(params, data).path["recipients"].to_numpy()
    t = base.table
    col = lambda name: d[name][:, None, None]  # noqa: E731  draws × 1 × 1
    a = col("additionality_share")
    # the base-year self-paid share depends on additionality: S0 = BPU0 − a·R0
    bpu0 = (t["S"] + b.additionality_share * t["R"]).to_numpy()[None, :, None]
    S0 = np.maximum(bpu0 - a * t["R"].to_numpy()[None, :, None], 0)
    growth = ("working_pop_growth_share", "vulnerable_growth_share", "formal_coverage_growth_pp", "self_paid_growth_pp")
    state = _grow(base, params, years, {g: col(g) for g in growth},
                  self_paid_share=S0 / t["V"].to_numpy()[None, :, None])
    W, V, PU, S = state["W"], state["V"], state["PU"], state["S"]
    room = np.maximum(V - S, 0) / a
    share = room / np.maximum(room.sum(axis=1, keepdims=True), 1e-12)
    R = np.minimum(share * np.asarray(plan_recipients)[None, None, :], room)
    measure_total = b.measure == "total_coverage"
    num = (PU + S + a * R).sum(axis=1) if measure_total else (S + a * R).sum(axis=1)
    den = W.sum(axis=1) if measure_total else V.sum(axis=1)
    coverage = 100 * num / den  # draws × Y
    # cost each draw needs for the target on the same (linear) ramp
    tgt = params.target.coverage_pct / 100
    jT = int(np.flatnonzero(years == params.target.year)[0])
    need_T = np.maximum((tgt * den[:, jT] - (PU + S).sum(axis=1)[:, jT] if measure_total
                         else tgt * den[:, jT] - S.sum(axis=1)[:, jT]) / a[:, 0, 0], 0)
    R0 = t["R"].sum()
    steps = np.minimum(np.arange(1, len(years) + 1), jT + 1) / (jT + 1)
    need_path = R0 + (need_T[:, None] - R0) * steps[None, :]
    cost = need_path * 12 * unit_cost(params)
    q = lambda x, p: np.quantile(x, p, axis=0)  # noqa: E731
    reach = coverage >= params.target.coverage_pct - 1e-9
    bands = pd.DataFrame({"year": years,
                          "coverage_p10": q(coverage, 0.1), "coverage_p50": q(coverage, 0.5), "coverage_p90": q(coverage, 0.9),
                          "cost_p10": q(cost, 0.1), "cost_p50": q(cost, 0.5), "cost_p90": q(cost, 0.9),
                          "p_reach": reach.mean(axis=0)})
    return MonteCarlo(bands, float(reach[:, jT].mean()), n, params.seed if seed is None else seed)


def tornado(params, data) -> pd.DataFrame:
    """Cost in the target year when each uncertain input alone moves to its P10 and P90 (others at base).

    Columns: ``parameter, low_value, high_value, cost_low, cost_high, base_cost, swing`` (Rupiah),
    sorted by swing.
    """
    b = params.budget
    base = required_budget(params, data)
    jT = int(np.flatnonzero(base.path["year"].to_numpy() == params.target.year)[0])
    base_cost = float(base.path["cost_rupiah"].iloc[jT])
    d = draw(params, 20_000)
    rows = []
    for name, dist in b.uncertainty.parameters.items():
        lo, hi = np.quantile(d[name], [0.1, 0.9])
        costs = []
        for v in (lo, hi):
            over = {name: float(v)}
            if name == "additionality_share":
                r = required_budget(params, data, additionality_share=float(v))
            else:
                r = required_budget(params, data, overrides=over)
            costs.append(float(r.path["cost_rupiah"].iloc[jT]))
        rows.append({"parameter": name, "low_value": lo, "high_value": hi, "cost_low": costs[0], "cost_high": costs[1],
                     "base_cost": base_cost, "swing": abs(costs[1] - costs[0])})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)


def plot_fan(bands: pd.DataFrame, target_pct: float, labels: dict):
    """Coverage fan (P10–P90, median) against the target, and the cost band of reaching it."""
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.2))
    y = bands["year"]
    a1.fill_between(y, bands["coverage_p10"], bands["coverage_p90"], color="#1b6ca8", alpha=0.25, lw=0,
                    label=labels.get("band", "P10–P90"))
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


def plot_tornado(table: pd.DataFrame, labels: dict, xlabel: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 0.5 * len(table) + 1.5))
    t = table.iloc[::-1]
    base = t["base_cost"].iloc[0] / 1e9
    y = np.arange(len(t))
    ax.barh(y, t["cost_low"] / 1e9 - base, left=base, color="#1b6ca8", label="P10")
    ax.barh(y, t["cost_high"] / 1e9 - base, left=base, color="#e07b39", label="P90")
    ax.axvline(base, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([labels.get(p, p) for p in t["parameter"]])
    ax.set_xlabel(xlabel)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig
