"""Notebook 02's designs: run each design on its data (:mod:`.panels`) and compare the results.

Designs (keys used in ``params.evaluation.methods``, listed once in the params schema):

* ``its`` — interrupted time series of the Kaltim aggregate (before/after within Kaltim);
* ``did`` — TWFE: the 10 kab/kota against the 37 other provinces, treated from the Pergub start; inference at the
  level the Pergub is assigned, the province (``evaluation.did_inference: few_treated``: Kaltim is one treated
  cluster, however many kab/kota it has);
* ``event_study`` — the same comparison month by month relative to the start, with sensitivity bounds for
  violations of parallel trends (:mod:`evalkit.methods.sensitivity`) instead of a pre-trend verdict;
* ``staggered`` — kab/kota co-funding adopted at different dates, Callaway & Sant'Anna (2021),
  within Kaltim from the Pergub start on (so the Pergub's uneven dose is a unit fixed effect); the
  TWFE estimate of the same design (``staggered_twfe``) is shown next to it to expose the bias under
  staggered timing;
* ``synth`` — synthetic control: Kaltim aggregate against a weighted mix of the other provinces, with in-space
  placebos; conformal inference (Chernozhukov, Wüthrich & Zhu 2021), leave-one-out donors and a placebo in time
  (:mod:`evalkit.checks`) in its notes;
* ``sdid`` — synthetic difference-in-differences (Arkhangelsky et al. 2021) on the same province panel, with the
  paper's placebo variance;
* ``dose`` — dose-response: coverage on the share of vulnerable workers subsidised (TWFE); its slope is
  the additionality (percentage points of coverage per percentage point subsidised).

All windows come from params (``evaluation.pre_window_months``/``post_window_months``). For synthetic
data each result carries the design's exact *target* computed from ``Dataset.truth``, so the report
shows whether each method recovers it.
"""
from __future__ import annotations

import typing
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..checks import leave_one_out, placebo_in_time
from ..data.dataset import Dataset
from ..methods import did, its, sensitivity, synth
from ..methods.result import Estimate
from ..params.schema import Evaluation
from .panels import (comparison_units, in_window, kabkota_vs_provinces, kaltim_series, staggered_panel,
                     truth_aggregate, truth_event, truth_window_did)

#: The designs params may name (from the schema), plus the TWFE companion of the staggered design.
METHODS = typing.get_args(typing.get_args(Evaluation.model_fields["methods"].annotation)[0])
DESIGNS = (*METHODS[:METHODS.index("staggered") + 1], "staggered_twfe", *METHODS[METHODS.index("staggered") + 1:])


#: The level Pergub 19/2023 is assigned at (the province code column of :func:`.panels.kabkota_vs_provinces`):
#: the cluster of every design comparing Kaltim with other provinces.
ASSIGNMENT = "province_code"

#: Designs that compare Kaltim with other provinces: skipped (with that reason) when the panel has none.
NEEDS_COMPARISON = ("did", "event_study", "synth", "sdid")
#: What a design that cannot run on the given data raises; anything else is a bug and propagates.
CANNOT_RUN = (ValueError, KeyError, ZeroDivisionError, FloatingPointError, np.linalg.LinAlgError)


@dataclass
class DesignResult:
    """One design's result; ``not_run`` names why it did not run (``no_comparison`` or ``failed``, with
    ``detail``), and then ``estimate`` and ``result`` are ``None``."""

    design: str
    estimate: Estimate | None
    result: object
    truth: float | None = None
    notes: dict | None = None
    not_run: str | None = None
    detail: str = ""


def run_designs(data: Dataset, params, designs=None) -> list[DesignResult]:
    """Run the designs named in ``params.evaluation.methods`` (or ``designs``) → list of results."""
    ev = params.evaluation
    designs = list(designs or ev.methods)
    if "staggered" in designs and "staggered_twfe" not in designs:
        designs.insert(designs.index("staggered") + 1, "staggered_twfe")
    outcome = ev.outcome
    start = params.policy_start.to_timestamp()
    synthetic = data.truth is not None and outcome == "vulnerable_coverage_pct"
    # the Pergub is assigned to one province: every Kaltim-vs-provinces design clusters at the province
    twfe_kw = {"inference": ev.did_inference, "B": ev.bootstrap_draws if ev.did_inference == "wild" else None,
               "seed": params.seed, "alpha": ev.alpha, "cluster": ASSIGNMENT}
    out: list[DesignResult] = []
    comparison = comparison_units(data.panel, params)
    has_comparison = bool((comparison["level"] == "provinsi").any())
    for design in designs:
        if design in NEEDS_COMPARISON and not has_comparison:
            out.append(DesignResult(design, None, None, not_run="no_comparison"))
            continue
        try:
            _run_one(design, data, params, out, ev, outcome, start, synthetic, twfe_kw)
        except CANNOT_RUN as exc:  # too few periods, a singular design …: say so, run the other designs
            out.append(DesignResult(design, None, None, not_run="failed", detail=f"{type(exc).__name__}: {exc}"[:200]))
    return out


