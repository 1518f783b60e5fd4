"""Declared outputs: every headline number, result table and chart a notebook produces, declared once.

The notebooks record what they declare here (:meth:`evalkit.report.notebook.Context.headline`,
``.table``, ``.figure`` refuse anything undeclared); the summary notebook, the index page, the Pergub brief,
the comparison page and the Excel workbook read these declarations instead of file names and format guesses.

A column's **unit** decides how it is shown and exported:

========== ==================================================== ===================== ===============
unit       holds                                                page                  Excel
========== ==================================================== ===================== ===============
code       a region or other code                               as is                 text
name       a name (kab/kota, company hash)                      as is                 text
text       free text from params or data                        as is (escaped)       text
key:P      a closed-set value; ``P+value`` is its catalogue key  translated           translated
bool       yes/no                                               Ya / Tidak            Ya / Tidak
exists     0/1: a regulation exists                             Ada / Tidak           Ada / Tidak
year       a calendar year                                      2026                  0
month      ``YYYY-MM``                                          Juni 2025             text
persons    people counted in records (small cells suppressed)   1.234                 #,##0 (integer)
persons_est people estimated or planned, whole                  1.234                 #,##0 (integer)
count      a count of things (rows, companies, months)          1.234                 #,##0 (integer)
rank       a rank, 1 = best                                     3                     0
pct        percent, 0–100                                       33,6%                 0.0 (percent)
share      a share, 0–1                                         86,0%                 0.0% (exact)
pp, pp2    percentage points (1 or 2 decimals)                  +3,2 poin persen      +0.00
rupiah     Rupiah                                               Rp 37,4 miliar        "Rp" #,##0 (exact)
float      a number, 2 decimals (float3: 3, score: 1)           0,86                  0.000
pvalue     a p-value                                            0,027 / < 0,001       0.000
========== ==================================================== ===================== ===============
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..data.oversight import INVOICE_CHECKS
from ..evaluation.designs import CHARTED_DESIGNS
from ..evaluation.designs import REGISTRY as DESIGN_REGISTRY
from . import i18n
from .provenance import Provenance, assumption, data, derived, estimate

UNITS = {
    "code",
    "name",
    "text",
    "bool",
    "exists",
    "year",
    "month",
    "persons",
    "persons_est",
    "count",
    "rank",
    "pct",
    "share",
    "share2",
    "pp",
    "pp2",
    "rupiah",
    "float",
    "float3",
    "score",
    "pvalue",
}
WHOLE = {"persons", "persons_est", "count", "rank", "year"}
PERSONS = {"persons", "persons_est"}


def is_key_unit(unit: str) -> bool:
    return unit.startswith("key:")


#: the unit of a budget lever's value, by its params key (``budget.smallest_changes``: current and needed value)
LEVER_UNITS = {
    "max_new_recipients_per_year": "persons_est",
    "cap_share_of_revenue": "share2",
    "formal_coverage_growth_pp": "float",
    "self_paid_growth_pp": "float",
}
BY_KEY = "by:key"  # a column whose unit depends on its row's ``key`` (a lever): see LEVER_UNITS


def cell_unit(unit: str, row: dict) -> str:
    """The unit of one cell: the column's, or for a :data:`BY_KEY` column the unit of the row's lever."""
    return LEVER_UNITS.get(str(row.get("key")), "float") if unit == BY_KEY else unit


@dataclass(frozen=True)
class Headline:
    """One headline number: ``key`` (unique), the notebook that produces it, the catalogue key of its label
    and its unit. ``value`` in the results file is in that unit; ``detail`` holds what else the answer needs
    (interval, level, persons)."""

    key: str
    producer: str
    label: str
    unit: str
    #: where the number comes from (:mod:`evalkit.report.provenance`); a notebook may add the sources it learns
    #: at run time (the additionality it used, a gap observed or assumed)
    provenance: Provenance
    #: the fields its ``detail`` may hold (:data:`DETAIL_FIELDS`): ``ctx.headline`` refuses any other, and the pages
    #: read them as attributes (:func:`detail`)
    detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One result table: saved as ``tables/<producer>__<name>.csv``; ``columns`` maps every column it may
    have to its unit (columns absent in a run, e.g. the true effect on real data, are allowed)."""

    name: str
    producer: str
    caption: str
    columns: dict[str, str]
    chart_data: bool = False  # holds a chart's data only: in the workbook, not shown as a page table
    #: Columns computed from counts of persons in the same row (``clean_pct`` from ``flagged`` and ``rows``): withheld
    #: wherever one of those counts is suppressed, so that the hidden count cannot be computed back.
    derived: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: where the table's numbers come from (default: by notebook, :data:`DEFAULT_PROVENANCE`) and columns that
    #: differ from it (``(column, provenance)``)
    provenance: Provenance | None = None
    column_provenance: tuple[tuple[str, Provenance], ...] = ()

    @property
    def file(self) -> str:
        return f"{self.producer}__{self.name}.csv"

    @property
    def source(self) -> Provenance:
        """The table's provenance (every declared table has one: :data:`TABLE_LIST` fills the default in)."""
        if self.provenance is None:
            raise KeyError(f"table {self.name!r} has no provenance declared")
        return self.provenance

    def column_source(self, column: str) -> Provenance:
        """The provenance of one column: its own, else the table's."""
        return dict(self.column_provenance).get(column) or self.source


