"""Data as published: participants per BPJS TK office and segment + yearly/half-yearly denominators + the
office crosswalk, assembled into the monthly panel (evalkit.data.published)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evalkit.data import load_published
from evalkit.data.export import denominators_frame, panel_frame, participants_frame, write_table
from evalkit.data.published import interpolate, read_offices
from evalkit.errors import DataError
from evalkit.reference import kaltim_codes

from .conftest import ROOT


@pytest.fixture(scope="module")
def published(default_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("published")
    write_table(participants_frame(default_data), folder / "participants.csv")
    write_table(denominators_frame(default_data), folder / "denominators.csv")
    return folder, load_published(folder, "participants.csv", "denominators.csv", None)


def test_denominators_are_interpolated_linearly_between_survey_months_and_held_beyond():
    den = pd.DataFrame(
        {
            "region_code": ["6472", "6472"],
            "period": pd.to_datetime(["2023-08-01", "2024-08-01"]),
            "working_pop": [1200, 2400],
            "vulnerable_workers": [120, 240],
            "target_workers": [600, 1200],
        }
    )
    months = pd.date_range("2023-06-01", "2024-10-01", freq="MS")
    out = interpolate(den, months).set_index("period")
    assert out.loc["2023-08-01", "working_pop"] == 1200 and out.loc["2024-08-01", "working_pop"] == 2400
    assert out.loc["2024-02-01", "working_pop"] == 1800  # half way
    assert out.loc["2023-09-01", "target_workers"] == 650  # 600 + 600/12
    assert (out.loc[:"2023-08-01", "working_pop"] == 1200).all() and (
        out.loc["2024-08-01":, "working_pop"] == 2400
    ).all()
    assert out["extrapolated"].sum() == 4  # Jun, Jul 2023 and Sep, Oct 2024


def test_offices_are_split_to_kabkota_without_losing_anyone(published, default_data):
    _, ds = published
    months = ds.panel["period"].unique()
    assert len(ds.panel) == 47 * len(months) and set(ds.kaltim["region_code"]) == set(kaltim_codes())
    original = default_data.panel.groupby("period")[["participants_total", "bpu_participants", "subsidised_prov"]].sum()
    assembled = ds.panel.groupby("period")[["participants_total", "bpu_participants", "subsidised_prov"]].sum()
    pd.testing.assert_frame_equal(assembled, original, check_dtype=False)  # whole persons, none lost or invented
    # single-region offices give their kab/kota exactly what it had
    for code in ("6401", "6403", "6472"):
        a = ds.kaltim[ds.kaltim["region_code"] == code].set_index("period")["participants_total"]
        b = default_data.kaltim[default_data.kaltim["region_code"] == code].set_index("period")["participants_total"]
        pd.testing.assert_series_equal(a, b, check_dtype=False, check_names=False)
    # the Sendawar office serves Kutai Barat and Mahakam Ulu: BPU split in proportion to vulnerable workers
    m = ds.kaltim[(ds.kaltim["period"] == pd.Timestamp("2024-08-01")) & ds.kaltim["region_code"].isin(["6402", "6411"])]
    share = m["bpu_participants"] / m["bpu_participants"].sum()
    np.testing.assert_allclose(share, m["vulnerable_workers"] / m["vulnerable_workers"].sum(), atol=1e-4)
    assert ds.meta["offices_split"] == ["KC-BPN", "KC-SDW"] and ds.meta["denominator_method"]


def test_the_governors_coverage_is_reproduced_from_published_counts(published, default_data):
    """Total coverage = active participants / BPJS TK target population: on August survey months the
    denominators are the published ones, so the assembled province figure equals the monthly panel's."""
    _, ds = published
    for month in ("2023-08-01", "2025-08-01"):
        assert ds.coverage("total")[month] == pytest.approx(default_data.coverage("total")[month], abs=1e-9)
    assert ds.coverage("total")["2025-08-01"] == pytest.approx(70.11, abs=0.1)
    assert ds.meta["total_denominator"] == "target_workers" and ds.is_synthetic  # stamped from data_label


