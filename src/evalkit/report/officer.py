"""Workbooks for the officers who verify and determine recipients (Biro Kesra, Disnakertrans), in their language.

``evalkit verify`` → :func:`verify_to_workbook`: ``<outputs>/verify/<id>-<timestamp>/`` with ``verifikasi.xlsx``
(summary, issues, changes between periods, by kab/kota), ``masalah.csv`` (every issue, for machines) and
``summary.json``.

``evalkit determine`` → :func:`determine_to_workbooks`: one determination, two kinds of annex.

* ``<outputs>/penetapan/<period>-<timestamp>/`` (publishable): ``lampiran_publik_<kode>_<funder>.xlsx`` per
  kab/kota and funder — name, masked NIK (``verification.determination.public_nik``), desa/kelurahan, kab/kota,
  funder: the public notice (PPID); ``ringkasan.xlsx`` — every kab/kota and funder with small cells shown as
  "<10", unchecked cross-matches as "tidak diperiksa", the reasons explained and the reference lists used;
  ``summary.json``.
* ``<restricted-dir>/penetapan-<period>-<timestamp>/`` (only with ``--restricted-dir``, outside ``outputs/``,
  folder 0700 and files 0600): ``lampiran_<kode>_<funder>.xlsx`` — the annex the decree is signed with (name, full
  NIK as text, KPJ, date of birth, sex, desa/kelurahan, kecamatan, occupation, funder, rank; the decree's number,
  date and title; a signature block) — and ``pendaftaran_bpjs_<kode>_<funder>.xlsx``, the enrolment file for BPJS
  Ketenagakerjaan in the column layout of the ``bpjs-tagihan`` mapping profile. Never cached, never linked from a
  report.

Every text a person reads comes from the catalogue (``text.yaml``): Bahasa Indonesia by default, English with
``lang="en"``; kab/kota names beside codes; percentages, not shares. Every sheet is stamped SYNTHETIC DATA when the
proposals are synthetic. Free text from the files (names, villages) is written as text, never as a formula, and
the publishable annex masks any run of digits in it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..core.hashing import sha256_file
from ..core.privacy import complementary, safe_text
from ..core.publish import building, clean_stale, probe_writable, publish_unique
from ..core.salt import get_salt, salt_fingerprint
from ..core.xlsx import defuse_formulas, write_text_safe
from ..data.loaders import not_a_file
from ..errors import DataError, OutputsError, Problem
from ..recipients.determination import PROVINCE, REASONS, DeterminationResult, check_quotas, determine
from ..recipients.engine import check_file, check_file_duckdb
from ..recipients.io import count_rows, read_recipients, read_reference
from ..recipients.schema import CHECKS
from ..reference import kaltim_codes, regions
from . import i18n
from .i18n import t

if TYPE_CHECKING:
    from ..params.schema import Params

EXCEL_ISSUE_ROWS = 5_000
"""Issues shown in the workbook's issues sheet; all of them are in ``masalah.csv`` beside it (a list where most
rows are flagged needs fixing at the source, not row by row in Excel)."""
SYNTHETIC_NOTE = "DATA SINTETIS / SYNTHETIC DATA — bukan data nyata"
#: The enrolment file's columns: the source columns of the shipped ``bpjs-tagihan`` mapping profile
#: (``data/reference/mappings/bpjs-tagihan.yaml``) and the programmes enrolled.
ENROLMENT_COLUMNS = {
    "NIK": "nik",
    "NAMA_TK": "nama",
    "TGL_LAHIR": "tanggal_lahir",
    "JENIS_KELAMIN": "jenis_kelamin",
    "KODE_WILAYAH": "kode_wilayah",
    "PEKERJAAN": "pekerjaan",
    "SUMBER_DANA": "sumber_dana",
    "BLTH_IURAN": "periode",
    "KPJ": "no_kpj",
    "PROGRAM": None,
}
PROGRAMMES = "JKK, JKM"
#: Funders as the enrolment file writes them (the ``bpjs-tagihan`` profile's ``values.sumber_dana`` reads them back).
ENROLMENT_FUNDERS = {"apbd_prov": "APBD PROVINSI", "apbd_kabkota": "APBD KAB/KOTA", "csr": "CSR"}


def region_label(code: str, lang: str) -> str:
    """``Samarinda (6472)``; a value outside the closed set of codes as the catalogue's 'invalid'."""
    names = _region_names()
    return f"{names[code]} ({code})" if code in names else t("off_invalid_value", lang)


@functools.lru_cache(maxsize=1)
def _region_names() -> dict[str, str]:  # read-only; built once (a workbook labels thousands of rows)
    return dict(zip(regions()["code"].astype(str), regions()["name"]))


def funder_label(funder: str, lang: str) -> str:
    key = f"off_funder_{funder}"
    return t(key, lang) if key in i18n.TEXT else t("off_invalid_value", lang)


def count_text(n, threshold: int, lang: str) -> str:
    """A published count: "<10" when it is small (but not 0), the number otherwise; "–" when missing."""
    if n is None or pd.isna(n):
        return "–"
    n = int(n)
    return f"<{threshold}" if 0 < n < threshold else i18n.fmt_number(n, lang)


