"""Recipient verification (pandas engine): NIK structure, region, sex/birth date, duplicates, eligibility, churn.

Checks (the keys of ``VerificationReport.summary``):

* ``invalid_nik`` — not 16 digits, unknown province (PP) or Kaltim kab/kota (PPKK), kecamatan 00,
  impossible birth date (day − 40 for women), serial 0000, or a number-formatted Excel cell;
* ``region_mismatch`` — the NIK's kab/kota (PPKK) differs from ``kode_wilayah``;
* ``sex_birthdate_mismatch`` — day > 40 (woman) disagrees with ``jenis_kelamin``, or the NIK's birth date
  differs from ``tanggal_lahir``;
* ``duplicate_within_source`` — the same NIK again in the same ``sumber_dana`` and ``periode`` (every
  later occurrence is flagged);
* ``duplicate_cross_source`` — the same NIK in more than one ``sumber_dana`` in a ``periode``: the
  double-funding risk; rows of the lower-priority source (``apbd_prov`` > ``apbd_kabkota`` > ``csr``) are flagged;
* ``ineligible`` — age at the first day of ``periode`` outside ``verification.min_age``–``max_age``, or an
  occupation outside ``verification.occupations``;
* ``invalid_value`` — other columns unreadable (date format, sex code, region code, source, period).

Row numbers are the file's (header = row 1). Issues carry the salted hash of the NIK, never the NIK or
the name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from .privacy import HASH_CHARS, get_salt

REQUIRED = ["nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah", "pekerjaan", "sumber_dana", "periode"]
OPTIONAL = ["no_kpj"]
CHECKS = ("invalid_nik", "region_mismatch", "sex_birthdate_mismatch", "duplicate_within_source",
          "duplicate_cross_source", "ineligible", "invalid_value")
SOURCE_PRIORITY = {"apbd_prov": 0, "apbd_kabkota": 1, "csr": 2}


@dataclass
class VerificationReport:
    """``summary``: counts per check (plus ``rows``, ``clean``); ``issues``: one row per problem (row, check,
    column, detail, id_hash, kode_wilayah, sumber_dana, periode); ``clean``: passing records with ``id_hash``
    instead of NIK and without names; ``churn``: new/continuing/dropped per period."""

    summary: dict
    issues: pd.DataFrame
    clean: pd.DataFrame
    churn: pd.DataFrame
    engine: str = "pandas"
    by_region: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def clean_share(self) -> float:
        return self.summary["clean"] / self.summary["rows"] if self.summary["rows"] else float("nan")


def check_columns(columns, shown: str) -> None:
    cols = [str(c).strip() for c in columns]
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise DataError([Problem(shown, f"column '{c}'", "", "the required column is missing; recipient lists need "
                                 + ", ".join(REQUIRED)) for c in missing])


def check_recipients(df: pd.DataFrame, params, previous: pd.DataFrame | None = None, salt: str | None = None,
                     shown: str = "recipients") -> VerificationReport:
    """Run every check on a recipient list in memory (see the module docstring) → :class:`VerificationReport`.

    The checks run in DuckDB over the frame: the same SQL as :func:`check_file` and the large-list engine.
    """
    import duckdb

    from .duck import build_flags

    check_columns(df.columns, shown)
    con = duckdb.connect()
    con.register("input_df", df[list(REQUIRED)].assign(_row=np.arange(len(df)) + 2))
    build_flags(con, "SELECT * FROM input_df", params, row_sql="_row")
    return _report(con, params, salt, previous, "memory")


def check_file(path, params, previous: pd.DataFrame | None = None, salt: str | None = None,
               period: str | None = None) -> VerificationReport:
    """Verify a CSV/Parquet file read by DuckDB directly (fast, no pandas parsing); XLSX goes through pandas."""
    import duckdb

    from .duck import build_flags
    from .io import read_recipients

    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        df = read_recipients(path)
        if period:
            df = df[df["periode"].astype(str).str.strip() == period]
        return check_recipients(df, params, previous, salt, shown=str(path))
    reader = (f"SELECT * FROM read_parquet('{path}')" if path.suffix.lower() == ".parquet"
              else f"SELECT * FROM read_csv('{path}', all_varchar = true, header = true)")
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    check_columns([r[0] for r in con.execute(f"DESCRIBE {reader}").fetchall()], str(path))
    build_flags(con, reader, params, period)
    return _report(con, params, salt, previous, "file")


def _report(con, params, salt: str | None, previous: pd.DataFrame | None, engine: str) -> VerificationReport:
    from .duck import issues_sql, summary_sql

    salt = get_salt() if salt is None else salt
    s = salt.replace("'", "''")
    anyflag = " OR ".join(CHECKS)
    summary = summary_sql(con)
    issues = pd.DataFrame(con.execute(issues_sql(params, salt)).fetchnumpy())
    if issues.empty:
        issues = pd.DataFrame(columns=["row", "check", "detail", "id_hash", "kode_wilayah", "sumber_dana", "periode"])
    issues["row"] = issues["row"].astype("int64")
    con.execute(f"CREATE TEMP TABLE ok AS SELECT row_no, substr(sha256('{s}' || nik), 1, {HASH_CHARS}) AS id_hash, "
                f"region, src, per, sex, age, job, NOT ({anyflag}) AS clean FROM flags WHERE valid AND NOT bad_per")
    clean = pd.DataFrame(con.execute(
        "SELECT row_no AS row, id_hash, region AS kode_wilayah, src AS sumber_dana, per AS periode, sex AS jenis_kelamin, "
        "age AS usia, job AS pekerjaan FROM ok WHERE clean ORDER BY row_no").fetchnumpy())
    by_region = pd.DataFrame(con.execute(
        f"SELECT region AS kode_wilayah, count(*) AS rows, sum(CAST({anyflag} AS INTEGER)) AS flagged FROM flags "
        "GROUP BY region ORDER BY region").fetchnumpy())
    by_region["clean_share"] = 1 - by_region["flagged"] / by_region["rows"]
    con.execute("CREATE TEMP TABLE ids AS SELECT DISTINCT id_hash, per FROM ok")
    if previous is not None:
        check_columns(previous.columns, "previous list")
        con.register("prev_df", previous[["nik"]])
        con.execute(f"INSERT INTO ids SELECT DISTINCT substr(sha256('{s}' || trim(CAST(nik AS VARCHAR))), 1, "
                    f"{HASH_CHARS}), '0000-00 previous' FROM prev_df")
    churn = churn_sql(con)
    con.close()
    return VerificationReport(summary, issues, clean, churn, engine, by_region)


def churn_sql(con) -> pd.DataFrame:
    """New, continuing and dropped ids between consecutive periods of the temp table ``ids(id_hash, per)``."""
    periods = [r[0] for r in con.execute("SELECT DISTINCT per FROM ids ORDER BY per").fetchall()]
    rows = []
    for a, b in zip(periods[:-1], periods[1:]):
        cont, new, dropped = con.execute(
            "SELECT count(*) FILTER (WHERE in_a AND in_b), count(*) FILTER (WHERE in_b AND NOT in_a), "
            "count(*) FILTER (WHERE in_a AND NOT in_b) FROM (SELECT id_hash, bool_or(per = $a) AS in_a, "
            "bool_or(per = $b) AS in_b FROM ids WHERE per IN ($a, $b) GROUP BY id_hash)", {"a": a, "b": b}).fetchone()
        rows.append({"from": a.replace("0000-00 ", ""), "to": b, "continuing": cont, "new": new, "dropped": dropped})
    return pd.DataFrame(rows, columns=["from", "to", "continuing", "new", "dropped"])


