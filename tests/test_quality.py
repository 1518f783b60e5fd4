"""Panel data-quality checks (notebook 01): each check counts exactly the rows broken on purpose."""

from __future__ import annotations

import dataclasses

from evalkit.data import add_coverage
from evalkit.data.quality import coverage_matrix, panel_checks


def counts(data, params) -> dict[str, int]:
    return panel_checks(data, params).set_index("check")["rows_affected"].to_dict()


def test_the_simulated_panel_passes_every_check(default_data, default_params):
    t = panel_checks(default_data, default_params)
    assert t["passed"].all() and set(t["check"]) == {
        "dq_complete",
        "dq_missing",
        "dq_bpu_le_vuln",
        "dq_total_le_target",
        "dq_subsidised_le_bpu",
        "dq_jump",
    }


def test_each_broken_row_is_counted(default_data, default_params):
    p = default_data.panel.copy()
    kab = p.index[p["level"] == "kabkota"]
    p.loc[kab[:3], "bpu_participants"] = p.loc[kab[:3], "vulnerable_workers"] + 1  # 3 above their denominator
    p.loc[kab[100:102], "participants_total"] = p.loc[kab[100:102], "target_workers"] + 5  # 2 above theirs
    p.loc[kab[200], "subsidised_prov"] = p.loc[kab[200], "bpu_participants"] + 1  # 1 subsidised above BPU
    p = p.drop(index=kab[300:304])  # 4 months missing for one kab/kota
    broken = dataclasses.replace(default_data, panel=add_coverage(p).reset_index(drop=True))
    got = counts(broken, default_params)
    assert got["dq_bpu_le_vuln"] == 3 and got["dq_total_le_target"] == 2 and got["dq_subsidised_le_bpu"] >= 1
    assert got["dq_complete"] == 4 and got["dq_missing"] == 0


def test_a_jump_is_flagged_except_at_the_policy_start(default_data, default_params):
    p = default_data.panel.copy()
    row = p.index[(p["region_code"] == "6472") & (p["period"] == "2021-03-01")][0]
    p.loc[row, "bpu_participants"] = p.loc[row, "bpu_participants"] + int(0.3 * p.loc[row, "vulnerable_workers"])
    jumped = dataclasses.replace(default_data, panel=add_coverage(p))
    assert counts(jumped, default_params)["dq_jump"] == 2  # up into the month and down out of it
    matrix = coverage_matrix(default_data)
    assert matrix.shape == (10, default_data.panel["period"].nunique())