@dataclass(frozen=True)
class Figure:
    """One chart: its data is the declared table ``table`` of the same notebook."""

    name: str
    producer: str
    caption: str
    table: str


DQ, COV, BUD, SCO, SUM, OV = (
    "01-data-quality",
    "02-coverage-evaluation",
    "03-budget-allocation",
    "04-kabkota-scorecard",
    "00-summary",
    "05-oversight",
)
REGION = {"region_code": "code", "region_name": "name"}

# -- what the budget's numbers rest on (params keys) ------------------------------------------------------------
TARGET = ("target.coverage_pct", "target.year")
GROWTH = (
    "budget.formal_coverage_growth_pp",
    "budget.self_paid_growth_pp",
    "budget.vulnerable_growth_share",
    "budget.working_pop_growth_share",
    "budget.churn_share",
)
LIMITS = (
    "budget.max_new_recipients_per_year",
    "budget.cap_share_of_revenue",
    "budget.apbd_revenue_rupiah",
    "budget.revenue_growth_share",
    "budget.ramp",
)
COST = (
    "contributions.declared_income_rupiah",
    "contributions.jkk_rate_share",
    "contributions.jkm_rupiah",
    "contributions.admin_overhead_share",
    "policy.programmes",
)
ALLOCATION = (
    "budget.allocation.rule",
    "budget.allocation.floor_keep_current",
    "budget.allocation.cap_share_of_budget",
    "budget.allocation.equity_min_gap_share",
)
VALUE = (
    "budget.value.death_rate_per_1000",
    "budget.value.accident_rate_per_1000",
    "budget.value.jkm_benefit_rupiah",
    "budget.value.jkk_claim_rupiah",
)


def _params(*keys: str) -> tuple[str, ...]:
    return tuple(f"params:{k}" for k in keys)


PANEL = data("panel")
BUDGET_PATH = derived("data:panel", *_params(*TARGET, *GROWTH, *LIMITS, *COST))
UNIT_COST = assumption(*COST)
INVOICES = data("invoices", "determined", "deaths")
DEFAULT_PROVENANCE = {
    DQ: PANEL,
    COV: PANEL,
    BUD: BUDGET_PATH,
    SUM: PANEL,
    OV: INVOICES,
    SCO: derived("data:panel", "params:scorecard.indicators"),
}

HEADLINE_LIST = [
    Headline("coverage_before", COV, "sum_coverage_before", "pct", PANEL),
    Headline("coverage_after", COV, "sum_coverage", "pct", PANEL),
    Headline("coverage_change", COV, "sum_change", "pp", PANEL),
    Headline("effect_did", COV, "sum_effect", "pp", estimate("estimate:comparison", "data:panel")),
    Headline(
        "workers_protected", COV, "sum_workers_protected", "persons_est", derived("estimate:comparison", "data:panel")
    ),
    Headline("total_coverage_latest", BUD, "sum_total_coverage_latest", "pct", PANEL),
    Headline("vulnerable_coverage_latest", BUD, "sum_vulnerable_coverage_latest", "pct", PANEL),
    Headline("target_status", BUD, "sum_target_status", "bool", BUDGET_PATH.plus(*_params("budget.uncertainty"))),
    Headline("p_reach_target", BUD, "sum_p_reach", "share", BUDGET_PATH.plus(*_params("budget.uncertainty"))),
    Headline("budget_need_target_year", BUD, "sum_budget_need", "rupiah", BUDGET_PATH),
    Headline("target_missing", BUD, "sum_target_missing", "text", BUDGET_PATH),
    Headline("lagging_kabkota", BUD, "sum_lagging", "name", derived("data:panel", *_params(*TARGET, *COST))),
    Headline("recipients_prov", BUD, "sum_recipients", "persons", PANEL),
    Headline("cost_prov_year", BUD, "sum_cost_year", "rupiah", derived("data:panel", *_params(*COST))),
    Headline("unit_cost_month", BUD, "col_rupiah_month", "rupiah", UNIT_COST),
    Headline("top_allocation", BUD, "sum_top_allocation", "name", BUDGET_PATH.plus(*_params(*ALLOCATION))),
    Headline(
        "pagu_recipients",
        BUD,
        "sum_pagu_recipients",
        "persons_est",
        BUDGET_PATH.plus(*_params("budget.pagu", *ALLOCATION)),
    ),
    Headline("data_quality", DQ, "sum_data_quality", "share", data("recipients")),
    Headline("checks_passed", DQ, "sum_data_checks", "count", PANEL),
    Headline("compliance_pwbd_companies", DQ, "sum_compliance_pwbd", "count", data("companies")),
    Headline("compliance_pds_tk_companies", DQ, "sum_compliance_pds_tk", "count", data("companies")),
    Headline(
        "compliance_pds_upah_companies",
        DQ,
        "sum_compliance_pds_upah",
        "count",
        data("companies").plus("params:compliance.wage_tolerance_share"),
    ),
    Headline(
        "compliance_pds_program_companies",
        DQ,
        "sum_compliance_pds_program",
        "count",
        data("companies").plus("params:compliance.required_programmes"),
    ),
    Headline("top_kabkota", SCO, "sum_top_kabkota", "name", PANEL),
    *[
        Headline(
            f"invoice_{k}",
            OV,
            f"sum_invoice_{k}",
            "count",
            INVOICES.plus(*_params(*COST)) if k == "amount_mismatch" else INVOICES,
        )
        for k in (
            "billed_not_determined",
            "determined_not_billed",
            "double_billed",
            "billed_after_death",
            "amount_mismatch",
        )
    ],
    Headline("realisation_pct", OV, "sum_realisation", "pct", data("payments", "dpa")),
    Headline("determination_gap_months_measured", OV, "sum_gap_measured", "count", data("invoices", "determined")),
    Headline("claims_cases", OV, "sum_claims_cases", "count", data("claims")),
    Headline("claims_rupiah", OV, "sum_claims_rupiah", "rupiah", data("claims")),
    Headline("benefit_ratio_measured", OV, "sum_benefit_ratio", "float", data("claims", "invoices")),
    Headline("scorecard_top", SCO, "sum_scorecard_top", "name", derived("data:panel", "params:scorecard.indicators")),
]

