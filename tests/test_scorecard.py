"""The kab/kota scorecard: normalisation, missing indicators, rank uncertainty."""
from __future__ import annotations

import pytest

from evalkit import scorecard


def test_scorecard_normalisation_and_rank_uncertainty(default_params, default_data):
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
