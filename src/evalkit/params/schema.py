"""Typed schema of a scenario params file (pydantic v2).

Units are part of every key name: ``*_share`` is a share between 0 and 1, ``*_pct`` a percentage
between 0 and 100, ``*_rupiah`` Rupiah, ``*_month`` a calendar month ``"YYYY-MM"``. The
``description`` of each field is quoted in error messages as "what is allowed".
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, cast

import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
    model_validator,
)

from ..core.months import month_ord, month_period
from ..reference import kaltim_codes, regions

_MONTH_RE = re.compile(r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$")


def _check_month(value: str) -> str:
    if not _MONTH_RE.match(value):
        raise ValueError('must be a calendar month written as "YYYY-MM" (for example "2023-07")')
    return value


def _check_kaltim_code(value: str) -> str:
    if value not in kaltim_codes():
        raise ValueError(
            "must be the 4-digit code of a Kalimantan Timur kab/kota: " + ", ".join(sorted(kaltim_codes()))
        )
    return value


Month = Annotated[str, Field(description='a calendar month "YYYY-MM"'), AfterValidator(_check_month)]
Share = Annotated[StrictFloat, Field(ge=0.0, le=1.0, description="a share between 0 and 1")]
Pct = Annotated[StrictFloat, Field(ge=0.0, le=100.0, description="a percentage between 0 and 100")]
Rupiah = Annotated[
    StrictFloat,
    Field(
        ge=0.0,
        le=1e9,
        description="an amount in Rupiah from 0 to 1,000,000,000 "
        "(a monthly income, contribution or benefit per person)",
    ),
]
"""Per person: bounded so that every product the budget forms (× persons × months × years) stays finite."""
Year = Annotated[StrictInt, Field(ge=2000, le=2100, description="a calendar year between 2000 and 2100")]
KabKotaCode = Annotated[str, Field(description="a Kaltim kab/kota code"), AfterValidator(_check_kaltim_code)]


def _not_before(later: int, earlier: int, later_key: str, earlier_key: str) -> None:
    """Raise the schema's message when the year ``later`` comes before ``earlier``."""
    if later < earlier:
        raise ValueError(f"{later_key} {later} must not be before {earlier_key} {earlier}")


class Strict(BaseModel):
    """Base model: unknown keys are errors; numbers must be written as numbers (not ``true``/``false`` or
    quoted text) and be finite (``.nan`` and ``.inf`` are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True, allow_inf_nan=False)


#: Folder names under outputs/ that evalkit itself uses: a scenario may not take them.
RESERVED_SCENARIO_NAMES = ("compare", "verify", "penetapan", "latest")


class Scenario(Strict):
    name: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
            description="a folder name: letters, digits, '-' and '_' (at most 64)",
        ),
    ]
    title: Annotated[str, Field(min_length=1, max_length=200, description="a title of 1 to 200 characters")]
    title_en: (
        Annotated[str, Field(min_length=1, max_length=200, description="a title of 1 to 200 characters")] | None
    ) = None
    description: Annotated[str, Field(max_length=2000, description="a text of at most 2,000 characters")] = ""

    @model_validator(mode="after")
    def _not_reserved(self) -> Scenario:
        if self.name.lower() in RESERVED_SCENARIO_NAMES:
            raise ValueError(
                f"scenario.name {self.name!r} is reserved for evalkit's own folders under outputs/ "
                f"({', '.join(RESERVED_SCENARIO_NAMES)}); choose another name"
            )
        return self


class Report(Strict):
    language: Literal["id", "en"] = "id"
    suppress_below: Annotated[
        StrictInt, Field(ge=1, le=1000, description="a whole number of people from 1 to 1000")
    ] = 10


class CoverageAnchor(Strict):
    month: Month
    pct: Pct


class Synthetic(Strict):
    start_month: Month = "2019-01"
    end_month: Month = "2025-12"
    total_coverage: Annotated[list[CoverageAnchor], Field(min_length=1, max_length=24)] = [
        CoverageAnchor(month="2023-03", pct=70.86),
        CoverageAnchor(month="2025-08", pct=70.11),
    ]
    kaltim_target_workers: Annotated[
        StrictInt, Field(ge=1000, le=100_000_000, description="a head count between 1,000 and 100,000,000")
    ] = 1_358_649
    kaltim_target_month: Month = "2023-03"
    kaltim_vulnerable_workers: Annotated[
        StrictInt, Field(ge=1000, le=10_000_000, description="a head count between 1,000 and 10,000,000")
    ] = 500_000
    pergub_recipients: Annotated[
        StrictInt, Field(ge=0, le=10_000_000, description="a head count between 0 and 10,000,000")
    ] = 100_000
    additionality_share: Share = 0.7
    cofunding_recipients_share: Share = 0.06
    cofunding_ramp_months: Annotated[StrictInt, Field(ge=1, le=120, description="a number of months from 1 to 120")] = (
        12
    )
    monthly_churn_share: Annotated[StrictFloat, Field(ge=0.0, le=0.5, description="a share between 0 and 0.5")] = 0.02
    noise_pp: Annotated[StrictFloat, Field(ge=0.0, le=10.0, description="percentage points between 0 and 10")] = 0.4
    determination_gap_months: Annotated[
        StrictInt, Field(ge=0, le=11, description="a number of months from 0 to 11")
    ] = 3

    @model_validator(mode="after")
    def _order(self) -> Synthetic:
        if month_ord(self.end_month) - month_ord(self.start_month) < 24:
            raise ValueError(
                f"end_month {self.end_month!r} must be at least 24 months after start_month {self.start_month!r}"
            )
        months = [a.month for a in self.total_coverage] + [self.kaltim_target_month]
        outside = [m for m in months if not month_ord(self.start_month) <= month_ord(m) <= month_ord(self.end_month)]
        if outside:
            raise ValueError(
                f"the calibration month(s) {', '.join(outside)} (total_coverage, kaltim_target_month) "
                f"must lie inside the synthetic panel {self.start_month} … {self.end_month}"
            )
        anchors = [a.month for a in self.total_coverage]
        if len(set(anchors)) != len(anchors):
            raise ValueError("total_coverage: each month may appear once")
        return self


def _int_key(value):
    """A whole-number mapping key as written in YAML (``2027:``) or read back from a run's JSON manifest (``"2027"``)."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) <= 6 else value