_COMPLIANCE = {
    "companies": "count",
    "registration_rate": "share",
    "on_time_share": "share",
    "arrears_rupiah": "rupiah",
    "companies_in_arrears": "count",
}
#: the scorecard's indicators and their units: the participants' table and the table of those not assessed
_INDICATORS = {
    "coverage_level": "pct",
    "coverage_growth": "pp",
    "bpu_coverage": "pct",
    "protected_per_1000": "float",
    "own_budget_per_worker": "rupiah",
    "regulation": "exists",
    "csr_mobilised": "rupiah",
    "employer_compliance": "share",
    "data_quality": "share",
}
TABLE_LIST = [
    Table("panel_checks", DQ, "cap_dq_checks", {"check": "key:", "rows_affected": "count", "passed": "bool"}),
    Table(
        "coverage_by_month", DQ, "cap_dq_heatmap", REGION | {"period": "month", "coverage_pct": "pct"}, chart_data=True
    ),
    Table("verification_summary", DQ, "cap_verify_summary", {"check": "key:", "count": "persons"}),
    Table(
        "verification_by_region",
        DQ,
        "cap_verify_region",
        REGION | {"rows": "persons", "flagged": "persons", "clean_pct": "pct"},
        derived=(("clean_pct", ("rows", "flagged")),),
    ),
    Table(
        "churn",
        DQ,
        "cap_churn",
        {"from": "month", "to": "month", "continuing": "persons", "new": "persons", "dropped": "persons"},
    ),
    Table("compliance_by_region", DQ, "cap_compliance", REGION | _COMPLIANCE),
    Table("compliance_by_sector", DQ, "cap_compliance_sector", {"sektor": "key:sector_"} | _COMPLIANCE),
    Table(
        "compliance_categories",
        DQ,
        "cap_compliance_categories",
        REGION
        | {
            "pwbd": "count",
            "pds_tk": "count",
            "pds_upah": "count",
            "pds_program": "count",
            "workers_unprotected": "persons",
        },
    ),
    Table(
        "arrears_by_age",
        DQ,
        "cap_arrears",
        {"age_months": "text", "companies": "count", "arrears_rupiah": "rupiah"},
        chart_data=True,
    ),
    Table(
        "top_arrears",
        DQ,
        "cap_top_arrears",
        {"company_hash": "name", "arrears_months": "count", "arrears_rupiah": "rupiah"}
        | REGION
        | {"sektor": "key:sector_", "skala": "key:scale_"},
    ),
    Table("before_after", COV, "cap_before_after", REGION | {"before": "pct", "after": "pct", "change": "pp"}),
    Table(
        "coverage_trend",
        COV,
        "cap_coverage_trends",
        {
            "period": "month",
            "kaltim_pct": "pct",
            "other_p10_pct": "pct",
            "other_median_pct": "pct",
            "other_p90_pct": "pct",
        },
        chart_data=True,
    ),
    Table(
        "kabkota_trends",
        COV,
        "cap_coverage_kabkota",
        REGION | {"period": "month", "coverage_pct": "pct"},
        chart_data=True,
    ),
    Table(
        "comparison",
        COV,
        "cap_comparison",
        {
            "design": "key:design_",
            "estimate": "pp2",
            "se": "float",
            "ci_low": "pp2",
            "ci_high": "pp2",
            "ci_level": "pct",
            "pvalue": "pvalue",
            "mde": "pp2",
            "n_obs": "count",
            "truth": "pp2",
            "covers": "bool",
            "not_run": "key:not_run_",
        },
    ),
    # each design's chart data, declared by the design itself (evalkit.evaluation.designs)
    *[
        Table(f"design_{name}", COV, f"cap_{name}", dict(DESIGN_REGISTRY[name].chart_columns), chart_data=True)
        for name in CHARTED_DESIGNS
    ],
    # and the further tables a design shows (the event study's robust sets by M̄)
    *[
        Table(f"design_{name}_{suffix}", COV, f"cap_{name}_{suffix}", dict(columns))
        for name, d in DESIGN_REGISTRY.items()
        for suffix, columns in d.tables.items()
    ],
    Table("unit_cost", BUD, "cap_unit_cost", {"programme": "text", "rupiah_month": "rupiah"}),
    Table(
        "cost_by_year",
        BUD,
        "cap_cost_by_year",
        {
            "year": "year",
            "listed_prov": "persons",
            "subsidised_prov": "persons",
            "cost_prov": "rupiah",
            "subsidised_kabkota": "persons",
            "cost_kabkota": "rupiah",
            "subsidised_csr": "persons",
            "cost_csr": "rupiah",
        },
    ),
    Table(
        "budget_path",
        BUD,
        "cap_budget_table",
        {
            "year": "year",
            "recipients": "persons_est",
            "needed_recipients": "persons_est",
            "cost_rupiah": "rupiah",
            "cost_province": "rupiah",
            "cap_rupiah": "rupiah",
            "coverage_pct": "pct",
            "coverage_year_avg_pct": "pct",
            "coverage_without_subsidy_pct": "pct",
        },
    ),
    Table(
        "funding_split",
        BUD,
        "cap_funding",
        {
            "year": "year",
            "recipients": "persons_est",
            "cost_province": "rupiah",
            "cost_kabkota": "rupiah",
            "cost_csr": "rupiah",
            "cost_province_alone": "rupiah",
            "cap_rupiah": "rupiah",
            "extra_groups_rupiah": "rupiah",
        },
    ),
    Table(
        "funding_shares",
        BUD,
        "cap_funding_shares",
        REGION | {"share_province_pct": "pct", "share_kabkota_pct": "pct", "share_csr_pct": "pct"},
    ),
    Table(
        "route",
        BUD,
        "cap_route",
        {
            "lever": "key:lever_",
            "base_persons": "persons_est",
            "target_persons": "persons_est",
            "change_persons": "persons_est",
            "change_pp": "pp",
            "measured_gap_persons": "persons_est",
        },
    ),
    Table(
        "smallest_changes",
        BUD,
        "cap_changes",
        {
            "key": "key:param_",
            "current": BY_KEY,
            "needed": BY_KEY,
            "reachable": "bool",
            "extra_recipients": "persons_est",
            "extra_province_rupiah": "rupiah",
        },
    ),
    Table(
        "kabkota_gap",
        BUD,
        "cap_kabkota_gap",
        REGION
        | {
            "total_coverage_pct": "pct",
            "vulnerable_coverage_pct": "pct",
            "gap_persons": "persons_est",
            "fundable_persons": "persons_est",
            "employer_persons": "persons_est",
            "fundable_rupiah_year": "rupiah",
        },
    ),
    Table(
        "allocation",
        BUD,
        "cap_allocation",
        REGION
        | {
            "recipients": "persons_est",
            "budget_rupiah": "rupiah",
            "newly_covered": "persons_est",
            "eligible_uncovered": "persons_est",
            "vulnerable_coverage_pct": "pct",
        },
    ),
    Table(
        "pagu_allocation",
        BUD,
        "cap_pagu_allocation",
        {"year": "year"}
        | REGION
        | {
            "recipients": "persons_est",
            "budget_rupiah": "rupiah",
            "newly_covered": "persons_est",
            "vulnerable_coverage_pct": "pct",
        },
    ),
    Table(
        "allocation_rules",
        BUD,
        "cap_rules",
        {
            "rule": "key:rule_",
            "newly_covered": "persons_est",
            "budget_used": "rupiah",
            "worst_kabkota": "name",
            "worst_coverage_pct": "pct",
            "gini_coverage": "float3",
        },
    ),
    Table(
        "extra_groups",
        BUD,
        "cap_extra_groups",
        {
            "group": "text",
            "programme": "text",
            "status": "key:extra_status_",
            "headcount": "persons_est",
            "employer_rupiah_month": "rupiah",
            "worker_rupiah_month": "rupiah",
            "worker_paid_by": "key:paid_by_",
            "province_rupiah_year": "rupiah",
            "basis": "text",
            "basis_missing": "bool",
        },
    ),
    Table(
        "uncertainty_bands",
        BUD,
        "cap_fan",
        {
            "year": "year",
            "coverage_p10": "pct",
            "coverage_p50": "pct",
            "coverage_p90": "pct",
            "cost_p10": "rupiah",
            "cost_p50": "rupiah",
            "cost_p90": "rupiah",
            "p_reach": "share",
        },
    ),
    Table(
        "tornado",
        BUD,
        "cap_tornado",
        {
            "parameter": "key:param_",
            "low_value": "float3",
            "high_value": "float3",
            "cost_low": "rupiah",
            "cost_high": "rupiah",
            "base_cost": "rupiah",
            "swing": "rupiah",
        },
        chart_data=True,
    ),
    Table(
        "declines",
        SCO,
        "cap_declines",
        REGION
        | {
            "total_change_pp": "pp2",
            "vulnerable_change_pp": "pp2",
            "total_coverage_pct": "pct",
            "vulnerable_coverage_pct": "pct",
        },
    ),
    Table(
        "not_assessed",
        SCO,
        "cap_not_assessed",
        REGION | _INDICATORS,
    ),
    Table(
        "criteria",
        SCO,
        "cap_criteria",
        {"criterion": "key:crit_", "weight": "share", "indicators": "text", "source": "text", "verify": "bool"},
    ),
    Table("criteria_scores", SCO, "cap_criteria_scores", REGION | {"criterion": "key:crit_", "score": "score"}),
    Table(
        "form_answers",
        SCO,
        "cap_form_answers",
        {
            "region_code": "code",
            "kriteria": "key:form_",
            "jenis_dokumen": "text",
            "nomor_dokumen": "text",
            "tanggal_dokumen": "text",
            "nilai_rupiah": "rupiah",
            "uraian": "text",
            "referensi_dokumen": "text",
        },
    ),
    Table("ranking", SCO, "cap_scorecard", {"rank": "rank"} | REGION | {"coverage": "pct", "growth": "pp"}),
    Table(
        "indicators",
        SCO,
        "cap_indicators",
        REGION | _INDICATORS,
    ),
    Table(
        "scorecard",
        SCO,
        "cap_scorecard_index",
        {"rank": "rank"}
        | REGION
        | {"score": "score", "rank_median": "score", "rank_p10": "rank", "rank_p90": "rank", "p_top3": "share"},
    ),
    Table(
        "invoice_checks", OV, "cap_invoice_checks", {"check": "key:check_inv_", "cases": "count", "rupiah": "rupiah"}
    ),
    Table("invoice_by_region", OV, "cap_invoice_by_region", REGION | {k: "count" for k in INVOICE_CHECKS}),
    Table(
        "invoice_cases",
        OV,
        "cap_invoice_cases",
        {"kind": "key:check_inv_", "case_id": "name", "region_code": "code", "periode": "text", "rupiah": "rupiah"},
    ),
    Table(
        "realisation",
        OV,
        "cap_realisation",
        {
            "year": "year",
            "quarter": "count",
            "month": "count",
            "paid": "rupiah",
            "cumulative": "rupiah",
            "plan_cumulative": "rupiah",
            "realisation_pct": "pct",
        },
        chart_data=True,
    ),
    Table(
        "continuity",
        OV,
        "cap_continuity",
        {
            "year": "year",
            "determined": "persons",
            "billed_persons": "persons",
            "months_covered": "float",
            "lapsed": "persons",
            "died": "persons",
            "gap_months": "count",
        },
    ),
    Table(
        "funding_observed",
        OV,
        "cap_funding_observed",
        REGION | {"share_province_pct": "pct", "share_kabkota_pct": "pct", "share_csr_pct": "pct"},
    ),
    Table(
        "claims_by_benefit",
        OV,
        "cap_claims_by_benefit",
        {"program": "text", "jenis_manfaat": "text", "cases": "count", "persons": "persons", "rupiah": "rupiah"},
    ),
    Table(
        "claims_detail",
        OV,
        "cap_claims_detail",
        {"month": "month", "program": "text", "jenis_manfaat": "text"}
        | REGION
        | {"cases": "count", "persons": "persons", "rupiah": "rupiah"},
    ),
    Table(
        "claims_rates",
        OV,
        "cap_claims_rates",
        {
            "measure": "key:ov_measure_",
            "cases_observed": "count",
            "rate_per_1000": "float",
            "ci_low": "float",
            "ci_high": "float",
            "assumed_per_1000": "float",
            "expected": "float",
        },
    ),
    Table(
        "quarterly",
        OV,
        "cap_quarterly",
        {"indicator": "key:qi_", "previous": "float", "latest": "float", "threshold": "float", "flag": "bool"},
    ),
    Table("headlines", SUM, "cap_summary_headlines", {"indicator": "text", "value": "text", "provenance": "key:prov_"}),
    Table(
        "coverage_trend",
        SUM,
        "cap_summary_coverage",
        {
            "period": "month",
            "kaltim_pct": "pct",
            "other_p10_pct": "pct",
            "other_median_pct": "pct",
            "other_p90_pct": "pct",
        },
        chart_data=True,
    ),
    Table(
        "scorecard",
        SUM,
        "cap_scorecard_index",
        {"rank": "rank"} | REGION | {"score": "score", "rank_p10": "rank", "rank_p90": "rank"},
    ),
]