def stamped(sheets: dict[str, pd.DataFrame], synthetic: bool) -> dict[str, pd.DataFrame]:
    """``sheets`` as they are for real data; for synthetic data a first sheet saying so and, on every other sheet,
    a first column saying SYNTHETIC DATA on every row (a sheet without rows gets one row with the stamp)."""
    if not synthetic:
        return sheets
    out = {"DATA SINTETIS": pd.DataFrame({"Catatan / Note": [SYNTHETIC_NOTE]})}
    for name, frame in sheets.items():
        out[name] = (
            frame.assign(**{"DATA SINTETIS": "SYNTHETIC DATA"})[["DATA SINTETIS", *frame.columns]]
            if len(frame)
            else pd.DataFrame({"DATA SINTETIS": ["SYNTHETIC DATA"]})
        )
    return out


def _writable(folder: Path, what: str) -> None:
    try:
        probe_writable(folder)
    except OSError as exc:
        raise OutputsError(
            [
                Problem(
                    str(folder),
                    what,
                    "",
                    f"cannot be written there ({exc.strerror or exc}); choose "
                    "another folder, or fix its permissions or free disk space",
                )
            ]
        ) from None


@contextlib.contextmanager
def tidy(folder: Path):
    """Remove ``folder`` again, when this block created it and it is left empty by a failure (a bad input leaves
    ``outputs/`` as it was)."""
    existed = folder.exists()
    try:
        yield
    except BaseException:
        if not existed:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: the probe and the partial folder remove themselves
        raise


def file_id(path: Path) -> str:
    """How an input file is named in outputs: the start of its SHA-256 (a file name can hold a NIK or a name)."""
    return sha256_file(path)[:12]


# --------------------------------------------------------------------------- verify
DETAIL_PATTERNS = [
    (re.compile(r"NIK stored as a number in Excel"), "off_detail_nik_numeric"),
    (re.compile(r"NIK is not a valid"), "off_detail_nik_invalid"),
    (re.compile(r"sex in NIK"), "off_detail_sex"),
    (re.compile(r"birth date in NIK"), "off_detail_birth"),
    (re.compile(r"same NIK listed again"), "off_detail_dup_within"),
    (re.compile(r"also funded by (\w+)"), "off_detail_dup_cross"),
    (re.compile(r"younger than (\d+)"), "off_detail_young"),
    (re.compile(r"older than (\d+)"), "off_detail_old"),
    (re.compile(r"occupation outside"), "off_detail_occupation"),
]
FIELD_KEYS = {
    "periode": "off_col_period",
    "tanggal_lahir": "off_col_birth",
    "jenis_kelamin": "off_col_sex",
    "kode_wilayah": "off_col_region",
    "sumber_dana": "off_col_funder",
}


def detail_text(check: str, detail: str, lang: str) -> str:
    """An issue's detail (written by the SQL checks in English) in the officer's language."""
    if check == "invalid_value":
        fields = [t(FIELD_KEYS[f], lang) for f in str(detail).split("; ") if f in FIELD_KEYS]
        return t("off_detail_invalid_fields", lang, fields=", ".join(fields))
    for pattern, key in DETAIL_PATTERNS:
        m = pattern.search(str(detail))
        if m:
            arg = m.group(1) if m.groups() else None
            if key == "off_detail_dup_cross":
                return t(key, lang, funder=funder_label(str(arg), lang))
            return t(key, lang, years=arg) if arg else t(key, lang)
    return t("off_invalid_value", lang)


def verification_sheets(
    summary: dict, issues: pd.DataFrame, churn: pd.DataFrame, by_region: pd.DataFrame, threshold: int, lang: str
) -> dict[str, pd.DataFrame]:
    """The officer's verification workbook: every check translated and explained, kab/kota by name."""
    rows = [
        (t("off_sum_rows", lang), i18n.fmt_number(summary["rows"], lang), ""),
        (t("off_sum_clean", lang), i18n.fmt_number(summary["clean"], lang), ""),
        (
            t("off_sum_clean_pct", lang),
            i18n.fmt_pct(100 * summary["clean"] / summary["rows"], lang) if summary["rows"] else "–",
            "",
        ),
    ]
    for check in CHECKS:
        rows.append(
            (
                t(f"off_reason_{check}", lang),
                i18n.fmt_number(summary.get(check, 0), lang),
                t(f"off_reason_{check}_why", lang),
            )
        )
    rows.append(
        (
            t("off_reason_nik_region_other", lang),
            i18n.fmt_number(summary.get("nik_region_other", 0), lang),
            t("off_reason_nik_region_other_why", lang),
        )
    )
    rows += [
        (t("off_sum_period", lang), summary.get("period") or t("off_all_periods", lang), ""),
        (t("off_sum_file", lang), summary.get("file_id", ""), t("off_sum_file_why", lang)),
        (t("off_sum_salt", lang), summary.get("salt_fingerprint", ""), t("off_sum_salt_why", lang)),
    ]
    if "issues_in_workbook" in summary:
        rows.append(
            (t("off_sum_issues_cut", lang), i18n.fmt_number(EXCEL_ISSUE_ROWS, lang), t("off_sum_issues_cut_why", lang))
        )
    col = lambda k: t(k, lang)  # noqa: E731
    sheets = {
        t("off_sheet_summary", lang): pd.DataFrame(
            rows, columns=[col("off_col_item"), col("off_col_count"), col("off_col_explanation")]
        )
    }
    issues = issues.head(EXCEL_ISSUE_ROWS)
    sheets[t("off_sheet_issues", lang)] = pd.DataFrame(
        {
            col("off_col_row"): issues["row"].astype("int64"),
            col("off_col_check"): [t(f"off_reason_{c}", lang) for c in issues["check"]],
            col("off_col_detail"): [detail_text(c, d, lang) for c, d in zip(issues["check"], issues["detail"])],
            col("off_col_id"): issues["id_hash"].astype(str),
            col("off_col_region"): [region_label(str(c), lang) for c in issues["kode_wilayah"]],
            col("off_col_funder"): [funder_label(str(f), lang) for f in issues["sumber_dana"]],
            col("off_col_period"): issues["periode"].astype(str),
        }
    )
    if len(churn):
        sheets[t("off_sheet_churn", lang)] = pd.DataFrame(
            {
                col("off_col_from"): [t("off_previous_list", lang) if f == "previous" else f for f in churn["from"]],
                col("off_col_to"): churn["to"],
                col("off_col_continuing"): [count_text(v, threshold, lang) for v in churn["continuing"]],
                col("off_col_new"): [count_text(v, threshold, lang) for v in churn["new"]],
                col("off_col_dropped"): [count_text(v, threshold, lang) for v in churn["dropped"]],
            }
        )
    if len(by_region):
        # the clean share is shown only where the flagged count is: with it the hidden count would come back
        small = (by_region["flagged"] > 0) & (by_region["flagged"] < threshold)
        sheets[t("off_sheet_region", lang)] = pd.DataFrame(
            {
                col("off_col_region"): [region_label(str(c), lang) for c in by_region["kode_wilayah"]],
                col("off_col_rows"): [i18n.fmt_number(v, lang) for v in by_region["rows"]],
                col("off_col_flagged"): [count_text(v, threshold, lang) for v in by_region["flagged"]],
                col("off_col_clean_pct"): [
                    "–" if s else i18n.fmt_pct(100 * (1 - f / r), lang) if r else "–"
                    for s, f, r in zip(small, by_region["flagged"], by_region["rows"])
                ],
            }
        )
    return sheets