class Compliance(Strict):
    """How employer compliance is categorised for inspectors (PWBD, PDS tenaga kerja, PDS upah, PDS program)."""

    #: PDS upah when the wage reported to BPJS is below the WLKP wage by more than this share (evalkit assumption)
    wage_tolerance_share: Annotated[StrictFloat, Field(ge=0, le=0.5, description="a share between 0 and 0.5")] = 0.05
    #: programmes a company of each size must register (Perpres 109/2013 Pasal 6, staged membership) (verify)
    required_programmes: dict[
        Literal["mikro", "kecil", "menengah", "besar"], list[Literal["jkk", "jkm", "jht", "jp"]]
    ] = {
        "mikro": ["jkk", "jkm"],
        "kecil": ["jkk", "jkm", "jht"],
        "menengah": ["jkk", "jkm", "jht", "jp"],
        "besar": ["jkk", "jkm", "jht", "jp"],
    }
    #: JKK contribution rate of wages by risk group (PP 44/2015 Lampiran I) (verify)
    jkk_rate_by_risk_group: dict[Annotated[Literal[1, 2, 3, 4, 5], BeforeValidator(_int_key)], Share] = {
        1: 0.0024,
        2: 0.0054,
        3: 0.0089,
        4: 0.0127,
        5: 0.0174,
    }


class FileMapping(Strict):
    """How an oversight file's own layout maps onto its template's columns (no code needed): ``columns`` source
    column → template column; ``values`` per template column, source value → template value (e.g.
    ``status_kepesertaan: {"NON AKTIF": nonaktif}``); ``label`` names the profile."""

    columns: Annotated[
        dict[
            Annotated[str, Field(min_length=1, max_length=100)],
            Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")],
        ],
        Field(max_length=100),
    ] = {}
    values: Annotated[
        dict[
            Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")],
            Annotated[
                dict[Annotated[str, Field(max_length=100)], Annotated[str, Field(max_length=100)]],
                Field(max_length=500),
            ],
        ],
        Field(max_length=50),
    ] = {}
    label: Annotated[str, Field(max_length=200)] = ""

    @model_validator(mode="after")
    def _one_source_per_column(self) -> FileMapping:
        targets = list(self.columns.values())
        dup = sorted({c for c in targets if targets.count(c) > 1})
        if dup:
            raise ValueError(f"columns maps two source columns onto {', '.join(dup)}")
        return self


OVERSIGHT_FILES = ("determined", "invoices", "payments", "dpa", "claims", "deaths", "members")
"""The ``data.*`` keys of the oversight files (notebook 05); ``data.mappings`` may give each its own layout."""

INPUT_FILES = (
    "panel",
    "participants",
    "denominators",
    "offices",
    "recipients",
    "companies",
    "determined",
    "invoices",
    "payments",
    "dpa",
    "claims",
    "deaths",
    "members",
    "self_assessment",
)
"""The ``data.*`` keys that name input files (paths inside the project)."""


