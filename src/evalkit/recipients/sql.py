"""The verification checks as DuckDB SQL: one implementation for in-memory frames and for files.

:func:`build_flags` creates the temp table ``flags`` (one row per input row, a boolean per check) from any
SQL source; :func:`summary_sql` counts them and :func:`issues_sql` lists them with the salted hash of the
NIK (bound as ``$salt``): the NIK and the name never leave DuckDB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.hashing import salted_hash_sql
from ..params.schema import DATE_FORMATS, RECIPIENT_FIELDS
from ..reference import eligible_occupation_labels, kaltim_codes, kemendagri_bps, regions
from .schema import CHECKS, INFO

if TYPE_CHECKING:
    from ..params.schema import Params

DETAIL = {
    "invalid_nik": "CASE WHEN nik LIKE 'NUMERIC:%' THEN 'NIK stored as a number in Excel (digits lost): format the "
    "column as Text' ELSE 'NIK is not a valid 16-digit Kaltim/Indonesian NIK' END",
    "sex_birthdate_mismatch": "CASE WHEN sex_wrong THEN 'sex in NIK (day + 40 for women) differs from jenis_kelamin' "
    "ELSE 'birth date in NIK differs from tanggal_lahir' END",
    "duplicate_within_source": "'same NIK listed again in the same source and period'",
    "duplicate_cross_source": "'also funded by ' || CASE best WHEN 0 THEN 'apbd_prov' WHEN 1 THEN 'apbd_kabkota' "
    "WHEN 2 THEN 'csr' ELSE '?' END || ' in the same period'",
    "ineligible": "CASE WHEN age < {min_age} THEN 'younger than {min_age} in the period' WHEN age > {max_age} THEN "
    "'older than {max_age} in the period' ELSE 'occupation outside the eligible categories' END",
    "invalid_value": "concat_ws('; ', CASE WHEN bad_per THEN 'periode' END, CASE WHEN bad_tgl THEN 'tanggal_lahir' END, "
    "CASE WHEN bad_sex THEN 'jenis_kelamin' END, CASE WHEN bad_region THEN 'kode_wilayah' END, "
    "CASE WHEN bad_src THEN 'sumber_dana' END)",
}


INVALID = "(tidak valid / invalid)"
#: Categorical fields as they may leave the check: a value outside its closed set (a NIK or a name in a shifted
#: column) becomes :data:`INVALID`, so nothing but known codes, sources and months reaches any output.
SAFE = {
    "region": f"CASE WHEN bad_region THEN '{INVALID}' ELSE region END",
    "src": f"CASE WHEN bad_src THEN '{INVALID}' ELSE src END",
    "per": f"CASE WHEN bad_per THEN '{INVALID}' ELSE per END",
}


def _quote(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


#: Kemendagri codes of former Kaltim kab/kota, now in Kalimantan Utara (2012): Bulungan 64.04, Malinau 64.05,
#: Nunukan 64.06, Tana Tidung 64.10, Tarakan 64.73. NIKs issued there before the split keep them for life (verify
#: against Dukcapil practice); they are valid and, being outside today's Kaltim, counted as ``nik_region_other``.
FORMER_KALTIM_NIK_CODES = ("6404", "6405", "6406", "6410", "6473")


def _nik_codes() -> tuple[str, str, str]:
    """SQL lists (integers) of the Kemendagri province codes a NIK may start with and of the Kaltim kab/kota codes
    (Kemendagri), and a CASE mapping a Kaltim NIK's PPKK (the integer ``kab4``) to the BPS code evalkit uses inside."""
    reg = regions()
    # province codes a NIK may carry: today's Kemendagri codes and those of BPS's bridging table (NIKs issued in
    # Papua Barat Daya before 2022 carry Papua Barat's 92)
    bridged = kemendagri_bps()
    provinces = (
        set(reg.loc[reg["level"] == "provinsi", "kemendagri_code"])
        | {"64"}
        | set(bridged.loc[bridged["level"] == "provinsi", "kemendagri_code"])
    )
    kab = reg[reg["level"] == "kabkota"]
    to_bps = " ".join(f"WHEN {int(k)} THEN '{b}'" for k, b in zip(kab["kemendagri_code"], kab["code"]))
    valid_kab = sorted({int(k) for k in kab["kemendagri_code"]} | {int(k) for k in FORMER_KALTIM_NIK_CODES})
    return (
        ", ".join(str(p) for p in sorted(int(p) for p in provinces)),
        ", ".join(map(str, valid_kab)),
        f"CASE kab4 {to_bps} END",
    )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def mapped_source(source_sql: str, columns: list[str], mapping) -> tuple[str, dict]:
    """A query giving evalkit's recipient columns over a source in its own layout (``verification.mapping``):
    columns renamed, values recoded, birth dates re-read in their format, Kemendagri region codes turned into
    BPS codes. Source values are bound parameters; column names are quoted identifiers of columns the file has.
    Returns the query and its parameters."""
    source_of = {dst: src for src, dst in mapping.columns.items()}
    bound: dict[str, str] = {}
    exprs = []
    for name in RECIPIENT_FIELDS:
        src = source_of.get(name, name)
        if src not in columns:
            exprs.append(f"NULL AS {name}")
            continue
        expr = f"trim(CAST({_ident(src)} AS VARCHAR))"
        recode = mapping.values.get(name, {})
        if recode:
            whens = []
            for i, (old, new) in enumerate(recode.items()):
                bound[f"{name}_from_{i}"], bound[f"{name}_to_{i}"] = str(old).strip(), new
                whens.append(f"WHEN ${name}_from_{i} THEN ${name}_to_{i}")
            expr = f"CASE {expr} {' '.join(whens)} ELSE {expr} END"
        if name == "tanggal_lahir" and mapping.date_format != "yyyy-mm-dd":
            bound["date_format"] = DATE_FORMATS[mapping.date_format]
            expr = f"coalesce(strftime(try_strptime({expr}, $date_format), '%Y-%m-%d'), {expr})"
        if name == "kode_wilayah" and mapping.region_code_system == "kemendagri":
            kab = kemendagri_bps()[kemendagri_bps()["level"] == "kabkota"]  # every kab/kota of Indonesia
            cases = " ".join(f"WHEN '{k}' THEN '{b}'" for k, b in zip(kab["kemendagri_code"], kab["bps_code"]))
            plain = f"replace({expr}, '.', '')"  # 64.02 or 6402
            expr = f"CASE {plain} {cases} ELSE 'kemendagri:' || {plain} END"
        exprs.append(f"{expr} AS {name}")
    row = ", _row" if "_row" in columns else ""
    return f"SELECT {', '.join(exprs)}{row} FROM ({source_sql})", bound


