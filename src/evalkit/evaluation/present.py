"""How notebook 02 shows the designs: the forest plot, each design's section and the reading across designs.

Text comes from the notebook context (``ctx.t``), so this module stays free of the report's catalogue.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .designs import DesignResult, ci_level, mde


def forest_plot(table: pd.DataFrame, labels: dict[str, str], xlabel: str, truth_label: str = "True effect"):
    """Estimates with CIs, one line per design (dose-response shown on its own axis: different unit)."""
    import matplotlib.pyplot as plt

    effects = table[(table["design"] != "dose") & table["estimate"].notna()].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(effects) + 1.9))
    y = np.arange(len(effects))[::-1]
    ax.errorbar(effects["estimate"], y, xerr=[effects["estimate"] - effects["ci_low"], effects["ci_high"] - effects["estimate"]],
                fmt="o", color="#1b6ca8", capsize=3)
    if effects["truth"].notna().any():
        ax.scatter(effects["truth"], y, marker="x", color="#c0392b", zorder=3, label=truth_label)
        # below the axes, never over an estimate
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28 - 0.6 / max(len(effects), 1)), frameon=False)
    ax.set_yticks(y)
    ax.set_yticklabels([labels.get(d, d) for d in effects["design"]])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(xlabel)
    fig.tight_layout()
    return fig


def figure_data(r) -> pd.DataFrame:
    """The data a design's chart draws (months as ``YYYY-MM``): the ITS fit and counterfactual, the event-study
    or staggered event-time coefficients, the SDID or synthetic-control paths."""
    res = r.result
    if r.design == "its":
        out = res.counterfactual[["time", "observed", "fitted", "counterfactual", "post"]]
    elif r.design == "event_study":
        return res.coefs[["rel_time", "estimate", "se", "ci_low", "ci_high"]].copy()
    elif r.design == "staggered":
        return res.aggregate("dynamic").table[["event_time", "estimate", "se", "ci_low", "ci_high"]].copy()
    elif r.design == "sdid":
        out = res.paths[["time", "treated", "synthetic", "post"]]
    else:
        out = res.gap[["time", "observed", "synthetic", "gap", "post"]]
    out = out.rename(columns={"time": "period"})
    return out.assign(period=pd.DatetimeIndex(out["period"]).strftime("%Y-%m"))


def present(ctx, r: DesignResult, results: list[DesignResult] | None = None) -> None:
    """Heading, assumption in plain words, the design's figure and its result line, via the notebook context."""
    start = ctx.month(ctx.params.policy_start)
    ev = ctx.params.evaluation
    ctx.heading(f"design_{r.design}", level=3)
    if r.not_run is not None:  # the data cannot carry this design: say why, in words
        ctx.say(f"not_run_{r.not_run}_text", detail=r.detail)
        return
    if r.design == "staggered_twfe":
        cs = next((x for x in results or [] if x.design == "staggered" and x.estimate is not None), None)
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
    elif r.design == "sdid":
        fig = r.result.plot(labels={"observed": ctx.t("legend_kaltim"), "synthetic": ctx.t("legend_sdid"),
                                    "ylabel": ctx.t("axis_coverage_pct")})
    elif r.design == "synth":
        fig = r.result.plot(labels={"observed": ctx.t("legend_kaltim"), "synthetic": ctx.t("legend_synthetic"),
                                    "gap": ctx.t("legend_gap"), "placebo": ctx.t("legend_placebo"),
                                    "ylabel": ctx.t("axis_coverage_pct")})
    if fig is not None:
        ctx.figure(fig, r.design, data=figure_data(r))
    e = r.estimate
    unit = (lambda x: ctx.num(x, 3)) if r.design == "dose" else (lambda x: ctx.pp(x, 2))
    level = ci_level(e, ev.alpha)
    if not (np.isfinite(e.ci_low) and np.isfinite(e.ci_high)):  # one kab/kota per adoption date: no variance
        # (the synthetic control has no standard error but a placebo interval: the interval decides, not the SE)
        ctx.say("result_no_variance_line", est=unit(e.estimate))
        if r.truth is not None:
            ctx.say("truth_line", truth=unit(r.truth))
        return
    ctx.say("result_line", est=unit(e.estimate), lo=unit(e.ci_low), hi=unit(e.ci_high),
            p=("< " + ctx.num(0.001, 3)) if e.pvalue < 0.001 else "= " + ctx.num(e.pvalue, 3),
            level=ctx.pct(100 * level, 1), mde=unit(mde(e, ev.alpha)))
    if "placebos" in e.info and abs(level - (1 - ev.alpha)) > 1e-9:
        ctx.say("placebo_level_note", placebos=e.info["placebos"], m1=e.info["placebos"] + 1,
                level=ctx.pct(100 * level, 1), wanted=ctx.pct(100 * (1 - ev.alpha), 0))
    if r.design == "event_study":
        pt = r.result.pretrend
        if "max_t" in pt:
            ctx.say("pretrend_max_line", max_t=ctx.num(pt["max_t"], 2), p=ctx.num(pt["pvalue"], 3))
        else:
            ctx.say("pretrend_line", df1=pt["df1"], df2=pt["df2"], F=ctx.num(pt["F"], 2), p=ctx.num(pt["pvalue"], 3))
        bounds = (r.notes or {}).get("sensitivity")
        if bounds is not None:
            one = bounds.set_index("mbar").loc[1.0]
            ctx.say("sensitivity_line", lo1=unit(one["ci_low"]), hi1=unit(one["ci_high"]),
                    breakdown=ctx.num(r.notes["breakdown_mbar"], 2))
    if r.design == "synth":
        top = r.result.weights.sort_values(ascending=False).head(4)
        names = ctx.data.province_panel().drop_duplicates("region_code").set_index("region_code")["region_name"]
        ctx.say("synth_line", donors=", ".join(f"{names.get(k, k)} ({ctx.num(v, 2)})" for k, v in top.items() if v > 0.005),
                rmspe=ctx.num(r.result.pre_rmspe, 2), p=ctx.num(r.result.placebo().attrs["pvalue_ratio"], 3))
        synth_checks(ctx, r.notes or {}, unit)
    if r.truth is not None:
        ctx.say("truth_line", truth=unit(r.truth))


