"""The :class:`Dataset` container and panel helpers shared by synthetic and real data."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..core.months import window

COUNT_COLUMNS = [
    "working_pop",
    "target_workers",
    "vulnerable_workers",
    "bpu_participants",
    "pu_participants",
    "participants_total",
    "subsidised_prov",
    "subsidised_kabkota",
    "subsidised_csr",
    "bpu_joiners",
    "bpu_leavers",
]
KALTIM_CODE = "64"
#: each coverage measure as (numerator, denominator) panel columns: see :meth:`Dataset.coverage`
COVERAGE_COLUMNS = {
    "vulnerable": ("bpu_participants", "vulnerable_workers"),
    "total": ("participants_total", "target_workers"),
}


def coverage_measure(target_measure: str) -> str:
    """The :data:`COVERAGE_COLUMNS` measure of a target measure (``budget.measure``):
    ``total_coverage`` → ``total``, ``vulnerable_coverage`` → ``vulnerable``."""
    measure = target_measure.removesuffix("_coverage")
    if measure not in COVERAGE_COLUMNS:
        raise ValueError(f"unknown coverage measure {target_measure!r}")
    return measure


@dataclass
class Dataset:
    """A monthly coverage panel with its provenance.

    ``panel``: one row per region and month (columns documented in ``evalkit.data.schemas.PANEL``,
    plus ``level``, ``vulnerable_coverage_pct`` and ``total_coverage_pct`` in percent).
    ``meta``: ``synthetic`` (bool), ``label``, ``total_denominator`` (``target_workers`` — the BPJS target
    population, as the Governor's figure — or ``working_pop`` when the data has no target population, or
    ``mixed``), ``denominator_method`` (how yearly denominators were brought to months, when they were) and,
    for synthetic data, ``true_effect``.
    ``truth``: per unit-month true effects (synthetic data only; ``None`` for real data).
    ``files``: input file → SHA-256 (empty for synthetic data).
    """

    panel: pd.DataFrame
    meta: dict
    truth: pd.DataFrame | None = None
    files: dict[str, str] = field(default_factory=dict)

    @property
    def is_synthetic(self) -> bool:
        return bool(self.meta.get("synthetic"))

    @property
    def label(self) -> str:
        """``"SYNTHETIC DATA"`` for simulated data, else an empty string."""
        return self.meta.get("label", "") if self.is_synthetic else ""

    @property
    def kaltim(self) -> pd.DataFrame:
        """The 10 Kaltim kab/kota rows of the panel."""
        return self.panel[self.panel["level"] == "kabkota"].reset_index(drop=True)

    def coverage(self, measure: str = "vulnerable", level: str = "province") -> pd.Series:
        """Coverage in percent, on the panel's documented definitions, for synthetic and real data alike.

        ``measure``: ``"vulnerable"`` — BPU participants / vulnerable workers, the evaluation's outcome;
        ``"total"`` — active participants of all segments / the BPJS Ketenagakerjaan target population of
        workers (``target_workers``; the definition of the Governor's 70.86% and 70.11%, see
        ``data/reference/SOURCES.md``). ``level``: ``"province"`` — Kalimantan
        Timur (the sum of its kab/kota), a Series indexed by month; ``"kabkota"`` — indexed by
        ``(region_code, month)``."""
        if measure not in COVERAGE_COLUMNS or level not in ("province", "kabkota"):
            raise ValueError("measure must be 'vulnerable' or 'total' and level 'province' or 'kabkota'")
        num, den = COVERAGE_COLUMNS[measure]
        kt = self.kaltim
        if level == "province":
            sums = kt.groupby("period")[[num, den]].sum()
            out = 100 * sums[num] / sums[den]
        else:
            out = 100 * kt.set_index(["region_code", "period"])[num] / kt.set_index(["region_code", "period"])[den]
        return out.rename(f"{measure}_coverage_pct")

    def province_panel(self) -> pd.DataFrame:
        """Kaltim aggregated to one province (code ``64``) next to the 37 other provinces."""
        return pd.concat(
            [aggregate_kaltim(self.panel), self.panel[self.panel["level"] == "provinsi"]], ignore_index=True
        ).sort_values(["region_code", "period"], ignore_index=True)


def total_denominator(panel: pd.DataFrame) -> str:
    """Which denominator the total coverage of the Kaltim rows uses: ``target_workers`` (the BPJS target
    population, as published), ``working_pop`` (no target population given) or ``mixed``."""
    kt = panel[panel["level"] == "kabkota"] if "level" in panel.columns else panel
    given = kt["target_workers"].gt(0) if "target_workers" in kt.columns else pd.Series(False, index=kt.index)
    return "target_workers" if given.all() else ("working_pop" if not given.any() else "mixed")


def add_coverage(panel: pd.DataFrame) -> pd.DataFrame:
    """Add ``vulnerable_coverage_pct`` and ``total_coverage_pct`` (percent, 0–100).

    Total coverage is participants of all segments over the BPJS target population ``target_workers``; a row
    without it (missing column or 0) takes the working population, which :func:`total_denominator` reports."""
    out = panel.copy()
    target = out["target_workers"] if "target_workers" in out.columns else pd.Series(0, index=out.index)
    out["target_workers"] = target.where(target > 0, out["working_pop"]).astype("int64")
    out["vulnerable_coverage_pct"] = 100 * out["bpu_participants"] / out["vulnerable_workers"]
    out["total_coverage_pct"] = 100 * out["participants_total"] / out["target_workers"]
    return out


def aggregate_kaltim(panel: pd.DataFrame) -> pd.DataFrame:
    """Sum the Kaltim kab/kota counts per month into one province-level unit ``64``."""
    kt = panel[panel["level"] == "kabkota"]
    cols = [c for c in COUNT_COLUMNS if c in kt.columns]
    agg = kt.groupby("period", as_index=False)[cols].sum()
    agg.insert(0, "region_code", KALTIM_CODE)
    agg.insert(1, "region_name", "Kalimantan Timur")
    agg.insert(2, "level", "provinsi")
    return add_coverage(agg)


def before_after(
    panel: pd.DataFrame, start: pd.Timestamp, outcome: str, pre_months: int, post_months: int, by: str = "region_code"
) -> pd.DataFrame:
    """Mean of ``outcome`` in the ``pre_months`` before and the ``post_months`` from ``start`` on.

    Returns one row per ``by`` value with columns ``before``, ``after``, ``change`` (same unit as
    the outcome; percentage points for coverage in percent).
    """
    start = pd.Timestamp(start)
    lo, hi = window(start, pre_months, post_months)
    p = panel["period"]
    pre = panel[(p >= lo) & (p < start)].groupby(by)[outcome].mean()
    post = panel[(p >= start) & (p < hi)].groupby(by)[outcome].mean()
    out = pd.DataFrame({"before": pre, "after": post})
    out["change"] = out["after"] - out["before"]
    return out.reset_index()


__all__ = ["Dataset", "add_coverage", "total_denominator", "aggregate_kaltim", "before_after"]
