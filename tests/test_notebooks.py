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
        assert list(inspection.inspect_notebook(str(path))) == ["params_path", "output_dir", "lang", "uses"], path.name


def test_notebooks_run_top_to_bottom_as_in_jupyterlab(tmp_path):
    """No parameters injected: default params, nothing written (output_dir None), figures still shown."""
    import os

    import papermill as pm

    for name in ("04-kabkota-scorecard", "00-summary"):
        out = tmp_path / f"{name}.ipynb"
        env_salt = os.environ.get("EVALKIT_SALT")
        os.environ["EVALKIT_SALT"] = "lab-test-salt"
        try:
            pm.execute_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"), str(out), cwd=str(ROOT / "notebooks"),
                                progress_bar=False, log_output=False, kernel_name="python3")
        finally:
            if env_salt is None:
                os.environ.pop("EVALKIT_SALT", None)
            else:
                os.environ["EVALKIT_SALT"] = env_salt
        nb = nbformat.read(out, as_version=4)
        html = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
        assert "data:image/png;base64," in html and "DATA SINTETIS" in html, name
    assert not (ROOT / "notebooks" / "outputs").exists()
