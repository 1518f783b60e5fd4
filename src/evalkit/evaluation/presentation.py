"""How notebook 02 shows the designs: the forest plot, each design's section and the reading across designs.

Text comes from the notebook context (``ctx.t``), so this module stays free of the report's catalogue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .comparison import comparison_table, headline_effect, mde
from .designs import PERGUB_EFFECT_DESIGNS, REGISTRY, WORKER_WEIGHTED_DESIGNS, DesignResult


def forest_plot(table: pd.DataFrame, labels: dict[str, str], xlabel: str, truth_label: str = "True effect"):
    """Estimates with CIs, one line per design (dose-response shown on its own axis: different unit)."""
    import matplotlib.pyplot as plt

    in_pp = [n for n, d in REGISTRY.items() if d.unit == "pp"]  # a slope has another unit: not on this axis
    effects = table[table["design"].isin(in_pp) & table["estimate"].notna()].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(effects) + 1.9))
    y = np.arange(len(effects))[::-1]
    ax.errorbar(
        effects["estimate"],
        y,
        xerr=[effects["estimate"] - effects["ci_low"], effects["ci_high"] - effects["estimate"]],
        fmt="o",
        color="#1b6ca8",
        capsize=3,
    )
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


def _say(ctx, sentences) -> None:
    for key, values in sentences:
        ctx.say(key, **values)


def present(ctx, r: DesignResult, results: list[DesignResult] | None = None) -> None:
    """Heading, assumption in plain words, the design's figure and its result line, via the notebook context."""
    design = REGISTRY[r.design]
    ev = ctx.params.evaluation
    ctx.heading(f"design_{r.design}", level=3)
    if r.not_run is not None or r.estimate is None:  # the data cannot carry this design: say why, in words
        ctx.say(f"not_run_{r.not_run}_text", detail=r.detail)
        return
    earlier = {x.design: x for x in results or [] if x is not r}
    _say(ctx, design.intro(r, ctx, ctx.params, earlier))
    fig = design.plot(r, {role: ctx.t(key) for role, key in design.plot_labels.items()})
    if fig is not None:
        ctx.figure(fig, r.design, data=design.figure_data(r))
    e = r.estimate
    unit = (lambda x: ctx.num(x, 3)) if design.unit == "ratio" else (lambda x: ctx.pp(x, 2))
    level = e.level  # the level the interval actually has (placebo designs: j/(m + 1))
    if not (np.isfinite(e.ci_low) and np.isfinite(e.ci_high)):  # one kab/kota per adoption date: no variance
        # (the synthetic control has no standard error but a placebo interval: the interval decides, not the SE)
        ctx.say("result_no_variance_line", est=unit(e.estimate))
        if r.truth is not None:
            ctx.say("truth_line", truth=unit(r.truth))
        return
    ctx.say(
        "result_line",
        est=unit(e.estimate),
        lo=unit(e.ci_low),
        hi=unit(e.ci_high),
        p=("< " + ctx.num(0.001, 3)) if e.pvalue < 0.001 else "= " + ctx.num(e.pvalue, 3),
        level=ctx.pct(100 * level, 1),
        mde=unit(mde(e, ev.alpha)),
    )
    if "placebos" in e.info and abs(level - (1 - ev.alpha)) > 1e-9:
        ctx.say(
            "placebo_level_note",
            placebos=e.info["placebos"],
            m1=e.info["placebos"] + 1,
            level=ctx.pct(100 * level, 1),
            wanted=ctx.pct(100 * (1 - ev.alpha), 0),
        )
    _say(ctx, design.sentences(r, ctx))
    for suffix in design.tables:
        rows = design.table_data(r, suffix)
        if rows is not None:
            ctx.table(rows, f"design_{r.design}_{suffix}")
    if r.truth is not None:
        ctx.say("truth_line", truth=unit(r.truth))


