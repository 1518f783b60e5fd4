"""The Dataset container: coverage on the documented definitions, province and kab/kota, synthetic and real."""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit.data import load_panel
from evalkit.data.schemas import PANEL


def test_coverage_definitions_by_hand(default_data):
    kt = default_data.kaltim
    month = pd.Timestamp("2025-08-01")
    m = kt[kt["period"] == month]
    prov = default_data.coverage("total", "province")
    assert prov.loc[month] == pytest.approx(100 * m["participants_total"].sum() / m["target_workers"].sum())
    assert prov.loc[month] == pytest.approx(70.11, abs=0.01)  # the simulator's calibration (Governor, Aug 2025)
    vul = default_data.coverage("vulnerable", "kabkota")
    row = m[m["region_code"] == "6472"].iloc[0]
    assert vul.loc[("6472", month)] == pytest.approx(100 * row["bpu_participants"] / row["vulnerable_workers"])
    assert vul.index.names == ["region_code", "period"] and len(vul) == len(kt)
    with pytest.raises(ValueError):
        default_data.coverage("formal")


def test_coverage_is_the_same_from_a_real_file(default_data, tmp_path):
    panel = default_data.panel[[c.name for c in PANEL]].copy()
    panel["period"] = panel["period"].dt.strftime("%Y-%m")
    panel.to_csv(tmp_path / "panel.csv", index=False)
    real = load_panel(tmp_path / "panel.csv")
    assert not real.is_synthetic
    for measure in ("vulnerable", "total"):
        for level in ("province", "kabkota"):
            pd.testing.assert_series_equal(
                real.coverage(measure, level), default_data.coverage(measure, level), check_dtype=False
            )
