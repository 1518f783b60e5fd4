"""Shared fixtures. Slow simulation studies run only with ``--runslow`` (``make test-all``)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False, help="run slow simulation studies")


def pytest_configure(config):
    """Hypothesis runs derandomised with a bounded number of examples (``make test``, CI): the same examples every
    run, so a pass or a failure never depends on chance. ``HYPOTHESIS_PROFILE=explore`` searches at random."""
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "ci",
        derandomize=True,
        max_examples=60,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile("explore", max_examples=500, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items):
    # the tests that render reports first (stable order otherwise): the two xdist workers start on the long
    # tasks and the short ones fill the gaps at the end, instead of one worker finishing a render alone
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow (make test-all)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def default_params():
    import evalkit

    return evalkit.load_params(PARAMS / "default.yaml")


@pytest.fixture(scope="session")
def default_data(default_params):
    import evalkit

    return evalkit.load_data(default_params)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file (SHA-256) and folder below ``folder``: equal snapshots mean nothing was written or lost."""
    import hashlib

    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


def newest_run(scenario_dir: Path) -> Path:
    """The newest run folder of a scenario, complete or failed (``latest`` points only to complete ones)."""
    runs = sorted(
        (p for p in scenario_dir.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
    )
    return runs[-1]


def make_project(folder: Path, notebooks: bool = True) -> Path:
    """A throw-away project folder (pyproject marker, params/, data/ and optionally notebooks/)."""
    (folder / "pyproject.toml").write_text("[project]\nname='scratch'\n")
    shutil.copytree(PARAMS, folder / "params")
    if notebooks:
        shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    (folder / "data").mkdir()
    return folder


@pytest.fixture
def project(tmp_path):
    """A throw-away project folder for runs and bad inputs (see :func:`make_project`)."""
    return make_project(tmp_path)


def run_cli(project, *args, **env_extra):
    """``evalkit run ARGS --quiet`` in ``project`` as a user would start it, with the tests' salt."""
    env = dict(os.environ, EVALKIT_SALT="e2e-test-salt", **env_extra)
    return subprocess.run(
        [sys.executable, "-m", "evalkit", "run", *args, "--quiet"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )


def shared_render(
    tmp_path_factory, name: str, *args, example_data: bool = False, extra_params: dict[str, str] | None = None
) -> tuple[Path, SimpleNamespace]:
    """Render ``evalkit run ARGS`` once per test session into a throw-away project shared by both xdist workers.

    The first worker that needs it renders it (holding a file lock); the other waits for it, then reads the same
    folder. Tests given such a project only read it: a test that adds a run works on a copy
    (:func:`copy_project`). ``example_data`` copies ``data/example``; ``extra_params`` writes more params files
    (name → YAML text). Returns the project and the process's ``returncode``, ``stdout`` and ``stderr``."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, record = root / f"shared-{name}", root / f"shared-{name}.json"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            project = make_project(folder)
            if example_data:
                shutil.copytree(ROOT / "data" / "example", project / "data" / "example")
            for file, text in (extra_params or {}).items():
                (project / "params" / file).write_text(text, encoding="utf-8")
            proc = run_cli(project, *args)
            record.write_text(json.dumps({"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}))
        done = json.loads(record.read_text())
    return folder, SimpleNamespace(**done)


def copy_project(project: Path, to: Path) -> Path:
    """A private copy of a shared project (``latest`` links kept as links) for a test that writes into it."""
    shutil.copytree(project, to, symlinks=True)
    return to


XLSX_PANEL = (
    "extends: default.yaml\nscenario:\n  name: xlsx-panel\n  title: Panel XLSX\ndata:\n  source: files\n"
    "  panel: ../data/example/panel.xlsx\n"
)


@pytest.fixture(scope="session")
def files_render(tmp_path_factory):
    """The shipped example files (params/example-files.yaml), the same data as one monthly XLSX panel, and the
    APBD 2027 envelope scenario (params/pagu-2027.yaml), rendered once per session."""
    return shared_render(
        tmp_path_factory,
        "files",
        "params/example-files.yaml",
        "params/xlsx-panel.yaml",
        "params/pagu-2027.yaml",
        "--jobs",
        "2",
        example_data=True,
        extra_params={"xlsx-panel.yaml": XLSX_PANEL},
    )


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """The default report, and beside it the revenue-downside scenario (with their comparison page)."""
    return shared_render(
        tmp_path_factory, "rendered", "params/default.yaml", "params/revenue-downside.yaml", "--jobs", "2"
    )


@pytest.fixture(scope="session")
def english(tmp_path_factory):
    """Two more scenarios rendered in English with --lang en: notebook 03 in two scenarios and a comparison page."""
    project, proc = shared_render(
        tmp_path_factory,
        "english",
        "params/target-90-by-2029.yaml",
        "params/target-95-by-2027.yaml",
        "--lang",
        "en",
        "--jobs",
        "2",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return project, proc
