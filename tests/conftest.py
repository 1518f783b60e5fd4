"""Shared fixtures. Slow simulation studies run only with ``--runslow`` (``make test-all``)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False, help="run slow simulation studies")


def pytest_collection_modifyitems(config, items):
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

    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def newest_run(scenario_dir: Path) -> Path:
    """The newest run folder of a scenario, complete or failed (``latest`` points only to complete ones)."""
    runs = sorted((p for p in scenario_dir.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")),
                  key=lambda p: p.stat().st_mtime)
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