_COMPANIES = data("companies")
_DESIGN = estimate("estimate:comparison", "data:panel")
_ALLOCATED = BUDGET_PATH.plus(*_params(*ALLOCATION))
_SCORECARD = derived("data:panel", "data:companies", "params:policy.cofunding", "params:scorecard.indicators")
#: tables whose numbers do not come from their notebook's default (:data:`DEFAULT_PROVENANCE`): (provenance,
#: columns that differ from it)
TABLE_PROVENANCE: dict[tuple[str, str], tuple[Provenance, dict[str, Provenance]]] = {
    (DQ, "verification_summary"): (data("recipients"), {}),
    (DQ, "verification_by_region"): (data("recipients"), {}),
    (DQ, "churn"): (data("recipients"), {}),
    **{
        (DQ, name): (_COMPANIES, {})
        for name in ("compliance_by_region", "compliance_by_sector", "arrears_by_age", "top_arrears")
    },
    (DQ, "compliance_categories"): (_COMPANIES.plus("params:compliance"), {"workers_unprotected": _COMPANIES}),
    **{(COV, name): (_DESIGN, {}) for name in ("comparison", *(f"design_{d}" for d in CHARTED_DESIGNS))},
    **{(COV, f"design_{n}_{suffix}"): (_DESIGN, {}) for n, d in DESIGN_REGISTRY.items() for suffix in d.tables},
    (BUD, "unit_cost"): (UNIT_COST, {}),
    (BUD, "cost_by_year"): (
        derived("data:panel", *_params(*COST)),
        {c: PANEL for c in ("year", "listed_prov", "subsidised_prov", "subsidised_kabkota", "subsidised_csr")},
    ),
    (BUD, "funding_shares"): (
        derived("data:panel", *_params("budget.funding_shares", "budget.kabkota_cofunding_share")),
        {},
    ),
    (BUD, "kabkota_gap"): (
        derived("data:panel", *_params(*TARGET, *COST)),
        {"total_coverage_pct": PANEL, "vulnerable_coverage_pct": PANEL},
    ),
    (BUD, "allocation"): (_ALLOCATED, {}),
    (BUD, "pagu_allocation"): (_ALLOCATED.plus("params:budget.pagu"), {}),
    (BUD, "allocation_rules"): (_ALLOCATED, {}),
    (BUD, "route"): (BUDGET_PATH, {"measured_gap_persons": _COMPANIES}),
    (BUD, "extra_groups"): (assumption("budget.extra_groups"), {}),
    (BUD, "uncertainty_bands"): (BUDGET_PATH.plus("params:budget.uncertainty"), {}),
    (BUD, "tornado"): (BUDGET_PATH.plus("params:budget.uncertainty"), {}),
    (SCO, "ranking"): (PANEL, {}),
    (SCO, "declines"): (PANEL, {}),
    (SCO, "criteria"): (assumption("scorecard.criteria", "scorecard.indicators"), {}),
    (SCO, "form_answers"): (data("self_assessment"), {}),
    (SCO, "not_assessed"): (_SCORECARD, {}),
    (SCO, "indicators"): (_SCORECARD, {}),
    (SCO, "scorecard"): (_SCORECARD, {}),
    (OV, "realisation"): (data("payments", "dpa"), {}),
    (OV, "claims_by_benefit"): (data("claims"), {}),
    (OV, "claims_detail"): (data("claims"), {}),
    (OV, "claims_rates"): (
        data("claims", "invoices"),
        {c: assumption(*VALUE) for c in ("assumed_per_1000", "expected")},
    ),
    (OV, "quarterly"): (data("invoices", "determined", "payments", "dpa", "claims"), {}),
    (SUM, "headlines"): (derived("data:panel", "estimate:comparison", *_params(*TARGET, *GROWTH)), {}),
    (SUM, "scorecard"): (_SCORECARD, {}),
}
TABLE_LIST = [
    replace(
        tb,
        provenance=TABLE_PROVENANCE.get((tb.producer, tb.name), (DEFAULT_PROVENANCE[tb.producer],))[0],
        column_provenance=tuple(TABLE_PROVENANCE.get((tb.producer, tb.name), (None, {}))[1].items()),
    )
    for tb in TABLE_LIST
]

