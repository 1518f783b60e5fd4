"""Recipient verification: run the checks (:mod:`.sql`) on a frame or a file → :class:`VerificationReport`.

Checks (the keys of ``VerificationReport.summary``, listed in :data:`.schema.CHECKS`):

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

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.hashing import salted_hash_sql
from ..core.salt import get_salt
from ..errors import DataError, Problem
from .io import read_recipients
from .schema import CHECKS, REQUIRED, check_columns
from .sql import build_flags, issues_sql, summary_sql

ISSUE_COLUMNS = ["row", "check", "detail", "id_hash", "kode_wilayah", "sumber_dana", "periode"]


@dataclass
class VerificationReport:
    """``summary``: counts per check (plus ``rows``, ``clean``); ``issues``: one row per problem (row, check,
    detail, id_hash, kode_wilayah, sumber_dana, periode); ``clean``: passing records with ``id_hash``
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


def _connect():
    import duckdb

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    return con


def _reader(path: Path) -> str:
    return (f"SELECT * FROM read_parquet('{path}')" if path.suffix.lower() == ".parquet"
            else f"SELECT * FROM read_csv('{path}', all_varchar = true, header = true)")


def check_recipients(df: pd.DataFrame, params, previous: pd.DataFrame | None = None, salt: str | None = None,
                     shown: str = "recipients") -> VerificationReport:
    """Run every check on a recipient list in memory (see the module docstring) → :class:`VerificationReport`.

    The checks run in DuckDB over the frame: the same SQL as :func:`check_file` and the large-list engine.
    """
    check_columns(df.columns, shown)
    con = _connect()
    con.register("input_df", df[list(REQUIRED)].assign(_row=np.arange(len(df)) + 2))
    build_flags(con, "SELECT * FROM input_df", params, row_sql="_row")
    return _report(con, params, salt, previous, "memory")


def check_file(path, params, previous: pd.DataFrame | None = None, salt: str | None = None,
               period: str | None = None) -> VerificationReport:
    """Verify a CSV/Parquet file read by DuckDB directly (fast, no pandas parsing); XLSX goes through pandas."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        df = read_recipients(path)
        if period:
            df = df[df["periode"].astype(str).str.strip() == period]
        return check_recipients(df, params, previous, salt, shown=str(path))
    reader = _reader(path)
    con = _connect()
    check_columns([r[0] for r in con.execute(f"DESCRIBE {reader}").fetchall()], str(path))
    build_flags(con, reader, params, period)
    return _report(con, params, salt, previous, "file")


def check_file_duckdb(path: str | Path, params, issues_path: str | Path | None = None, salt: str | None = None,
                      memory_limit: str = "2GB", period: str | None = None) -> dict:
    """Verify a CSV or Parquet file with DuckDB out of core; return the summary and write issues to
    ``issues_path`` (Parquet)."""
    path = Path(path)
    salt = get_salt() if salt is None else salt
    con = _connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = '{Path(tempfile.gettempdir()) / 'evalkit-duckdb'}'")  # spill outside the project
    reader = _reader(path)
    cols = [r[0] for r in con.execute(f"DESCRIBE {reader}").fetchall()]
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise DataError([Problem(str(path), f"column '{c}'", "", "the required column is missing") for c in missing])
    build_flags(con, reader, params, period)
    summary = summary_sql(con)
    if issues_path is not None:
        con.execute(f"CREATE TEMP TABLE issues AS {issues_sql(params)}", {"salt": salt})
        con.execute(f"COPY issues TO '{issues_path}' (FORMAT PARQUET)")
    con.close()
    return summary


def _report(con, params, salt: str | None, previous: pd.DataFrame | None, engine: str) -> VerificationReport:
    salt = get_salt() if salt is None else salt
    bind = {"salt": salt}
    anyflag = " OR ".join(CHECKS)
    summary = summary_sql(con)
    issues = pd.DataFrame(con.execute(issues_sql(params), bind).fetchnumpy())
    if issues.empty:
        issues = pd.DataFrame(columns=ISSUE_COLUMNS)
    issues["row"] = issues["row"].astype("int64")
    con.execute(f"CREATE TEMP TABLE ok AS SELECT row_no, {salted_hash_sql('nik')} AS id_hash, "
                f"region, src, per, sex, age, job, NOT ({anyflag}) AS clean FROM flags WHERE valid AND NOT bad_per",
                bind)
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
        con.execute(f"INSERT INTO ids SELECT DISTINCT {salted_hash_sql('trim(CAST(nik AS VARCHAR))')}, "
                    "'0000-00 previous' FROM prev_df", bind)
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