class Data(Strict):
    source: Literal["synthetic", "files"] = "synthetic"
    panel: str | None = Field(default=None, description="a path to a CSV or XLSX file inside the project")
    participants: str | None = Field(
        default=None,
        description="a path to monthly participants per BPJS TK office and segment (CSV/XLSX) inside the project",
    )
    denominators: str | None = Field(
        default=None, description="a path to yearly or half-yearly denominators (CSV/XLSX) inside the project"
    )
    offices: str | None = Field(
        default=None,
        description="a path to an office → kab/kota crosswalk (CSV/XLSX) inside "
        "the project; null = data/reference/bpjstk_offices.csv",
    )
    recipients: str | None = Field(default=None, description="a path to a recipient list (CSV/XLSX) inside the project")
    companies: str | None = Field(
        default=None, description="a path to company compliance records (CSV/XLSX) inside the project"
    )
    # oversight (notebook 05): what happens after the decree
    determined: str | None = Field(
        default=None,
        description="a path to the determined lists (penetapan) of the budget years (CSV/XLSX) inside the project",
    )
    invoices: str | None = Field(
        default=None, description="a path to BPJS Ketenagakerjaan invoice lines (CSV/XLSX) inside the project"
    )
    payments: str | None = Field(
        default=None, description="a path to the province's payments (SP2D, CSV/XLSX) inside the project"
    )
    dpa: str | None = Field(
        default=None, description="a path to the programme's budget lines (DPA, CSV/XLSX) inside the project"
    )
    claims: str | None = Field(
        default=None, description="a path to JKK/JKM benefits paid (CSV/XLSX) inside the project"
    )
    deaths: str | None = Field(default=None, description="a path to death records (CSV/XLSX) inside the project")
    members: str | None = Field(
        default=None, description="a path to active BPJS Ketenagakerjaan participants (CSV/XLSX) inside the project"
    )
    self_assessment: str | None = Field(
        default=None,
        description="a path to the kab/kota self-assessment forms for the "
        "Paritrana assessment (CSV/XLSX) inside the project",
    )
    #: another layout of an oversight file (a BPJS TK export, a BPKAD report): a mapping, or a mapping YAML inside the
    #: project (e.g. data/reference/mappings/bpjs-tagihan-invoices.yaml), read into the params when they load
    mappings: dict[Literal[OVERSIGHT_FILES], FileMapping] = {}  # type: ignore[valid-type]  # Literal of a list read at import
    max_file_mb: Annotated[StrictFloat, Field(gt=0, le=100_000, description="megabytes, more than 0")] = 200
    max_count: Annotated[
        StrictInt, Field(ge=1, le=10_000_000_000, description="a head count from 1 to 10,000,000,000")
    ] = 500_000_000
    synthetic: Synthetic = Synthetic()

    @model_validator(mode="after")
    def _panel_needed(self) -> Data:
        published = bool(self.participants or self.denominators)
        if self.source == "files":
            if self.panel and published:
                raise ValueError(
                    "give either data.panel (one monthly file) or data.participants + "
                    "data.denominators (as published), not both"
                )
            if published and not (self.participants and self.denominators):
                raise ValueError("data.participants and data.denominators go together: name both files")
            if not self.panel and not published:
                raise ValueError(
                    "data.source is 'files', so name the data: data.panel (one monthly CSV/XLSX) or "
                    "data.participants + data.denominators (as published)"
                )
            if self.offices and not published:
                raise ValueError("data.offices maps the offices of data.participants: name data.participants too")
        named = [k for k in INPUT_FILES if getattr(self, k)]
        if self.source == "synthetic" and named:
            raise ValueError(
                f"data.source is 'synthetic', so data.{', data.'.join(named)} would not be read: set "
                "data.source: files to use the file(s), or remove them"
            )
        return self

    @property
    def named_files(self) -> list[str]:
        """The input files the params name (relative paths), in :data:`INPUT_FILES` order."""
        return [getattr(self, k) for k in INPUT_FILES if getattr(self, k)]


class Cofunding(Strict):
    code: KabKotaCode
    start_month: Month
    instrument: str = ""


class Policy(Strict):
    regulation: str = "Pergub Kaltim No. 19 Tahun 2023"
    issued: date = date(2023, 6, 13)
    start_month: Month = "2023-07"
    programmes: list[Literal["jkk", "jkm", "jht", "jp"]] = ["jkk", "jkm"]
    cofunding: list[Cofunding] = []

    @model_validator(mode="after")
    def _unique(self) -> Policy:
        codes = [c.code for c in self.cofunding]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"each kab/kota may appear once in policy.cofunding; repeated: {', '.join(dup)}")
        return self


class Target(Strict):
    base_year: Year = 2025
    base_coverage_pct: Pct = 70.11
    coverage_pct: Pct = 90.0
    year: Year = 2029

    @model_validator(mode="after")
    def _years(self) -> Target:
        _not_before(self.year, self.base_year, "target.year", "target.base_year")
        return self


