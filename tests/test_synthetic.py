"""The seeded simulator: shapes, codes, reproducibility, calibration and the stored true effect."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from evalkit.data import config_from_params, generate
from evalkit.reference import kaltim_codes, regions


def test_shape_and_codes(default_data):
    p = default_data.panel
    assert p["region_code"].nunique() == 47
    assert set(p.loc[p["level"] == "kabkota", "region_code"]) == set(kaltim_codes())
    assert len(kaltim_codes()) == 10
    assert (p.loc[p["level"] == "provinsi", "region_code"].str.len() == 2).all()
    assert "64" not in set(p["region_code"])  # Kaltim itself is represented by its kab/kota
    assert p["period"].min() == pd.Timestamp("2019-01-01") and p["period"].max() == pd.Timestamp("2025-12-01")
    assert len(p) == 47 * 84
    assert not p.duplicated(["region_code", "period"]).any()
    assert default_data.is_synthetic and default_data.label == "SYNTHETIC DATA"


def test_reference_has_38_provinces_including_kaltim():
    reg = regions()
    assert set(reg["province_code"]) | {"64"} == set(reg["province_code"])
    assert reg.loc[reg["level"] == "provinsi", "code"].nunique() == 37


def config(params, **changes):
    """The default scenario's simulator configuration with ``changes``."""
    return dataclasses.replace(config_from_params(params), **changes)


def test_same_seed_same_panel_other_seed_differs(default_params):
    a, b, c = (generate(config(default_params, seed=s)) for s in (7, 7, 8))
    pd.testing.assert_frame_equal(a.panel, b.panel)
    assert a.meta == b.meta
    assert not a.panel["bpu_participants"].equals(c.panel["bpu_participants"])


def test_counts_are_consistent(default_data):
    p = default_data.panel
    assert (p["bpu_participants"] <= p["vulnerable_workers"]).all()
    assert (p["participants_total"] <= p["working_pop"]).all()
    subsidised = p[["subsidised_prov", "subsidised_kabkota", "subsidised_csr"]].sum(axis=1)
    assert (subsidised <= p["bpu_participants"]).all()
    # churn flows reproduce the stock month to month
    for _, g in p.groupby("region_code"):
        stock = g["bpu_participants"].to_numpy()
        flow = stock[:-1] + g["bpu_joiners"].to_numpy()[1:] - g["bpu_leavers"].to_numpy()[1:]
        np.testing.assert_array_equal(flow, stock[1:])


def test_calibrated_to_public_aggregates(default_data, default_params):
    syn = default_params.data.synthetic
    kt = default_data.kaltim
    month = kt[kt["period"] == pd.Timestamp(syn.kaltim_coverage_month + "-01")]
    coverage = 100 * month["participants_total"].sum() / month["working_pop"].sum()
    assert abs(coverage - syn.kaltim_coverage_pct) < 0.01
    start = kt[kt["period"] == pd.Timestamp(default_params.policy.start_month + "-01")]
    assert abs(start["vulnerable_workers"].sum() - syn.kaltim_vulnerable_workers) < 10
    assert abs(start["subsidised_prov"].sum() - syn.pergub_recipients) <= 10  # rounding per kab/kota


def test_true_effect_is_what_the_panel_contains(default_data, default_params):
    """coverage = untreated path + stored effect, unit by unit and month by month."""
    p, truth = default_data.panel, default_data.truth
    rebuilt = (truth["y0_pct"] + truth["effect_pp"]).clip(0, 100)
    # participants are whole persons: coverage differs from the exact value by < 1 person
    np.testing.assert_allclose(p["vulnerable_coverage_pct"], rebuilt, atol=100 / p["vulnerable_workers"].min())
    te = default_data.meta["true_effect"]
    syn = default_params.data.synthetic
    expected = 100 * syn.pergub_recipients * syn.additionality_share / syn.kaltim_vulnerable_workers
    assert abs(te["pergub_at_start_pp"] - expected) < 3  # unweighted mean across kab/kota of unequal doses
    post = (p["period"] >= pd.Timestamp("2023-07-01")) & (p["level"] == "kabkota")
    assert (truth.loc[post, "effect_pergub_pp"] > 0).all()
    assert (truth.loc[~post, "effect_pergub_pp"] == 0).all()
    assert (truth.loc[p["level"] == "provinsi", "effect_pp"] == 0).all()
    assert te["pergub_att_pp"] == truth.loc[post, "effect_pergub_pp"].mean()


def test_staggered_cofunding_dates(default_data, default_params):
    truth, p = default_data.truth, default_data.panel
    for c in default_params.policy.cofunding:
        sub = truth[p["region_code"] == c.code]
        first = sub.loc[sub["effect_cofunding_pp"] > 0, "period"].min()
        assert first == pd.Period(c.start_month, freq="M").to_timestamp()


def test_config_knobs_change_the_truth(default_params):
    base = generate(config(default_params, seed=3))
    none = generate(config(default_params, seed=3, pergub_recipients=0, cofunding=()))
    assert none.meta["true_effect"]["pergub_att_pp"] == 0
    assert base.meta["true_effect"]["pergub_att_pp"] > 5
