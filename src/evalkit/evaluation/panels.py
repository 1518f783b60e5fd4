"""The data each design of notebook 02 runs on, built from a :class:`~evalkit.data.Dataset` and params,
and — for synthetic data only — each design's exact target computed from ``Dataset.truth``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.months import month_numbers, month_ord, window
from ..data.dataset import Dataset, aggregate_kaltim

if TYPE_CHECKING:
    from ..params.schema import Params


def windows(params: Params) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    """(first pre month, policy start, first month after the post window)."""
    start = params.policy_start.to_timestamp()
    lo, hi = window(start, params.evaluation.pre_window_months, params.evaluation.post_window_months)
    return lo, start, hi


def in_window(df: pd.DataFrame, params: Params) -> pd.DataFrame:
    lo, _, hi = windows(params)
    return df[(df["period"] >= lo) & (df["period"] < hi)].reset_index(drop=True)


def with_truth(data: Dataset) -> pd.DataFrame:
    p = data.panel
    if data.truth is None:
        return p
    return p.join(data.truth[["effect_pp", "effect_pergub_pp", "effect_cofunding_pp"]])


def comparison_units(df: pd.DataFrame, params: Params, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Keep the kab/kota (or ``keep`` codes) and the comparison provinces chosen by ``evaluation.comparison``."""
    codes = params.comparison_codes
    if codes is None:
        return df
    return df[(df["level"] == "kabkota") | df["region_code"].isin([*codes, *keep])].reset_index(drop=True)


def kabkota_vs_provinces(data: Dataset, params: Params) -> pd.DataFrame:
    """Window panel of the 10 kab/kota and the comparison provinces (``evaluation.comparison``) with
    ``treat`` (0/1), ``first_treated``, ``dose`` and ``province_code`` (the level the Pergub is assigned at: 64 for
    every Kaltim kab/kota)."""
    p = comparison_units(in_window(with_truth(data), params), params)
    p["province_code"] = p["region_code"].astype(str).str[:2]
    start = params.policy_start.to_timestamp()
    kt = p["level"].eq("kabkota")
    p["treat"] = (kt & (p["period"] >= start)).astype(float)
    p["first_treated"] = pd.Series(pd.NaT, index=p.index).where(~kt, start)
    subsidised = p[["subsidised_prov", "subsidised_kabkota", "subsidised_csr"]].sum(axis=1)
    p["dose"] = 100 * subsidised / p["vulnerable_workers"]
    return p


def kaltim_series(data: Dataset, params: Params) -> pd.DataFrame:
    """Kaltim aggregate monthly series in the window (with the aggregate true effect when synthetic)."""
    agg = aggregate_kaltim(data.panel)
    if data.truth is not None:
        t = with_truth(data)
        t = t[t["level"] == "kabkota"]
        agg = agg.merge(
            t.groupby("period")
            .apply(lambda g: np.average(g["effect_pp"], weights=g["vulnerable_workers"]), include_groups=False)
            .rename("effect_pp"),
            on="period",
        )
    return in_window(agg, params)


def staggered_panel(data: Dataset, params: Params) -> pd.DataFrame:
    """Kab/kota from the Pergub start on, ``first_treated`` = own co-funding start (NaT if none)."""
    p = with_truth(data)
    start = params.policy_start.to_timestamp()
    p = p[(p["level"] == "kabkota") & (p["period"] >= start)].copy()
    cof = {c.code: pd.Period(c.start_month, freq="M").to_timestamp() for c in params.policy.cofunding}
    p["first_treated"] = p["region_code"].map(cof)
    p["treat"] = (p["first_treated"].notna() & (p["period"] >= p["first_treated"])).astype(float)
    return p.reset_index(drop=True)


# --------------------------------------------------------------------------- truth (synthetic)
def truth_window_did(p: pd.DataFrame, start) -> float:
    k = p[p["level"] == "kabkota"]
    post = k["period"] >= start
    return float(k.loc[post, "effect_pp"].mean() - k.loc[~post, "effect_pp"].mean())


def truth_aggregate(series: pd.DataFrame, start) -> float:
    post = series["period"] >= start
    return float(series.loc[post, "effect_pp"].mean() - series.loc[~post, "effect_pp"].mean())


def truth_event(p: pd.DataFrame, start, ks: list[int], ref: int) -> float:
    k = p[p["level"] == "kabkota"].copy()
    rel = (month_numbers(k["period"]) - month_ord(start)).astype(int)
    by_rel = k.groupby(rel)["effect_pp"].mean()
    return float(np.mean([by_rel[r] - by_rel[ref] for r in ks]))
