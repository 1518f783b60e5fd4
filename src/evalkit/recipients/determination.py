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

Quotas come from the budget allocation (:func:`quotas_from_allocation`) or a table (kode_wilayah, quota). Results
carry the salted hash of the NIK and the source row number only: the officer joins names back from their own
file by the row number; evalkit never writes a NIK or a name.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pandas as pd

from ..core.hashing import salted_hash_sql
from ..core.salt import get_salt
from ..errors import DataError, Problem
from ..reference import kaltim_codes
from .crossmatch import FLAGS, match_conditions, register_previous
from .schema import CHECKS, check_columns, check_period
from .sql import SAFE, build_flags, register_frame

#: Why a proposal is excluded, in the order reasons are tried (the first that applies is reported).
REASONS = ("invalid_value", "invalid_nik", "duplicate_within_source", "duplicate_cross_source", "ineligible",
           "sex_birthdate_mismatch", *FLAGS)
#: The SQL ordering of each ranking criterion (ascending = earlier).
RANK_SQL = {"carried_over": "NOT carried_over", "oldest": "age DESC NULLS LAST", "youngest": "age ASC NULLS LAST",
            "list_order": "row_no", "lottery": "sha256(CAST($seed AS VARCHAR) || nik)"}


@dataclass
class DeterminationResult:
    """``lists``: one row per proposal row of the period (row, id_hash, kode_wilayah, sumber_dana, status, reason,
    rank — the rank among the kab/kota's eligible rows, empty when excluded); ``summary``: one row per kab/kota
    (kode_wilayah, proposed, excluded, eligible, quota, determined, reserve, shortfall, and the excluded rows per
    reason)."""

    lists: pd.DataFrame
    summary: pd.DataFrame
    period: str


def quotas_from_allocation(allocation_table: pd.DataFrame) -> dict[str, int]:
    """Recipients per kab/kota (BPS code → persons) from a budget allocation's table (:mod:`evalkit.budget`)."""
    return {str(c): int(r) for c, r in zip(allocation_table["region_code"], allocation_table["recipients"])}


def check_quotas(quotas: Mapping[str, int], kabkota: set[str], shown: str) -> dict[str, int]:
    """Quotas as whole, non-negative persons for known kab/kota codes; a clear error otherwise."""
    problems, out = [], {}
    for code, q in quotas.items():
        if str(code) not in kabkota:
            problems.append(Problem(shown, f"kode_wilayah {code}", "", "is not a Kaltim kab/kota code (BPS)"))
        elif isinstance(q, bool) or not isinstance(q, int) or q < 0:
            problems.append(Problem(shown, f"quota of {code}", "", "must be a whole number of persons, 0 or more"))
        else:
            out[str(code)] = q
    if problems:
        raise DataError(problems)
    return out


def determine(proposals: pd.DataFrame, params, quotas: Mapping[str, int], period: str, *,
              members: pd.DataFrame | None = None, deaths: pd.DataFrame | None = None,
              asn: pd.DataFrame | None = None, previous: pd.DataFrame | None = None,
              salt: str | None = None) -> DeterminationResult:
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
    lists = con.execute(f"""
        WITH r AS (SELECT row_no, nik, {SAFE['region']} AS region, {SAFE['src']} AS src, age, {reason} AS reason,
                          {carried} AS carried_over FROM rs)
        SELECT row_no AS row, {salted_hash_sql('nik')} AS id_hash, region AS kode_wilayah, src AS sumber_dana, reason,
               carried_over,
               CASE WHEN reason IS NULL THEN row_number() OVER (PARTITION BY region, reason IS NULL ORDER BY {order})
               END AS rank
        FROM r ORDER BY region, rank NULLS LAST, row_no""", binds).df()
    con.close()
    if lists.empty:
        raise DataError([Problem("proposals", "periode", "", f"no proposal row is in period {period}")])
    lists["rank"] = lists["rank"].astype("Int64")
    quota = lists["kode_wilayah"].map(quotas).fillna(0).astype(int)
    reserve = (quota * rule.reserve_share).round().astype(int)
    eligible = lists["reason"].isna()
    status = pd.Series("excluded", index=lists.index)
    status[eligible] = "not_selected"
    status[eligible & (lists["rank"] <= quota + reserve).fillna(False)] = "reserve"
    status[eligible & (lists["rank"] <= quota).fillna(False)] = "determined"
    lists["status"] = status
    lists["reason"] = lists["reason"].fillna("")
    summary = _summary(lists, quotas)
    return DeterminationResult(lists[["row", "id_hash", "kode_wilayah", "sumber_dana", "status", "reason", "rank",
                                      "carried_over"]], summary, period)


def _summary(lists: pd.DataFrame, quotas: dict[str, int]) -> pd.DataFrame:
    """Per kab/kota: proposed, excluded, eligible, quota, determined, reserve, shortfall, excluded per reason."""
    codes = sorted(set(lists["kode_wilayah"]) | set(quotas))
    g = lists.groupby("kode_wilayah")
    out = pd.DataFrame({"kode_wilayah": codes})
    count = lambda mask: out["kode_wilayah"].map(lists[mask].groupby("kode_wilayah").size()).fillna(0).astype(int)  # noqa: E731
    out["proposed"] = out["kode_wilayah"].map(g.size()).fillna(0).astype(int)
    out["excluded"] = count(lists["status"] == "excluded")
    out["eligible"] = out["proposed"] - out["excluded"]
    out["quota"] = out["kode_wilayah"].map(quotas).fillna(0).astype(int)
    out["determined"] = count(lists["status"] == "determined")
    out["reserve"] = count(lists["status"] == "reserve")
    out["shortfall"] = (out["quota"] - out["determined"]).clip(lower=0)
    for r in REASONS:
        out[f"excluded_{r}"] = count(lists["reason"] == r)
    return out
