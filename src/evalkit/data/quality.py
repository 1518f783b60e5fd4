"""Consistency checks of the monthly coverage panel (notebook 01)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .dataset import Dataset

if TYPE_CHECKING:
    from ..params.schema import Params


def panel_checks(data: Dataset, params: Params) -> pd.DataFrame:
    """One row per check: ``check`` (translation key), ``rows_affected`` and ``passed`` (bool)."""
    p = data.panel.sort_values(["region_code", "period"])
    months = p["period"].nunique()
    per_unit = p.groupby("region_code")["period"].nunique()
    incomplete = int((months - per_unit).clip(lower=0).sum())
    required = ["working_pop", "vulnerable_workers", "bpu_participants", "participants_total"]
    missing = int(p[required].isna().any(axis=1).sum())
    subsidised = p[["subsidised_prov", "subsidised_kabkota", "subsidised_csr"]].sum(axis=1)
    # jumps larger than the change in subsidised recipients can explain (a new list, the Jan-Mar gap)
    by_region = p["region_code"]
    coverage_change = p["vulnerable_coverage_pct"].groupby(by_region).diff().abs()
    subsidised_change = (100 * subsidised / p["vulnerable_workers"]).groupby(by_region).diff().abs()
    jumps = coverage_change - subsidised_change
    start = params.policy_start.to_timestamp()
    jump_rows = int(((jumps > 10) & (p["period"] != start)).sum())
    rows = [
        ("dq_complete", incomplete),
        ("dq_missing", missing),
        ("dq_bpu_le_vuln", int((p["bpu_participants"] > p["vulnerable_workers"]).sum())),
        ("dq_total_le_target", int((p["participants_total"] > p["target_workers"]).sum())),
        ("dq_subsidised_le_bpu", int((subsidised > p["bpu_participants"]).sum())),
        ("dq_jump", jump_rows),
    ]
    out = pd.DataFrame(rows, columns=["check", "rows_affected"])
    out["passed"] = out["rows_affected"] == 0
    return out


def coverage_matrix(data: Dataset, outcome: str = "vulnerable_coverage_pct") -> pd.DataFrame:
    """Kab/kota × month matrix of ``outcome`` (rows named by kab/kota)."""
    kt = data.kaltim
    return kt.pivot_table(index="region_name", columns="period", values=outcome)


def plot_heatmap(matrix: pd.DataFrame, start, label: str):
    """Heatmap of the kab/kota × month coverage matrix with the policy start marked."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig, ax = plt.subplots(figsize=(11, 4.2))
    sns.heatmap(matrix, ax=ax, cmap="viridis", cbar_kws={"label": label})
    cols = list(matrix.columns)
    ticks = [i for i, c in enumerate(cols) if c.month == 1]
    ax.set_xticks([i + 0.5 for i in ticks])
    ax.set_xticklabels([cols[i].year for i in ticks], rotation=0)
    if start in cols:
        ax.axvline(cols.index(start), color="white", lw=2, ls="--")
    ax.set_xlabel("")
    ax.set_ylabel("")
    return fig
