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