def test_fixed_shares_in_the_crosswalk_are_used(published, tmp_path):
    folder, _ = published
    cw = read_offices(None, "x")
    cw.loc[cw["office_code"] == "KC-SDW", "share"] = [0.9, 0.1]
    write_table(cw, folder / "offices.csv")
    ds = load_published(folder, "participants.csv", "denominators.csv", "offices.csv")
    m = ds.kaltim[ds.kaltim["period"] == pd.Timestamp("2024-08-01")].set_index("region_code")
    total = m.loc[["6402", "6411"], "pu_participants"].sum()
    assert m.loc["6402", "pu_participants"] == pytest.approx(0.9 * total, abs=1)


@pytest.mark.parametrize(
    "change, where, message",
    [
        (
            lambda p, d, o: p.assign(office_code=p["office_code"].where(p.index != 3, "KC-XXX")),
            "participants.csv",
            "unknown office code",
        ),
        (
            lambda p, d, o: p.assign(segment=p["segment"].where(p.index != 5, "ASN")),
            "participants.csv",
            "allowed: PU, BPU",
        ),
        (
            lambda p, d, o: p.assign(funder=p["funder"].where(p["segment"] != "PU", "csr")),
            "participants.csv",
            "only BPU rows name a funder",
        ),
        (lambda p, d, o: pd.concat([p, p.iloc[[0]]]), "participants.csv", "may appear once"),
        (lambda p, d, o: d[d["region_code"] != "6411"], "denominators.csv", "6411"),
        (lambda p, d, o: d.assign(period=d["period"].where(d.index != 2, "08-2023")), "denominators.csv", "YYYY-MM"),
        (
            lambda p, d, o: o.assign(share=o["share"].where(o["office_code"] != "KC-BPN", 0.7)),
            "offices.csv",
            "sum to 1",
        ),
        # a Kaltim office moved into another province: Samarinda is then served by no office (187,000 people lost)
        (
            lambda p, d, o: o.assign(region_code=o["region_code"].where(o["office_code"] != "KC-SMD", "63")),
            "offices.csv",
            "no office serves the Kaltim kab/kota 6472",
        ),
        (
            lambda p, d, o: o.assign(region_code=o["region_code"].where(o.index != o.index[1], "63")),
            "offices.csv",
            "serves regions in 2 provinces",
        ),
    ],
)
def test_broken_published_files_name_file_row_and_rule(default_data, tmp_path, change, where, message):
    part, den = participants_frame(default_data), denominators_frame(default_data)
    part = part[part["office_code"].str.startswith("KC")].reset_index(drop=True)
    den = den[den["region_code"].isin(kaltim_codes())].reset_index(drop=True)
    offices = read_offices(None, "x")
    offices = offices[offices["office_code"].str.startswith("KC")]
    frames = dict(zip(("participants.csv", "denominators.csv", "offices.csv"), (part, den, offices)))
    frames[where] = change(part, den, offices)
    for name, frame in frames.items():
        write_table(frame, tmp_path / name)
    with pytest.raises(DataError) as err:
        load_published(tmp_path, "participants.csv", "denominators.csv", "offices.csv")
    text = str(err.value)
    assert where in text and message in text, text


def test_the_shipped_example_is_what_the_simulator_writes(tmp_path, default_params):
    from evalkit.example import FILES, write_example

    write_example(default_params, tmp_path)
    for name in FILES.values():
        shipped, fresh = ROOT / "data" / "example" / name, tmp_path / name
        if name.endswith(".csv"):
            assert shipped.read_bytes() == fresh.read_bytes(), name
            assert pd.read_csv(shipped, dtype=str)["data_label"].eq("SYNTHETIC DATA").all(), name
        else:
            pd.testing.assert_frame_equal(pd.read_excel(shipped, dtype=str), pd.read_excel(fresh, dtype=str))
    assert "SYNTHETIC DATA" in (ROOT / "data" / "example" / "README.md").read_text(encoding="utf-8")


def test_a_monthly_xlsx_panel_loads_like_the_csv(default_data, tmp_path):
    from evalkit.data import load_panel

    frame = panel_frame(default_data)
    write_table(frame, tmp_path / "panel.xlsx")
    write_table(frame, tmp_path / "panel.csv")
    a, b = load_panel(tmp_path / "panel.xlsx"), load_panel(tmp_path / "panel.csv")
    pd.testing.assert_frame_equal(a.panel, b.panel)
    assert a.is_synthetic and a.coverage("total")["2023-03-01"] == pytest.approx(70.86, abs=0.1)