def verify_to_workbook(
    file,
    params: Params,
    *,
    outputs: str | Path = "outputs",
    period: str | None = None,
    previous: str | Path | None = None,
    engine: str = "auto",
    lang: str = "id",
) -> tuple[dict, Path]:
    """Verify ``file`` with the rules in ``params.verification``; return the summary and the workbook path.

    ``engine``: ``auto`` (DuckDB above ``verification.duckdb_threshold_rows``), ``pandas`` or ``duckdb``.
    """
    path = Path(file)
    if not path.is_file():
        raise DataError([Problem(str(path), "file", "", "the recipient list: " + not_a_file(path))])
    if engine == "auto":
        engine = "duckdb" if count_rows(path) > params.verification.duckdb_threshold_rows else "pandas"
    if engine == "duckdb" and path.suffix.lower() not in (".csv", ".txt", ".parquet"):
        raise DataError([Problem(str(path), "file", repr(path.suffix), "the DuckDB engine reads CSV or Parquet")])
    get_salt()  # an unusable salt is refused before anything is written
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out_root = Path(outputs) / "verify"
    with tidy(out_root):
        _writable(out_root, "outputs folder")
        clean_stale(out_root)
        return _verify_into(path, params, out_root, stamp, period, previous, engine, lang)


def _verify_into(
    path: Path, params: Params, out_root: Path, stamp: str, period, previous, engine: str, lang: str
) -> tuple[dict, Path]:
    ident = file_id(path)
    with building(out_root, f"{ident}-{stamp}") as tmp:
        if engine == "duckdb":
            summary = check_file_duckdb(path, params, tmp / "masalah.csv", period=period)
            issues = pd.read_csv(
                tmp / "masalah.csv", nrows=EXCEL_ISSUE_ROWS + 1, dtype={"row": "int64"}, keep_default_na=False
            )
            churn = pd.DataFrame()
            by_region = pd.DataFrame()
        else:
            before = read_recipients(previous, mapping=params.verification.mapping) if previous else None
            report = check_file(
                path,
                params,
                previous=before,
                period=period,
                issues_csv=tmp / "masalah.csv",
                issues_limit=EXCEL_ISSUE_ROWS + 1,
                with_clean=False,
            )
            summary, issues, churn, by_region = report.summary, report.issues, report.churn, report.by_region
        # the salt's fingerprint (never the salt): hashed ids of two workbooks match only when it is the same
        summary = {
            "file_id": ident,
            "engine": engine,
            "period": period,
            "salt_fingerprint": salt_fingerprint(),
        } | summary
        if len(issues) > EXCEL_ISSUE_ROWS:
            summary["issues_in_workbook"] = f"the first {EXCEL_ISSUE_ROWS:,}; all in masalah.csv"
        sheets = verification_sheets(summary, issues, churn, by_region, params.report.suppress_below, lang)
        write_text_safe(tmp / "verifikasi.xlsx", stamped(sheets, _synthetic_file(path)))
        (tmp / "summary.json").write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
        final = publish_unique(tmp, out_root, f"{ident}-{stamp}")
    return summary, final / "verifikasi.xlsx"


def _synthetic_file(path: Path) -> bool:
    """A CSV whose every row carries ``data_label = SYNTHETIC DATA`` (the shipped examples)."""
    if path.suffix.lower() not in (".csv", ".txt"):
        return False
    try:
        head = pd.read_csv(path, dtype=str, nrows=1000, keep_default_na=False)
    except (ValueError, UnicodeDecodeError):
        return False
    return "data_label" in head.columns and len(head) > 0 and bool(head["data_label"].eq("SYNTHETIC DATA").all())


