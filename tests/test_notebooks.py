"""Stored notebooks: thin, parameterised, without outputs."""
from __future__ import annotations

import nbformat

from .conftest import ROOT

NOTEBOOK_FILES = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_expected_notebooks_exist():
    assert [p.stem for p in NOTEBOOK_FILES] == ["00-summary", "01-data-quality", "02-coverage-evaluation",
                                                 "03-budget-allocation", "04-kabkota-scorecard"]


def test_stored_without_outputs_and_parameterised():
    for path in NOTEBOOK_FILES:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert "parameters" in code[0].metadata.get("tags", []), path.name
        for name in ("params_path", "output_dir", "lang"):
            assert name in code[0].source, (path.name, name)
        for c in code:
            assert not c.get("outputs") and c.get("execution_count") is None, f"{path.name}: stored with outputs"
        assert nb.metadata["kernelspec"]["name"] == "evalkit"
        assert all("dev" in c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "markdown"), \
            f"{path.name}: markdown cells must be tagged dev (report text comes from the translation table)"


def test_papermill_sees_every_parameter():
    import papermill.inspection as inspection

    for path in NOTEBOOK_FILES:
        assert list(inspection.inspect_notebook(str(path))) == ["params_path", "output_dir", "lang"], path.name
