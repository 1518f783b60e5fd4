"""Documented schemas of the input files evalkit reads: the monthly panel, recipient lists, company records.

Each schema is a list of :class:`Column`; the same objects drive validation (:mod:`evalkit.data.loaders`,
:mod:`evalkit.recipients.schema`, :mod:`evalkit.compliance`), the tables in the README and
``evalkit schemas``, and the Excel/CSV templates in ``data/templates/`` (``evalkit templates``).
"""

from __future__ import annotations

from dataclasses import dataclass

SYNTHETIC_LABEL = "SYNTHETIC DATA"


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is code | month | date | count | number | text | choice; ``allowed`` lists the values
    of a choice column (a dropdown in the Excel template); ``producer`` says which institution holds the data."""

    name: str
    kind: str
    required: bool
    description: str
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] = ()
    producer: str = ""


PANEL = [
    Column(
        "region_code",
        "code",
        True,
        "BPS code: 4 digits for a Kaltim kab/kota (6401 … 6474) or 2 digits for another province",
        producer="BPS (kode wilayah)",
    ),
    Column(
        "period",
        "month",
        True,
        "calendar month, written YYYY-MM (e.g. 2024-06), one format for the whole file",
        producer="—",
    ),
    Column(
        "working_pop",
        "count",
        True,
        "working population (penduduk bekerja), persons; BPS Sakernas",
        1,
        producer="BPS (Sakernas)",
    ),
    Column(
        "vulnerable_workers",
        "count",
        True,
        "vulnerable informal non-wage workers (pekerja rentan, BPU-eligible), persons; BPS Sakernas",
        1,
        producer="BPS (Sakernas)",
    ),
    Column(
        "bpu_participants",
        "count",
        True,
        "active BPJS Ketenagakerjaan BPU participants (all funders), persons; BPJS TK branch reports",
        0,
        producer="BPJS Ketenagakerjaan (kantor cabang)",
    ),
    Column(
        "participants_total",
        "count",
        True,
        "active BPJS Ketenagakerjaan participants of all segments (PU + BPU + jakon), persons",
        0,
        producer="BPJS Ketenagakerjaan (kantor cabang)",
    ),
    Column("region_name", "text", False, "name of the kab/kota or province (optional, for reading)", producer="—"),
    Column(
        "target_workers",
        "count",
        False,
        "BPJS Ketenagakerjaan target population of workers, the denominator of the total coverage the Governor "
        "quotes (1,358,649 in Kaltim, March 2023); persons. Without it total coverage is computed on "
        "working_pop and labelled so",
        1,
        producer="BPJS Ketenagakerjaan (Kantor Wilayah) / Disnakertrans",
    ),
    Column(
        "pu_participants",
        "count",
        False,
        "active PU (wage-earner) participants, persons",
        0,
        producer="BPJS Ketenagakerjaan (kantor cabang)",
    ),
    Column(
        "subsidised_prov",
        "count",
        False,
        "recipients paid by the provincial APBD (Pergub 19/2023), persons",
        0,
        producer="Biro Kesra / BPJS Ketenagakerjaan (tagihan)",
    ),
    Column(
        "subsidised_kabkota",
        "count",
        False,
        "recipients paid by the kab/kota APBD, persons",
        0,
        producer="Pemkab/Pemkot / BPJS Ketenagakerjaan",
    ),
    Column(
        "subsidised_csr", "count", False, "recipients paid by company CSR, persons", 0, producer="BPJS Ketenagakerjaan"
    ),
    Column(
        "bpu_joiners",
        "count",
        False,
        "BPU participants who joined in the month, persons",
        0,
        producer="BPJS Ketenagakerjaan",
    ),
    Column(
        "bpu_leavers",
        "count",
        False,
        "BPU participants who left in the month, persons",
        0,
        producer="BPJS Ketenagakerjaan",
    ),
]
"""Monthly panel of coverage by region (one row per region and month)."""

RECIPIENTS = [
    Column(
        "nik", "text", True, "16-digit NIK, stored as text (an Excel number loses digits)", producer="Dukcapil (KTP)"
    ),
    Column("nama", "text", True, "name (never leaves the check)", producer="Dukcapil (KTP)"),
    Column("tanggal_lahir", "date", True, "birth date YYYY-MM-DD", producer="Dukcapil (KTP)"),
    Column("jenis_kelamin", "choice", True, "sex: L (man) or P (woman)", allowed=("L", "P"), producer="Dukcapil (KTP)"),
    Column(
        "kode_wilayah",
        "code",
        True,
        "4-digit BPS kab/kota code where the worker is registered (e.g. 6472)",
        producer="Disnakertrans kab/kota",
    ),
    Column(
        "pekerjaan",
        "text",
        True,
        "occupation (eligible categories in params.verification.occupations)",
        producer="Disnakertrans kab/kota",
    ),
    Column(
        "sumber_dana",
        "choice",
        True,
        "who pays the contribution",
        allowed=("apbd_prov", "apbd_kabkota", "csr"),
        producer="Biro Kesra / BPKAD",
    ),
    Column("periode", "month", True, "month YYYY-MM", producer="BPJS Ketenagakerjaan (tagihan)"),
    Column("no_kpj", "text", False, "BPJS Ketenagakerjaan membership number", producer="BPJS Ketenagakerjaan"),
    Column(
        "desa_kelurahan",
        "text",
        False,
        "desa/kelurahan of the worker's address (printed in the decree annex)",
        producer="Disnakertrans kab/kota (KTP address)",
    ),
    Column(
        "kecamatan",
        "text",
        False,
        "kecamatan of the worker's address (printed in the decree annex)",
        producer="Disnakertrans kab/kota (KTP address)",
    ),
]
"""Recipient list, one row per recipient and month (``evalkit verify``, ``data.recipients``)."""

COMPANIES = [
    Column(
        "company_id",
        "text",
        True,
        "company identifier (NPP/BPJS registration number or Disnaker id), text",
        producer="BPJS Ketenagakerjaan / Disnakertrans",
    ),
    Column(
        "kode_wilayah",
        "code",
        True,
        "4-digit BPS kab/kota code of the workplace (6401 … 6474)",
        producer="Disnakertrans",
    ),
    Column(
        "sektor",
        "text",
        True,
        "sector (e.g. pertambangan, perkebunan, konstruksi, perdagangan, jasa)",
        producer="Disnakertrans (WLKP)",
    ),
    Column(
        "skala",
        "choice",
        True,
        "size",
        allowed=("mikro", "kecil", "menengah", "besar"),
        producer="Disnakertrans (WLKP)",
    ),
    Column("periode", "month", True, "month YYYY-MM", producer="BPJS Ketenagakerjaan"),
    Column(
        "workers_reported",
        "count",
        True,
        "workers reported to Disnaker (WLKP), persons",
        0,
        producer="Disnakertrans (WLKP)",
    ),
    Column(
        "workers_registered",
        "count",
        True,
        "workers registered with BPJS Ketenagakerjaan, persons",
        0,
        producer="BPJS Ketenagakerjaan",
    ),
    Column(
        "contribution_due_rupiah",
        "number",
        True,
        "contributions due for the month, Rupiah",
        0,
        producer="BPJS Ketenagakerjaan",
    ),
    Column(
        "contribution_paid_rupiah",
        "number",
        True,
        "contributions paid for the month, Rupiah",
        0,
        producer="BPJS Ketenagakerjaan",
    ),
    Column(
        "paid_on_time",
        "choice",
        True,
        "1 if paid by the 15th of the following month, else 0",
        allowed=("1", "0"),
        producer="BPJS Ketenagakerjaan",
    ),
    Column(
        "nama_perusahaan",
        "text",
        False,
        "company name (not personal data; never an owner's name)",
        producer="Disnakertrans (WLKP) / BPJS Ketenagakerjaan",
    ),
    Column(
        "npp",
        "text",
        False,
        "BPJS Ketenagakerjaan company registration number (NPP); empty when not registered",
        producer="BPJS Ketenagakerjaan",
    ),
    Column("nib", "text", False, "business identification number (NIB, OSS)", producer="DPMPTSP (OSS)"),
    Column(
        "kelompok_risiko_jkk",
        "choice",
        False,
        "JKK risk group of the sector, 1 (lowest) to 5 (PP 44/2015, Lampiran I)",
        allowed=("1", "2", "3", "4", "5"),
        producer="BPJS Ketenagakerjaan",
    ),
    Column(
        "program_terdaftar",
        "text",
        False,
        "programmes registered, comma list of JKK, JKM, JHT, JP",
        producer="BPJS Ketenagakerjaan",
    ),
    Column(
        "upah_dilaporkan_rupiah",
        "number",
        False,
        "average monthly wage reported to BPJS Ketenagakerjaan, Rupiah",
        0,
        1e10,
        producer="BPJS Ketenagakerjaan",
    ),
    Column(
        "upah_wlkp_rupiah",
        "number",
        False,
        "average monthly wage reported in WLKP, Rupiah",
        0,
        1e10,
        producer="Disnakertrans (WLKP)",
    ),
]
"""Company compliance records, one row per company and month (``data.companies``)."""

SEGMENTS = ("PU", "BPU", "JAKON", "PMI")
"""BPJS Ketenagakerjaan membership segments: wage earners, non-wage earners, construction projects, migrant
workers."""
FUNDERS = ("mandiri", "apbd_prov", "apbd_kabkota", "csr")
"""Who pays a BPU participant's contribution: the worker (mandiri), the provincial APBD (Pergub 19/2023), the
kab/kota APBD, company CSR."""

PARTICIPANTS = [
    Column(
        "office_code",
        "text",
        True,
        "BPJS Ketenagakerjaan office (kantor cabang) code, as in the offices "
        "crosswalk (data/reference/bpjstk_offices.csv or data.offices)",
        producer="BPJS Ketenagakerjaan",
    ),
    Column("period", "month", True, "calendar month YYYY-MM", producer="—"),
    Column(
        "segment",
        "choice",
        True,
        "membership segment: PU (wage earners), BPU (non-wage earners), JAKON "
        "(construction projects), PMI (migrant workers)",
        allowed=SEGMENTS,
        producer="BPJS Ketenagakerjaan",
    ),
    Column(
        "participants",
        "count",
        True,
        "active participants at the end of the month, persons",
        0,
        producer="BPJS Ketenagakerjaan (kantor cabang)",
    ),
    Column(
        "funder",
        "choice",
        False,
        "BPU rows only: who pays the contribution (empty = all BPU participants of the office, not split)",
        allowed=FUNDERS,
        producer="BPJS Ketenagakerjaan (tagihan)",
    ),
]
"""Active participants per BPJS Ketenagakerjaan office, segment and month, as the branch reports give them
(``data.participants``); one row per office, month, segment (and funder for BPU)."""

DENOMINATORS = [
    Column(
        "region_code",
        "code",
        True,
        "BPS code of the kab/kota (4 digits) or province (2 digits)",
        producer="BPS (kode wilayah)",
    ),
    Column(
        "period",
        "month",
        True,
        "survey month YYYY-MM: August for the yearly kab/kota figures, February and "
        "August for the province figures (BPS Sakernas)",
        producer="BPS (Sakernas)",
    ),
    Column(
        "working_pop", "count", True, "working population (penduduk bekerja), persons", 1, producer="BPS (Sakernas)"
    ),
    Column(
        "vulnerable_workers",
        "count",
        True,
        "vulnerable informal non-wage workers (pekerja rentan), persons",
        1,
        producer="BPS (Sakernas)",
    ),
    Column(
        "target_workers",
        "count",
        False,
        "BPJS Ketenagakerjaan target population of workers (denominator of total coverage), persons",
        1,
        producer="BPJS Ketenagakerjaan (Kantor Wilayah) / Disnakertrans",
    ),
]
"""Denominators as published: yearly (August) or half-yearly (February, August) by region
(``data.denominators``); evalkit interpolates them to months (see :mod:`evalkit.data.published`)."""

OFFICES = [
    Column("office_code", "text", True, "office code used in the participants file", producer="BPJS Ketenagakerjaan"),
    Column(
        "office_name",
        "text",
        True,
        "office name (kantor cabang / kantor cabang perintis)",
        producer="BPJS Ketenagakerjaan",
    ),
    Column(
        "region_code",
        "code",
        True,
        "BPS code of a kab/kota (or province) the office serves; one row per office and region served",
        producer="BPS (kode wilayah)",
    ),
    Column(
        "share",
        "number",
        False,
        "share of the office's participants living in this region (0-1; all rows of "
        "an office filled and summing to 1, or all empty = split in proportion to the denominator)",
        0,
        1,
        producer="BPJS Ketenagakerjaan",
    ),
]
"""Crosswalk from BPJS Ketenagakerjaan offices to regions (``data.offices``; default
``data/reference/bpjstk_offices.csv``)."""

MEMBERS = [
    Column(
        "nik",
        "text",
        True,
        "16-digit NIK of an active BPJS Ketenagakerjaan participant, stored as text",
        producer="BPJS Ketenagakerjaan (data kepesertaan)",
    ),
    Column("segmen", "choice", False, "membership segment", allowed=SEGMENTS, producer="BPJS Ketenagakerjaan"),
    Column("pembayar", "choice", False, "who pays (BPU)", allowed=FUNDERS, producer="BPJS Ketenagakerjaan"),
]
"""Active BPJS Ketenagakerjaan participants, for cross-matching recipients (``recipients.cross_match``)."""

DEATHS = [
    Column(
        "nik", "text", True, "16-digit NIK of a deceased person, stored as text", producer="Dukcapil (akta kematian)"
    ),
    Column("tanggal_meninggal", "date", True, "date of death YYYY-MM-DD", producer="Dukcapil (akta kematian)"),
]
"""Death records, for cross-matching recipients."""

NON_ELIGIBLE = [
    Column(
        "nik",
        "text",
        True,
        "16-digit NIK of a person outside the programme (ASN, TNI, Polri, …), as text",
        producer="BKD / BKN, TNI, Polri",
    ),
    Column(
        "kategori",
        "text",
        False,
        "why the person is outside the programme (e.g. ASN, TNI, Polri)",
        producer="BKD / BKN",
    ),
]
"""People outside the programme (ASN and others), for cross-matching recipients."""

# -- oversight (pengawasan): what happens after the decree (notebook 05, evalkit.oversight) ----------------------
SUBSIDY_FUNDERS = ("apbd_prov", "apbd_kabkota", "csr")
"""Who pays a subsidised participant's contribution: the provincial APBD, the kab/kota APBD, company CSR."""
MEMBER_STATUS = ("aktif", "nonaktif", "meninggal")
"""A participant's status on an invoice line: active, lapsed, died."""
CLAIM_PROGRAMMES = ("JKK", "JKM")
BENEFITS = (
    "santunan kematian",
    "biaya pemakaman",
    "santunan berkala",
    "beasiswa",
    "perawatan",
    "santunan cacat",
    "santunan sementara tidak mampu bekerja",
    "lainnya",
)
"""Benefit types (jenis manfaat) of JKK and JKM claims (PP 44/2015 as amended by PP 82/2019) (verify)."""
MAX_RUPIAH_LINE = 1e12
"""The largest amount one line may hold (Rupiah): a plausibility bound, not a legal one."""

