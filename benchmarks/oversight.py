"""Oversight at scale (issue #28): a year of invoices for 100,000 recipients (1.2 million lines) checked, hashed and
reconciled against the decree, the deaths list and the payments in at most 10 s and 2 GiB; with ``--national``,
10 million lines within 3× a bare DuckDB scan of the same CSV files.

The files are written in the templates' layout (CSV, NIK as text) by a vectorised generator (not the per-line
synthetic generator of the tests), with a few discrepancies of each kind. The timed step is what a run does:
read the CSV files, check every row of every file and across files, replace the NIK by its salted id, and run every
reconciliation (:func:`evalkit.oversight.reconcile`). Peak memory is the process's maximum resident set size.
Run: ``python benchmarks/oversight.py [--national]``; writes ``benchmarks/results/oversight.json``.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from common import ROOT, Report

CODES = ["6401", "6402", "6403", "6404", "6405", "6409", "6411", "6471", "6472", "6474"]


def write_files(folder: Path, recipients: int, seed: int = 1) -> dict[str, Path]:
    """Determined list, 12 months of invoice lines, deaths, payments and DPA for ``recipients`` persons."""
    rng = np.random.default_rng(seed)
    serial = np.arange(recipients)
    codes = np.array(CODES)[serial % len(CODES)]
    nik = np.char.add(codes, np.char.zfill((10_000_000_000 + serial * 7919 % 9_000_000_000).astype(str), 12))
    funder = np.where(rng.random(recipients) < 0.9, "apbd_prov", "apbd_kabkota")
    year = 2025
    pd.DataFrame(
        {"nik": nik, "kode_wilayah": codes, "sumber_dana": funder, "tahun": year, "tanggal_penetapan": f"{year}-01-01"}
    ).to_csv(folder / "determined.csv", index=False)
    months = np.array([f"{year}-{m:02d}" for m in range(1, 13)])
    lines = pd.DataFrame(
        {
            "nik": np.repeat(nik, 12),
            "periode": np.tile(months, recipients),
            "kode_wilayah": np.repeat(codes, 12),
            "sumber_dana": np.repeat(funder, 12),
            "iuran_jkk_rupiah": "10000",
            "iuran_jkm_rupiah": "6800",
            "status_kepesertaan": "aktif",
            "tanggal_kepesertaan": "2023-07-05",
        }
    )
    lines.loc[rng.choice(len(lines), 50, replace=False), "iuran_jkk_rupiah"] = "12000"
    lines = pd.concat([lines, lines.sample(40, random_state=seed)])  # billed twice
    lines.to_csv(folder / "invoices.csv", index=False)
    pd.DataFrame({"nik": nik[:300], "tanggal_meninggal": f"{year}-06-15"}).to_csv(folder / "deaths.csv", index=False)
    billed = lines[lines["sumber_dana"] == "apbd_prov"].groupby("periode").size() * 16_800
    pd.DataFrame(
        {
            "nomor_sp2d": [f"{i:05d}/SP2D" for i in range(12)],
            "tanggal_bayar": [f"{year}-{m:02d}-20" for m in range(2, 13)] + [f"{year}-12-28"],
            "periode": months,
            "sumber_dana": "apbd_prov",
            "kode_rekening": "5.1.06.01.01.0001",
            "jumlah_rupiah": billed.reindex(months).to_numpy(),
        }
    ).to_csv(folder / "payments.csv", index=False)
    pd.DataFrame(
        {
            "tahun": [year],
            "kode_rekening": ["5.1.06.01.01.0001"],
            "sumber_dana": ["apbd_prov"],
            "pagu_rupiah": [float(billed.sum()) * 1.1],
        }
    ).to_csv(folder / "dpa.csv", index=False)
    return {n: folder / f"{n}.csv" for n in ("determined", "invoices", "deaths", "payments", "dpa")}


def reconcile_files(paths: dict[str, Path], params) -> object:
    from evalkit.data.oversight import SCHEMAS, _raw, check_tables
    from evalkit.oversight import reconcile

    frames = {}
    for name, path in paths.items():
        df, numeric = _raw(path, path.name, SCHEMAS[name], 100_000)
        frames[name] = (df, path.name, numeric)
    return reconcile(check_tables(frames, params, "benchmark-salt-0123"), params)


def bare_scan(paths: dict[str, Path]) -> float:
    """DuckDB reading every column of every file once into memory, nothing checked or computed."""
    import duckdb

    con = duckdb.connect()
    start = time.perf_counter()
    for name, path in paths.items():
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, all_varchar = true)", [str(path)]).fetchall()
    return time.perf_counter() - start


def main() -> None:
    import evalkit

    rep = Report("oversight", "python benchmarks/oversight.py" + (" --national" if "--national" in sys.argv else ""))
    params = evalkit.load_params(ROOT / "params" / "default.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_files(Path(tmp), 100_000)
        lines = sum(1 for _ in open(paths["invoices"])) - 1
        start = time.perf_counter()
        result = reconcile_files(paths, params)
        secs = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB → GiB
        assert result.summary["double_billed"]["count"] == 40 and result.summary["amount_mismatch"]["count"] == 50
        rep.check(
            f"reconcile a year of invoices ({lines:,} lines) / 10 s",
            secs / 10,
            1.0,
            detail=f"{secs:.2f} s, peak resident memory {peak:.2f} GiB (target <= 2 GiB)",
        )
        rep.check("peak resident memory (GiB) / 2 GiB", peak / 2, 1.0)
        rep.note("year_100k", {"lines": lines, "seconds": secs, "peak_gib": peak})
    if "--national" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            paths = write_files(Path(tmp), 10_000_000 // 12)
            scan = min(bare_scan(paths) for _ in range(2))
            start = time.perf_counter()
            reconcile_files(paths, params)
            secs = time.perf_counter() - start
            rep.check(
                "national: 10 million lines / 3 x a bare DuckDB scan",
                secs / (3 * scan),
                1.0,
                detail=f"{secs:.1f} s against a bare scan of {scan:.1f} s",
            )
            rep.note("national_10m", {"seconds": secs, "bare_scan_seconds": scan})
    rep.write()


if __name__ == "__main__":
    main()
