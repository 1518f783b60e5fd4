"""Recipient verification: run the checks (:mod:`.sql`) on a frame or a file → :class:`VerificationReport`.

Checks (the keys of ``VerificationReport.summary``, listed in :data:`.schema.CHECKS`):

* ``invalid_nik`` — not 16 digits, unknown province (PP) or Kaltim kab/kota (PPKK) in **Kemendagri** codes (the
  codes Dukcapil puts in a NIK, which differ from BPS codes for several Kaltim kab/kota and the Papua provinces),
  kecamatan 00, impossible birth date (day − 40 for women), serial 0000, or a number-formatted Excel cell;
* ``sex_birthdate_mismatch`` — day > 40 (woman) disagrees with ``jenis_kelamin``, or the NIK's birth date
  differs from ``tanggal_lahir``;
* ``duplicate_within_source`` — the same NIK again in the same ``sumber_dana`` and ``periode`` (every
  later occurrence is flagged);
* ``duplicate_cross_source`` — the same NIK in more than one ``sumber_dana`` in a ``periode``: the
  double-funding risk; rows of the lower-priority source (``apbd_prov`` > ``apbd_kabkota`` > ``csr``) are flagged;
* ``ineligible`` — age at the first day of ``periode`` outside ``verification.min_age``–``max_age``, or an
  occupation outside ``verification.occupations``;
* ``invalid_value`` — other columns unreadable (date format, sex code, region code, source, period).

Information, not a defect (``summary["nik_region_other"]``): the NIK was issued in another kab/kota or province
than the BPS ``kode_wilayah`` the worker is listed in — a NIK is for life (UU 24/2013), and migrants are normal.

Row numbers are the file's (header = row 1). Issues carry the salted hash of the NIK, never the NIK or
the name.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..core.hashing import salted_hash_sql
from ..core.salt import get_salt
from ..data.loaders import ARCHIVE, is_archive
from ..errors import DataError, Problem
from .io import read_recipients
from .schema import CHECKS, check_columns, check_period, source_column
from .sql import SAFE, build_flags, issues_sql, mapped_source, register_frame, summary_sql

if TYPE_CHECKING:
    from ..params.schema import Params

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


def _connect(**config):
    import duckdb

    con = duckdb.connect(config={"preserve_insertion_order": True, **config})
    try:
        con.execute("SET enable_progress_bar = false")  # never draw on the user's terminal
    except duckdb.Error:  # inside Jupyter DuckDB refuses to change the setting without ipywidgets: nothing to hide
        pass
    return con


def _flag_file(con, path: Path, params: Params, period: str | None) -> None:
    """Read a CSV/Parquet file through DuckDB's Python API (the path is an argument, never spliced into SQL: a file
    named ``Jum'at.csv`` or a crafted name is only a name), map its layout (``verification.mapping``) and build the
    ``flags`` table. Read errors surface while the flags are built and never echo the file's content."""
    import duckdb

    mapping = params.verification.mapping
    try:
        rel = (
            con.read_parquet(str(path))
            if path.suffix.lower() == ".parquet"
            else con.read_csv(str(path), all_varchar=True, header=True)
        )
        rel.create_view("input_file")
        columns = [r[0] for r in con.execute("DESCRIBE SELECT * FROM input_file").fetchall()]
        check_columns(columns, str(path), mapping)
        source, bound = mapped_source("SELECT * FROM input_file", columns, mapping)
        build_flags(con, source, params, period, bound=bound)
    except duckdb.Error as exc:
        raise _unreadable(path, exc) from None
    _rows_in_period(con, period, str(path))


def _unreadable(path: Path, exc: Exception) -> DataError:
    """A DuckDB read error as a message that never echoes the file's content (DuckDB quotes offending lines)."""
    text = str(exc).lower()
    try:
        with open(path, "rb") as fh:
            magic = fh.read(6)
    except OSError:
        magic = b""
    if is_archive(magic):
        return DataError([Problem(str(path), "file", "", ARCHIVE)])
    if "newline" in text or "new line" in text:
        return DataError(
            [Problem(str(path), "header", "", "a column name holds a line break: keep each column name on one line")]
        )
    why = (
        "the file is not UTF-8 text (Excel's plain 'CSV' is Windows-1252): save it as 'CSV UTF-8'"
        if "unicode" in text or "utf" in text or "encoding" in text
        else f"the file cannot be read as CSV/Parquet ({type(exc).__name__}); check separators, quotes and the header"
    )
    return DataError([Problem(str(path), "file", "", why)])


def _rows_in_period(con, period: str | None, shown: str) -> None:
    if period and not con.execute("SELECT count(*) FROM flags").fetchone()[0]:
        raise DataError([Problem(shown, "--period", period, "no row of the list has this periode; check the month")])


def check_recipients(
    df: pd.DataFrame,
    params: Params,
    previous: pd.DataFrame | None = None,
    salt: str | None = None,
    shown: str = "recipients",
) -> VerificationReport:
    """Run every check on a recipient list in memory (see the module docstring) → :class:`VerificationReport`.

    The checks run in DuckDB over the frame: the same SQL as :func:`check_file` and the large-list engine.
    """
    mapping = params.verification.mapping
    check_columns(df.columns, shown, mapping)
    con = _connect()
    source, bound = register_frame(con, df, mapping)
    build_flags(con, source, params, row_sql="_row", bound=bound)
    return _report(con, params, salt, previous, "memory")


