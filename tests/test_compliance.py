"""Employer compliance: rates and arrears by hand and against the definition written as a loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evalkit import compliance


def test_compliance_rates_by_hand():
    rows = []
    for m, paid in zip(["2025-01", "2025-02", "2025-03"], [100, 0, 50]):
        rows.append(("A", "6472", "jasa", "kecil", m, 10, 8, 100, paid, int(paid == 100)))
        rows.append(("B", "6472", "jasa", "kecil", m, 20, 20, 200, 200, 1))
    df = pd.DataFrame(rows, columns=list(compliance.COMPANY_COLUMNS))
    s = compliance.compliance_summary(df).iloc[0]
    assert s["registration_rate"] == pytest.approx(28 / 30)
    assert s["on_time_share"] == pytest.approx(4 / 6)
    assert s["arrears_rupiah"] == pytest.approx(100 + 50)  # A's last two months unpaid/part-paid
    assert s["companies_in_arrears"] == 1
    ages = compliance.arrears_by_age(df).set_index("age_months")
    assert ages.loc["0-3", "companies"] == 1 and ages["companies"].sum() == 1
    top = compliance.top_arrears(df, 1, salt="s")
    assert "company_id" not in top.columns and top["company_hash"].iloc[0] != "A"


def _arrears_by_loop(df: pd.DataFrame) -> dict[str, tuple[int, float]]:
    """The definition written out company by company: trailing unpaid months and what they owe."""
    out = {}
    for cid, g in df.groupby("company_id"):
        g = g.sort_values("periode")
        due, paid = g["contribution_due_rupiah"].tolist(), g["contribution_paid_rupiah"].tolist()
        run, owed = 0, 0.0
        for d, p in zip(reversed(due), reversed(paid)):
            if p >= d:
                break
            run, owed = run + 1, owed + (d - p)
        out[cid] = (run, owed)
    return out


def test_arrears_by_company_matches_the_definition():
    df = compliance.generate_companies(300, seed=11)
    rng = np.random.default_rng(0)
    df = df.sample(frac=1.0, random_state=1).reset_index(drop=True)  # unsorted input
    owing = df.groupby("company_id")["contribution_due_rupiah"].min() > 0
    first = owing[owing].index[0]
    never = df["company_id"] == first
    overpaid = rng.random(len(df)) < 0.05
    df.loc[overpaid, "contribution_paid_rupiah"] = df.loc[overpaid, "contribution_due_rupiah"] + 1000
    df.loc[never, "contribution_paid_rupiah"] = 0  # a company that never paid in full
    got = compliance.arrears_by_company(df).set_index("company_id")
    want = _arrears_by_loop(df)
    assert set(got.index) == set(want)
    assert (got["arrears_months"] > 0).sum() > 20 and got.loc[first, "arrears_months"] == 24
    for cid, (months, owed) in want.items():
        assert got.loc[cid, "arrears_months"] == months
        assert got.loc[cid, "arrears_rupiah"] == pytest.approx(owed, abs=1e-6)


def test_company_records_are_checked_before_anything_runs(project, capsys):
    from evalkit.cli import main

    df = compliance.generate_companies(30, seed=3).astype({"contribution_paid_rupiah": float, "kode_wilayah": object})
    df.loc[4, "paid_on_time"] = 2
    df.loc[7, "contribution_paid_rupiah"] = float("inf")
    df.loc[9, "kode_wilayah"] = "9999"
    df.to_csv(project / "data" / "companies.csv", index=False)
    panel = project / "data" / "panel.csv"
    import evalkit
    from evalkit.data.schemas import PANEL

    data = evalkit.load_data(evalkit.load_params(project / "params" / "default.yaml"))
    p = data.panel[[c.name for c in PANEL]].copy()
    p["period"] = p["period"].dt.strftime("%Y-%m")
    p.to_csv(panel, index=False)
    params = project / "params" / "files.yaml"
    params.write_text(
        "extends: default.yaml\ndata:\n  source: files\n  panel: ../data/panel.csv\n"
        "  companies: ../data/companies.csv\n",
        encoding="utf-8",
    )
    assert main(["validate", "--data", str(params)]) == 2
    err = capsys.readouterr().err
    assert "row 6, column 'paid_on_time'" in err and "row 9, column 'contribution_paid_rupiah'" in err
    assert "row 11, column 'kode_wilayah'" in err and "Traceback" not in err
    synthetic = project / "params" / "ignored.yaml"
    synthetic.write_text("extends: default.yaml\ndata:\n  companies: ../data/companies.csv\n", encoding="utf-8")
    assert main(["validate", str(synthetic)]) == 2
    assert "data.source is 'synthetic', so data.companies would not be read" in capsys.readouterr().err


# --- issue #30: the categories labour inspectors act on ---------------------------------------------------------
def test_each_inspector_category_equals_the_injected_companies(default_params):
    """PWBD, PDS tenaga kerja, PDS upah and PDS program in the latest month: exactly the companies the generator
    made so, with their names and NPP; a category whose columns the file lacks is not checked (NaN), never False."""
    from evalkit.compliance import CATEGORIES, categories, categories_by_region, generate_companies

    df, truth = generate_companies(400, seed=11, with_truth=True)
    cats = categories(df, default_params.compliance)
    for c in CATEGORIES:
        assert set(cats.loc[cats[c].fillna(False).astype(bool), "company_id"]) == truth[c], c
        assert truth[c], c  # every category occurs
    assert (cats.loc[cats["pwbd"].astype(bool), "npp"] == "").all()
    assert cats.loc[cats["pds_program"].astype(bool), "missing_programmes"].str.len().gt(0).all()
    by_region = categories_by_region(cats)
    assert int(by_region["pwbd"].sum()) == len(truth["pwbd"])
    bare = categories(
        df.drop(columns=["upah_dilaporkan_rupiah", "upah_wlkp_rupiah", "program_terdaftar"]), default_params.compliance
    )
    assert bare["pds_upah"].isna().all() and bare["pds_program"].isna().all()
    # the tolerance is a params value: with 50% tolerance no wage gap of 10–30% is flagged
    loose = default_params.compliance.model_copy(update={"wage_tolerance_share": 0.5})
    assert not categories(df, loose)["pds_upah"].astype(bool).any()


def test_bad_optional_company_columns_name_row_and_column(tmp_path):
    from evalkit.compliance import generate_companies, read_companies
    from evalkit.errors import DataError

    df = generate_companies(5, seed=1, start="2025-01", end="2025-02")
    df.loc[2, "kelompok_risiko_jkk"] = "9"
    df.loc[3, "program_terdaftar"] = "JKK,ASURANSI"
    df.to_csv(tmp_path / "c.csv", index=False)
    with pytest.raises(DataError) as err:
        read_companies(tmp_path / "c.csv", "c.csv", 10)
    text = str(err.value)
    assert "row 4, column 'kelompok_risiko_jkk'" in text and "row 5, column 'program_terdaftar'" in text


@pytest.mark.e2e
def test_the_inspectors_workbooks_list_companies_by_name_and_npp(rendered):
    """One workbook per kab/kota under inspeksi_disnaker/: companies by name and NPP, sorted by workers unprotected,
    SYNTHETIC stamped; no company id (which may be an owner's NIK) and no person's name."""
    import openpyxl

    from evalkit.report import i18n

    run = rendered[0] / "outputs" / "default" / "latest"
    books = sorted((run / "inspeksi_disnaker").glob("inspeksi_*.xlsx"))
    assert len(books) == 10
    ids = set(generate_companies_ids())
    for book in books:
        ws = openpyxl.load_workbook(book).worksheets[-1]
        rows = [r for r in ws.iter_rows(values_only=True)]
        header_at = next(i for i, r in enumerate(rows) if r and i18n.t("col_nama_perusahaan", "id") in r)
        header = list(rows[header_at])
        body = rows[header_at + 1 :]
        assert i18n.t("col_npp", "id") in header and body
        unprotected = [r[header.index(i18n.t("col_workers_unprotected", "id"))] for r in body]
        assert unprotected == sorted(unprotected, reverse=True)
        text = " ".join(str(v) for r in rows for v in r if v is not None)
        assert "SYNTHETIC DATA" in text and not any(i in text for i in ids)


def generate_companies_ids():
    import evalkit
    from evalkit.compliance import generate_companies

    from .conftest import PARAMS

    return generate_companies(600, seed=evalkit.load_params(PARAMS / "default.yaml").seed)["company_id"].unique()