FIGURE_LIST = [
    Figure("coverage_heatmap", DQ, "cap_dq_heatmap", "coverage_by_month"),
    Figure("verification", DQ, "cap_verify_summary", "verification_summary"),
    Figure("arrears", DQ, "cap_arrears", "arrears_by_age"),
    Figure("kaltim_vs_provinces", COV, "cap_coverage_trends", "coverage_trend"),
    Figure("kabkota_trends", COV, "cap_coverage_kabkota", "kabkota_trends"),
    Figure("forest", COV, "cap_forest", "comparison"),
    *[Figure(d, COV, f"cap_{d}", f"design_{d}") for d in CHARTED_DESIGNS],
    Figure("budget_path", BUD, "cap_budget_path", "budget_path"),
    Figure("allocation", BUD, "cap_allocation", "allocation"),
    Figure("fan", BUD, "cap_fan", "uncertainty_bands"),
    Figure("tornado", BUD, "cap_tornado", "tornado"),
    Figure("scorecard", SCO, "cap_scorecard_index", "scorecard"),
    Figure("invoice_checks", OV, "cap_invoice_checks", "invoice_checks"),
    Figure("realisation", OV, "cap_realisation", "realisation"),
    Figure("coverage", SUM, "cap_summary_coverage", "coverage_trend"),
    Figure("scorecard", SUM, "cap_scorecard_index", "scorecard"),
]


