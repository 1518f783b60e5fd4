"""Budget projection, required budget (inverse solve), allocation across kab/kota, value, extra groups.

State per kab/kota *i* and year *y* (persons unless stated):

* working population ``W`` and vulnerable workers ``V`` grow at ``budget.*_growth_share``;
* formal (PU) coverage of non-vulnerable workers rises by ``formal_coverage_growth_pp`` a year;
* self-paid BPU coverage ``S/V`` (what would happen without subsidy) rises by ``self_paid_growth_pp``;
* subsidised recipients ``R`` add ``a·R`` participants, ``a`` = additionality (the rest would have
  joined anyway), at most the uncovered vulnerable workers ``V − S``;
* total coverage = ``(PU + S + a·R) / W``; vulnerable coverage = ``(S + a·R) / V`` (percent);
* cost = ``R × 12 × unit_cost`` Rupiah a year, split between province, kab/kota and CSR.

The base year state comes from the data (the last month of ``target.base_year`` in the panel).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import EvalkitError
from .cost import unit_cost

SOURCES = ("province", "kabkota", "csr")


class BudgetInfeasible(EvalkitError):
    """The target or the allocation cannot be met under the constraints; the message names them."""

    kind = "budget"


@dataclass
class BaseState:
    """Base-year state per kab/kota (index = region code)."""

    year: int
    month: pd.Timestamp
    table: pd.DataFrame  # region_name, W, V, PU, F, S, R (current recipients)


def base_state(params, data, additionality: float | None = None) -> BaseState:
    """Kab/kota state in the last panel month of ``target.base_year`` (or the latest month before it)."""
    a = additionality if additionality is not None else params.budget.additionality_share
    kt = data.kaltim
    year = params.target.base_year
    months = kt.loc[kt["period"].dt.year <= year, "period"]
    if months.empty:
        raise BudgetInfeasible(f"the data has no month in or before target.base_year {year}")
    month = months.max()
    m = kt[kt["period"] == month].set_index("region_code").sort_index()
    R = m[["subsidised_prov", "subsidised_kabkota", "subsidised_csr"]].sum(axis=1).astype(float)
    t = pd.DataFrame({
        "region_name": m["region_name"],
        "W": m["working_pop"].astype(float),
        "V": m["vulnerable_workers"].astype(float),
        "PU": (m["participants_total"] - m["bpu_participants"]).astype(float),
        "S": (m["bpu_participants"] - a * R).clip(lower=0).astype(float),
        "R": R,
    })
    t["F"] = t["W"] - t["V"]
    return BaseState(year, month, t)


def funding_split(params, codes) -> pd.DataFrame:
    """Share of each recipient's contribution paid by province / kab/kota / CSR, per kab/kota."""
    b = params.budget
    rows = {}
    for c in codes:
        kab = b.kabkota_cofunding_share.get(c, b.funding_shares.kabkota)
        csr = b.funding_shares.csr
        rows[c] = {"province": max(0.0, 1.0 - kab - csr), "kabkota": kab, "csr": csr if kab + csr <= 1 else 1 - kab}
    return pd.DataFrame.from_dict(rows, orient="index")[list(SOURCES)]


def _years(params) -> np.ndarray:
    return np.arange(params.budget.start_year, params.budget.end_year + 1)


def _grow(base: BaseState, params, years: np.ndarray, overrides: dict | None = None,
          self_paid_share=None) -> dict[str, np.ndarray]:
    """Arrays of W, V, PU, S without subsidy, kab/kota × year.

    ``overrides`` replace growth inputs; their values may be arrays shaped ``draws × 1 × 1`` (Monte
    Carlo), and then every result is ``draws × kab/kota × year``. ``self_paid_share`` replaces the base
    year's self-paid share S/V (it depends on the additionality assumed).
    """
    b = params.budget
    o = overrides or {}
    g_w = o.get("working_pop_growth_share", b.working_pop_growth_share)
    g_v = o.get("vulnerable_growth_share", b.vulnerable_growth_share)
    g_f = o.get("formal_coverage_growth_pp", b.formal_coverage_growth_pp)
    g_s = o.get("self_paid_growth_pp", b.self_paid_growth_pp)
    t = base.table
    k = (years - base.year)[None, :].astype(float)
    W = t["W"].to_numpy()[:, None] * (1 + g_w) ** k
    V = t["V"].to_numpy()[:, None] * (1 + g_v) ** k
    F = np.maximum(W - V, 0)
    s0 = (t["S"] / t["V"]).to_numpy()[:, None] if self_paid_share is None else self_paid_share
    pu_rate = np.clip((t["PU"] / t["F"]).to_numpy()[:, None] + g_f * k / 100, 0, 1)
    s_rate = np.clip(s0 + g_s * k / 100, 0, 1)
    return {"W": W, "V": V, "PU": F * pu_rate, "S": V * s_rate}


