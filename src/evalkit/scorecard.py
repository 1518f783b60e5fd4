"""Paritrana-style kab/kota scorecard: a transparent composite index with a rank-uncertainty check.

Indicators (per kab/kota and year; weights and directions from ``params.scorecard``):

* ``coverage_level`` — mean total coverage in the year (all participants / BPJS TK target population, percent: the
  coverage of all segments Paritrana assesses);
* ``coverage_growth`` — its change from the previous year (percentage points, year on year);
* ``bpu_coverage`` — mean vulnerable-worker (BPU) coverage in the year (percent; weight 0 by default: evidence, not
  scored, as the province's recipients raise it);
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

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .budget.cost import unit_cost
from .params.schema import SCORE_INDICATORS as INDICATORS

if TYPE_CHECKING:
    from .params.schema import Params


def coverage_ranking(data, params: Params, outcome: str | None = None) -> pd.DataFrame:
    """Rank the participating kab/kota (``scorecard.participants``; all when empty) by the latest 12-month mean
    coverage; growth = change since the 12 months before the policy."""
    outcome = outcome or params.evaluation.outcome
    kt = data.kaltim
    last = kt["period"].max()
    start = params.policy_start.to_timestamp()
    recent = kt[kt["period"] > last - pd.DateOffset(months=12)].groupby(["region_code", "region_name"])[outcome].mean()
    base = (
        kt[(kt["period"] < start) & (kt["period"] >= start - pd.DateOffset(months=12))]
        .groupby(["region_code", "region_name"])[outcome]
        .mean()
    )
    out = participating(pd.DataFrame({"coverage": recent, "growth": recent - base}).reset_index(), params)
    out = out.sort_values("coverage", ascending=False, ignore_index=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def indicators(
    data, params: Params, compliance: pd.DataFrame | None = None, quality: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Raw indicator values per kab/kota and year (see the module docstring for units)."""
    kt = data.kaltim.copy()
    kt["year"] = kt["period"].dt.year
    g = kt.groupby(["region_code", "region_name", "year"])
    yearly = g.agg(
        coverage_level=("total_coverage_pct", "mean"),
        bpu_coverage=("vulnerable_coverage_pct", "mean"),
        V=("vulnerable_workers", "mean"),
        sub=("subsidised_prov", "mean"),
        kab=("subsidised_kabkota", "mean"),
        csr=("subsidised_csr", "mean"),
    ).reset_index()
    yearly["sub_total"] = yearly["sub"] + yearly["kab"] + yearly["csr"]
    yearly = yearly.sort_values(["region_code", "year"])
    yearly["coverage_growth"] = yearly.groupby("region_code")["coverage_level"].diff()
    c = unit_cost(params) * 12
    yearly["protected_per_1000"] = 1000 * (yearly["kab"] + yearly["csr"]) / yearly["V"]  # never the province's
    yearly["own_budget_per_worker"] = yearly["kab"] * c / yearly["V"]
    yearly["csr_mobilised"] = yearly["csr"] * c / yearly["V"]
    start = {x.code: int(x.start_month[:4]) for x in params.policy.cofunding}
    yearly["regulation"] = [
        float(code in start and start[code] <= y) for code, y in zip(yearly["region_code"], yearly["year"])
    ]
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


def indicators_for(data, params: Params, monitoring) -> pd.DataFrame:
    """:func:`indicators` with the compliance and data-quality tables of a
    :class:`~evalkit.verified_inputs.VerifiedInputs` (either may be missing)."""
    quality = monitoring.verification.by_region if monitoring.verification is not None else None
    return indicators(data, params, monitoring.compliance, quality)


def _normalise(x: pd.DataFrame, method: str) -> pd.DataFrame:
    if method == "zscore":
        sd = x.std(ddof=0).replace(0, np.nan)
        return (50 + 10 * (x - x.mean()) / sd).fillna(50).where(x.notna())
    lo, hi = x.min(), x.max()
    span = (hi - lo).replace(0, np.nan)
    return (100 * (x - lo) / span).fillna(50).where(x.notna())


def participating(ind: pd.DataFrame, params: Params) -> pd.DataFrame:
    """The rows of the kab/kota taking part in the assessment (``scorecard.participants``; all when empty)."""
    codes = params.scorecard.participants
    return ind if not codes else ind[ind["region_code"].astype(str).isin(codes)]


