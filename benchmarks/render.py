"""Rendering: the default report and a 10-scenario sweep against a floor measured in the same run.

* **Floor**: papermill executing, per report notebook, a notebook that holds only the same parameters
  cell and the same import statements (every ``import``/``from … import`` of the real notebook, nothing
  else), each in a new kernel, with the runner's parallelism (``01``–``04`` on ``--jobs`` workers, then
  ``00-summary``), in a child process that starts like ``evalkit run`` does. This is what any report of
  these notebooks costs before it computes anything.
* **Report**: ``evalkit run params/default.yaml`` end to end in a child process (validation, notebooks,
  HTML, index, manifest, Excel, publication) with an empty prepared-table cache; best of ``--repeat``.
  Also shown: the same with a warm cache (a rerun) and with ``--fresh-kernels`` (papermill's default of
  one new kernel per notebook; the pre-issue-#9 runner).
* **Sweep**: ten scenarios that differ in target and budget settings (what a planner varies), rendered
  by one ``evalkit run`` call, against one scenario measured the same way (empty cache both times).

Targets: report ≤ 1.1 × floor (issue #32; 1.5 × in issue #9); sweep ≤ 4 × one scenario.
Run: ``python benchmarks/render.py [--repeat 2] [--jobs N]``; writes ``benchmarks/results/render.json``.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, Report

SWEEP = [  # (name, target coverage %, target year, cap share of revenue)
    ("sweep-01", 85.0, 2029, 0.005),
    ("sweep-02", 88.0, 2029, 0.005),
    ("sweep-03", 90.0, 2028, 0.005),
    ("sweep-04", 90.0, 2030, 0.005),
    ("sweep-05", 92.0, 2030, 0.006),
    ("sweep-06", 90.0, 2029, 0.004),
    ("sweep-07", 90.0, 2029, 0.007),
    ("sweep-08", 87.0, 2028, 0.005),
    ("sweep-09", 93.0, 2030, 0.008),
    ("sweep-10", 95.0, 2030, 0.010),
]

FLOOR_CHILD = r"""
import sys, threading, queue
from pathlib import Path
import papermill as pm
from traitlets.config import Config
folder, params, out, jobs = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
nbs = sorted(folder.glob("*.ipynb"))
body = [nb for nb in nbs if nb.stem != "00-summary"]
summary = [nb for nb in nbs if nb.stem == "00-summary"]
def run(nb):
    pm.execute_notebook(str(nb), str(out / nb.name), parameters={"params_path": params, "output_dir": None,
                        "lang": None}, kernel_name=sys.argv[5], progress_bar=False, log_output=False,
                        request_save_on_cell_execute=False,
                        config=Config({"KernelManager": {"transport_encryption": "auto"}}))
tasks = queue.Queue()
for nb in body:
    tasks.put(nb)
def worker():
    while True:
        try:
            nb = tasks.get_nowait()
        except queue.Empty:
            return
        run(nb)
threads = [threading.Thread(target=worker) for _ in range(min(jobs, len(body)))]
[t.start() for t in threads]
[t.join() for t in threads]
for nb in summary:
    run(nb)
"""


def import_cell(nb_path: Path) -> str:
    """Every import statement of a notebook's code cells, in order (magics skipped)."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        src = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                stmt = ast.unparse(node)
                if stmt not in lines:
                    lines.append(stmt)
    return "\n".join(lines)


def make_floor(notebooks: Path, target: Path) -> None:
    import nbformat

    target.mkdir(parents=True)
    for nb_path in sorted(notebooks.glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        floor = nbformat.v4.new_notebook(metadata=nb.metadata)
        floor.cells = [params, nbformat.v4.new_code_cell(import_cell(nb_path))]
        nbformat.write(floor, target / nb_path.name)


def scratch_project(folder: Path) -> Path:
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[project]\nname='bench'\n")
    shutil.copytree(ROOT / "params", folder / "params")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    for name, cov, year, cap in SWEEP:
        (folder / "params" / f"{name}.yaml").write_text(
            f'extends: default.yaml\nscenario:\n  name: {name}\n  title: "Sweep {name}: {cov}% by {year}"\n'
            f"target:\n  coverage_pct: {cov}\n  year: {year}\nbudget:\n  cap_share_of_revenue: {cap}\n",
            encoding="utf-8",
        )
    return folder


def timed_run(cmd: list[str], cwd: Path, env: dict) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return secs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: the runner's default)")
    args = ap.parse_args()
    from evalkit.runner.run import default_jobs, kernel_name

    jobs = args.jobs or default_jobs()
    rep = Report("render", "python benchmarks/render.py" + (f" --jobs {args.jobs}" if args.jobs else ""))
    evalkit_cmd = [sys.executable, "-m", "evalkit", "run", "--quiet", "--jobs", str(jobs)]
    with tempfile.TemporaryDirectory(prefix="evalkit-bench-") as tmp:
        proj = scratch_project(Path(tmp) / "project")
        cache = proj / "outputs" / ".cache"
        env = dict(os.environ, EVALKIT_SALT="bench-salt-0123456789", EVALKIT_CACHE_DIR=str(cache))
        make_floor(proj / "notebooks", Path(tmp) / "floor")

        def floor() -> float:
            out = Path(tempfile.mkdtemp(dir=tmp))
            return timed_run(
                [
                    sys.executable,
                    "-c",
                    FLOOR_CHILD,
                    str(Path(tmp) / "floor"),
                    str(proj / "params" / "default.yaml"),
                    str(out),
                    str(jobs),
                    kernel_name(),
                ],
                proj,
                env,
            )

        def report(*extra: str, cold: bool = True, params: tuple[str, ...] = ("params/default.yaml",)) -> float:
            if cold:
                shutil.rmtree(cache, ignore_errors=True)
            return timed_run(evalkit_cmd + list(extra) + list(params), proj, env)

        report()  # once untimed: compiled bytecode, font cache, kernel spec lookup
        floors = [floor() for _ in range(args.repeat)]
        colds = [report() for _ in range(args.repeat)]
        warms = [report(cold=False) for _ in range(args.repeat)]
        fresh = report("--fresh-kernels")
        sweep = report(params=tuple(f"params/{name}.yaml" for name, *_ in SWEEP))
        fl, cold, warm = min(floors), min(colds), min(warms)
        rep.note("jobs", jobs)
        rep.note("floor_seconds", floors)
        rep.note("report_cold_cache_seconds", colds)
        rep.note("report_warm_cache_seconds", warms)
        rep.note("report_fresh_kernels_seconds", fresh)
        rep.note("sweep_10_seconds", sweep)
        rep.check(
            "default report / floor (cold cache)",
            cold / fl,
            1.1,
            detail=f"report {cold:.1f} s, floor {fl:.1f} s, {jobs} jobs",
        )
        rep.check("default report / floor (warm cache: a rerun)", warm / fl, None, detail=f"report {warm:.1f} s")
        rep.check(
            "default report, fresh kernels / floor",
            fresh / fl,
            None,
            detail=f"{fresh:.1f} s: one new kernel per notebook",
        )
        rep.check(
            "10-scenario sweep / one scenario (cold cache)",
            sweep / cold,
            4.0,
            detail=f"sweep {sweep:.1f} s, one {cold:.1f} s",
        )
    rep.write()


if __name__ == "__main__":
    main()