def _coverage(state: dict, R: np.ndarray, a: float, measure: str) -> np.ndarray:
    """Province coverage (percent) per year for recipients ``R`` (kab/kota × year)."""
    bpu = state["S"] + a * R
    if measure == "total_coverage":
        return 100 * (state["PU"] + bpu).sum(axis=0) / state["W"].sum(axis=0)
    return 100 * bpu.sum(axis=0) / state["V"].sum(axis=0)


def _room(state: dict, a: float) -> np.ndarray:
    """Most recipients a kab/kota can absorb: uncovered vulnerable workers / additionality."""
    return np.maximum(state["V"] - state["S"], 0) / a


def _spread(total: np.ndarray, room: np.ndarray) -> np.ndarray:
    """Province totals per year → kab/kota × year, in proportion to each kab/kota's room."""
    share = room / np.maximum(room.sum(axis=0, keepdims=True), 1e-12)
    return share * total[None, :]


def additionality(params, estimate: float | None) -> tuple[float, str]:
    """Additionality used by the budget and where it comes from: the evaluation's ``estimate`` (a share, e.g.
    :func:`evalkit.evaluation.dose_additionality`) when ``budget.use_estimated_additionality`` allows it
    and one is given, else ``budget.additionality_share``."""
    b = params.budget
    if b.use_estimated_additionality and estimate is not None:
        return float(estimate), "estimated"
    return b.additionality_share, "params"


# --------------------------------------------------------------------------- projection
def project(params, data, budget=None, recipients=None, additionality_share: float | None = None,
            overrides: dict | None = None) -> pd.DataFrame:
    """Tidy projection by year × kab/kota × funding source.

    Give either ``budget`` (total contribution spending per year, Rupiah, all sources: a mapping or
    Series year → Rupiah) or ``recipients`` (year → persons, province total, or a DataFrame
    ``year × region_code``); neither keeps today's recipients. Province totals are spread over kab/kota
    in proportion to their uncovered vulnerable workers. Columns: ``year, region_code, region_name,
    source, recipients, recipients_added, churned, cost_rupiah`` (additive over sources) and, repeated
    on each source row, ``working_pop, vulnerable_workers, covered, total_coverage_pct,
    vulnerable_coverage_pct, revenue_rupiah`` plus ``share_of_revenue`` (this source's cost / APBD
    revenue). Use :func:`totals` for yearly province-level sums.
    """
    b = params.budget
    a = additionality_share if additionality_share is not None else b.additionality_share
    base = base_state(params, data, a)
    years = _years(params)
    state = _grow(base, params, years, overrides)
    room = _room(state, a)
    c = unit_cost(params)
    codes = base.table.index.tolist()
    if budget is not None:
        total = np.array([float(pd.Series(budget).get(y, 0.0)) for y in years]) / (12 * c)
        R = _spread(total, room)
    elif recipients is not None and isinstance(recipients, pd.DataFrame):
        R = recipients.reindex(index=years, columns=codes).fillna(0).to_numpy().T
    elif recipients is not None:
        total = np.array([float(pd.Series(recipients).get(y, 0.0)) for y in years])
        R = _spread(total, room)
    else:
        R = np.repeat(base.table["R"].to_numpy()[:, None], len(years), axis=1)
    if b.policy_end_year is not None:
        R[:, years > b.policy_end_year] = 0.0
    R = np.minimum(R, room)
    churn = (overrides or {}).get("churn_share", b.churn_share)
    prev = np.column_stack([base.table["R"].to_numpy(), R[:, :-1]])
    churned = churn * prev
    added = np.maximum(R - (prev - churned), 0)
    cost = R * 12 * c
    bpu = state["S"] + a * R
    covered = state["PU"] + bpu
    revenue = b.apbd_revenue_rupiah * (1 + b.revenue_growth_share) ** (years - 2025)
    split = funding_split(params, codes)
    rows = []
    for i, code in enumerate(codes):
        for j, y in enumerate(years):
            for src in SOURCES:
                s = split.loc[code, src]
                rows.append((y, code, base.table.loc[code, "region_name"], src, R[i, j] * s, added[i, j] * s,
                             churned[i, j] * s, cost[i, j] * s, state["W"][i, j], state["V"][i, j], covered[i, j],
                             100 * covered[i, j] / state["W"][i, j], 100 * bpu[i, j] / state["V"][i, j], revenue[j],
                             cost[i, j] * s / revenue[j]))
    cols = ["year", "region_code", "region_name", "source", "recipients", "recipients_added", "churned", "cost_rupiah",
            "working_pop", "vulnerable_workers", "covered", "total_coverage_pct", "vulnerable_coverage_pct",
            "revenue_rupiah", "share_of_revenue"]
    out = pd.DataFrame(rows, columns=cols)
    out.attrs.update(additionality=a, unit_cost=c, base_month=str(base.month.date()))
    return out