DETERMINED = [
    Column(
        "nik",
        "text",
        True,
        "16-digit NIK of a determined recipient, stored as text",
        producer="Biro Kesra / Disnakertrans (Keputusan Gubernur, lampiran)",
    ),
    Column("kode_wilayah", "code", True, "BPS code of the recipient's kab/kota", producer="Biro Kesra"),
    Column("sumber_dana", "choice", True, "who pays the contribution", allowed=SUBSIDY_FUNDERS, producer="Biro Kesra"),
    Column("tahun", "number", True, "budget year of the decree", 2000, 2100, producer="Biro Kesra"),
    Column("no_kpj", "text", False, "BPJS Ketenagakerjaan membership number (KPJ)", producer="BPJS Ketenagakerjaan"),
    Column(
        "tanggal_penetapan",
        "date",
        False,
        "date the decree was signed, YYYY-MM-DD (months before it are not due)",
        producer="Biro Hukum / Biro Kesra",
    ),
]
"""The determined list (penetapan) of each budget year (``data.determined``)."""

INVOICES = [
    Column(
        "nik",
        "text",
        True,
        "16-digit NIK of the participant billed, stored as text",
        producer="BPJS Ketenagakerjaan (tagihan)",
    ),
    Column("no_kpj", "text", False, "BPJS Ketenagakerjaan membership number (KPJ)", producer="BPJS Ketenagakerjaan"),
    Column("periode", "month", True, "month of cover billed, YYYY-MM", producer="BPJS Ketenagakerjaan (tagihan)"),
    Column("kode_wilayah", "code", True, "BPS code of the participant's kab/kota", producer="BPJS Ketenagakerjaan"),
    Column("sumber_dana", "choice", True, "who is billed", allowed=SUBSIDY_FUNDERS, producer="BPJS Ketenagakerjaan"),
    Column(
        "iuran_jkk_rupiah",
        "number",
        True,
        "JKK contribution billed for the month, Rupiah",
        0,
        MAX_RUPIAH_LINE,
        producer="BPJS Ketenagakerjaan (tagihan)",
    ),
    Column(
        "iuran_jkm_rupiah",
        "number",
        True,
        "JKM contribution billed for the month, Rupiah",
        0,
        MAX_RUPIAH_LINE,
        producer="BPJS Ketenagakerjaan (tagihan)",
    ),
    Column(
        "status_kepesertaan",
        "choice",
        True,
        "membership status in the month",
        allowed=MEMBER_STATUS,
        producer="BPJS Ketenagakerjaan",
    ),
    Column("tanggal_kepesertaan", "date", False, "date membership began, YYYY-MM-DD", producer="BPJS Ketenagakerjaan"),
]
"""BPJS Ketenagakerjaan invoice lines, one per person and month billed (``data.invoices``)."""

