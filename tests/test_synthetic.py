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
    assert (p["participants_total"] <= p["target_workers"]).all()
    assert (p["target_workers"] <= p["working_pop"]).all() and (p["vulnerable_workers"] <= p["target_workers"]).all()
    assert (p["bpu_participants"] + p["pu_participants"] <= p["participants_total"]).all()
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
    start = kt[kt["period"] == pd.Timestamp(default_params.policy.start_month + "-01")]
    assert abs(start["vulnerable_workers"].sum() - syn.kaltim_vulnerable_workers) < 10
    assert start["subsidised_prov"].sum() == syn.pergub_recipients


def test_the_public_record_total_coverage_stagnates_at_70_percent(default_data):
    """70.86% in March 2023 (962,711 of 1,358,649) and 70.11% in August 2025, on the published definition:
    active participants of all segments / BPJS TK target population (data/reference/SOURCES.md)."""
    total = default_data.coverage("total", "province")
    assert abs(total[pd.Timestamp("2023-03-01")] - 70.86) < 0.1
    assert abs(total[pd.Timestamp("2025-08-01")] - 70.11) < 0.1
    march = default_data.kaltim[default_data.kaltim["period"] == pd.Timestamp("2023-03-01")]
    assert march["target_workers"].sum() == 1_358_649
    assert abs(march["participants_total"].sum() - 962_711) < 0.001 * 962_711
    # the target population is about 30% smaller than the BPS working population
    assert 0.6 < march["target_workers"].sum() / march["working_pop"].sum() < 0.75


def test_some_kabkota_lose_coverage_over_2023_2025(default_data):
    """The 2024 Paritrana assessment named kab/kota whose coverage fell."""
    by = default_data.coverage("total", "kabkota").unstack(0)
    change = by.loc["2025"].mean() - by.loc["2023"].mean()
    assert (change < 0).sum() >= 1


def test_pu_participants_stay_within_formal_non_asn_employment(default_data):
    p, truth = default_data.panel, default_data.truth
    assert (p["pu_participants"] <= truth["formal_non_asn_workers"]).all()
    assert (truth["formal_non_asn_workers"] < p["working_pop"] - p["vulnerable_workers"]).all()


def test_kukar_cofunding_starts_in_2025_and_the_others_are_labelled_illustrative(default_params):
    cof = {c.code: c for c in default_params.policy.cofunding}
    assert cof["6403"].start_month.startswith("2025")
    assert all("illustrative" in c.instrument for code, c in cof.items() if code != "6403")


def test_the_provincial_list_follows_the_budget_year(default_data, default_params):
    """A list determined each year: nothing paid January-March after the launch year, then the full list."""
    prov = default_data.kaltim.groupby("period")["subsidised_prov"].sum()
    gap = default_params.data.synthetic.determination_gap_months
    for year in (2024, 2025):
        assert (prov[f"{year}-01" : f"{year}-{gap:02d}"] == 0).all()
        assert (prov[f"{year}-{gap + 1:02d}" : f"{year}-12"] == default_params.data.synthetic.pergub_recipients).all()
    by_year = default_data.kaltim.pivot_table(
        index="region_code", columns=default_data.kaltim["period"].dt.year, values="subsidised_prov", aggfunc="max"
    )
    assert not by_year[2024].equals(by_year[2025])  # each year's list is its own


def test_company_wages_are_at_least_the_ump():
    from evalkit.compliance import CONTRIBUTION_RATE_SHARE, KALTIM_UMP_RUPIAH, generate_companies

    df = generate_companies(300, seed=4)
    reg = df["workers_registered"] > 0
    wage = df.loc[reg, "contribution_due_rupiah"] / df.loc[reg, "workers_registered"] / CONTRIBUTION_RATE_SHARE
    ump = df.loc[reg, "periode"].str[:4].astype(int).map(KALTIM_UMP_RUPIAH)
    assert (wage >= ump * (1 - 1e-6) - 1 / CONTRIBUTION_RATE_SHARE).all()


def test_recipient_defect_rates_differ_by_kabkota_and_kind():
    from evalkit.recipients.generate import generate_recipients

    df, truth = generate_recipients(20000, seed=11)
    counts = truth.counts
    assert len(set(counts.values())) > 2
    flagged = np.zeros(len(df), bool)
    flagged[[i for rows in truth.rows.values() for i in rows]] = True
    rate = pd.Series(flagged).groupby(df["kode_wilayah"].to_numpy()).mean()
    assert rate.max() > 2 * rate.min()


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
    paid = post & (p["subsidised_prov"] > 0)
    assert (truth.loc[paid, "effect_pergub_pp"] > 0).all() and (truth.loc[post & ~paid, "effect_pergub_pp"] == 0).all()
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