def _index(items, key) -> dict:
    out: dict = {}
    for item in items:
        k = key(item)
        if k in out:
            raise ValueError(f"declared twice: {k}")
        out[k] = item
    return out


#: What each headline's ``detail`` holds besides its value (key or key pattern → fields): the typed contract between
#: the notebooks that write them and the pages (answer, brief) that read them.
DETAIL_FIELDS: dict[str, tuple[str, ...]] = {
    "checks_passed": ("total",),
    "data_quality": ("rows", "clean"),
    r"compliance_\w+_companies": ("checked",),
    "effect_did": ("design", "ci_low", "ci_high", "ci_level", "pvalue"),
    "workers_protected": ("ci_low", "ci_high", "workers", "design", "effect_pp", "ci_level"),
    "budget_need_target_year": ("year", "recipients", "gap_months", "gap_from", "shares_from"),
    r"\w+_coverage_latest": ("month",),
    "top_allocation": ("budget_rupiah",),
    "p_reach_target": ("draws",),
    "lagging_kabkota": (
        "coverage_pct",
        "gap_persons",
        "fundable_persons",
        "employer_persons",
        "fundable_rupiah_year",
        "region_code",
    ),
    "pagu_recipients": (
        "year",
        "pagu_rupiah",
        "newly_covered",
        "rupiah_per_added",
        "coverage_pct",
        "path_recipients",
        "top_kabkota",
        "measure",
    ),
    "target_status": ("target_pct", "year", "reached_pct", "measure", "binding", "decisive", "p_reach"),
    r"invoice_\w+": ("rupiah",),
    "realisation_pct": ("year", "pagu_rupiah", "paid_rupiah"),
    "determination_gap_months_measured": ("year",),
    "benefit_ratio_measured": ("expected_ratio",),
}
HEADLINE_LIST = [
    replace(h, detail=next((f for p, f in DETAIL_FIELDS.items() if re.fullmatch(p, h.key)), ())) for h in HEADLINE_LIST
]
HEADLINES: dict[str, Headline] = _index(HEADLINE_LIST, lambda h: h.key)