PAYMENTS = [
    Column("nomor_sp2d", "text", True, "number of the payment order (SP2D)", producer="BPKAD (SP2D)"),
    Column("tanggal_bayar", "date", True, "date paid, YYYY-MM-DD", producer="BPKAD (SP2D)"),
    Column("periode", "month", True, "month of cover the payment is for, YYYY-MM", producer="BPKAD / Biro Kesra"),
    Column("sumber_dana", "choice", True, "which budget pays", allowed=SUBSIDY_FUNDERS, producer="BPKAD"),
    Column("kode_rekening", "text", True, "budget line (kode rekening) of the DPA", producer="BPKAD (DPA)"),
    Column("jumlah_rupiah", "number", True, "amount paid, Rupiah", 0, MAX_RUPIAH_LINE, producer="BPKAD (SP2D)"),
]
"""The province's payments against its budget lines (``data.payments``)."""

DPA = [
    Column("tahun", "number", True, "budget year", 2000, 2100, producer="BPKAD (DPA)"),
    Column("kode_rekening", "text", True, "budget line (kode rekening)", producer="BPKAD (DPA)"),
    Column("sumber_dana", "choice", True, "which budget", allowed=SUBSIDY_FUNDERS, producer="BPKAD (DPA)"),
    Column(
        "pagu_rupiah",
        "number",
        True,
        "the line's envelope for the year, Rupiah",
        0,
        MAX_RUPIAH_LINE,
        producer="BPKAD (DPA)",
    ),
    *[
        Column(
            f"rencana_tw{q}_rupiah",
            "number",
            False,
            f"planned spending in quarter {q} (anggaran kas), Rupiah",
            0,
            MAX_RUPIAH_LINE,
            producer="BPKAD (anggaran kas)",
        )
        for q in (1, 2, 3, 4)
    ],
]
"""Budget lines of the programme (DPA), with the quarterly cash plan (``data.dpa``)."""

