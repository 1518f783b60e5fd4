"""Contribution cost per worker and cost of recipients (Rupiah)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..data.dataset import COVERAGE_COLUMNS, coverage_measure
from ..data.oversight import measured_invoices

if TYPE_CHECKING:
    from ..params.schema import Params

PROGRAMMES = ("jkk", "jkm", "jht", "jp")


def unit_cost_table(params: Params, programmes=None, declared_income_rupiah: float | None = None) -> pd.DataFrame:
    """Contribution per worker per month by programme, in Rupiah per month.

    JKK = ``jkk_rate_share`` × declared income; JKM = ``jkm_rupiah`` flat; JHT = ``jht_rate_share`` ×
    declared income; admin overhead = ``admin_overhead_share`` × the sum. JP is not open to BPU
    workers and costs 0 here.
    """
    c = params.contributions
    income = c.declared_income_rupiah if declared_income_rupiah is None else declared_income_rupiah
    programmes = list(programmes or params.policy.programmes)
    rates = {"jkk": c.jkk_rate_share * income, "jkm": c.jkm_rupiah, "jht": c.jht_rate_share * income, "jp": 0.0}
    rows = [(p.upper(), rates[p]) for p in programmes]
    subtotal = sum(v for _, v in rows)
    if c.admin_overhead_share:
        rows.append(("ADMIN", subtotal * c.admin_overhead_share))
    return pd.DataFrame(rows, columns=["programme", "rupiah_month"])


def unit_cost(params: Params, programmes=None, declared_income_rupiah: float | None = None) -> float:
    """Total contribution per worker per month in Rupiah (e.g. JKK 10.000 + JKM 6.800 = 16.800)."""
    return float(unit_cost_table(params, programmes, declared_income_rupiah)["rupiah_month"].sum())


def recipients_cost_by_year(panel: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Yearly recipient-months and contribution cost of the Kaltim subsidies in the panel.

    Columns: ``year``, ``listed_prov`` (the provincial list of the year: its largest monthly count, persons),
    ``subsidised_prov`` / ``subsidised_kabkota`` / ``subsidised_csr`` (mean monthly recipients, persons; below
    the list when months go unpaid while a new list is determined), ``cost_prov`` / ``cost_kabkota`` /
    ``cost_csr`` (Rupiah per year). With an invoice file (``data.invoices``) every figure is **measured** from
    the invoices instead (:func:`invoice_cost_by_year`).
    """
    invoices = measured_invoices(params)
    if invoices is not None:
        return invoice_cost_by_year(invoices.summary)
    kt = panel[panel["level"] == "kabkota"].copy()
    kt["year"] = kt["period"].dt.year
    cols = ["subsidised_prov", "subsidised_kabkota", "subsidised_csr"]
    monthly = kt.groupby(["year", "period"])[cols].sum()
    by_year = monthly.groupby("year").agg(["mean", "sum"])
    cost = unit_cost(params)
    out = pd.DataFrame(
        {
            "year": by_year.index,
            "listed_prov": monthly.groupby("year")["subsidised_prov"].max().astype("int64").to_numpy(),
        }
    )
    for col in cols:
        out[col] = by_year[(col, "mean")].round().astype("int64").to_numpy()  # whole persons
        out["cost_" + col.split("_")[1]] = (by_year[(col, "sum")] * cost).to_numpy()
    return out[out[cols].sum(axis=1) > 0].reset_index(drop=True)


