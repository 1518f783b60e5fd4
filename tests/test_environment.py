"""The locked environment: lock/run.txt and lock/dev.txt pin every dependency of pyproject.toml, `make`
installs from them without resolving, the installed environment equals them, and environment.yml agrees."""

from __future__ import annotations

import hashlib
import re
import subprocess
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from evalkit.runner import manifest
from evalkit.runner.rerun import environment_line

from .conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUN = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
EXTRAS = {name: [Requirement(r) for r in reqs] for name, reqs in PYPROJECT["project"]["optional-dependencies"].items()}
BUILD = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
#: conda-forge names that differ from the PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def admits(req: Requirement, pins: dict[str, str]) -> bool:
    name = canonicalize_name(req.name)
    return name in pins and req.specifier.contains(pins[name], prereleases=True)


def test_the_locks_pin_every_dependency_at_a_version_pyproject_allows():
    run, dev = manifest.locked_versions(manifest.RUN_LOCK), manifest.locked_versions(manifest.DEV_LOCK)
    assert not [str(r) for r in RUN + BUILD if not admits(r, run)]
    assert not [str(r) for r in RUN + BUILD + EXTRAS["test"] + EXTRAS["bench"] if not admits(r, dev)]
    assert set(run) <= set(dev) and {k: dev[k] for k in run} == run  # one version of each package in both
    assert len(run) > 80 and len(dev) > len(run)  # the whole tree, not only the direct dependencies


def test_every_pin_carries_hashes():
    for lock in (manifest.RUN_LOCK, manifest.DEV_LOCK):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
        pins = [b for b in blocks if "==" in b.split("\n", 1)[0]]
        assert pins and all("--hash=sha256:" in b for b in pins), lock.name


@pytest.mark.parametrize("target", [".venv/.installed", ".venv/.installed-test"])
def test_make_installs_from_the_lock_without_resolving(target):
    """`make -n -B` prints the install recipe: every install takes the lock's exact pins or the project itself,
    both with --no-deps (nothing resolved), and the pins with --require-hashes."""
    proc = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    installs = [line for line in proc.stdout.splitlines() if re.search(r"\bpip install\b", line)]
    assert installs
    for line in installs:
        assert "--no-deps" in line, line
        assert re.search(
            r"--require-hashes (--target \S+ )?-r lock/(run|dev|uv)\.txt\b", line
        ) or line.rstrip().endswith("-e ."), line
    assert any("-r lock/run.txt" in line for line in installs)
    assert not re.search(r"pip (compile|lock)|uv (lock|sync)\b", proc.stdout)


def test_the_installed_environment_is_the_locked_one():
    assert manifest.lock_differences(manifest.DEV_LOCK) == []  # `make test` installed exactly the lock
    state = manifest.environment_state()
    assert state["lock"] == "lock/run.txt" and state["matches_lock"] is True
    assert state["lock_sha256"] == hashlib.sha256(manifest.RUN_LOCK.read_bytes()).hexdigest()


def test_a_difference_from_the_lock_is_named(tmp_path):
    lock = tmp_path / "run.txt"
    text = manifest.RUN_LOCK.read_text(encoding="utf-8")
    version = manifest.locked_versions(manifest.RUN_LOCK)["pandas"]
    lock.write_text(re.sub(rf"^pandas=={re.escape(version)}", "pandas==0.0.1", text, flags=re.M), encoding="utf-8")
    state = manifest.environment_state(lock)
    assert state["matches_lock"] is False and state["differences"] == [f"pandas {version} (locked 0.0.1)"]
    line = environment_line({"lock_sha256": "0" * 64}, state)
    assert "the lock changed since the old run" in line and "DIFFERENT" in line and "pandas" in line
    assert "installed packages equal" in environment_line({}, manifest.environment_state())
    assert "cannot compare" in environment_line({}, manifest.environment_state(tmp_path / "missing.txt"))


def test_environment_yml_lists_every_dependency_at_the_locked_version():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python=", "pip"))]
    pip = [d for d in next(d for d in env["dependencies"] if isinstance(d, dict))["pip"] if not d.startswith("-e")]
    dev = manifest.locked_versions(manifest.DEV_LOCK)
    listed = {}
    for entry in conda + pip:
        req = Requirement(entry)
        req.name = CONDA_TO_PYPI.get(req.name, req.name)
        assert admits(req, dev), f"environment.yml: {entry} does not admit the locked {dev.get(req.name)}"
        listed[canonicalize_name(req.name)] = req
    missing = [str(r) for r in RUN + EXTRAS["test"] if canonicalize_name(r.name) not in listed]
    assert not missing, f"environment.yml lacks {missing}"


def test_the_readme_quotes_the_recorded_benchmark_figures():
    """The README's Performance table and set-up times are the ones `make bench` recorded (summary.py --readme)."""
    import importlib
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        summary = importlib.import_module("summary")
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in summary.BLOCKS:
        assert f"<!-- bench:{name} -->" in text and f"<!-- /bench:{name} -->" in text, name
    assert summary.readme_text(text) == text, (
        "README.md differs from benchmarks/results: run benchmarks/summary.py --readme"
    )
    assert "make test" in summary.setup_line()