class Contributions(Strict):
    declared_income_rupiah: Rupiah = 1_000_000
    jkk_rate_share: Share = 0.01
    jkm_rupiah: Rupiah = 6_800
    jht_rate_share: Share = 0.02
    admin_overhead_share: Share = 0.0


def _check_comparison(value):
    if isinstance(value, str):
        return value
    known = set(regions().loc[lambda r: r["level"] == "provinsi", "code"])
    bad = [c for c in value if c not in known]
    if bad:
        raise ValueError(
            f"unknown province code(s) {', '.join(bad)}; allowed: 2-digit BPS codes of the 37 other "
            f"provinces ({', '.join(sorted(known))})"
        )
    if len(value) < 2:
        raise ValueError("give at least two comparison provinces")
    return value


COMPARISON_PRESETS = {"kalimantan": ["61", "62", "63", "65"]}


class Evaluation(Strict):
    outcome: Literal["vulnerable_coverage_pct", "total_coverage_pct"] = "vulnerable_coverage_pct"
    pre_window_months: Annotated[StrictInt, Field(ge=3, le=240, description="a number of months from 3 to 240")] = 24
    post_window_months: Annotated[StrictInt, Field(ge=1, le=240, description="a number of months from 1 to 240")] = 24
    comparison: Annotated[
        Literal["all", "kalimantan"] | list[str],
        Field(description='"all" (37 provinces), "kalimantan" or a list of 2-digit province codes'),
        AfterValidator(_check_comparison),
    ] = "all"
    methods: list[Literal["its", "did", "event_study", "staggered", "synth", "sdid", "dose"]] = [
        "its",
        "did",
        "event_study",
        "staggered",
        "synth",
        "sdid",
        "dose",
    ]
    did_inference: Literal["few_treated", "cluster", "wild", "ri"] = "few_treated"
    bootstrap_draws: Annotated[StrictInt, Field(ge=99, le=99_999, description="a number of draws from 99 to 99999")] = (
        9999
    )
    event_window: tuple[StrictInt, StrictInt] = (-12, 12)
    staggered_control: Literal["never", "notyet"] = "notyet"
    its_seasonality: StrictBool = False
    alpha: Annotated[StrictFloat, Field(gt=0.0, lt=0.5, description="a level between 0 and 0.5, e.g. 0.05")] = 0.05

    @model_validator(mode="after")
    def _window(self) -> Evaluation:
        lo, hi = self.event_window
        if not lo < 0 <= hi:
            raise ValueError(
                f"evaluation.event_window {list(self.event_window)} must be [negative, zero or positive], e.g. [-12, 12]"
            )
        return self


class Allocation(Strict):
    rule: Literal["optimal", "proportional_uncovered", "equal_gap", "per_capita"] = "optimal"
    floor_keep_current: StrictBool = True
    cap_share_of_budget: Share = 0.35
    equity_min_gap_share: Share = 0.25


class Value(Strict):
    death_rate_per_1000: Annotated[StrictFloat, Field(ge=0, le=1000, description="per 1,000 persons, 0 to 1000")] = 4.5
    accident_rate_per_1000: Annotated[StrictFloat, Field(ge=0, le=1000, description="per 1,000 persons, 0 to 1000")] = (
        8.0
    )
    jkm_benefit_rupiah: Rupiah = 42_000_000
    jkk_claim_rupiah: Rupiah = 5_000_000


Programme = Literal["jkk", "jkm", "jht", "jp"]


class ExtraGroup(Strict):
    """Another group a scenario proposes to cover (e.g. DPRD members), costed per its legal basis: what is
    already provided is not costed again; employer and worker shares are apart; a missing basis is flagged."""

    name: Annotated[str, Field(min_length=1, max_length=100, description="a name of 1 to 100 characters")]
    headcount: Annotated[StrictInt, Field(ge=0, le=10_000_000, description="a head count from 0 to 10,000,000")]
    programmes: list[Programme]
    already_provided: list[Programme] = []
    already_provided_basis: Annotated[
        str, Field(max_length=300, description="a citation of at most 300 characters")
    ] = ""
    monthly_income_rupiah: Rupiah
    rates: dict[Programme, Share]
    worker_rates: dict[Programme, Share] = {}
    worker_share_paid_by: Literal["member", "province"] = "member"
    legal_basis: Annotated[str, Field(max_length=300, description="a citation of at most 300 characters")] = ""
    jp_wage_cap_rupiah: Rupiah | None = None
    start_year: Year = 2026
    #: the BPJS Ketenagakerjaan segment the members would join: pu = wage earners (penerima upah, their employer
    #: pays: e.g. DPRD members through the DPRD secretariat), bpu = not wage earners. Never the vulnerable-worker
    #: subsidy: an extra group's cost stays out of its budget totals.
    segment: Literal["pu", "bpu"] = "pu"

    @model_validator(mode="after")
    def _rates_for_programmes(self) -> ExtraGroup:
        missing = [p for p in self.programmes if p not in self.rates]
        if missing:
            raise ValueError(f"rates must give a contribution rate for every programme; missing: {', '.join(missing)}")
        if self.already_provided and not self.already_provided_basis.strip():
            raise ValueError("already_provided needs already_provided_basis: the regulation that provides it")
        return self


