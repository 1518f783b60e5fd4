"""The kab/kota scorecard: normalisation, missing indicators, rank uncertainty."""
from __future__ import annotations

import pandas as pd
import pytest

from evalkit import scorecard


def test_scorecard_normalisation_and_rank_uncertainty(default_params, default_data):
    default_params = default_params.model_copy(update={"scorecard": default_params.scorecard.model_copy(
        update={"participants": []})})  # every kab/kota ranked
    ind = scorecard.indicators(default_data, default_params)
    t = scorecard.composite(ind, default_params)
    z = t.set_index("region_code")["z_coverage_level"]
    raw = ind[ind["year"] == ind["year"].max()].set_index("region_code")["coverage_level"]
    assert z.to_dict() == pytest.approx((100 * (raw - raw.min()) / (raw.max() - raw.min())).to_dict())
    assert t["z_employer_compliance"].isna().all()  # missing indicator: weights rescaled, score still 0–100
    assert t["score"].between(0, 100).all() and sorted(t["rank"]) == list(range(1, 11))
    sharp = default_params.model_copy(update={"scorecard": default_params.scorecard.model_copy(
        update={"weight_concentration": 1e6})})
    u = scorecard.rank_uncertainty(ind, sharp).set_index("region_code")
    assert (u["rank_median"] == t.set_index("region_code")["rank"]).all()
    loose = scorecard.rank_uncertainty(ind, default_params)
    assert (loose["rank_p90"] >= loose["rank_p10"]).all() and loose["p_top3"].sum() == pytest.approx(3)


# --- issue #30: Paritrana's participants, the kab/kota's own merit, declines flagged ---------------------------
def test_only_the_participants_are_ranked_and_the_ranking_follows_the_list(default_params, default_data):
    from evalkit import scorecard

    ind = scorecard.indicators(default_data, default_params)
    seven = ["6405", "6401", "6404", "6409", "6403", "6474", "6472"]
    assert default_params.scorecard.participants == seven  # the 2024 round (interviews 28 Jul 2025)
    table = scorecard.composite(ind, default_params)
    assert sorted(table["region_code"]) == sorted(seven) and sorted(table["rank"]) == list(range(1, 8))
    three = default_params.model_copy(update={"scorecard": default_params.scorecard.model_copy(
        update={"participants": ["6471", "6402", "6411"]})})
    assert sorted(scorecard.composite(ind, three)["region_code"]) == ["6402", "6411", "6471"]
    unc = scorecard.rank_uncertainty(ind, three)
    assert set(unc["region_code"]) == {"6402", "6411", "6471"} and unc["rank_p90"].max() <= 3


def test_a_kabkota_score_does_not_move_with_the_provinces_recipients(default_params, default_data):
    """Recipients the province pays for are the province's merit: changing only them changes no kab/kota's score."""
    from evalkit import scorecard

    before = scorecard.composite(scorecard.indicators(default_data, default_params), default_params)
    panel = default_data.panel.copy()
    kukar = panel["region_code"].astype(str).eq("6403")
    panel.loc[kukar, "subsidised_prov"] = panel.loc[kukar, "subsidised_prov"] * 3 + 500
    changed = default_data.__class__(**{**default_data.__dict__, "panel": panel})
    after = scorecard.composite(scorecard.indicators(changed, default_params), default_params)
    pd.testing.assert_frame_equal(before, after)


def test_every_kabkota_whose_coverage_fell_is_flagged(default_params, default_data):
    """On a panel where chosen kab/kota lose coverage in the latest year (and the others gain), exactly those are
    listed, largest fall first, with the size of the fall."""
    from evalkit import scorecard

    panel = default_data.panel.copy()
    kt = panel["level"].eq("kabkota")
    last = panel["period"].dt.year == panel["period"].dt.year.max()
    fall = {"6402": 0.80, "6474": 0.95}  # participants lost in the latest year
    for code in panel.loc[kt, "region_code"].astype(str).unique():
        sel = kt & last & panel["region_code"].astype(str).eq(code)
        factor = fall.get(code, 1.15)
        for col in ("participants_total", "bpu_participants"):
            panel.loc[sel, col] = (panel.loc[sel, col] * factor).round()
    from evalkit.data.dataset import add_coverage

    changed = default_data.__class__(**{**default_data.__dict__, "panel": add_coverage(panel)})
    flagged = scorecard.declines(changed, default_params)
    assert list(flagged["region_code"]) == ["6402", "6474"]  # the larger fall first
    assert (flagged["total_change_pp"] < 0).all() and (flagged["vulnerable_change_pp"] < 0).all()