def register_frame(con, df: pd.DataFrame, mapping) -> tuple[str, dict]:
    """Register a recipient list held in memory as ``input_df`` (text columns and the file row number ``_row``:
    the header is row 1) and return :func:`mapped_source` over it."""
    frame = df.rename(columns=lambda c: str(c).strip()).astype(str).assign(_row=np.arange(len(df)) + 2)
    con.register("input_df", frame)
    return mapped_source("SELECT * FROM input_df", list(frame.columns), mapping)


def build_flags(
    con,
    source_sql: str,
    params: Params,
    period: str | None = None,
    row_sql: str | None = None,
    bound: dict | None = None,
) -> None:
    """Create the view ``flags`` (one row per input row of ``period``, a boolean per check) over ``source_sql``.

    NIKs carry Kemendagri (Dukcapil) region codes; ``kode_wilayah`` and everything inside evalkit use BPS codes.
    A NIK issued outside the listed kab/kota is information (``nik_region_other``: a NIK is for life, UU 24/2013,
    and Kaltim has many migrants), never a defect. ``period`` and the eligible occupations are bound parameters,
    never spliced into SQL.

    Built for ten million rows: one parallel scan of the source computes every per-row check into the compact
    table ``f`` (a 16-digit NIK kept as a number, the text only when it is not one; the row number is the
    ``rowid`` of a table filled in source order, ``preserve_insertion_order``, unless ``row_sql`` names it, as
    the in-memory path's ``_row``); a hash aggregate finds the (NIK, period) keys listed more than once, and only
    those few rows are ranked for the duplicate checks (table ``dup``); ``flags`` joins the two."""
    v = params.verification
    provs, kaltim_nik, nik_bps = _nik_codes()
    kaltim = _quote(sorted(kaltim_codes()))
    row_col = f"{row_sql} AS row_no, " if row_sql else ""
    con.register("eligible_jobs", pd.DataFrame({"label": eligible_occupation_labels(v.occupations)}))
    binds = (bound or {}) | ({"period": period} if period else {})
    con.execute(
        f"""
    CREATE OR REPLACE TEMP TABLE f AS
    WITH base AS (  -- mapped_source gives trimmed text
      SELECT {row_col}coalesce(nik, '') AS nik, coalesce(tanggal_lahir, '') AS tgl,
             upper(coalesce(jenis_kelamin, '')) AS sex, coalesce(kode_wilayah, '') AS region,
             lower(coalesce(sumber_dana, '')) AS src, coalesce(periode, '') AS per, upper(coalesce(pekerjaan, '')) AS job
      FROM ({source_sql})),
    d AS (
      SELECT *, CASE WHEN regexp_full_match(per, '[0-9]{{4}}-(0[1-9]|1[0-2])') THEN try_strptime(per, '%Y-%m') END
               AS per_ts, try_strptime(tgl, '%Y-%m-%d') AS tgl_ts,
             CASE WHEN regexp_full_match(nik, '[0-9]{{16}}') THEN CAST(nik AS BIGINT) END AS n
      FROM base),
    e AS (  -- the NIK's fields by integer arithmetic: PP KK CC DD MM YY SSSS (DD + 40 for women)
      SELECT *, n // 100000000000000 AS prov, n // 1000000000000 AS kab4, (n // 10000000000) % 100 AS kec,
             (n // 100000000) % 100 AS dd_raw, (n // 1000000) % 100 AS mm, (n // 10000) % 100 AS yy,
             n % 10000 AS serial, coalesce(year(per_ts), 2025) AS per_year
      FROM d),
    g AS (
      SELECT *, dd_raw > 40 AS female_nik, CASE WHEN dd_raw > 40 THEN dd_raw - 40 ELSE dd_raw END AS dd,
             CASE WHEN yy > per_year % 100 THEN 1900 + yy ELSE 2000 + yy END AS yyyy
      FROM e),
    h AS (  -- the NIK's birth date, when it is a date (month 1-12, day within the month)
      SELECT *, CASE WHEN mm BETWEEN 1 AND 12 AND dd BETWEEN 1 AND 31 THEN
               CASE WHEN dd <= day(last_day(make_date(yyyy, mm, 1))) THEN make_date(yyyy, mm, dd) END END AS nik_birth
      FROM g),
    k AS (
      SELECT *,
        coalesce(prov IN ({provs}) AND (prov <> 64 OR kab4 IN ({kaltim_nik})) AND kec <> 0 AND serial <> 0
                 AND nik_birth IS NOT NULL, false) AS valid,
        per_ts IS NULL AS bad_per, tgl_ts IS NULL AS bad_tgl, sex NOT IN ('L', 'P') AS bad_sex,
        region NOT IN ({kaltim}) AS bad_region, src NOT IN ('apbd_prov', 'apbd_kabkota', 'csr') AS bad_src,
        CASE WHEN tgl_ts IS NOT NULL AND per_ts IS NOT NULL THEN
          year(per_ts) - year(tgl_ts) - CASE WHEN month(per_ts) < month(tgl_ts) OR (month(per_ts) = month(tgl_ts)
          AND day(per_ts) < day(tgl_ts)) THEN 1 ELSE 0 END END AS age
      FROM h)
    SELECT {"row_no, " if row_sql else ""}n AS nik_number, CASE WHEN n IS NULL THEN nik END AS nik_text, region, src, per, sex, age, job,
      CAST(CASE src WHEN 'apbd_prov' THEN 0 WHEN 'apbd_kabkota' THEN 1 WHEN 'csr' THEN 2 ELSE 9 END AS TINYINT) AS prio,
      valid, bad_per, bad_tgl, bad_sex, bad_region, bad_src, valid AND NOT bad_src AND NOT bad_per AS usable,
      {"per = $period" if period else "true"} AS in_scope,
      coalesce(valid AND NOT bad_sex AND female_nik <> (sex = 'P'), false) AS sex_wrong,
      coalesce(valid AND NOT bad_region AND coalesce({nik_bps}, '') <> region, false) AS nik_region_other,
      coalesce((valid AND NOT bad_sex AND female_nik <> (sex = 'P'))
        OR (valid AND NOT bad_tgl AND nik_birth <> CAST(tgl_ts AS DATE)), false) AS sex_birthdate_mismatch,
      coalesce(age < {v.min_age} OR age > {v.max_age}, false) AS bad_age
    FROM k""",
        binds or None,
    )
    # occupations are normalised once per distinct value (spaces collapsed, none around '/'), not once per row
    con.execute(r"""
    CREATE OR REPLACE TEMP TABLE eligible_raw AS SELECT job FROM (SELECT DISTINCT job FROM f)
    WHERE regexp_replace(regexp_replace(job, '\s+', ' ', 'g'), '\s*/\s*', '/', 'g') IN (SELECT label FROM eligible_jobs)""")
    # duplicates: only (NIK, period) keys listed more than once are ranked, in source order (rowid)
    con.execute("""
    CREATE OR REPLACE TEMP TABLE dup AS
    WITH keys AS (SELECT nik_number, per FROM f WHERE usable AND in_scope GROUP BY ALL HAVING count(*) > 1)
    SELECT f.rowid AS rid, row_number() OVER (PARTITION BY f.nik_number, f.src, f.per ORDER BY f.rowid) AS occ,
           min(f.prio) OVER (PARTITION BY f.nik_number, f.per) AS best
    FROM f SEMI JOIN keys ON f.nik_number = keys.nik_number AND f.per = keys.per WHERE f.usable AND f.in_scope""")
    con.execute(f"""
    CREATE OR REPLACE TEMP VIEW flags AS
    SELECT {"f.row_no" if row_sql else "f.rowid + 2 AS row_no"},
      coalesce(lpad(CAST(f.nik_number AS VARCHAR), 16, '0'), f.nik_text) AS nik,
      f.* EXCLUDE ({"row_no, " if row_sql else ""}nik_number, nik_text, usable, in_scope, bad_age),
      coalesce(dup.best, f.prio) AS best,
      NOT f.valid AS invalid_nik,
      coalesce(dup.occ > 1, false) AS duplicate_within_source,
      coalesce(f.prio > dup.best, false) AS duplicate_cross_source,
      f.bad_age OR f.job NOT IN (SELECT job FROM eligible_raw) AS ineligible,
      f.bad_per OR f.bad_tgl OR f.bad_sex OR f.bad_region OR f.bad_src AS invalid_value
    FROM f LEFT JOIN dup ON dup.rid = f.rowid WHERE f.in_scope""")


