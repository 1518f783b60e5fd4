"""The one requirement engine: need → ramp → limits → whole recipients → cost and coverage, for any number
of parameter draws at once.

:func:`solve` takes the uncertain inputs as arrays (one value per draw) and returns, for every draw,
kab/kota and APBD year, the recipients (whole persons), what they cost (by funding source) and the coverage
they reach. The fixed path of the report is the draw at the params' central values
(:func:`required_budget`); the Monte Carlo, the tornado, the allocation's year and every headline use the
same engine, so they cannot disagree.

Steps, for each draw:

1. **Need**: the fewest recipients that reach the target in each year, spread over kab/kota in proportion to
   their eligible uncovered workers ``E`` (:mod:`.state`), never more than ``E`` — when even ``E``
   recipients fall short, the need is ``E`` and the target is out of reach (``room``).
2. **Ramp**: ``linear`` — equal yearly steps from today's recipients to the need in the target year;
   ``front`` — as fast as enrolment capacity allows. After the target year the target is kept.
3. **Limits**, in this order: eligible uncovered workers (``room``), enrolment capacity
   (``budget.max_new_recipients_per_year`` new recipients a year after ``churn_share`` leave, ``capacity``),
   the revenue ceiling of the province's share (``budget.cap_share_of_revenue``, ``cap``), and
   ``budget.policy_end_year``.
4. **Whole persons** per kab/kota (largest remainders), never above ``E``.
5. **Budget year**: each APBD year's list is determined anew; during the first
   months unpaid (observed in the data, or ``budget.determination_gap_months``: :mod:`.basis`) no contribution is paid (so cost = recipients × paid months ×
   unit cost) and the subsidised workers are not covered (``coverage_year_avg_pct``); coverage after the
   determination is what the target is measured on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.persons import whole_persons
from .allocation import allocate
from .basis import basis
from .cost import unit_cost
from .state import BaseState, BudgetInfeasible, base_state, central, coverage_pct, grow, measure_parts, years_of

if TYPE_CHECKING:
    from ..params.schema import Params

LIMITS = ("room", "capacity", "cap")
LIMIT_KEYS = {
    "room": "the eligible uncovered workers (subsidising every one of them)",
    "capacity": "budget.max_new_recipients_per_year",
    "cap": "budget.cap_share_of_revenue",
}


@dataclass
class Requirement:
    """Everything the engine computed, arrays ``draws × …`` (see the module docstring)."""

    years: np.ndarray
    codes: list[str]
    target_pct: float
    by_year: int
    recipients: np.ndarray  # int64, draws × kab/kota × years
    needed: np.ndarray  # int64, draws × years: recipients the target needs each year (at most E)
    eligible: np.ndarray  # int64, draws × kab/kota × years: eligible uncovered workers E
    cost: dict[str, np.ndarray]  # "total", "province", "kabkota", "csr": draws × years, Rupiah
    cap: np.ndarray  # years, Rupiah: the province's ceiling
    revenue: np.ndarray  # years, Rupiah
    coverage: np.ndarray  # draws × years, percent, after the list is determined
    coverage_year_avg: np.ndarray  # draws × years, percent, averaged over the 12 months
    coverage_without: np.ndarray  # draws × years, percent, with no subsidy at all
    binding: np.ndarray  # bool, draws × len(LIMITS)
    months_paid: int
    state: dict = field(repr=False, default_factory=dict)

    @property
    def j_target(self) -> int:
        return int(np.flatnonzero(self.years == self.by_year)[0])

    @property
    def reached(self) -> np.ndarray:
        """Coverage reached in the target year, per draw (percent)."""
        return self.coverage[:, self.j_target]

    @property
    def feasible(self) -> np.ndarray:
        return self.reached >= self.target_pct - 1e-9


def revenue_path(params: Params, years: np.ndarray) -> np.ndarray:
    """Provincial revenue per year (Rupiah): ``apbd_revenue_rupiah`` in ``revenue_base_year``, growing at
    ``revenue_growth_share``."""
    b = params.budget
    return b.apbd_revenue_rupiah * (1 + b.revenue_growth_share) ** (years - b.revenue_base_year)


def _need(state: dict, target_pct: float, measure: str) -> tuple[np.ndarray, np.ndarray]:
    """Recipients (draws × years, continuous) reaching ``target_pct`` when spread ∝ E, and whether even all
    eligible workers fall short (draws × years).

    Coverage is an increasing, concave function of the recipients, so Newton's method started at zero
    climbs to the root from below without overshooting; it stops once a step moves less than a thousandth
    of a person (at most 30 steps)."""
    E, k = state["E"], state["k"]
    total_E = E.sum(axis=1)
    share = E / np.maximum(total_E[:, None, :], 1e-12)
    covered, denominator = measure_parts(state, measure)
    wanted = target_pct / 100 * denominator - covered  # persons the subsidy must add
    slope = k * share  # d(k·R_i)/dN for R_i = share_i · N
    short = (E * -np.expm1(-slope * total_E[:, None, :])).sum(axis=1) < wanted - 1e-9
    n = np.zeros_like(total_E)
    for _ in range(30):
        x = np.exp(-slope * n[:, None, :])
        R = share * n[:, None, :]
        curve = E * (1 - x)
        one = R <= curve  # a recipient adds one person there (added = min(curve, R), state.added)
        f = np.where(one, R, curve).sum(axis=1) - wanted
        step = f / np.maximum(np.where(one, share, E * slope * x).sum(axis=1), 1e-300)
        n = np.clip(n - step, 0, total_E)
        if np.abs(np.where(short, 0, step)).max() < 1e-3:  # a thousandth of a person (short: already E)
            break
    return np.where(short, total_E, n), short


def solve(
    params: Params,
    data,
    draws: dict[str, np.ndarray],
    target_pct: float | None = None,
    by_year: int | None = None,
    base: BaseState | None = None,
    plan: np.ndarray | None = None,
) -> Requirement:
    """Run the engine for ``draws`` (arrays per uncertain input, see :func:`evalkit.budget.state.grow`).

    ``target_pct``: coverage target in percent (default ``target.coverage_pct``); ``by_year``: the year it
    must be reached (default ``target.year``). ``plan``: given recipients (kab/kota × years, whole persons)
    instead of the need and ramp — each draw gets them as far as its eligible uncovered workers allow, and
    their cost and coverage are computed the same way."""
    b = params.budget
    target_pct = params.target.coverage_pct if target_pct is None else float(target_pct)
    T = params.target.year if by_year is None else int(by_year)
    years = years_of(params)
    if not years[0] <= T <= years[-1]:
        raise BudgetInfeasible(f"the target year {T} is outside the projected years {years[0]}–{years[-1]}")
    base = base or base_state(params, data)
    codes = base.table.index.tolist()
    state = grow(base, params, draws)
    n, K, Y = state["E"].shape
    jT = int(np.flatnonzero(years == T)[0])
    E_whole = np.floor(state["E"] + 1e-9)
    room = E_whole.sum(axis=1)  # draws × years
    basis_ = basis(params, data, codes)
    months = basis_.months_paid
    c = unit_cost(params)
    split = basis_.shares.loc[codes]
    revenue = revenue_path(params, years)
    cap = b.cap_share_of_revenue * revenue
    binding = np.zeros((n, len(LIMITS)), bool)
    if plan is not None:
        R = np.minimum(np.asarray(plan, float)[None, :, :], E_whole).astype(np.int64)
        return _finish(
            years, codes, target_pct, T, R, R.sum(axis=1), E_whole, split, months, c, cap, revenue, binding, state, b
        )
    need, short = _need(state, target_pct, b.measure)
    need = np.minimum(np.ceil(need - 1e-6), room)
    R0 = float(base.table["R"].sum())
    steps = np.arange(1, Y + 1)[None, :]
    before = np.arange(Y)[None, :] <= jT
    if b.ramp == "linear":
        path = np.where(before, R0 + (need[:, [jT]] - R0) * steps / (jT + 1), need)
    else:
        path = np.where(before, np.minimum(need[:, [jT]], R0 + b.max_new_recipients_per_year * steps), need)
    binding[:, 0] = short[:, jT] | (path > room + 1e-6).any(axis=1)
    path = np.minimum(path, room)
    churn = np.clip(np.asarray(draws["churn_share"], float), 0, 1)
    prev = np.full(n, R0)
    for j in range(Y):  # enrolment capacity: additions = R_y − (1 − churn)·R_{y−1}
        most = (1 - churn) * prev + b.max_new_recipients_per_year
        binding[:, 1] |= path[:, j] > most + 1e-6
        path[:, j] = np.minimum(path[:, j], most)
        prev = path[:, j]
    if b.policy_end_year is not None:
        path[:, years > b.policy_end_year] = 0.0
    prov = split["province"].to_numpy()[None, :, None]
    R = whole_persons(np.floor(path + 1e-9), state["E"], state["E"])
    prov_cost = (R * prov).sum(axis=1) * months * c
    over = prov_cost > cap[None, :] + 1e-6
    if over.any():  # the province's ceiling: fewer recipients in the years over it
        binding[:, 2] = over.any(axis=1)
        per_person = months * c * (R * prov).sum(axis=1) / np.maximum(R.sum(axis=1), 1)
        allowed = np.floor(cap[None, :] / np.maximum(per_person, 1e-9))
        path = np.where(over, np.minimum(R.sum(axis=1), allowed), R.sum(axis=1))
        R = whole_persons(path, state["E"], state["E"])
        while True:  # whole persons can round the province's share up: drop one at a time where still over
            prov_cost = (R * prov).sum(axis=1) * months * c
            still = prov_cost > cap[None, :] + 1e-6
            if not still.any():
                break
            path = np.where(still, R.sum(axis=1) - 1, R.sum(axis=1))
            R = whole_persons(path, state["E"], state["E"])
    return _finish(years, codes, target_pct, T, R, need, E_whole, split, months, c, cap, revenue, binding, state, b)


def _finish(years, codes, target_pct, T, R, need, E_whole, split, months, c, cap, revenue, binding, state, b):
    """Cost by source and coverage of whole recipients ``R``: the common end of every engine run."""
    cost = {src: (R * split[src].to_numpy()[None, :, None]).sum(axis=1) * months * c for src in split.columns}
    cost["total"] = R.sum(axis=1) * months * c
    coverage = coverage_pct(R, state, b.measure)
    without = coverage_pct(np.zeros_like(R), state, b.measure)
    gap = 12 - months
    return Requirement(
        years,
        codes,
        target_pct,
        T,
        R,
        need.astype(np.int64),
        E_whole.astype(np.int64),
        cost,
        cap,
        revenue,
        coverage,
        (gap * without + months * coverage) / 12,
        without,
        binding,
        months,
        state,
    )


# --------------------------------------------------------------------------- the fixed path
@dataclass
class RequiredBudget:
    """The fixed path (the engine at the params' central values): ``feasible`` False names the binding limits.

    ``path`` columns: ``year, recipients, needed_recipients`` (whole persons), ``cost_rupiah`` (all sources),
    ``cost_province, cost_kabkota, cost_csr, cap_rupiah`` (Rupiah a year), ``months_paid``, ``coverage_pct``
    (after the list is determined), ``coverage_year_avg_pct``, ``coverage_without_subsidy_pct``.
    ``by_kabkota``: year × kab/kota recipients (int)."""

    feasible: bool
    path: pd.DataFrame
    target_pct: float
    by_year: int
    reached_pct: float
    message: str
    binding: list[str]
    by_kabkota: pd.DataFrame
    engine: Requirement = field(repr=False)  # the engine that solved it (for totals, draws and allocation)

    @property
    def budget(self) -> pd.Series:
        """Total contribution spending per year (Rupiah, all sources)."""
        return self.path.set_index("year")["cost_rupiah"]


def describe(req: Requirement, draw: int = 0) -> RequiredBudget:
    """The :class:`RequiredBudget` of one draw of an engine run."""
    years = req.years
    binding = [name for name, hit in zip(LIMITS, req.binding[draw]) if hit]
    R = req.recipients[draw]
    path = pd.DataFrame(
        {
            "year": years,
            "recipients": R.sum(axis=0),
            "needed_recipients": req.needed[draw],
            "cost_rupiah": req.cost["total"][draw],
            "cost_province": req.cost["province"][draw],
            "cost_kabkota": req.cost["kabkota"][draw],
            "cost_csr": req.cost["csr"][draw],
            "cap_rupiah": req.cap,
            "months_paid": req.months_paid,
            "coverage_pct": req.coverage[draw],
            "coverage_year_avg_pct": req.coverage_year_avg[draw],
            "coverage_without_subsidy_pct": req.coverage_without[draw],
        }
    )
    reached = float(req.reached[draw])
    feasible = bool(req.feasible[draw])
    jT = req.j_target
    if feasible:
        msg = (
            f"Reaching {req.target_pct:g}% by {req.by_year} needs {int(R[:, jT].sum()):,} recipients in "
            f"{req.by_year} (Rp {req.cost['total'][draw, jT]:,.0f} that year, all sources)."
        )
    else:
        msg = (
            f"The target of {req.target_pct:g}% by {req.by_year} cannot be reached: limited by "
            + ", ".join(LIMIT_KEYS[b] for b in binding or ["room"])
            + f". Coverage reaches {reached:.2f}% in "
            f"{req.by_year}."
        )
    by_kab = pd.DataFrame(R.T, index=pd.Index(years, name="year"), columns=req.codes)
    return RequiredBudget(
        feasible,
        path,
        req.target_pct,
        req.by_year,
        reached,
        msg,
        binding or ([] if feasible else ["room"]),
        by_kab,
        req,
    )


def required_budget(
    params: Params,
    data,
    additionality_share: float,
    target_pct: float | None = None,
    by_year: int | None = None,
    overrides: dict | None = None,
) -> RequiredBudget:
    """The smallest yearly path (with the params' ramp and limits) to ``target_pct`` (percent) by ``by_year``,
    at the central values of the uncertain inputs (``overrides`` replace some of them).

    **One answer per year and budget:** the engine finds each year's provincial budget (``cost_province``); the
    recipients of that year are then what :func:`evalkit.budget.allocation.allocate` buys with it under
    ``budget.allocation`` — the same function the allocation table, the pagu answer and the workbook use — and
    their cost by source and coverage are computed again from those whole recipients. The budget is the
    engine's (recipients spread in proportion to the eligible uncovered), so under the ``optimal`` rule the
    allocated recipients cover at least as many workers; the Monte Carlo and the tornado spread as the engine does.
    A year whose allocation limits cannot hold (e.g. no budget after ``budget.policy_end_year``) keeps the
    engine's spread."""
    draws = central(params, additionality_share) | {k: np.array([float(v)]) for k, v in (overrides or {}).items()}
    req = solve(params, data, draws, target_pct, by_year)
    a = float(draws["additionality_share"][0])
    budgets = req.cost["province"][0]
    plan = req.recipients[0].copy()
    for j, year in enumerate(req.years):
        if budgets[j] < 1:
            continue
        try:
            table = allocate(params, data, float(budgets[j]), a, year=int(year)).table
        except BudgetInfeasible:
            continue
        plan[:, j] = table.set_index("region_code").loc[req.codes, "recipients"].to_numpy()
    final = solve(params, data, draws, target_pct, by_year, plan=plan)
    final.needed = req.needed
    # the province's cost is the budget line each year's allocation spends (its remainder, less than one recipient's
    # contribution, stays in the line), so that allocating it gives these recipients again; the total adds it too
    line = np.floor(budgets)[None, :]
    final.cost["total"] = final.cost["total"] + (line - final.cost["province"])
    final.cost["province"] = line
    final.binding = req.binding if not final.feasible[0] else np.zeros_like(req.binding)
    return describe(final)