class Distribution(Strict):
    dist: Literal["normal", "uniform", "triangular"]
    mean: StrictFloat | None = None
    sd: Annotated[StrictFloat, Field(ge=0, description="a standard deviation, zero or more")] | None = None
    low: StrictFloat | None = None
    high: StrictFloat | None = None
    mode: StrictFloat | None = None

    @model_validator(mode="after")
    def _complete(self) -> Distribution:
        need = {"normal": ("mean", "sd"), "uniform": ("low", "high"), "triangular": ("low", "mode", "high")}[self.dist]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.dist} distribution needs {', '.join(need)}; missing: {', '.join(missing)}")
        low, high = cast(float, self.low), cast(float, self.high)  # present: checked just above
        if self.dist in ("uniform", "triangular") and not low <= (self.mode if self.mode is not None else low) <= high:
            raise ValueError("needs low <= mode <= high")
        if self.dist == "uniform" and not low < high:
            raise ValueError("needs low < high")
        return self


def _within_range(name: str, dist: Distribution, field) -> None:
    """A distribution of ``budget.<name>`` must stay where ``budget.<name>`` itself may be: its low/high
    (uniform, triangular) inside the key's range, or (normal) its mean inside and its sd at most the range."""
    lo = next(
        (m.ge if hasattr(m, "ge") else m.gt for m in field.metadata if hasattr(m, "ge") or hasattr(m, "gt")), None
    )
    hi = next((m.le for m in field.metadata if hasattr(m, "le")), None)
    if lo is None or hi is None:
        raise TypeError(f"budget.{name} declares no range for its distribution to stay in")
    where = f"budget.{name} allows {lo:g} to {hi:g}"
    if dist.dist == "normal":
        mean, sd = cast(float, dist.mean), cast(float, dist.sd)
        if not lo <= mean <= hi or sd > hi - lo:
            raise ValueError(
                f"the normal distribution of {name} (mean {dist.mean:g}, sd {dist.sd:g}) must have its "
                f"mean inside the range and sd at most {hi - lo:g}: {where}"
            )
    elif not (lo <= cast(float, dist.low) and cast(float, dist.high) <= hi):
        raise ValueError(
            f"the {dist.dist} distribution of {name} (low {dist.low:g}, high {dist.high:g}) must stay "
            f"inside the range: {where}"
        )


UNCERTAIN = (
    "vulnerable_growth_share",
    "self_paid_growth_pp",
    "formal_coverage_growth_pp",
    "churn_share",
    "additionality_share",
    "working_pop_growth_share",
)


class Uncertainty(Strict):
    draws: Annotated[StrictInt, Field(ge=100, le=1_000_000, description="a number of draws from 100 to 1,000,000")] = (
        10_000
    )
    parameters: dict[Literal[UNCERTAIN], Distribution] = {}  # type: ignore[valid-type]

    @field_validator("parameters")
    @classmethod
    def _sampler_ranges(cls, value: dict) -> dict:
        for name, dist in value.items():
            _within_range(name, dist, Budget.model_fields[name])
        return value


class FundingShares(Strict):
    province: Share = 0.8
    kabkota: Share = 0.15
    csr: Share = 0.05

    @model_validator(mode="after")
    def _sum(self) -> FundingShares:
        total = self.province + self.kabkota + self.csr
        if abs(total - 1) > 1e-9:
            raise ValueError(f"province + kabkota + csr must sum to 1, they sum to {total:g}")
        return self


