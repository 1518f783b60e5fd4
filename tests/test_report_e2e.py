"""End to end: render reports through papermill into a throw-away project and check the files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from .conftest import ROOT, copy_project, make_project, newest_run, run_cli
from .privacy import PersonalData

NOTEBOOKS = [
    "00-summary",
    "01-data-quality",
    "02-coverage-evaluation",
    "03-budget-allocation",
    "04-kabkota-scorecard",
    "05-oversight",
]
NETWORK = re.compile(
    r"""(<script[^>]*\ssrc=["']?(https?:)?//)|(<link[^>]*\shref=["']?(https?:)?//)|"""
    r"""(<img[^>]*\ssrc=["']?(https?:)?//)|(url\(\s*["']?(https?:)?//)|(@import)""",
    re.I,
)


@pytest.mark.e2e
def test_run_succeeds_and_prints_index(rendered):
    project, proc = rendered
    assert proc.returncode == 0, proc.stderr[-3000:]
    index = proc.stdout.strip().splitlines()[0]
    assert index.endswith("index.html")
    latest = project / "outputs" / "default" / "latest"
    assert latest.is_symlink() and (latest / "index.html").resolve() == (project / index).resolve()


@pytest.mark.e2e
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


@pytest.mark.e2e
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
    import hashlib

    lock = ROOT / "lock" / "run.txt"  # the environment a report can be rebuilt from, years later
    assert manifest["environment"]["lock"] == "lock/run.txt" and manifest["environment"]["matches_lock"] is True
    assert manifest["environment"]["lock_sha256"] == hashlib.sha256(lock.read_bytes()).hexdigest()
    assert "commit" in manifest["git"]
    assert [n["name"] for n in manifest["notebooks"]] == NOTEBOOKS
    assert all(n["status"] == "ok" for n in manifest["notebooks"])
    for name in NOTEBOOKS:
        nb = nbformat.read(run / "notebooks" / f"{name}.ipynb", as_version=4)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert not list((project / "outputs" / "default").glob(".partial-*"))


GOLDEN = ROOT / "tests" / "golden" / "default"


def read_csv_table(path: Path):
    from evalkit.report.tables import read_table

    return read_table(path)


@pytest.mark.e2e
def test_default_tables_equal_the_golden_copies(rendered):
    """The default report's tables equal the committed copies (rendered with the same salt): restructuring
    the code changes no published number. After an intended change, refresh them with `make golden`."""
    import pandas as pd

    project, _ = rendered
    tables = project / "outputs" / "default" / "latest" / "tables"
    assert sorted(p.name for p in tables.glob("*.csv")) == sorted(p.name for p in GOLDEN.glob("*.csv"))
    identical = 0
    for golden in sorted(GOLDEN.glob("*.csv")):
        new = tables / golden.name
        if new.read_bytes() == golden.read_bytes():
            identical += 1
            continue
        a, b = (pd.read_csv(f, skiprows=1, dtype=str, keep_default_na=False) for f in (golden, new))
        assert list(a.columns) == list(b.columns) and a.shape == b.shape, golden.name
        for col in a.columns:  # 10 significant digits are written: allow only float noise in the last one
            x, y = pd.to_numeric(a[col], errors="coerce"), pd.to_numeric(b[col], errors="coerce")
            if x.notna().all() and y.notna().all():
                assert ((x - y).abs() <= 1e-9 * x.abs().clip(lower=1)).all(), f"{golden.name}: {col}"
            else:
                assert a[col].equals(b[col]), f"{golden.name}: {col}"
    print(f"{identical} of {len(list(GOLDEN.glob('*.csv')))} tables byte-identical to the golden copies")


@pytest.mark.e2e
def test_failing_notebook_is_reported_and_others_render(tmp_path):
    make_project(tmp_path, notebooks=False)
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    shutil.copy(ROOT / "notebooks" / "04-kabkota-scorecard.ipynb", nbdir)
    broken = nbformat.read(ROOT / "notebooks" / "04-kabkota-scorecard.ipynb", as_version=4)
    broken.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('deliberately broken')"))
    nbformat.write(broken, nbdir / "05-broken.ipynb")
    proc = run_cli(tmp_path, "params/default.yaml", "--jobs", "1")
    assert proc.returncode == 1
    scenario = tmp_path / "outputs" / "default"
    run = newest_run(scenario)
    assert run.name.endswith("-failed") and not (scenario / "latest").exists()  # kept, marked, never `latest`
    assert run.name in (scenario / "index.html").read_text(encoding="utf-8")  # listed in the index of runs
    index = (run / "index.html").read_text(encoding="utf-8")
    assert "deliberately broken" in index and "GAGAL" in index
    assert (run / "04-kabkota-scorecard.html").is_file()
    assert (run / "notebooks" / "05-broken.ipynb").is_file()  # kept for debugging
    manifest = json.loads((run / "manifest.json").read_text())
    status = {n["name"]: n["status"] for n in manifest["notebooks"]}
    assert status == {"04-kabkota-scorecard": "ok", "05-broken": "failed"}
    assert "05-broken" in proc.stderr and "failed" in proc.stderr


@pytest.mark.e2e
def test_no_raw_nik_or_name_in_any_output_file(rendered):
    """Privacy scan of every file of a full run; the synthetic recipient list it verified holds NIKs."""
    import evalkit
    from evalkit.recipients import generate_recipients
    from evalkit.recipients.generate import defect_counts

    project, _ = rendered
    params = evalkit.load_params(project / "params" / "default.yaml")
    v = params.verification
    df, _ = generate_recipients(
        v.synthetic_rows, seed=params.seed, defects=defect_counts(v.synthetic_rows, v.synthetic_defect_share)
    )
    niks, names = sorted(n for n in df["nik"] if len(n) >= 12), sorted(df["nama"])
    personal = PersonalData(niks, names)
    assert personal.kinds_in(f"x 9{niks[-1]}0 y,{names[-1]}.") == ["nik", "name"]  # the scan can find both
    files, problems = personal.scan(project / "outputs")
    assert files > 20
    assert not problems, problems[:5]
    html = (project / "outputs/default/latest/01-data-quality.html").read_text(encoding="utf-8")
    assert "Ganda lintas sumber dana" in html  # the verification section did render


@pytest.mark.e2e
def test_rerun_from_manifest_reproduces_identical_tables_and_pages(rendered, tmp_path):
    """Determinism and provenance: `evalkit rerun manifest.json` renders the default report again."""
    import os

    project = copy_project(rendered[0], tmp_path / "project")  # the rerun adds a run: not in the shared project
    scen = project / "outputs" / "default"
    first = (scen / "latest").resolve()
    env = dict(os.environ, EVALKIT_SALT="e2e-test-salt")
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit", "rerun", str(first / "manifest.json"), "--quiet"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "params hash: same" in proc.stdout and "tables:      all identical" in proc.stdout
    assert "environment: installed packages equal lock/run.txt" in proc.stdout
    second = (scen / "latest").resolve()
    assert second != first and first.is_dir()  # the earlier run is kept
    tables = sorted(p.name for p in (first / "tables").glob("*.csv"))
    assert tables and tables == sorted(p.name for p in (second / "tables").glob("*.csv"))
    for name in tables:
        assert (first / "tables" / name).read_bytes() == (second / "tables" / name).read_bytes(), name
    since = re.compile(r"(Sejak run sebelumnya|Since the last run).*?</p>", re.S)  # 05 compares with the run before
    for page in NOTEBOOKS:
        a = since.sub("", (first / f"{page}.html").read_text(encoding="utf-8"))
        b = since.sub("", (second / f"{page}.html").read_text(encoding="utf-8"))
        assert a == b, f"{page}.html differs between identical runs"
    assert "Dibandingkan run" in (second / "05-oversight.html").read_text(encoding="utf-8")  # … and says so
    import openpyxl

    values = [
        [[list(r) for r in ws.iter_rows(values_only=True)] for ws in openpyxl.load_workbook(run / "default.xlsx")]
        for run in (first, second)
    ]
    assert values[0][0] == values[1][0] and values[0][2:] == values[1][2:]  # contents and every table identical
    assert len(values[0]) > 20  # (the about sheet differs: run id, times)
    strip = lambda t: re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "DATE", t)  # noqa: E731  the run date
    assert strip((first / "index.html").read_text()) == strip((second / "index.html").read_text())
    assert not (project / "outputs" / ".rerun").exists()


