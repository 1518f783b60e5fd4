"""Notebook 02's designs: build each design's data from a :class:`Dataset`, run it, compare.

Designs (keys used in ``params.evaluation.methods``):

* ``its`` — interrupted time series of the Kaltim aggregate (before/after within Kaltim);
* ``did`` — TWFE: the 10 kab/kota against the 37 other provinces, treated from the Pergub start;
* ``event_study`` — the same comparison month by month relative to the start, with a pre-trend test;
* ``staggered`` — kab/kota co-funding adopted at different dates, Callaway & Sant'Anna (2021),
  within Kaltim from the Pergub start on (so the Pergub's uneven dose is a unit fixed effect); the
  TWFE estimate of the same design is shown next to it to expose the bias under staggered timing;
* ``synth`` — synthetic control: Kaltim aggregate against a weighted mix of the other provinces;
* ``dose`` — dose-response: coverage on the share of vulnerable workers subsidised (TWFE); its slope is
  the additionality (percentage points of coverage per percentage point subsidised).

All windows come from params (``evaluation.pre_window_months``/``post_window_months``). For synthetic
data each result carries the design's exact *target* computed from ``Dataset.truth``, so the report
shows whether each method recovers it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data.dataset import Dataset, aggregate_kaltim
from .methods import did, its, synth
from .methods.result import Estimate

DESIGNS = ("its", "did", "event_study", "staggered", "staggered_twfe", "synth", "dose")


@dataclass
class DesignResult:
    design: str
    estimate: Estimate
    result: object
    truth: float | None = None
    notes: dict | None = None


def windows(params) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    """(first pre month, policy start, first month after the post window)."""
    start = params.policy_start.to_timestamp()
    ev = params.evaluation
    return start - pd.DateOffset(months=ev.pre_window_months), start, start + pd.DateOffset(months=ev.post_window_months)


def _in_window(df: pd.DataFrame, params) -> pd.DataFrame:
    lo, _, hi = windows(params)
    return df[(df["period"] >= lo) & (df["period"] < hi)].reset_index(drop=True)


def _with_truth(data: Dataset) -> pd.DataFrame:
    p = data.panel
    if data.truth is None:
        return p
    return p.join(data.truth[["effect_pp", "effect_pergub_pp", "effect_cofunding_pp"]])


def _comparison(df: pd.DataFrame, params, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Keep the kab/kota (or ``keep`` codes) and the comparison provinces chosen by ``evaluation.comparison``."""
    codes = params.comparison_codes
    if codes is None:
        return df
    return df[(df["level"] == "kabkota") | df["region_code"].isin([*codes, *keep])].reset_index(drop=True)


def kabkota_vs_provinces(data: Dataset, params) -> pd.DataFrame:
    """Window panel of the 10 kab/kota and the comparison provinces (``evaluation.comparison``) with
    ``treat`` (0/1), ``first_treated`` and ``dose``."""
    p = _comparison(_in_window(_with_truth(data), params), params)
    start = params.policy_start.to_timestamp()
    kt = p["level"].eq("kabkota")
    p["treat"] = (kt & (p["period"] >= start)).astype(float)
    p["first_treated"] = pd.Series(pd.NaT, index=p.index).where(~kt, start)
    subsidised = p[["subsidised_prov", "subsidised_kabkota", "subsidised_csr"]].sum(axis=1)
    p["dose"] = 100 * subsidised / p["vulnerable_workers"]
    return p


def kaltim_series(data: Dataset, params) -> pd.DataFrame:
    """Kaltim aggregate monthly series in the window (with the aggregate true effect when synthetic)."""
    agg = aggregate_kaltim(data.panel)
    if data.truth is not None:
        t = _with_truth(data)
        t = t[t["level"] == "kabkota"]
        agg = agg.merge(t.groupby("period").apply(
            lambda g: np.average(g["effect_pp"], weights=g["vulnerable_workers"]), include_groups=False)
            .rename("effect_pp"), on="period")
    return _in_window(agg, params)