def totals(projection: pd.DataFrame, params=None) -> pd.DataFrame:
    """Yearly sums of a projection: recipients, cost by source, province cost vs cap, coverage (percent)."""
    p = projection
    add = p.groupby("year")[["recipients", "recipients_added", "churned", "cost_rupiah"]].sum()
    by_src = p.pivot_table(index="year", columns="source", values="cost_rupiah", aggfunc="sum")
    by_src.columns = [f"cost_{c}" for c in by_src.columns]
    one = p[p["source"] == "province"].groupby("year")
    kab = one[["working_pop", "vulnerable_workers", "covered"]].sum()
    vul_cov = p[p["source"] == "province"].assign(v=lambda d: d["vulnerable_coverage_pct"] * d["vulnerable_workers"] / 100) \
        .groupby("year")["v"].sum()
    out = add.join(by_src).join(kab)
    out["total_coverage_pct"] = 100 * out["covered"] / out["working_pop"]
    out["vulnerable_coverage_pct"] = 100 * vul_cov / out["vulnerable_workers"]
    out["revenue_rupiah"] = one["revenue_rupiah"].first()
    out["province_share_of_revenue"] = out["cost_province"] / out["revenue_rupiah"]
    if params is not None:
        out["cap_rupiah"] = params.budget.cap_share_of_revenue * out["revenue_rupiah"]
        out["extra_groups_rupiah"] = [extra_groups_cost(params, y)["cost_rupiah"].sum() for y in out.index]
    return out.reset_index()


# --------------------------------------------------------------------------- inverse solve
@dataclass
class RequiredBudget:
    """Minimum yearly path reaching the target; ``feasible`` False names the binding constraint."""

    feasible: bool
    path: pd.DataFrame  # year, recipients, cost_rupiah (all sources), cost_province, cap_rupiah, coverage_pct
    target_pct: float
    by_year: int
    reached_pct: float
    message: str
    binding: list[str] = field(default_factory=list)

    @property
    def budget(self) -> pd.Series:
        """Total contribution spending per year (Rupiah, all sources) — feed it to :func:`project`."""
        return self.path.set_index("year")["cost_rupiah"]