# --------------------------------------------------------------------------- determine
def mask_nik(nik: str, prefix: int, suffix: int) -> str:
    """A NIK for a public notice: the first ``prefix`` and last ``suffix`` digits, ``*`` for the rest."""
    nik = str(nik)
    hidden = len(nik) - prefix - suffix
    return nik[:prefix] + "*" * max(hidden, 0) + (nik[-suffix:] if suffix else "")


def annex_frames(
    result: DeterminationResult, code: str, funder: str, lang: str, params: Params, public: bool
) -> dict[str, pd.DataFrame]:
    """The annex of one kab/kota and funder: determined (sheet Lampiran) and reserve (sheet Cadangan) in rank
    order. ``public``: name, masked NIK, desa/kelurahan, kab/kota, funder; else the decree's full columns."""
    rows = result.lists[(result.lists["kode_wilayah"] == code) & (result.lists["sumber_dana"] == funder)]
    person = result.personal.set_index("row")
    mask = params.verification.determination.public_nik
    col = lambda k: t(k, lang)  # noqa: E731
    out = {}
    for status, sheet in (("determined", "off_sheet_annex"), ("reserve", "off_sheet_reserve")):
        chosen = rows[rows["status"] == status].sort_values("rank")
        p = person.reindex(chosen["row"])
        if public:
            frame = pd.DataFrame(
                {
                    col("off_col_no"): range(1, len(chosen) + 1),
                    col("off_col_name"): [safe_text(v) for v in p["nama"]],
                    col("off_col_nik_masked"): [
                        mask_nik(v, mask.visible_prefix, mask.visible_suffix) for v in p["nik"]
                    ],
                    col("off_col_village"): [safe_text(v) for v in p["desa_kelurahan"]],
                    col("off_col_region"): region_label(code, lang),
                    col("off_col_funder"): funder_label(funder, lang),
                }
            )
        else:
            frame = pd.DataFrame(
                {
                    col("off_col_no"): range(1, len(chosen) + 1),
                    col("off_col_name"): p["nama"].fillna("").astype(str).to_numpy(),
                    col("off_col_nik"): p["nik"].astype(str).to_numpy(),
                    col("off_col_kpj"): p["no_kpj"].fillna("").astype(str).to_numpy(),
                    col("off_col_birth"): p["tanggal_lahir"].fillna("").astype(str).to_numpy(),
                    col("off_col_sex"): [
                        t(f"off_sex_{s}", lang) if s in ("L", "P") else "" for s in p["jenis_kelamin"]
                    ],
                    col("off_col_village"): p["desa_kelurahan"].fillna("").astype(str).to_numpy(),
                    col("off_col_district"): p["kecamatan"].fillna("").astype(str).to_numpy(),
                    col("off_col_occupation"): p["pekerjaan"].fillna("").astype(str).to_numpy(),
                    col("off_col_funder"): funder_label(funder, lang),
                    col("off_col_rank"): chosen["rank"].astype("int64").to_numpy(),
                }
            )
        out[t(sheet, lang)] = frame
    return out


def write_annex(
    path: Path, sheets: dict[str, pd.DataFrame], header: list[str], footer: list[str], synthetic: bool
) -> None:
    """An annex workbook: on every sheet the header lines (title, decree, kab/kota), the table (every cell text or
    a whole number, never a formula) and the footer lines (signature block)."""
    from openpyxl import Workbook  # lazy: openpyxl only when an annex is written
    from openpyxl.styles import Font  # lazy: as above

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for name, frame in sheets.items():
        ws = wb.create_sheet(name[:31])
        lines = ([SYNTHETIC_NOTE] if synthetic else []) + header + [name]
        for line in lines:
            ws.append([line])
            ws.cell(ws.max_row, 1).font = bold
        ws.append([])
        ws.append([str(c) for c in frame.columns])
        for c in ws[ws.max_row]:
            c.font = bold
        for row in frame.itertuples(index=False, name=None):
            ws.append([v.item() if hasattr(v, "item") else v for v in row])
            for c in ws[ws.max_row]:
                if isinstance(c.value, str):
                    c.data_type, c.number_format = "s", "@"
        if footer and name == next(iter(sheets)):
            ws.append([])
            for line in footer:
                ws.append([None] * max(len(frame.columns) - 3, 1) + [line])
        for i, c in enumerate(frame.columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, min(40, len(str(c)) + 4))
    defuse_formulas(wb)
    wb.save(path)


def decree_lines(decree, code: str, funder: str, period: str, lang: str, public: bool) -> tuple[list[str], list[str]]:
    """Header and signature block of an annex (a field not given is a dotted line filled in by hand)."""
    blank = t("off_blank", lang)
    region, year = region_label(code, lang), period[:4]
    title = t(
        "off_public_title" if public else "off_annex_list",
        lang,
        funder=funder_label(funder, lang),
        region=region,
        year=year,
    )
    header = [
        t(
            "off_annex_title",
            lang,
            signatory=decree.signatory_title if funder == PROVINCE else funder_label(funder, lang).upper(),
        ),
        f"{t('off_decree_number', lang)}: {decree.number or blank}",
        f"{t('off_decree_date', lang)}: {decree.date or blank}",
        f"{t('off_decree_title', lang)}: {decree.title or blank}",
        title,
    ]
    if public:
        return header, []
    header.append(t("off_restricted_note", lang))
    footer = [
        t("off_signed_at", lang, place=decree.place or blank),
        t("off_signed_on", lang, date=decree.date or blank),
        (decree.signatory_title if funder == PROVINCE else blank) + ",",
        "",
        "",
        "",
        decree.signatory_name or blank,
    ]
    return header, footer