def staggered_panel(data: Dataset, params) -> pd.DataFrame:
    """Kab/kota from the Pergub start on, ``first_treated`` = own co-funding start (NaT if none)."""
    p = _with_truth(data)
    start = params.policy_start.to_timestamp()
    p = p[(p["level"] == "kabkota") & (p["period"] >= start)].copy()
    cof = {c.code: pd.Period(c.start_month, freq="M").to_timestamp() for c in params.policy.cofunding}
    p["first_treated"] = p["region_code"].map(cof)
    p["treat"] = (p["first_treated"].notna() & (p["period"] >= p["first_treated"])).astype(float)
    return p.reset_index(drop=True)


# --------------------------------------------------------------------------- truth (synthetic)
def _truth_window_did(p: pd.DataFrame, start) -> float:
    k = p[p["level"] == "kabkota"]
    post = k["period"] >= start
    return float(k.loc[post, "effect_pp"].mean() - k.loc[~post, "effect_pp"].mean())


def _truth_aggregate(series: pd.DataFrame, start) -> float:
    post = series["period"] >= start
    return float(series.loc[post, "effect_pp"].mean() - series.loc[~post, "effect_pp"].mean())


def _truth_event(p: pd.DataFrame, start, ks: list[int], ref: int) -> float:
    k = p[p["level"] == "kabkota"].copy()
    rel = (k["period"].dt.year - start.year) * 12 + k["period"].dt.month - start.month
    by_rel = k.groupby(rel)["effect_pp"].mean()
    return float(np.mean([by_rel[r] - by_rel[ref] for r in ks]))


# --------------------------------------------------------------------------- running
def run_designs(data: Dataset, params, designs=None) -> list[DesignResult]:
    """Run the designs named in ``params.evaluation.methods`` (or ``designs``) → list of results."""
    ev = params.evaluation
    designs = list(designs or ev.methods)
    if "staggered" in designs and "staggered_twfe" not in designs:
        designs.insert(designs.index("staggered") + 1, "staggered_twfe")
    outcome = ev.outcome
    start = params.policy_start.to_timestamp()
    synthetic = data.truth is not None and outcome == "vulnerable_coverage_pct"
    twfe_kw = {"inference": ev.did_inference, "B": ev.bootstrap_draws if ev.did_inference == "wild" else None,
               "seed": params.seed, "alpha": ev.alpha}
    out: list[DesignResult] = []
    for design in designs:
        if design == "its":
            s = kaltim_series(data, params)
            r = its.fit(s, outcome, "period", start, seasonality=12 if ev.its_seasonality else None, alpha=ev.alpha)
            out.append(DesignResult(design, r.att, r, _truth_aggregate(s, start) if synthetic else None,
                                    {"level_change": r.level_change, "slope_change": r.slope_change}))
        elif design == "did":
            p = kabkota_vs_provinces(data, params)
            e = did.twfe(p, outcome, "region_code", "period", "treat", **twfe_kw)
            out.append(DesignResult(design, e, e, _truth_window_did(p, start) if synthetic else None))
        elif design == "event_study":
            p = kabkota_vs_provinces(data, params)
            lo, hi = ev.event_window
            r = did.event_study(p, outcome, "region_code", "period", "first_treated", ref=-1, window=(lo, hi),
                                alpha=ev.alpha)
            ks = [k for k in range(0, hi)]
            e = _mean_of_coefs(r, ks, ev.alpha)
            out.append(DesignResult(design, e, r, _truth_event(p, start, ks, -1) if synthetic else None,
                                    {"pretrend": r.pretrend}))
        elif design in ("staggered", "staggered_twfe"):
            p = staggered_panel(data, params)
            if p["first_treated"].gt(start).sum() == 0:
                continue  # no kab/kota adopts co-funding after the start: nothing to estimate
            if design == "staggered":
                r = did.callaway_santanna(p, outcome, "region_code", "period", "first_treated",
                                          control=ev.staggered_control, alpha=ev.alpha)
                truth = None
                if synthetic:
                    truth = did.callaway_santanna(p, "effect_cofunding_pp", "region_code", "period", "first_treated",
                                                  control=ev.staggered_control).att.estimate
                out.append(DesignResult(design, r.att, r, truth))
            else:
                kept = p[~(p["first_treated"] <= start)]  # as Callaway-Sant'Anna: drop already-treated units
                e = did.twfe(kept, outcome, "region_code", "period", "treat", inference="cluster", alpha=ev.alpha)
                out.append(DesignResult(design, e, e, out[-1].truth if out and out[-1].design == "staggered" else None))
        elif design == "synth":
            s = _comparison(_in_window(data.province_panel(), params), params, keep=("64",))
            r = synth.synthetic_control(s, outcome, "region_code", "period", "64", start, alpha=ev.alpha)
            truth = _truth_aggregate(kaltim_series(data, params), start) if synthetic else None
            out.append(DesignResult(design, r.att, r, truth))
        elif design == "dose":
            p = kabkota_vs_provinces(data, params)
            e = did.twfe(p, outcome, "region_code", "period", "dose", **twfe_kw)
            truth = data.meta["config"]["additionality_share"] if synthetic else None
            out.append(DesignResult(design, e, e, truth))
        else:
            raise ValueError(f"unknown design {design!r}; allowed: {', '.join(DESIGNS)}")
    return out