def required_budget(params, data, target: float | None = None, by_year: int | None = None,
                    additionality_share: float | None = None, overrides: dict | None = None) -> RequiredBudget:
    """Smallest yearly budget path (with the params' ramp) that reaches ``target`` (share 0–1 or percent) by ``by_year``.

    ``ramp: linear`` raises recipients in equal yearly steps from today's to the number needed in
    ``by_year``; after it, recipients keep the target as the population grows. Constraints: the
    uncovered vulnerable workers (room), ``max_new_recipients_per_year`` and the province's
    ``cap_share_of_revenue``. When they bind, the path is cut back to them and ``feasible`` is False
    with a message saying which and how far coverage gets.
    """
    b = params.budget
    target_pct = params.target.coverage_pct if target is None else (100 * target if target <= 1 else target)
    T = params.target.year if by_year is None else by_year
    a = additionality_share if additionality_share is not None else b.additionality_share
    base = base_state(params, data, a)
    years = _years(params)
    if not years[0] <= T <= years[-1]:
        raise BudgetInfeasible(f"by_year {T} is outside the projected years {years[0]}–{years[-1]}")
    o = overrides or {}
    state = _grow(base, params, years, o)
    room = _room(state, a)
    W, V, PU, S = (state[k].sum(axis=0) for k in ("W", "V", "PU", "S"))
    if b.measure == "total_coverage":
        need = (target_pct / 100 * W - PU - S) / a
    else:
        need = (target_pct / 100 * V - S) / a
    need = np.maximum(need, 0)
    R0 = base.table["R"].sum()
    jT = int(np.flatnonzero(years == T)[0])
    steps = np.arange(1, len(years) + 1)
    n_to_T = jT + 1
    if b.ramp == "linear":
        path = np.where(np.arange(len(years)) <= jT, R0 + (need[jT] - R0) * steps / n_to_T, need)
    else:
        path = np.where(np.arange(len(years)) <= jT, np.minimum(need[jT], R0 + b.max_new_recipients_per_year * steps),
                        need)
    path[jT + 1:] = np.maximum(need[jT + 1:], 0)
    binding = []
    total_room = room.sum(axis=0)
    if (path > total_room + 1e-6).any():
        binding.append("room")
        path = np.minimum(path, total_room)
    churn = o.get("churn_share", b.churn_share)
    # enrolment capacity: additions = R_y - (1 - churn) R_{y-1}
    capped = path.copy()
    prev = R0
    for j in range(len(years)):
        most = (1 - churn) * prev + b.max_new_recipients_per_year
        if capped[j] > most + 1e-6:
            capped[j] = most
            if "capacity" not in binding:
                binding.append("capacity")
        prev = capped[j]
    path = capped
    c = unit_cost(params)
    split = funding_split(params, base.table.index)
    room_share = room / np.maximum(total_room, 1e-12)
    prov_share = (room_share * split["province"].to_numpy()[:, None]).sum(axis=0)
    revenue = b.apbd_revenue_rupiah * (1 + b.revenue_growth_share) ** (years - 2025)
    cap = b.cap_share_of_revenue * revenue
    cost = path * 12 * c
    over = cost * prov_share > cap + 1e-6
    if over.any():
        binding.append("cap")
        cost = np.where(over, cap / prov_share, cost)
        path = cost / (12 * c)
    coverage = _coverage(state, _spread(path, room), a, b.measure)
    reached = float(coverage[jT])
    feasible = reached >= target_pct - 1e-9
    names = {"room": "the uncovered vulnerable workers (even subsidising all of them)",
             "capacity": "budget.max_new_recipients_per_year",
             "cap": "budget.cap_share_of_revenue"}
    if feasible:
        msg = (f"Reaching {target_pct:g}% by {T} needs {path[jT]:,.0f} recipients in {T} "
               f"(Rp {cost[jT]:,.0f} that year, all sources).")
    else:
        msg = (f"The target of {target_pct:g}% by {T} cannot be reached: limited by "
               + ", ".join(names[b_] for b_ in binding or ["room"])
               + f". Coverage reaches {reached:.2f}% in {T}.")
    df = pd.DataFrame({"year": years, "recipients": path, "cost_rupiah": cost, "cost_province": cost * prov_share,
                       "cap_rupiah": cap, "coverage_pct": coverage, "needed_recipients": need})
    return RequiredBudget(feasible, df, target_pct, T, reached, msg, binding)


# --------------------------------------------------------------------------- allocation
ALLOCATION_RULES = ("optimal", "proportional_uncovered", "equal_gap", "per_capita")


@dataclass
class Allocation:
    """Provincial budget split across kab/kota (whole Rupiah) and what it buys."""

    table: pd.DataFrame  # region_code, region_name, budget_rupiah, recipients, newly_covered, floor_rupiah, cap_rupiah
    rule: str
    budget: float
    shadow_price_per_miliar: float | None = None  # extra newly covered workers per extra Rp 1 miliar (LP only)

    @property
    def newly_covered(self) -> float:
        return float(self.table["newly_covered"].sum())


