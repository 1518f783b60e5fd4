"""Issue #28: oversight from the files the programme produces — invoices against the decree, payments against the
DPA, continuity, claims, the quarterly report — exact on injected discrepancies, zero on clean files, every bad
input refused with file, row and column."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import evalkit
from evalkit import budget as B
from evalkit.data.oversight import check_tables, invoice_summary, read_oversight
from evalkit.errors import DataError
from evalkit.oversight import KINDS, generate_oversight, reconcile
from evalkit.oversight.report import quarterly_rows

from .conftest import ROOT, make_project, run_cli, snapshot
from .test_templates import fill

SALT = "oversight-test-salt"
CODES = ["6401", "6402", "6403", "6404", "6405", "6409", "6411", "6471", "6472", "6474"]


def checked(params, syn):
    return check_tables({n: (f, f"{n}.csv", set()) for n, f in syn.frames.items()}, params, SALT)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_headline_equals_the_injected_count_and_amount(default_params, seed):
    """1–3 cases of every kind in every kab/kota, on distinct persons: each count, each kab/kota's count and each
    Rupiah at stake is found exactly; continuity, the gap and the unpaid months too."""
    syn = generate_oversight(default_params, CODES, per_region=30, seed=seed)
    r = reconcile(checked(default_params, syn), default_params)
    for kind in KINDS:
        assert r.summary[kind]["count"] == syn.truth[kind]["count"], kind
        assert r.summary[kind]["rupiah"] == pytest.approx(syn.truth[kind]["rupiah"], abs=0.5), kind
        found = r.cases[r.cases["kind"] == kind].groupby("kode_wilayah").size().to_dict()
        assert found == syn.truth[kind]["by_region"] and set(found) == set(CODES), kind  # every kab/kota
    assert r.gap_months == syn.truth["gap_months"] == 3
    assert int(r.continuity["lapsed"].sum()) == syn.truth["lapsed"]
    claims = syn.frames["claims"]
    assert r.claims_summary["cases"] == len(claims)
    assert r.claims_summary["rupiah"] == pytest.approx(claims["jumlah_rupiah"].astype(float).sum())
    assert len(r.payments_summary["unpaid_months"]) == syn.truth["unpaid_months"]
    assert not set(r.cases["id"]) & set(syn.frames["invoices"]["nik"])  # salted ids only: no NIK left


def test_on_clean_files_every_discrepancy_is_zero(default_params):
    syn = generate_oversight(default_params, CODES, per_region=30, inject=False)
    r = reconcile(checked(default_params, syn), default_params)
    assert all(r.summary[k]["count"] == 0 for k in KINDS) and r.cases.empty
    rows = quarterly_rows(r)
    assert rows.set_index("indicator").loc["invoice_accuracy_pct", "latest"] == 100


def test_payments_claims_and_rates_by_hand(default_params):
    syn = generate_oversight(default_params, CODES, per_region=20, seed=4)
    t = checked(default_params, syn)
    r = reconcile(t, default_params)
    pay = r.payments_summary
    year = pay["year"]
    paid = t.payments[t.payments["tanggal_bayar"].dt.year == year]["jumlah_rupiah"].sum()
    assert pay["paid_ytd_rupiah"] == pytest.approx(paid)
    assert pay["realisation_pct"] == pytest.approx(100 * paid / t.dpa[t.dpa["tahun"] == year]["pagu_rupiah"].sum())
    due = pd.to_datetime(t.payments["periode"] + "-15") + pd.DateOffset(months=1)
    late = (t.payments["tanggal_bayar"] - due).dt.days
    assert pay["late_payments"] == int((late[t.payments["tanggal_bayar"].dt.year == year] > 0).sum())
    cs = r.claims_summary
    assert cs["rupiah"] == pytest.approx(t.claims["jumlah_rupiah"].sum())
    contributions = (t.invoices["iuran_jkk_rupiah"] + t.invoices["iuran_jkm_rupiah"]).sum()
    assert cs["benefit_ratio"] == pytest.approx(cs["rupiah"] / contributions)
    # exact Poisson interval (Garwood): 0 deaths in 100 person-years gives [0, 3.689/100]
    from evalkit.oversight.reconcile import poisson_interval

    low, high = poisson_interval(0, 100)
    assert low == 0 and high == pytest.approx(3.6889 / 100, rel=1e-4)
    assert cs["death_rate_ci"][0] < cs["death_rate_per_1000"] < cs["death_rate_ci"][1]


def _write(folder, syn, xlsx=()):
    """The synthetic frames as files in the templates' layout (CSV, or filled XLSX templates)."""
    from evalkit.data.templates import write_templates

    write_templates(folder / "templates")
    paths = {}
    for name, frame in syn.frames.items():
        if name in xlsx:
            path = folder / f"{name}.xlsx"
            shutil.copy(folder / "templates" / f"{name}.xlsx", path)
            fill(path, frame.reindex(columns=pd.read_csv(folder / "templates" / f"{name}.csv").columns))
        else:
            path = folder / f"{name}.csv"
            frame.to_csv(path, index=False)
        paths[name] = path
    return paths


