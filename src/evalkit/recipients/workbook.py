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

from ..core.privacy import suppress
from ..core.publish import building, clean_stale, probe_writable, publish_unique
from ..core.salt import salt_fingerprint
from ..core.xlsx import write_text_safe
from ..errors import DataError, OutputsError, Problem
from ..reference import regions
from .determination import REASONS, determine
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


#: Decree-annex columns, in Bahasa Indonesia (the annex is an Indonesian legal document).
ANNEX_COLUMNS = {"rank": "urutan", "id_hash": "id_tersamar", "sumber_dana": "sumber_dana", "status": "status",
                 "row": "baris_usulan"}
STATUS_ID = {"determined": "ditetapkan", "reserve": "cadangan", "not_selected": "tidak terpilih (kuota penuh)",
             "excluded": "dikecualikan"}
SYNTHETIC_NOTE = "DATA SINTETIS / SYNTHETIC DATA — bukan data nyata"


def read_quotas(path: str | Path) -> dict[str, int]:
    """Quotas (persons per kab/kota) from a CSV: ``kode_wilayah, kuota`` or a budget allocation table
    (``region_code, recipients``: ``tables/03-budget-allocation__allocation.csv`` of a run; its SYNTHETIC DATA first
    line is skipped). Each quota must be a whole number written as digits."""
    path = Path(path)
    if not path.is_file():
        raise DataError([Problem(str(path), "file", "", "the quota file does not exist")])
    if path.stat().st_size > 1_000_000:
        raise DataError([Problem(str(path), "file", "", "a quota file has one row per kab/kota; this one is over 1 MB")])
    with open(path, encoding="utf-8-sig") as fh:
        skip = 1 if fh.readline().startswith("#") else 0
    try:
        df = pd.read_csv(path, dtype=str, skiprows=skip, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError([Problem(str(path), "file", "", f"not a readable UTF-8 CSV ({type(exc).__name__})")]) from None
    if {"region_code", "recipients"} <= set(df.columns):
        df = df.rename(columns={"region_code": "kode_wilayah", "recipients": "kuota"})
    if not {"kode_wilayah", "kuota"} <= set(df.columns):
        raise DataError([Problem(str(path), "columns", "", "needs the columns kode_wilayah and kuota (or region_code "
                                 "and recipients, as in a budget allocation table)")])
    problems = [Problem(str(path), f"row {i + 2 + skip}, column 'kuota'", "", "must be a whole number of persons")
                for i, v in enumerate(df["kuota"]) if not str(v).strip().isdigit()]
    if problems:
        raise DataError(problems)
    return {str(code): int(quota) for code, quota in zip(df["kode_wilayah"], df["kuota"])}


def determine_to_workbooks(file, params, quotas: dict[str, int], period: str, *, outputs: str | Path = "outputs",
                           members=None, deaths=None, asn=None, previous=None, synthetic: bool = False) -> Path:
    """Run :func:`.determination.determine` on the proposals in ``file`` and publish
    ``<outputs>/penetapan/<period>-<timestamp>/``: ``lampiran_<kode>.xlsx`` per kab/kota (sheet Lampiran: the
    determined and reserve recipients by rank, salted ids only — the decree annex; sheet Ringkasan: counts) and
    ``ringkasan.xlsx`` (every kab/kota, excluded rows per reason, small counts suppressed). Every sheet is stamped
    when the proposals are synthetic (``synthetic``, or a ``data_label`` column saying SYNTHETIC DATA on every
    row). The officer joins names back from their own proposal file through
    ``baris_usulan`` (the row number); evalkit never writes a NIK or a name."""
    path = Path(file)
    if not path.is_file():
        raise DataError([Problem(str(path), "file", "", "the proposal list does not exist")])
    mapping = params.verification.mapping
    proposals = read_recipients(path, mapping=mapping)
    ref = {name: read_recipients(Path(f), mapping=mapping if name == "previous" else None)
           for name, f in (("members", members), ("deaths", deaths), ("asn", asn), ("previous", previous)) if f}
    result = determine(proposals, params, quotas, period, salt=None, **ref)
    synthetic = synthetic or ("data_label" in proposals.columns
                              and bool(proposals["data_label"].eq("SYNTHETIC DATA").all()))
    names = regions().set_index("code")["name"]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out_root = Path(outputs) / "penetapan"
    probe_writable(out_root)
    clean_stale(out_root)
    threshold = params.report.suppress_below
    with building(out_root, f"{period}-{stamp}") as tmp:
        summary = result.summary.copy()
        summary.insert(1, "nama_wilayah", summary["kode_wilayah"].map(names).fillna(""))
        shown = suppress(summary, tuple(c for c in summary.columns if c.startswith("excluded_")), threshold)
        for code, rows in result.lists.groupby("kode_wilayah"):
            if code not in quotas:
                continue
            annex = rows[rows["status"].isin(["determined", "reserve"])].sort_values("rank")
            annex = annex.assign(status=annex["status"].map(STATUS_ID))[list(ANNEX_COLUMNS)].rename(columns=ANNEX_COLUMNS)
            write_text_safe(tmp / f"lampiran_{code}.xlsx",
                            _stamped({"Lampiran": annex, "Ringkasan": shown[shown["kode_wilayah"] == code]}, synthetic))
        write_text_safe(tmp / "ringkasan.xlsx",
                        _stamped({"Ringkasan": shown, "Alasan": pd.DataFrame({"alasan / reason": list(REASONS)})},
                                 synthetic))
        (tmp / "summary.json").write_text(json.dumps({"file": str(path), "period": period, "synthetic": synthetic,
                                                      "salt_fingerprint": salt_fingerprint(),
                                                      "ranking": list(params.verification.determination.ranking),
                                                      "quota": int(sum(quotas.values())),
                                                      "determined": int(summary["determined"].sum())}, indent=1),
                                          encoding="utf-8")
        final = publish_unique(tmp, out_root, f"{period}-{stamp}")
    return final


def _stamped(sheets: dict[str, pd.DataFrame], synthetic: bool) -> dict[str, pd.DataFrame]:
    """``sheets`` as they are for real data; for synthetic data a first sheet saying so and, on every other sheet,
    a first column saying SYNTHETIC DATA on every row (a sheet without rows gets one row with the stamp)."""
    if not synthetic:
        return sheets
    stamped = {"DATA SINTETIS": pd.DataFrame({"catatan / note": [SYNTHETIC_NOTE]})}
    for name, frame in sheets.items():
        stamped[name] = (frame.assign(**{"DATA SINTETIS": "SYNTHETIC DATA"})[["DATA SINTETIS", *frame.columns]]
                         if len(frame) else pd.DataFrame({"DATA SINTETIS": ["SYNTHETIC DATA"]}))
    return stamped