def _allocation_inputs(params, data, budget: float, year: int | None, a: float):
    b = params.budget
    year = year or b.start_year
    base = base_state(params, data, a)
    years = np.array([year])
    state = _grow(base, params, years)
    codes = base.table.index.tolist()
    uncovered = np.maximum(state["V"][:, 0] - state["S"][:, 0], 0)
    room = uncovered / a
    c = unit_cost(params)
    p_share = funding_split(params, codes)["province"].to_numpy()
    price = 12 * c * p_share  # province Rupiah per recipient per year
    lo = np.zeros(len(codes))
    if b.allocation.floor_keep_current:
        lo = np.maximum(lo, base.table["R"].to_numpy())
    lo = np.maximum(lo, b.allocation.equity_min_gap_share * uncovered / a)
    hi = np.minimum(room, b.allocation.cap_share_of_budget * budget / np.maximum(price, 1e-9))
    floor_rp = np.ceil(lo * price)
    cap_rp = np.floor(hi * price)
    return base, state, codes, uncovered, price, floor_rp, cap_rp


def _check_feasible(base, codes, floor_rp, cap_rp, budget, params) -> None:
    problems = []
    for i, code in enumerate(codes):
        if floor_rp[i] > cap_rp[i]:
            problems.append(f"{base.table.loc[code, 'region_name']} ({code}): its floor Rp {floor_rp[i]:,.0f} "
                            f"(budget.allocation.floor_keep_current / equity_min_gap_share) exceeds its cap "
                            f"Rp {cap_rp[i]:,.0f} (budget.allocation.cap_share_of_budget or its uncovered workers)")
    if floor_rp.sum() > budget:
        problems.append(f"the floors together need Rp {floor_rp.sum():,.0f} (budget.allocation.floor_keep_current "
                        f"= {params.budget.allocation.floor_keep_current}, budget.allocation.equity_min_gap_share = "
                        f"{params.budget.allocation.equity_min_gap_share}) but the budget is Rp {budget:,.0f}")
    if problems:
        raise BudgetInfeasible("The allocation constraints cannot all hold: " + "; ".join(problems) + ".")


def _water_fill(weights: np.ndarray, floor_rp: np.ndarray, cap_rp: np.ndarray, budget: float) -> np.ndarray:
    """Split ``budget`` in proportion to ``weights`` within [floor, cap] (iterative clipping), whole Rupiah."""
    x = floor_rp.astype(float).copy()
    free = np.ones(len(x), bool)
    remaining = budget - x.sum()
    for _ in range(len(x) + 1):
        w = np.where(free, np.maximum(weights, 0), 0)
        if remaining <= 0 or w.sum() == 0:
            break
        give = remaining * w / w.sum()
        room = cap_rp - x
        over = free & (give > room)
        if not over.any():
            x += give
            remaining = 0
            break
        x[over] = cap_rp[over]
        free &= ~over
        remaining = budget - x.sum()
    return np.floor(np.minimum(np.maximum(x, floor_rp), cap_rp))