class Detail:
    """A headline's declared detail read back from a run's results: its fields as attributes (``None`` when the
    run did not record one); a field the headline does not declare is an error, never a silent ``None``."""

    __slots__ = ("_key", "_fields", "_values")

    def __init__(self, key: str, values: dict | None = None):
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_fields", headline(key).detail)
        object.__setattr__(self, "_values", dict(values or {}))

    def __getattr__(self, name: str) -> Any:
        if name not in self._fields:
            raise AttributeError(
                f"headline {self._key!r} declares no detail field {name!r}; declared: "
                + (", ".join(self._fields) or "none")
            )
        return self._values.get(name)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a headline's detail is read-only")


def detail(headlines: dict[str, dict], key: str) -> Detail:
    """The declared detail of headline ``key`` in ``headlines`` (a run's :func:`read_headlines`); every field
    ``None`` when the run has no such headline."""
    return Detail(key, (headlines.get(key) or {}).get("detail"))


def check_detail(key: str, values: dict) -> None:
    """Refuse detail fields headline ``key`` does not declare (:data:`DETAIL_FIELDS`)."""
    extra = sorted(set(values) - set(headline(key).detail))
    if extra:
        raise KeyError(
            f"headline {key!r} declares no detail field(s) {', '.join(extra)}; declared: "
            + (", ".join(headline(key).detail) or "none")
            + " (report/outputs.py DETAIL_FIELDS)"
        )


TABLES: dict[tuple[str, str], Table] = _index(TABLE_LIST, lambda tb: (tb.producer, tb.name))
FIGURES: dict[tuple[str, str], Figure] = _index(FIGURE_LIST, lambda f: (f.producer, f.name))
for _u in [h.unit for h in HEADLINE_LIST] + [u for tb in TABLE_LIST for u in tb.columns.values()]:
    if _u not in UNITS and not is_key_unit(_u) and _u != BY_KEY:
        raise ValueError(f"unknown unit {_u!r}")
for _f in FIGURE_LIST:
    if (_f.producer, _f.table) not in TABLES:
        raise ValueError(f"figure {_f.name}: its data table {_f.table} is not declared")


def headline(key: str) -> Headline:
    """The declaration of headline ``key`` (``KeyError`` names the undeclared key)."""
    if key not in HEADLINES:
        raise KeyError(f"headline {key!r} is not declared in evalkit.report.outputs")
    return HEADLINES[key]


def table(producer: str, name: str) -> Table:
    if (producer, name) not in TABLES:
        raise KeyError(f"table {producer}/{name} is not declared in evalkit.report.outputs")
    return TABLES[(producer, name)]


def table_by_file(stem: str) -> Table | None:
    """The declaration of ``tables/<stem>.csv`` (``None`` for a file evalkit did not declare)."""
    producer, _, name = stem.partition("__")
    return TABLES.get((producer, name))


