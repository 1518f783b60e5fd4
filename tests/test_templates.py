"""Templates for every input (data/templates/, `evalkit templates`): filled in, they load through the loaders."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from evalkit.compliance import generate_companies, read_companies
from evalkit.data import load_panel
from evalkit.data.schemas import SCHEMAS
from evalkit.data.templates import write_templates
from evalkit.recipients import check_recipients, generate_recipients
from evalkit.recipients.io import read_recipients

from .conftest import ROOT


def fill(xlsx, frame: pd.DataFrame) -> None:
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["data"]
    header = [c.value for c in ws[1]]
    for i, row in enumerate(frame[header].itertuples(index=False), start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=None if pd.isna(value) else value)
    wb.save(xlsx)


@pytest.fixture
def templates(tmp_path):
    write_templates(tmp_path)
    return tmp_path


def test_every_input_has_a_template_with_dropdowns_and_explanations(templates):
    for name, columns in SCHEMAS.items():
        assert (templates / f"{name}.csv").read_text(encoding="utf-8").strip() == ",".join(c.name for c in columns)
        wb = openpyxl.load_workbook(templates / f"{name}.xlsx")
        assert wb.sheetnames[0] == "data" and "kolom" in wb.sheetnames
        assert [c.value for c in wb["data"][1]] == [c.name for c in columns]
        explained = {r[0]: r for r in wb["kolom"].iter_rows(min_row=2, values_only=True)}
        assert set(explained) == {c.name for c in columns} and all(r[3] for r in explained.values())
        coded = [c for c in columns if c.allowed or c.kind == "code"]
        assert len(wb["data"].data_validations.dataValidation) == len(coded)
        shipped = openpyxl.load_workbook(ROOT / "data" / "templates" / f"{name}.xlsx")  # the committed copy is current
        assert [c.value for c in shipped["data"][1]] == [c.name for c in columns]


def test_a_filled_panel_template_loads(templates, default_data):
    from evalkit.data.schemas import PANEL

    panel = default_data.kaltim[[c.name for c in PANEL]].head(120).copy()
    panel["period"] = panel["period"].dt.strftime("%Y-%m")
    fill(templates / "panel.xlsx", panel)
    loaded = load_panel(templates / "panel.xlsx")
    assert len(loaded.panel) == 120
    assert (loaded.panel["bpu_participants"].to_numpy() == panel["bpu_participants"].to_numpy()).all()


def test_a_filled_recipient_template_checks_like_the_list_itself(templates, default_params):
    df, _ = generate_recipients(400, seed=5)
    fill(templates / "recipients.xlsx", df.astype(str))
    read = read_recipients(templates / "recipients.xlsx")
    a = check_recipients(read, default_params, salt="t").summary
    b = check_recipients(df.astype(str), default_params, salt="t").summary
    assert a == b and a["rows"] == len(df)


def test_a_filled_company_template_loads(templates):
    df = generate_companies(20, seed=2, start="2025-01", end="2025-03")
    fill(templates / "companies.xlsx", df.astype({"kode_wilayah": str, "paid_on_time": str}))
    read = read_companies(templates / "companies.xlsx", "companies.xlsx", 50)
    assert len(read) == len(df) and read["workers_registered"].sum() == df["workers_registered"].sum()


def test_filled_participants_denominators_and_offices_templates_assemble(templates, default_data):
    from evalkit.data import load_published
    from evalkit.data.export import denominators_frame, participants_frame
    from evalkit.data.published import read_offices
    from evalkit.reference import kaltim_codes

    offices = read_offices(None, "x")
    offices = offices[offices["office_code"].str.startswith("KC")].astype(str).replace("nan", "")
    part = participants_frame(default_data)
    part = part[part["office_code"].isin(offices["office_code"]) & part["period"].str.startswith("2025")]
    den = denominators_frame(default_data)
    den = den[den["region_code"].isin(kaltim_codes())]
    fill(templates / "offices.xlsx", offices)
    fill(templates / "participants.xlsx", part)
    fill(templates / "denominators.xlsx", den)
    ds = load_published(templates, "participants.xlsx", "denominators.xlsx", "offices.xlsx")
    assert len(ds.panel) == 10 * 12 and ds.panel["participants_total"].sum() == part["participants"].sum()


def test_filled_reference_list_templates_feed_the_cross_match(templates, default_params):
    from evalkit.data.loaders import read_table
    from evalkit.recipients import cross_match

    df, _ = generate_recipients(300, seed=8, defects={"duplicate_cross_source": 0})
    june = df[df["periode"] == "2025-06"]
    people = june["nik"].drop_duplicates().tolist()
    fill(templates / "members.xlsx", pd.DataFrame({"nik": people[:7], "segmen": "BPU", "pembayar": "mandiri"}))
    fill(templates / "deaths.xlsx", pd.DataFrame({"nik": people[7:10], "tanggal_meninggal": "2025-01-31"}))
    fill(templates / "non_eligible.xlsx", pd.DataFrame({"nik": people[10:12], "kategori": "ASN"}))
    lists = {name: read_table(templates / f"{name}.xlsx", name, 10) for name in ("members", "deaths", "non_eligible")}
    s = cross_match(
        june,
        default_params,
        members=lists["members"],
        deaths=lists["deaths"],
        asn=lists["non_eligible"],
        salt="template-salt",
    ).summary
    assert (s["already_member"], s["deceased"], s["non_eligible_status"]) == (7, 3, 2)