class Budget(Strict):
    start_year: Year = 2026
    end_year: Year = 2030
    policy_end_year: Year | None = None
    measure: Literal["total_coverage", "vulnerable_coverage"] = "total_coverage"
    ramp: Literal["linear", "front"] = "linear"
    max_new_recipients_per_year: Annotated[
        StrictInt, Field(ge=0, le=10_000_000, description="a head count from 0 to 10,000,000")
    ] = 150_000
    vulnerable_growth_share: Annotated[
        StrictFloat, Field(ge=-0.2, le=0.2, description="a yearly growth between -0.2 and 0.2")
    ] = 0.01
    working_pop_growth_share: Annotated[
        StrictFloat, Field(ge=-0.2, le=0.2, description="a yearly growth between -0.2 and 0.2")
    ] = 0.018
    self_paid_growth_pp: Annotated[
        StrictFloat, Field(ge=-10, le=10, description="percentage points per year, -10 to 10")
    ] = 0.5
    formal_coverage_growth_pp: Annotated[
        StrictFloat, Field(ge=-10, le=10, description="percentage points per year, -10 to 10")
    ] = 0.5
    churn_share: Share = 0.10
    additionality_share: Annotated[StrictFloat, Field(gt=0.0, le=1.0, description="a share above 0 and at most 1")] = (
        0.7
    )
    use_estimated_additionality: StrictBool = True
    apbd_revenue_rupiah: Annotated[
        StrictFloat,
        Field(gt=0, le=1e16, description="an amount in Rupiah, more than 0 and at most 10^16 (above any APBD)"),
    ] = 19.14e12
    revenue_growth_share: Annotated[
        StrictFloat, Field(ge=-0.5, le=0.5, description="a yearly growth between -0.5 and 0.5")
    ] = 0.03
    revenue_base_year: Year = 2025
    # None: measured in the data (evalkit.budget.basis); a number written in params replaces the measurement
    determination_gap_months: (
        Annotated[StrictInt, Field(ge=0, le=11, description="a number of months from 0 to 11")] | None
    ) = None
    cap_share_of_revenue: Share = 0.005
    funding_shares: FundingShares | None = None  # None: observed in the data (evalkit.budget.basis)
    kabkota_cofunding_share: dict[KabKotaCode, Share] = {}
    allocation: Allocation = Allocation()
    value: Value = Value()
    extra_groups: list[ExtraGroup] = []
    uncertainty: Uncertainty = Uncertainty()
    #: the provincial envelope (pagu) per APBD year, Rupiah: "with Rp X in year Y, how many recipients, where, what
    #: coverage, at what cost per additional worker" (notebook 03 and the index answer it first)
    pagu: Annotated[
        dict[
            Annotated[Year, BeforeValidator(_int_key)],
            Annotated[
                StrictFloat | StrictInt,
                Field(gt=0, le=1e15, description="an amount in Rupiah above 0 and at most 1,000,000,000,000,000"),
            ],
        ],
        Field(max_length=20),
    ] = {}

    @model_validator(mode="after")
    def _years(self) -> Budget:
        _not_before(self.end_year, self.start_year, "budget.end_year", "budget.start_year")
        outside = [y for y in self.pagu if not self.start_year <= y <= self.end_year]
        if outside:
            raise ValueError(
                f"budget.pagu names year {outside[0]}, outside the projected years budget.start_year "
                f"{self.start_year} to budget.end_year {self.end_year}"
            )
        if self.policy_end_year is not None:
            _not_before(self.policy_end_year, self.start_year, "budget.policy_end_year", "budget.start_year")
        return self


RECIPIENT_FIELDS = (
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kode_wilayah",
    "pekerjaan",
    "sumber_dana",
    "periode",
    "no_kpj",
    "desa_kelurahan",
    "kecamatan",
)
DATE_FORMATS = {"yyyy-mm-dd": "%Y-%m-%d", "dd-mm-yyyy": "%d-%m-%Y", "dd/mm/yyyy": "%d/%m/%Y", "yyyymmdd": "%Y%m%d"}
"""Birth-date layouts a recipient list may use (``verification.mapping.date_format``)."""


class RecipientMapping(Strict):
    """How a recipient list's own layout maps onto evalkit's columns (no code needed): ``columns`` source name →
    evalkit name; ``values`` per evalkit column, source value → evalkit value (e.g. ``jenis_kelamin: {"1": L,
    "2": P}``); ``date_format`` of ``tanggal_lahir``; ``region_code_system`` of ``kode_wilayah`` (``kemendagri``
    codes are converted to BPS); ``sheet`` to read from a workbook."""

    columns: dict[Annotated[str, Field(min_length=1, max_length=100)], Literal[RECIPIENT_FIELDS]] = {}  # type: ignore[valid-type]  # Literal of a list read at import
    values: dict[Literal[RECIPIENT_FIELDS], dict[str, Annotated[str, Field(max_length=100)]]] = {}  # type: ignore[valid-type]  # Literal of a list read at import
    date_format: Literal[tuple(DATE_FORMATS)] = "yyyy-mm-dd"  # type: ignore[valid-type]  # Literal of a list read at import
    region_code_system: Literal["bps", "kemendagri"] = "bps"
    sheet: Annotated[str, Field(min_length=1, max_length=31)] | None = None
    label: str = ""

    @model_validator(mode="after")
    def _one_source_per_field(self) -> RecipientMapping:
        targets = list(self.columns.values())
        dup = sorted({t for t in targets if targets.count(t) > 1})
        if dup:
            raise ValueError(f"verification.mapping.columns maps two source columns onto {', '.join(dup)}")
        return self


