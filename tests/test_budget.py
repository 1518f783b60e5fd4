"""Budget model: hand-computed costs, inverse solve vs projection, allocation optimality and constraints."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import evalkit
from evalkit import budget as B

from .conftest import PARAMS


@pytest.fixture(scope="module")
def feasible():
    params = evalkit.load_params(PARAMS / "target-90-by-2029.yaml")
    return params, evalkit.load_data(params)


def with_budget(params, **changes):
    return params.model_copy(update={"budget": params.budget.model_copy(update=changes)})


def test_unit_cost_by_hand(default_params):
    # JKK 1% x Rp 1.000.000 = 10.000; JKM Rp 6.800 (params' own numbers)
    assert B.unit_cost(default_params) == 0.01 * 1_000_000 + 6_800 == 16_800
    assert B.unit_cost(default_params, programmes=["jkk", "jkm", "jht"]) == 16_800 + 0.02 * 1_000_000
    c = default_params.contributions.model_copy(update={"admin_overhead_share": 0.1})
    assert B.unit_cost(default_params.model_copy(update={"contributions": c})) == pytest.approx(16_800 * 1.1)


def test_dprd_group_cost_by_hand(default_params):
    row = B.extra_groups_cost(default_params, 2026).iloc[0]
    monthly = 0.0024 * 10_000_000 + 0.003 * 10_000_000 + 0.057 * 10_000_000 + 0.03 * min(10_000_000, 10_547_400)
    assert row["rupiah_per_member_month"] == pytest.approx(monthly) == pytest.approx(924_000)
    assert row["cost_rupiah"] == pytest.approx(55 * 12 * 924_000)
    assert B.extra_groups_cost(default_params, 2025).iloc[0]["cost_rupiah"] == 0  # before its start year


def test_yearly_totals_by_hand(default_params, default_data):
    proj = B.project(default_params, default_data)  # status quo: today's recipients every year
    base = B.base_state(default_params, default_data).table
    tot = B.totals(proj, default_params).set_index("year")
    recipients = base["R"].sum()
    assert tot["recipients"].iloc[0] == pytest.approx(recipients)
    assert tot["cost_rupiah"].iloc[0] == pytest.approx(recipients * 12 * 16_800)
    # Kukar (6403) co-funds 40%, CSR 5% everywhere, province pays the rest
    kukar = base.loc["6403", "R"] * 12 * 16_800
    others = (recipients - base.loc["6403", "R"]) * 12 * 16_800
    assert tot["cost_province"].iloc[0] == pytest.approx(0.55 * kukar + 0.80 * others)
    assert tot["cost_kabkota"].iloc[0] == pytest.approx(0.40 * kukar + 0.15 * others)
    assert tot["cost_csr"].iloc[0] == pytest.approx(0.05 * (kukar + others))
    assert (tot["cost_province"] + tot["cost_kabkota"] + tot["cost_csr"]).to_numpy() == pytest.approx(tot["cost_rupiah"].to_numpy())
    assert tot["revenue_rupiah"].loc[2026] == pytest.approx(19.14e12 * 1.03)


def test_required_budget_and_projection_agree(feasible):
    params, data = feasible
    need = B.required_budget(params, data)
    assert need.feasible, need.message
    T, target = params.target.year, params.target.coverage_pct
    got = B.totals(B.project(params, data, budget=need.budget), params).set_index("year")
    assert abs(got.loc[T, "total_coverage_pct"] - target) < 0.1
    less = need.budget.copy()
    less.loc[T] *= 0.99
    short = B.totals(B.project(params, data, budget=less), params).set_index("year")
    assert short.loc[T, "total_coverage_pct"] < target


def test_infeasible_target_names_the_limit(default_params, default_data):
    need = B.required_budget(default_params, default_data)
    assert not need.feasible and "room" in need.binding
    assert "cannot be reached" in need.message and f"{need.reached_pct:.2f}%" in need.message
    capped = with_budget(default_params, cap_share_of_revenue=0.0005)
    need = B.required_budget(capped, default_data, target=0.8, by_year=2029)
    assert not need.feasible and "cap" in need.binding and "budget.cap_share_of_revenue" in need.message
    assert (need.path["cost_province"] <= need.path["cap_rupiah"] + 1).all()


@pytest.mark.parametrize("budget", [25e9, 37e9, 60e9])
def test_lp_allocation_is_never_worse_and_respects_constraints(default_params, default_data, budget):
    results = {r: B.allocate(default_params, default_data, budget, r) for r in B.ALLOCATION_RULES}
    best = results["optimal"]
    for rule, al in results.items():
        t = al.table
        assert t["budget_rupiah"].sum() <= budget  # to the Rupiah
        assert (t["budget_rupiah"] == np.floor(t["budget_rupiah"])).all()
        assert (t["budget_rupiah"] >= t["floor_rupiah"]).all() and (t["budget_rupiah"] <= t["cap_rupiah"]).all()
        assert best.newly_covered >= al.newly_covered - 1e-6, rule
    assert best.shadow_price_per_miliar > 0


def test_infeasible_allocation_names_constraints(default_params, default_data):
    with pytest.raises(B.BudgetInfeasible, match="floor_keep_current.*equity_min_gap_share"):
        B.allocate(default_params, default_data, 1e9)
    tight = with_budget(default_params, allocation=default_params.budget.allocation.model_copy(
        update={"cap_share_of_budget": 0.01}))
    with pytest.raises(B.BudgetInfeasible, match="cap_share_of_budget"):
        B.allocate(tight, default_data, 40e9)


def test_monte_carlo_is_seeded_and_bounded(feasible):
    params, data = feasible
    a = B.simulate(params, data, n=2000)
    b = B.simulate(params, data, n=2000)
    c = B.simulate(params, data, n=2000, seed=params.seed + 1)
    pd.testing.assert_frame_equal(a.bands, b.bands)
    assert not a.bands.equals(c.bands)
    assert 0 < a.p_reach_target < 1
    assert (a.bands["coverage_p10"] <= a.bands["coverage_p50"]).all()
    assert (a.bands["coverage_p50"] <= a.bands["coverage_p90"]).all()
    tor = B.tornado(params, data)
    assert tor["swing"].is_monotonic_decreasing and set(tor["parameter"]) == set(params.budget.uncertainty.parameters)


def test_value_by_hand(default_params):
    v = B.value_of(default_params, 100_000, 0.7, 100_000 * 12 * 16_800)
    assert v["benefits_rupiah"] == pytest.approx(100_000 * 4.5 / 1000 * 42e6 + 100_000 * 8 / 1000 * 5e6)
    assert v["cost_per_additional_rupiah"] == pytest.approx(12 * 16_800 / 0.7)