def check_file(
    path,
    params: Params,
    previous: pd.DataFrame | None = None,
    salt: str | None = None,
    period: str | None = None,
    issues_csv: Path | None = None,
    issues_limit: int | None = None,
    with_clean: bool = True,
) -> VerificationReport:
    """Verify a CSV/Parquet file read by DuckDB directly (fast, no pandas parsing); XLSX goes through pandas.
    ``issues_csv``, ``issues_limit``, ``with_clean``: see :func:`_report`."""
    path = Path(path)
    check_period(period, str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        df = read_recipients(path, mapping=params.verification.mapping)
        if period:
            df = df[df[source_column("periode", params.verification.mapping)].astype(str).str.strip() == period]
            if df.empty:
                raise DataError([Problem(str(path), "--period", period, "no row of the list has this periode")])
        report = check_recipients(df, params, previous, salt, shown=str(path))
        if issues_csv is not None:
            report.issues.to_csv(issues_csv, index=False)
            report.issues = report.issues.head(issues_limit)
        return report
    con = _connect()
    _flag_file(con, path, params, period)
    return _report(con, params, salt, previous, "file", issues_csv, issues_limit, with_clean)


def check_file_duckdb(
    path: str | Path,
    params: Params,
    issues_path: str | Path | None = None,
    salt: str | None = None,
    memory_limit: str = "2GB",
    period: str | None = None,
) -> dict:
    """Verify a CSV or Parquet file with DuckDB out of core; return the summary and write issues to
    ``issues_path`` (CSV when it ends in ``.csv``, else Parquet)."""
    path = Path(path)
    check_period(period, str(path))
    salt = get_salt() if salt is None else salt
    # spill outside the project; settings are connection options, not SQL text
    con = _connect(memory_limit=memory_limit, temp_directory=str(Path(tempfile.gettempdir()) / "evalkit-duckdb"))
    _flag_file(con, path, params, period)
    summary = summary_sql(con)
    if issues_path is not None:
        con.execute(f"CREATE TEMP TABLE issues AS {issues_sql(params)}", {"salt": salt})
        issues = con.table("issues")
        issues.write_csv(str(issues_path)) if Path(issues_path).suffix.lower() == ".csv" else issues.write_parquet(
            str(issues_path)
        )
    con.close()
    return summary


def _report(
    con,
    params: Params,
    salt: str | None,
    previous: pd.DataFrame | None,
    engine: str,
    issues_csv: Path | None = None,
    issues_limit: int | None = None,
    with_clean: bool = True,
) -> VerificationReport:
    """Summary, issues, clean records, by-region counts and churn from the ``flags`` table. With ``issues_csv``
    every issue is streamed to that CSV by DuckDB and only the first ``issues_limit`` are returned; without
    ``with_clean`` the clean records are not fetched (``evalkit verify`` does not publish them)."""
    salt = get_salt() if salt is None else salt
    bind = {"salt": salt}
    anyflag = " OR ".join(CHECKS)
    summary = summary_sql(con)
    if issues_csv is not None:
        con.execute(f"CREATE TEMP TABLE issues AS {issues_sql(params)}", bind)
        con.table("issues").write_csv(str(issues_csv))
        issues = con.execute("SELECT * FROM issues LIMIT $n", {"n": issues_limit or 2**62}).df()
    else:
        issues = con.execute(issues_sql(params), bind).df()
    if issues.empty:
        issues = pd.DataFrame(columns=ISSUE_COLUMNS)
    issues["row"] = issues["row"].astype("int64")
    con.execute(
        f"CREATE TEMP TABLE ok AS SELECT row_no, {salted_hash_sql('nik')} AS id_hash, "
        f"region, src, per, sex, age, job, NOT ({anyflag}) AS clean FROM flags WHERE valid AND NOT bad_per",
        bind,
    )
    clean = con.execute(
        "SELECT row_no AS row, id_hash, region AS kode_wilayah, src AS sumber_dana, per AS periode, sex AS jenis_kelamin, "
        "age AS usia, job AS pekerjaan FROM ok WHERE clean " + ("" if with_clean else "AND false ") + "ORDER BY row_no"
    ).df()
    by_region = pd.DataFrame(
        con.execute(
            f"SELECT {SAFE['region']} AS kode_wilayah, count(*) AS rows, sum(CAST({anyflag} AS INTEGER)) AS flagged "
            "FROM flags GROUP BY 1 ORDER BY 1"
        ).fetchnumpy()
    )
    by_region["clean_share"] = 1 - by_region["flagged"] / by_region["rows"]
    con.execute("CREATE TEMP TABLE ids AS SELECT DISTINCT id_hash, per FROM ok")
    if previous is not None:
        check_columns(previous.columns, "previous list", params.verification.mapping)
        con.register("prev_df", previous[[source_column("nik", params.verification.mapping)]].set_axis(["nik"], axis=1))
        con.execute(
            f"INSERT INTO ids SELECT DISTINCT {salted_hash_sql('trim(CAST(nik AS VARCHAR))')}, "
            "'0000-00 previous' FROM prev_df",
            bind,
        )
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
            "bool_or(per = $b) AS in_b FROM ids WHERE per IN ($a, $b) GROUP BY id_hash)",
            {"a": a, "b": b},
        ).fetchone()
        rows.append({"from": a.replace("0000-00 ", ""), "to": b, "continuing": cont, "new": new, "dropped": dropped})
    return pd.DataFrame(rows, columns=["from", "to", "continuing", "new", "dropped"])