CLAIMS = [
    Column(
        "nik",
        "text",
        True,
        "16-digit NIK of the participant the benefit is for, stored as text",
        producer="BPJS Ketenagakerjaan (klaim)",
    ),
    Column("no_kpj", "text", False, "BPJS Ketenagakerjaan membership number (KPJ)", producer="BPJS Ketenagakerjaan"),
    Column(
        "program",
        "choice",
        True,
        "programme paying the benefit",
        allowed=CLAIM_PROGRAMMES,
        producer="BPJS Ketenagakerjaan (klaim)",
    ),
    Column("jenis_manfaat", "choice", True, "benefit type", allowed=BENEFITS, producer="BPJS Ketenagakerjaan (klaim)"),
    Column(
        "tanggal_kejadian",
        "date",
        True,
        "date of the accident or death, YYYY-MM-DD",
        producer="BPJS Ketenagakerjaan (klaim)",
    ),
    Column("tanggal_bayar", "date", True, "date the benefit was paid, YYYY-MM-DD", producer="BPJS Ketenagakerjaan"),
    Column("kode_wilayah", "code", True, "BPS code of the participant's kab/kota", producer="BPJS Ketenagakerjaan"),
    Column(
        "jumlah_rupiah",
        "number",
        True,
        "benefit paid, Rupiah",
        0,
        MAX_RUPIAH_LINE,
        producer="BPJS Ketenagakerjaan (klaim)",
    ),
]
"""Benefits paid for subsidised participants and their families (``data.claims``)."""