def synth_checks(ctx, notes: dict, unit) -> None:
    """The synthetic control's robustness checks in words: conformal interval, leave-one-out range, placebo in time."""
    conf = notes.get("conformal")
    if conf is not None:
        if np.isfinite(conf.ci_low):
            ctx.say("conformal_line", lo=unit(conf.ci_low), hi=unit(conf.ci_high), p=ctx.num(conf.pvalue, 3),
                    level=ctx.pct(100 * conf.info["ci_level"], 0))
        else:
            ctx.say("conformal_empty_line", p=ctx.num(conf.pvalue, 3))
    loo = notes.get("leave_one_out")
    if loo is not None and len(loo):
        ctx.say("loo_line", n=len(loo), lo=unit(loo.attrs["low"]), hi=unit(loo.attrs["high"]))
    pit = notes.get("placebo_in_time")
    if pit is not None and len(pit):
        ctx.say("placebo_time_line", fake=ctx.month(pit["fake_time"].iloc[0]), est=unit(pit["estimate"].iloc[0]))


def reading(ctx, table: pd.DataFrame) -> None:
    """A short generated reading of the evidence across designs."""
    eff = table[table["design"].isin(["its", "did", "event_study", "synth", "sdid"]) & table["estimate"].notna()]
    if eff.empty:
        return
    dose = table[(table["design"] == "dose") & table["estimate"].notna()]
    add = float(dose["estimate"].iloc[0]) if len(dose) else float("nan")
    ctx.say("evidence_reading", n=len(eff), lo=ctx.num(eff["estimate"].min(), 1), hi=ctx.num(eff["estimate"].max(), 1),
            sig=int(((eff["ci_low"] > 0) | (eff["ci_high"] < 0)).sum()), add=ctx.num(add, 2) if np.isfinite(add) else "–",
            per100=ctx.num(100 * add, 0) if np.isfinite(add) else "–")