def _run_one(design: str, data: Dataset, params, out: list[DesignResult], ev, outcome: str, start, synthetic: bool,
             twfe_kw: dict) -> None:
    """Run ``design`` and append its result to ``out`` (the staggered TWFE reads the staggered result)."""
    if design == "its":
        s = kaltim_series(data, params)
        r = its.fit(s, outcome, "period", start, seasonality=12 if ev.its_seasonality else None, alpha=ev.alpha)
        out.append(DesignResult(design, r.att, r, truth_aggregate(s, start) if synthetic else None,
                                {"level_change": r.level_change, "slope_change": r.slope_change}))
    elif design == "did":
        p = kabkota_vs_provinces(data, params)
        e = did.twfe(p, outcome, "region_code", "period", "treat", **twfe_kw)
        out.append(DesignResult(design, e, e, truth_window_did(p, start) if synthetic else None))
    elif design == "event_study":
        p = kabkota_vs_provinces(data, params)
        lo, hi = ev.event_window
        few = ev.did_inference in ("few_treated", "ri")
        r = did.event_study(p, outcome, "region_code", "period", "first_treated", ref=-1, window=(lo, hi),
                            alpha=ev.alpha, cluster=ASSIGNMENT, inference="few_treated" if few else "cluster",
                            post=(0, hi), seed=params.seed)
        ks = [k for k in range(0, hi)]
        e = r.post_mean
        notes = {"pretrend": r.pretrend}
        if lo < -1 and np.isfinite(e.ci_low) and np.isfinite(e.ci_high):
            notes["sensitivity"] = sensitivity.relative_magnitude_bounds(r.coefs, r.ref, ks, e.ci_low, e.ci_high)
            notes["breakdown_mbar"] = sensitivity.breakdown_mbar(r.coefs, r.ref, ks, e.ci_low, e.ci_high)
        out.append(DesignResult(design, e, r, truth_event(p, start, ks, -1) if synthetic else None, notes))
    elif design in ("staggered", "staggered_twfe"):
        p = staggered_panel(data, params)
        if p["first_treated"].gt(start).sum() == 0:
            return  # no kab/kota adopts co-funding after the start: nothing to estimate
        if design == "staggered":
            # cells without a variance warn; the report says it in words (a NaN interval), and the truth column
            # is only read for its point value
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = did.callaway_santanna(p, outcome, "region_code", "period", "first_treated",
                                          control=ev.staggered_control, alpha=ev.alpha)
                truth = did.callaway_santanna(p, "effect_cofunding_pp", "region_code", "period", "first_treated",
                                              control=ev.staggered_control).att.estimate if synthetic else None
            out.append(DesignResult(design, r.att, r, truth))
        else:
            kept = p[~(p["first_treated"] <= start)]  # as Callaway-Sant'Anna: drop already-treated units
            e = did.twfe(kept, outcome, "region_code", "period", "treat", inference="cluster", alpha=ev.alpha)
            out.append(DesignResult(design, e, e, out[-1].truth if out and out[-1].design == "staggered" else None))
    elif design in ("synth", "sdid"):
        s = comparison_units(in_window(data.province_panel(), params), params, keep=("64",))
        truth = truth_aggregate(kaltim_series(data, params), start) if synthetic else None
        args = (s, outcome, "region_code", "period", "64", start)
        if design == "sdid":
            r, notes = synth.sdid(*args, alpha=ev.alpha), None
        else:
            r = synth.synthetic_control(*args, alpha=ev.alpha)
            notes = {"conformal": synth.conformal(*args, alpha=ev.alpha), "leave_one_out": leave_one_out(*args)}
            try:
                notes["placebo_in_time"] = placebo_in_time(*args)  # empty when the pre-period is under four months
            except ValueError:  # the weights do not converge on the truncated panel: the check is left out
                pass
        out.append(DesignResult(design, r.att, r, truth, notes))
    elif design == "dose":
        p = kabkota_vs_provinces(data, params)
        if not p["level"].eq("provinsi").any():  # Kaltim only: the slope rests on kab/kota differences in dose
            twfe_kw = twfe_kw | {"cluster": None, "inference": "cluster", "B": None}
        e = did.twfe(p, outcome, "region_code", "period", "dose", **twfe_kw)
        truth = data.meta["config"]["additionality_share"] if synthetic else None
        out.append(DesignResult(design, e, e, truth))
    else:
        raise TypeError(f"unknown design {design!r}; allowed: {', '.join(DESIGNS)}")