def declines(data, params: Params) -> pd.DataFrame:
    """Kab/kota whose total or vulnerable-worker coverage fell from the previous year to the latest (annual means),
    largest fall first: ``region_code, region_name, year, total_change_pp, vulnerable_change_pp`` and the two
    coverages in the latest year. Empty when none fell."""
    kt = data.kaltim.assign(year=data.kaltim["period"].dt.year)
    yearly = (
        kt.groupby(["region_code", "region_name", "year"])[["total_coverage_pct", "vulnerable_coverage_pct"]]
        .mean()
        .reset_index()
        .sort_values(["region_code", "year"])
    )
    last = int(yearly["year"].max())
    rows = []
    for (code, name), g in yearly.groupby(["region_code", "region_name"]):
        g = g.set_index("year")
        if last not in g.index or last - 1 not in g.index:
            continue
        total = g.loc[last, "total_coverage_pct"] - g.loc[last - 1, "total_coverage_pct"]
        vulnerable = g.loc[last, "vulnerable_coverage_pct"] - g.loc[last - 1, "vulnerable_coverage_pct"]
        if total < 0 or vulnerable < 0:
            rows.append(
                {
                    "region_code": code,
                    "region_name": name,
                    "year": last,
                    "total_change_pp": total,
                    "vulnerable_change_pp": vulnerable,
                    "total_coverage_pct": g.loc[last, "total_coverage_pct"],
                    "vulnerable_coverage_pct": g.loc[last, "vulnerable_coverage_pct"],
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "region_code",
            "region_name",
            "year",
            "total_change_pp",
            "vulnerable_change_pp",
            "total_coverage_pct",
            "vulnerable_coverage_pct",
        ],
    )
    return out.sort_values(["total_change_pp", "vulnerable_change_pp"], ignore_index=True) if len(out) else out


def composite(
    ind: pd.DataFrame, params: Params, year: int | None = None, weights: np.ndarray | None = None
) -> pd.DataFrame:
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


def rank_uncertainty(ind: pd.DataFrame, params: Params, year: int | None = None) -> pd.DataFrame:
    """Ranks under random weights: median rank, P10–P90 range and probability of a top-3 place.

    Vectorised: the normalised indicators are fixed; every weight draw is one column of a matrix product.
    """
    sc = params.scorecard
    names = [k for k in INDICATORS if k in sc.indicators and sc.indicators[k].weight > 0]  # weight 0: evidence only
    w0 = np.array([sc.indicators[k].weight for k in names])
    base = composite(ind, params, year)
    Z = base[[f"z_{k}" for k in names]].to_numpy(float)
    avail = ~np.isnan(Z)
    rng = np.random.default_rng(params.seed)
    W = rng.dirichlet(w0 / w0.sum() * sc.weight_concentration, size=sc.weight_draws)  # draws × k
    scores = (np.nan_to_num(Z) @ W.T) / np.maximum(avail.astype(float) @ W.T, 1e-12)  # units × draws
    ranks = (-scores).argsort(axis=0).argsort(axis=0) + 1
    out = pd.DataFrame(
        {
            "region_code": base["region_code"],
            "rank_median": np.median(ranks, axis=1),
            "rank_p10": np.quantile(ranks, 0.1, axis=1),
            "rank_p90": np.quantile(ranks, 0.9, axis=1),
            "p_top3": (ranks <= 3).mean(axis=1),
        }
    )
    return out.sort_values("rank_median", ignore_index=True)