def _params_with(project, paths, extra=""):
    lines = "".join(f"  {name}: ../data/{path.name}\n" for name, path in paths.items())
    (project / "params" / "files.yaml").write_text(
        "extends: example-files.yaml\nscenario:\n  name: files\n  title: Berkas\ndata:\n" + lines + extra
    )
    return evalkit.load_params(project / "params" / "files.yaml")


@pytest.fixture
def files_project(tmp_path, default_params, monkeypatch):
    monkeypatch.setenv("EVALKIT_SALT", SALT)
    monkeypatch.setenv("EVALKIT_CACHE", "off")
    (tmp_path / "p").mkdir()
    project = make_project(tmp_path / "p", notebooks=False)
    shutil.copytree(ROOT / "data" / "example", project / "data" / "example")
    syn = generate_oversight(default_params, CODES, per_region=25, seed=7)
    paths = _write(project / "data", syn, xlsx=("determined", "dpa"))
    return project, syn, paths


def test_real_shaped_files_and_filled_templates_reconcile_like_the_frames(files_project, default_params):
    """CSV files and filled XLSX templates (determined list and DPA) read through the real path give the same
    findings as the generated frames."""
    project, syn, paths = files_project
    params = _params_with(project, paths)
    read = read_oversight(params)
    assert set(read.files) == {"determined", "invoices", "payments", "dpa", "claims", "deaths"}
    a = reconcile(read, params)
    b = reconcile(checked(params, syn), params)
    assert a.summary == b.summary and a.gap_months == b.gap_months == 3
    assert a.claims_summary["cases"] == b.claims_summary["cases"]


def test_the_measured_gap_and_shares_reach_the_budget(files_project, default_data):
    """With an invoice file the budget measures its gap and funding shares in the invoices; change the invoices and
    the budget's cost history and gap change with them."""
    project, syn, paths = files_project
    params = _params_with(project, paths)
    basis = B.basis(params, default_data)
    assert (basis.gap_from, basis.gap_months, basis.shares_from) == ("invoices", 3, "invoices")
    history = B.recipients_cost_by_year(default_data.panel, params)
    billed = invoice_summary(read_oversight(params).invoices)
    assert history["cost_prov"].sum() == pytest.approx(billed.loc[billed["sumber_dana"] == "apbd_prov", "rupiah"].sum())
    # bill the new lists from February instead of April: the measured gap becomes one month
    inv = syn.frames["invoices"]
    early = inv[inv["periode"].str.endswith(("-04", "-05"))].assign(
        periode=lambda f: f["periode"].str[:5] + f["periode"].str[5:].map({"04": "02", "05": "03"})
    )
    pd.concat([inv, early]).to_csv(paths["invoices"], index=False)
    moved = B.basis(_params_with(project, paths), default_data)
    assert moved.gap_months == 1
    assert (
        B.recipients_cost_by_year(default_data.panel, _params_with(project, paths))["cost_prov"].sum()
        > history["cost_prov"].sum()
    )


