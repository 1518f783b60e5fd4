"""Budget model: hand-computed costs, one engine for path, Monte Carlo and tornado, bounded by people, whole
persons, allocation to the Rupiah with its equity, the route to the target, other groups per legal basis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import evalkit
from evalkit import budget as B
from evalkit.budget.state import added

from .conftest import PARAMS

A = 0.7  # the params' additionality


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


def test_status_quo_costs_by_hand(default_data):
    from evalkit.params import load_params

    assumed = load_params(PARAMS / "cofunding-assumed.yaml")  # shares written in params: an assumption
    req = B.status_quo(assumed, default_data, A)
    tot = B.totals(assumed, req).set_index("year")
    base = B.base_state(assumed, default_data).table
    months = 12 - B.basis(assumed, default_data).gap_months
    assert tot["recipients"].iloc[0] == base["R"].sum()
    assert tot["cost_rupiah"].iloc[0] == base["R"].sum() * months * 16_800
    kukar, others = base.loc["6403", "R"] * months * 16_800, (base["R"].sum() - base.loc["6403", "R"]) * months * 16_800
    assert tot["cost_province"].iloc[0] == pytest.approx(0.55 * kukar + 0.80 * others)  # Kukar co-funds 40%
    assert tot["cost_kabkota"].iloc[0] == pytest.approx(0.40 * kukar + 0.15 * others)
    assert tot["cost_csr"].iloc[0] == pytest.approx(0.05 * (kukar + others))
    assert (tot["cost_province"] + tot["cost_kabkota"] + tot["cost_csr"]).to_numpy() == pytest.approx(
        tot["cost_rupiah"].to_numpy()
    )
    assert tot["revenue_rupiah"].loc[2026] == pytest.approx(19.14e12 * 1.03)  # base year 2025 from params


def test_the_fixed_path_reaches_the_target_and_one_person_less_does_not(feasible):
    params, data = feasible
    need = B.required_budget(params, data, A)  # the engine's budget, spent through the allocation
    assert need.feasible, need.message
    T, target = params.target.year, params.target.coverage_pct
    row = need.path.set_index("year").loc[T]
    assert row["coverage_pct"] >= target - 1e-9
    engine = B.describe(B.solve(params, data, B.central(params, A)))  # the engine alone: the smallest ∝E spread
    assert engine.feasible
    fewer = engine.by_kabkota.copy()
    fewer.loc[T, fewer.loc[T].idxmax()] -= 50
    short = B.solve(params, data, B.central(params, A), plan=fewer.to_numpy().T)
    assert short.coverage[0, short.j_target] < target
    assert need.path["coverage_year_avg_pct"].lt(need.path["coverage_pct"]).all()  # the Jan-Mar gap


def test_an_infeasible_target_names_the_limit_and_what_is_missing(default_params, default_data):
    need = B.required_budget(default_params, default_data, A)
    assert not need.feasible and "room" in need.binding
    assert "cannot be reached" in need.message and f"{need.reached_pct:.2f}%" in need.message
    jT = int(np.flatnonzero(need.path["year"] == default_params.target.year)[0])
    assert need.path["recipients"].iloc[jT] == need.engine.eligible[0, :, jT].sum()  # every eligible person
    changes = B.smallest_changes(default_params, default_data, A).set_index("key")
    assert not changes.loc["max_new_recipients_per_year", "reachable"]  # more subsidy cannot help: room binds
    # on the BPJS target population no single lever reaches 90% by 2029 (vulnerable workers are a third of it)
    assert not changes["reachable"].any() and changes["needed"].isna().all()
    # what an unreachable lever would add does not apply: empty ("–"), never 0 recipients and Rp 0 (#27)
    assert changes[["extra_recipients", "extra_province_rupiah"]].isna().all().all()
    lower = default_params.model_copy(
        update={"target": default_params.target.model_copy(update={"coverage_pct": 84.0})}
    )
    changes = B.smallest_changes(lower, default_data, A).set_index("key")
    needed = changes.loc["formal_coverage_growth_pp", "needed"]
    assert (
        changes.loc["formal_coverage_growth_pp", "reachable"]
        and needed > default_params.budget.formal_coverage_growth_pp
    )
    ok = B.required_budget(lower, default_data, A, overrides={"formal_coverage_growth_pp": needed})
    assert ok.feasible
    assert not B.required_budget(
        lower, default_data, A, overrides={"formal_coverage_growth_pp": needed - 0.05}
    ).feasible
    capped = with_budget(default_params, cap_share_of_revenue=0.0005)
    need = B.required_budget(capped, default_data, A, target_pct=80.0, by_year=2029)
    assert not need.feasible and "cap" in need.binding and "budget.cap_share_of_revenue" in need.message
    assert (need.path["cost_province"] <= need.path["cap_rupiah"] + 1e-6).all()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@example(target=0.0, capacity=0, cap=0.0, growth=6.0, vul=0.1875, a=0.25, ramp="linear")  # 103.6% in 2030 (#27)
@given(
    target=st.floats(0, 100),
    capacity=st.integers(0, 2_000_000),
    cap=st.floats(0, 1),
    growth=st.floats(-10, 10),
    vul=st.floats(-0.2, 0.2),
    a=st.floats(0.01, 1.0),
    ramp=st.sampled_from(["linear", "front"]),
)
def test_recipients_never_exceed_the_eligible_uncovered(
    default_params, default_data, target, capacity, cap, growth, vul, a, ramp
):
    params = with_budget(default_params, max_new_recipients_per_year=capacity, cap_share_of_revenue=cap, ramp=ramp)
    draws = B.central(params, a) | {
        "self_paid_growth_pp": np.array([growth]),
        "vulnerable_growth_share": np.array([vul]),
    }
    req = B.solve(params, default_data, draws, target_pct=target)
    assert req.recipients.dtype == np.int64 and (req.recipients >= 0).all()
    assert (req.recipients <= req.eligible).all()
    assert (added(req.recipients.astype(float), req.state) <= req.recipients + 1e-9).all()  # one per contribution
    assert (req.eligible <= np.floor(req.state["V"] + 1e-9)).all()
    assert (req.coverage <= 100 + 1e-9).all()
    vul_cov = (
        100
        * (req.state["S"] + req.state["E"] * -np.expm1(-req.state["k"] * req.recipients)).sum(axis=1)
        / req.state["V"].sum(axis=1)
    )
    assert (vul_cov <= 100 + 1e-9).all()
    assert (req.cost["province"] <= req.cap[None, :] + 1e-6).all()


def test_without_uncertain_inputs_every_draw_is_the_fixed_path(feasible):
    params, data = feasible
    fixed = with_budget(params, uncertainty=params.budget.uncertainty.model_copy(update={"parameters": {}}))
    need = B.required_budget(fixed, data, A)
    mc = B.simulate(fixed, data, need, A, n=500)
    engine = B.describe(B.solve(fixed, data, B.central(fixed, A)))  # what each draw needs: the engine's spread
    cost, cov = engine.path["cost_rupiah"].to_numpy(), need.path["coverage_pct"].to_numpy()  # what the plan reaches
    assert np.allclose(mc.cost, cost[None, :], rtol=1e-4, atol=0) and np.allclose(mc.coverage, cov[None, :], rtol=1e-4)
    assert (mc.bands["cost_p10"] == mc.bands["cost_p90"]).all()


def test_monte_carlo_is_seeded_and_bounded(feasible):
    params, data = feasible
    need = B.required_budget(params, data, A)
    a = B.simulate(params, data, need, A, n=2000)
    b = B.simulate(params, data, need, A, n=2000)
    c = B.simulate(params, data, need, A, n=2000, seed=params.seed + 1)
    pd.testing.assert_frame_equal(a.bands, b.bands)
    assert not a.bands.equals(c.bands)
    assert 0 < a.p_reach_target < 1
    assert (a.bands["coverage_p10"] <= a.bands["coverage_p50"]).all()
    assert (a.bands["coverage_p50"] <= a.bands["coverage_p90"]).all()
    tor = B.tornado(params, data, A)
    assert tor["swing"].is_monotonic_decreasing and set(tor["parameter"]) == set(params.budget.uncertainty.parameters)
    base = tor["base_cost"].iloc[0]
    engine = B.describe(B.solve(params, data, B.central(params, A)))
    assert base == pytest.approx(float(engine.path.set_index("year").loc[params.target.year, "cost_rupiah"]))
    # the published path spends the same provincial budget, only placed by the allocation rule
    assert need.path["cost_province"].to_numpy() == pytest.approx(np.floor(engine.path["cost_province"].to_numpy()))


@pytest.mark.parametrize("budget", [25e9, 37e9, 60e9])
def test_allocation_is_whole_persons_adds_up_to_the_rupiah_and_the_lp_is_never_worse(
    default_params, default_data, budget
):
    results = {r: B.allocate(default_params, default_data, budget, A, r) for r in B.ALLOCATION_RULES}
    best = results["optimal"]
    for rule, al in results.items():
        t = al.table
        assert t["recipients"].dtype == np.int64 and (t["recipients"] <= t["eligible_uncovered"]).all()
        assert int(t["budget_rupiah"].sum()) + al.unallocated_rupiah == int(budget)  # to the Rupiah
        assert (t["budget_rupiah"] == t["recipients"] * t["rupiah_per_recipient"]).all()
        assert (
            0 <= al.unallocated_rupiah < t["rupiah_per_recipient"].max()
            or (t["recipients"] == (t["cap_rupiah"] // t["rupiah_per_recipient"])).any()
        )
        assert (t["budget_rupiah"] >= t["floor_rupiah"]).all() and (t["budget_rupiah"] <= t["cap_rupiah"]).all()
        assert best.newly_covered >= al.newly_covered - 10, rule  # whole persons: allow a few of rounding
    spare = best.unallocated_rupiah >= best.table["rupiah_per_recipient"].max()  # every kab/kota at its cap
    assert (best.shadow_price_per_miliar == 0) if spare else (best.shadow_price_per_miliar > 0)
    rules = B.compare_rules(default_params, default_data, budget, A).set_index("rule")
    assert (rules["gini_coverage"] >= 0).all() and (rules["gini_coverage"] < 1).all()
    assert (
        rules.loc["proportional_uncovered", "worst_coverage_pct"] >= rules.loc["optimal", "worst_coverage_pct"] - 1e-9
    )


@pytest.mark.parametrize("scenario", ["default", "target-90-by-2029", "target-95-by-2027", "revenue-downside"])
def test_nobody_is_counted_twice_newly_protected_never_exceed_the_subsidised(scenario, default_data):
    """In every allocation row, under every rule, the workers newly covered are at most the recipients (one
    contribution covers one person): Kutai Barat used to show 25,638 newly covered for 21,070 subsidised."""
    params = evalkit.load_params(PARAMS / f"{scenario}.yaml")
    for budget in (5e9, 21.07e9, 60e9):
        for rule in B.ALLOCATION_RULES:
            try:
                t = B.allocate(params, default_data, budget, A, rule).table
            except B.BudgetInfeasible:
                continue
            assert (t["newly_covered"] <= t["recipients"]).all(), (scenario, budget, rule)
            assert (t["newly_covered"] <= t["eligible_uncovered"]).all()


def test_gini_by_hand():
    assert B.gini(np.array([1.0, 1.0, 1.0])) == pytest.approx(0)
    assert B.gini(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(0.75)


def test_infeasible_allocation_names_constraints(default_params, default_data):
    with pytest.raises(B.BudgetInfeasible, match="floor_keep_current.*equity_min_gap_share"):
        B.allocate(default_params, default_data, 1e9, A)
    tight = with_budget(
        default_params, allocation=default_params.budget.allocation.model_copy(update={"cap_share_of_budget": 0.01})
    )
    with pytest.raises(B.BudgetInfeasible, match="cap_share_of_budget"):
        B.allocate(tight, default_data, 40e9, A)


def test_the_route_adds_up(default_params, default_data):
    gap = pd.Series(0.1, index=B.base_state(default_params, default_data).table.index)
    route = B.route_to_target(default_params, default_data, A, gap).set_index("lever")
    assert route["change_persons"].dtype == np.int64
    F = B.base_state(default_params, default_data).table["F"].sum()
    assert route.loc["employer_compliance", "measured_gap_persons"] == round(0.1 * F)
    need = B.required_budget(default_params, default_data, A)
    t = B.base_state(default_params, default_data).table
    base_cov = 100 * (t["PU"].sum() + t["BPU"].sum()) / t["W"].sum()  # total coverage in the base month
    reached = need.path.set_index("year").loc[default_params.target.year, "coverage_pct"]
    assert base_cov + route["change_pp"].sum() == pytest.approx(reached, abs=0.01)  # the levers add up


def test_dprd_costs_only_what_is_new_and_flags_a_missing_basis(default_params):
    t = B.extra_groups_cost(default_params, 2026).set_index("programme")
    assert (t.loc[["JKK", "JKM"], "province_rupiah_year"] == 0).all()
    assert (t.loc[["JKK", "JKM"], "status"] == "already_provided").all() and "PP 18/2017" in t.loc["JKK", "basis"]
    assert t.loc["JHT", "employer_rupiah_month"] == pytest.approx(0.037 * 10_000_000)
    assert t.loc["JHT", "worker_rupiah_month"] == pytest.approx(0.02 * 10_000_000)
    assert t.loc["JP", "employer_rupiah_month"] == pytest.approx(0.02 * 10_000_000)  # wage under the JP cap
    assert t.loc["JHT", "province_rupiah_year"] == pytest.approx(55 * 12 * 0.037 * 10_000_000)  # members pay theirs
    assert t.loc[["JHT", "JP"], "basis_missing"].all()
    assert B.extra_groups_cost(default_params, 2025)["province_rupiah_year"].sum() == 0  # before its start year


def test_value_by_hand(default_params):
    v = B.value_of(default_params, 100_000, 70_000, 100_000 * 9 * 16_800)
    assert v["benefits_rupiah"] == pytest.approx(100_000 * 4.5 / 1000 * 42e6 + 100_000 * 8 / 1000 * 5e6)
    assert v["cost_per_additional_rupiah"] == pytest.approx(100_000 * 9 * 16_800 / 70_000)


def test_launch_recipients_are_exactly_the_params_figure(default_params, default_data):
    launch = default_data.kaltim[default_data.kaltim["period"] == "2023-07-01"]["subsidised_prov"]
    assert launch.sum() == default_params.data.synthetic.pergub_recipients == 100_000
    by_year = B.recipients_cost_by_year(default_data.panel, default_params).set_index("year")
    paid_months = 12 - default_params.data.synthetic.determination_gap_months  # the simulator's yearly decree gap
    assert by_year.loc[2024, "subsidised_prov"] == round(100_000 * paid_months / 12)
    assert by_year["subsidised_prov"].dtype == np.int64
