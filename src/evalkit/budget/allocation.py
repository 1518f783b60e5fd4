"""Split one year's provincial budget across kab/kota — in whole recipients and Rupiah — and show what each
rule costs in equity.

Every rule keeps the same limits: at least today's recipients (``allocation.floor_keep_current``) and a
share of each kab/kota's eligible uncovered workers (``allocation.equity_min_gap_share``), at most
``allocation.cap_share_of_budget`` of the budget and never more recipients than eligible uncovered workers.
A recipient costs the province ``paid months × unit cost × province share`` (kab/kota co-funding makes it
cheaper there). Recipients are whole persons; the Rupiah a whole recipient cannot use are shown as the
``unallocated`` remainder, so the table always adds up to the budget to the Rupiah.

Rules: ``optimal`` (the most workers newly covered: additionality falls as a kab/kota's coverage saturates,
so the optimum equalises the workers newly covered per Rupiah across kab/kota, found exactly by bisection on
that shadow price), ``proportional_uncovered``, ``equal_gap`` (∝ recipients each needs to reach the
target), ``per_capita``. :func:`compare_rules` puts next to each rule the coverage of the worst-off kab/kota
and the Gini index of vulnerable-worker coverage across kab/kota, so a planner can see what efficiency costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .basis import basis
from .cost import unit_cost
from .state import BudgetInfeasible, added, base_state, central, grow, one_for_one, years_of

if TYPE_CHECKING:
    from ..params.schema import Params

ALLOCATION_RULES = ("optimal", "proportional_uncovered", "equal_gap", "per_capita")


@dataclass
class Allocation:
    """``table``: one row per kab/kota (``region_code, region_name, recipients`` (int), ``budget_rupiah``
    (int), ``newly_covered`` (int), ``eligible_uncovered`` (int), ``vulnerable_coverage_pct``,
    ``floor_rupiah``, ``cap_rupiah``, ``rupiah_per_recipient``); ``unallocated_rupiah``: the remainder."""

    table: pd.DataFrame
    rule: str
    budget: int
    unallocated_rupiah: int
    shadow_price_per_miliar: float | None = None  # extra newly covered workers per extra Rp 1 miliar (optimal only)

    @property
    def newly_covered(self) -> int:
        return int(self.table["newly_covered"].sum())


def gini(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Gini index (0 = equal, 1 = all in one) of ``values`` with population ``weights``."""
    x = np.asarray(values, float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, float)
    order = np.argsort(x)
    x, w = x[order], w[order]
    cw = np.cumsum(w)
    cxw = np.cumsum(x * w)
    total = cxw[-1]
    if total <= 0:
        return 0.0
    area = np.sum(w * (cxw - x * w / 2)) / (cw[-1] * total)
    return float(1 - 2 * area)


def _inputs(params: Params, data, budget: int, year: int | None, a: float):
    b = params.budget
    year = year or b.start_year
    base = base_state(params, data)
    state = grow(base, params, central(params, a))
    j = int(np.flatnonzero(years_of(params) == year)[0])
    one = {k: v[0, :, j] for k, v in state.items()}  # this year, one draw: kab/kota vectors
    codes = base.table.index.tolist()
    E = np.floor(one["E"] + 1e-9)
    paid = basis(params, data, codes)
    price = paid.months_paid * unit_cost(params) * paid.shares.loc[codes, "province"].to_numpy()
    price = np.round(price).astype(np.int64)
    lo = np.zeros(len(codes))
    if b.allocation.floor_keep_current:
        lo = np.maximum(lo, np.minimum(base.table["R"].to_numpy(), E))
    lo = np.ceil(np.maximum(lo, b.allocation.equity_min_gap_share * E))
    hi = np.floor(np.minimum(E, b.allocation.cap_share_of_budget * budget / np.maximum(price, 1)))
    return base, one, codes, E, price, lo, hi


def _check(base, codes, lo, hi, price, budget: int, params: Params) -> None:
    problems = []
    for i, code in enumerate(codes):
        if lo[i] > hi[i]:
            problems.append(
                f"{base.table.loc[code, 'region_name']} ({code}): its floor of {int(lo[i]):,} recipients "
                "(budget.allocation.floor_keep_current / equity_min_gap_share) exceeds its cap of "
                f"{int(hi[i]):,} (budget.allocation.cap_share_of_budget or its eligible uncovered workers)"
            )
    floors = int((lo * price).sum())
    if floors > budget:
        problems.append(
            f"the floors together need Rp {floors:,} (budget.allocation.floor_keep_current = "
            f"{params.budget.allocation.floor_keep_current}, budget.allocation.equity_min_gap_share = "
            f"{params.budget.allocation.equity_min_gap_share}) but the budget is Rp {budget:,}"
        )
    if problems:
        raise BudgetInfeasible("The allocation constraints cannot all hold: " + "; ".join(problems) + ".")


def _fill(weights: np.ndarray, lo: np.ndarray, hi: np.ndarray, price: np.ndarray, budget: int) -> np.ndarray:
    """Whole recipients: from the floors, spend the rest in proportion to ``weights`` (Rupiah shares) within the
    caps (iterative clipping), then hand out what whole recipients leave, cheapest kab/kota first."""
    x = lo * price.astype(float)
    free = np.ones(len(x), bool)
    remaining = budget - x.sum()
    cap = hi * price
    for _ in range(len(x) + 1):
        w = np.where(free, np.maximum(weights, 0), 0)
        if remaining <= 0 or w.sum() == 0:
            break
        give = remaining * w / w.sum()
        over = free & (give > cap - x)
        if not over.any():
            x += give
            break
        x[over] = cap[over]
        free &= ~over
        remaining = budget - x.sum()
    return np.clip(np.floor(x / price), lo, hi)