RANKINGS = ("carried_over", "oldest", "youngest", "list_order", "lottery")
"""Ranking criteria for the determination (penetapan) when proposals exceed a kab/kota's quota, applied in order:
``carried_over`` — recipients of the previous period first (continuity of cover); ``oldest`` / ``youngest`` — by
age in the period; ``list_order`` — as proposed (the row order of the kab/kota's list); ``lottery`` — a draw fixed by
the scenario's seed (reproducible, the same for every rerun)."""


class Decree(Strict):
    """The decree (keputusan) an annex belongs to: its header and signature block (``verification.determination.
    decree``; ``evalkit determine --decree-number/--decree-date/--decree-title`` override). Empty fields are printed
    as dotted lines to fill in by hand."""

    number: Annotated[str, Field(max_length=120)] = ""
    date: Annotated[str, Field(max_length=40)] = ""
    title: Annotated[str, Field(max_length=400)] = ""
    place: Annotated[str, Field(max_length=60)] = "Samarinda"
    signatory_title: Annotated[str, Field(max_length=120)] = "GUBERNUR KALIMANTAN TIMUR"
    signatory_name: Annotated[str, Field(max_length=120)] = ""


class PublicNikMask(Strict):
    """How the publishable annex shows a NIK: the first ``visible_prefix`` and last ``visible_suffix`` digits, the
    rest as ``*``."""

    visible_prefix: Annotated[StrictInt, Field(ge=0, le=6, description="0 to 6 leading digits")] = 6
    visible_suffix: Annotated[StrictInt, Field(ge=0, le=4, description="0 to 4 trailing digits")] = 0


class Determination(Strict):
    """How the determined list is chosen from the eligible proposals (``verification.determination``)."""

    ranking: Annotated[
        list[Literal[RANKINGS]],  # type: ignore[valid-type]  # Literal of a list read at import
        Field(min_length=1, description="a list of ranking criteria"),
    ] = [
        "carried_over",
        "list_order",
    ]
    reserve_share: Annotated[StrictFloat, Field(ge=0, le=1, description="a share between 0 and 1")] = 0.1
    decree: Decree = Decree()
    public_nik: PublicNikMask = PublicNikMask()

    @model_validator(mode="after")
    def _distinct(self) -> Determination:
        if len(set(self.ranking)) != len(self.ranking):
            raise ValueError("verification.determination.ranking names a criterion twice")
        return self


class Verification(Strict):
    min_age: Annotated[StrictInt, Field(ge=0, le=100, description="an age in years from 0 to 100")] = 15
    max_age: Annotated[StrictInt, Field(ge=0, le=120, description="an age in years from 0 to 120")] = 65
    occupations: Annotated[list[str], Field(min_length=1, description="a list of occupation names")] = [
        "petani",
        "pekebun",
        "nelayan",
        "pedagang",
        "buruh harian",
    ]
    duckdb_threshold_rows: Annotated[StrictInt, Field(ge=1, description="a number of rows, 1 or more")] = 5_000_000
    synthetic_rows: Annotated[
        StrictInt, Field(ge=100, le=10_000_000, description="a number of rows from 100 to 10,000,000")
    ] = 20_000
    synthetic_defect_share: Annotated[StrictFloat, Field(ge=0, le=0.1, description="a share between 0 and 0.1")] = 0.01
    mapping: RecipientMapping = RecipientMapping()
    determination: Determination = Determination()

    @model_validator(mode="after")
    def _ages(self) -> Verification:
        if self.max_age <= self.min_age:
            raise ValueError(f"verification.max_age {self.max_age} must be above verification.min_age {self.min_age}")
        return self


class Indicator(Strict):
    weight: Annotated[StrictFloat, Field(ge=0, le=1, description="a weight between 0 and 1")]
    direction: Literal["higher", "lower"] = "higher"


SCORE_INDICATORS = (
    "coverage_level",
    "coverage_growth",
    "bpu_coverage",
    "protected_per_1000",
    "own_budget_per_worker",
    "regulation",
    "csr_mobilised",
    "employer_compliance",
    "data_quality",
)
CRITERIA = ("regulation", "budget", "coverage", "innovation", "partnership", "compliance")
"""The criteria of the Paritrana Award's regional-government category (regulation; budget for vulnerable and non-ASN
workers; coverage of all segments and its growth; innovation; partnership and CSR; compliance enforcement)."""


class Criterion(Strict):
    """One assessment criterion: the indicators that score it (their weights add up to its weight), where the
    criterion comes from, and whether that is confirmed."""

    indicators: list[Literal[SCORE_INDICATORS]] = []  # type: ignore[valid-type]
    source: Annotated[str, Field(max_length=300)] = ""
    verify: StrictBool = True