@pytest.mark.e2e
def test_warm_kernels_and_cache_change_nothing_in_the_report(rendered, tmp_path):
    """The default runner (warm kernels, prepared-table cache filled by this run) against papermill's way:
    one new kernel per notebook and no cache. Every table, result and page must be identical."""
    project, _ = rendered
    other = make_project(tmp_path)
    proc = run_cli(other, "params/default.yaml", "--jobs", "2", "--fresh-kernels", "--no-cache")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (other / "outputs" / ".cache").exists()
    a, b = (p / "outputs" / "default" / "latest" for p in (project, other))
    for folder, pattern in (("tables", "*.csv"), ("results", "*.json"), (".", "*.html")):
        names = sorted(f.name for f in (a / folder).glob(pattern))
        assert names and names == sorted(f.name for f in (b / folder).glob(pattern)), folder
        for name in names:
            if name in ("index.html", "run.html"):
                continue  # hold the run date and times
            assert (a / folder / name).read_bytes() == (b / folder / name).read_bytes(), f"{folder}/{name}"


# --------------------------------------------------------------------------- issue #7: languages, Excel, comparison, browser
def headings(html: str) -> list[str]:
    out = []
    for h in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html, flags=re.S):
        text = re.sub(r"<[^>]+>", "", h).replace("¶", "").strip()
        out.append(re.sub(r"^\d+\.\s*", "", text))
    return out


