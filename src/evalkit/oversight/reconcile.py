"""Oversight (pengawasan) from the files the programme produces: invoices against the decree, payments against the
DPA, continuity of cover, the claims actually paid, and the quarterly monitoring indicators — in DuckDB, on salted
ids only (:mod:`evalkit.data.oversight`).

**Invoice against decree**, one case per invoice line (or per person, for "not billed"):

* ``billed_not_determined`` — a line whose person is on no determined list of that year;
* ``determined_not_billed`` — a determined person with no line in that year (not enrolled; counted in persons);
* ``double_billed`` — the second and later lines of one person and month (any funders);
* ``billed_after_death`` — a line for a month after the month of death in the deaths list, or a line whose status
  is ``meninggal``;
* ``before_decree`` — a line for a month before the month its year's decree was signed (``tanggal_penetapan``);
* ``amount_mismatch`` — JKK + JKM billed different from the params' unit cost of the month (more than Rp 0.5).

A line is counted in every kind it falls in. Rupiah at stake: what the lines bill (for a mismatch: the
difference from the unit cost; for "not billed": nothing was billed).

**Measured determination gap** and **observed funding shares**: by the rules the budget uses too
(:func:`evalkit.data.oversight.invoice_gaps`, :func:`~evalkit.data.oversight.invoice_shares`) — the months at the start
of a year before the month in which at least half of that year's determined list is billed (a few stray lines before
it do not count), and the recipient-months billed to each funder in the latest year, per kab/kota.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from ..budget.cost import unit_cost_table
from ..data.oversight import (
    INVOICE_CHECKS,
    OversightInputs,
    invoice_gaps,
    invoice_shares,
    invoice_summary,
    list_sizes,
)

if TYPE_CHECKING:
    from ..params.schema import Params

KINDS = INVOICE_CHECKS  # the kinds this module reports (the list lives with the files' checks)
#: BPU contributions are due by the 15th of the month after the month of cover (Permenaker 5/2021) (verify)
DUE_DAY = 15
#: thresholds of the quarterly report (stated on the page): realisation against the plan, invoice accuracy,
#: enrolment of the determined list
THRESHOLDS = {"realisation_vs_plan_pct": 90.0, "invoice_accuracy_pct": 99.0, "enrolment_pct": 95.0}


@dataclass
class Reconciliation:
    cases: pd.DataFrame  # kind, id, kode_wilayah, periode, rupiah — one row per case (salted ids)
    by_region: pd.DataFrame  # kind, kode_wilayah, periode, cases, rupiah
    summary: dict  # kind → {"count": n, "rupiah": r}
    lines: int = 0
    continuity: pd.DataFrame | None = None  # per year: determined, billed, months covered, lapsed, died, gap
    gap_months: int | None = None  # measured in the latest year with a list
    gap_year: int | None = None
    shares: pd.DataFrame | None = None  # kode_wilayah × province/kabkota/csr (latest year)
    shares_year: int | None = None
    realisation: pd.DataFrame | None = None  # month, paid, cumulative, pagu, plan
    payments_summary: dict = field(default_factory=dict)
    claims: pd.DataFrame | None = None
    claims_summary: dict = field(default_factory=dict)
    quarterly: pd.DataFrame | None = None


def _con(t: OversightInputs):
    import duckdb

    con = duckdb.connect()
    for name in ("determined", "invoices", "payments", "dpa", "claims", "deaths", "members"):
        frame = getattr(t, name)
        if frame is not None:  # copied into DuckDB once: every check below scans a native table
            con.register(f"{name}_in", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_in")
            con.unregister(f"{name}_in")
    return con


def invoice_cases(t: OversightInputs, params: Params, con=None) -> pd.DataFrame:
    """Every case of the invoice-against-decree checks (see the module docstring)."""
    own = con is None
    con = con or _con(t)
    unit = unit_cost_table(params, programmes=["jkk", "jkm"])["rupiah_month"].sum()
    parts = []
    inv = (
        "SELECT *, iuran_jkk_rupiah + iuran_jkm_rupiah AS rupiah, CAST(substr(periode, 1, 4) AS INTEGER) AS yr "
        "FROM invoices"
    )
    if t.determined is not None:
        parts.append(f"""SELECT 'billed_not_determined' AS kind, i.id, i.kode_wilayah, i.periode, i.rupiah
            FROM ({inv}) i ANTI JOIN determined d ON d.id = i.id AND CAST(d.tahun AS INTEGER) = i.yr""")
        parts.append("""SELECT 'determined_not_billed' AS kind, d.id, d.kode_wilayah,
                CAST(CAST(d.tahun AS INTEGER) AS VARCHAR) AS periode, 0.0 AS rupiah
            FROM determined d ANTI JOIN (SELECT DISTINCT id, CAST(substr(periode, 1, 4) AS INTEGER) AS yr FROM invoices) i
            ON i.id = d.id AND i.yr = CAST(d.tahun AS INTEGER)""")
        if "tanggal_penetapan" in t.determined.columns:
            parts.append(f"""SELECT 'before_decree' AS kind, i.id, i.kode_wilayah, i.periode, i.rupiah
                FROM ({inv}) i JOIN (SELECT id, CAST(tahun AS INTEGER) AS yr, min(tanggal_penetapan) AS signed
                                     FROM determined WHERE tanggal_penetapan IS NOT NULL GROUP BY ALL) d
                ON d.id = i.id AND d.yr = i.yr WHERE i.periode < strftime(d.signed, '%Y-%m')""")
    parts.append(f"""SELECT 'double_billed' AS kind, id, kode_wilayah, periode, rupiah FROM (
            SELECT *, row_number() OVER (PARTITION BY id, periode ORDER BY sumber_dana, rupiah) AS k FROM ({inv}))
            WHERE k > 1""")
    after = "i.status_kepesertaan = 'meninggal'"
    if t.deaths is not None:
        parts.append(f"""SELECT 'billed_after_death' AS kind, i.id, i.kode_wilayah, i.periode, i.rupiah
            FROM ({inv}) i LEFT JOIN (SELECT id, min(tanggal_meninggal) AS died FROM deaths GROUP BY id) d ON d.id = i.id
            WHERE {after} OR (d.died IS NOT NULL AND i.periode > strftime(d.died, '%Y-%m'))""")
    else:
        parts.append(
            f"SELECT 'billed_after_death' AS kind, i.id, i.kode_wilayah, i.periode, i.rupiah "
            f"FROM ({inv}) i WHERE {after}"
        )
    parts.append(f"""SELECT 'amount_mismatch' AS kind, id, kode_wilayah, periode, rupiah - {float(unit)!r} AS rupiah
            FROM ({inv}) WHERE abs(rupiah - {float(unit)!r}) > 0.5""")
    out = con.execute(" UNION ALL ".join(parts) + " ORDER BY kind, kode_wilayah, periode, id").df()
    if own:
        con.close()
    return out


def _continuity(t: OversightInputs, con) -> tuple[pd.DataFrame | None, int | None, int | None]:
    if t.invoices is None or t.determined is None:
        return None, None, None
    rows = con.execute(f"""
        WITH d AS (SELECT CAST(tahun AS INTEGER) AS yr, count(DISTINCT id) AS determined FROM determined GROUP BY yr),
        per AS (SELECT id, CAST(substr(periode, 1, 4) AS INTEGER) AS yr,
                       count(DISTINCT periode) FILTER (WHERE status_kepesertaan = 'aktif') AS covered,
                       max(periode) AS last,
                       arg_max(status_kepesertaan, periode) AS last_status
                FROM invoices GROUP BY ALL),
        died AS (SELECT DISTINCT id FROM invoices WHERE status_kepesertaan = 'meninggal'
                 {"UNION SELECT DISTINCT id FROM deaths" if t.deaths is not None else ""}),
        c AS (SELECT yr, count(*) AS billed_persons, avg(covered) AS months_covered,
                     count(*) FILTER (WHERE last_status = 'nonaktif') AS lapsed,
                     count(*) FILTER (WHERE id IN (SELECT id FROM died)) AS died FROM per GROUP BY yr)
        SELECT d.yr AS year, d.determined, c.billed_persons, c.months_covered, c.lapsed, c.died
        FROM d LEFT JOIN c USING (yr) ORDER BY year""").df()
    # the same rule the budget measures its gap with (evalkit.data.oversight.invoice_gaps)
    gaps = invoice_gaps(invoice_summary(t.invoices), list_sizes(t.determined))
    rows["gap_months"] = rows["year"].map(gaps)
    known = rows.dropna(subset=["gap_months"])
    if known.empty:
        return rows, None, None
    return rows, int(known["gap_months"].iloc[-1]), int(known["year"].iloc[-1])


def observed_shares(t: OversightInputs) -> tuple[pd.DataFrame | None, int | None]:
    """Recipient-months billed to each funder in the latest invoiced year, per kab/kota (rows sum to 1): the shares
    the budget uses too (:func:`evalkit.data.oversight.invoice_shares`)."""
    counts, year = invoice_shares(invoice_summary(t.invoices))
    return (None, None) if counts is None else (counts.div(counts.sum(axis=1), axis=0), year)


def _payments(t: OversightInputs, con) -> tuple[pd.DataFrame | None, dict]:
    if t.payments is None or t.dpa is None:
        return None, {}
    year = int(con.execute("SELECT max(CAST(substr(periode, 1, 4) AS INTEGER)) FROM payments").fetchall()[0][0])
    dpa = t.dpa[t.dpa["tahun"].astype(int) == year]
    pagu = float(dpa["pagu_rupiah"].sum())
    plan_cols = [f"rencana_tw{q}_rupiah" for q in (1, 2, 3, 4)]
    plan = [float(dpa[c].fillna(0).sum()) if c in dpa.columns else float("nan") for c in plan_cols]
    paid = con.execute(f"""SELECT CAST(month(tanggal_bayar) AS INTEGER) AS month, sum(jumlah_rupiah) AS paid FROM payments
                           WHERE year(tanggal_bayar) = {year} GROUP BY ALL ORDER BY month""").df()
    months = pd.DataFrame({"month": range(1, 13)}).merge(paid, how="left").fillna({"paid": 0.0})
    months["cumulative"] = months["paid"].cumsum()
    months["quarter"] = (months["month"] - 1) // 3 + 1
    months["plan_cumulative"] = [sum(plan[:q]) if not np.isnan(plan).any() else np.nan for q in months["quarter"]]
    months["realisation_pct"] = 100 * months["cumulative"] / pagu if pagu else np.nan
    months.insert(0, "year", year)
    last_paid = int(paid["month"].max()) if len(paid) else 0
    ytd = float(months.loc[months["month"] <= last_paid, "paid"].sum())
    late = con.execute(f"""SELECT date_diff('day', make_date(CAST(substr(periode, 1, 4) AS INTEGER),
                                  CAST(substr(periode, 6, 2) AS INTEGER), {DUE_DAY}) + INTERVAL 1 MONTH, tanggal_bayar) AS d
                           FROM payments WHERE year(tanggal_bayar) = {year}""").df()["d"]
    billed = (
        con.execute("""SELECT DISTINCT periode FROM invoices WHERE sumber_dana = 'apbd_prov'""").df()["periode"]
        if t.invoices is not None
        else pd.Series(dtype=str)
    )
    paid_for = set(t.payments["periode"])
    last_billed = billed.max() if len(billed) else None
    unpaid = sorted(m for m in billed if m not in paid_for and m != last_billed)
    summary = {
        "year": year,
        "pagu_rupiah": pagu,
        "paid_ytd_rupiah": ytd,
        "months_with_payments": last_paid,
        "realisation_pct": 100 * ytd / pagu if pagu else float("nan"),
        "projected_year_end_rupiah": ytd * 12 / last_paid if last_paid else float("nan"),
        "late_payments": int((late > 0).sum()),
        "late_days_max": int(late.max()) if len(late) else 0,
        "payments": int(len(late)),
        "unpaid_months": unpaid,
        "plan_to_date_rupiah": sum(plan[: (last_paid - 1) // 3 + 1])
        if last_paid and not np.isnan(plan).any()
        else float("nan"),
    }
    projected = float(summary["projected_year_end_rupiah"])  # type: ignore[arg-type]  # set just above
    summary["projected_absorption_pct"] = 100 * projected / pagu if pagu else float("nan")
    return months, summary


def poisson_interval(k: int, exposure: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval of a Poisson rate ``k / exposure``."""
    a = 1 - level
    low = stats.chi2.ppf(a / 2, 2 * k) / 2 if k > 0 else 0.0
    high = stats.chi2.ppf(1 - a / 2, 2 * k + 2) / 2
    return low / exposure, high / exposure


