"""The import contract: the layers hold (import-linter), no cycles, no hidden function-level imports,
no import of the facade from inside — and each check demonstrably fails when the rule is broken."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .import_graph import violations

PACKAGE = ROOT / "src" / "evalkit"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    """import-linter with the project's contracts on the package found under ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def package_copy(tmp_path):
    """A copy of ``src/evalkit`` to break on purpose."""
    shutil.copytree(PACKAGE, tmp_path / "src" / "evalkit", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "src"


def test_layers_hold():
    proc = lint_imports(ROOT / "src")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_no_cycle_no_hidden_import_no_facade_import():
    assert violations(PACKAGE) == []


def test_an_upward_import_breaks_the_layers(package_copy):
    months = package_copy / "evalkit" / "core" / "months.py"
    months.write_text(months.read_text(encoding="utf-8") + "\nfrom ..runner.run import run  # noqa\n", encoding="utf-8")
    proc = lint_imports(package_copy)
    assert proc.returncode != 0
    assert "BROKEN" in proc.stdout and "evalkit.core.months -> evalkit.runner.run" in proc.stdout


def test_a_cycle_inside_a_layer_is_found(package_copy):
    schema = package_copy / "evalkit" / "recipients" / "schema.py"
    schema.write_text(
        schema.read_text(encoding="utf-8") + "\nfrom .engine import VerificationReport  # noqa\n", encoding="utf-8"
    )
    found = violations(package_copy / "evalkit")
    assert any(v.startswith("import cycle:") and "evalkit.recipients.schema" in v for v in found), found
    assert lint_imports(package_copy).returncode != 0  # and the recipients layers break too


def test_hidden_and_facade_imports_are_found(package_copy):
    budget = package_copy / "evalkit" / "budget" / "cost.py"
    budget.write_text(
        budget.read_text(encoding="utf-8")
        + "\n\ndef sneaky():\n    from ..params import load_params\n    from .. import load_data\n"
        "    from ..core.months import month_ord  # lazy: a reason given\n    return load_params, load_data, month_ord\n",
        encoding="utf-8",
    )
    found = violations(package_copy / "evalkit")
    assert any("evalkit.budget.cost" in v and "evalkit.params" in v and "inside a function" in v for v in found)
    assert any("evalkit.budget.cost" in v and "facade" in v for v in found)
    assert not any("evalkit.core.months" in v for v in found)  # justified by its comment
