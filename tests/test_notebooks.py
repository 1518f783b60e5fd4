"""Stored notebooks: thin, parameterised, without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from .conftest import ROOT

NOTEBOOK_FILES = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_expected_notebooks_exist():
    assert [p.stem for p in NOTEBOOK_FILES] == [
        "00-summary",
        "01-data-quality",
        "02-coverage-evaluation",
        "03-budget-allocation",
        "04-kabkota-scorecard",
        "05-oversight",
    ]


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
        assert all("dev" in c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "markdown"), (
            f"{path.name}: markdown cells must be tagged dev (report text comes from the translation table)"
        )


def test_papermill_sees_every_parameter():
    import papermill.inspection as inspection

    for path in NOTEBOOK_FILES:
        assert list(inspection.inspect_notebook(str(path))) == ["params_path", "output_dir", "lang", "uses"], path.name


def run_as_in_jupyterlab(notebooks: Path, name: str, out: Path, monkeypatch) -> str:
    """Execute ``notebooks/<name>.ipynb`` with no parameters injected (as a researcher opening it in
    JupyterLab would) and return the HTML and Markdown it displayed."""
    import papermill as pm

    monkeypatch.setenv("EVALKIT_SALT", "lab-test-salt")
    pm.execute_notebook(
        str(notebooks / f"{name}.ipynb"),
        str(out),
        cwd=str(notebooks),
        progress_bar=False,
        log_output=False,
        kernel_name="python3",
    )
    nb = nbformat.read(out, as_version=4)
    return "".join(
        str(o.get("data", {}).get("text/html", "")) + str(o.get("data", {}).get("text/markdown", ""))
        for c in nb.cells
        for o in c.get("outputs", [])
    )


@pytest.mark.e2e
def test_notebooks_run_top_to_bottom_as_in_jupyterlab(tmp_path, monkeypatch):
    """No parameters injected: default params, nothing written (output_dir None), figures still shown."""
    for name in ("04-kabkota-scorecard", "00-summary"):
        html = run_as_in_jupyterlab(ROOT / "notebooks", name, tmp_path / f"{name}.ipynb", monkeypatch)
        assert "data:image/png;base64," in html and "DATA SINTETIS" in html, name
    assert not (ROOT / "notebooks" / "outputs").exists()


@pytest.mark.e2e
def test_summary_in_jupyterlab_reads_the_newest_completed_run_of_the_same_params(tmp_path, monkeypatch):
    """00-summary opened in JupyterLab (no output_dir) shows the answer and headlines of the newest run whose
    status is ok and whose params hash equals the notebook's params; newer failed or other-params runs are
    skipped, never read."""
    import json

    import evalkit
    from evalkit.params import params_hash
    from evalkit.report import i18n

    from .conftest import make_project

    project = make_project(tmp_path)
    params = evalkit.load_params(project / "params" / "default.yaml")

    def fake_run(name: str, status: str, digest: str, after: str) -> None:
        run = project / "outputs" / "default" / name
        (run / "results").mkdir(parents=True)
        (run / "manifest.json").write_text(json.dumps({"status": status, "params": {"hash": digest}}))
        (run / "results" / "02-coverage-evaluation.json").write_text(
            json.dumps(
                {
                    "headlines": {
                        "coverage_before": {"value": 16.5, "text": "16,5%"},
                        "coverage_after": {"value": 1.0, "text": after},
                    }
                }
            )
        )

    fake_run("20260101-000000", "ok", params_hash(params), "28,7%")
    fake_run("20260102-000000", "failed", params_hash(params), "11,1%")
    fake_run("20260103-000000", "ok", "0" * 64, "22,2%")
    text = run_as_in_jupyterlab(project / "notebooks", "00-summary", tmp_path / "summary.ipynb", monkeypatch)
    assert "16,5% → 28,7%" in text and "20260101-000000" in text
    assert "11,1%" not in text and "22,2%" not in text
    assert i18n.t("summary_no_run", "id")[:40] not in text and "tidak tersedia" not in text
    assert not (project / "outputs" / "default" / "20260101-000000" / "tables").exists()  # nothing written


def _code_cells(path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_each_notebook_reads_as_the_analysis(path):
    """Logic and charts live in the package (#31): no code cell over 25 lines, no chart drawn in a cell, notebook
    03 at most 80 code lines, and a markdown cell stating the question and method of each section."""
    cells = _code_cells(path)
    sizes = [len([line for line in c.splitlines() if line.strip()]) for c in cells]
    assert max(sizes) <= 25, (path.stem, sizes)
    assert not any("plt." in c or "ax." in c for c in cells), path.stem
    if path.stem.startswith("03-"):
        assert sum(sizes) <= 80, sum(sizes)
    nb = json.loads(path.read_text(encoding="utf-8"))
    methods = [c for c in nb["cells"] if c["cell_type"] == "markdown" and "*Method:*" in "".join(c["source"])]
    if not path.stem.startswith("00-"):  # the summary has one section: the answer
        assert len(methods) >= 2, path.stem
    assert all(c["metadata"].get("tags") == ["dev"] for c in methods)  # for the researcher, never on a page
