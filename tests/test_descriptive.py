"""Descriptive coverage (notebook 02): before/after by hand, and charts that use the words they are given."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from evalkit.evaluation import descriptive

matplotlib.use("Agg")


def test_before_after_by_hand(default_data, default_params):
    t = descriptive.before_after_table(default_data, default_params).set_index("region_code")
    ev, start = default_params.evaluation, pd.Timestamp("2023-07-01")
    k = default_data.kaltim[default_data.kaltim["region_code"] == "6401"]
    pre = k[(k["period"] >= start - pd.DateOffset(months=ev.pre_window_months)) & (k["period"] < start)]
    post = k[(k["period"] >= start) & (k["period"] < start + pd.DateOffset(months=ev.post_window_months))]
    assert len(pre) == ev.pre_window_months and len(post) == ev.post_window_months
    assert t.loc["6401", "before"] == pytest.approx(pre["vulnerable_coverage_pct"].mean())
    assert t.loc["6401", "after"] == pytest.approx(post["vulnerable_coverage_pct"].mean())
    assert t.loc["6401", "change"] == pytest.approx(t.loc["6401", "after"] - t.loc["6401", "before"])
    assert list(t.index[-1:]) == ["64"] and t.loc["64", "region_name"] == "Kalimantan Timur"
    assert len(t) == 11


def test_charts_use_the_labels_given(default_data, default_params):
    labels = {
        "other_provinces": "Provinsi lain",
        "other_band": "Rentang",
        "kaltim": "Kaltim",
        "start": "Mulai",
        "ylabel": "Cakupan (%)",
        "xlabel": "Bulan",
    }
    fig = descriptive.plot_kaltim_vs_provinces(default_data, default_params, labels)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Rentang", "Provinsi lain", "Kaltim", "Mulai"]
    assert ax.get_ylabel() == "Cakupan (%)" and ax.get_xlabel() == "Bulan"
    kaltim_line = ax.get_lines()[1]
    agg = default_data.province_panel()
    want = agg[agg["region_code"] == "64"]["vulnerable_coverage_pct"].to_numpy()
    np.testing.assert_allclose(kaltim_line.get_ydata(), want)
    trend = descriptive.trend_table(default_data, default_params)  # the chart's data, as saved for the workbook
    np.testing.assert_allclose(trend["kaltim_pct"], want)
    small = descriptive.plot_kabkota_trends(default_data, default_params, ylabel="Cakupan (%)")
    assert len([a for a in small.axes if a.get_lines()]) == 10
    assert small.legends and all(t.get_fontsize() >= 10 for a in small.axes for t in a.get_xticklabels())
    assert small._supylabel.get_text() == "Cakupan (%)"
