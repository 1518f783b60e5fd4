"""Set-up and test time as a new user meets them: a clean clone, then the README's commands.

* ``make report`` in a fresh clone with **cold** package caches (an empty uv cache, pip's cache off, uv not on
  PATH: the Makefile bootstraps it with pip, creates ``.venv``, installs ``lock/run.txt``, registers the kernel
  and renders the default report).
* ``make report`` in a second fresh clone with the **warm** uv cache the first one filled.
* ``make test`` and ``make test-fast`` in that second clone (the whole suite; without the renders).

Targets (issue #32, 2 cores): cold ≤ 60 s, warm ≤ 35 s, ``make test`` ≤ 240 s, ``make test-fast`` ≤ 90 s.
Absolute times, unlike the other scripts' ratios: set-up time is what a user waits for, and these are whole
commands measured back to back on the machine at hand (its load is recorded with them). The clone is of the
committed HEAD: commit before measuring. Chromium for the browser test is taken as installed (``make browser``);
on a machine without it ``make test`` first installs it with apt.
Run: ``python benchmarks/setup.py [--skip-test]``; writes ``benchmarks/results/setup.json``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from common import ROOT, Report

TARGETS = {"report_cold": 60.0, "report_warm": 35.0, "test": 240.0, "test_fast": 90.0}


def clean_env(uv_cache: Path) -> dict:
    """The environment of a new user: no uv on PATH, an empty (or the given) uv cache, pip's cache off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_", "PYTEST", "EVALKIT_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not (Path(p) / "uv").exists())
    env.update(UV_CACHE_DIR=str(uv_cache), PIP_NO_CACHE_DIR="1")
    return env


def timed(cmd: list[str], cwd: Path, env: dict, check: bool = True) -> tuple[float, str]:
    """Seconds and output of a command; a failed set-up stops the benchmark, a failed test run is recorded."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0 and check:
        raise SystemExit(
            f"{' '.join(cmd)} failed in {cwd} (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return seconds, proc.stdout


def clone(into: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(into)], check=True)
    return into


def pytest_counts(out: str) -> str:
    """The pytest closing line's counts, e.g. '330 passed, 1 skipped'."""
    last = [line for line in out.splitlines() if re.search(r"\d+ passed", line)]
    return re.sub(r"[=]+|\bin [\d.]+s.*", "", last[-1]).strip() if last else "?"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-test", action="store_true", help="measure only the two `make report` runs")
    args = ap.parse_args()
    rep = Report("setup", "python benchmarks/setup.py")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="evalkit-setup-") as tmp:
        tmp = Path(tmp)
        uv_cache = tmp / "uv-cache"
        env = clean_env(uv_cache)
        cold, _ = timed(["make", "report"], clone(tmp / "cold"), env)
        rep.check(
            "make report, clean clone, cold caches (s)",
            cold,
            TARGETS["report_cold"],
            unit=" s",
            detail="uv bootstrapped with pip, lock/run.txt installed, kernel, default report",
        )
        warm_clone = clone(tmp / "warm")
        warm, _ = timed(["make", "report"], warm_clone, env)
        rep.check(
            "make report, clean clone, warm uv cache (s)",
            warm,
            TARGETS["report_warm"],
            unit=" s",
            detail="the same in a second clone",
        )
        rep.note("report_cold_s", cold)
        rep.note("report_warm_s", warm)
        if not args.skip_test:
            fast, out_fast = timed(["make", "test-fast"], warm_clone, env, check=False)
            rep.check("make test-fast (s)", fast, TARGETS["test_fast"], unit=" s", detail=pytest_counts(out_fast))
            full, out_full = timed(["make", "test"], warm_clone, env, check=False)
            rep.check("make test (s)", full, TARGETS["test"], unit=" s", detail=pytest_counts(out_full))
            rep.note("test_s", full)
            rep.note("test_fast_s", fast)
            rep.note("test_counts", pytest_counts(out_full))
            rep.note("test_fast_counts", pytest_counts(out_fast))
        rep.note("load_average_before", load)
        shutil.rmtree(uv_cache, ignore_errors=True)
    rep.write()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
