"""``evalkit verify FILE [--period YYYY-MM] [--previous OLD] [--engine auto|pandas|duckdb]``.

Writes ``<out>/<file stem>-<timestamp>/`` (atomically: built in a hidden folder, then renamed) with
``verifikasi.xlsx`` — sheets Ringkasan (summary), Masalah (issues: row, check, detail, hashed id),
Churn and Per kab-kota — plus ``summary.json``; prints the summary. Raw NIK and names never leave.
"""
from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..errors import DataError, Problem

EXCEL_MAX_ROWS = 1_048_000


def run_verify(args) -> int:
    from .. import load_params
    from .checks import check_file
    from .duck import check_file_duckdb
    from .io import count_rows, read_recipients

    params = load_params(args.params)
    path = Path(args.file)
    if not path.is_file():
        raise DataError([Problem(str(path), "file", "", "the recipient list does not exist")])
    engine = args.engine
    if engine == "auto":
        engine = "duckdb" if count_rows(path) > params.verification.duckdb_threshold_rows else "pandas"
    if engine == "duckdb" and path.suffix.lower() not in (".csv", ".txt", ".parquet"):
        raise DataError([Problem(str(path), "file", repr(path.suffix), "the DuckDB engine reads CSV or Parquet")])
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out_root = Path(args.outputs) / "verify"
    out_root.mkdir(parents=True, exist_ok=True)
    tmp = out_root / f".partial-{path.stem}-{stamp}-{os.getpid()}"
    tmp.mkdir()
    try:
        if engine == "duckdb":
            summary = check_file_duckdb(path, params, tmp / "issues.parquet", period=args.period)
            import duckdb

            issues = duckdb.sql(f"SELECT * FROM read_parquet('{tmp / 'issues.parquet'}') LIMIT {EXCEL_MAX_ROWS}").df()
            churn = pd.DataFrame()
            by_region = pd.DataFrame()
        else:
            previous = read_recipients(args.previous) if args.previous else None
            report = check_file(path, params, previous=previous, period=args.period)
            summary, issues, churn, by_region = report.summary, report.issues, report.churn, report.by_region
        summary = {"file": str(path), "engine": engine, "period": args.period} | summary
        with pd.ExcelWriter(tmp / "verifikasi.xlsx", engine="openpyxl") as xl:
            pd.DataFrame({"pemeriksaan / check": list(summary), "jumlah / count": list(summary.values())}) \
                .to_excel(xl, sheet_name="Ringkasan", index=False)
            issues.head(EXCEL_MAX_ROWS).to_excel(xl, sheet_name="Masalah", index=False)
            if len(churn):
                churn.to_excel(xl, sheet_name="Churn", index=False)
            if len(by_region):
                by_region.to_excel(xl, sheet_name="Per kab-kota", index=False)
        (tmp / "summary.json").write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
        final = out_root / f"{path.stem}-{stamp}"
        n = 1
        while final.exists():
            n += 1
            final = out_root / f"{path.stem}-{stamp}-{n}"
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    width = max(len(k) for k in summary)
    for k, v in summary.items():
        print(f"{k:<{width}}  {v}")
    print(final / "verifikasi.xlsx")
    return 0