def summary_sql(con) -> dict:
    """Rows flagged per check (defects), per information (:data:`.schema.INFO`), ``rows`` and ``clean``."""
    counted = (*CHECKS, *INFO)
    sums = ", ".join(f"sum(CAST({c} AS INTEGER))" for c in counted)
    anyflag = " OR ".join(CHECKS)
    row = con.execute(f"SELECT {sums}, count(*), sum(CAST(NOT ({anyflag}) AS INTEGER)) FROM flags").fetchone()
    return {c: int(row[i] or 0) for i, c in enumerate(counted)} | {"rows": int(row[-2]), "clean": int(row[-1] or 0)}


def issues_sql(params: Params) -> str:
    """One row per (row, check) flagged; the id is the salted hash of the NIK (bind ``$salt``). One scan of
    ``flags``: the flagged rows are unnested into one row per check they fail."""
    v = params.verification
    names = ", ".join(f"CASE WHEN {c} THEN '{c}' END" for c in CHECKS)
    details = " ".join(f"WHEN '{c}' THEN {DETAIL[c].format(min_age=v.min_age, max_age=v.max_age)}" for c in CHECKS)
    return (
        f'SELECT row_no AS row, "check", CASE "check" {details} END AS detail, '
        f"{salted_hash_sql('nik')} AS id_hash, {SAFE['region']} AS kode_wilayah, {SAFE['src']} AS sumber_dana, "
        f'{SAFE["per"]} AS periode FROM (SELECT *, unnest(list_filter([{names}], lambda x: x IS NOT NULL)) AS "check" '
        f'FROM flags WHERE {" OR ".join(CHECKS)}) ORDER BY row, "check"'
    )
