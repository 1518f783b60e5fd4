"""The yearly totals of a path (cost by source, the province alone, ceiling, revenue, coverage), today's
recipients kept as a path, and the additionality the budget uses (an input: the evaluation's estimate or params)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .allocation import allocate
from .basis import SOURCES
from .requirement import Requirement, revenue_path, solve
from .state import base_state, central, years_of
from .value import extra_groups_cost

if TYPE_CHECKING:
    from ..params.schema import Params


def additionality(params: Params, estimate: float | None) -> tuple[float, str]:
    """Additionality used by the budget and where it comes from: the evaluation's ``estimate`` (a share, read
    from notebook 02's result table) when ``budget.use_estimated_additionality`` allows it and one is
    given, else ``budget.additionality_share``."""
    b = params.budget
    if b.use_estimated_additionality and estimate is not None:
        return float(estimate), "estimated"
    return b.additionality_share, "params"


def status_quo(params: Params, data, additionality_share: float) -> Requirement:
    """Today's recipients kept every year (as many as each kab/kota still has eligible), through the engine."""
    base = base_state(params, data)
    today = np.repeat(base.table["R"].to_numpy()[:, None], len(years_of(params)), axis=1)
    return solve(params, data, central(params, additionality_share), base=base, plan=today)


def totals(params: Params, req: Requirement, draw: int = 0) -> pd.DataFrame:
    """Yearly province-level sums of one draw: recipients (int), cost by source and in total, the province's
    cost with no kab/kota or CSR contribution, its ceiling, revenue, coverage, and extra groups (Rupiah)."""
    years = req.years
    out = pd.DataFrame(
        {"year": years, "recipients": req.recipients[draw].sum(axis=0), "cost_rupiah": req.cost["total"][draw]}
    )
    for src in SOURCES:
        out[f"cost_{src}"] = req.cost[src][draw]
    out["cost_province_alone"] = req.cost["total"][draw]  # if kab/kota and CSR paid nothing
    out["cap_rupiah"] = req.cap
    out["revenue_rupiah"] = revenue_path(params, years)
    out["coverage_pct"] = req.coverage[draw]
    out["extra_groups_rupiah"] = [extra_groups_cost(params, int(y))["province_rupiah_year"].sum() for y in years]
    return out


def with_pagu(params: Params, data, need, additionality_share: float) -> list[tuple[dict, pd.DataFrame]]:
    """The answer to "with Rp X in year Y": for each ``budget.pagu`` year, what the envelope buys under
    ``budget.allocation`` — the same :func:`evalkit.budget.allocation.allocate` the budget path and the allocation
    table use. Returns ``(summary, table)`` per year: ``summary`` holds ``year, pagu_rupiah, recipients,
    newly_covered`` (persons covered because of the subsidy), ``spent_rupiah``, ``rupiah_per_added`` (Rupiah per
    additional worker covered), ``coverage_pct`` (the budget's measure that year with these recipients) and
    ``path_coverage_pct`` / ``path_recipients`` (what the path to the target has that year); ``table`` is the
    allocation per kab/kota."""
    out = []
    years = list(need.path["year"])
    for year, pagu in sorted(params.budget.pagu.items()):
        al = allocate(params, data, float(pagu), additionality_share, year=int(year))
        plan = need.by_kabkota.T.copy()  # kab/kota × years: the path, with this year's allocation in place
        plan[year] = al.table.set_index("region_code").loc[plan.index, "recipients"].to_numpy()
        req = solve(params, data, central(params, additionality_share), plan=plan.to_numpy())
        j = years.index(year)
        spent = int(al.table["budget_rupiah"].sum())
        summary = {
            "year": int(year),
            "pagu_rupiah": float(pagu),
            "recipients": int(al.table["recipients"].sum()),
            "newly_covered": al.newly_covered,
            "spent_rupiah": spent,
            "rupiah_per_added": spent / al.newly_covered if al.newly_covered else float("nan"),
            "coverage_pct": float(req.coverage[0, j]),
            "path_coverage_pct": float(need.path["coverage_pct"].iloc[j]),
            "path_recipients": int(need.path["recipients"].iloc[j]),
            "top_kabkota": str(al.table.sort_values("budget_rupiah").iloc[-1]["region_name"]),
        }
        out.append((summary, al.table))
    return out
