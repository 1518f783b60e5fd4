"""A determination a Governor can sign and BPJS can enrol from (issue #29): the restricted and the publishable
annex from one ranked list, quotas by funder, "not checked" instead of zero, officer workbooks in Indonesian (and
English), the BPJS handover, and nothing identifying under outputs/ but the names the public notice lists."""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evalkit.cli import main
from evalkit.recipients.generate import defect_counts, generate_recipients, generate_reference_lists

from .conftest import ROOT

PERIOD = "2025-06"
SNAKE = re.compile(r"^[a-z]+(_[a-z]+)+$")


@pytest.fixture(scope="module")
def proposals(tmp_path_factory):
    """A synthetic proposal list with defects, its reference lists (known injected counts) and a quota file."""
    folder = tmp_path_factory.mktemp("usulan")
    df, truth = generate_recipients(4000, seed=11, defects=defect_counts(4000, 0.01))
    refs, injected = generate_reference_lists(df, truth, PERIOD, seed=11)
    df.assign(data_label="SYNTHETIC DATA").to_csv(folder / "usulan.csv", index=False)
    for name, frame in refs.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    june = df[df["periode"] == PERIOD]
    big = june.loc[june["sumber_dana"] == "apbd_prov", "kode_wilayah"].value_counts().index[:3]
    (folder / "kuota.csv").write_text(
        "kode_wilayah,kuota,sumber_dana\n" + "".join(f"{c},60,apbd_prov\n" for c in big) + f"{big[0]},5,apbd_kabkota\n",
        encoding="utf-8",
    )
    return folder, df, injected, list(big)


def determine(folder: Path, out: Path, *extra: str, lists: bool = True) -> int:
    refs = (
        [
            "--members",
            str(folder / "members.csv"),
            "--deaths",
            str(folder / "deaths.csv"),
            "--asn",
            str(folder / "asn.csv"),
        ]
        if lists
        else []
    )
    return main(
        [
            "determine",
            str(folder / "usulan.csv"),
            "--period",
            PERIOD,
            "--quotas",
            str(folder / "kuota.csv"),
            "--outputs",
            str(out / "outputs"),
            *refs,
            *extra,
        ]
    )