def _mean_of_coefs(r, ks: list[int], alpha: float) -> Estimate:
    from scipy import stats

    c = r.coefs.set_index("rel_time")
    names = [k for k in c.index if k != r.ref]
    idx = [names.index(k) for k in ks if k in names]
    vec = np.zeros(len(names))
    vec[idx] = 1 / len(idx)
    b = np.array([c.loc[k, "estimate"] for k in names])
    est = float(vec @ b)
    se = float(np.sqrt(vec @ r.vcov @ vec))
    q = stats.t.ppf(1 - alpha / 2, r.clusters - 1)
    p = float(2 * stats.t.sf(abs(est / se), r.clusters - 1))
    return Estimate(est, se, est - q * se, est + q * se, p, r.n_obs, "Event study (mean of post coefficients)",
                    {"clusters": r.clusters, "months": len(idx)})


def comparison_table(results: list[DesignResult]) -> pd.DataFrame:
    """One row per design: design, method, estimate, se, ci_low, ci_high, pvalue, n_obs, truth, covers."""
    rows = []
    for r in results:
        e = r.estimate
        rows.append({"design": r.design, "method": e.method, "estimate": e.estimate, "se": e.se, "ci_low": e.ci_low,
                     "ci_high": e.ci_high, "pvalue": e.pvalue, "n_obs": e.n_obs, "truth": r.truth,
                     "covers": (e.covers(r.truth) if r.truth is not None else None)})
    return pd.DataFrame(rows)


def forest_plot(table: pd.DataFrame, labels: dict[str, str], xlabel: str, truth_label: str = "True effect"):
    """Estimates with CIs, one line per design (dose-response shown on its own axis: different unit)."""
    import matplotlib.pyplot as plt

    effects = table[table["design"] != "dose"].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(effects) + 1.4))
    y = np.arange(len(effects))[::-1]
    ax.errorbar(effects["estimate"], y, xerr=[effects["estimate"] - effects["ci_low"], effects["ci_high"] - effects["estimate"]],
                fmt="o", color="#1b6ca8", capsize=3)
    if effects["truth"].notna().any():
        ax.scatter(effects["truth"], y, marker="x", color="#c0392b", zorder=3, label=truth_label)
        ax.legend(loc="lower right")
    ax.set_yticks(y)
    ax.set_yticklabels([labels.get(d, d) for d in effects["design"]])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(xlabel)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- presentation (notebook 02)
