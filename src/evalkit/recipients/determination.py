"""Determination (penetapan) of the year's recipients from kab/kota proposals.

From the proposals (one list, every kab/kota's rows, in the layout ``verification.mapping`` describes) to the
determined list, per kab/kota:

1. every verification check (:mod:`.sql`) and every cross-match (:mod:`.crossmatch`: already a BPJS member,
   deceased, ASN/non-eligible status) runs; a row failing one is **excluded** with its first reason;
2. the eligible rows of a kab/kota are ranked by ``verification.determination.ranking`` (criteria from a closed
   set, applied in order; the row order breaks the last ties);
3. the first ``quota`` rows are **determined** (ditetapkan), the next ``reserve_share × quota`` are the **reserve**
   (cadangan), the rest are **not selected**; a quota above the eligible rows leaves a **shortfall** (never more
   recipients than eligible people).

Each funder has its own list: the Governor's decree lists only ``apbd_prov`` proposals, within the province's
quotas; ``apbd_kabkota`` and ``csr`` proposals are ranked and determined into their own lists, with their own
quotas when given (a funder with no quota at all determines every eligible proposal of its own), and never take
the province's places. Quotas: ``{funder: {kode_wilayah: persons}}`` (a flat ``{kode_wilayah: persons}`` is the
province's), from the budget allocation (:func:`quotas_from_allocation`) or a quota file (:func:`read_quotas`).

A cross-match whose reference list was not given is **not checked**, never zero: ``checked`` says which were, and
the summary's column for an unchecked one is empty. ``lists`` and ``summary`` carry the salted hash of the NIK and
the source row number only; ``personal`` holds the determined and reserve rows' identity and address for the
restricted decree annex and the BPJS handover, which are written only into the officer's restricted folder
(:mod:`evalkit.report.officer`): never cached, never published.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..core.hashing import salted_hash_sql
from ..core.salt import get_salt
from ..data.loaders import not_a_file
from ..errors import DataError, Problem, short_repr
from ..reference import kaltim_codes
from .crossmatch import FLAGS, match_conditions, reference_counts, register_previous
from .schema import CHECKS, SOURCE_PRIORITY, check_columns, check_period
from .sql import SAFE, build_flags, register_frame

if TYPE_CHECKING:
    from ..params.schema import Params

#: Why a proposal is excluded, in the order reasons are tried (the first that applies is reported).
REASONS = (
    "invalid_value",
    "invalid_nik",
    "duplicate_within_source",
    "duplicate_cross_source",
    "ineligible",
    "sex_birthdate_mismatch",
    *FLAGS,
)
#: The SQL ordering of each ranking criterion (ascending = earlier).
RANK_SQL = {
    "carried_over": "NOT carried_over",
    "oldest": "age DESC NULLS LAST",
    "youngest": "age ASC NULLS LAST",
    "list_order": "row_no",
    "lottery": "sha256(CAST($seed AS VARCHAR) || nik)",
}


FUNDERS = tuple(SOURCE_PRIORITY)
#: The funder whose list is the Governor's decree (Pergub 19/2023).
PROVINCE = "apbd_prov"
#: The largest quota of one kab/kota and funder accepted (persons): above every kab/kota's working population.
MAX_QUOTA = 5_000_000
#: Identity and address of a determined person, for the restricted annex and the BPJS handover only.
PERSONAL = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "no_kpj", "desa_kelurahan", "kecamatan", "pekerjaan")
#: The reasons that need a reference list, and the list each needs (``determine(members=…, deaths=…, asn=…)``).
REFERENCE_OF = {"already_member": "members", "deceased": "deaths", "non_eligible_status": "asn"}

Quotas = dict[str, dict[str, int]]


@dataclass
class DeterminationResult:
    """``lists``: one row per proposal row of the period (row, id_hash, kode_wilayah, sumber_dana, status, reason,
    rank — the rank among the eligible rows of its kab/kota and funder, empty when excluded); ``summary``: one row
    per kab/kota and funder (kode_wilayah, sumber_dana, proposed, excluded, eligible, quota — empty when the funder
    set none —, determined, reserve, shortfall, and the excluded rows per reason, empty for a cross-match not
    checked); ``checked``: per reason of :data:`REFERENCE_OF`, whether its list was given; ``personal``: the
    determined and reserve rows' :data:`PERSONAL` fields by ``row`` (restricted: see the module docstring)."""

    lists: pd.DataFrame
    summary: pd.DataFrame
    period: str
    checked: dict[str, bool] = field(default_factory=dict)
    personal: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: Per reference list given: its distinct NIKs, how many of them are among the period's proposals (matched) and
    #: how many are not (every key was readable: :func:`evalkit.recipients.io.read_reference` refuses the list
    #: otherwise).
    references: dict[str, dict[str, int]] = field(default_factory=dict)