def _optimal(one: dict, lo: np.ndarray, hi: np.ndarray, price: np.ndarray, budget: int) -> tuple[np.ndarray, float]:
    """Most workers newly covered for the budget: maximise Σ E·(1 − exp(−k·R)) subject to Σ price·R ≤ budget
    and the limits. The objective is concave, so the optimum equalises the newly covered per Rupiah
    ``E·k·exp(−k·R) / price = λ`` across kab/kota between their limits; ``λ`` (workers per extra Rupiah, the
    shadow price) is found by bisection. Returns whole recipients and ``λ``."""
    E, k = one["E"], one["k"]
    star = one_for_one(one)  # below R*, each recipient adds one person: the marginal value is 1 / price

    def at(lam):
        curve = np.log(np.maximum(E * k / (price * lam), 1e-300)) / k
        return np.clip(np.where(price * lam >= 1, 0.0, np.maximum(curve, star)), lo, hi)

    if (hi * price).sum() <= budget:
        return np.floor(hi), 0.0
    lo_lam, hi_lam = 1e-15, float((np.maximum(E * k, 1) / price).max()) * 2
    for _ in range(200):
        mid = np.sqrt(lo_lam * hi_lam)
        if (at(mid) * price).sum() > budget:
            lo_lam = mid
        else:
            hi_lam = mid
    return np.floor(at(hi_lam) + 1e-9), hi_lam


def _top_up(R: np.ndarray, hi: np.ndarray, price: np.ndarray, budget: int, value: np.ndarray) -> np.ndarray:
    """Add whole recipients where the leftover still pays for one, best value per Rupiah first."""
    R = R.copy()
    for i in np.argsort(-value / price):
        left = budget - int((R * price).sum())
        extra = min(int(hi[i] - R[i]), left // int(price[i]))
        if extra > 0:
            R[i] += extra
    return R


def allocate(
    params: Params, data, budget: float, additionality_share: float, rule: str | None = None, year: int | None = None
) -> Allocation:
    """Split the province's ``budget`` (Rupiah, one APBD year) across the 10 kab/kota (see the module docstring)."""
    b = params.budget
    rule = rule or b.allocation.rule
    if rule not in ALLOCATION_RULES:
        raise BudgetInfeasible(f"unknown allocation rule {rule!r}; allowed: {', '.join(ALLOCATION_RULES)}")
    budget = int(np.floor(budget))
    base, one, codes, E, price, lo, hi = _inputs(params, data, budget, year, additionality_share)
    _check(base, codes, lo, hi, price, budget, params)
    # newly covered per extra recipient at the floor: one below R* (state.one_for_one), the curve's slope above
    marginal = np.where(lo < one_for_one(one), 1.0, one["E"] * one["k"] * np.exp(-one["k"] * lo))
    shadow = None
    if rule == "optimal":
        R, lam = _optimal(one, lo, hi, price, budget)
        shadow = lam * 1e9
    else:
        if rule == "proportional_uncovered":
            weights = E * price
        elif rule == "equal_gap":
            target = params.target.coverage_pct / 100
            if b.measure == "total_coverage":
                gap = np.maximum(target * one["W"] - one["PU"] - one["S"], 0)
            else:
                gap = np.maximum(target * one["V"] - one["S"], 0)
            weights = np.minimum(gap, E) * price
        else:
            weights = one["W"] * 1.0  # per working person
        R = _fill(weights, lo, hi, price, budget)
    R = _top_up(R, hi, price, budget, marginal).astype(np.int64)
    spent = R * price
    newly = np.floor(added(R.astype(float), one) + 1e-9).astype(np.int64)
    cov = 100 * (one["S"] + added(R.astype(float), one)) / one["V"]
    table = pd.DataFrame(
        {
            "region_code": codes,
            "region_name": base.table["region_name"].to_numpy(),
            "recipients": R,
            "budget_rupiah": spent.astype(np.int64),
            "newly_covered": newly,
            "eligible_uncovered": E.astype(np.int64),
            "vulnerable_coverage_pct": cov,
            "floor_rupiah": (lo * price).astype(np.int64),
            "cap_rupiah": (hi * price).astype(np.int64),
            "rupiah_per_recipient": price,
        }
    )
    return Allocation(table, rule, budget, int(budget - spent.sum()), shadow)


def compare_rules(
    params: Params, data, budget: float, additionality_share: float, year: int | None = None
) -> pd.DataFrame:
    """Every rule under the same limits: newly covered workers, Rupiah used, and what it means for equity —
    the vulnerable-worker coverage of the worst-off kab/kota and the Gini index across kab/kota."""
    rows = []
    for rule in ALLOCATION_RULES:
        al = allocate(params, data, budget, additionality_share, rule, year)
        t = al.table
        worst = t.loc[t["vulnerable_coverage_pct"].idxmin()]
        rows.append(
            {
                "rule": rule,
                "newly_covered": al.newly_covered,
                "budget_used": int(t["budget_rupiah"].sum()),
                "worst_kabkota": worst["region_name"],
                "worst_coverage_pct": float(worst["vulnerable_coverage_pct"]),
                "gini_coverage": gini(t["vulnerable_coverage_pct"].to_numpy()),
            }
        )
    return pd.DataFrame(rows)
