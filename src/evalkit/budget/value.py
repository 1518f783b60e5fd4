"""What the money buys (claims paid, cost per additional worker) and the cost of other groups per their legal basis."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from ..params.schema import Params


def value_of(params: Params, recipients: int, newly_covered: int, cost_rupiah: float) -> dict:
    """Expected yearly claims paid to households of ``recipients`` (whole persons) and the cost of each worker
    covered because of the subsidy (``newly_covered``)."""
    v = params.budget.value
    deaths = recipients * v.death_rate_per_1000 / 1000
    accidents = recipients * v.accident_rate_per_1000 / 1000
    paid = deaths * v.jkm_benefit_rupiah + accidents * v.jkk_claim_rupiah
    return {
        "recipients": int(recipients),
        "expected_deaths": deaths,
        "expected_accidents": accidents,
        "benefits_rupiah": paid,
        "cost_rupiah": cost_rupiah,
        "benefit_cost_ratio": paid / cost_rupiah if cost_rupiah else float("nan"),
        "additional_covered": int(newly_covered),
        "cost_per_additional_rupiah": cost_rupiah / newly_covered if newly_covered else float("nan"),
    }


def extra_groups_cost(params: Params, year: int) -> pd.DataFrame:
    """Cost in ``year`` of each extra group, one row per programme (Rupiah).

    Columns: ``group, programme, status`` (``already_provided`` — not costed again, with its basis — or
    ``new``), ``headcount``, ``employer_rupiah_month`` and ``worker_rupiah_month`` per member, ``worker_paid_by``,
    ``province_rupiah_year`` (employer share, plus the worker share when the province pays it, for the
    whole group; 0 before ``start_year`` and for what is already provided), ``basis`` and
    ``basis_missing`` (True when a new programme has no legal basis for the province to pay it)."""
    rows = []
    for g in params.budget.extra_groups:
        active = year >= g.start_year
        for p in g.programmes:
            wage = g.monthly_income_rupiah
            if p == "jp" and g.jp_wage_cap_rupiah is not None:
                wage = min(wage, g.jp_wage_cap_rupiah)
            employer, worker = g.rates[p] * wage, g.worker_rates.get(p, 0.0) * wage
            provided = p in g.already_provided
            monthly = 0.0 if provided else employer + (worker if g.worker_share_paid_by == "province" else 0.0)
            rows.append(
                {
                    "group": g.name,
                    "programme": p.upper(),
                    "status": "already_provided" if provided else "new",
                    "headcount": g.headcount,
                    "employer_rupiah_month": employer,
                    "worker_rupiah_month": worker,
                    "worker_paid_by": g.worker_share_paid_by,
                    "province_rupiah_year": g.headcount * 12 * monthly if active else 0.0,
                    "basis": g.already_provided_basis if provided else g.legal_basis,
                    "basis_missing": (not provided) and not g.legal_basis.strip(),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "group",
            "programme",
            "status",
            "headcount",
            "employer_rupiah_month",
            "worker_rupiah_month",
            "worker_paid_by",
            "province_rupiah_year",
            "basis",
            "basis_missing",
        ],
    )
