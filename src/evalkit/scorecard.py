"""Paritrana-style kab/kota scorecard: a transparent composite index with a rank-uncertainty check.

Indicators (per kab/kota and year; weights and directions from ``params.scorecard``):

* ``coverage_level`` — mean total coverage in the year (all participants / BPJS TK target population, percent: the
  coverage of all segments Paritrana assesses);
* ``coverage_growth`` — its change from the previous year (percentage points, year on year);
* ``protected_per_1000`` — recipients the kab/kota's own budget and CSR pay for, per 1,000 vulnerable workers (never
  the province's recipients: they are the province's merit, not the kab/kota's);
* ``own_budget_per_worker`` — the kab/kota's own APBD spending on contributions per vulnerable worker (Rupiah/year);
* ``regulation`` — 1 when a Perda/Perbup co-funding instrument is in force that year (``policy.cofunding``);
* ``csr_mobilised`` — CSR-funded contributions per vulnerable worker (Rupiah/year);
* ``employer_compliance`` — share of company-months paid on time (latest data only);
* ``data_quality`` — share of recipient records passing verification (latest data only).

Only the kab/kota of ``scorecard.participants`` (the year's Paritrana round) are normalised and ranked; the others
are shown apart, unranked. :func:`declines` lists the kab/kota whose total or vulnerable-worker coverage fell over the
latest year, first, as questions for the assessment interview.

Normalisation (documented choice): ``minmax`` maps each indicator to 0–100 across kab/kota within the
year (best = 100 after applying the direction; all equal → 50); ``zscore`` uses 50 + 10·z. A missing
indicator is left out and the weights of the others are rescaled for that kab/kota. Rank uncertainty:
weights are redrawn from a Dirichlet centred on the chosen weights (concentration ``weight_concentration``)
and the ranks recomputed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .budget.cost import unit_cost
from .params.schema import SCORE_INDICATORS as INDICATORS


def coverage_ranking(data, params, outcome: str | None = None) -> pd.DataFrame:
    """Rank the participating kab/kota (``scorecard.participants``; all when empty) by the latest 12-month mean
    coverage; growth = change since the 12 months before the policy."""
    outcome = outcome or params.evaluation.outcome
    kt = data.kaltim
    last = kt["period"].max()
    start = params.policy_start.to_timestamp()
    recent = kt[kt["period"] > last - pd.DateOffset(months=12)].groupby(["region_code", "region_name"])[outcome].mean()
    base = kt[(kt["period"] < start) & (kt["period"] >= start - pd.DateOffset(months=12))] \
        .groupby(["region_code", "region_name"])[outcome].mean()
    out = participating(pd.DataFrame({"coverage": recent, "growth": recent - base}).reset_index(), params)
    out = out.sort_values("coverage", ascending=False, ignore_index=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def indicators(data, params, compliance: pd.DataFrame | None = None, quality: pd.DataFrame | None = None) -> pd.DataFrame:
    """Raw indicator values per kab/kota and year (see the module docstring for units)."""
    kt = data.kaltim.copy()
    kt["year"] = kt["period"].dt.year
    g = kt.groupby(["region_code", "region_name", "year"])
    yearly = g.agg(coverage_level=("total_coverage_pct", "mean"), V=("vulnerable_workers", "mean"),
                   sub=("subsidised_prov", "mean"), kab=("subsidised_kabkota", "mean"),
                   csr=("subsidised_csr", "mean")).reset_index()
    yearly["sub_total"] = yearly["sub"] + yearly["kab"] + yearly["csr"]
    yearly = yearly.sort_values(["region_code", "year"])
    yearly["coverage_growth"] = yearly.groupby("region_code")["coverage_level"].diff()
    c = unit_cost(params) * 12
    yearly["protected_per_1000"] = 1000 * (yearly["kab"] + yearly["csr"]) / yearly["V"]  # never the province's
    yearly["own_budget_per_worker"] = yearly["kab"] * c / yearly["V"]
    yearly["csr_mobilised"] = yearly["csr"] * c / yearly["V"]
    start = {x.code: int(x.start_month[:4]) for x in params.policy.cofunding}
    yearly["regulation"] = [float(code in start and start[code] <= y) for code, y in zip(yearly["region_code"], yearly["year"])]
    last = yearly["year"].max()
    yearly["employer_compliance"] = np.nan
    yearly["data_quality"] = np.nan
    if compliance is not None:
        m = compliance.set_index("kode_wilayah")["on_time_share"]
        sel = yearly["year"] == last
        yearly.loc[sel, "employer_compliance"] = yearly.loc[sel, "region_code"].map(m)
    if quality is not None:
        m = quality.set_index("kode_wilayah")["clean_share"]
        sel = yearly["year"] == last
        yearly.loc[sel, "data_quality"] = yearly.loc[sel, "region_code"].map(m)
    return yearly[["region_code", "region_name", "year", *INDICATORS]].reset_index(drop=True)


def indicators_for(data, params, monitoring) -> pd.DataFrame:
    """:func:`indicators` with the compliance and data-quality tables of a
    :class:`~evalkit.monitoring.Monitoring` (either may be missing)."""
    quality = monitoring.verification.by_region if monitoring.verification is not None else None
    return indicators(data, params, monitoring.compliance, quality)


def _normalise(x: pd.DataFrame, method: str) -> pd.DataFrame:
    if method == "zscore":
        sd = x.std(ddof=0).replace(0, np.nan)
        return (50 + 10 * (x - x.mean()) / sd).fillna(50).where(x.notna())
    lo, hi = x.min(), x.max()
    span = (hi - lo).replace(0, np.nan)
    return (100 * (x - lo) / span).fillna(50).where(x.notna())


def participating(ind: pd.DataFrame, params) -> pd.DataFrame:
    """The rows of the kab/kota taking part in the assessment (``scorecard.participants``; all when empty)."""
    codes = params.scorecard.participants
    return ind if not codes else ind[ind["region_code"].astype(str).isin(codes)]


def declines(data, params) -> pd.DataFrame:
    """Kab/kota whose total or vulnerable-worker coverage fell from the previous year to the latest (annual means),
    largest fall first: ``region_code, region_name, year, total_change_pp, vulnerable_change_pp`` and the two
    coverages in the latest year. Empty when none fell."""
    kt = data.kaltim.assign(year=data.kaltim["period"].dt.year)
    yearly = kt.groupby(["region_code", "region_name", "year"])[["total_coverage_pct", "vulnerable_coverage_pct"]] \
        .mean().reset_index().sort_values(["region_code", "year"])
    last = int(yearly["year"].max())
    rows = []
    for (code, name), g in yearly.groupby(["region_code", "region_name"]):
        g = g.set_index("year")
        if last not in g.index or last - 1 not in g.index:
            continue
        total = g.loc[last, "total_coverage_pct"] - g.loc[last - 1, "total_coverage_pct"]
        vulnerable = g.loc[last, "vulnerable_coverage_pct"] - g.loc[last - 1, "vulnerable_coverage_pct"]
        if total < 0 or vulnerable < 0:
            rows.append({"region_code": code, "region_name": name, "year": last, "total_change_pp": total,
                         "vulnerable_change_pp": vulnerable, "total_coverage_pct": g.loc[last, "total_coverage_pct"],
                         "vulnerable_coverage_pct": g.loc[last, "vulnerable_coverage_pct"]})
    out = pd.DataFrame(rows, columns=["region_code", "region_name", "year", "total_change_pp", "vulnerable_change_pp",
                                      "total_coverage_pct", "vulnerable_coverage_pct"])
    return out.sort_values(["total_change_pp", "vulnerable_change_pp"], ignore_index=True) if len(out) else out


def composite(ind: pd.DataFrame, params, year: int | None = None, weights: np.ndarray | None = None) -> pd.DataFrame:
    """Normalised indicators, composite score (0–100) and rank for one year (latest by default), among the
    participating kab/kota only (:func:`participating`)."""
    sc = params.scorecard
    year = year or int(ind["year"].max())
    ind = participating(ind, params)
    t = ind[ind["year"] == year].set_index(["region_code", "region_name"])[list(INDICATORS)]
    names = [k for k in INDICATORS if k in sc.indicators]
    z = _normalise(t[names], sc.normalisation)
    for k in names:
        if sc.indicators[k].direction == "lower":
            z[k] = 100 - z[k]
    w = np.array([sc.indicators[k].weight for k in names]) if weights is None else weights
    avail = z.notna().to_numpy()
    wz = np.where(avail, z.fillna(0).to_numpy() * w, 0).sum(axis=1)
    score = wz / np.maximum((avail * w).sum(axis=1), 1e-12)
    out = z.add_prefix("z_").reset_index()
    out["score"] = score
    out["rank"] = out["score"].rank(ascending=False, method="min").astype(int)
    return out.sort_values("rank", ignore_index=True)


def rank_uncertainty(ind: pd.DataFrame, params, year: int | None = None) -> pd.DataFrame:
    """Ranks under random weights: median rank, P10–P90 range and probability of a top-3 place.

    Vectorised: the normalised indicators are fixed; every weight draw is one column of a matrix product.
    """
    sc = params.scorecard
    names = [k for k in INDICATORS if k in sc.indicators]
    w0 = np.array([sc.indicators[k].weight for k in names])
    base = composite(ind, params, year)
    Z = base[[f"z_{k}" for k in names]].to_numpy(float)
    avail = ~np.isnan(Z)
    rng = np.random.default_rng(params.seed)
    W = rng.dirichlet(w0 / w0.sum() * sc.weight_concentration, size=sc.weight_draws)  # draws × k
    scores = (np.nan_to_num(Z) @ W.T) / np.maximum(avail.astype(float) @ W.T, 1e-12)  # units × draws
    ranks = (-scores).argsort(axis=0).argsort(axis=0) + 1
    out = pd.DataFrame({"region_code": base["region_code"], "rank_median": np.median(ranks, axis=1),
                        "rank_p10": np.quantile(ranks, 0.1, axis=1), "rank_p90": np.quantile(ranks, 0.9, axis=1),
                        "p_top3": (ranks <= 3).mean(axis=1)})
    return out.sort_values("rank_median", ignore_index=True)


def ranked(ind: pd.DataFrame, params, year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(composite table, rank uncertainty, published table)`` for one year (latest by default); the
    published table is rank, code, name, score and the rank-uncertainty columns."""
    table = composite(ind, params, year)
    unc = rank_uncertainty(ind, params, year)
    shown = table[["rank", "region_code", "region_name", "score"]].merge(unc, on="region_code")
    return table, unc, shown


def plot_scorecard(table: pd.DataFrame, unc: pd.DataFrame, xlabel: str, rank_words: tuple[str, str] = ("rank {rank}",
                                                                                                   "ranks {lo}–{hi}")):
    """Composite scores (0–100, axis from zero) with the P10–P90 rank range written next to each bar:
    ``rank_words`` are the texts for one rank and for a range (``{rank}``, ``{lo}``, ``{hi}``)."""
    import matplotlib.pyplot as plt

    t = table.merge(unc, on="region_code").sort_values("score")
    fig, ax = plt.subplots(figsize=(9, 4.8))
    ax.barh(t["region_name"], t["score"], color="#1b6ca8")
    for y, (s, lo, hi) in enumerate(zip(t["score"], t["rank_p10"], t["rank_p90"])):
        text = rank_words[0].format(rank=int(lo)) if int(lo) == int(hi) else rank_words[1].format(lo=int(lo), hi=int(hi))
        ax.text(s + 1, y, text, va="center", fontsize=10, color="#52606d")
    ax.set_xlim(0, 125)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel(xlabel)
    fig.tight_layout()
    return fig
