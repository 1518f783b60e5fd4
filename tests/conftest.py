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


@pytest.fixture
def project(tmp_path):
    """A throw-away project folder (pyproject marker, params/, notebooks/) for runs and bad inputs."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname='scratch'\n")
    shutil.copytree(PARAMS, tmp_path / "params")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "data").mkdir()
    return tmp_path