def reading(ctx, table: pd.DataFrame) -> None:
    """A short generated reading of the evidence across designs."""
    eff = table[table["design"].isin(PERGUB_EFFECT_DESIGNS) & table["estimate"].notna()]
    if eff.empty:
        return
    dose = table[(table["design"] == "dose") & table["estimate"].notna()]
    add = float(dose["estimate"].iloc[0]) if len(dose) else float("nan")
    ctx.say(
        "evidence_reading",
        n=len(eff),
        lo=ctx.num(eff["estimate"].min(), 1),
        hi=ctx.num(eff["estimate"].max(), 1),
        sig=int(((eff["ci_low"] > 0) | (eff["ci_high"] < 0)).sum()),
        add=ctx.num(add, 2) if np.isfinite(add) else "–",
        per100=ctx.num(100 * add, 0) if np.isfinite(add) else "–",
    )


def headlines(ctx, comparison: pd.DataFrame) -> None:
    """Notebook 02's headlines: the effect the summary quotes (:func:`~.comparison.headline_effect`) and the workers
    it protected — Kaltim's vulnerable workers times a *worker-weighted* effect (:data:`WORKER_WEIGHTED_DESIGNS`),
    never the kab/kota DiD's unweighted mean, in which each kab/kota counts once whatever its size — with the
    sentence that states that estimand. Nothing when no design gave a finite interval."""
    effect = headline_effect(comparison)
    if effect is None:
        return
    kaltim = ctx.data.kaltim
    workers = float(kaltim.loc[kaltim["period"] == kaltim["period"].max(), "vulnerable_workers"].sum())
    counted = headline_effect(comparison, WORKER_WEIGHTED_DESIGNS) or effect
    persons = {k: round(counted[k] / 100 * workers) for k in ("estimate", "ci_low", "ci_high")}
    interval = ctx.t(
        "interval_text",
        low=ctx.num(effect["ci_low"], 1),
        high=ctx.num(effect["ci_high"], 1),
        level=ctx.pct(100 * effect["ci_level"], 1),
    )
    ctx.headline(
        "effect_did",
        effect["estimate"],
        f"{ctx.pp(effect['estimate'])} ({interval})",
        detail={k: effect[k] for k in ("design", "ci_low", "ci_high", "ci_level", "pvalue")},
    )
    ctx.headline(
        "workers_protected",
        persons["estimate"],
        f"{ctx.num(persons['estimate'])} ({ctx.num(persons['ci_low'])} – {ctx.num(persons['ci_high'])})",
        detail={
            "ci_low": persons["ci_low"],
            "ci_high": persons["ci_high"],
            "workers": workers,
            "design": counted["design"],
            "effect_pp": counted["estimate"],
            "ci_level": counted["ci_level"],
        },
    )
    ctx.say(
        "workers_estimand",
        design=ctx.t(f"design_{counted['design']}"),
        effect=ctx.pp(counted["estimate"]),
        persons=ctx.num(persons["estimate"]),
        did=ctx.pp(effect["estimate"]),
    )


def comparison_section(ctx, results: list[DesignResult]) -> pd.DataFrame:
    """The designs side by side: the comparison table (the true effect only on synthetic data), the forest plot,
    the reading across designs and the headlines; returns the comparison table."""
    comparison = comparison_table(results, ctx.params.evaluation.alpha)
    shown = comparison.assign(
        ci_level=100 * comparison["ci_level"], not_run=comparison["not_run"].map(lambda k: k or "none")
    )
    if not comparison["truth"].notna().any():  # real data: there is no true effect to show
        shown = shown.drop(columns=["truth", "covers"])
    ctx.table(shown.drop(columns=["method"]), "comparison")
    labels = {d: ctx.t(f"design_{d}") for d in comparison["design"]}
    fig = forest_plot(comparison, labels, ctx.t("axis_effect_pp"), ctx.t("legend_truth"))
    ctx.figure(fig, "forest", headline=True)
    reading(ctx, comparison)
    headlines(ctx, comparison)
    return comparison
