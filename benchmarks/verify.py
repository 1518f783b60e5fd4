"""Recipient verification at scale: the one-million-row full report, and how the DuckDB path grows to 10^7.

* **Full report** (``evalkit.recipients.check_file``: every check, hashed clean list, churn) on 1,000,000
  synthetic rows read from CSV, in a child process: time against the 10 s target and peak memory (the
  child's own peak RSS, VmHWM) against 2 GiB (issue #6).
* **evalkit verify end to end** (checks, ``masalah.csv``, workbook) on the 1,000,000-row list and on a copy where
  every row is flagged (ineligible occupation): time against 10 s, peak memory against 2 GiB (issue #14).
* **Growth** of the DuckDB engine (``check_file_duckdb``: the list never enters pandas) at 10^5, 10^6
  and 10^7 rows: seconds, peak memory and the log-log slope between sizes (1 = linear); at the largest size
  its time over a bare DuckDB scan of the same file (all fields read) against 3×.

The lists: one seeded 1,000,000-row list (``generate_recipients``, 1% of rows per defect kind); its
first 100,000 rows; and ten copies of it with the NIK serial number shifted per copy (written by
DuckDB), so the 10^7 list has the same columns and defect mix (its copies of invalid NIKs also count as
duplicates). Run: ``python benchmarks/verify.py [--max-rows 10000000]``; writes ``results/verify.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from common import ROOT, Report

CHILD = """
import json, sys, time
import evalkit
from evalkit.recipients import check_file
from evalkit.recipients.engine import check_file_duckdb
params = evalkit.load_params(sys.argv[1])
t0 = time.perf_counter()
if sys.argv[3] == "scan":  # the floor: DuckDB reading every field of the same file, nothing else
    import duckdb
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    rel = con.read_csv(sys.argv[2], all_varchar=True, header=True)
    every_field = " + ".join(f"length({duckdb.ColumnExpression(c)})" for c in rel.columns)
    n = con.execute(f"SELECT count(*), sum({every_field}) FROM rel").fetchone()[0]
    r = {"rows": n, "clean": 0}
elif sys.argv[3] == "full":
    r = check_file(sys.argv[2], params, salt="bench").summary
elif sys.argv[3] == "workbook":  # evalkit verify end to end: checks, masalah.csv, the workbook
    from evalkit.report.officer import verify_to_workbook
    import tempfile
    r, _ = verify_to_workbook(sys.argv[2], params, outputs=tempfile.mkdtemp(prefix="evalkit-bench-"))
else:
    r = check_file_duckdb(sys.argv[2], params, sys.argv[2] + ".issues.parquet", salt="bench")
secs = time.perf_counter() - t0
# VmHWM: this process's own peak RSS (ru_maxrss would include the parent's peak, inherited at fork)
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": secs, "rows": r["rows"], "clean": r["clean"], "peak_gib": hwm / 1024**2}))
"""


def measure(path: Path, engine: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "params" / "default.yaml"), str(path), engine],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def make_lists(folder: Path, max_rows: int) -> dict[int, Path]:
    import duckdb

    from evalkit.recipients import generate_recipients

    t0 = time.perf_counter()
    base, _ = generate_recipients(1_000_000, seed=2026)
    base = base.head(1_000_000)
    paths = {10**6: folder / "r1e6.csv", 10**5: folder / "r1e5.csv"}
    base.to_csv(paths[10**6], index=False)
    base.head(10**5).to_csv(paths[10**5], index=False)
    if max_rows >= 10**7:
        paths[10**7] = folder / "r1e7.csv"
        con = duckdb.connect()
        con.execute("SET enable_progress_bar=false")
        shifted = (
            "CASE WHEN regexp_full_match(nik, '[0-9]{16}') THEN substr(nik, 1, 12) || "
            "lpad(CAST((CAST(substr(nik, 13, 4) AS INTEGER) + k * 997) % 9999 + 1 AS VARCHAR), 4, '0') "
            "ELSE nik END"
        )
        con.execute(
            f"COPY (SELECT {shifted} AS nik, * EXCLUDE (nik, k) FROM read_csv('{paths[10**6]}', "
            f"all_varchar=true) CROSS JOIN range(10) t(k)) TO '{paths[10**7]}' (HEADER, DELIMITER ',')"
        )
        con.close()
    print(
        f"  lists written in {time.perf_counter() - t0:.0f} s: "
        + ", ".join(f"{n:,} rows {p.stat().st_size / 1e6:.0f} MB" for n, p in sorted(paths.items())),
        flush=True,
    )
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-rows", type=int, default=10**7, choices=[10**6, 10**7])
    args = ap.parse_args()
    rep = Report("verify", "python benchmarks/verify.py" + ("" if args.max_rows == 10**7 else " --max-rows 1000000"))
    with tempfile.TemporaryDirectory(prefix="evalkit-verify-") as tmp:
        paths = make_lists(Path(tmp), args.max_rows)
        full = measure(paths[10**6], "full")
        rep.note("full_report_1e6", full)
        rep.check(
            "full report, 1,000,000 rows from CSV (s)",
            full["seconds"],
            10.0,
            unit="s",
            detail=f"{full['rows']:,} rows, {full['clean']:,} clean",
        )
        rep.check("full report, 1,000,000 rows: peak memory (GiB)", full["peak_gib"], 2.0, unit="GiB")
        flagged = Path(tmp) / "flagged1e6.csv"
        pd.read_csv(paths[10**6], dtype=str, keep_default_na=False).assign(pekerjaan="PEGAWAI NEGERI SIPIL").to_csv(
            flagged, index=False
        )
        for label, path in (("clean-ish", paths[10**6]), ("every row flagged", flagged)):
            wb = measure(path, "workbook")
            rep.check(f"evalkit verify to workbook, 1,000,000 rows, {label} (s)", wb["seconds"], 10.0, unit="s")
            rep.check(
                f"evalkit verify to workbook, 1,000,000 rows, {label}: peak memory (GiB)",
                wb["peak_gib"],
                2.0,
                unit="GiB",
            )
        growth = {}
        for n, path in sorted(paths.items()):
            growth[n] = measure(path, "duckdb")
            rep.check(
                f"DuckDB engine, {n:,} rows (s)",
                growth[n]["seconds"],
                None,
                unit="s",
                detail=f"peak {growth[n]['peak_gib']:.2f} GiB, {growth[n]['rows']:,} rows checked",
            )
        sizes = sorted(growth)
        for a, b in zip(sizes, sizes[1:]):
            slope = math.log(growth[b]["seconds"] / growth[a]["seconds"]) / math.log(b / a)
            rep.check(
                f"DuckDB time growth {a:.0e} -> {b:.0e} rows (log-log slope)", slope, None, unit="", detail="1 = linear"
            )
        rep.note("duckdb_growth", {str(n): v for n, v in growth.items()})
        largest = max(paths)
        scan = measure(paths[largest], "scan")
        ratio = growth[largest]["seconds"] / scan["seconds"]
        rep.check(
            f"DuckDB engine / bare DuckDB scan, {largest:,} rows (ratio)",
            ratio,
            3.0,
            unit="x",
            detail=f"scan {scan['seconds']:.1f} s, engine {growth[largest]['seconds']:.1f} s",
        )
    rep.write()


if __name__ == "__main__":
    main()
