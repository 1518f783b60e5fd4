"""Scale of recipient verification (issue #6).

* full report (`evalkit verify`): 1,000,000 synthetic rows read from CSV and verified, in a child process whose peak
  memory (max RSS) is reported; targets: < 10 s and < 2 GiB;
* DuckDB engine (``--big``): 10,000,000 rows verified from CSV without loading into pandas, memory
  limited to 2 GB.

Run: ``python benchmarks/verify_scale.py [--rows 1000000] [--big]``. Prints seconds and ratios to the targets.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CHILD = """
import sys, time
import evalkit
from evalkit.verify import check_file
from evalkit.verify.duck import check_file_duckdb
params = evalkit.load_params(sys.argv[1])
t0 = time.perf_counter()
if sys.argv[3] == "pandas":
    r = check_file(sys.argv[2], params, salt="bench").summary  # full report: issues, clean list, churn
else:
    r = check_file_duckdb(sys.argv[2], params, sys.argv[2] + ".issues.parquet", salt="bench")
print(time.perf_counter() - t0, r["rows"], r["clean"])
"""


def make_list(path: Path, rows: int) -> None:
    from evalkit.verify import generate_recipients

    chunk, done, first = 1_000_000, 0, True
    while done < rows:
        n = min(chunk, rows - done)
        df, _ = generate_recipients(n, seed=100 + done // chunk)
        df.head(n).to_csv(path, mode="w" if first else "a", header=first, index=False)
        first, done = False, done + n


def measure(path: Path, engine: str) -> tuple[float, float, str]:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "params/default.yaml"), str(path), engine],
                          capture_output=True, text=True, check=True)
    peak_gib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    secs = float(proc.stdout.strip().splitlines()[-1].split()[0])
    return secs, peak_gib, proc.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--big", action="store_true", help="also 10,000,000 rows through DuckDB")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "recipients.csv"
        t0 = time.perf_counter()
        make_list(path, args.rows)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
        secs, peak, _ = measure(path, "pandas")
        print(f"full report (check_file) {args.rows:,} rows: {secs:6.2f} s (ratio to 10 s target {secs / 10:.2f}); "
              f"peak memory {peak:.2f} GiB (ratio to 2 GiB {peak / 2:.2f})")
        if args.big:
            big = Path(tmp) / "big.csv"
            make_list(big, 10_000_000)
            secs, peak, out = measure(big, "duckdb")
            print(f"duckdb engine 10,000,000 rows ({big.stat().st_size / 1e9:.2f} GB CSV): {secs:6.1f} s; "
                  f"peak memory of children {peak:.2f} GiB (DuckDB memory_limit 2 GB, no pandas)")


if __name__ == "__main__":
    main()
