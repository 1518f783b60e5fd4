"""Kab/kota scorecard (issue #6 adds the full composite index)."""
from __future__ import annotations

import pandas as pd

from .data.dataset import Dataset


def coverage_ranking(data: Dataset, params, outcome: str | None = None) -> pd.DataFrame:
    """Rank kab/kota by the latest 12-month mean coverage; growth = change since the 12 months before the policy.

    Columns: ``rank``, ``region_code``, ``region_name``, ``coverage`` (percent), ``growth`` (pp).
    """
    outcome = outcome or params.evaluation.outcome
    kt = data.kaltim
    last = kt["period"].max()
    start = params.policy_start.to_timestamp()
    recent = kt[kt["period"] > last - pd.DateOffset(months=12)].groupby(["region_code", "region_name"])[outcome].mean()
    base = kt[(kt["period"] < start) & (kt["period"] >= start - pd.DateOffset(months=12))] \
        .groupby(["region_code", "region_name"])[outcome].mean()
    out = pd.DataFrame({"coverage": recent, "growth": recent - base}).reset_index()
    out = out.sort_values("coverage", ascending=False, ignore_index=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out