def table(ws) -> tuple[list[str], list[tuple]]:
    """An annex sheet's table: the header row (first cell 'No.') and the rows under it, up to the first empty row."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "No.")
    body = []
    for r in rows[start + 1 :]:
        if not r or r[0] is None:
            break
        body.append(r)
    return list(rows[start]), body


@pytest.fixture(scope="module")
def run(proposals, tmp_path_factory):
    folder, df, injected, big = proposals
    out = tmp_path_factory.mktemp("run")
    rc = determine(
        folder,
        out,
        "--restricted-dir",
        str(out / "terbatas"),
        "--decree-number",
        "100.3.3.2/K.77/2025",
        "--decree-date",
        "2 Januari 2025",
        "--decree-title",
        "Penetapan penerima bantuan iuran 2025",
    )
    assert rc == 0
    public = next((out / "outputs" / "penetapan").iterdir())
    secret = next((out / "terbatas").iterdir())
    return out, public, secret


def test_restricted_and_public_annexes_list_the_same_people_in_the_same_order(proposals, run):
    folder, df, injected, big = proposals
    _, public, secret = run
    june = df[df["periode"] == PERIOD]
    for code in big:
        restricted = openpyxl.load_workbook(secret / f"lampiran_{code}_apbd_prov.xlsx")
        published = openpyxl.load_workbook(public / f"lampiran_publik_{code}_apbd_prov.xlsx")
        assert restricted.sheetnames == published.sheetnames == ["Lampiran", "Cadangan"]
        for sheet in ("Lampiran", "Cadangan"):
            head_r, rows_r = table(restricted[sheet])
            head_p, rows_p = table(published[sheet])
            names_r = [r[head_r.index("Nama")] for r in rows_r]
            assert names_r == [r[head_p.index("Nama")] for r in rows_p] and names_r
            niks = [r[head_r.index("NIK")] for r in rows_r]
            masked = [r[head_p.index("NIK (disamarkan)")] for r in rows_p]
            assert all(isinstance(n, str) and len(n) == 16 for n in niks)  # full NIK, as text
            assert masked == [n[:6] + "*" * 10 for n in niks]
            # the Governor's annex holds only apbd_prov proposals of that kab/kota
            provincial = june[(june["sumber_dana"] == "apbd_prov") & (june["kode_wilayah"] == code)]
            assert set(niks) <= set(provincial["nik"])
            assert {r[head_r.index("Sumber dana")] for r in rows_r} == {"APBD Provinsi"}
        head, rows = table(restricted["Lampiran"])
        assert len(rows) == 60 and len(table(restricted["Cadangan"])[1]) == 6
        assert [r[head.index("Peringkat")] for r in rows] == list(range(1, 61))
        assert {"Nomor KPJ", "Tanggal lahir", "Jenis kelamin", "Desa/kelurahan", "Kecamatan", "Pekerjaan"} <= set(head)
        text = [c for r in restricted["Lampiran"].iter_rows(values_only=True) for c in r if isinstance(c, str)]
        assert "Nomor: 100.3.3.2/K.77/2025" in text and "Tentang: Penetapan penerima bantuan iuran 2025" in text
        assert "GUBERNUR KALIMANTAN TIMUR," in text and "Ditetapkan di Samarinda" in text  # the signature block
        assert any("SYNTHETIC DATA" in c for c in text)
    # the kab/kota-funded list of big[0] is its own annex, within its own quota of 5
    own = openpyxl.load_workbook(secret / f"lampiran_{big[0]}_apbd_kabkota.xlsx")
    assert len(table(own["Lampiran"])[1]) == 5


def test_every_exclusion_equals_what_was_injected_and_unchecked_reads_not_checked(proposals, run, tmp_path):
    folder, df, injected, big = proposals
    _, public, _ = run
    import json

    from evalkit.params import load_params
    from evalkit.recipients.determination import determine as determine_api
    from evalkit.recipients.io import read_recipients, read_reference

    params = load_params(ROOT / "params" / "default.yaml")
    usulan = read_recipients(folder / "usulan.csv")
    refs = {n: read_reference(folder / f"{n}.csv", n) for n in ("members", "deaths", "asn")}
    r = determine_api(usulan, params, {c: 60 for c in big}, PERIOD, salt="annex-salt-0123456789", **refs)
    for reason, n in injected.items():
        assert r.summary[f"excluded_{reason}"].sum() == n, reason
    assert all(r.checked.values())
    summary = json.loads((public / "summary.json").read_text(encoding="utf-8"))
    assert summary["checked"] == {k: "checked" for k in injected}
    assert {k for k, v in summary["inputs"].items() if v["given"]} == {"proposals", "members", "deaths", "asn"}
    assert (
        summary["inputs"]["members"]["rows"] == len(refs["members"])
        and len(summary["inputs"]["deaths"]["sha256"]) == 64
    )
    # every reference key is accounted for: matched a proposal of the period, or matched nothing
    assert summary["inputs"]["members"]["matched"] == injected["already_member"]
    assert (
        summary["inputs"]["members"]["unmatched"] == summary["inputs"]["members"]["keys"] - injected["already_member"]
    )
    assert r.references["asn"]["matched"] == injected["non_eligible_status"]
    assert "file" not in summary and "usulan" not in json.dumps(summary)  # input file names are not written
    # without the lists: "tidak diperiksa", in the workbook, summary.json and the command's output
    assert determine(folder, tmp_path, lists=False) == 0
    other = next((tmp_path / "outputs" / "penetapan").iterdir())
    summary = json.loads((other / "summary.json").read_text(encoding="utf-8"))
    assert summary["checked"] == {k: "not checked" for k in injected}
    ws = openpyxl.load_workbook(other / "ringkasan.xlsx")["Ringkasan"]
    header = [c.value for c in ws[1]]
    for reason in ("Sudah peserta aktif BPJS Ketenagakerjaan", "Meninggal dunia"):
        column = header.index(f"Dikecualikan: {reason}") + 1
        values = {ws.cell(i, column).value for i in range(2, ws.max_row + 1)}
        assert values == {"tidak diperiksa"}, values
    no_lists = r.summary.copy()
    assert not (no_lists["excluded_deceased"].isna()).any()  # (with the lists every count is a number)


def test_nothing_identifying_under_outputs_and_restricted_files_are_owner_only(proposals, run):
    folder, df, injected, big = proposals
    out, public, secret = run
    niks = set(df["nik"][df["nik"].str.fullmatch(r"\d{16}")])
    texts = {}
    for f in (out / "outputs").rglob("*"):
        if f.is_file():
            if f.suffix == ".xlsx":  # every part of the workbook, unzipped
                with zipfile.ZipFile(f) as z:
                    texts[f] = "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
            else:
                texts[f] = f.read_text(encoding="utf-8", errors="ignore")
    digits = {f: set(re.findall(r"\d{16}", t)) for f, t in texts.items()}
    assert not any(d & niks for d in digits.values()), "a full NIK under outputs/"
    for f, text in texts.items():
        named = {n for n in set(df["nama"]) if n in text}
        if f.name.startswith("lampiran_publik_"):  # names only of the people this public annex lists
            wb = openpyxl.load_workbook(f)
            listed = {r[1] for ws in wb.worksheets for r in table(ws)[1]}
            assert named <= listed and listed
        else:
            assert not named, f.name
    assert stat.S_IMODE(secret.stat().st_mode) == 0o700
    assert stat.S_IMODE(secret.parent.stat().st_mode) == 0o700
    files = list(secret.iterdir())
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert not list((out / "outputs").rglob("pendaftaran_bpjs_*")) and not list((out / "outputs").rglob("lampiran_6*"))


def test_no_snake_case_in_any_officer_workbook_in_indonesian(proposals, run, tmp_path):
    folder, df, injected, big = proposals
    out, public, secret = run
    assert main(["verify", str(folder / "usulan.csv"), "--outputs", str(tmp_path / "outputs")]) == 0
    books = [*public.glob("*.xlsx"), *secret.glob("*.xlsx"), *(tmp_path / "outputs" / "verify").rglob("*.xlsx")]
    assert len(books) > 5
    for book in books:
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    assert not (isinstance(v, str) and SNAKE.match(v.strip())), (book.name, ws.title, v)
    verify = openpyxl.load_workbook(next((tmp_path / "outputs" / "verify").rglob("verifikasi.xlsx")))
    summary = [r for r in verify["Ringkasan"].iter_rows(values_only=True)]
    assert any(r[1] == "NIK tidak valid" for r in summary)
    assert any(isinstance(r[2], str) and r[2].endswith("%") for r in summary)  # percentages, not shares
    issues = list(verify["Masalah"].iter_rows(values_only=True))
    assert issues[0][1:] == (
        "Baris",
        "Pemeriksaan",
        "Keterangan",
        "Kode tersamar",
        "Kabupaten/kota",
        "Sumber dana",
        "Periode",
    )
    assert any("Samarinda (6472)" == r[5] for r in issues[1:])
    region = list(verify["Per kab-kota"].iter_rows(values_only=True))
    assert region[0][1:] == ("Kabupaten/kota", "Baris", "Baris bermasalah", "Bersih (%)")
    # rows × (1 − clean %) would give a hidden flagged count back: the percentage is withheld with it
    assert all(r[4] == "–" for r in region[1:] if r[3] == "<10")
    assert all(r[4] != "–" for r in region[1:] if r[3] not in ("<10",))
    ringkasan = openpyxl.load_workbook(next(public.glob("ringkasan.xlsx")))
    reasons = list(ringkasan["Alasan"].iter_rows(values_only=True))
    assert len(reasons) == 1 + 9 and all(r[2] and len(r[2]) > 30 for r in reasons[1:])  # every reason explained
    cells = [v for ws in ringkasan.worksheets for r in ws.iter_rows(values_only=True) for v in r]
    assert any(v == "<10" for v in cells)


def test_english_workbooks_with_lang_en(proposals, tmp_path):
    folder, *_ = proposals
    assert determine(folder, tmp_path, "--lang", "en", lists=False) == 0
    public = next((tmp_path / "outputs" / "penetapan").iterdir())
    wb = openpyxl.load_workbook(public / "ringkasan.xlsx")
    assert wb.sheetnames[1:] == ["Summary", "Reasons", "Reference lists", "Notes"]
    header = [c.value for c in wb["Summary"][1]]
    assert "Excluded: Deceased" in header and "Kab/kota" in header
    assert "not checked" in {c.value for c in wb["Summary"]["R"]} | {
        c.value for row in wb["Summary"].iter_rows() for c in row
    }


def test_the_bpjs_enrolment_file_reads_back_with_the_shipped_profile(proposals, run, tmp_path):
    import duckdb

    from evalkit.params import load_params
    from evalkit.recipients.io import read_recipients
    from evalkit.recipients.sql import register_frame

    folder, df, injected, big = proposals
    _, _, secret = run
    project = tmp_path / "p"
    (project / "params").mkdir(parents=True)
    (project / "data").mkdir()
    (project / "pyproject.toml").write_text("[project]\nname='x'\n")
    shutil.copy(ROOT / "data" / "reference" / "mappings" / "bpjs-tagihan.yaml", project / "data" / "bpjs.yaml")
    (project / "params" / "p.yaml").write_text(
        "scenario: {name: p, title: P}\nverification:\n  mapping: ../data/bpjs.yaml\n"
    )
    params = load_params(project / "params" / "p.yaml")
    enrol = read_recipients(secret / f"pendaftaran_bpjs_{big[0]}_apbd_prov.xlsx", mapping=params.verification.mapping)
    con = duckdb.connect()
    source, bound = register_frame(con, enrol, params.verification.mapping)
    mapped = con.execute(source, bound).df()
    head, rows = table(openpyxl.load_workbook(secret / f"lampiran_{big[0]}_apbd_prov.xlsx")["Lampiran"])
    assert mapped["nik"].tolist() == [r[head.index("NIK")] for r in rows]
    assert mapped["tanggal_lahir"].tolist() == [r[head.index("Tanggal lahir")] for r in rows]
    assert set(mapped["sumber_dana"]) == {"apbd_prov"} and set(mapped["periode"]) == {PERIOD}
    assert set(enrol["PROGRAM"]) == {"JKK, JKM"} and mapped["no_kpj"].str.startswith("KPJ").all()


def test_a_restricted_folder_inside_outputs_is_refused(proposals, tmp_path, capsys):
    folder, *_ = proposals
    rc = determine(folder, tmp_path, "--restricted-dir", str(tmp_path / "outputs" / "rahasia"), lists=False)
    assert rc == 2 and "outside the outputs folder" in capsys.readouterr().err
    assert not (tmp_path / "outputs" / "rahasia").exists()
    assert not (tmp_path / "outputs" / "penetapan").exists() or not any((tmp_path / "outputs" / "penetapan").iterdir())


def test_reference_lists_in_the_templates_layout_are_read_and_checked(tmp_path, capsys):
    from evalkit.errors import DataError
    from evalkit.recipients.io import read_reference

    for name, template in (("members", "members.csv"), ("deaths", "deaths.csv"), ("asn", "non_eligible.csv")):
        assert (
            list(read_reference(ROOT / "data" / "templates" / template, name).columns)
            == pd.read_csv(ROOT / "data" / "templates" / template).columns.tolist()
        )
    bad = tmp_path / "deaths.csv"
    for body, where in (
        ("6472011905033860,2025-02-30\n", "column 'tanggal_meninggal'"),
        ("6472011905033860,15-01-2025\n", "column 'tanggal_meninggal'"),
        ("6472-011905033860,2025-01-15\n", "column 'nik'"),
        ("6.47201190503386e+15,2025-01-15\n", "column 'nik'"),
    ):
        bad.write_text("nik,tanggal_meninggal\n" + body, encoding="utf-8")
        with pytest.raises(DataError) as err:
            read_reference(bad, "deaths")
        assert where in str(err.value) and "row 2" in str(err.value) and "011905033860" not in str(err.value)
    quoted = tmp_path / "members.csv"
    quoted.write_text("nik,segmen\n'6472011905033860,BPU\n", encoding="utf-8")
    assert read_reference(quoted, "members")["nik"].tolist() == ["6472011905033860"]
    swapped = tmp_path / "swapped.csv"
    swapped.write_text("tanggal_meninggal,nama\n2025-01-01,x\n", encoding="utf-8")
    with pytest.raises(DataError, match="column 'nik'"):
        read_reference(swapped, "deaths")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(["nik", "segmen"])
    ws.append([6472011905033860, "BPU"])
    wb.save(tmp_path / "members.xlsx")
    with pytest.raises(DataError, match="stored as a number"):
        read_reference(tmp_path / "members.xlsx", "members")


def test_no_hidden_count_of_the_summary_can_be_computed_back(proposals, tmp_path):
    """Every "<10" and "x" of ringkasan.xlsx, with and without the reference lists, stays unknown under the relations
    a reader can use: proposed = excluded + eligible, excluded = the sum of the checked reasons, and eligible =
    determined when all eligible proposals were chosen (no quota, or a shortfall)."""
    from evalkit.core.privacy import recoverable

    folder, *_ = proposals
    for lists in (True, False):
        out = tmp_path / str(lists)
        assert determine(folder, out, lists=lists) == 0
        ws = openpyxl.load_workbook(next((out / "outputs" / "penetapan").iterdir()) / "ringkasan.xlsx")["Ringkasan"]
        rows = list(ws.iter_rows(values_only=True))
        header = rows[0]
        col = {name: header.index(name) for name in header}
        reasons = [h for h in header if h and h.startswith("Dikecualikan: ")]
        hidden_total = 0
        for r in rows[1:]:
            value = lambda name: r[col[name]]  # noqa: E731
            checked = [h for h in reasons if value(h) != "tidak diperiksa"]
            cells = ["Diusulkan", "Dikecualikan", "Memenuhi syarat", "Ditetapkan", "Cadangan", *checked]
            hidden = {c for c in cells if value(c) in ("<10", "x")}
            relations = [["Diusulkan", "Dikecualikan", "Memenuhi syarat"], ["Dikecualikan", *checked]]
            if value("Kuota").startswith("tanpa") or value("Kekurangan terhadap kuota") not in ("0", "–"):
                relations.append(["Memenuhi syarat", "Ditetapkan"])  # the annex lists them all: shown exactly
                assert value("Memenuhi syarat") not in ("<10", "x")
            assert not recoverable(hidden, set(cells) - hidden, relations), r
            hidden_total += len(hidden)
        assert hidden_total > 10  # the test met small cells


def test_the_disclosure_solver_finds_a_cell_given_back_by_subtraction():
    from evalkit.core.privacy import complementary, recoverable

    assert recoverable({"b"}, {"total", "a"}, [["total", "a", "b"]]) == {"b"}
    assert recoverable({"b", "c"}, {"total", "a"}, [["total", "a", "b", "c"]]) == set()
    assert recoverable({"flagged", "x"}, {"rows", "pct", "y"}, [["rows", "pct", "flagged"], ["flagged", "x", "y"]]) == {
        "flagged",
        "x",
    }
    assert complementary(["total", "a", "b"], {"b"}, [["total", "a", "b"]], protect={"total"}) == {"a", "b"}


def test_on_the_shipped_example_every_exclusion_equals_what_was_injected(tmp_path, default_params):
    """The example files as an officer gets them (data/example: recipients, members, deaths, non_eligible): every
    exclusion count of the determination equals the count the simulator injected into the reference lists, and
    the Governor's annexes hold only apbd_prov proposals."""
    import json

    from evalkit.example import REFERENCE_PERIOD
    from evalkit.recipients.generate import defect_counts, generate_recipients, generate_reference_lists

    v = default_params.verification
    df, truth = generate_recipients(
        v.synthetic_rows // 4,
        seed=default_params.seed,
        defects=defect_counts(v.synthetic_rows // 4, v.synthetic_defect_share),
    )
    _, injected = generate_reference_lists(df, truth, REFERENCE_PERIOD, seed=default_params.seed)
    example = ROOT / "data" / "example"
    (tmp_path / "kuota.csv").write_text("kode_wilayah,kuota\n6471,100\n6472,100\n6403,100\n", encoding="utf-8")
    rc = main(
        [
            "determine",
            str(example / "recipients.csv"),
            "--period",
            REFERENCE_PERIOD,
            "--quotas",
            str(tmp_path / "kuota.csv"),
            "--members",
            str(example / "members.csv"),
            "--deaths",
            str(example / "deaths.csv"),
            "--asn",
            str(example / "non_eligible.csv"),
            "--outputs",
            str(tmp_path / "outputs"),
            "--restricted-dir",
            str(tmp_path / "terbatas"),
        ]
    )
    assert rc == 0
    public = next((tmp_path / "outputs" / "penetapan").iterdir())
    summary = json.loads((public / "summary.json").read_text(encoding="utf-8"))
    assert summary["inputs"]["members"]["matched"] == injected["already_member"]
    assert summary["inputs"]["deaths"]["matched"] == injected["deceased"] + 3  # 3 died after the period began
    assert summary["inputs"]["asn"]["matched"] == injected["non_eligible_status"]
    from evalkit.params import load_params
    from evalkit.recipients.determination import determine as determine_api
    from evalkit.recipients.io import read_recipients, read_reference

    refs = {
        n: read_reference(example / f, n)
        for n, f in (("members", "members.csv"), ("deaths", "deaths.csv"), ("asn", "non_eligible.csv"))
    }
    r = determine_api(
        read_recipients(example / "recipients.csv"),
        load_params(ROOT / "params" / "default.yaml"),
        {"6471": 100},
        REFERENCE_PERIOD,
        salt="example-salt-0123456789",
        **refs,
    )
    for reason, n in injected.items():
        assert r.summary[f"excluded_{reason}"].sum() == n, reason
    secret = next((tmp_path / "terbatas").iterdir())
    june = df[df["periode"] == REFERENCE_PERIOD]
    for code in ("6471", "6472", "6403"):
        head, rows = table(openpyxl.load_workbook(secret / f"lampiran_{code}_apbd_prov.xlsx")["Lampiran"])
        provincial = june[(june["sumber_dana"] == "apbd_prov") & (june["kode_wilayah"] == code)]
        assert len(rows) == 100 and {r[head.index("NIK")] for r in rows} <= set(provincial["nik"])