class Scorecard(Strict):
    normalisation: Literal["minmax", "zscore"] = "minmax"
    weight_draws: Annotated[StrictInt, Field(ge=10, le=100_000, description="a number of draws from 10 to 100,000")] = (
        1000
    )
    weight_concentration: Annotated[StrictFloat, Field(gt=0, le=10_000, description="a positive number")] = 50.0
    indicators: dict[Literal[SCORE_INDICATORS], Indicator] = {  # type: ignore[valid-type]
        "coverage_level": Indicator(weight=0.25),
        "coverage_growth": Indicator(weight=0.15),
        "bpu_coverage": Indicator(weight=0.0),
        "protected_per_1000": Indicator(weight=0.10),
        "own_budget_per_worker": Indicator(weight=0.15),
        "regulation": Indicator(weight=0.10),
        "csr_mobilised": Indicator(weight=0.05),
        "employer_compliance": Indicator(weight=0.10),
        "data_quality": Indicator(weight=0.10),
    }

    #: the kab/kota taking part in the year's Paritrana assessment: only they are ranked (the others are shown apart,
    #: unranked); empty = all kab/kota
    participants: Annotated[list[KabKotaCode], Field(max_length=10)] = []
    #: the assessment's criteria and the indicators that score each (a criterion without an indicator is evidenced
    #: by the self-assessment form only, ``data.self_assessment``)
    criteria: dict[Literal[CRITERIA], Criterion] = {  # type: ignore[valid-type]  # Literal of a list read at import
        "regulation": Criterion(indicators=["regulation"]),
        "budget": Criterion(indicators=["own_budget_per_worker"]),
        "coverage": Criterion(indicators=["coverage_level", "coverage_growth", "bpu_coverage"]),
        "innovation": Criterion(),
        "partnership": Criterion(indicators=["protected_per_1000", "csr_mobilised"]),
        "compliance": Criterion(indicators=["employer_compliance", "data_quality"]),
    }

    @model_validator(mode="after")
    def _weights(self) -> Scorecard:
        total = sum(i.weight for i in self.indicators.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"scorecard indicator weights must sum to 1, they sum to {total:g}")
        placed = [k for c in self.criteria.values() for k in c.indicators]
        twice = sorted({k for k in placed if placed.count(k) > 1})
        if twice:
            raise ValueError(f"scorecard.criteria: each indicator belongs to one criterion; {', '.join(twice)} to two")
        return self


class Params(Strict):
    """A validated, fully resolved scenario (``extends`` already applied)."""

    scenario: Scenario
    seed: Annotated[StrictInt, Field(ge=0, le=2**32 - 1, description="a whole number from 0 to 4294967295")] = 0
    report: Report = Report()
    data: Data = Data()
    policy: Policy = Policy()
    target: Target = Target()
    contributions: Contributions = Contributions()
    evaluation: Evaluation = Evaluation()
    budget: Budget = Budget()
    verification: Verification = Verification()
    scorecard: Scorecard = Scorecard()
    compliance: Compliance = Compliance()

    @model_validator(mode="after")
    def _consistent(self) -> Params:
        b, tg = self.budget, self.target
        if not b.start_year <= tg.year <= b.end_year:
            raise ValueError(
                f"target.year {tg.year} must lie inside the projected budget years "
                f"budget.start_year {b.start_year} … budget.end_year {b.end_year}"
            )
        if b.start_year <= tg.base_year:
            raise ValueError(f"budget.start_year {b.start_year} must come after target.base_year {tg.base_year}")
        syn = self.data.synthetic
        if self.data.source == "synthetic":
            start = month_ord(self.policy.start_month)
            if not month_ord(syn.start_month) + 12 <= start <= month_ord(syn.end_month):
                raise ValueError(
                    f"policy.start_month {self.policy.start_month!r} must lie inside the synthetic panel "
                    f"({syn.start_month} … {syn.end_month}) with at least 12 months before it"
                )
        return self

    _files: tuple[Path, ...] = PrivateAttr(default=())
    _root: Path | None = PrivateAttr(default=None)

    # Convenience accessors -------------------------------------------------------------
    @property
    def comparison_codes(self) -> list[str] | None:
        """Province codes of the comparison group (``None`` = all 37 other provinces)."""
        c = self.evaluation.comparison
        if c == "all":
            return None
        return COMPARISON_PRESETS[c] if isinstance(c, str) else list(c)

    @property
    def source_file(self) -> Path | None:
        """The params file this object was loaded from (``None`` when built in code)."""
        return self._files[0] if self._files else None

    @property
    def files(self) -> tuple[Path, ...]:
        """The params file and every file it ``extends``, the requested file first."""
        return self._files

    @property
    def project_root(self) -> Path:
        """Folder that relative data paths are resolved against."""
        return self._root if self._root is not None else Path.cwd()

    @property
    def policy_start(self) -> pd.Period:
        return month_period(self.policy.start_month)