def present(ctx, r: DesignResult, results: list[DesignResult] | None = None) -> None:
    """Heading, assumption in plain words, the design's figure and its result line, via the notebook context."""
    start = ctx.month(ctx.params.policy_start)
    ev = ctx.params.evaluation
    ctx.heading(f"design_{r.design}", level=3)
    if r.design == "staggered_twfe":
        cs = next((x for x in results or [] if x.design == "staggered"), None)
        ctx.say("twfe_bias_note", twfe=ctx.pp(r.estimate.estimate, 2),
                cs=ctx.pp(cs.estimate.estimate, 2) if cs else "–")
    else:
        ctx.say(f"assume_{r.design}", start=start, control=ctx.t(f"control_{ev.staggered_control}"))
    fig = None
    if r.design == "its":
        fig = r.result.plot(labels={"observed": ctx.t("legend_observed"), "fitted": ctx.t("legend_fitted"),
                                    "counterfactual": ctx.t("legend_counterfactual"),
                                    "start": ctx.t("legend_pergub_start"), "ylabel": ctx.t("axis_coverage_pct")})
    elif r.design == "event_study":
        fig = r.result.plot(xlabel=ctx.t("axis_rel_month"), ylabel=ctx.t("axis_effect_pp"))
    elif r.design == "staggered":
        fig = r.result.plot(xlabel=ctx.t("axis_rel_month"), ylabel=ctx.t("axis_effect_pp"))
    elif r.design == "synth":
        fig = r.result.plot(labels={"observed": ctx.t("legend_kaltim"), "synthetic": ctx.t("legend_synthetic"),
                                    "gap": ctx.t("legend_gap"), "placebo": ctx.t("legend_placebo"),
                                    "ylabel": ctx.t("axis_coverage_pct")})
    if fig is not None:
        ctx.figure(fig, r.design, f"cap_{r.design}")
    e = r.estimate
    unit = (lambda x: ctx.num(x, 3)) if r.design == "dose" else (lambda x: ctx.pp(x, 2))
    ctx.say("result_line", est=unit(e.estimate), lo=unit(e.ci_low), hi=unit(e.ci_high),
            p=("< " + ctx.num(0.001, 3)) if e.pvalue < 0.001 else "= " + ctx.num(e.pvalue, 3),
            level=f"{int(round(100 * (1 - ev.alpha)))}%")
    if r.design == "event_study":
        pt = r.result.pretrend
        ctx.say("pretrend_line", df1=pt["df1"], df2=pt["df2"], F=ctx.num(pt["F"], 2), p=ctx.num(pt["pvalue"], 3),
                verdict=ctx.t("pretrend_ok" if pt["pvalue"] >= ev.alpha else "pretrend_bad"))
    if r.design == "synth":
        top = r.result.weights.sort_values(ascending=False).head(4)
        names = ctx.data.province_panel().drop_duplicates("region_code").set_index("region_code")["region_name"]
        ctx.say("synth_line", donors=", ".join(f"{names.get(k, k)} ({ctx.num(v, 2)})" for k, v in top.items() if v > 0.005),
                rmspe=ctx.num(r.result.pre_rmspe, 2), p=ctx.num(r.result.placebo().attrs["pvalue_ratio"], 3))
    if r.truth is not None:
        ctx.say("truth_line", truth=unit(r.truth))


def reading(ctx, table: pd.DataFrame) -> None:
    """A short generated reading of the evidence across designs."""
    eff = table[table["design"].isin(["its", "did", "event_study", "synth"])]
    if eff.empty:
        return
    dose = table[table["design"] == "dose"]
    add = float(dose["estimate"].iloc[0]) if len(dose) else float("nan")
    ctx.say("evidence_reading", n=len(eff), lo=ctx.num(eff["estimate"].min(), 1), hi=ctx.num(eff["estimate"].max(), 1),
            sig=int((eff["pvalue"] < 0.05).sum()), add=ctx.num(add, 2) if np.isfinite(add) else "–",
            per100=ctx.num(100 * add, 0) if np.isfinite(add) else "–")
