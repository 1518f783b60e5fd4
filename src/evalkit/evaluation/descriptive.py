"""Descriptive coverage: before/after tables and trend plots (no causal claim).

Plots take their words as ``labels`` (the notebook passes them translated), so this module holds no text
of its own beyond English defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from ..core.figures import KALTIM_COLOR, OTHER_COLOR, month_axis, vline_policy
from ..data.dataset import KALTIM_CODE, Dataset, aggregate_kaltim, before_after

if TYPE_CHECKING:
    from ..params.schema import Params

TREND_LABELS = {
    "other_provinces": "Other provinces (median)",
    "other_band": "Other provinces (P10–P90)",
    "kaltim": "Kalimantan Timur",
    "start": "Pergub 19/2023 starts",
    "ylabel": "Coverage (%)",
    "xlabel": "Month",
    "kabkota": "Kab/kota coverage",
    "cofunding": "Kab/kota co-funding starts",
}


def before_after_table(data: Dataset, params: Params, outcome: str | None = None) -> pd.DataFrame:
    """Mean coverage before vs after the policy start for each Kaltim kab/kota and for Kaltim overall.

    Columns: ``region_code``, ``region_name``, ``before``, ``after``, ``change`` (percent and
    percentage points). The last row (code ``64``) is the Kaltim aggregate.
    """
    outcome = outcome or params.evaluation.outcome
    start = params.policy_start.to_timestamp()
    ev = params.evaluation
    kt = before_after(data.kaltim, start, outcome, ev.pre_window_months, ev.post_window_months)
    agg = before_after(aggregate_kaltim(data.panel), start, outcome, ev.pre_window_months, ev.post_window_months)
    out = pd.concat([kt, agg], ignore_index=True)
    names = dict(zip(data.panel["region_code"], data.panel["region_name"]))
    names["64"] = "Kalimantan Timur"
    out.insert(1, "region_name", out["region_code"].map(names))
    return out


def trend_table(data: Dataset, params: Params, outcome: str | None = None) -> pd.DataFrame:
    """Kaltim's monthly coverage beside the other provinces' median and P10–P90 (percent): the data of
    :func:`plot_kaltim_vs_provinces`. Columns ``period`` (``YYYY-MM``), ``kaltim_pct``, ``other_p10_pct``,
    ``other_median_pct``, ``other_p90_pct`` (empty on a Kaltim-only panel)."""
    outcome = outcome or params.evaluation.outcome
    prov = data.province_panel()
    kaltim = prov[prov["region_code"] == KALTIM_CODE].set_index("period")[outcome].rename("kaltim_pct")
    others = prov[prov["region_code"] != KALTIM_CODE].groupby("period")[outcome]
    out = kaltim.to_frame()
    if others.ngroups:
        out = out.join(
            pd.DataFrame(
                {
                    "other_p10_pct": others.quantile(0.1),
                    "other_median_pct": others.median(),
                    "other_p90_pct": others.quantile(0.9),
                }
            )
        )
    else:
        out = out.assign(other_p10_pct=float("nan"), other_median_pct=float("nan"), other_p90_pct=float("nan"))
    out.index = pd.DatetimeIndex(out.index).strftime("%Y-%m")
    return out.rename_axis("period").reset_index()


def kabkota_monthly(data: Dataset, outcome: str) -> pd.DataFrame:
    """Each Kaltim kab/kota's monthly ``outcome`` (percent), long: ``region_code``, ``region_name``,
    ``period`` (``YYYY-MM``), ``coverage_pct`` — the data of the heatmap and the small multiples."""
    kt = data.kaltim[["region_code", "region_name", "period", outcome]].rename(columns={outcome: "coverage_pct"})
    return kt.assign(period=pd.DatetimeIndex(kt["period"]).strftime("%Y-%m")).reset_index(drop=True)


def plot_kaltim_vs_provinces(
    data: Dataset, params: Params, labels: dict[str, str] | None = None, outcome: str | None = None
):
    """Kaltim aggregate coverage against the median and spread of the other provinces.

    ``labels``: ``other_provinces``, ``kaltim``, ``start``, ``ylabel``, ``xlabel`` (defaults: :data:`TREND_LABELS`).
    """
    lab = TREND_LABELS | (labels or {})
    trend = trend_table(data, params, outcome)
    when = pd.to_datetime(trend["period"])
    fig, ax = plt.subplots()
    if trend["other_median_pct"].notna().any():  # a Kaltim-only panel has no other provinces to draw
        ax.fill_between(
            when,
            trend["other_p10_pct"],
            trend["other_p90_pct"],
            color=OTHER_COLOR,
            alpha=0.3,
            lw=0,
            label=lab.get("other_band", "P10–P90"),
        )
        ax.plot(when, trend["other_median_pct"], color=OTHER_COLOR, lw=2, label=lab["other_provinces"])
    ax.plot(when, trend["kaltim_pct"], color=KALTIM_COLOR, lw=2.2, label=lab["kaltim"])
    vline_policy(ax, params.policy_start.to_timestamp(), lab["start"])
    ax.set_ylabel(lab["ylabel"])
    ax.set_xlabel(lab["xlabel"])
    ax.set_ylim(bottom=0)
    month_axis(ax)
    ax.legend(loc="upper left")
    return fig


def plot_kabkota_trends(
    data: Dataset,
    params: Params,
    ylabel: str = "Coverage (%)",
    outcome: str | None = None,
    labels: dict[str, str] | None = None,
):
    """Small multiples: monthly coverage of each Kaltim kab/kota, the policy start and (dotted) each kab/kota's
    own co-funding start, named in a legend; ticks at least 10 pt."""
    lab = TREND_LABELS | (labels or {})
    outcome = outcome or params.evaluation.outcome
    long = kabkota_monthly(data, outcome)
    codes = sorted(long["region_code"].unique())
    ncols = 5 if len(codes) > 4 else max(len(codes), 1)
    nrows = -(-len(codes) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(13, 2.9 * nrows + 0.9), sharex=True, sharey=True, squeeze=False)
    start = params.policy_start.to_timestamp()
    cof = {c.code: pd.Period(c.start_month, freq="M").to_timestamp() for c in params.policy.cofunding}
    for ax in axes.ravel()[len(codes) :]:
        ax.set_visible(False)
    for ax, code in zip(axes.ravel(), codes):
        sub = long[long["region_code"] == code]
        ax.plot(pd.to_datetime(sub["period"]), sub["coverage_pct"], color=KALTIM_COLOR, lw=1.5)
        ax.axvline(start, color="#333333", ls="--", lw=0.8)
        if code in cof:
            ax.axvline(cof[code], color="#3a9d5d", ls=":", lw=1.4)
        ax.set_title(sub["region_name"].iloc[0], fontsize=11)
        ax.set_ylim(bottom=0)
        month_axis(ax)
        ax.tick_params(labelsize=10)
    handles = [
        Line2D([], [], color=KALTIM_COLOR, lw=1.5, label=lab["kabkota"]),
        Line2D([], [], color="#333333", ls="--", lw=0.8, label=lab["start"]),
    ]
    if cof:
        handles.append(Line2D([], [], color="#3a9d5d", ls=":", lw=1.4, label=lab["cofunding"]))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=10, frameon=False)
    fig.supylabel(ylabel, fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
