"""Recipient verification: exact defect recovery, privacy, both engines, the workbook command."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from evalkit.recipients import DEFECT_KINDS, check_recipients, generate_recipients
from evalkit.recipients.engine import check_file_duckdb
from evalkit.reference import kaltim_codes

from .conftest import ROOT


@pytest.mark.parametrize("n, seed", [(3000, 1), (8000, 7)])
def test_every_injected_defect_is_found_and_no_clean_row_flagged(default_params, n, seed):
    df, truth = generate_recipients(
        n,
        seed=seed,
        defects={
            "invalid_nik": 37,
            "sex_birthdate_mismatch": 41,
            "duplicate_within_source": 19,
            "duplicate_cross_source": 29,
            "ineligible": 31,
        },
    )
    r = check_recipients(df, default_params, salt="test")
    for kind in DEFECT_KINDS:
        found = sorted(int(x) - 2 for x in r.issues.loc[r.issues["check"] == kind, "row"])
        assert found == truth.rows[kind], kind  # exactly these rows: none missed, none extra
        assert r.summary[kind] == truth.counts[kind]
    assert r.summary["invalid_value"] == 0
    assert r.summary["clean"] == len(df) - sum(truth.counts.values())
    # migrants (NIK issued elsewhere) are counted as information, exactly, and never make a row unclean
    assert r.summary["nik_region_other"] == len(truth.info["nik_region_other"]) > 0.05 * len(df)


def test_kemendagri_coded_niks_of_every_kaltim_kabkota_and_migrants_are_clean(default_params):
    """NIKs carry Kemendagri codes (64.02 Kutai Kartanegara, 64.08 Kutai Timur …); kode_wilayah is BPS. A NIK
    from Makassar (73.71) or Kukar listed in Samarinda is information, not a defect."""
    from evalkit.reference import regions

    kab = regions()[regions()["level"] == "kabkota"]
    base = dict(
        nama="x",
        tanggal_lahir="1985-03-05",
        jenis_kelamin="L",
        pekerjaan="petani",
        sumber_dana="apbd_prov",
        periode="2025-06",
    )
    rows = [
        dict(base, nik=f"{k}01050385{i:04d}", kode_wilayah=b)
        for i, (k, b) in enumerate(zip(kab["kemendagri_code"], kab["code"]), start=1)
    ]
    rows += [
        dict(base, nik="7371010503850101", kode_wilayah="6472"),  # migrant from Makassar
        dict(base, nik="6402010503850102", kode_wilayah="6472"),  # Kukar NIK, living in Samarinda
        dict(base, nik="9301010503850103", kode_wilayah="6472"),
    ]  # Papua Selatan: Kemendagri 93 (no BPS 93)
    r = check_recipients(pd.DataFrame(rows), default_params, salt="t")
    assert r.issues.empty and r.summary["clean"] == 13, r.issues
    assert r.summary["nik_region_other"] == 3
    unknown = dict(base, nik="6412010503850201", kode_wilayah="6404")  # 64.12 is no Kaltim kab/kota, then or now
    assert check_recipients(pd.DataFrame([unknown]), default_params, salt="t").summary["invalid_nik"] == 1
    bulungan = dict(base, nik="6404010503850202", kode_wilayah="6404")  # issued in Bulungan before Kaltara split
    s = check_recipients(pd.DataFrame([bulungan]), default_params, salt="t").summary
    assert s["invalid_nik"] == 0 and s["nik_region_other"] == 1


def test_women_birth_dates_use_the_plus_40_rule(default_params):
    base = dict(nama="x", kode_wilayah="6472", pekerjaan="petani", sumber_dana="apbd_prov", periode="2025-06")
    rows = [
        ("6472014503850001", "1985-03-05", "P"),  # day 45 = woman born on the 5th: clean
        ("6472010503850002", "1985-03-05", "L"),  # day 05 = man: clean
        ("6472010503850003", "1985-03-05", "P"),  # day 05 but listed as a woman
        ("6472014503850004", "1985-03-06", "P"),  # woman, but tanggal_lahir a day off
        ("6472017102850005", "1985-02-28", "P"),  # day 71 - 40 = 31 February: no such date
        ("6472013102850006", "1985-02-28", "L"),
    ]  # 31 February for a man: no such date
    df = pd.DataFrame([dict(base, nik=n, tanggal_lahir=d, jenis_kelamin=x) for n, d, x in rows])
    r = check_recipients(df, default_params, salt="t")
    assert r.issues.set_index("row")["check"].to_dict() == {
        4: "sex_birthdate_mismatch",
        5: "sex_birthdate_mismatch",
        6: "invalid_nik",
        7: "invalid_nik",
    }
    assert sorted(r.clean["row"]) == [2, 3]


def test_issues_never_hold_raw_nik_or_names(default_params):
    df, _ = generate_recipients(2000, seed=5)
    r = check_recipients(df, default_params, salt="pepper")
    text = r.issues.to_csv() + r.clean.to_csv() + r.churn.to_csv() + r.by_region.to_csv()
    assert not any(n in text for n in df["nik"]) and not any(n in text for n in df["nama"])
    other = check_recipients(df, default_params, salt="other")
    assert not set(other.issues["id_hash"]) & set(r.issues["id_hash"])  # hashes depend on the salt


def test_duckdb_engine_agrees_with_pandas(default_params, tmp_path):
    df, _ = generate_recipients(4000, seed=9)
    path = tmp_path / "list.csv"
    df.to_csv(path, index=False)
    r = check_recipients(df, default_params, salt="s")
    summary = check_file_duckdb(path, default_params, tmp_path / "issues.parquet", salt="s")
    assert summary == r.summary
    import duckdb

    issues = duckdb.sql(
        f'SELECT row, "check", id_hash FROM read_parquet(\'{tmp_path / "issues.parquet"}\') ORDER BY row, "check"'
    ).df()
    pd.testing.assert_frame_equal(issues, r.issues[["row", "check", "id_hash"]], check_dtype=False)


def test_cli_verify_xlsx_with_numeric_nik_and_previous(default_params, tmp_path):
    df, truth = generate_recipients(600, seed=2)
    defective = {i for rows in truth.rows.values() for i in rows}
    cur = df[df["periode"] == "2025-06"].copy()
    clean_first = sorted(cur.index, key=lambda i: i in defective)  # row 2 of the workbook is a clean row
    cur = cur.loc[clean_first]
    prev = df[df["periode"] == "2025-05"]
    xlsx = tmp_path / "list.xlsx"
    with pd.ExcelWriter(xlsx) as xl:
        out = cur.copy()
        out.to_excel(xl, index=False)
    import openpyxl

    wb = openpyxl.load_workbook(xlsx)
    wb.active["A2"].value = 6472014503850001  # typed as a number in Excel: digits may be lost
    wb.save(xlsx)
    prev.to_csv(tmp_path / "old.csv", index=False)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "evalkit",
            "verify",
            str(xlsx),
            "--previous",
            str(tmp_path / "old.csv"),
            "--outputs",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env={"EVALKIT_SALT": "cli-test-salt", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr
    book = proc.stdout.strip().splitlines()[-1]
    sheets = pd.read_excel(book, sheet_name=None)
    assert {"Ringkasan", "Masalah", "Perubahan penerima", "Per kab-kota"} <= set(sheets)
    issues = sheets["Masalah"]
    assert "Excel" in issues.loc[issues["Baris"] == 2, "Keterangan"].iloc[0]
    assert sheets["Perubahan penerima"].iloc[0]["Dari periode"] == "daftar sebelumnya"
    blob = json.dumps({k: v.astype(str).to_dict() for k, v in sheets.items()})
    assert not any(n in blob for n in df["nik"]) and not any(n in blob for n in df["nama"])


DUKCAPIL = {
    "petani": "PETANI/PEKEBUN",
    "pekebun": "Petani / Pekebun",
    "nelayan": "NELAYAN/PERIKANAN",
    "pedagang": "PEDAGANG",
    "buruh harian": "BURUH  HARIAN LEPAS",
    "pegawai negeri": "PEGAWAI NEGERI SIPIL",
    "anggota tni": "TENTARA NASIONAL INDONESIA",
    "karyawan bumn": "KARYAWAN BUMN",
}


def as_dtks(df: pd.DataFrame) -> pd.DataFrame:
    """The same list as a DTKS-style export: own column names, dd-mm-yyyy dates, sex 1/2, Kemendagri region codes
    written 64.02, Dukcapil occupation labels."""
    from evalkit.reference import regions

    kemendagri = regions().set_index("code")["kemendagri_code"]
    dates = pd.to_datetime(df["tanggal_lahir"], format="%Y-%m-%d", errors="coerce")
    return pd.DataFrame(
        {
            "NIK": df["nik"],
            "NAMA": df["nama"],
            "TGL_LAHIR": dates.dt.strftime("%d-%m-%Y").where(dates.notna(), df["tanggal_lahir"]),
            "JNS_KEL": df["jenis_kelamin"].map({"L": "1", "P": "2"}),
            "KODE_KAB": df["kode_wilayah"].map(lambda c: kemendagri[c][:2] + "." + kemendagri[c][2:]),
            "PEKERJAAN": df["pekerjaan"].map(lambda j: DUKCAPIL.get(j, j.upper())),
            "SUMBER_DANA": df["sumber_dana"],
            "PERIODE": df["periode"],
        }
    )


def test_a_dtks_style_list_read_through_the_shipped_mapping_gives_the_same_findings(default_params, tmp_path):
    """Kemendagri-coded NIKs for all 10 kab/kota, migrants, Dukcapil occupation labels, dd-mm-yyyy dates and 1/2
    sex codes: zero false defects, every injected defect counted exactly."""
    from evalkit.params import load_params

    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    (tmp_path / "params").mkdir()
    (tmp_path / "data").mkdir()
    import shutil

    shutil.copy(ROOT / "params" / "default.yaml", tmp_path / "params" / "default.yaml")
    shutil.copy(ROOT / "data" / "reference" / "mappings" / "dtks.yaml", tmp_path / "data" / "dtks.yaml")
    (tmp_path / "params" / "dtks.yaml").write_text(
        "extends: default.yaml\nscenario: {name: dtks, title: DTKS}\nverification:\n  mapping: ../data/dtks.yaml\n"
    )
    params = load_params(tmp_path / "params" / "dtks.yaml")
    assert params.verification.mapping.region_code_system == "kemendagri"
    df, truth = generate_recipients(
        4000,
        seed=13,
        defects={
            "invalid_nik": 21,
            "sex_birthdate_mismatch": 17,
            "duplicate_within_source": 9,
            "duplicate_cross_source": 11,
            "ineligible": 15,
        },
    )
    assert set(df["kode_wilayah"]) == set(kaltim_codes())
    direct = check_recipients(df, default_params, salt="mapping-test")
    mapped = check_recipients(as_dtks(df), params, salt="mapping-test")
    for kind in DEFECT_KINDS:
        assert mapped.summary[kind] == direct.summary[kind] == truth.counts[kind], kind
    assert mapped.summary["invalid_value"] == 0
    assert mapped.summary["clean"] == len(df) - sum(truth.counts.values())
    assert mapped.summary["nik_region_other"] == len(truth.info["nik_region_other"])
    # the same file as an XLSX through the CLI workbook path
    as_dtks(df).to_csv(tmp_path / "dtks.csv", index=False)
    from evalkit.recipients.engine import check_file

    assert check_file(tmp_path / "dtks.csv", params, salt="mapping-test").summary == mapped.summary


def test_a_mapping_naming_a_missing_column_is_refused(default_params):
    from evalkit.errors import DataError

    mapping = default_params.verification.mapping.model_copy(update={"columns": {"NO_NIK": "nik"}})
    params = default_params.model_copy(
        update={"verification": default_params.verification.model_copy(update={"mapping": mapping})}
    )
    df, _ = generate_recipients(100, seed=1)
    with pytest.raises(DataError, match="NO_NIK"):
        check_recipients(df, params, salt="x")


def test_cross_matching_counts_members_deaths_asn_carry_over_and_double_funding_exactly(default_params):
    from evalkit.recipients import cross_match

    df, _ = generate_recipients(3000, seed=17, defects={"duplicate_cross_source": 0, "duplicate_within_source": 0})
    june = df[df["periode"] == "2025-06"].reset_index(drop=True)
    may = df[df["periode"] == "2025-05"]
    # reference lists hold well-formed NIKs (a malformed one is refused: test_decree_annexes)
    people = [n for n in june["nik"].drop_duplicates() if len(n) == 16 and n.isdigit()]
    members = pd.DataFrame({"nik": people[:40] + ["7371010101900001"], "segmen": "BPU"})  # 40 recipients + a stranger
    deaths = pd.DataFrame(
        {"nik": people[40:55] + people[55:60], "tanggal_meninggal": ["2025-03-10"] * 15 + ["2025-06-20"] * 5}
    )  # 5 died after June 1
    asn = pd.DataFrame({"nik": people[60:72], "kategori": "ASN"})
    # double funding: 9 persons also on the kab/kota list, 4 also on a CSR list, 2 of them on all three
    kab = june[june["nik"].isin(people[100:109])].assign(sumber_dana="apbd_kabkota")
    csr = june[june["nik"].isin(people[107:111])].assign(sumber_dana="csr")
    prov = june.assign(sumber_dana="apbd_prov")
    listing = pd.concat([prov, kab, csr], ignore_index=True)
    m = cross_match(listing, default_params, members=members, deaths=deaths, asn=asn, previous=may, salt="cm-salt")
    s = m.summary
    on_prov = listing["nik"].map(listing["nik"].value_counts())  # rows per person, all funders
    assert s["already_member"] == int(on_prov[listing["nik"].isin(people[:40])].count())
    assert s["deceased"] == int(listing["nik"].isin(people[40:55]).sum())
    assert s["non_eligible_status"] == int(listing["nik"].isin(people[60:72]).sum())
    assert s["double_funded"] == 11  # 100-110
    row = m.double_funding.iloc[0]
    assert (row["apbd_prov+apbd_kabkota"], row["apbd_prov+csr"], row["apbd_kabkota+csr"], row["all_three"]) == (
        9,
        4,
        2,
        2,
    )
    continuing = set(june["nik"]) & set(may["nik"])
    assert (s["carried_over"], s["new"], s["dropped"]) == (
        len(continuing),
        len(set(june["nik"]) - continuing),
        len(set(may["nik"]) - continuing),
    )
    text = m.flags.to_csv() + m.double_funding.to_csv() + str(s)
    assert not any(n in text for n in people[:120])  # hashed ids only


def test_a_month_not_written_yyyy_mm_is_an_invalid_value_in_verify_and_cross_match(default_params):
    from evalkit.recipients import cross_match

    base = dict(
        nik="6472010503850001",
        nama="x",
        tanggal_lahir="1985-03-05",
        jenis_kelamin="L",
        kode_wilayah="6472",
        pekerjaan="petani",
        sumber_dana="apbd_prov",
    )
    df = pd.DataFrame([dict(base, periode="2025-6"), dict(base, nik="6472010503850002", periode="2025-06")])
    r = check_recipients(df, default_params, salt="period-salt")
    assert r.summary["invalid_value"] == 1 and set(r.issues["periode"]) == {"(tidak valid / invalid)"}
    m = cross_match(df, default_params, members=pd.DataFrame({"nik": df["nik"]}), salt="period-salt")
    assert list(m.flags["periode"]) == ["(tidak valid / invalid)", "2025-06"]