FORM_CRITERIA = ("regulasi", "anggaran", "cakupan", "inovasi", "kemitraan", "kepatuhan")
"""The criteria of the Paritrana assessment as the self-assessment form names them (regulation, budget, coverage,
innovation, partnership and CSR, compliance enforcement)."""
SELF_ASSESSMENT = [
    Column("kode_wilayah", "code", True, "BPS code of the kab/kota answering", producer="Pemkab/Pemkot (Disnaker)"),
    Column("tahun", "number", True, "assessment year", 2000, 2100, producer="Pemkab/Pemkot"),
    Column(
        "kriteria",
        "choice",
        True,
        "the criterion the answer evidences",
        allowed=FORM_CRITERIA,
        producer="Pemkab/Pemkot",
    ),
    Column(
        "jenis_dokumen",
        "choice",
        False,
        "kind of document (regulation or decision)",
        allowed=(
            "Perda",
            "Perbup",
            "Perwali",
            "Keputusan",
            "Surat Edaran",
            "DPA",
            "Perjanjian Kerja Sama",
            "Laporan",
            "Lainnya",
        ),
        producer="Pemkab/Pemkot",
    ),
    Column("nomor_dokumen", "text", False, "number of the document (e.g. 5 Tahun 2024)", producer="Pemkab/Pemkot"),
    Column("tanggal_dokumen", "date", False, "date of the document, YYYY-MM-DD", producer="Pemkab/Pemkot"),
    Column(
        "sasaran",
        "choice",
        False,
        "whom a budget line or programme covers",
        allowed=("pekerja rentan", "non-ASN", "semua pekerja"),
        producer="Pemkab/Pemkot",
    ),
    Column(
        "nilai_rupiah",
        "number",
        False,
        "amount of an APBD line or a CSR commitment, Rupiah per year",
        0,
        1e13,
        producer="Pemkab/Pemkot (DPA) / perusahaan",
    ),
    Column("uraian", "text", True, "the answer in words (programme, partner, innovation …)", producer="Pemkab/Pemkot"),
    Column(
        "referensi_dokumen",
        "text",
        True,
        "where the evidence is: document title, JDIH link or file name",
        producer="Pemkab/Pemkot",
    ),
]
"""The kab/kota's self-assessment form for the Paritrana assessment, one row per answer (``data.self_assessment``)."""