def enrolment_frame(result: DeterminationResult, code: str, funder: str) -> pd.DataFrame:
    """The determined persons of one kab/kota and funder for BPJS Ketenagakerjaan, in the ``bpjs-tagihan``
    profile's columns and values (birth date dd/mm/yyyy, funder in capitals), so that profile reads it back."""
    rows = result.lists[
        (result.lists["kode_wilayah"] == code)
        & (result.lists["sumber_dana"] == funder)
        & (result.lists["status"] == "determined")
    ].sort_values("rank")
    p = result.personal.set_index("row").reindex(rows["row"])
    values = {
        "nik": p["nik"],
        "nama": p["nama"],
        "tanggal_lahir": pd.to_datetime(p["tanggal_lahir"], errors="coerce").dt.strftime("%d/%m/%Y"),
        "jenis_kelamin": p["jenis_kelamin"],
        "kode_wilayah": code,
        "pekerjaan": p["pekerjaan"],
        "sumber_dana": ENROLMENT_FUNDERS[funder],
        "periode": result.period,
        "no_kpj": p["no_kpj"],
    }
    frame = pd.DataFrame({src: (PROGRAMMES if dst is None else values[dst]) for src, dst in ENROLMENT_COLUMNS.items()})
    return frame.reset_index(drop=True).fillna("")


def reference_table(used: dict[str, dict], lang: str) -> pd.DataFrame:
    col = lambda k: t(k, lang)  # noqa: E731
    return pd.DataFrame(
        {
            col("off_col_list"): [t(f"off_list_{name}", lang) for name in used],
            col("off_col_given"): [t("yes" if u["given"] else "no", lang) for u in used.values()],
            col("off_col_rows"): [i18n.fmt_number(u["rows"], lang) if u["given"] else "–" for u in used.values()],
            col("off_col_matched"): [
                i18n.fmt_number(u["matched"], lang) if "matched" in u else "–" for u in used.values()
            ],
            col("off_col_unmatched"): [
                i18n.fmt_number(u["unmatched"], lang) if "unmatched" in u else "–" for u in used.values()
            ],
            col("off_col_sha"): [u["sha256"] or "–" for u in used.values()],
        }
    )


HIDDEN = "x"
"""A count withheld so that a small one beside it cannot be recomputed (complementary suppression)."""


RESULTS = ("determined", "reserve")


def withheld_cells(row, threshold: int, checked: dict[str, bool]) -> set[str]:
    """The cells of one summary row to withhold: the small ones (0 < n < threshold) and, by complementary
    suppression, every cell that would give one back — proposed = excluded + eligible; excluded = the sum of the
    checked reasons; eligible = determined when every eligible proposal was chosen (no quota, or a shortfall).
    The results (determined, reserve, quota) are never withheld: the annexes list those people by name anyway."""
    reasons = [f"excluded_{r}" for r in REASONS if checked.get(r, True)]
    counts = ["proposed", "excluded", "eligible", "determined", "reserve", *reasons]
    everyone = pd.isna(row["quota"]) or row["shortfall"] > 0  # every eligible proposal chosen: eligible = determined
    public = (*RESULTS, "eligible") if everyone else RESULTS  # what the annexes show anyway
    small = {c for c in counts if c not in public and pd.notna(row[c]) and 0 < row[c] < threshold}
    relations = [["excluded", "eligible", "proposed"], ["excluded", *sorted(reasons, key=lambda c: row[c])]]
    return complementary(counts, small, relations, protect=public)


def summary_table(result: DeterminationResult, threshold: int, lang: str) -> pd.DataFrame:
    """The determination per kab/kota and funder as the officer reads it: small counts "<10", the cells that would
    give them back "x" (:func:`withheld_cells`), "tidak diperiksa" for a cross-match whose list was not given."""
    s = result.summary
    col = lambda k: t(k, lang)  # noqa: E731
    withheld = [withheld_cells(row, threshold, result.checked) for _, row in s.iterrows()]

    def shown(column: str) -> list[str]:
        if column in RESULTS:
            return [i18n.fmt_number(v, lang) for v in s[column]]
        return [
            (HIDDEN if not 0 < v < threshold else count_text(v, threshold, lang))
            if column in w
            else i18n.fmt_number(v, lang)
            for w, v in zip(withheld, s[column])
        ]

    out = pd.DataFrame(
        {
            col("off_col_region"): [region_label(c, lang) for c in s["kode_wilayah"]],
            col("off_col_funder"): [funder_label(f, lang) for f in s["sumber_dana"]],
            col("off_col_proposed"): shown("proposed"),
            col("off_col_excluded"): shown("excluded"),
            col("off_col_eligible"): shown("eligible"),
            col("off_col_quota"): [
                t("off_no_quota", lang) if pd.isna(q) else i18n.fmt_number(q, lang) for q in s["quota"]
            ],
            col("off_col_determined"): shown("determined"),
            col("off_col_reserve"): shown("reserve"),
            col("off_col_shortfall"): ["–" if pd.isna(v) else i18n.fmt_number(v, lang) for v in s["shortfall"]],
        }
    )
    for r in REASONS:
        label = t("off_col_excluded_reason", lang, reason=t(f"off_reason_{r}", lang))
        out[label] = shown(f"excluded_{r}") if result.checked.get(r, True) else t("off_not_checked", lang)
    return out