def only_in(lang: str) -> set[str]:
    from evalkit.report.i18n import TEXT

    other = "en" if lang == "id" else "id"
    return {v[lang] for v in TEXT.values() if v[lang] != v[other]}


@pytest.mark.e2e
def test_english_pages_have_no_indonesian_headings_and_vice_versa(rendered, english):
    checked = 0
    for project, lang in ((english[0], "en"), (rendered[0], "id")):
        foreign = only_in("id" if lang == "en" else "en")
        own = only_in(lang)
        for page in sorted((project / "outputs").glob("*/latest/*.html")):
            hs = headings(page.read_text(encoding="utf-8"))
            assert hs, page
            bad = [h for h in hs if h in foreign]
            assert not bad, f"{page}: {bad}"
            assert any(h in own for h in hs), f"{page}: no heading from the {lang} translation table"
            checked += 1
    assert checked >= 4 * 10  # 4 scenarios × (index, 6 notebooks, brief, glossary, run details)


@pytest.mark.e2e
def test_budget_notebook_renders_in_two_more_scenarios(english):
    project, _ = english
    feasible = (project / "outputs/target-90-by-2029/latest/03-budget-allocation.html").read_text(encoding="utf-8")
    assert "meets the 90.0%" in feasible and "Rp " in feasible and "reachable only if" in feasible
    ambitious = (project / "outputs/target-95-by-2027/latest/03-budget-allocation.html").read_text(encoding="utf-8")
    assert "is NOT reachable" in ambitious


@pytest.mark.e2e
def test_comparison_page_lists_every_scenario_and_headlines(english):
    """In the report language: each scenario's title, the params that differ (in words, each value, the source
    comment of the file), every declared headline with each scenario's text, identical rows marked."""
    import html as _html

    from evalkit.report import compare, i18n, outputs

    project, proc = english
    page = Path(proc.stdout.strip().splitlines()[-1])
    assert page.parent.parent == project / "outputs" / "compare" and page.is_file()
    html = _html.unescape(page.read_text(encoding="utf-8"))
    manifests = {}
    for name in ("target-90-by-2029", "target-95-by-2027"):
        manifests[name] = json.loads((project / "outputs" / name / "latest" / "manifest.json").read_text())
        assert manifests[name]["params"]["resolved"]["scenario"]["title_en"] in html
        for key, h in outputs.read_headlines(project / "outputs" / name / "latest" / "results").items():
            assert i18n.t(outputs.headline(key).label, "en") in html and h["text"] in html, (name, key)
    differ = compare.differing_params(manifests, project, "en")
    keys = {r["key"] for r in differ}
    # the two files differ in the target and in the budget assumptions, never (by design) in names or language
    assert {"target.coverage_pct", "target.year", "budget.formal_coverage_growth_pp"} <= keys
    assert not any(k.startswith(("scenario.", "report.")) for k in keys)
    for r in differ:
        assert r["label"] in html and all(v in html for v in r["values"]) and r["source"] in html, r
    assert next(r for r in differ if r["key"] == "target.coverage_pct")["values"] == ["90", "95"]
    assert "p_reach_target" in {h.key for h in outputs.HEADLINE_LIST} and i18n.t("sum_p_reach", "en") in html
    assert "evk-same" in html  # rows identical in both scenarios are marked
    assert i18n.t("cmp_title", "en") in html and i18n.t("cmp_title", "id") not in html and not NETWORK.search(html)