OVERSIGHT_SCHEMAS = {"determined": DETERMINED, "invoices": INVOICES, "payments": PAYMENTS, "dpa": DPA, "claims": CLAIMS}

DATA_LABEL = Column(
    "data_label",
    "choice",
    False,
    "'SYNTHETIC DATA' on every row of a simulated example file (the "
    "report is then stamped SYNTHETIC); empty for real data",
    allowed=(SYNTHETIC_LABEL,),
    producer="—",
)
"""Accepted in every input file besides its schema's columns (:func:`evalkit.data.loaders.typed_columns`)."""

SCHEMAS = {
    "panel": PANEL,
    "participants": PARTICIPANTS,
    "denominators": DENOMINATORS,
    "offices": OFFICES,
    "recipients": RECIPIENTS,
    "companies": COMPANIES,
    "members": MEMBERS,
    "deaths": DEATHS,
    "non_eligible": NON_ELIGIBLE,
    **OVERSIGHT_SCHEMAS,
    "self_assessment": SELF_ASSESSMENT,
}


def markdown_table(columns: list[Column]) -> str:
    """The schema as a Markdown table (for the README)."""
    lines = ["| column | required | type | meaning | allowed | held by |", "|---|---|---|---|---|---|"]
    for c in columns:
        allowed = ", ".join(c.allowed) if c.allowed else ("≥ " + f"{c.min:g}" if c.min is not None else "")
        lines.append(
            f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.kind} | {c.description} | {allowed} | {c.producer} |"
        )
    return "\n".join(lines)