def ci_level(e: Estimate, alpha: float) -> float:
    """The level the interval actually has: the placebo designs can only give ``j/(m + 1)``."""
    return float(e.info.get("ci_level", 1 - alpha))


def mde(e: Estimate, alpha: float) -> float:
    """Minimum detectable effect at 80% power: from the placebo distribution when the design has one, else
    ``2.8·se`` (:func:`~evalkit.methods.sensitivity.normal_mde`)."""
    return float(e.info["mde"]) if "mde" in e.info else sensitivity.normal_mde(e.se, alpha)


def comparison_table(results: list[DesignResult], alpha: float = 0.05) -> pd.DataFrame:
    """One row per design: design, method, estimate, se, ci_low, ci_high, ci_level (the level the interval
    has), pvalue, mde (minimum detectable effect at 80% power), n_obs, truth, covers, not_run (empty, or why the
    design did not run: ``no_comparison`` / ``failed``)."""
    rows = []
    nan = float("nan")
    for r in results:
        e = r.estimate
        if e is None:
            rows.append({"design": r.design, "method": "", "estimate": nan, "se": nan, "ci_low": nan, "ci_high": nan,
                         "ci_level": nan, "pvalue": nan, "mde": nan, "n_obs": 0, "truth": None, "covers": None,
                         "not_run": r.not_run})
            continue
        rows.append({"design": r.design, "method": e.method, "estimate": e.estimate, "se": e.se, "ci_low": e.ci_low,
                     "ci_high": e.ci_high, "ci_level": ci_level(e, alpha), "pvalue": e.pvalue, "mde": mde(e, alpha),
                     "n_obs": e.n_obs, "truth": r.truth,
                     "covers": (e.covers(r.truth) if r.truth is not None else None), "not_run": ""})
    return pd.DataFrame(rows)




#: The designs whose estimate the summary reports as "the effect", in order of preference: the difference in
#: differences against the other provinces first; on a panel without them, the designs that still run.
HEADLINE_DESIGNS = ("did", "sdid", "synth", "its")


#: designs whose estimand is the effect on Kaltim's *aggregate* coverage (Σ participants / Σ vulnerable workers): a
#: worker-weighted mean of the kab/kota effects — the one that, times Kaltim's vulnerable workers, counts the workers
#: protected. The kab/kota DiD estimates the *unweighted* mean of the kab/kota effects (each kab/kota counts once),
#: which overstates the count when small kab/kota gain most (#33).
WORKER_WEIGHTED_DESIGNS = ("sdid", "synth", "its")


def headline_effect(comparison: pd.DataFrame, designs=None) -> dict | None:
    """The effect the summary reports: the first of ``designs`` (default :data:`HEADLINE_DESIGNS`) that ran with a
    finite interval, as ``{design, estimate, ci_low, ci_high, ci_level, pvalue}`` (percentage points; level a
    share); ``None`` when none did. ``designs=WORKER_WEIGHTED_DESIGNS`` gives the worker-weighted estimate that
    "workers protected" is counted from."""
    for design in designs or HEADLINE_DESIGNS:
        row = comparison[comparison["design"] == design]
        if row.empty:
            continue
        r = row.iloc[0]
        if all(pd.notna(r[c]) and np.isfinite(r[c]) for c in ("estimate", "ci_low", "ci_high", "ci_level")):
            return {"design": design, "estimate": float(r["estimate"]), "ci_low": float(r["ci_low"]),
                    "ci_high": float(r["ci_high"]), "ci_level": float(r["ci_level"]),
                    "pvalue": None if pd.isna(r["pvalue"]) else float(r["pvalue"])}
    return None


def additionality_from_table(table: pd.DataFrame | None) -> float | None:
    """The dose-response slope from notebook 02's saved comparison table (``design_dose`` row) when it is a
    plausible share (0.05 to 1); ``None`` without the table or the row."""
    if table is None or "design" not in table.columns:
        return None
    row = table[table["design"].isin(["design_dose", "dose"])]
    if row.empty:
        return None
    est = float(row["estimate"].iloc[0])
    return est if 0.05 <= est <= 1.0 else None