@pytest.mark.e2e
def test_revenue_downside_renders_beside_the_default(rendered):
    project, proc = rendered
    page = Path(proc.stdout.strip().splitlines()[-1])
    assert page.parent.parent == project / "outputs" / "compare"
    html = page.read_text(encoding="utf-8")
    for name in ("default", "revenue-downside"):
        manifest = json.loads((project / "outputs" / name / "latest" / "manifest.json").read_text())
        assert manifest["status"] == "ok" and manifest["params"]["resolved"]["scenario"]["title"] in html
    caps = {
        name: read_csv_table(
            project / "outputs" / name / "latest" / "tables" / "03-budget-allocation__budget_path.csv"
        ).set_index("year")["cap_rupiah"]
        for name in ("default", "revenue-downside")
    }
    assert (caps["revenue-downside"] < caps["default"]).all()  # the ceiling follows the lower revenue
    assert caps["revenue-downside"].loc[2026] == pytest.approx(0.005 * 14.25e12)


@pytest.mark.e2e
def test_persons_are_whole_in_every_table_and_workbook(rendered):
    """Persons are whole in the budget tables (CSV) and in every workbook sheet (integers, ``#,##0``)."""
    import openpyxl

    from evalkit.report import outputs
    from evalkit.report.excel import HEADER_ROW

    project, _ = rendered
    run = project / "outputs" / "default" / "latest"
    checked = 0
    for csv in sorted((run / "tables").glob("03-*.csv")):
        t = read_csv_table(csv)
        spec = outputs.table_by_file(csv.stem)
        for col in [c for c in t.columns if spec.columns.get(c) in outputs.PERSONS]:
            values = t[col].dropna()
            assert (values == values.round()).all(), (csv.name, col)
            checked += 1
    assert checked >= 8
    wb = openpyxl.load_workbook(run / "default.xlsx")
    contents = {r[0]: r[4] for r in wb.worksheets[0].iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    checked = 0
    for sheet, file in contents.items():
        spec = outputs.table_by_file(Path(file).stem)
        if spec is None:
            continue
        ws = wb[sheet]
        header = read_csv_table(run / "tables" / file).columns
        for j, col in enumerate(header, start=1):
            if spec.columns.get(col) in outputs.PERSONS:
                cells = [r[0] for r in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=j, max_col=j)]
                assert all(isinstance(c.value, int) or c.value is None for c in cells), (sheet, col)
                assert all(c.number_format == "#,##0" for c in cells if c.value is not None), (sheet, col)
                checked += 1
    assert checked >= 10
    launch = json.loads((run / "results" / "03-budget-allocation.json").read_text())["headlines"]["recipients_prov"]
    assert launch["text"] == "100.000"


@pytest.mark.e2e
def test_second_scenario_reuses_notebooks_whose_inputs_did_not_change(english):
    """target-95 differs from target-90 only in target, budget and report.language: notebooks 01, 02, 04
    (which declare they read none of those) are reused with identical tables; 03 and 00 run again."""
    project, _ = english
    runs = {n: project / "outputs" / n / "latest" for n in ("target-90-by-2029", "target-95-by-2027")}
    status = {
        n: {nb["name"]: nb["reused"] for nb in json.loads((r / "manifest.json").read_text())["notebooks"]}
        for n, r in runs.items()
    }
    assert not any(status["target-90-by-2029"].values())
    assert status["target-95-by-2027"] == {
        "00-summary": False,
        "01-data-quality": True,
        "02-coverage-evaluation": True,
        "03-budget-allocation": False,
        "04-kabkota-scorecard": True,
        "05-oversight": True,
    }
    a, b = runs.values()
    for prefix in ("01-", "02-", "04-"):
        names = sorted(p.name for p in (a / "tables").glob(prefix + "*.csv"))
        assert names and names == sorted(p.name for p in (b / "tables").glob(prefix + "*.csv"))
        for name in names:
            assert (a / "tables" / name).read_bytes() == (b / "tables" / name).read_bytes(), name
    page = (b / "02-coverage-evaluation.html").read_text(encoding="utf-8")
    assert "Ambitious target: 95% coverage by 2027" in page  # the page is the new scenario's


SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


@pytest.mark.e2e
def test_excel_workbook_equals_csv_tables(rendered):
    """The planners' workbook: a contents sheet, an about sheet, one sheet per declared table (every table of
    the run, chart data included); each stamped SYNTHETIC, headers translated (no snake_case), values equal to
    the CSV tables (exact numbers, whole persons, closed-set values in words) with Rupiah and count formats."""
    import openpyxl

    from evalkit.report import i18n, outputs
    from evalkit.report.excel import HEADER_ROW
    from evalkit.report.tables import read_table

    project, _ = rendered
    run = project / "outputs" / "default" / "latest"
    wb = openpyxl.load_workbook(run / "default.xlsx", data_only=True)
    tables = sorted((run / "tables").glob("*.csv"))
    assert all(outputs.table_by_file(p.stem) for p in tables)  # every table the run wrote is declared
    assert len(wb.sheetnames) == len(tables) + 3  # contents, about this run, headline numbers and their basis
    assert wb.sheetnames[:2] == [i18n.t("xl_contents", "id"), i18n.t("xl_about", "id")]
    stamp = i18n.t("synthetic_banner", "id")
    for ws in wb.worksheets:  # every sheet says SYNTHETIC DATA in its second row
        assert ws["A2"].value == stamp, ws.title
    about = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(values_only=True) if r[0]}
    manifest = json.loads((run / "manifest.json").read_text())
    assert about[i18n.t("run_params_hash", "id")] == manifest["params"]["hash"]
    contents = {r[0]: r[4] for r in wb.worksheets[0].iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    assert sorted(v for v in contents.values() if v.endswith(".csv")) == [p.name for p in tables]
    shown = 0
    for f in outputs.FIGURE_LIST:  # every chart a page shows has its data in the workbook
        if f'id="fig-{f.name}"' in (run / f"{f.producer}.html").read_text(encoding="utf-8"):
            assert outputs.table(f.producer, f.table).file in contents.values(), f
            shown += 1
    assert shown >= 15
    for sheet, csv_name in ((k, v) for k, v in contents.items() if v.endswith(".csv")):
        spec = outputs.table_by_file(Path(csv_name).stem)
        df = read_table(run / "tables" / csv_name)
        ws = wb[sheet]
        values = list(ws.iter_rows(min_row=HEADER_ROW, values_only=True))
        header = list(values[0])
        assert header == [outputs.column_label(c, "id") for c in df.columns], sheet
        assert not [h for h in header if SNAKE.match(str(h))], (sheet, header)
        assert ws.cell(row=HEADER_ROW, column=1).font.bold and i18n.t(spec.caption, "id") in ws["A1"].value
        assert len(values) - 1 == len(df)
        units = [spec.columns.get(c, "text") for c in df.columns]
        for got, rec in zip(values[1:], df.to_dict("records")):
            for g, w, unit in zip(got, rec.values(), (outputs.cell_unit(u, rec) for u in units)):
                if isinstance(w, float) and w != w:
                    assert g is None
                elif unit in outputs.WHOLE:
                    assert g == int(round(w)) and isinstance(g, int), (sheet, g, w)
                elif unit in outputs.EXCEL_FORMATS:
                    assert g == pytest.approx(float(w), rel=1e-12, abs=1e-12), (sheet, g, w)
                else:
                    assert g == outputs.label_value(unit, w, "id"), (sheet, g, w)
    path = wb[next(k for k, v in contents.items() if v == "03-budget-allocation__budget_path.csv")]
    columns = [c.value for c in path[HEADER_ROW]]
    first = HEADER_ROW + 1
    assert (
        path.cell(row=first, column=columns.index(outputs.column_label("cost_rupiah", "id")) + 1).number_format
        == '"Rp" #,##0'
    )
    assert (
        path.cell(row=first, column=columns.index(outputs.column_label("recipients", "id")) + 1).number_format
        == "#,##0"
    )


def params_keys() -> set[str]:
    """Every params key path (``budget.cap_share_of_revenue``) and every snake_case leaf name of the schema."""
    from pydantic import BaseModel

    from evalkit.params.schema import Params

    out: set[str] = set()

    def walk(model, prefix):
        for name, f in model.model_fields.items():
            path = f"{prefix}{name}"
            out.add(path)
            if "_" in name:
                out.add(name)
            ann = f.annotation
            for cand in (ann, *getattr(ann, "__args__", ())):
                for inner in (cand, *getattr(cand, "__args__", ())):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        walk(inner, path + ".")

    walk(Params, "")
    return {k for k in out if "." in k or "_" in k}


CHECK_PAGE = r"""() => {
  const w = window.innerWidth, h = window.innerHeight;
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const overflow = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > w + 1 || r.left < -1) && !scrolls(el)) overflow.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  }
  const answer = document.querySelector('#answer');
  const first = answer ? answer.querySelector('li') : null;
  return {text: document.body.innerText, overflow: overflow.slice(0, 5), docWidth: document.documentElement.scrollWidth,
          headers: Array.from(document.querySelectorAll('th')).map(t => t.innerText),
          answerTop: answer ? answer.getBoundingClientRect().top + window.scrollY : null,
          firstBottom: first ? first.getBoundingClientRect().bottom + window.scrollY : null, width: w, height: h};
}"""


@pytest.mark.e2e
def test_pages_in_headless_chromium_offline(rendered, english, tmp_path):
    """Every page of a run, its scenario's run list and the comparison page, in Indonesian and English, at 1280 and
    390 px, offline: the answer is on the index's first screen; no params key, snake_case header or nan is
    visible; nothing overflows sideways outside a scroll container; every image decodes; links resolve."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    pages, answers = [], set()
    for project, scenario in ((rendered[0], "default"), (english[0], "target-90-by-2029")):
        run = (project / "outputs" / scenario / "latest").resolve()
        pages += sorted(run.glob("*.html")) + [run.parent / "index.html"]
        pages.append(sorted((project / "outputs" / "compare").glob("2*/index.html"))[-1])
        answers.add(run / "index.html")
    names = {p.name for p in pages}
    assert {"index.html", "brief.html", "glossary.html", "run.html", *[f"{n}.html" for n in NOTEBOOKS]} <= names
    keys = params_keys()
    key_re = re.compile(r"(?<![\w.])(" + "|".join(sorted(map(re.escape, keys), key=len, reverse=True)) + r")(?![\w])")
    snake = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
    shots = tmp_path / "screenshots"  # not in the shared project, which other tests scan
    shots.mkdir()
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ]
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        for width, height in ((1280, 900), (390, 844)):
            context = browser.new_context(viewport={"width": width, "height": height})
            blocked, failed, errors = [], [], []

            def route(r, blocked=blocked):
                if r.request.url.split(":", 1)[0] in ("file", "data", "about"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("requestfailed", lambda req, failed=failed: failed.append(req.url))
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            for page_file in pages:
                where = f"{page_file.parent.name}/{page_file.name} @{width}px"
                page.goto(page_file.as_uri(), wait_until="load")
                images = page.evaluate(
                    "Promise.all(Array.from(document.images).map(i => i.decode().then("
                    "() => i.naturalWidth > 0, () => false)))"
                )
                if not all(images):
                    problems.append(f"{where}: an image does not decode")
                info = page.evaluate(CHECK_PAGE)
                text = info["text"]
                if m := key_re.search(text):
                    problems.append(
                        f"{where}: params key visible: {m.group(0)!r} in …{text[max(0, m.start() - 60) : m.end() + 20]!r}"
                    )
                if re.search(r"\bnan\b", text, re.I):
                    problems.append(f"{where}: 'nan' visible")
                bad = [h for h in info["headers"] if snake.search(h)]
                if bad:
                    problems.append(f"{where}: snake_case headers {bad[:3]}")
                if info["overflow"] or info["docWidth"] > width + 1:
                    problems.append(f"{where}: overflows sideways ({info['docWidth']} px): {info['overflow']}")
                if page_file in answers:
                    if info["answerTop"] is None or info["firstBottom"] > height:
                        problems.append(
                            f"{where}: the answer is not on the first screen ({info['answerTop']}, "
                            f"{info['firstBottom']})"
                        )
                    elif width == 1280 and page_file.parent.parent.name == "default":
                        page.screenshot(path=str(shots / "index-first-screen.png"))
                links = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
                for link in links:
                    if link.startswith("file://"):
                        target = Path(link.replace("file://", "").split("#")[0])
                        if not target.is_file():
                            problems.append(f"{where}: broken link {link}")
            assert not blocked, blocked
            assert not failed, failed
            assert not errors, errors
            context.close()
        browser.close()
    assert not problems, "\n".join(problems[:40])
    assert (shots / "index-first-screen.png").is_file()


@pytest.mark.e2e
def test_a_kaltim_only_panel_renders_every_page_and_says_which_designs_did_not_run(tmp_path, default_data):
    """What Pemprov Kaltim holds: monthly counts for its 10 kab/kota only, as a CSV in the documented schema."""
    from evalkit.data.schemas import PANEL

    project = make_project(tmp_path)
    panel = default_data.kaltim[[c.name for c in PANEL]].copy()
    panel["period"] = panel["period"].dt.strftime("%Y-%m")
    panel.to_csv(project / "data" / "kaltim.csv", index=False)
    (project / "params" / "kaltim-only.yaml").write_text(
        "extends: default.yaml\nscenario:\n  name: kaltim-only\n  title: Kaltim saja\ndata:\n  source: files\n"
        "  panel: ../data/kaltim.csv\n",
        encoding="utf-8",
    )
    proc = run_cli(project, "params/kaltim-only.yaml", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = project / "outputs" / "kaltim-only" / "latest"
    page = (run / "02-coverage-evaluation.html").read_text(encoding="utf-8")
    assert page.count("data tidak memuat provinsi pembanding") == 4  # DiD, event study, synthetic control, SDID
    table = read_csv_table(run / "tables" / "02-coverage-evaluation__comparison.csv").set_index("design")
    assert set(table.index[table["not_run"] == "no_comparison"]) == {"did", "event_study", "synth", "sdid"}
    assert table.loc[["its", "staggered", "dose"], "estimate"].notna().all()
    raw = (run / "tables" / "02-coverage-evaluation__comparison.csv").read_text(encoding="utf-8")
    assert not raw.startswith("# SYNTHETIC DATA")  # loaded through the real-file path: real data is not stamped


@pytest.mark.e2e
def test_published_formats_and_an_xlsx_panel_render_every_page(files_render):
    """(b) participants per BPJS TK office + yearly/half-yearly denominators + recipients + companies
    (params/example-files.yaml, data/example/) and (c) the same data as one monthly XLSX panel: both render."""
    project, proc = files_render
    assert proc.returncode == 0, proc.stderr[-3000:]
    for scenario in ("example-files", "xlsx-panel"):
        run = project / "outputs" / scenario / "latest"
        pages = sorted(run.glob("*.html"))
        assert len(pages) == 10, pages  # index + six notebooks + brief, glossary and run details
        for page in pages:
            text = page.read_text(encoding="utf-8")
            assert "DATA SINTETIS" in text, page  # the example files say SYNTHETIC DATA on every row
            assert "Traceback" not in text, page
        table = read_csv_table(run / "tables" / "02-coverage-evaluation__comparison.csv")
        assert len(table) >= 6
        ran = table["not_run"].eq("none")
        assert table.loc[ran, "estimate"].notna().all() and table.loc[~ran, "estimate"].isna().all()
        assert set(table.loc[ran, "design"]) >= {"its", "did", "staggered", "dose"}
    index = (project / "outputs" / "example-files" / "latest" / "index.html").read_text(encoding="utf-8")
    assert "diinterpolasi linear antarbulan survei" in index  # the report states the interpolation method
    assert "sasaran BPJS Ketenagakerjaan" in index  # total coverage on its published definition, next to the target
