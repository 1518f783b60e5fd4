"""Descriptive coverage: before/after tables and trend plots (no causal claim).

Plots take their words as ``labels`` (the notebook passes them translated), so this module holds no text
of its own beyond English defaults.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..core.figures import KALTIM_COLOR, OTHER_COLOR, month_axis, vline_policy
from ..data.dataset import Dataset, aggregate_kaltim, before_after

TREND_LABELS = {"other_provinces": "Other provinces (median, P10-P90)", "kaltim": "Kalimantan Timur",
                "start": "Pergub 19/2023 starts", "ylabel": "Coverage (%)", "xlabel": "Month"}


def before_after_table(data: Dataset, params, outcome: str | None = None) -> pd.DataFrame:
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


def plot_kaltim_vs_provinces(data: Dataset, params, labels: dict[str, str] | None = None, outcome: str | None = None):
    """Kaltim aggregate coverage against the median and spread of the other provinces.

    ``labels``: ``other_provinces``, ``kaltim``, ``start``, ``ylabel``, ``xlabel`` (defaults: :data:`TREND_LABELS`).
    """
    lab = TREND_LABELS | (labels or {})
    outcome = outcome or params.evaluation.outcome
    prov = data.province_panel()
    others = prov[prov["region_code"] != "64"].groupby("period")[outcome]
    kaltim = prov[prov["region_code"] == "64"].set_index("period")[outcome]
    fig, ax = plt.subplots()
    if others.ngroups:  # a Kaltim-only panel has no other provinces to draw
        q = others.quantile([0.1, 0.9]).unstack()
        ax.fill_between(q.index, q[0.1], q[0.9], color=OTHER_COLOR, alpha=0.3, lw=0)
        ax.plot(others.median(), color=OTHER_COLOR, lw=2, label=lab["other_provinces"])
    ax.plot(kaltim, color=KALTIM_COLOR, lw=2.2, label=lab["kaltim"])
    vline_policy(ax, params.policy_start.to_timestamp(), lab["start"])
    ax.set_ylabel(lab["ylabel"])
    ax.set_xlabel(lab["xlabel"])
    month_axis(ax)
    ax.legend(loc="upper left")
    return fig


def plot_kabkota_trends(data: Dataset, params, ylabel: str = "Coverage (%)", outcome: str | None = None):
    """Small multiples: monthly coverage of each Kaltim kab/kota with the policy start."""
    outcome = outcome or params.evaluation.outcome
    kt = data.kaltim
    codes = sorted(kt["region_code"].unique())
    fig, axes = plt.subplots(2, 5, figsize=(13, 5.2), sharex=True, sharey=True)
    start = params.policy_start.to_timestamp()
    cof = {c.code: pd.Period(c.start_month, freq="M").to_timestamp() for c in params.policy.cofunding}
    for ax, code in zip(axes.ravel(), codes):
        sub = kt[kt["region_code"] == code]
        ax.plot(sub["period"], sub[outcome], color=KALTIM_COLOR, lw=1.5)
        ax.axvline(start, color="#333333", ls="--", lw=0.8)
        if code in cof:
            ax.axvline(cof[code], color="#3a9d5d", ls=":", lw=1.2)
        ax.set_title(sub["region_name"].iloc[0], fontsize=9)
        month_axis(ax)
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    fig.supylabel(ylabel, fontsize=9)
    fig.tight_layout()
    return fig
