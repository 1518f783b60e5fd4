"""Recipient lists as they really arrive, and as an attacker might shape them: every case exits cleanly (2) or
gives the correct result, never echoes an identifying value, never writes a formula or a file outside the run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evalkit.errors import DataError
from evalkit.recipients import generate_recipients
from evalkit.recipients.io import read_recipients

from .conftest import ROOT

SALT = "attack-test-salt"


def verify(tmp_path, *args, salt=SALT):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    if salt is not None:
        env["EVALKIT_SALT"] = salt
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "evalkit",
            "verify",
            *map(str, args),
            "--params",
            str(ROOT / "params" / "default.yaml"),
            "--outputs",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def listing():
    df, truth = generate_recipients(500, seed=21)
    return df, truth


def identifying(df) -> set[str]:
    return {v for v in df["nik"] if len(v) >= 12} | {v for v in df["nama"] if len(v) >= 6}


def assert_nothing_leaks(proc, tmp_path, df):
    secret = identifying(df)
    text = proc.stdout + proc.stderr
    assert not any(s in text for s in secret)
    for f in (tmp_path / "out").rglob("*"):
        if f.suffix == ".xlsx":
            wb = openpyxl.load_workbook(f)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", (f.name, ws.title, cell.coordinate)
                        assert str(cell.value) not in secret
        elif f.is_file():
            body = f.read_bytes().decode("utf-8", "replace")
            assert not any(s in body for s in secret), f.name


def test_a_windows_1252_csv_is_refused_cleanly_without_echoing_anyone(tmp_path, listing):
    df, _ = listing
    bad = df.copy()
    bad.loc[bad.index[:5], "nama"] = "Désirée Ñoño"
    bad.to_csv(tmp_path / "ansi.csv", index=False, encoding="cp1252")
    proc = verify(tmp_path, tmp_path / "ansi.csv")
    assert proc.returncode == 2 and "UTF-8" in proc.stderr and "Traceback" not in proc.stderr
    assert_nothing_leaks(proc, tmp_path, bad)


@pytest.mark.parametrize("name", ["Jum'at.csv", "x'); COPY (SELECT 42) TO 'pwned.csv'; --.csv", "=HYPERLINK(1).csv"])
def test_file_names_are_only_names(tmp_path, listing, name):
    df, truth = listing
    df.to_csv(tmp_path / name, index=False)
    proc = verify(tmp_path, tmp_path / name)
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "pwned.csv").exists() and not list(tmp_path.rglob("pwned*"))
    book = proc.stdout.strip().splitlines()[-1]
    summary = pd.read_excel(book, sheet_name="Ringkasan", dtype=str).set_index("Pemeriksaan")["Jumlah"]
    assert int(summary["NIK tidak valid"].replace(".", "")) == truth.counts["invalid_nik"]
    assert_nothing_leaks(proc, tmp_path, df)


@pytest.mark.parametrize(
    "period, why", [("2025-6", "YYYY-MM"), ("2025-06' OR 1=1 --", "YYYY-MM"), ("2031-01", "no row")]
)
def test_a_bad_or_empty_period_is_refused(tmp_path, listing, period, why):
    df, _ = listing
    df.to_csv(tmp_path / "list.csv", index=False)
    proc = verify(tmp_path, tmp_path / "list.csv", "--period", period)
    assert proc.returncode == 2 and why in proc.stderr, proc.stderr
    assert not (tmp_path / "out" / "verify").exists() or not any((tmp_path / "out" / "verify").glob("list-*"))


def test_shifted_columns_and_formulas_never_reach_an_output(tmp_path, listing):
    df, _ = listing
    shifted = df.copy()
    shifted["kode_wilayah"] = shifted["nik"]  # a NIK where the region code belongs
    shifted["sumber_dana"] = shifted["nama"]  # a name where the funder belongs
    shifted.loc[shifted.index[:3], "periode"] = shifted["nik"].iloc[:3]
    shifted.loc[shifted.index[3:6], "pekerjaan"] = '=HYPERLINK("http://x.invalid","klik")'
    shifted.loc[shifted.index[6:9], "kode_wilayah"] = "=1+1"
    shifted.to_csv(tmp_path / "shifted.csv", index=False)
    proc = verify(tmp_path, tmp_path / "shifted.csv")
    assert proc.returncode == 0, proc.stderr
    assert_nothing_leaks(proc, tmp_path, shifted)
    book = proc.stdout.strip().splitlines()[-1]
    from evalkit.report.officer import region_label

    regions = pd.read_excel(book, sheet_name="Per kab-kota", dtype=str)["Kabupaten/kota"]
    assert set(regions) <= {"(isian tidak valid)"} | {region_label(f"64{c:02d}", "id") for c in range(1, 75)}


def test_an_xlsx_with_a_stale_dimension_record_is_read_whole(tmp_path, listing):
    df, _ = listing
    path = tmp_path / "stale.xlsx"
    df.to_excel(path, index=False)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp_path / "stale2.xlsx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"\s*/>', b'<dimension ref="A1:I10"/>', data)
                assert b'<dimension ref="A1:I10"/>' in data
            zout.writestr(item, data)
    assert len(read_recipients(tmp_path / "stale2.xlsx")) == len(df)


def test_a_workbook_with_several_sheets_is_refused_unless_one_is_named_data(tmp_path, listing):
    df, _ = listing
    with pd.ExcelWriter(tmp_path / "two.xlsx") as xl:
        df.to_excel(xl, sheet_name="Mei", index=False)
        df.to_excel(xl, sheet_name="Juni", index=False)
    with pytest.raises(DataError, match="one sheet"):
        read_recipients(tmp_path / "two.xlsx")
    with pd.ExcelWriter(tmp_path / "named.xlsx") as xl:
        df.head(3).to_excel(xl, sheet_name="catatan", index=False)
        df.to_excel(xl, sheet_name="data", index=False)
    assert len(read_recipients(tmp_path / "named.xlsx")) == len(df)


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * 60_000_000)  # 60 MB of zeros, ~60 kB packed
    assert path.stat().st_size < 1_000_000
    with pytest.raises(DataError, match="unpacked"):
        read_recipients(path, max_mb=50)


@pytest.mark.parametrize("content", ["", "   \n", "short"])
def test_an_empty_or_short_salt_file_is_refused(tmp_path, listing, content):
    df, _ = listing
    df.to_csv(tmp_path / "list.csv", index=False)
    (tmp_path / "salt").write_text(content)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "EVALKIT_SALT_FILE": str(tmp_path / "salt")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "evalkit",
            "verify",
            str(tmp_path / "list.csv"),
            "--params",
            str(ROOT / "params" / "default.yaml"),
            "--outputs",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 2 and "salt" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.xlsx"))
    assert os.environ.get("EVALKIT_SALT_FILE") != str(tmp_path / "salt")


def test_a_deleted_salt_is_announced_and_workbooks_carry_the_salt_fingerprint(tmp_path, listing):
    df, _ = listing
    df.to_csv(tmp_path / "list.csv", index=False)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "EVALKIT_SALT_FILE": str(tmp_path / "cfg" / "salt")}
    run = lambda: subprocess.run(
        [
            sys.executable,
            "-m",
            "evalkit",
            "verify",
            str(tmp_path / "list.csv"),
            "--params",  # noqa: E731
            str(ROOT / "params" / "default.yaml"),
            "--outputs",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    first = run()
    assert first.returncode == 0 and "a new one is created" in first.stderr
    second = run()
    assert second.returncode == 0 and "new one" not in second.stderr  # the same salt is reused silently
    (tmp_path / "cfg" / "salt").unlink()
    third = run()
    assert third.returncode == 0 and "will not match" in third.stderr
    prints = [
        pd.read_excel(p.stdout.strip().splitlines()[-1], sheet_name="Ringkasan", dtype=str).set_index("Pemeriksaan")[
            "Jumlah"
        ]["Sidik garam (salt)"]
        for p in (first, second, third)
    ]
    assert prints[0] == prints[1] != prints[2]


def test_mapping_sheet_names_the_sheet_to_read(tmp_path, listing, default_params):
    df, _ = listing
    with pd.ExcelWriter(tmp_path / "book.xlsx") as xl:
        df.head(5).to_excel(xl, sheet_name="Mei", index=False)
        df.to_excel(xl, sheet_name="Juni", index=False)
    mapping = default_params.verification.mapping.model_copy(update={"sheet": "Juni"})
    assert len(read_recipients(tmp_path / "book.xlsx", mapping=mapping)) == len(df)
    with pytest.raises(DataError, match="no sheet has this name"):
        read_recipients(tmp_path / "book.xlsx", mapping=mapping.model_copy(update={"sheet": "Juli"}))


def test_the_duckdb_engine_writes_every_issue_once_to_masalah_csv(tmp_path, listing):
    df, truth = listing
    df.to_csv(tmp_path / "list.csv", index=False)
    proc = verify(tmp_path, tmp_path / "list.csv", "--engine", "duckdb")
    assert proc.returncode == 0, proc.stderr
    run = Path(proc.stdout.strip().splitlines()[-1]).parent
    assert sorted(p.name for p in run.iterdir()) == ["masalah.csv", "summary.json", "verifikasi.xlsx"]
    every = pd.read_csv(run / "masalah.csv", dtype=str)
    assert len(every) == sum(truth.counts.values())
    assert len(pd.read_excel(run / "verifikasi.xlsx", sheet_name="Masalah")) == len(every)
    assert_nothing_leaks(proc, tmp_path, df)
