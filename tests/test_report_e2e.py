"""End to end: render reports through papermill into a throw-away project and check the files."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

NOTEBOOKS = ["00-summary", "01-data-quality", "02-coverage-evaluation", "03-budget-allocation",
             "04-kabkota-scorecard"]
NETWORK = re.compile(r"""(<script[^>]*\ssrc=["']?(https?:)?//)|(<link[^>]*\shref=["']?(https?:)?//)|"""
                     r"""(<img[^>]*\ssrc=["']?(https?:)?//)|(url\(\s*["']?(https?:)?//)|(@import)""", re.I)


def run_cli(project, *args):
    import os

    env = dict(os.environ, EVALKIT_SALT="e2e-test-salt")
    return subprocess.run([sys.executable, "-m", "evalkit", "run", *args, "--quiet"], cwd=project,
                          capture_output=True, text=True, timeout=900, env=env)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from .conftest import PARAMS, ROOT

    project = tmp_path_factory.mktemp("proj")
    (project / "pyproject.toml").write_text("[project]\nname='scratch'\n")
    shutil.copytree(PARAMS, project / "params")
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    proc = run_cli(project, "params/default.yaml", "--jobs", "2")
    return project, proc


def test_run_succeeds_and_prints_index(rendered):
    project, proc = rendered
    assert proc.returncode == 0, proc.stderr[-3000:]
    index = proc.stdout.strip().splitlines()[-1]
    assert index.endswith("index.html")
    latest = project / "outputs" / "default" / "latest"
    assert latest.is_symlink() and (latest / "index.html").resolve() == (project / index).resolve()


def test_every_page_offline_synthetic_with_figure_and_table(rendered):
    project, _ = rendered
    run = project / "outputs" / "default" / "latest"
    for name in NOTEBOOKS:
        page = (run / f"{name}.html").read_text(encoding="utf-8")
        assert not NETWORK.search(page), f"{name}: loads something from the network: {NETWORK.search(page)}"
        assert "SYNTHETIC DATA" in page, name
        assert re.search(r'<img[^>]+src="data:image/png;base64,', page), f"{name}: no figure"
        assert "<table" in page and 'class="evk-data"' in page, f"{name}: no table"
        assert "ctx = start(" not in page, f"{name}: code is shown"
    index = (run / "index.html").read_text(encoding="utf-8")
    assert not NETWORK.search(index)
    assert "SYNTHETIC DATA" in index
    for name in NOTEBOOKS:
        assert f'href="{name}.html"' in index


def test_tables_manifest_and_executed_notebooks(rendered):
    project, _ = rendered
    run = project / "outputs" / "default" / "latest"
    tables = sorted((run / "tables").glob("*.csv"))
    assert len(tables) >= 5
    for t in tables:
        assert t.read_text(encoding="utf-8").startswith("# SYNTHETIC DATA")
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert len(manifest["params"]["hash"]) == 64 and manifest["params"]["resolved"]["scenario"]["name"] == "default"
    assert manifest["data"]["synthetic"] is True and len(manifest["data"]["panel_sha256"]) == 64
    assert manifest["seed"] == manifest["params"]["resolved"]["seed"]
    assert {"pandas", "papermill", "evalkit"} <= set(manifest["packages"])
    assert "commit" in manifest["git"]
    assert [n["name"] for n in manifest["notebooks"]] == NOTEBOOKS
    assert all(n["status"] == "ok" for n in manifest["notebooks"])
    for name in NOTEBOOKS:
        nb = nbformat.read(run / "notebooks" / f"{name}.ipynb", as_version=4)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert not list((project / "outputs" / "default").glob(".partial-*"))


def test_failing_notebook_is_reported_and_others_render(tmp_path):
    from .conftest import PARAMS, ROOT

    (tmp_path / "pyproject.toml").write_text("[project]\nname='scratch'\n")
    shutil.copytree(PARAMS, tmp_path / "params")
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    shutil.copy(ROOT / "notebooks" / "04-kabkota-scorecard.ipynb", nbdir)
    broken = nbformat.read(ROOT / "notebooks" / "04-kabkota-scorecard.ipynb", as_version=4)
    broken.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('deliberately broken')"))
    nbformat.write(broken, nbdir / "05-broken.ipynb")
    proc = run_cli(tmp_path, "params/default.yaml", "--jobs", "1")
    assert proc.returncode == 1
    run = tmp_path / "outputs" / "default" / "latest"
    index = (run / "index.html").read_text(encoding="utf-8")
    assert "deliberately broken" in index and "GAGAL" in index
    assert (run / "04-kabkota-scorecard.html").is_file()
    assert (run / "notebooks" / "05-broken.ipynb").is_file()  # kept for debugging
    manifest = json.loads((run / "manifest.json").read_text())
    status = {n["name"]: n["status"] for n in manifest["notebooks"]}
    assert status == {"04-kabkota-scorecard": "ok", "05-broken": "failed"}
    assert "05-broken" in proc.stderr and "failed" in proc.stderr


def test_budget_notebook_renders_in_two_more_scenarios(tmp_path):
    from .conftest import PARAMS, ROOT

    (tmp_path / "pyproject.toml").write_text("[project]\nname='scratch'\n")
    shutil.copytree(PARAMS, tmp_path / "params")
    nbdir = tmp_path / "only03"
    nbdir.mkdir()
    shutil.copy(ROOT / "notebooks" / "03-budget-allocation.ipynb", nbdir)
    proc = run_cli(tmp_path, "params/target-90-by-2029.yaml", "params/target-95-by-2027.yaml", "--notebooks",
                   str(nbdir), "--jobs", "2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    feasible = (tmp_path / "outputs/target-90-by-2029/latest/03-budget-allocation.html").read_text(encoding="utf-8")
    assert "tercapai dengan" in feasible and "Rp " in feasible  # Indonesian, feasible path
    english = (tmp_path / "outputs/target-95-by-2027/latest/03-budget-allocation.html").read_text(encoding="utf-8")
    assert "is NOT reachable" in english and "Budget needed to reach the target" in english
    path = tmp_path / "outputs/target-90-by-2029/latest/tables/03-budget-allocation__budget_path.csv"
    assert path.is_file()


def test_no_raw_nik_or_name_in_any_output_file(rendered):
    """Privacy scan of every file of a full run; the synthetic recipient list it verified holds NIKs."""
    import evalkit
    from evalkit.verify import generate_recipients

    project, _ = rendered
    params = evalkit.load_params(project / "params" / "default.yaml")
    v = params.verification
    defects = {k: max(1, int(round(v.synthetic_rows * v.synthetic_defect_share))) for k in
               ("invalid_nik", "region_mismatch", "sex_birthdate_mismatch", "duplicate_within_source",
                "duplicate_cross_source", "ineligible")}
    df, _ = generate_recipients(v.synthetic_rows, seed=params.seed, defects=defects)
    niks = {n for n in df["nik"] if len(n) >= 12}
    names = set(df["nama"])
    files = [f for f in (project / "outputs").rglob("*") if f.is_file()]
    assert len(files) > 20
    for f in files:
        text = f.read_bytes().decode("utf-8", errors="ignore")
        found = [n for n in niks if n in text]
        assert not found, f"{f}: raw NIK found"
        assert not [n for n in names if n in text], f"{f}: a recipient name found"
    html = (project / "outputs/default/latest/01-data-quality.html").read_text(encoding="utf-8")
    assert "Ganda lintas sumber dana" in html  # the verification section did render


def test_rerun_from_manifest_reproduces_identical_tables_and_pages(rendered):
    """Determinism and provenance: `evalkit rerun manifest.json` renders the default report again."""
    import os

    project, _ = rendered
    scen = project / "outputs" / "default"
    first = (scen / "latest").resolve()
    env = dict(os.environ, EVALKIT_SALT="e2e-test-salt")
    proc = subprocess.run([sys.executable, "-m", "evalkit", "rerun", str(first / "manifest.json"), "--quiet"],
                          cwd=project, capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "params hash: same" in proc.stdout and "tables:      all identical" in proc.stdout
    second = (scen / "latest").resolve()
    assert second != first and first.is_dir()  # the earlier run is kept
    tables = sorted(p.name for p in (first / "tables").glob("*.csv"))
    assert tables and tables == sorted(p.name for p in (second / "tables").glob("*.csv"))
    for name in tables:
        assert (first / "tables" / name).read_bytes() == (second / "tables" / name).read_bytes(), name
    for page in NOTEBOOKS:
        a = (first / f"{page}.html").read_text(encoding="utf-8")
        b = (second / f"{page}.html").read_text(encoding="utf-8")
        assert a == b, f"{page}.html differs between identical runs"
    strip = lambda t: re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "DATE", t)  # noqa: E731  the run date
    assert strip((first / "index.html").read_text()) == strip((second / "index.html").read_text())
    assert not (project / "outputs" / ".rerun").exists()