def quotas_from_allocation(allocation_table: pd.DataFrame) -> Quotas:
    """The province's recipients per kab/kota (BPS code → persons) from a budget allocation's table
    (:mod:`evalkit.budget`)."""
    return {PROVINCE: {str(c): int(r) for c, r in zip(allocation_table["region_code"], allocation_table["recipients"])}}


def check_quotas(quotas: Mapping, kabkota: set[str], shown: str) -> Quotas:
    """Quotas as ``{funder: {code: persons}}`` of whole, non-negative persons for known funders and kab/kota codes
    (a flat ``{code: persons}`` is the province's); a clear error otherwise."""
    if quotas and all(not isinstance(v, Mapping) for v in quotas.values()):
        quotas = {PROVINCE: dict(quotas)}
    problems: list[Problem] = []
    out: Quotas = {PROVINCE: {}}
    for funder, per_code in quotas.items():
        if funder not in FUNDERS or not isinstance(per_code, Mapping):
            problems.append(Problem(shown, "sumber_dana", "", "allowed: " + ", ".join(FUNDERS)))
            continue
        out[funder] = {}
        for code, q in per_code.items():
            if str(code) not in kabkota:
                problems.append(
                    Problem(shown, f"kode_wilayah {str(code)[:6]}", "", "is not a Kaltim kab/kota code (BPS)")
                )
            elif isinstance(q, bool) or not isinstance(q, int) or not 0 <= q <= MAX_QUOTA:
                problems.append(
                    Problem(shown, f"quota of {code}", "", f"must be a whole number of persons from 0 to {MAX_QUOTA:,}")
                )
            else:
                out[funder][str(code)] = q
    if problems:
        raise DataError(problems)
    return out


QUOTA_VALUE = re.compile(r"[0-9]{1,7}")