def figure(producer: str, name: str) -> Figure:
    if (producer, name) not in FIGURES:
        raise KeyError(f"figure {producer}/{name} is not declared in evalkit.report.outputs")
    return FIGURES[(producer, name)]


def scenario_runs(scenario_dir: Path):
    """The run folders of a scenario evalkit wrote, newest first, with their manifests: ``(folder, manifest)``.
    The ``latest`` link, unfinished (``.partial-*``, ``.interrupted-*``) folders and folders without a readable
    ``manifest.json`` are left out."""
    for folder in sorted(
        (p for p in scenario_dir.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")),
        reverse=True,
    ):
        try:
            yield folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not a run evalkit wrote


def read_headlines(results_dir) -> dict[str, dict]:
    """Every declared headline found in a run's ``results/*.json``: key → {value, text, label, detail}."""
    found: dict[str, dict] = {}
    for h in HEADLINE_LIST:
        path = Path(results_dir) / f"{h.producer}.json"
        if path.is_file():
            item = json.loads(path.read_text(encoding="utf-8")).get("headlines", {}).get(h.key)
            if item is not None:
                found[h.key] = item
    return found


@dataclass(frozen=True)
class Link:
    """A page and an anchor on it, e.g. the table a sentence comes from."""

    page: str
    anchor: str = ""

    @property
    def href(self) -> str:
        return self.page + (f"#{self.anchor}" if self.anchor else "")


def table_link(producer: str, name: str) -> Link:
    table(producer, name)
    return Link(f"{producer}.html", f"tbl-{name}")


# -- showing and exporting a value by its unit -----------------------------------------------------------------
_DISPLAY = {
    "persons": lambda x, lang: i18n.fmt_number(x, lang, 0),
    "persons_est": lambda x, lang: i18n.fmt_number(x, lang, 0),
    "count": lambda x, lang: i18n.fmt_number(x, lang, 0),
    "rank": lambda x, lang: str(int(round(x))),
    "year": lambda x, lang: str(int(round(x))),
    "pct": lambda x, lang: i18n.fmt_pct(x, lang, 1),
    "share": lambda x, lang: i18n.fmt_share(x, lang, 1),
    "share2": lambda x, lang: i18n.fmt_share(x, lang, 2),
    "pp": lambda x, lang: i18n.fmt_pp(x, lang, 1),
    "pp2": lambda x, lang: i18n.fmt_pp(x, lang, 2),
    "rupiah": lambda x, lang: i18n.fmt_rupiah_short(x, lang),
    "float": lambda x, lang: i18n.fmt_number(x, lang, 2),
    "float3": lambda x, lang: i18n.fmt_number(x, lang, 3),
    "score": lambda x, lang: i18n.fmt_number(x, lang, 1),
    "pvalue": lambda x, lang: i18n.fmt_pvalue(x, lang),
}
NUMERIC = set(_DISPLAY) | {BY_KEY}

EXCEL_FORMATS = {
    "persons": "#,##0",
    "persons_est": "#,##0",
    "count": "#,##0",
    "rank": "0",
    "year": "0",
    "pct": "0.0",
    "share": "0.0%",
    "share2": "0.00%",
    "pp": "+0.00;-0.00;0.00",
    "pp2": "+0.00;-0.00;0.00",
    "rupiah": '"Rp" #,##0',
    "float": "0.000",
    "float3": "0.000",
    "score": "0.0",
    "pvalue": "0.000",
}


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (not isinstance(v, str) and bool(pd.isna(v)))


def label_value(unit: str, v, lang: str) -> str:
    """A non-numeric cell in words: translated closed-set values, Ya/Tidak, Ada/Tidak, month names."""
    if _missing(v):
        return "–"
    if is_key_unit(unit):
        key = unit[4:] + str(v)
        return i18n.t(key, lang) if key in i18n.TEXT else str(v)
    if unit == "bool":
        truthy = v if isinstance(v, bool) else str(v).strip().lower() in ("true", "1", "yes")
        return i18n.t("yes" if truthy else "no", lang)
    if unit == "exists":
        return i18n.t("exists_yes" if float(v) > 0 else "exists_no", lang)
    if unit == "month":
        return i18n.fmt_month(v, lang)
    return str(v)


def display_value(unit: str, v, lang: str) -> str:
    """One cell as a planner reads it (HTML-unescaped text)."""
    if unit in _DISPLAY:
        return "–" if _missing(v) else _DISPLAY[unit](float(v), lang)
    return label_value(unit, v, lang)


def lever_value(key: str, value, lang: str) -> str:
    """A budget lever's value in its unit: ``0,50%`` for the ceiling, ``150.000`` recipients, ``0,50``."""
    return display_value(LEVER_UNITS.get(key, "float"), value, lang)


def column_label(column: str, lang: str) -> str:
    """A column's header in ``lang`` (``col_<column>`` in the catalogue)."""
    key = f"col_{column}"
    return i18n.t(key, lang) if key in i18n.TEXT else column
