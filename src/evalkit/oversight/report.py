"""What the oversight page and the quarterly report show: the quarterly indicators with their thresholds, and the
results of the previous complete run of the same scenario ("since the last run")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .reconcile import THRESHOLDS, Reconciliation

#: indicator → (quarterly column, threshold key or None, True when higher is better)
INDICATORS = {
    "realisation_pct": ("realisation_pct", None, True),
    "realisation_vs_plan_pct": ("realisation_vs_plan_pct", "realisation_vs_plan_pct", True),
    "invoice_accuracy_pct": ("invoice_accuracy_pct", "invoice_accuracy_pct", True),
    "enrolment_pct": ("enrolment_pct", "enrolment_pct", True),
    "lapsed": ("lapsed", None, False),
    "deceased": ("deceased", None, False),
    "claims": ("claims", None, True),
    "persons_billed": ("persons", None, True),
}


def quarterly_rows(recon: Reconciliation) -> pd.DataFrame | None:
    """One row per indicator: the previous and the latest quarter, the threshold (when one is stated) and whether
    the latest quarter falls short of it (``flag``); ``latest_month`` says how recent the data is."""
    q = recon.quarterly
    if q is None or q.empty:
        return None
    prev, last = (q.iloc[0], q.iloc[-1]) if len(q) > 1 else (None, q.iloc[-1])
    rows = []
    for name, (column, threshold, higher) in INDICATORS.items():
        if column not in q.columns:
            continue
        limit = THRESHOLDS.get(threshold) if threshold else None
        latest = float(last[column]) if pd.notna(last[column]) else np.nan
        flag = bool(limit is not None and pd.notna(latest) and (latest < limit if higher else latest > limit))
        rows.append(
            {
                "indicator": name,
                "previous": float(prev[column]) if prev is not None and pd.notna(prev[column]) else np.nan,
                "latest": latest,
                "threshold": limit if limit is not None else np.nan,
                "flag": flag,
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["quarters"] = (None if prev is None else prev["quarter"], last["quarter"], last["latest_month"])
    return out


def previous_results(run_dir: Path, notebook: str) -> dict | None:
    """The oversight counts of the newest complete earlier run of the same scenario (``None`` if there is none):
    ``invoice_months``, ``claims``, ``lapsed`` and ``run`` (its folder name)."""
    scenario = Path(run_dir).parent
    if not scenario.is_dir():
        return None
    for folder in sorted(
        (
            p
            for p in scenario.iterdir()
            if p.is_dir()
            and not p.is_symlink()
            and not p.name.startswith(".")
            and p.resolve() != Path(run_dir).resolve()
        ),
        reverse=True,
    ):
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            results = json.loads((folder / "results" / f"{notebook}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if manifest.get("status") == "ok" and isinstance(results.get("oversight_counts"), dict):
            return {**results["oversight_counts"], "run": folder.name}
    return None


def plot_realisation(shown: pd.DataFrame, pagu_rupiah: float, labels: dict[str, str], ax=None):
    """Cumulative payments against the DPA's quarterly plan and the pagu (Rupiah billion, months 1–12);
    ``labels``: ``paid``, ``plan``, ``pagu``, ``xlabel``, ``ylabel``."""
    import matplotlib.pyplot as plt

    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(8, 3.8))
    ax.plot(shown["month"], shown["cumulative"] / 1e9, marker="o", label=labels.get("paid"))
    if shown["plan_cumulative"].notna().all():
        ax.step(shown["month"], shown["plan_cumulative"] / 1e9, where="post", linestyle="--", label=labels.get("plan"))
    ax.axhline(pagu_rupiah / 1e9, color="#555", linewidth=1, label=labels.get("pagu"))
    ax.set_xlabel(labels.get("xlabel", ""))
    ax.set_ylabel(labels.get("ylabel", ""))
    ax.set_xticks(range(1, 13))
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False)
    return fig