def restricted_folder(folder: str | Path, outputs: Path) -> Path:
    """Check the officer's restricted folder: outside ``outputs/`` (nothing restricted is ever published)."""
    folder = Path(folder).expanduser().absolute()
    shown = str(folder)
    out = outputs.absolute()
    for guarded in {out, Path.cwd().absolute() / "outputs"}:
        if folder == guarded or guarded in folder.parents:
            raise OutputsError(
                [
                    Problem(
                        shown,
                        "--restricted-dir",
                        "",
                        f"must lie outside the outputs folder ({guarded}): the restricted annex is never published",
                    )
                ]
            )
    if folder.exists() and not folder.is_dir():
        raise OutputsError([Problem(shown, "--restricted-dir", "", "is a file, not a folder")])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _writable(folder, "--restricted-dir")
    return folder


def determine_to_workbooks(
    file,
    params: Params,
    quotas,
    period: str,
    *,
    outputs: str | Path = "outputs",
    members=None,
    deaths=None,
    asn=None,
    previous=None,
    synthetic: bool = False,
    restricted_dir: str | Path | None = None,
    decree: dict | None = None,
    lang: str = "id",
) -> tuple[Path, Path | None]:
    """Determine ``period``'s recipients from the proposals in ``file`` (see the module docstring) and publish the
    publishable folder; with ``restricted_dir``, also the restricted annexes and the BPJS enrolment files there.
    ``decree`` overrides ``verification.determination.decree`` (keys number, date, title). Returns the publishable
    folder and the restricted one (None without ``restricted_dir``)."""
    path = Path(file)
    if not path.is_file():
        raise DataError([Problem(str(path), "file", "", "the proposal list: " + not_a_file(path))])
    get_salt()  # an unusable salt is refused before anything is written
    out_root = Path(outputs) / "penetapan"
    mapping = params.verification.mapping
    # every input is read and checked first: a bad one leaves outputs/ (and the restricted folder) untouched
    proposals = read_recipients(path, mapping=mapping)
    given = {"members": members, "deaths": deaths, "asn": asn}
    refs = {name: read_reference(Path(f), name) for name, f in given.items() if f}
    before = read_recipients(Path(previous), mapping=mapping) if previous else None
    quotas = check_quotas(quotas, set(kaltim_codes()), "quotas")  # {funder: {code: persons}}
    _writable(out_root, "outputs folder")
    secret_root = restricted_folder(restricted_dir, Path(outputs)) if restricted_dir else None
    result = determine(proposals, params, quotas, period, salt=None, previous=before, **refs)
    synthetic = synthetic or (
        "data_label" in proposals.columns and bool(proposals["data_label"].eq("SYNTHETIC DATA").all())
    )
    rule = params.verification.determination
    the_decree = rule.decree.model_copy(update={k: v for k, v in (decree or {}).items() if v})
    used: dict[str, dict] = {"proposals": {"given": True, "rows": len(proposals), "sha256": sha256_file(path)}}
    used |= {
        name: dict[str, object](
            given=bool(f), rows=len(refs[name]) if f else None, sha256=sha256_file(Path(f)) if f else None
        )
        | result.references.get(name, {})
        for name, f in given.items()
    }
    used["previous"] = {
        "given": bool(previous),
        "rows": len(before) if before is not None else None,
        "sha256": sha256_file(Path(previous)) if previous else None,
    }
    threshold = params.report.suppress_below
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    groups = [
        (c, f)
        for c, f in result.summary[["kode_wilayah", "sumber_dana"]].itertuples(index=False)
        if c in _region_names()
        and (
            (result.lists["kode_wilayah"] == c)
            & (result.lists["sumber_dana"] == f)
            & result.lists["status"].isin(["determined", "reserve"])
        ).any()
    ]
    clean_stale(out_root)
    secret_tmp = None
    if secret_root is not None:
        secret_tmp = secret_root / f".partial-penetapan-{period}-{stamp}-{os.getpid()}"
        secret_tmp.mkdir(mode=0o700)
        os.chmod(secret_tmp, 0o700)
    try:
        with building(out_root, f"{period}-{stamp}") as tmp:
            for code, funder in groups:
                header, _ = decree_lines(the_decree, code, funder, period, lang, public=True)
                write_annex(
                    tmp / f"lampiran_publik_{code}_{funder}.xlsx",
                    annex_frames(result, code, funder, lang, params, public=True),
                    header,
                    [],
                    synthetic,
                )
                if secret_tmp is not None:
                    header, footer = decree_lines(the_decree, code, funder, period, lang, public=False)
                    write_annex(
                        secret_tmp / f"lampiran_{code}_{funder}.xlsx",
                        annex_frames(result, code, funder, lang, params, public=False),
                        header,
                        footer,
                        synthetic,
                    )
                    write_text_safe(
                        secret_tmp / f"pendaftaran_bpjs_{code}_{funder}.xlsx",
                        stamped({"data": enrolment_frame(result, code, funder)}, synthetic),
                    )
            reasons = pd.DataFrame(
                {
                    t("off_col_reason", lang): [t(f"off_reason_{r}", lang) for r in REASONS],
                    t("off_col_explanation", lang): [t(f"off_reason_{r}_why", lang) for r in REASONS],
                    t("off_col_checked", lang): [
                        t("yes", lang) if result.checked.get(r, True) else t("off_not_checked", lang) for r in REASONS
                    ],
                }
            )
            write_text_safe(
                tmp / "ringkasan.xlsx",
                stamped(
                    {
                        t("off_sheet_summary", lang): summary_table(result, threshold, lang),
                        t("off_sheet_reasons", lang): reasons,
                        t("off_sheet_references", lang): reference_table(used, lang),
                        t("off_sheet_notes", lang): pd.DataFrame(
                            {
                                t("off_col_explanation", lang): [
                                    t("off_note_small", lang, threshold=threshold),
                                    t("off_note_hidden", lang),
                                    t("off_note_not_checked", lang),
                                    t("off_note_no_quota", lang),
                                ]
                            }
                        ),
                    },
                    synthetic,
                ),
            )
            summary = {
                "period": period,
                "synthetic": synthetic,
                "salt_fingerprint": salt_fingerprint(),
                "lang": lang,
                "inputs": used,
                "ranking": list(rule.ranking),
                "checked": {r: ("checked" if ok else "not checked") for r, ok in result.checked.items()},
                "quota": {f: int(sum(q.values())) for f, q in quotas.items()},
                "determined": {
                    f: int(n)
                    for f, n in result.lists[result.lists["status"] == "determined"]
                    .groupby("sumber_dana")
                    .size()
                    .items()
                },
                "restricted_annexes": "written outside outputs/ (--restricted-dir)"
                if secret_tmp
                else "not written (no --restricted-dir)",
            }
            (tmp / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
            final = publish_unique(tmp, out_root, f"{period}-{stamp}")
        secret_final = None
        if secret_tmp is not None and secret_root is not None:
            for f in secret_tmp.iterdir():
                os.chmod(f, 0o600)
            secret_final = publish_unique(secret_tmp, secret_root, f"penetapan-{period}-{stamp}")
            os.chmod(secret_final, 0o700)
    finally:
        if secret_tmp is not None and secret_tmp.exists():
            shutil.rmtree(secret_tmp, ignore_errors=True)
    return final, secret_final


# -- the quarterly monitoring report (laporan triwulan, notebook 05) ---------------------------------------------
def write_quarterly_workbook(
    path: Path, rows: pd.DataFrame, recon, lang: str, synthetic: bool, threshold: int = 10
) -> Path:
    """``laporan_triwulan.xlsx``: the quarterly indicators against their thresholds (previous and latest quarter),
    the invoice cases for the officer (by salted id, kab/kota and month — never a NIK or name), the realisation by
    month and the claims by benefit (persons under ``threshold`` shown as "<threshold"), in ``lang`` with the
    SYNTHETIC DATA stamp on every sheet when the inputs are synthetic."""
    quarters = rows.attrs.get("quarters", (None, "", ""))
    col = lambda name: t(f"col_{name}", lang)  # noqa: E731
    indicators = pd.DataFrame(
        {
            col("indicator"): [t(f"qi_{k}", lang) for k in rows["indicator"]],
            t("ov_previous_quarter", lang, quarter=quarters[0] or "–"): rows["previous"].round(2),
            t("ov_latest_quarter", lang, quarter=quarters[1]): rows["latest"].round(2),
            col("threshold"): rows["threshold"].round(1),
            col("flag"): [t("yes" if f else "no", lang) for f in rows["flag"]],
        }
    )
    cases = recon.cases.assign(
        kind=recon.cases["kind"].map(lambda k: t(f"check_inv_{k}", lang)),
        region=recon.cases["kode_wilayah"].map(lambda c: region_label(str(c), lang)),
    )
    cases = pd.DataFrame(
        {
            col("check"): cases["kind"],
            col("case_id"): cases["id"],
            col("region_name"): cases["region"],
            col("period"): cases["periode"],
            col("rupiah"): cases["rupiah"].round(0).astype("int64"),
        }
    )
    sheets = {t("ov_sheet_indicators", lang): indicators, t("ov_sheet_cases", lang): cases}
    if recon.realisation is not None:
        r = recon.realisation
        sheets[t("ov_sheet_realisation", lang)] = pd.DataFrame(
            {
                col("year"): r["year"],
                col("month"): r["month"],
                col("paid"): r["paid"].round(0).astype("int64"),
                col("cumulative"): r["cumulative"].round(0).astype("int64"),
                col("realisation_pct"): r["realisation_pct"].round(2),
            }
        )
    if recon.claims is not None:
        c = recon.claims.groupby(["program", "jenis_manfaat"], as_index=False)[["cases", "persons", "rupiah"]].sum()
        sheets[t("ov_sheet_claims", lang)] = pd.DataFrame(
            {
                col("program"): c["program"],
                col("jenis_manfaat"): c["jenis_manfaat"],
                col("cases"): c["cases"],
                col("persons"): [count_text(n, threshold, lang) for n in c["persons"]],
                col("rupiah"): c["rupiah"].round(0).astype("int64"),
            }
        )
    header = [
        t("ov_workbook_title", lang),
        t("ov_workbook_quarters", lang, previous=quarters[0] or "–", latest=quarters[1], month=quarters[2]),
    ]
    write_annex(path, stamped(sheets, synthetic), header, [], synthetic)
    return path


# -- the labour inspectors' workbooks (notebook 01) ----------------------------------------------------------------
def write_inspection_workbooks(
    folder: Path, cats: pd.DataFrame, arrears: pd.DataFrame, lang: str, synthetic: bool
) -> list[Path]:
    """One workbook per kab/kota for Disnaker's labour inspectors (``inspeksi_<code>.xlsx``): its companies by name,
    NPP and NIB (company identifiers, not personal data; never an owner's name), sector, size, JKK risk group and rate,
    the categories (PWBD, PDS tenaga kerja, upah, program) with the programmes missing, workers reported, registered
    and unprotected, and arrears — sorted by workers unprotected, largest first."""
    col = lambda name: t(f"col_{name}", lang)  # noqa: E731
    yes_no = lambda v: "–" if pd.isna(v) else t("yes" if bool(v) else "no", lang)  # noqa: E731  (– = not checked)
    folder.mkdir(parents=True, exist_ok=True)
    merged = cats.merge(arrears, on="company_id", how="left")
    written = []
    for code, part in merged.groupby("kode_wilayah", sort=True):
        part = part.sort_values(["workers_unprotected", "arrears_rupiah"], ascending=False)
        frame = pd.DataFrame(
            {
                col("nama_perusahaan"): part["nama_perusahaan"],
                col("npp"): part["npp"],
                col("nib"): part["nib"],
                col("sektor"): part["sektor"],
                col("skala"): part["skala"],
                col("kelompok_risiko_jkk"): part["kelompok_risiko_jkk"],
                col("jkk_rate_pct"): (100 * part["jkk_rate_share"]).round(2),
                **{t(f"cat_{c}", lang): part[c].map(yes_no) for c in ("pwbd", "pds_tk", "pds_upah", "pds_program")},
                col("missing_programmes"): part["missing_programmes"],
                col("workers_reported"): part["workers_reported"].astype("int64"),
                col("workers_registered"): part["workers_registered"].astype("int64"),
                col("workers_unprotected"): part["workers_unprotected"].astype("int64"),
                col("arrears_months"): part["arrears_months"].fillna(0).astype("int64"),
                col("arrears_rupiah"): part["arrears_rupiah"].fillna(0).round(0).astype("int64"),
            }
        )
        header = [
            t("insp_title", lang),
            t("insp_region", lang, region=region_label(str(code), lang)),
            t("insp_note", lang),
        ]
        path = folder / f"inspeksi_{code}.xlsx"
        write_annex(path, stamped({t("insp_sheet", lang): frame}, synthetic), header, [], synthetic)
        written.append(path)
    return written


# -- the Paritrana assessment workbook (notebook 04) -----------------------------------------------------------
def question_text(key: str, fmt: dict, lang: str) -> str:
    """One question for the panel (:func:`evalkit.scorecard.profiles`) in words: a criterion by its name, a change in
    percentage points, yes/no — the same on the page and in the workbook."""
    shown = {
        k: (
            t(f"crit_{v}", lang)
            if k == "criterion"
            else i18n.fmt_pp(v, lang)
            if isinstance(v, float)
            else t("yes" if v else "no", lang)
            if isinstance(v, bool)
            else v
        )
        for k, v in fmt.items()
    }
    return t(key, lang, **shown)


def write_assessment_workbook(path: Path, profiles: list[dict], lang: str, synthetic: bool) -> Path:
    """``penilaian_paritrana.xlsx``: one sheet per participating kab/kota — its rank and rank interval, scores per
    criterion, the self-assessment answers with their documents, and the questions for the panel."""
    col = lambda name: t(f"col_{name}", lang)  # noqa: E731
    sheets = {}
    for p in profiles:
        scores = pd.DataFrame(
            {
                col("criterion"): [t(f"crit_{c}", lang) for c in p["scores"]["criterion"]],
                col("score"): p["scores"]["score"].round(1),
            }
        )
        questions = [question_text(key, fmt, lang) for key, fmt in p["questions"]]
        rows = [
            [
                t(
                    "profile_text",
                    lang,
                    rank=p["rank"],
                    n=len(profiles),
                    lo=int(p["rank_p10"]),
                    hi=int(p["rank_p90"]),
                    score=i18n.fmt_number(p["score"], lang, 1),
                    strengths=", ".join(t(f"crit_{c}", lang) for c in p["strengths"]) or "–",
                    gaps=", ".join(t(f"crit_{c}", lang) for c in p["gaps"]) or "–",
                ),
                "",
            ]
        ]
        frame = pd.concat([scores, pd.DataFrame(rows, columns=scores.columns)], ignore_index=True)
        frame = pd.concat(
            [
                frame,
                pd.DataFrame(
                    {
                        scores.columns[0]: [t("ov_profile_sheet_questions", lang)] + questions,
                        scores.columns[1]: [""] * (len(questions) + 1),
                    }
                ),
            ],
            ignore_index=True,
        )
        answers = p["answers"]
        if len(answers):
            extra = (
                answers[["kriteria", "jenis_dokumen", "nomor_dokumen", "referensi_dokumen"]]
                .astype(str)
                .apply(lambda r: " · ".join(v for v in r if v and v != "nan"), axis=1)
            )
            frame = pd.concat(
                [
                    frame,
                    pd.DataFrame(
                        {
                            scores.columns[0]: [col("referensi_dokumen")] + list(extra),
                            scores.columns[1]: [""] * (len(extra) + 1),
                        }
                    ),
                ],
                ignore_index=True,
            )
        sheets[p["region_name"][:31]] = frame
    write_annex(path, stamped(sheets, synthetic), [t("h_criteria", lang)], [], synthetic)
    return path