def _claims(t: OversightInputs, con, params: Params) -> tuple[pd.DataFrame | None, dict]:
    if t.claims is None or t.invoices is None:
        return None, {}
    table = con.execute("""SELECT program, jenis_manfaat, kode_wilayah, strftime(tanggal_bayar, '%Y-%m') AS month,
                                  count(*) AS cases, count(DISTINCT id) AS persons, sum(jumlah_rupiah) AS rupiah
                           FROM claims GROUP BY ALL ORDER BY month, program, jenis_manfaat, kode_wilayah""").df()
    contributions = float(con.execute("SELECT sum(iuran_jkk_rupiah + iuran_jkm_rupiah) FROM invoices").fetchall()[0][0])
    person_years = float(con.execute("SELECT count(*) FROM invoices").fetchall()[0][0]) / 12
    deaths = int(con.execute("SELECT count(DISTINCT id) FROM claims WHERE program = 'JKM'").fetchall()[0][0])
    accidents = int(
        con.execute("SELECT count(DISTINCT (id, tanggal_kejadian)) FROM claims WHERE program = 'JKK'").fetchall()[0][0]
    )
    rupiah = float(table["rupiah"].sum())
    v = params.budget.value
    summary: dict[str, Any] = {
        "cases": int(table["cases"].sum()),
        "rupiah": rupiah,
        "families_jkm": deaths,
        "contributions_rupiah": contributions,
        "person_years": person_years,
        "benefit_ratio": rupiah / contributions if contributions else float("nan"),
        "death_rate_per_1000": 1000 * deaths / person_years if person_years else float("nan"),
        "death_rate_ci": tuple(1000 * x for x in poisson_interval(deaths, person_years)),
        "accident_rate_per_1000": 1000 * accidents / person_years if person_years else float("nan"),
        "accident_rate_ci": tuple(1000 * x for x in poisson_interval(accidents, person_years)),
        "deaths": deaths,
        "accidents": accidents,
        "expected_deaths": v.death_rate_per_1000 * person_years / 1000,
        "expected_accidents": v.accident_rate_per_1000 * person_years / 1000,
    }
    summary["expected_ratio"] = (
        (summary["expected_deaths"] * v.jkm_benefit_rupiah + summary["expected_accidents"] * v.jkk_claim_rupiah)
        / contributions
        if contributions
        else float("nan")
    )
    return table, summary


