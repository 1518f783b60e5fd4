"""What every benchmark script shares: timing, the pass/fail line, and ``benchmarks/results/<area>.json``.

The machines are shared and noisy, so every figure is a ratio against a floor or a reference measured
in the same run, and every timing is the best (minimum) of a few repeats unless stated otherwise.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "src"))


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Fastest of ``repeat`` calls, seconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def machine() -> dict:
    import importlib.metadata as md

    versions = {}
    for pkg in (
        "evalkit",
        "numpy",
        "pandas",
        "scipy",
        "statsmodels",
        "matplotlib",
        "papermill",
        "nbconvert",
        "duckdb",
        "pyfixest",
        "csdid",
    ):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip()
            or None
        )
    except OSError:
        commit = None
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "machine": platform.machine(),
        "git_commit": commit,
        "packages": versions,
    }


class Report:
    """Collects one area's checks, prints each as it comes, writes ``results/<area>.json`` at the end."""

    def __init__(self, area: str, command: str):
        self.area, self.command = area, command
        self.checks: list[dict] = []
        self.figures: dict = {}
        print(f"== {area}  ({command})", flush=True)

    def check(
        self, name: str, value: float, target: float | None, *, unit: str = "x", better: str = "lower", detail: str = ""
    ) -> bool | None:
        """One figure against its target (``better`` = ``lower``: pass when value ≤ target)."""
        ok = None if target is None else (value <= target if better == "lower" else value >= target)
        sign = "<=" if better == "lower" else ">="
        tgt = "" if target is None else f"target {sign} {target:g}{unit}"
        verdict = {True: "PASS", False: "FAIL", None: "info"}[ok]
        print(f"  {name:<52} {value:10.3f}{unit:<3} {tgt:<18} {verdict:<5} {detail}", flush=True)
        self.checks.append(
            {
                "name": name,
                "value": value,
                "unit": unit,
                "target": target,
                "better": better,
                "pass": ok,
                "detail": detail,
            }
        )
        return ok

    def note(self, key: str, value) -> None:
        """A raw figure kept in the JSON (seconds, bytes, counts…)."""
        self.figures[key] = value

    def write(self) -> Path:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"{self.area}.json"
        out.write_text(
            json.dumps(
                {
                    "area": self.area,
                    "command": self.command,
                    "machine": machine(),
                    "checks": self.checks,
                    "figures": self.figures,
                },
                indent=1,
                default=float,
            )
            + "\n",
            encoding="utf-8",
        )
        failed = [c["name"] for c in self.checks if c["pass"] is False]
        print(f"  -> {out.relative_to(ROOT)}" + (f"  ({len(failed)} below target)" if failed else ""), flush=True)
        return out
