"""Estimators: agreement with reference implementations and hand computations, recovery of known effects.

Tolerances: 1e-6 against statsmodels/linearmodels (same arithmetic up to rounding); 1e-10 against hand
computations; synthetic-control weights within 1e-4 of an independent constrained least-squares solve.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evalkit.data.synthetic import simulate_staggered
from evalkit.methods import did, its
from evalkit.methods.synth import simplex_weights


@pytest.fixture(scope="module")
def small_panel():
    rng = np.random.default_rng(1)
    U, T = 12, 9
    df = pd.DataFrame([(u, t) for u in range(U) for t in range(T)], columns=["u", "t"])
    df["x"] = rng.normal(size=len(df))
    df["d"] = ((df.u < 5) & (df.t >= 5)).astype(float) + 0.3 * rng.normal(size=len(df))
    df["y"] = 0.5 * df.d + 0.2 * df.x + rng.normal(size=len(df)) + 0.1 * df.u + 0.2 * df.t
    df["w"] = rng.uniform(0.5, 2, len(df))
    return df


def test_twfe_matches_statsmodels_dummies(small_panel):
    import statsmodels.formula.api as smf

    df = small_panel
    for weights in (None, "w"):
        e = did.twfe(df, "y", "u", "t", "d", covariates=("x",), weights=weights, small_sample="all")
        fit = (
            smf.wls("y ~ d + x + C(u) + C(t)", df, weights=df[weights])
            if weights
            else smf.ols("y ~ d + x + C(u) + C(t)", df)
        ).fit(cov_type="cluster", cov_kwds={"groups": df.u})
        assert abs(e.estimate - fit.params["d"]) < 1e-6
        assert abs(e.se - fit.bse["d"]) < 1e-6


def test_twfe_matches_linearmodels_and_nested_correction(small_panel):
    from linearmodels.panel import PanelOLS

    df = small_panel
    e_all = did.twfe(df, "y", "u", "t", "d", covariates=("x",), small_sample="all")
    e_nested = did.twfe(df, "y", "u", "t", "d", covariates=("x",))
    lm = PanelOLS.from_formula("y ~ d + x + EntityEffects + TimeEffects", df.set_index(["u", "t"])).fit()
    assert abs(e_nested.estimate - lm.params["d"]) < 1e-6
    n, U, T, p = len(df), 12, 9, 2
    k_all, k_nested = p + U + T - 1, p + T  # Stata/fixest leave out unit effects nested in the clusters
    assert abs(e_nested.se - e_all.se * np.sqrt((n - k_all) / (n - k_nested))) < 1e-10


def test_event_study_matches_dummy_regression():
    import statsmodels.formula.api as smf

    df, _ = simulate_staggered(seed=4, n_units=30, n_periods=10, cohorts=(5, 7), cohort_size=8)
    r = did.event_study(df, "y", "unit", "time", "first_treated", ref=-1, small_sample="all")
    rel = np.where(df["first_treated"] > 0, df["time"] - df["first_treated"], np.nan)
    names = []
    for k in sorted(set(rel[~np.isnan(rel)].astype(int)) - {-1}):
        name = f"e{'m' if k < 0 else 'p'}{abs(k)}"
        df[name] = (rel == k).astype(float)
        names.append((k, name))
    fit = smf.ols("y ~ " + " + ".join(n for _, n in names) + " + C(unit) + C(time)", df).fit(
        cov_type="cluster", cov_kwds={"groups": df["unit"]}
    )
    coefs = r.coefs.set_index("rel_time")
    for k, name in names:
        assert abs(coefs.loc[k, "estimate"] - fit.params[name]) < 1e-6
        assert abs(coefs.loc[k, "se"] - fit.bse[name]) < 1e-6
    assert coefs.loc[-1, "estimate"] == 0.0


def test_event_study_refuses_a_reference_outside_its_window():
    """ref=-6 with window (-3, 3) used to return rel −3 = 0.0 with a NaN standard error (#33): refused, naming both."""
    df, _ = simulate_staggered(seed=4, n_units=30, n_periods=10, cohorts=(5, 7), cohort_size=8)
    with pytest.raises(ValueError, match=r"ref=-6 lies outside window=\(-3, 3\)"):
        did.event_study(df, "y", "unit", "time", "first_treated", ref=-6, window=(-3, 3))
    r = did.event_study(df, "y", "unit", "time", "first_treated", ref=-3, window=(-3, 3))
    assert r.coefs.set_index("rel_time").loc[-3, "estimate"] == 0.0  # the reference at the window's edge is allowed


def test_callaway_santanna_matches_hand_computation():
    # 6 units x 5 periods; cohort 3 = units 0,1; cohort 4 = unit 2; never = units 3,4,5
    rng = np.random.default_rng(0)
    Y = rng.normal(size=(6, 5)).round(3) + np.arange(5)
    first = [3, 3, 4, 0, 0, 0]
    df = pd.DataFrame(
        [(i, t + 1, first[i], Y[i, t]) for i in range(6) for t in range(5)], columns=["unit", "time", "g", "y"]
    )
    y = lambda units, t: Y[units, t - 1]  # noqa: E731
    r = did.callaway_santanna(df, "y", "unit", "time", "g", control="never")
    gt = r.group_time.set_index(["group", "time"])["att"]
    never = [3, 4, 5]
    # post cells: base g-1
    for g, units in ((3, [0, 1]), (4, [2])):
        for t in range(g, 6):
            hand = (y(units, t) - y(units, g - 1)).mean() - (y(never, t) - y(never, g - 1)).mean()
            assert abs(gt[(g, t)] - hand) < 1e-10
        for t in range(2, g):  # varying base: t-1
            hand = (y(units, t) - y(units, t - 1)).mean() - (y(never, t) - y(never, t - 1)).mean()
            assert abs(gt[(g, t)] - hand) < 1e-10
    # not-yet-treated controls for cohort 3 at t = 3: unit 2 (first treated 4) joins the never-treated
    r2 = did.callaway_santanna(df, "y", "unit", "time", "g", control="notyet")
    gt2 = r2.group_time.set_index(["group", "time"])["att"]
    ctrl = [2, 3, 4, 5]
    hand = (y([0, 1], 3) - y([0, 1], 2)).mean() - (y(ctrl, 3) - y(ctrl, 2)).mean()
    assert abs(gt2[(3, 3)] - hand) < 1e-10
    hand = (y([0, 1], 4) - y([0, 1], 2)).mean() - (y(never, 4) - y(never, 2)).mean()  # unit 2 treated at 4
    assert abs(gt2[(3, 4)] - hand) < 1e-10
    # simple aggregation = p_g weighted mean over post cells
    post = r.group_time[r.group_time["post"]]
    w = post["group"].map({3: 2 / 6, 4: 1 / 6})
    assert abs(r.att.estimate - (w * post["att"]).sum() / w.sum()) < 1e-10


def test_callaway_santanna_recovers_and_twfe_is_biased_under_staggered_dynamics():
    df, truth = simulate_staggered(seed=11, growth=0.5, noise=0.5)
    cs = did.callaway_santanna(df, "y", "unit", "time", "first_treated")
    tw = did.twfe(df, "y", "unit", "time", "treat")
    assert cs.att.covers(truth["att_simple"])
    assert not tw.covers(truth["att_simple"])
    assert abs(tw.estimate - truth["att_simple"]) > 3 * abs(cs.att.estimate - truth["att_simple"])
    dyn = cs.aggregate("dynamic").table.set_index("event_time")
    for e in (0, 3, 6):
        assert abs(dyn.loc[e, "estimate"] - truth["att_dynamic"][e]) < 4 * dyn.loc[e, "se"]
    boot = did.callaway_santanna(df, "y", "unit", "time", "first_treated", bootstrap=999, seed=5)
    again = did.callaway_santanna(df, "y", "unit", "time", "first_treated", bootstrap=999, seed=5)
    assert boot.att.se == again.att.se and abs(boot.att.se / cs.att.se - 1) < 0.2


def test_synthetic_control_weights_match_constrained_least_squares():
    from scipy.optimize import nnls

    rng = np.random.default_rng(3)
    Y0 = rng.normal(size=(30, 12)).cumsum(axis=0)
    w_true = np.zeros(12)
    w_true[[1, 4, 7]] = [0.5, 0.3, 0.2]
    y1 = Y0 @ w_true + rng.normal(0, 0.3, 30)
    w = simplex_weights(y1, Y0)
    lam = 1e4  # Σw = 1 imposed as a heavily weighted extra row: an independent solver of the same problem
    ref, _ = nnls(np.vstack([Y0, lam * np.ones(12)]), np.concatenate([y1, [lam]]), maxiter=10_000)
    assert np.abs(w - ref).max() < 1e-4
    assert abs(w.sum() - 1) < 1e-12 and (w >= 0).all()


def test_its_recovers_level_and_slope():
    rng = np.random.default_rng(2)
    t = np.arange(60)
    y = 10 + 0.1 * t + np.where(t >= 36, 3 + 0.05 * (t - 36), 0) + rng.normal(0, 0.3, 60)
    r = its.fit(pd.DataFrame({"t": t, "y": y}), "y", "t", 36)
    assert r.level_change.covers(3) and r.slope_change.covers(0.05)
    assert r.att.covers(3 + 0.05 * np.arange(24).mean())
    cf = r.counterfactual
    assert np.allclose(
        cf.loc[cf.post, "fitted"] - cf.loc[cf.post, "counterfactual"],
        r.level_change.estimate + r.slope_change.estimate * (cf.loc[cf.post, "time"] - 36),
    )


def test_its_refuses_a_stacked_panel_with_repeated_dates():
    """A stacked panel (one row per unit and month) run as one series used to fit silently (#33): refused."""
    t = np.tile(np.arange(30), 2)
    y = np.arange(60, dtype=float)
    with pytest.raises(ValueError, match="one value per period; 30 period"):
        its.fit(pd.DataFrame({"t": t, "y": y}), "y", "t", 20)


def test_wild_bootstrap_does_not_reject_a_true_null():
    df, _ = simulate_staggered(seed=2, cohorts=(10,), cohort_size=10, effect=0.0, growth=0.0)
    e = did.twfe(df, "y", "unit", "time", "treat", inference="wild", B=1999)
    assert e.pvalue > 0.05 and e.ci_low < 0 < e.ci_high


@pytest.mark.slow
def test_coverage_of_wild_bootstrap_and_callaway_santanna_200_replications():
    """95% CIs cover the truth in 90–99% of 200 seeded replications (benchmarks/coverage_study.py prints the same)."""
    from benchmarks.coverage_study import coverage_study

    result = coverage_study(reps=200)
    for name, rate in result.items():
        assert 0.90 <= rate <= 0.99, (name, rate)