def read_quotas(path: str | Path) -> Quotas:
    """Quotas from a CSV: ``kode_wilayah, kuota`` and optionally ``sumber_dana`` (empty or absent = ``apbd_prov``),
    or a budget allocation table (``region_code, recipients``: ``tables/03-budget-allocation__allocation.csv`` of a
    run; its SYNTHETIC DATA first line is skipped) for the province. One row per kab/kota and funder, at least one
    row; each quota written as digits (at most 7). Values are never echoed beyond a short prefix."""
    path = Path(path)
    shown = str(path)
    if not path.is_file():
        raise DataError([Problem(shown, "file", "", "the quota file: " + not_a_file(path))])
    if path.stat().st_size > 1_000_000:
        raise DataError([Problem(shown, "file", "", "a quota file has one row per kab/kota; this one is over 1 MB")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError([Problem(shown, "file", "", "not UTF-8 text: save it as CSV UTF-8")]) from None
    skip = 1 if text.startswith("#") else 0
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, skiprows=skip, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError([Problem(shown, "file", "", f"not a readable CSV ({type(exc).__name__})")]) from None
    df.columns = [str(c).strip() for c in df.columns]
    if {"region_code", "recipients"} <= set(df.columns):
        df = df.rename(columns={"region_code": "kode_wilayah", "recipients": "kuota"})
    if not {"kode_wilayah", "kuota"} <= set(df.columns):
        raise DataError(
            [
                Problem(
                    shown,
                    "columns",
                    "",
                    "needs the columns kode_wilayah and kuota (and optionally "
                    "sumber_dana), or region_code and recipients as in a budget allocation table",
                )
            ]
        )
    if df.empty:
        raise DataError([Problem(shown, "rows", "", "no quota row: one row per kab/kota (and funder) is needed")])
    funders = df["sumber_dana"].str.strip() if "sumber_dana" in df.columns else pd.Series(PROVINCE, index=df.index)
    funders = funders.replace("", PROVINCE)
    problems, kaltim = [], set(kaltim_codes())
    out: dict = {}
    seen: dict = {}
    for i, (code, value, funder) in enumerate(zip(df["kode_wilayah"].str.strip(), df["kuota"].str.strip(), funders)):
        row = i + 2 + skip
        if funder not in FUNDERS:
            problems.append(
                Problem(
                    shown, f"row {row}, column 'sumber_dana'", short_repr(funder[:6]), "allowed: " + ", ".join(FUNDERS)
                )
            )
        elif code not in kaltim:
            problems.append(
                Problem(
                    shown,
                    f"row {row}, column 'kode_wilayah'",
                    short_repr(code[:6]),
                    "is not a Kaltim kab/kota code (BPS, e.g. 6472)",
                )
            )
        elif not QUOTA_VALUE.fullmatch(value):
            problems.append(
                Problem(
                    shown,
                    f"row {row}, column 'kuota'",
                    "",
                    "must be a whole number of persons written with the digits 0-9 (at most 7)",
                )
            )
        elif (funder, code) in seen:
            problems.append(
                Problem(
                    shown,
                    f"row {row}, column 'kode_wilayah'",
                    short_repr(code[:6]),
                    f"is listed twice for {funder} (also row {seen[(funder, code)]}): one row each",
                )
            )
        else:
            seen[(funder, code)] = row
            out.setdefault(funder, {})[code] = int(value)
    if problems:
        raise DataError(problems)
    return out


def determine(
    proposals: pd.DataFrame,
    params: Params,
    quotas: Mapping,
    period: str,
    *,
    members: pd.DataFrame | None = None,
    deaths: pd.DataFrame | None = None,
    asn: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    salt: str | None = None,
) -> DeterminationResult:
    """The determined list of ``period`` (``YYYY-MM``) from ``proposals``; see the module docstring."""
    import duckdb

    mapping = params.verification.mapping
    check_period(period, "proposals")
    check_columns(proposals.columns, "proposals", mapping)
    quotas = check_quotas(quotas, set(kaltim_codes()), "quotas")
    salt = get_salt() if salt is None else salt
    rule = params.verification.determination
    con = duckdb.connect()
    source, bound = register_frame(con, proposals, mapping)
    build_flags(con, source, params, period, row_sql="_row", bound=bound)
    con.execute("CREATE TEMP VIEW rs AS SELECT * FROM flags")
    conditions = match_conditions(con, members, deaths, asn) | {c: c for c in CHECKS}
    if previous is not None:
        register_previous(con, previous, mapping)
    carried = "rs.nik IN (SELECT nik FROM prev)" if previous is not None else "false"
    reason = "CASE " + " ".join(f"WHEN {conditions[r]} THEN '{r}'" for r in REASONS) + " END"
    order = ", ".join(RANK_SQL[c] for c in rule.ranking) + ", row_no"
    binds = {"salt": salt} | ({"seed": params.seed} if "lottery" in rule.ranking else {})
    lists = con.execute(
        f"""
        WITH r AS (SELECT row_no, nik, {SAFE["region"]} AS region, {SAFE["src"]} AS src, age, {reason} AS reason,
                          {carried} AS carried_over FROM rs)
        SELECT row_no AS row, {salted_hash_sql("nik")} AS id_hash, region AS kode_wilayah, src AS sumber_dana, reason,
               carried_over,
               CASE WHEN reason IS NULL THEN row_number() OVER (PARTITION BY region, src, reason IS NULL
                                                                ORDER BY {order}) END AS rank
        FROM r ORDER BY region, src, rank NULLS LAST, row_no""",
        binds,
    ).df()
    if lists.empty:
        con.close()
        raise DataError([Problem("proposals", "periode", "", f"no proposal row is in period {period}")])
    lists["rank"] = lists["rank"].astype("Int64")
    limit = _quota_of(lists, quotas)
    quota = limit.fillna(0).astype(int)
    reserve = (quota * rule.reserve_share).round().astype(int)
    eligible = lists["reason"].isna()
    unlimited = limit.isna()
    status = pd.Series("excluded", index=lists.index)
    status[eligible] = "not_selected"
    status[eligible & (lists["rank"] <= quota + reserve).fillna(False)] = "reserve"
    status[eligible & ((lists["rank"] <= quota).fillna(False) | unlimited)] = "determined"
    lists["status"] = status
    lists["reason"] = lists["reason"].fillna("")
    checked = {flag: conditions[flag] != "false" for flag in REFERENCE_OF}
    references = reference_counts(con, members=members, deaths=deaths, asn=asn)
    chosen = lists.loc[lists["status"].isin(["determined", "reserve"]), ["row"]]
    con.register("chosen", chosen)
    personal = con.execute(
        f"SELECT _row AS row, {', '.join(PERSONAL)} FROM ({source}) WHERE _row IN "
        "(SELECT row FROM chosen) ORDER BY _row",
        bound,
    ).df()
    con.close()
    summary = _summary(lists, quotas, checked)
    return DeterminationResult(
        lists[["row", "id_hash", "kode_wilayah", "sumber_dana", "status", "reason", "rank", "carried_over"]],
        summary,
        period,
        checked,
        personal,
        references,
    )


def _quota_of(frame: pd.DataFrame, quotas: Quotas) -> pd.Series:
    """The quota of each row's kab/kota and funder: the province's and those of a funder that set any are 0 where not
    given; NaN (no limit) for a funder that set none."""

    def one(code: str, funder: str) -> float:
        if funder != PROVINCE and not quotas.get(funder):
            return float("nan")
        return float(quotas.get(funder, {}).get(code, 0))

    return pd.Series(
        [one(c, f) for c, f in zip(frame["kode_wilayah"], frame["sumber_dana"])], index=frame.index, dtype="float64"
    )


def _summary(lists: pd.DataFrame, quotas: Quotas, checked: dict[str, bool]) -> pd.DataFrame:
    """Per kab/kota and funder: proposed, excluded, eligible, quota (NaN: none set), determined, reserve, shortfall,
    excluded per reason (NaN for a cross-match whose list was not given)."""
    keys = set(zip(lists["kode_wilayah"], lists["sumber_dana"]))
    keys |= {(code, funder) for funder, per_code in quotas.items() for code in per_code}
    out = pd.DataFrame(
        sorted(keys, key=lambda k: (k[0], SOURCE_PRIORITY.get(k[1], 9), k[1])), columns=["kode_wilayah", "sumber_dana"]
    )
    index = pd.MultiIndex.from_frame(out)

    def count(mask) -> pd.Series:
        sizes = lists[mask].groupby(["kode_wilayah", "sumber_dana"]).size()
        return pd.Series(sizes.reindex(index).fillna(0).astype(int).to_numpy(), index=out.index)

    out["proposed"] = count(pd.Series(True, index=lists.index))
    out["excluded"] = count(lists["status"] == "excluded")
    out["eligible"] = out["proposed"] - out["excluded"]
    out["quota"] = _quota_of(out, quotas)
    out["determined"] = count(lists["status"] == "determined")
    out["reserve"] = count(lists["status"] == "reserve")
    out["shortfall"] = (out["quota"] - out["determined"]).clip(lower=0)
    for r in REASONS:
        column = count(lists["reason"] == r)
        out[f"excluded_{r}"] = column if checked.get(r, True) else pd.Series(pd.NA, index=out.index, dtype="Int64")
    return out