def allocate(params, data, budget: float, rule: str | None = None, year: int | None = None,
             additionality_share: float | None = None) -> Allocation:
    """Split the province's ``budget`` (Rupiah for one year) across the 10 kab/kota.

    Rules: ``proportional_uncovered`` (∝ uncovered vulnerable workers), ``equal_gap`` (∝ recipients each
    needs to reach the target), ``per_capita`` (∝ working population) and ``optimal``: a linear program
    (scipy HiGHS) that maximises newly covered workers = additionality × recipients, where a
    recipient costs the province ``12 × unit cost × province share`` (kab/kota co-funding makes it
    cheaper). Every rule keeps the same floors (current recipients, equity minimum share of the gap),
    caps (share of the budget, uncovered workers) and the budget, in whole Rupiah.
    """
    from scipy.optimize import linprog

    b = params.budget
    rule = rule or b.allocation.rule
    if rule not in ALLOCATION_RULES:
        raise BudgetInfeasible(f"unknown allocation rule {rule!r}; allowed: {', '.join(ALLOCATION_RULES)}")
    a = additionality_share if additionality_share is not None else b.additionality_share
    base, state, codes, uncovered, price, floor_rp, cap_rp = _allocation_inputs(params, data, budget, year, a)
    _check_feasible(base, codes, floor_rp, cap_rp, budget, params)
    shadow = None
    if rule == "optimal":
        res = linprog(-a / price, A_ub=np.ones((1, len(codes))), b_ub=[budget],
                      bounds=list(zip(floor_rp, cap_rp)), method="highs")
        if res.status != 0:
            raise BudgetInfeasible(f"the allocation linear program failed: {res.message}")
        x = np.floor(res.x)
        shadow = float(-res.ineqlin.marginals[0]) * 1e9
    else:
        if rule == "proportional_uncovered":
            weights = uncovered * price
        elif rule == "equal_gap":
            W, PU, S = state["W"][:, 0], state["PU"][:, 0], state["S"][:, 0]
            if b.measure == "total_coverage":
                gap = np.maximum(params.target.coverage_pct / 100 * W - PU - S, 0)
            else:
                gap = np.maximum(params.target.coverage_pct / 100 * state["V"][:, 0] - S, 0)
            weights = np.minimum(gap, uncovered) / a * price
        else:
            weights = state["W"][:, 0] * price / price  # per working person
        x = _water_fill(weights, floor_rp, cap_rp, budget)
    recipients = x / price
    table = pd.DataFrame({"region_code": codes, "region_name": base.table["region_name"].to_numpy(),
                          "budget_rupiah": x, "recipients": recipients, "newly_covered": a * recipients,
                          "floor_rupiah": floor_rp, "cap_rupiah": cap_rp, "uncovered": uncovered,
                          "rupiah_per_recipient": price})
    return Allocation(table, rule, float(budget), shadow)


def compare_rules(params, data, budget: float, year: int | None = None, additionality_share: float | None = None) -> pd.DataFrame:
    """Newly covered workers and budget used under every allocation rule (same constraints)."""
    rows = []
    for rule in ALLOCATION_RULES:
        al = allocate(params, data, budget, rule, year, additionality_share)
        rows.append({"rule": rule, "newly_covered": al.newly_covered, "budget_used": al.table["budget_rupiah"].sum()})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- value, extra groups
def value_of(params, recipients: float, additionality_share: float, cost_rupiah: float) -> dict:
    """Expected yearly claims paid to households of ``recipients`` and cost per additional covered worker."""
    v = params.budget.value
    deaths = recipients * v.death_rate_per_1000 / 1000
    accidents = recipients * v.accident_rate_per_1000 / 1000
    paid = deaths * v.jkm_benefit_rupiah + accidents * v.jkk_claim_rupiah
    additional = additionality_share * recipients
    return {"recipients": recipients, "expected_deaths": deaths, "expected_accidents": accidents,
            "benefits_rupiah": paid, "cost_rupiah": cost_rupiah,
            "benefit_cost_ratio": paid / cost_rupiah if cost_rupiah else float("nan"),
            "additional_covered": additional,
            "cost_per_additional_rupiah": cost_rupiah / additional if additional else float("nan")}


def extra_groups_cost(params, year: int) -> pd.DataFrame:
    """Yearly cost (Rupiah) of each extra beneficiary group in ``year`` (0 before its start year)."""
    rows = []
    for g in params.budget.extra_groups:
        monthly = 0.0
        parts = {}
        for p in g.programmes:
            wage = g.monthly_income_rupiah
            if p == "jp" and g.jp_wage_cap_rupiah is not None:
                wage = min(wage, g.jp_wage_cap_rupiah)
            parts[p] = g.rates[p] * wage
            monthly += parts[p]
        active = year >= g.start_year
        rows.append({"group": g.name, "year": year, "headcount": g.headcount, "rupiah_per_member_month": monthly,
                     "cost_rupiah": g.headcount * 12 * monthly if active else 0.0,
                     **{f"{p}_rupiah_month": v for p, v in parts.items()}})
    return pd.DataFrame(rows)
