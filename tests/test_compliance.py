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
    params.write_text("extends: default.yaml\ndata:\n  source: files\n  panel: ../data/panel.csv\n"
                      "  companies: ../data/companies.csv\n", encoding="utf-8")
    assert main(["validate", "--data", str(params)]) == 2
    err = capsys.readouterr().err
    assert "row 6, column 'paid_on_time'" in err and "row 9, column 'contribution_paid_rupiah'" in err
    assert "row 11, column 'kode_wilayah'" in err and "Traceback" not in err
    synthetic = project / "params" / "ignored.yaml"
    synthetic.write_text("extends: default.yaml\ndata:\n  companies: ../data/companies.csv\n", encoding="utf-8")
    assert main(["validate", str(synthetic)]) == 2
    assert "data.source is 'synthetic', so data.companies would not be read" in capsys.readouterr().err