BAD = {  # kind → (file, how to break it, the column the message names, words in it)
    "determined": ("tahun", lambda f: f.assign(tahun=f["tahun"].where(f.index != 3, "2024.5")), "tahun", "whole year"),
    "invoices": (
        "periode",
        lambda f: f.assign(periode=f["periode"].where(f.index != 5, "2019-01")),
        "periode",
        "window",
    ),
    "payments": (
        "jumlah_rupiah",
        lambda f: f.assign(jumlah_rupiah=f["jumlah_rupiah"].where(f.index != 2, "-5")),
        "jumlah_rupiah",
        "negative",
    ),
    "dpa": ("pagu_rupiah", lambda f: f.assign(pagu_rupiah="banyak"), "pagu_rupiah", "finite number"),
    "claims": ("program", lambda f: f.assign(program=f["program"].where(f.index != 1, "JHT")), "program", "allowed"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_each_bad_file_names_file_row_and_column(files_project, kind):
    project, syn, paths = files_project
    column, breaks, named, words = BAD[kind]
    frame = syn.frames[kind]
    broken = breaks(frame)
    path = project / "data" / f"{kind}.csv"
    broken.to_csv(path, index=False)
    paths = {**paths, kind: path}
    with pytest.raises(DataError) as err:
        read_oversight(_params_with(project, paths))
    text = str(err.value)
    assert f"{kind}.csv" in text and f"column '{named}'" in text and words in text and "row" in text
    assert not any(nik in text for nik in syn.frames["invoices"]["nik"])  # never a NIK in a message


def test_across_files_a_payment_off_the_dpa_and_a_claim_for_nobody_billed(files_project, default_params):
    project, syn, paths = files_project
    syn.frames["payments"].assign(kode_rekening="9.9.99").to_csv(paths["payments"], index=False)
    stranger = syn.frames["claims"].copy()
    stranger.loc[0, "nik"] = "6401019999990001"
    stranger.to_csv(paths["claims"], index=False)
    with pytest.raises(DataError) as err:
        read_oversight(_params_with(project, paths))
    text = str(err.value)
    assert "budget line" in text and "no invoice line billed" in text and "6401019999990001" not in text


@pytest.mark.e2e
def test_a_bad_invoice_file_exits_2_and_leaves_outputs_untouched(tmp_path, default_params):
    (tmp_path / "p").mkdir()
    project = make_project(tmp_path / "p")
    shutil.copytree(ROOT / "data" / "example", project / "data" / "example")
    before = project / "outputs" / "keep.txt"
    before.parent.mkdir()
    before.write_text("earlier output")
    bad = pd.read_csv(project / "data" / "example" / "invoices.csv", dtype=str, keep_default_na=False)
    bad.loc[7, "iuran_jkk_rupiah"] = "-10000"
    bad.to_csv(project / "data" / "example" / "invoices.csv", index=False)
    outputs = lambda: {k: v for k, v in snapshot(project / "outputs").items() if not k.startswith(".cache")}  # noqa: E731
    shot = outputs()
    proc = run_cli(project, "params/example-files.yaml")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "invoices.csv" in proc.stderr and "row 9, column 'iuran_jkk_rupiah'" in proc.stderr
    assert "Traceback" not in proc.stderr and outputs() == shot  # (the cache may keep the valid panel it read)
    assert not list((project / "outputs").glob(".cache/oversight-*"))  # nothing of the refused files is kept


@pytest.mark.e2e
def test_example_files_render_oversight_and_the_quarterly_workbook(files_render):
    """The example files render notebook 05; the quarterly workbook has Indonesian headers, the SYNTHETIC stamp on
    every sheet, and no NIK of any example file appears in any output."""
    import openpyxl

    from evalkit.report import i18n

    project, proc = files_render
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = project / "outputs" / "example-files" / "latest"
    page = (run / "05-oversight.html").read_text(encoding="utf-8")
    assert "Tagihan dibandingkan dengan penetapan" in page and "DATA SINTETIS" in page
    results = json.loads((run / "results" / "05-oversight.json").read_text())["headlines"]
    for key in (
        "invoice_billed_not_determined",
        "invoice_determined_not_billed",
        "invoice_double_billed",
        "invoice_billed_after_death",
        "invoice_amount_mismatch",
        "realisation_pct",
        "determination_gap_months_measured",
        "claims_cases",
        "claims_rupiah",
        "benefit_ratio_measured",
    ):
        assert key in results, key
    assert results["determination_gap_months_measured"]["value"] == 3
    assert all(results[f"invoice_{k}"]["value"] > 0 for k in ("billed_not_determined", "double_billed"))
    wb = openpyxl.load_workbook(run / "laporan_triwulan.xlsx")
    assert wb.sheetnames[0] == "DATA SINTETIS"
    for ws in wb.worksheets:
        values = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
        assert any("SYNTHETIC DATA" in v or "DATA SINTETIS" in v for v in values), ws.title
    indicators = wb[i18n.t("ov_sheet_indicators", "id")]
    header = [
        c.value
        for c in next(r for r in indicators.iter_rows(min_row=1) if r[1].value and "Indikator" in str(r[1].value))
    ]
    assert "Indikator" in header and "Ambang" in header
    niks = set()
    for name in ("determined", "invoices", "claims", "deaths"):
        niks |= set(pd.read_csv(ROOT / "data" / "example" / f"{name}.csv", dtype=str)["nik"])
    assert len(niks) > 500
    from .privacy import PersonalData

    scan = PersonalData(niks, [])
    read, leaks = scan.scan(project / "outputs")
    assert read > 50 and not leaks, leaks[:3]
    for book in (project / "outputs").rglob("*.xlsx"):  # the cells, not the zipped bytes
        for ws in openpyxl.load_workbook(book, read_only=True).worksheets:
            text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
            assert not scan.kinds_in(text), (book.name, ws.title)
    budget = (run / "03-budget-allocation.html").read_text(encoding="utf-8")
    assert "diukur dari berkas tagihan" in budget  # the measured gap and shares reach the budget, named
    assert "bukan seluruh program" in budget  # … and the sample invoice file is said to be a sample


def test_a_bpjs_invoice_export_reads_through_the_shipped_mapping_profile(files_project):
    """The invoice file in BPJS TK's own column names and values (upper-case status and funder), read through
    data/reference/mappings/bpjs-tagihan-invoices.yaml, gives the same findings; a mapping onto a column the template
    does not have is refused."""
    import yaml

    project, syn, paths = files_project
    plain = reconcile(read_oversight(_params_with(project, paths)), _params_with(project, paths))
    profile = yaml.safe_load((ROOT / "data/reference/mappings/bpjs-tagihan-invoices.yaml").read_text())
    back = {v: k for k, v in profile["columns"].items()}
    status = {"aktif": "AKTIF", "nonaktif": "NON AKTIF", "meninggal": "MENINGGAL DUNIA"}
    funder = {"apbd_prov": "APBD PROVINSI", "apbd_kabkota": "APBD KAB/KOTA", "csr": "CSR"}
    inv = (
        syn.frames["invoices"]
        .assign(
            status_kepesertaan=lambda f: f["status_kepesertaan"].map(status),
            sumber_dana=lambda f: f["sumber_dana"].map(funder),
        )
        .rename(columns=back)
    )
    inv.to_csv(paths["invoices"], index=False)
    shutil.copytree(ROOT / "data/reference/mappings", project / "data/reference/mappings")
    extra = "  mappings:\n    invoices: ../data/reference/mappings/bpjs-tagihan-invoices.yaml\n"
    params = _params_with(project, paths, extra)
    assert params.data.mappings["invoices"].columns["NIK"] == "nik"  # the profile is read into the params
    mapped = reconcile(read_oversight(params), params)
    assert mapped.summary == plain.summary and mapped.gap_months == plain.gap_months
    wrong = _params_with(project, paths, "  mappings:\n    invoices:\n      columns: {NIK: nomor_induk}\n")
    with pytest.raises(DataError, match="not a column of this file's template"):
        read_oversight(wrong)


def test_an_invoice_file_that_is_not_the_whole_programme_is_named(files_project, default_data):
    """The example's invoices are a sample: the budget page compares them with the panel's recipients and says so."""
    project, syn, paths = files_project
    check = B.invoices_against_panel(default_data.panel, _params_with(project, paths))
    assert check["year"] == 2025 and check["ratio"] < 0.05  # 25 a kab/kota against 100,000 recipients
