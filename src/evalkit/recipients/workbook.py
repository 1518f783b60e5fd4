"""``evalkit verify``: check a recipient list and write the data officers' workbook.

Writes ``<outputs>/verify/<file stem>-<timestamp>/`` (atomically: built in a hidden folder, then renamed)
with ``verifikasi.xlsx`` — sheets Ringkasan (summary), Masalah (issues: row, check, detail, hashed id; the first
:data:`EXCEL_ISSUE_ROWS`), Churn and Per kab-kota — plus ``masalah.csv`` (every issue) and ``summary.json``. Raw NIK and names never leave.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..core.publish import building, clean_stale, probe_writable, publish_unique
from ..core.salt import salt_fingerprint
from ..core.xlsx import write_text_safe
from ..errors import DataError, OutputsError, Problem
from .engine import check_file, check_file_duckdb
from .io import count_rows, read_recipients

EXCEL_ISSUE_ROWS = 5_000
"""Issues shown in the workbook's Masalah sheet; all of them are in ``masalah.csv`` beside it (a list where most
rows are flagged needs fixing at the source, not row by row in Excel)."""


def verify_to_workbook(file, params, *, outputs: str | Path = "outputs", period: str | None = None,
                       previous: str | Path | None = None, engine: str = "auto") -> tuple[dict, Path]:
    """Verify ``file`` with the rules in ``params.verification``; return the summary and the workbook path.

    ``engine``: ``auto`` (DuckDB above ``verification.duckdb_threshold_rows``), ``pandas`` or ``duckdb``.
    """
    path = Path(file)
    if not path.is_file():
        raise DataError([Problem(str(path), "file", "", "the recipient list does not exist")])
    if engine == "auto":
        engine = "duckdb" if count_rows(path) > params.verification.duckdb_threshold_rows else "pandas"
    if engine == "duckdb" and path.suffix.lower() not in (".csv", ".txt", ".parquet"):
        raise DataError([Problem(str(path), "file", repr(path.suffix), "the DuckDB engine reads CSV or Parquet")])
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out_root = Path(outputs) / "verify"
    try:
        probe_writable(out_root)
    except OSError as exc:
        raise OutputsError([Problem(str(out_root), "outputs folder", "",
                                    f"the workbook cannot be written there ({exc.strerror or exc}); choose another "
                                    "folder with --outputs, or fix its permissions or free disk space")])
    clean_stale(out_root)
    with building(out_root, f"{path.stem}-{stamp}") as tmp:
        if engine == "duckdb":
            summary = check_file_duckdb(path, params, tmp / "masalah.csv", period=period)
            issues = pd.read_csv(tmp / "masalah.csv", nrows=EXCEL_ISSUE_ROWS + 1, dtype={"row": "int64"},
                                 keep_default_na=False)
            churn = pd.DataFrame()
            by_region = pd.DataFrame()
        else:
            before = read_recipients(previous, mapping=params.verification.mapping) if previous else None
            report = check_file(path, params, previous=before, period=period, issues_csv=tmp / "masalah.csv",
                                issues_limit=EXCEL_ISSUE_ROWS + 1, with_clean=False)
            summary, issues, churn, by_region = report.summary, report.issues, report.churn, report.by_region
        # the salt's fingerprint (never the salt): hashed ids of two workbooks match only when it is the same
        summary = {"file": str(path), "engine": engine, "period": period, "salt_fingerprint": salt_fingerprint()} | summary
        if len(issues) > EXCEL_ISSUE_ROWS:
            summary["issues_in_workbook"] = f"the first {EXCEL_ISSUE_ROWS:,}; all in masalah.csv"
        sheets = {"Ringkasan": pd.DataFrame({"pemeriksaan / check": list(summary),
                                             "jumlah / count": list(summary.values())}),
                  "Masalah": issues.head(EXCEL_ISSUE_ROWS), "Churn": churn, "Per kab-kota": by_region}
        write_text_safe(tmp / "verifikasi.xlsx", {k: v for k, v in sheets.items() if k in ("Ringkasan", "Masalah")
                                                  or len(v)})
        (tmp / "summary.json").write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
        final = publish_unique(tmp, out_root, f"{path.stem}-{stamp}")
    return summary, final / "verifikasi.xlsx"
