"""The kab/kota self-assessment form of the Paritrana assessment (``data.self_assessment``; template
``data/templates/self_assessment.xlsx`` with dropdowns): one row per answer — the criterion it evidences, the
document (kind, number, date), whom a budget line covers, an amount in Rupiah, the answer in words and where the
evidence is. Checked like every input (file, sheet, row and column in every message; free text made safe), before
anything runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.privacy import safe_text
from ..errors import DataError
from .loaders import open_sheet
from .oversight import _raw, _typed, load_checked
from .schemas import SELF_ASSESSMENT

if TYPE_CHECKING:
    from ..params.schema import Params


def read_form(params: Params) -> pd.DataFrame | None:
    """The self-assessment answers the params name (``None`` when none): typed, free text safe."""
    import duckdb

    rel = params.data.self_assessment
    if not rel:
        return None
    path = params.project_root / rel
    raw, numeric = _raw(path, rel, SELF_ASSESSMENT, params.data.max_file_mb)
    shown = rel
    if isinstance(raw, pd.DataFrame):  # a workbook: messages name its sheet
        shown = f"{rel}, sheet '{open_sheet(path, rel, params.data.max_file_mb, read_only=True).title}'"
    con = duckdb.connect()
    try:
        columns, problems = load_checked(con, "t_form", raw, SELF_ASSESSMENT, shown, numeric, params)
        if problems:
            raise DataError(problems)
        form = _typed(con, "t_form", columns, SELF_ASSESSMENT, "")
    finally:
        con.close()
    for col in ("uraian", "referensi_dokumen", "nomor_dokumen"):
        if col in form.columns:
            form[col] = form[col].astype(str).map(lambda v: safe_text(v, 200))
    return form


def generate_form(params: Params, seed: int | None = None) -> pd.DataFrame:
    """Synthetic self-assessment answers (SYNTHETIC DATA) of the participating kab/kota, in the template's layout:
    a regulation where ``policy.cofunding`` names one, an APBD line for vulnerable workers there, CSR partners and an
    innovation in some, nothing in others — so that the profiles show evidence, gaps and missing documents."""
    rng = np.random.default_rng(params.seed if seed is None else seed)
    year = params.target.base_year
    funded = {c.code for c in params.policy.cofunding}
    rows = []
    for code in params.scorecard.participants or sorted({c.code for c in params.policy.cofunding}):
        if code in funded:
            rows.append(
                {
                    "kode_wilayah": code,
                    "tahun": year,
                    "kriteria": "regulasi",
                    "jenis_dokumen": "Perbup",
                    "nomor_dokumen": f"{int(rng.integers(1, 40))} Tahun {year - 1}",
                    "tanggal_dokumen": f"{year - 1}-0{int(rng.integers(1, 10))}-15",
                    "sasaran": "pekerja rentan",
                    "nilai_rupiah": "",
                    "uraian": "Perlindungan jaminan sosial ketenagakerjaan bagi pekerja rentan",
                    "referensi_dokumen": "JDIH kab/kota (SINTETIS)",
                }
            )
            rows.append(
                {
                    "kode_wilayah": code,
                    "tahun": year,
                    "kriteria": "anggaran",
                    "jenis_dokumen": "DPA",
                    "nomor_dokumen": "",
                    "tanggal_dokumen": f"{year}-01-05",
                    "sasaran": "pekerja rentan",
                    "nilai_rupiah": str(int(rng.integers(5, 60)) * 100_000_000),
                    "uraian": "Bantuan iuran JKK dan JKM pekerja rentan",
                    "referensi_dokumen": "DPA Disnaker (SINTETIS)",
                }
            )
        if rng.random() < 0.6:
            rows.append(
                {
                    "kode_wilayah": code,
                    "tahun": year,
                    "kriteria": "kemitraan",
                    "jenis_dokumen": "Perjanjian Kerja Sama",
                    "nomor_dokumen": "",
                    "tanggal_dokumen": "",
                    "sasaran": "pekerja rentan",
                    "nilai_rupiah": str(int(rng.integers(1, 20)) * 50_000_000),
                    "uraian": "CSR perusahaan tambang untuk iuran nelayan",
                    "referensi_dokumen": "PKS (SINTETIS)",
                }
            )
        if rng.random() < 0.4:
            rows.append(
                {
                    "kode_wilayah": code,
                    "tahun": year,
                    "kriteria": "inovasi",
                    "jenis_dokumen": "Laporan",
                    "nomor_dokumen": "",
                    "tanggal_dokumen": "",
                    "sasaran": "semua pekerja",
                    "nilai_rupiah": "",
                    "uraian": "Pendaftaran keliling di pasar dan desa",
                    "referensi_dokumen": "Laporan inovasi (SINTETIS)",
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "kode_wilayah",
            "tahun",
            "kriteria",
            "jenis_dokumen",
            "nomor_dokumen",
            "tanggal_dokumen",
            "sasaran",
            "nilai_rupiah",
            "uraian",
            "referensi_dokumen",
        ],
    )
