"""ARCHITECTURE.md stays true: every module and package it names exists, every package of the source tree is named
in it, and it stays short (#31)."""

from __future__ import annotations

import re

from .conftest import ROOT

DOC = ROOT / "ARCHITECTURE.md"
SRC = ROOT / "src" / "evalkit"


def _named_paths(text: str) -> set[str]:
    """Every ``src/evalkit/...`` path written in backticks, and the module files listed beside a package."""
    named: set[str] = set()
    for row in re.findall(r"^\| (`src/evalkit/[^|]*)\|([^|]*)\|", text, re.M):
        folders = re.findall(r"`(src/evalkit/[\w/.]+)`", row[0])
        named.update(folders)
        for folder in (f for f in folders if f.endswith("/")):
            named.update(folder + m for m in re.findall(r"`(\w+\.(?:py|yaml|csv))`", row[1]))
    return named


def test_every_module_the_architecture_names_exists():
    text = DOC.read_text(encoding="utf-8")
    named = _named_paths(text)
    assert len(named) > 60
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f"ARCHITECTURE.md names modules that do not exist: {missing}"


def test_every_package_and_top_module_is_in_the_architecture():
    named = _named_paths(DOC.read_text(encoding="utf-8"))
    packages = {f"src/evalkit/{p.parent.relative_to(SRC)}/" for p in SRC.rglob("__init__.py") if p.parent != SRC}
    top = {f"src/evalkit/{p.name}" for p in SRC.glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    assert not sorted(packages - named), "packages missing from ARCHITECTURE.md"
    assert not sorted(top - named), "top-level modules missing from ARCHITECTURE.md"
    for package in packages:  # and every module of a package is listed in its row
        modules = {f"{package}{p.name}" for p in (ROOT / package).glob("*.py") if p.name != "__init__.py"}
        assert not sorted(modules - named), (package, sorted(modules - named))


def test_the_architecture_is_short_and_the_readme_points_to_it():
    assert len(DOC.read_text(encoding="utf-8").splitlines()) <= 150
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "ARCHITECTURE.md" in readme and "budget/model" not in readme and "monitoring.py" not in readme
