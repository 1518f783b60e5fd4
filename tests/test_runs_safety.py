"""Runs never damage earlier runs: interruption by signal, and two runs of one scenario at once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from .conftest import ROOT, snapshot


@pytest.fixture
def small_project(project):
    nbdir = project / "one"
    nbdir.mkdir()
    # notebook 02 and then a long wait: the run is still executing whenever the test interrupts it
    nb = nbformat.read(ROOT / "notebooks" / "02-coverage-evaluation.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(120)"))
    nbformat.write(nb, nbdir / "02-coverage-evaluation.ipynb")
    earlier = project / "outputs" / "default" / "20260101-000000"
    earlier.mkdir(parents=True)
    (earlier / "index.html").write_text("<html>earlier complete run</html>")
    (earlier / "manifest.json").write_text("{}")
    (project / "outputs" / "default" / "latest").symlink_to(earlier.name)
    return project


def start(project: Path, notebooks: str) -> subprocess.Popen:
    env = dict(os.environ, EVALKIT_SALT="safety-test-salt")
    return subprocess.Popen(
        [sys.executable, "-m", "evalkit", "run", "params/default.yaml", "--notebooks", notebooks, "--quiet"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_partial(project: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        partial = list((project / "outputs" / "default").glob(".partial-*/notebooks"))
        if partial and proc.poll() is None:
            time.sleep(3)  # a notebook is executing
            return
        time.sleep(0.2)
    raise AssertionError("the run never started")


@pytest.mark.e2e
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_interrupted_run_leaves_earlier_run_and_latest_intact(small_project, sig):
    scen = small_project / "outputs" / "default"
    before = snapshot(scen / "20260101-000000")
    proc = start(small_project, "one")
    wait_for_partial(small_project, proc)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert proc.returncode in (130, -signal.SIGKILL)
    assert os.readlink(scen / "latest") == "20260101-000000"
    assert snapshot(scen / "20260101-000000") == before
    runs = [p.name for p in scen.iterdir() if p.name not in ("latest", "20260101-000000")]
    assert len(runs) == 1
    marker = ".partial-" if sig == signal.SIGKILL else ".interrupted-"
    assert runs[0].startswith(marker), runs  # the unfinished run is clearly marked, never a complete run
    assert "Traceback" not in (proc.stderr.read() if proc.stderr else "")


@pytest.mark.e2e
def test_two_runs_of_one_scenario_at_once(small_project):
    nb = small_project / "fast"
    nb.mkdir()
    shutil.copy(ROOT / "notebooks" / "04-kabkota-scorecard.ipynb", nb)
    a, b = start(small_project, "fast"), start(small_project, "fast")
    outs = [p.communicate(timeout=300) for p in (a, b)]
    assert a.returncode == 0 and b.returncode == 0, outs
    scen = small_project / "outputs" / "default"
    runs = sorted(p for p in scen.iterdir() if p.is_dir() and not p.is_symlink() and p.name != "20260101-000000")
    assert len(runs) == 2 and all((r / "index.html").is_file() and (r / "manifest.json").is_file() for r in runs)
    assert os.readlink(scen / "latest") in {r.name for r in runs}
    assert not list(scen.glob(".partial-*"))