def ranked(
    ind: pd.DataFrame, params: Params, year: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(composite table, rank uncertainty, published table)`` for one year (latest by default); the
    published table is rank, code, name, score and the rank-uncertainty columns."""
    table = composite(ind, params, year)
    unc = rank_uncertainty(ind, params, year)
    shown = table[["rank", "region_code", "region_name", "score"]].merge(unc, on="region_code")
    return table, unc, shown


def plot_scorecard(
    table: pd.DataFrame,
    unc: pd.DataFrame,
    xlabel: str,
    rank_words: tuple[str, str] = ("rank {rank}", "ranks {lo}–{hi}"),
):
    """Composite scores (0–100, axis from zero) with the P10–P90 rank range written next to each bar:
    ``rank_words`` are the texts for one rank and for a range (``{rank}``, ``{lo}``, ``{hi}``)."""
    import matplotlib.pyplot as plt

    t = table.merge(unc, on="region_code").sort_values("score")
    fig, ax = plt.subplots(figsize=(9, 4.8))
    ax.barh(t["region_name"], t["score"], color="#1b6ca8")
    for y, (s, lo, hi) in enumerate(zip(t["score"], t["rank_p10"], t["rank_p90"])):
        text = (
            rank_words[0].format(rank=int(lo)) if int(lo) == int(hi) else rank_words[1].format(lo=int(lo), hi=int(hi))
        )
        ax.text(s + 1, y, text, va="center", fontsize=10, color="#52606d")
    ax.set_xlim(0, 125)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel(xlabel)
    fig.tight_layout()
    return fig


# -- the assessment's criteria, one profile per participating kab/kota -----------------------------------------
FORM_TO_CRITERION = {
    "regulasi": "regulation",
    "anggaran": "budget",
    "cakupan": "coverage",
    "inovasi": "innovation",
    "kemitraan": "partnership",
    "kepatuhan": "compliance",
}


def criteria_table(params: Params) -> pd.DataFrame:
    """The criteria with their weight (the sum of their indicators' weights), indicators and source."""
    sc = params.scorecard
    rows = [
        {
            "criterion": name,
            "weight": sum(sc.indicators[k].weight for k in c.indicators if k in sc.indicators),
            "indicators": ", ".join(c.indicators),
            "source": c.source,
            "verify": c.verify,
        }
        for name, c in sc.criteria.items()
    ]
    return pd.DataFrame(rows)


def criteria_scores(table: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Per participating kab/kota and criterion: the weighted mean (0–100) of its indicators' normalised values
    (``z_*`` of :func:`composite`); empty (NaN) for a criterion without an indicator with data — the form evidences it."""
    sc = params.scorecard
    rows = []
    for rec in table.to_dict("records"):
        for name, c in sc.criteria.items():
            parts = [(rec.get(f"z_{k}"), sc.indicators[k].weight) for k in c.indicators if k in sc.indicators]
            parts = [(z, w) for z, w in parts if z is not None and pd.notna(z)]
            weight = sum(w for _, w in parts)
            rows.append(
                {
                    "region_code": rec["region_code"],
                    "region_name": rec["region_name"],
                    "criterion": name,
                    "score": sum(z * w for z, w in parts) / weight if weight else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def profiles(
    table: pd.DataFrame,
    unc: pd.DataFrame,
    scores: pd.DataFrame,
    raw: pd.DataFrame,
    form: pd.DataFrame | None,
    falls: pd.DataFrame,
    params: Params,
) -> list[dict]:
    """One profile per participating kab/kota, in rank order: rank and rank interval, strengths (its two best-scored
    criteria) and gaps (its two weakest), the evidence (indicator values; form answers with their document) and
    the questions the panel should ask: why coverage fell, what is planned where it is weakest, the documents the
    form does not give, and a regulation the form names that the params do not know (or the reverse)."""
    out = []
    u = unc.set_index("region_code")
    for rec in table.sort_values("rank").to_dict("records"):
        code = rec["region_code"]
        mine = scores[(scores["region_code"] == code)].dropna(subset=["score"]).sort_values("score")
        answers = form[(form["kode_wilayah"] == code)] if form is not None else pd.DataFrame()
        answered = {FORM_TO_CRITERION.get(k) for k in answers.get("kriteria", [])}
        questions = []
        fell = falls[falls["region_code"] == code]
        if len(fell):
            f = fell.iloc[0]
            questions.append(("q_decline", {"total": f["total_change_pp"], "vulnerable": f["vulnerable_change_pp"]}))
        for name in mine["criterion"].head(2):
            questions.append(("q_gap", {"criterion": name}))
        for name in params.scorecard.criteria:
            if name not in answered:
                questions.append(("q_no_document", {"criterion": name}))
        has_rule = (
            bool(raw.loc[raw["region_code"] == code, "regulation"].fillna(0).max()) if "regulation" in raw else False
        )
        form_rule = bool(
            len(answers)
            and answers["kriteria"].eq("regulasi").any()
            and answers.get("jenis_dokumen", pd.Series(dtype=str)).isin(["Perda", "Perbup", "Perwali"]).any()
        )
        if form is not None and form_rule != has_rule:
            questions.append(("q_regulation_mismatch", {"form": form_rule, "params": has_rule}))
        out.append(
            {
                "region_code": code,
                "region_name": rec["region_name"],
                "rank": int(rec["rank"]),
                "score": float(rec["score"]),
                "rank_p10": float(u.loc[code, "rank_p10"]),
                "rank_p90": float(u.loc[code, "rank_p90"]),
                "strengths": list(mine["criterion"].tail(2))[::-1],
                "gaps": list(mine["criterion"].head(2)),
                "scores": scores[scores["region_code"] == code][["criterion", "score"]].reset_index(drop=True),
                "answers": answers.reset_index(drop=True),
                "questions": questions,
            }
        )
    return out