def invoice_cost_by_year(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`recipients_cost_by_year` measured from invoices (:func:`evalkit.data.oversight.invoice_summary`): the
    persons billed (the list: the largest monthly count; mean monthly persons by funder) and the Rupiah billed."""
    s = summary.assign(year=summary["periode"].str[:4].astype(int))
    monthly = s.groupby(["year", "periode", "sumber_dana"])[["persons", "rupiah"]].sum().reset_index()
    rows = []
    for year, g in monthly.groupby("year"):
        row: dict[str, float] = {"year": int(year)}
        prov = g[g["sumber_dana"] == "apbd_prov"]
        row["listed_prov"] = int(prov["persons"].max()) if len(prov) else 0
        for funder, name in (("apbd_prov", "prov"), ("apbd_kabkota", "kabkota"), ("csr", "csr")):
            part = g[g["sumber_dana"] == funder]
            row[f"subsidised_{name}"] = int(round(part["persons"].sum() / 12))
            row[f"cost_{name}"] = float(part["rupiah"].sum())
        rows.append(row)
    return pd.DataFrame(rows)[
        [
            "year",
            "listed_prov",
            "subsidised_prov",
            "cost_prov",
            "subsidised_kabkota",
            "cost_kabkota",
            "subsidised_csr",
            "cost_csr",
        ]
    ]


def kabkota_gap(params: Params, data) -> pd.DataFrame:
    """How far each Kaltim kab/kota is from the coverage target in the latest month, lowest coverage first.

    Coverage is the budget's measure (``budget.measure``: all workers or vulnerable workers, percent).
    ``gap_persons``: workers to add to reach ``target.coverage_pct`` (whole persons, 0 when reached), split into
    what the APBD can fund and what only employers can close:

    * ``fundable_persons`` — at most the vulnerable (BPU-eligible) workers not yet covered: the only people the
      subsidy may pay for; ``fundable_rupiah_year`` what their contributions cost for a year if the subsidy paid
      them all (× unit cost per month × 12, Rupiah per year) — an upper bound, as some will join on their own;
    * ``employer_persons`` — the rest of a total-coverage gap: wage workers whose contributions are their
      employers' duty (compliance, not the APBD). Zero for the vulnerable-worker measure.
    """
    num, den = COVERAGE_COLUMNS[coverage_measure(params.budget.measure)]
    kt = data.kaltim
    latest = kt[kt["period"] == kt["period"].max()]
    target = params.target.coverage_pct / 100
    gap = [max(0, math.ceil(target * d - n)) for n, d in zip(latest[num], latest[den])]
    uncovered_vulnerable = (latest["vulnerable_workers"] - latest["bpu_participants"]).clip(lower=0).to_numpy()
    out = pd.DataFrame(
        {
            "region_code": latest["region_code"].astype(str).to_numpy(),
            "region_name": latest["region_name"].to_numpy(),
            "coverage_pct": (100 * latest[num] / latest[den]).to_numpy(),
            "gap_persons": gap,
        }
    )
    out["fundable_persons"] = np.minimum(out["gap_persons"], np.floor(uncovered_vulnerable)).astype(np.int64)
    out["employer_persons"] = out["gap_persons"] - out["fundable_persons"]
    out["fundable_rupiah_year"] = out["fundable_persons"] * unit_cost(params) * 12
    return out.sort_values(["coverage_pct", "region_code"], ignore_index=True)


def invoices_against_panel(panel: pd.DataFrame, params: Params) -> dict | None:
    """With an invoice file: the mean monthly recipients it bills in its latest year against the panel's subsidised
    recipients (all funders) in the same year — ``{"year", "invoiced", "panel", "ratio"}`` — so that a page can say when
    the file is not the whole programme (a sample, a missing month). ``None`` without invoices or a common year."""
    measured = measured_invoices(params)
    if measured is None:
        return None
    invoices = measured.summary
    year = int(invoices["periode"].str[:4].astype(int).max())
    invoiced = float(invoices[invoices["periode"].str[:4] == str(year)]["persons"].sum()) / 12
    kt = panel[(panel["level"] == "kabkota") & (panel["period"].dt.year == year)]
    if kt.empty:
        return None
    monthly = kt.groupby("period")[["subsidised_prov", "subsidised_kabkota", "subsidised_csr"]].sum().sum(axis=1)
    listed = float(monthly.mean())
    return {"year": year, "invoiced": invoiced, "panel": listed, "ratio": invoiced / listed if listed else float("nan")}
