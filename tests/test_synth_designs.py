"""Synthetic DiD, conformal inference and the robustness checks (leave-one-out donors, placebo in time) on simulated
factor-model panels whose truth is known; size of the conformal test by simulation."""

import numpy as np
import pandas as pd
import pytest

from evalkit.evaluation.designs import sdid as sdid_design
from evalkit.evaluation.designs import synth as synth_design
from evalkit.methods import synth
from evalkit.methods.conformal import block_pvalue, null_pvalue
from evalkit.robustness import CheckResult, leave_one_out, placebo_in_time


def factor_panel(
    seed: int, effect: float = 0.0, units: int = 20, periods: int = 30, start: int = 20, noise: float = 0.5
) -> pd.DataFrame:
    """Two-factor model; unit 0 is treated from ``start`` with a constant ``effect`` and lies inside the donors'
    factor-loading hull (a synthetic control can match it)."""
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(periods, 2)).cumsum(axis=0)
    load = rng.uniform(0.5, 1.5, size=(units, 2))
    load[0] = load[1:6].mean(axis=0)
    y = 10 + f @ load.T + rng.normal(0, noise, size=(periods, units))
    y[start:, 0] += effect
    return pd.DataFrame(
        {"unit": np.repeat(np.arange(units), periods), "time": np.tile(np.arange(periods), units), "y": y.T.ravel()}
    )


def test_sdid_recovers_the_effect_and_its_interval_covers_it():
    covered = []
    for seed in range(12):
        r = synth.sdid(factor_panel(seed, effect=3.0), "y", "unit", "time", 0, 20)
        assert abs(r.att.estimate - 3.0) < 5 * r.att.se
        assert abs(r.unit_weights.sum() - 1) < 1e-9 and abs(r.time_weights.sum() - 1) < 1e-9
        covered.append(r.att.covers(3.0))
    assert np.mean(covered) >= 0.75  # 95% nominal; 12 draws
    assert r.att.info["placebos"] == 19 and r.att.info["ci_level"] == 0.95


def test_sdid_refuses_too_few_controls_and_unbalanced_panels():
    p = factor_panel(1)
    with pytest.raises(ValueError, match="more control units than treated"):
        synth.sdid(p[p["unit"] < 2], "y", "unit", "time", [0], 20)
    with pytest.raises(ValueError, match="balanced panel"):
        synth.sdid(p.drop(index=5), "y", "unit", "time", 0, 20)
    with pytest.raises(ValueError, match="two pre-treatment periods"):
        synth.sdid(p, "y", "unit", "time", 0, 1)


def test_block_pvalue_is_a_rank_among_cyclic_shifts():
    post = np.r_[np.zeros(8, bool), np.ones(2, bool)]
    u = np.r_[np.zeros(8), 5.0, 5.0]  # the largest post residuals: only the identity shift is as large
    assert block_pvalue(u, post) == pytest.approx(1 / 10)
    assert block_pvalue(np.ones(10), post) == 1.0


def test_conformal_size_under_the_null_and_power_under_an_effect():
    post = np.arange(30) >= 20
    rejections = []
    for s in range(200):
        y = factor_panel(s)["y"].to_numpy().reshape(20, 30)
        rejections.append(null_pvalue(y[0], y[1:].T, post) <= 0.1)
    assert 0.04 <= np.mean(rejections) <= 0.17  # nominal 10%; 200 draws (Monte Carlo sd 2.1 points)
    e = synth.conformal(factor_panel(3, effect=6.0), "y", "unit", "time", 0, 20)
    assert e.pvalue <= 0.1 and e.ci_low > 0 and e.covers(6.0)


def test_leave_one_out_drops_each_weighted_donor():
    p = factor_panel(2, effect=2.0)
    check = leave_one_out(synth_design.point_fit, p, "y", "unit", "time", 0, 20)
    assert isinstance(check, CheckResult) and check.name == "leave_one_out"
    loo = check.table
    full = synth.synthetic_control(p, "y", "unit", "time", 0, 20, placebos=False)
    assert set(loo["dropped"]) == set(full.weights[full.weights > 0.001].index)
    assert check.values["full"] == pytest.approx(full.att.estimate)
    assert check.values["low"] <= full.att.estimate <= check.values["high"]
    donor = loo["dropped"].iloc[0]
    again = synth.synthetic_control(p[p["unit"] != donor], "y", "unit", "time", 0, 20, placebos=False)
    assert loo["estimate"].iloc[0] == pytest.approx(again.att.estimate)
    # an effect of 2 that no single donor carries: every re-fit keeps its sign
    assert check.passed is True and "donors dropped in turn" in str(check)


def test_placebo_in_time_finds_no_effect_before_the_start():
    p = factor_panel(4, effect=5.0)
    check = placebo_in_time(sdid_design.point_fit, p, "y", "unit", "time", 0, 20, reference=5.0)
    out = check.table
    assert out["fake_time"].tolist() == [10] and out["post_periods"].iloc[0] == 10
    assert abs(out["estimate"].iloc[0]) < 1.5  # the effect (5) starts at 20 and is not in the truncated panel
    assert check.passed is True  # under half the real effect
    assert placebo_in_time(sdid_design.point_fit, p, "y", "unit", "time", 0, 20).passed is None  # no reference
    # a "real" effect smaller than twice the backdated one fails the check
    assert (
        placebo_in_time(
            sdid_design.point_fit, p, "y", "unit", "time", 0, 20, reference=abs(out["estimate"].iloc[0])
        ).passed
        is False
    )
    with pytest.raises(ValueError, match="fake start 1 leaves 1 periods"):
        placebo_in_time(sdid_design.point_fit, p, "y", "unit", "time", 0, 20, fake_times=[1])


def test_sdid_p_value_is_never_below_what_its_placebos_support():
    """With m placebos the smallest p-value a placebo method can report is 1/(m + 1) (#33: the comparison table once
    printed 1.8e-266 from a normal tail); the normal p stays beside it in ``info``."""
    import numpy as np
    import pandas as pd

    from evalkit.methods import sdid

    rng = np.random.default_rng(3)
    units, periods = 12, 20
    rows = [
        {"unit": u, "time": t, "y": rng.normal() + (8.0 if u == 0 and t >= 15 else 0.0)}
        for u in range(units)
        for t in range(periods)
    ]
    r = sdid.sdid(pd.DataFrame(rows), "y", "unit", "time", 0, 15)
    m = r.att.info["placebos"]
    assert m == units - 1 and r.att.pvalue == pytest.approx(1 / (m + 1))  # the largest effect of all: rank 1
    assert r.att.info["p_normal"] < r.att.pvalue