def _quarterly(
    cases: pd.DataFrame,
    t: OversightInputs,
    con,
    payments: dict,
    claims: pd.DataFrame | None,
    realisation: pd.DataFrame | None = None,
) -> pd.DataFrame | None:
    """The quarterly monitoring indicators, the latest two quarters with invoices side by side."""
    if t.invoices is None:
        return None
    q = con.execute("""SELECT substr(periode, 1, 4) || '-Q' || CAST((CAST(substr(periode, 6, 2) AS INTEGER) + 2) // 3
                              AS VARCHAR) AS quarter, count(*) AS lines, count(DISTINCT id) AS persons,
                              count(*) FILTER (WHERE status_kepesertaan = 'nonaktif') AS lapsed,
                              count(*) FILTER (WHERE status_kepesertaan = 'meninggal') AS deceased,
                              max(periode) AS latest_month
                       FROM invoices GROUP BY ALL ORDER BY quarter""").df()
    lines = cases[cases["kind"] != "determined_not_billed"].copy()
    lines["quarter"] = lines["periode"].str[:4] + "-Q" + ((lines["periode"].str[5:7].astype(int) + 2) // 3).astype(str)
    flagged = lines.groupby("quarter").size()
    q["invoice_accuracy_pct"] = 100 * (1 - q["quarter"].map(flagged).fillna(0) / q["lines"])
    if t.determined is not None:
        det = t.determined.groupby(t.determined["tahun"].astype(int).astype(str))["id"].nunique()
        q["enrolment_pct"] = 100 * q["persons"] / q["quarter"].str[:4].map(det)
    if claims is not None and len(claims):
        cq = (
            claims.assign(
                quarter=claims["month"].str[:4] + "-Q" + ((claims["month"].str[5:7].astype(int) + 2) // 3).astype(str)
            )
            .groupby("quarter")["cases"]
            .sum()
        )
        q["claims"] = q["quarter"].map(cq).fillna(0).astype(int)
    if payments and realisation is not None:  # paid by the quarter's end, against the envelope and the cash plan
        year = str(payments["year"])
        at_end = realisation.set_index("month")
        end = (q["quarter"].str[-1].astype(int) * 3).where(q["quarter"].str[:4] == year)
        q["realisation_pct"] = [at_end.loc[m, "realisation_pct"] if pd.notna(m) else np.nan for m in end]
        q["realisation_vs_plan_pct"] = [
            100 * at_end.loc[m, "cumulative"] / at_end.loc[m, "plan_cumulative"]
            if pd.notna(m) and at_end.loc[m, "plan_cumulative"]
            else np.nan
            for m in end
        ]
    return q.tail(2).reset_index(drop=True)


def reconcile(t: OversightInputs, params: Params) -> Reconciliation:
    """Every check of the module docstring on the hashed inputs ``t``."""
    con = _con(t)
    cases = (
        invoice_cases(t, params, con)
        if t.invoices is not None
        else pd.DataFrame(columns=["kind", "id", "kode_wilayah", "periode", "rupiah"])
    )
    summary = {
        k: {"count": int((cases["kind"] == k).sum()), "rupiah": float(cases.loc[cases["kind"] == k, "rupiah"].sum())}
        for k in KINDS
    }
    by_region = (
        (
            cases.groupby(["kind", "kode_wilayah", "periode"])
            .agg(cases=("id", "size"), rupiah=("rupiah", "sum"))
            .reset_index()
        )
        if len(cases)
        else pd.DataFrame(columns=["kind", "kode_wilayah", "periode", "cases", "rupiah"])
    )
    continuity, gap, gap_year = _continuity(t, con)
    shares, shares_year = observed_shares(t)
    realisation, pay = _payments(t, con)
    claims, claim_summary = _claims(t, con, params)
    quarterly = _quarterly(cases, t, con, pay, claims, realisation)
    lines = int(len(t.invoices)) if t.invoices is not None else 0
    con.close()
    return Reconciliation(
        cases,
        by_region,
        summary,
        lines,
        continuity,
        gap,
        gap_year,
        shares,
        shares_year,
        realisation,
        pay,
        claims,
        claim_summary,
        quarterly,
    )
