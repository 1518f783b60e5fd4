"""Seeded simulator of a monthly coverage panel (SYNTHETIC DATA).

Units: the 10 kab/kota of Kalimantan Timur and the 37 other provinces (comparison units), one row
per unit and month. The simulator is calibrated to public aggregates (see
``data/reference/SOURCES.md``): about 500,000 vulnerable workers in Kaltim, 100,000 Pergub recipients
from July 2023, a BPJS TK target population of 1,358,649 workers in March 2023 and total coverage (active
participants of all segments / target population) of 70.86% in March 2023 and 70.11% in August 2025 —
stagnation, with formal (PU) coverage falling in the mining kab/kota (:data:`DECLINING_PU`, illustrative).

How the outcome is built (coverage of vulnerable workers, percent):

* untreated coverage ``y0 = alpha_i + beta_i·years + λ1_i·covid_t + λ2_i·f_t + season_i + AR(1) noise`` (plus, for Kaltim's
  kab/kota, one shared province-wide AR(1) shock)
  — the same distributions for Kaltim and the comparison provinces, so parallel trends hold in
  expectation and Kaltim lies inside the donors' convex hull;
* Pergub effect in kab/kota *i* = ``recipients_i × additionality / vulnerable_workers_i`` from the
  policy start month (recipients are allocated unevenly, so the dose differs by kab/kota); the list is
  determined each budget year, and nothing is paid in its first ``determination_gap_months`` months;
* kab/kota co-funding (staggered dates from ``policy.cofunding``) adds recipients worth
  ``cofunding_recipients_share`` of vulnerable workers, ramping up over ``cofunding_ramp_months``.

Other segments: PU participants stay under 97% of formal non-ASN employment (working population less
vulnerable, ASN/TNI/Polri and unpaid family workers; ``truth["formal_non_asn_workers"]``), JAKON + PMI are a
small share of the target population.

The exact effect of every unit-month is returned in :attr:`Dataset.truth` and summarised in
``Dataset.meta["true_effect"]``; estimators never see it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.months import month_numbers, month_ord
from ..core.persons import whole_persons
from ..reference import regions as reference_regions
from .dataset import Dataset, add_coverage
from .schemas import SYNTHETIC_LABEL

if TYPE_CHECKING:
    from ..params.schema import Params

# Share of Kaltim's working population and share of it that is vulnerable (BPU-eligible), by kab/kota.
# Order-of-magnitude calibration for the simulator only (cities: more formal work; interior: less).
KALTIM_PROFILE: dict[str, tuple[float, float, float]] = {
    # code: (share of Kaltim working pop, vulnerable share, yearly working-pop growth)
    "6401": (0.075, 0.38, 0.015),
    "6402": (0.045, 0.45, 0.012),
    "6403": (0.200, 0.36, 0.015),
    "6404": (0.100, 0.33, 0.020),
    "6405": (0.075, 0.32, 0.018),
    "6409": (0.050, 0.35, 0.040),  # Penajam Paser Utara: IKN construction
    "6411": (0.010, 0.55, 0.010),
    "6471": (0.180, 0.15, 0.018),
    "6472": (0.220, 0.18, 0.018),
    "6474": (0.045, 0.14, 0.012),
}
KALTIM_WORKING_POP = 1_850_000  # order of magnitude of Kaltim's working population (BPS Sakernas 2023) (verify)

# Working population of the other provinces, millions, order of magnitude (BPS Sakernas 2023) (verify).
PROVINCE_WORKING_POP_M: dict[str, float] = {
    "11": 2.5,
    "12": 7.5,
    "13": 2.7,
    "14": 3.2,
    "15": 1.8,
    "16": 4.4,
    "17": 1.0,
    "18": 4.5,
    "19": 0.75,
    "21": 1.0,
    "31": 5.0,
    "32": 23.5,
    "33": 19.5,
    "34": 2.3,
    "35": 22.5,
    "36": 5.6,
    "51": 2.6,
    "52": 2.8,
    "53": 2.6,
    "61": 2.6,
    "62": 1.4,
    "63": 2.2,
    "65": 0.35,
    "71": 1.2,
    "72": 1.5,
    "73": 4.3,
    "74": 1.3,
    "75": 0.6,
    "76": 0.7,
    "81": 0.8,
    "82": 0.6,
    "91": 0.3,
    "92": 0.3,
    "94": 0.5,
    "95": 0.3,
    "96": 0.6,
    "97": 0.8,
}


@dataclass(frozen=True)
class SimConfig:
    """Everything the simulator needs; built from params by :func:`config_from_params` (the calibration
    values live once, in ``params/default.yaml`` and the params schema — not here).

    Coverage quantities are percent (0–100) or percentage points (pp); counts are persons.
    """

    seed: int
    start_month: str
    end_month: str
    policy_start: str
    cofunding: tuple[tuple[str, str], ...]
    total_coverage: tuple[tuple[str, float], ...]
    kaltim_target_workers: int
    kaltim_target_month: str
    kaltim_vulnerable_workers: int
    pergub_recipients: int
    additionality_share: float
    cofunding_recipients_share: float
    cofunding_ramp_months: int
    monthly_churn_share: float
    noise_pp: float
    determination_gap_months: int = 3
    trend_sd_pp_per_year: float = 0.15  # spread of the kab/kota/province trends (simulator shape, not calibration)
    dose_dispersion: float = 0.3  # spread of the recipients' allocation across kab/kota (simulator shape)
    extra: dict = field(default_factory=dict)


def config_from_params(params: Params) -> SimConfig:
    """The simulator configuration a params object describes."""
    syn = params.data.synthetic
    return SimConfig(
        seed=params.seed,
        start_month=syn.start_month,
        end_month=syn.end_month,
        policy_start=params.policy.start_month,
        cofunding=tuple((c.code, c.start_month) for c in params.policy.cofunding),
        total_coverage=tuple((a.month, a.pct) for a in syn.total_coverage),
        kaltim_target_workers=syn.kaltim_target_workers,
        kaltim_target_month=syn.kaltim_target_month,
        kaltim_vulnerable_workers=syn.kaltim_vulnerable_workers,
        pergub_recipients=syn.pergub_recipients,
        additionality_share=syn.additionality_share,
        cofunding_recipients_share=syn.cofunding_recipients_share,
        cofunding_ramp_months=syn.cofunding_ramp_months,
        monthly_churn_share=syn.monthly_churn_share,
        noise_pp=syn.noise_pp,
        determination_gap_months=syn.determination_gap_months,
    )


# Kab/kota whose formal (PU) coverage falls from 2023 on, yearly change of the PU rate (illustrative: coal and
# plantation layoffs; the 2024 Paritrana assessment named regions whose coverage fell, without figures).
DECLINING_PU = {"6404": -0.04, "6405": -0.03, "6402": -0.03}


def _calibrate_pu(
    pu_raw: np.ndarray,
    ceiling: np.ndarray,
    is_kaltim: np.ndarray,
    months: pd.PeriodIndex,
    cfg: SimConfig,
    target: np.ndarray,
    covered_other: np.ndarray,
) -> np.ndarray:
    """Kaltim's PU participants scaled so that total coverage (all participants / target population) meets every
    ``cfg.total_coverage`` anchor; the scale is interpolated linearly between anchor months (constant beyond).
    Each kab/kota stays under its ``ceiling``; the scale is refined until the anchors hold despite it."""
    x = month_numbers(months)
    anchors = sorted((month_ord(m), pct) for m, pct in cfg.total_coverage)
    ax = np.array([m for m, _ in anchors], dtype=float)
    idx = [int(np.searchsorted(x, m)) for m, _ in anchors]
    need = np.array(
        [
            pct / 100 * target[is_kaltim, j].sum() - covered_other[is_kaltim, j].sum()
            for (_, pct), j in zip(anchors, idx)
        ]
    )
    scale = np.ones(len(anchors))
    pu = pu_raw.copy()
    for _ in range(50):
        factor = np.interp(x, ax, scale)[None, :]
        pu[is_kaltim] = np.minimum(pu_raw[is_kaltim] * factor, ceiling[is_kaltim])
        have = np.array([pu[is_kaltim, j].sum() for j in idx])
        if np.all(np.abs(have - need) < 1):
            break
        scale *= need / np.maximum(have, 1)
    pu[~is_kaltim] = np.minimum(pu_raw[~is_kaltim], ceiling[~is_kaltim])
    return np.round(pu)


def _covid_factor(months: pd.PeriodIndex) -> np.ndarray:
    """Common shock: a dip from April 2020 that recovers linearly by June 2021 (0 … −1)."""
    t = month_numbers(months) - month_ord("2020-04")  # 0 at 2020-04
    dip = np.where(t < 0, 0.0, np.where(t <= 3, -t / 3, np.where(t <= 14, -1 + (t - 3) / 11, 0.0)))
    return dip


def _ar1(rng: np.random.Generator, n_units: int, n_t: int, sd: float, rho: float = 0.5) -> np.ndarray:
    eps = rng.normal(0.0, sd * np.sqrt(1 - rho**2), size=(n_units, n_t))
    out = np.empty_like(eps)
    out[:, 0] = rng.normal(0.0, sd, size=n_units)
    for j in range(1, n_t):
        out[:, j] = rho * out[:, j - 1] + eps[:, j]
    return out


def generate(cfg: SimConfig) -> Dataset:
    """Simulate the monthly panel described by ``cfg`` (deterministic for a given seed)."""
    rng = np.random.default_rng(cfg.seed)
    reg = reference_regions()
    units = reg["code"].tolist()
    units_arr = np.array(units)
    is_kaltim = (reg["level"] == "kabkota").to_numpy()
    months = pd.period_range(cfg.start_month, cfg.end_month, freq="M")
    n_u, n_t = len(units), len(months)
    years = (np.arange(n_t) / 12.0)[None, :]
    month_of_year = np.array([p.month for p in months])[None, :]
    t_index = {p: j for j, p in enumerate(months)}

    # --- population ------------------------------------------------------------------------
    wp0 = np.array(
        [
            KALTIM_PROFILE[c][0] * KALTIM_WORKING_POP if k else PROVINCE_WORKING_POP_M[c] * 1e6
            for c, k in zip(units, is_kaltim)
        ]
    )
    growth = np.array([KALTIM_PROFILE[c][2] if k else rng.uniform(0.008, 0.022) for c, k in zip(units, is_kaltim)])
    vshare0 = np.array([KALTIM_PROFILE[c][1] if k else rng.uniform(0.25, 0.55) for c, k in zip(units, is_kaltim)])
    season_phase = rng.uniform(0, 12, size=n_u)[:, None]
    seasonal_wp = 1 + 0.01 * np.sin(2 * np.pi * (month_of_year - season_phase) / 12)
    working_pop = wp0[:, None] * (1 + growth[:, None]) ** years * seasonal_wp
    vshare = np.clip(vshare0[:, None] - 0.003 * years, 0.05, 0.9)  # slow formalisation
    vulnerable = working_pop * vshare
    # calibrate: Kaltim vulnerable workers at the policy start equal the public estimate
    j0 = t_index[pd.Period(cfg.policy_start, freq="M")]
    scale = cfg.kaltim_vulnerable_workers / vulnerable[is_kaltim, j0].sum()
    vulnerable[is_kaltim] *= scale
    working_pop, vulnerable = np.round(working_pop), np.round(vulnerable)
    # Formal employment outside the civil service: the working population less vulnerable workers, ASN/TNI/Polri
    # (insured by Taspen/Asabri) and unpaid family workers (shares illustrative, order of BPS Sakernas).
    asn_share = np.where(is_kaltim, 0.05, rng.uniform(0.04, 0.07, size=n_u))[:, None]
    unpaid_share = np.where(is_kaltim, 0.06, rng.uniform(0.05, 0.12, size=n_u))[:, None]
    formal_non_asn = np.maximum(working_pop - vulnerable - np.round((asn_share + unpaid_share) * working_pop), 0)
    # BPJS TK target population (denominator of total coverage), calibrated to the published Kaltim figure
    target_share = np.where(is_kaltim, 0.73, rng.uniform(0.68, 0.85, size=n_u))[:, None]
    target = working_pop * target_share
    jt = t_index[pd.Period(cfg.kaltim_target_month, freq="M")]
    target[is_kaltim] *= cfg.kaltim_target_workers / target[is_kaltim, jt].sum()
    target = np.round(np.maximum(target, vulnerable)).astype(float)

    # --- untreated coverage of vulnerable workers (percent) -----------------------------------
    alpha = rng.uniform(8, 24, size=n_u)
    beta = rng.normal(1.0, cfg.trend_sd_pp_per_year, size=n_u)
    lam1 = rng.uniform(1.0, 3.0, size=n_u)
    lam2 = rng.uniform(0.5, 1.5, size=n_u)
    common = np.cumsum(rng.normal(0.0, 0.15, size=n_t))
    season = 0.3 * np.sin(2 * np.pi * (month_of_year - rng.uniform(0, 12, size=n_u)[:, None]) / 12)
    y0 = (
        alpha[:, None]
        + beta[:, None] * years
        + lam1[:, None] * _covid_factor(months)[None, :]
        + lam2[:, None] * common[None, :]
        + season
        + _ar1(rng, n_u, n_t, cfg.noise_pp)
    )
    # Kaltim's kab/kota share province-wide shocks (one budget cycle, one BPJS TK regional office, one commodity
    # market): one AR(1) series as large as a province's own noise, from its own stream so the rest is unchanged.
    # This is why the Pergub's effect has one treated cluster, not ten (methods.few_treated).
    y0 = y0 + is_kaltim[:, None] * _ar1(np.random.default_rng([cfg.seed, 64]), 1, n_t, cfg.noise_pp)
    y0 = np.clip(y0, 0.5, 95.0)

    # --- Pergub recipients: a list determined each budget year ---------------------------------
    # The launch list is paid from the policy start; from the next January each year's list is determined anew
    # (Governor's decree), and no contribution is paid in the first `determination_gap_months` months while it
    # is set (the January-March dip). Each list has the launch size; its spread over kab/kota shifts a little.
    post = np.zeros((n_u, n_t), dtype=bool)
    post[is_kaltim, j0:] = True
    dose = vulnerable[is_kaltim, j0] * rng.lognormal(0.0, cfg.dose_dispersion, size=is_kaltim.sum())
    subsidised_prov = np.zeros((n_u, n_t))
    start = pd.Period(cfg.policy_start, freq="M")
    for year in range(start.year, months[-1].year + 1):
        weights = dose * (1.0 if year == start.year else rng.lognormal(0.0, 0.1, size=dose.size))
        # whole recipients per kab/kota that add up to the list size exactly (largest remainders)
        alloc = whole_persons(
            np.array([[cfg.pergub_recipients]]), weights[None, :, None], np.full((1, len(weights), 1), np.inf)
        )[0, :, 0]
        first_paid = start if year == start.year else pd.Period(f"{year}-01", freq="M") + cfg.determination_gap_months
        paid = np.array([(p.year == year) and (p >= first_paid) for p in months])
        subsidised_prov[np.ix_(is_kaltim, paid)] = alloc[:, None]
    effect_pergub = 100 * subsidised_prov * cfg.additionality_share / vulnerable

    # --- kab/kota co-funding (staggered) ----------------------------------------------------
    cof_recip = np.zeros((n_u, n_t))
    first_cof = {}
    for code, start in cfg.cofunding:
        i = units.index(code)
        p = pd.Period(start, freq="M")
        first_cof[code] = str(p)
        if p > months[-1]:
            continue
        js = max(t_index.get(p, 0), 0) if p >= months[0] else 0
        since = np.arange(n_t) - js + 1
        ramp = np.clip(since / max(cfg.cofunding_ramp_months, 1), 0.0, 1.0)
        cof_recip[i] = np.round(cfg.cofunding_recipients_share * vulnerable[i] * ramp)
    effect_cof = 100 * cof_recip * cfg.additionality_share / vulnerable
    csr_part = np.zeros_like(cof_recip)
    if "6403" in first_cof:  # Kukar: APBD and company CSR fund the kab/kota programme together
        i = units.index("6403")
        csr_part[i] = np.round(0.2 * cof_recip[i])

    coverage = np.clip(y0 + effect_pergub + effect_cof, 0.0, 100.0)
    bpu = np.round(vulnerable * coverage / 100)

    # --- other segments: PU (wage earners) within formal non-ASN employment, JAKON + PMI --------
    other = np.round(target * np.where(units_arr == "6409", 0.10, rng.uniform(0.02, 0.05, size=n_u))[:, None])
    trend = rng.normal(0.0, 0.01, size=n_u)
    for code, change in DECLINING_PU.items():
        trend[units_arr == code] = change
    pu_rate = np.clip(
        rng.uniform(0.55, 0.8, size=n_u)[:, None]
        + trend[:, None] * np.maximum(years - 4, 0)
        + rng.normal(0, 0.003, size=(n_u, n_t)),
        0.05,
        0.97,
    )
    ceiling = np.minimum(0.97 * formal_non_asn, np.maximum(target - bpu - other, 0))
    pu = _calibrate_pu(pu_rate * formal_non_asn, ceiling, is_kaltim, months, cfg, target, bpu + other)
    participants_total = bpu + pu + other

    # --- churn flows consistent with the stock ---------------------------------------------
    prev = np.concatenate([bpu[:, :1], bpu[:, :-1]], axis=1)
    leavers = np.round(prev * cfg.monthly_churn_share)
    joiners = bpu - prev + leavers
    short = joiners < 0
    leavers[short] -= joiners[short]
    joiners[short] = 0

    def long(a: np.ndarray) -> np.ndarray:
        return a.reshape(-1)

    panel = pd.DataFrame(
        {
            "region_code": np.repeat(units, n_t),
            "region_name": np.repeat(reg["name"].to_numpy(), n_t),
            "level": np.repeat(reg["level"].to_numpy(), n_t),
            "period": np.tile(months.to_timestamp(), n_u),
            "working_pop": long(working_pop).astype("int64"),
            "vulnerable_workers": long(vulnerable).astype("int64"),
            "bpu_participants": long(bpu).astype("int64"),
            "participants_total": long(participants_total).astype("int64"),
            "target_workers": long(target).astype("int64"),
            "pu_participants": long(pu).astype("int64"),
            "subsidised_prov": long(subsidised_prov).astype("int64"),
            "subsidised_kabkota": long(cof_recip - csr_part).astype("int64"),
            "subsidised_csr": long(csr_part).astype("int64"),
            "bpu_joiners": long(joiners).astype("int64"),
            "bpu_leavers": long(leavers).astype("int64"),
        }
    )
    panel = add_coverage(panel)
    truth = pd.DataFrame(
        {
            "region_code": panel["region_code"],
            "period": panel["period"],
            "y0_pct": long(y0),
            "effect_pergub_pp": long(effect_pergub),
            "effect_cofunding_pp": long(effect_cof),
            "formal_non_asn_workers": long(formal_non_asn),
        }
    )
    truth["effect_pp"] = truth["effect_pergub_pp"] + truth["effect_cofunding_pp"]
    meta = {
        "synthetic": True,
        "label": SYNTHETIC_LABEL,
        "generator": "evalkit.data.synthetic.generate",
        "config": {k: v for k, v in asdict(cfg).items() if k != "extra"},
        "policy_start": cfg.policy_start,
        "cofunding_start": first_cof,
        "true_effect": _summarise_truth(panel, truth, cfg),
    }
    return Dataset(panel=panel, meta=meta, truth=truth)


def _summarise_truth(panel: pd.DataFrame, truth: pd.DataFrame, cfg: SimConfig) -> dict:
    """Scalar summaries of the true effects (percentage points of vulnerable-worker coverage)."""
    kt = panel["level"].eq("kabkota").to_numpy()
    post = (panel["period"] >= pd.Period(cfg.policy_start, freq="M").to_timestamp()).to_numpy()
    sel = kt & post
    w = panel["vulnerable_workers"].to_numpy()
    cof = truth["effect_cofunding_pp"].to_numpy() > 0
    by_unit = truth.loc[sel].groupby("region_code")["effect_pergub_pp"].mean()
    return {
        "unit": "percentage points of vulnerable-worker coverage (bpu_participants / vulnerable_workers)",
        "pergub_att_pp": float(truth.loc[sel, "effect_pergub_pp"].mean()),
        "pergub_att_kaltim_pp": float(np.average(truth.loc[sel, "effect_pergub_pp"], weights=w[sel])),
        "pergub_at_start_pp": float(
            truth.loc[
                kt & (panel["period"] == pd.Period(cfg.policy_start, freq="M").to_timestamp()).to_numpy(),
                "effect_pergub_pp",
            ].mean()
        ),
        "pergub_by_kabkota_pp": {k: float(v) for k, v in by_unit.items()},
        "total_att_kaltim_pp": float(np.average(truth.loc[sel, "effect_pp"], weights=w[sel])),
        "cofunding_att_pp": float(truth.loc[cof, "effect_cofunding_pp"].mean()) if cof.any() else 0.0,
        "cofunding_plateau_pp": 100 * cfg.cofunding_recipients_share * cfg.additionality_share,
    }


def simulate_staggered(
    seed: int = 0,
    n_units: int = 60,
    n_periods: int = 20,
    cohorts: tuple[int, ...] = (8, 11, 14),
    cohort_size: int = 12,
    effect: float = 1.0,
    growth: float = 0.3,
    noise: float = 1.0,
    rho: float = 0.3,
) -> tuple[pd.DataFrame, dict]:
    """A generic staggered-adoption panel for validating estimators (integer periods 1 … n_periods).

    ``y_it = a_i + d_t + τ_it + AR(1) noise`` with ``τ_it = effect·(1 + 0.5·k) + growth·(t − g)`` for a
    unit of the k-th cohort (first treated ``g``) from ``t ≥ g``: effects differ by cohort and grow with
    time since adoption — the case where two-way fixed effects is biased. Units beyond the cohorts are
    never treated (``first_treated = 0``). Returns the panel (``unit, time, first_treated, treat, y,
    effect``) and the true aggregates ``att_simple`` (p_g-weighted mean of post ATT(g,t), as
    Callaway-Sant'Anna's simple aggregation) and ``att_dynamic`` (dict: event time → ATT).
    """
    rng = np.random.default_rng(seed)
    first = np.zeros(n_units)
    for k, g in enumerate(cohorts):
        first[k * cohort_size : (k + 1) * cohort_size] = g
    t = np.arange(1, n_periods + 1)
    a = rng.normal(0, 2, size=n_units)
    d = np.cumsum(rng.normal(0.2, 0.5, size=n_periods))
    tau = np.zeros((n_units, n_periods))
    for k, g in enumerate(cohorts):
        rows = first == g
        tau[rows] = np.where(t >= g, effect * (1 + 0.5 * k) + growth * (t - g), 0.0)[None, :]
    y = a[:, None] + d[None, :] + tau + _ar1(rng, n_units, n_periods, noise, rho)
    df = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n_units), n_periods),
            "time": np.tile(t, n_units),
            "first_treated": np.repeat(first, n_periods).astype(int),
            "y": y.ravel(),
            "effect": tau.ravel(),
        }
    )
    df["treat"] = ((df["first_treated"] > 0) & (df["time"] >= df["first_treated"])).astype(float)
    num = den = 0.0
    dyn: dict[int, list] = {}
    for k, g in enumerate(cohorts):
        pg = cohort_size / n_units
        for tt in t[t >= g]:
            att = effect * (1 + 0.5 * k) + growth * (tt - g)
            num += pg * att
            den += pg
            dyn.setdefault(int(tt - g), []).append((pg, att))
    truth = {
        "att_simple": num / den,
        "att_dynamic": {e: sum(p * v for p, v in xs) / sum(p for p, _ in xs) for e, xs in dyn.items()},
    }
    return df, truth


def simulate_province_shock(
    seed: int = 0,
    n_kabkota: int = 10,
    n_provinces: int = 37,
    n_pre: int = 24,
    n_post: int = 24,
    shock_sd: float = 1.0,
    noise_sd: float = 1.0,
    rho: float = 0.5,
    effect: float = 0.0,
    treated_rho: float | None = None,
    treated_shock_sd: float | None = None,
) -> pd.DataFrame:
    """A policy assigned to one province, for testing inference (integer periods 1 … n_pre + n_post).

    ``n_kabkota`` units of province ``"64"`` (treated from period ``n_pre + 1`` with ``effect``) and
    ``n_provinces`` one-unit comparison provinces. Every province, Kaltim included, has its own AR(1) shock
    (``shock_sd``) shared by all its units; every unit has its own AR(1) noise (``noise_sd``), plus unit
    effects and a common time path. Columns: ``unit, province, time, treat, y``. With ``effect = 0`` any test
    that counts the 10 kab/kota as independent clusters mistakes the province shock for an effect.
    ``treated_rho`` / ``treated_shock_sd`` give the treated province's shock its own persistence and size (a
    resource economy whose shocks persist longer and hit harder than the comparison provinces', #33).
    """
    rng = np.random.default_rng(seed)
    n_t = n_pre + n_post
    provinces = ["64"] + [f"p{j:02d}" for j in range(n_provinces)]
    unit_province = ["64"] * n_kabkota + provinces[1:]
    n_u = len(unit_province)
    shocks = dict(zip(provinces, _ar1(rng, len(provinces), n_t, shock_sd, rho)))
    if treated_rho is not None or treated_shock_sd is not None:  # drawn after the others: their draws stay the same
        own = _ar1(
            rng,
            1,
            n_t,
            treated_shock_sd if treated_shock_sd is not None else shock_sd,
            treated_rho if treated_rho is not None else rho,
        )
        shocks["64"] = own[0]
    y = (
        rng.normal(0, 3, size=n_u)[:, None]
        + np.cumsum(rng.normal(0, 0.3, size=n_t))[None, :]
        + np.vstack([shocks[p] for p in unit_province])
        + _ar1(rng, n_u, n_t, noise_sd, rho)
    )
    treat = np.zeros((n_u, n_t))
    treat[:n_kabkota, n_pre:] = 1.0
    y = y + effect * treat
    return pd.DataFrame(
        {
            "unit": np.repeat([f"u{i:02d}" for i in range(n_u)], n_t),
            "province": np.repeat(unit_province, n_t),
            "time": np.tile(np.arange(1, n_t + 1), n_u),
            "treat": treat.ravel(),
            "y": y.ravel(),
        }
    )
