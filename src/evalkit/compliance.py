"""Employer compliance in paying BPJS Ketenagakerjaan contributions (Vice-Governor, 17 Jun 2025).

Input: company-month records (schema :data:`COMPANY_COLUMNS`, documented in the README). Outputs:
registration rate (workers registered with BPJS TK / workers reported to Disnaker), on-time payment
share, outstanding arrears by age, by kab/kota and sector, and the companies with the largest arrears
by salted hashed id only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .core.hashing import salted_hash
from .core.privacy import safe_text
from .core.salt import get_salt
from .data.loaders import read_table
from .data.schemas import COMPANIES
from .errors import DataError, Problem, short_repr
from .reference import kaltim_codes

COMPANY_COLUMNS = {c.name: c.description for c in COMPANIES if c.required}
OPTIONAL_COLUMNS = {c.name: c for c in COMPANIES if not c.required}
PROGRAMMES = ("JKK", "JKM", "JHT", "JP")
NUMERIC = (
    "workers_reported",
    "workers_registered",
    "contribution_due_rupiah",
    "contribution_paid_rupiah",
    "paid_on_time",
)


def read_companies(path, shown: str, max_mb: float) -> pd.DataFrame:
    """Read and check company-month records (CSV/XLSX): every column of :data:`COMPANY_COLUMNS`, Kaltim codes,
    months ``YYYY-MM``, finite non-negative numbers, ``paid_on_time`` 0 or 1. Raises :class:`DataError`
    naming file, row and column (values of ``company_id`` are never echoed)."""
    df = read_table(path, shown, max_mb)
    missing = [c for c in COMPANY_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(
            [
                Problem(shown, f"column '{c}'", "", f"the required column is missing ({COMPANY_COLUMNS[c]})")
                for c in missing
            ]
        )
    problems: list[Problem] = []

    def flag(bad: pd.Series, col: str, allowed: str, values: pd.Series | None = None, width: int = 8) -> None:
        """A problem naming the rows of ``bad`` (up to five) in column ``col``, with the first bad value of
        ``values`` when it may be shown."""
        if not bad.any():
            return
        idx = [int(i) + 2 for i in df.index[bad][:5]]
        where = ("row " if len(idx) == 1 else "rows ") + ", ".join(map(str, idx))
        value = short_repr(values[bad].iloc[0], width) if values is not None else ""
        problems.append(Problem(shown, f"{where}, column '{col}'", value, allowed))

    codes = df["kode_wilayah"].astype(str).str.strip()
    flag(
        ~codes.isin(kaltim_codes()),
        "kode_wilayah",
        "must be the 4-digit BPS code of a Kalimantan Timur kab/kota (6401 … 6474)",
        codes,
    )
    flag(
        ~df["periode"].astype(str).str.strip().str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])"),
        "periode",
        "months must be written YYYY-MM",
    )
    for col in NUMERIC:
        num = pd.to_numeric(df[col].astype(str).str.strip(), errors="coerce")
        bad = num.isna() | ~np.isfinite(num) | (num < 0)
        if col == "paid_on_time":
            bad |= ~num.isin([0, 1])
        flag(
            bad,
            col,
            "must be 1 (paid by the 15th of the next month) or 0"
            if col == "paid_on_time"
            else "must be a finite number, zero or more",
        )
        df[col] = num
    _optional_columns(df, flag)
    extra = [c for c in df.columns if c not in COMPANY_COLUMNS and c not in OPTIONAL_COLUMNS and c != "data_label"]
    if extra:
        problems.append(
            Problem(
                shown,
                "header row",
                ", ".join(map(repr, extra[:5])),
                "unknown column(s); allowed: " + ", ".join([*COMPANY_COLUMNS, *OPTIONAL_COLUMNS]),
            )
        )
    sizes = next(c.allowed for c in COMPANIES if c.name == "skala")
    flag(~df["skala"].astype(str).str.strip().str.lower().isin(sizes), "skala", "allowed: " + ", ".join(sizes))
    if problems:
        raise DataError(problems)
    df["kode_wilayah"] = codes
    df["skala"] = df["skala"].astype(str).str.strip().str.lower()
    df["sektor"] = df["sektor"].map(lambda v: safe_text(v, 60))  # free text: no NIK, no formula reaches a page
    if "nama_perusahaan" in df.columns:
        df["nama_perusahaan"] = df["nama_perusahaan"].map(lambda v: safe_text(v, 100))
    return df


#: Kaltim provincial minimum wage (UMP), Rupiah per month, by year: Kepgub Kaltim on UMP 2024 (Rp 3,360,858)
#: and UMP 2025 (+6.5%, Rp 3,579,313) (verify). Simulated wages never fall below it.
KALTIM_UMP_RUPIAH = {2024: 3_360_858, 2025: 3_579_313}


def _optional_columns(df: pd.DataFrame, flag) -> None:
    """Check and normalise (in ``df``) the optional columns of the company file: wages, JKK risk group, programmes
    registered, NPP and NIB (``flag(bad, column, allowed, values=None, width=8)`` records a problem)."""
    for col in ("upah_dilaporkan_rupiah", "upah_wlkp_rupiah"):
        if col in df.columns:
            text = df[col].astype(str).str.strip()
            num = pd.to_numeric(text, errors="coerce")
            flag(
                (text != "") & (num.isna() | ~np.isfinite(num) | (num < 0) | (num > 1e10)),
                col,
                "must be a finite amount in Rupiah from 0 to 10,000,000,000, or empty",
            )
            df[col] = num
    if "kelompok_risiko_jkk" in df.columns:
        text = df["kelompok_risiko_jkk"].astype(str).str.strip()
        flag(
            (text != "") & ~text.isin(["1", "2", "3", "4", "5"]),
            "kelompok_risiko_jkk",
            "allowed: 1, 2, 3, 4, 5 (JKK risk group, PP 44/2015) or empty",
            text,
        )
        df["kelompok_risiko_jkk"] = text
    if "program_terdaftar" in df.columns:
        lists = df["program_terdaftar"].astype(str).str.upper().str.replace(" ", "", regex=False)
        flag(
            lists.map(lambda v: bool(v) and not set(v.split(",")) <= set(PROGRAMMES)),
            "program_terdaftar",
            "a comma list of JKK, JKM, JHT, JP (e.g. JKK,JKM,JHT), or empty",
            lists,
            20,
        )
        df["program_terdaftar"] = lists
    for col in ("npp", "nib"):
        if col in df.columns:
            text = df[col].astype(str).str.strip()
            flag(
                (text != "") & ~text.str.fullmatch(r"[A-Za-z0-9./-]{1,30}"),
                col,
                "an identifier of letters, digits, '.', '/' or '-', at most 30 characters",
            )
            df[col] = text


def ump_rupiah(year: int) -> int:
    """The UMP in force in ``year``: the latest set at or before it (the earliest one before the table starts)."""
    return KALTIM_UMP_RUPIAH[max((y for y in KALTIM_UMP_RUPIAH if y <= year), default=min(KALTIM_UMP_RUPIAH))]


#: Employer + worker contribution rate of a PU worker: JKK 0.24% + JKM 0.3% + JHT 5.7% + JP 3% + … ≈ 10.24%
#: (illustrative).
CONTRIBUTION_RATE_SHARE = 0.1024

SECTORS = ["pertambangan", "perkebunan", "konstruksi", "perdagangan", "jasa", "industri"]
SIZES = ["mikro", "kecil", "menengah", "besar"]
ARREARS_BUCKETS = [(0, 3, "0-3"), (3, 6, "3-6"), (6, 12, "6-12"), (12, 10_000, ">12")]


#: the JKK risk group of each simulated sector (illustrative; the real group follows the company's KBLI, PP 44/2015)
SECTOR_RISK = {
    "pertambangan": "5",
    "konstruksi": "4",
    "perkebunan": "3",
    "industri": "3",
    "perdagangan": "1",
    "jasa": "1",
}
#: the programmes each size must register (Perpres 109/2013 Pasal 6; the default of params compliance.required_programmes)
SIZE_PROGRAMMES = {
    "mikro": ["JKK", "JKM"],
    "kecil": ["JKK", "JKM", "JHT"],
    "menengah": list(PROGRAMMES),
    "besar": list(PROGRAMMES),
}


def generate_companies(
    n: int = 800, seed: int = 0, start: str = "2024-01", end: str = "2025-12", with_truth: bool = False
):
    """Synthetic company-month records (SYNTHETIC DATA) with realistic under-registration and arrears, company names,
    NPP, NIB, the sector's JKK risk group, registered programmes and wages reported to BPJS and in WLKP — with the
    inspectors' categories in known numbers: about 4% not registered at all (PWBD: no NPP), 5% reporting wages 10–30%
    below WLKP (PDS upah), 5% missing a programme their size requires (PDS program); the registration gap makes the
    rest (PDS tenaga kerja). ``with_truth``: also the companies of each category in the latest month."""
    rng = np.random.default_rng(seed)
    codes = sorted(kaltim_codes())
    months = pd.period_range(start, end, freq="M").astype(str)
    size = rng.choice(SIZES, n, p=[0.45, 0.3, 0.17, 0.08])
    workers = np.select(
        [size == "mikro", size == "kecil", size == "menengah"],
        [rng.integers(1, 10, n), rng.integers(10, 50, n), rng.integers(50, 250, n)],
        rng.integers(250, 3000, n),
    )
    reg_rate = np.clip(rng.beta(8, 2, n) + (size == "besar") * 0.1, 0, 1)
    premium = rng.lognormal(np.log(1.15), 0.25, n).clip(1.0, None)  # wage / UMP, at least the minimum wage
    late_prob = np.clip(rng.beta(1.5, 8, n) + (size == "mikro") * 0.15, 0, 0.95)
    stops = rng.random(n) < 0.07  # companies that stop paying at some point
    stop_at = rng.integers(0, len(months), n)
    rows = []
    ids = [f"NPP{rng.integers(10**7, 10**8)}" for _ in range(n)]
    region = rng.choice(codes, n)
    sector = rng.choice(SECTORS, n)
    # the inspectors' categories, on distinct companies
    order = rng.permutation(n)
    k = max(1, n // 25)
    pwbd, upah, program = set(order[:k]), set(order[k : 2 * k + k // 4]), set(order[2 * k + k // 4 : 3 * k + k // 2])
    names = [
        f"PT Sintetis {w} {i + 1:04d}"
        for i, w in enumerate(
            rng.choice(["Mahakam", "Borneo", "Etam", "Khatulistiwa", "Benua", "Kutai", "Pesisir", "Rimba"], n)
        )
    ]
    npp = ["" if i in pwbd else f"{rng.integers(10**7, 10**8)}" for i in range(n)]
    nib = [f"{rng.integers(10**12, 10**13)}" for _ in range(n)]
    cut = np.where([i in upah for i in range(n)], rng.uniform(0.1, 0.3, n), 0.0)
    registered_programmes = []
    for i in range(n):
        needed = list(SIZE_PROGRAMMES[size[i]])
        if i in pwbd:
            registered_programmes.append("")
        elif i in program:
            needed.pop(int(rng.integers(1, len(needed))))  # keeps JKK, drops one the size requires
            registered_programmes.append(",".join(needed))
        else:
            registered_programmes.append(",".join(needed))
    for j, m in enumerate(months):
        wage = premium * ump_rupiah(int(m[:4]))
        registered = np.where([i in pwbd for i in range(n)], 0, np.round(workers * reg_rate))
        due = registered * wage * CONTRIBUTION_RATE_SHARE
        late = rng.random(n) < late_prob
        stopped = stops & (j >= stop_at)
        paid = np.where(stopped, 0.0, np.where(late & (rng.random(n) < 0.3), due * rng.uniform(0.3, 0.9, n), due))
        for i in range(n):
            rows.append(
                (
                    ids[i],
                    region[i],
                    sector[i],
                    size[i],
                    m,
                    int(workers[i]),
                    int(registered[i]),
                    round(due[i]),
                    round(paid[i]),
                    int(not (late[i] or stopped[i])),
                    names[i],
                    npp[i],
                    nib[i],
                    SECTOR_RISK[sector[i]],
                    registered_programmes[i],
                    round(wage[i] * (1 - cut[i])),
                    round(wage[i]),
                )
            )
    df = pd.DataFrame(
        rows,
        columns=[
            *COMPANY_COLUMNS,
            "nama_perusahaan",
            "npp",
            "nib",
            "kelompok_risiko_jkk",
            "program_terdaftar",
            "upah_dilaporkan_rupiah",
            "upah_wlkp_rupiah",
        ],
    )
    if not with_truth:
        return df
    registered_last = np.where([i in pwbd for i in range(n)], 0, np.round(workers * reg_rate))
    truth = {
        "pwbd": {ids[i] for i in pwbd},
        "pds_tk": {ids[i] for i in range(n) if i not in pwbd and registered_last[i] < workers[i]},
        "pds_upah": {ids[i] for i in upah},
        "pds_program": {ids[i] for i in program},
    }
    return df, truth


def categories(df: pd.DataFrame, rules) -> pd.DataFrame:
    """The inspectors' categories of every company in the latest month (``rules``: params ``compliance``):

    * ``pwbd`` — obliged but not registered: no NPP while workers are reported (WLKP);
    * ``pds_tk`` — registered, but fewer workers than reported;
    * ``pds_upah`` — registered, wages reported to BPJS below the WLKP wage by more than ``wage_tolerance_share``;
    * ``pds_program`` — registered, a programme its size requires missing (``required_programmes``).

    A category whose columns the file lacks is ``NaN`` (not checked), never False. Also ``workers_unprotected``
    (reported − registered), ``missing_programmes`` and ``jkk_rate_share`` (by risk group)."""
    last = df[df["periode"] == df["periode"].max()].copy()
    has = lambda col: col in last.columns and last[col].astype(str).str.strip().ne("").any()  # noqa: E731
    registered = last["npp"].astype(str).str.strip().ne("") if "npp" in last.columns else pd.Series(True, last.index)
    out = last[["company_id", "kode_wilayah", "sektor", "skala", "workers_reported", "workers_registered"]].copy()
    for col in ("nama_perusahaan", "npp", "nib", "kelompok_risiko_jkk"):
        out[col] = last[col] if col in last.columns else ""
    out["workers_unprotected"] = (last["workers_reported"] - last["workers_registered"]).clip(lower=0)
    out["pwbd"] = (~registered & (last["workers_reported"] > 0)) if "npp" in last.columns else np.nan
    out["pds_tk"] = registered & (last["workers_registered"] < last["workers_reported"])
    if has("upah_dilaporkan_rupiah") and has("upah_wlkp_rupiah"):
        out["pds_upah"] = registered & (
            last["upah_dilaporkan_rupiah"] < (1 - rules.wage_tolerance_share) * last["upah_wlkp_rupiah"]
        )
    else:
        out["pds_upah"] = np.nan
    if has("program_terdaftar"):
        listed = last["program_terdaftar"].astype(str).str.upper().str.split(",")
        missing = [
            sorted({p.upper() for p in rules.required_programmes.get(size, [])} - set(have))
            for size, have in zip(last["skala"], listed)
        ]
        out["missing_programmes"] = [", ".join(m) for m in missing]
        out["pds_program"] = registered & pd.Series([bool(m) for m in missing], index=last.index)
    else:
        out["missing_programmes"] = ""
        out["pds_program"] = np.nan
    groups = pd.to_numeric(out["kelompok_risiko_jkk"], errors="coerce")
    out["jkk_rate_share"] = groups.map({int(g): r for g, r in rules.jkk_rate_by_risk_group.items()})
    return out.sort_values(["kode_wilayah", "workers_unprotected"], ascending=[True, False], ignore_index=True)


CATEGORIES = ("pwbd", "pds_tk", "pds_upah", "pds_program")


def categories_by_region(cats: pd.DataFrame) -> pd.DataFrame:
    """Companies in each category and workers unprotected, per kab/kota (a category not checked stays empty)."""
    g = cats.groupby("kode_wilayah")
    out = pd.DataFrame({c: g[c].sum(min_count=1) if cats[c].notna().any() else np.nan for c in CATEGORIES})
    out["workers_unprotected"] = g["workers_unprotected"].sum()
    return out.reset_index()


def arrears_by_company(df: pd.DataFrame) -> pd.DataFrame:
    """Per company: ``arrears_months`` (trailing unpaid months) and ``arrears_rupiah`` (owed in them).

    A month is unpaid when less than the contribution due was paid; the arrears are the run of unpaid
    months at the end of the data (months before the last fully paid month count as settled).
    Vectorised: one sort and a few grouped reductions, not a Python loop per company.
    """
    d = df[["company_id", "periode", "contribution_due_rupiah", "contribution_paid_rupiah"]].sort_values(
        ["company_id", "periode"], kind="stable"
    )
    due = d["contribution_due_rupiah"].to_numpy(dtype="float64")
    paid = d["contribution_paid_rupiah"].to_numpy(dtype="float64")
    firm = d["company_id"].to_numpy()
    pos = d.groupby("company_id", sort=False).cumcount().to_numpy()
    # position of each company's last fully paid month (−1 when it never paid in full)
    last_paid = pd.Series(np.where(paid >= due, pos, -1)).groupby(firm, sort=True).max()
    n_months = pd.Series(pos).groupby(firm, sort=True).max() + 1
    in_run = pos > last_paid.reindex(firm).to_numpy()
    owed = pd.Series(np.where(in_run, np.clip(due - paid, 0, None), 0.0)).groupby(firm, sort=True).sum()
    return pd.DataFrame(
        {
            "company_id": last_paid.index.to_numpy(),
            "arrears_months": (n_months - 1 - last_paid).to_numpy(dtype="int64"),
            "arrears_rupiah": owed.to_numpy(dtype="float64"),
        }
    )


def compliance_summary(df: pd.DataFrame, by: tuple[str, ...] = ("kode_wilayah",)) -> pd.DataFrame:
    """Registration rate, on-time share (shares 0–1) and arrears (Rupiah) by ``by`` groups."""
    last = df["periode"].max()
    latest = df[df["periode"] == last]
    firms = latest[["company_id", *by]].merge(arrears_by_company(df), on="company_id")
    reg = latest.groupby(list(by))[["workers_registered", "workers_reported"]].sum()
    out = pd.DataFrame(
        {
            "companies": latest.groupby(list(by))["company_id"].nunique(),
            "registration_rate": reg["workers_registered"] / reg["workers_reported"],
            "on_time_share": df.groupby(list(by))["paid_on_time"].mean(),
            "arrears_rupiah": firms.groupby(list(by))["arrears_rupiah"].sum(),
            "companies_in_arrears": firms.assign(a=firms["arrears_months"] > 0).groupby(list(by))["a"].sum(),
        }
    )
    return out.reset_index()


def arrears_by_age(df: pd.DataFrame) -> pd.DataFrame:
    """Companies and Rupiah in arrears by age of the arrears (months unpaid at the end of the data)."""
    arrears = arrears_by_company(df)
    rows = []
    for lo, hi, label in ARREARS_BUCKETS:
        m = (
            (arrears["arrears_months"] > lo) & (arrears["arrears_months"] <= hi)
            if lo
            else (arrears["arrears_months"] > 0) & (arrears["arrears_months"] <= hi)
        )
        rows.append(
            {
                "age_months": label,
                "companies": int(m.sum()),
                "arrears_rupiah": float(arrears.loc[m, "arrears_rupiah"].sum()),
            }
        )
    return pd.DataFrame(rows)


def hash_company_ids(df: pd.DataFrame, salt: str | None = None) -> pd.DataFrame:
    """``df`` with ``company_id`` replaced by its salted hash: what is cached and what the notebooks see (a company
    id may be an owner's NIK)."""
    return df.assign(
        company_id=salted_hash(df["company_id"].astype(str).to_numpy(), get_salt() if salt is None else salt)
    )


def top_arrears(df: pd.DataFrame, n: int = 10, salt: str | None = None, hashed: bool = False) -> pd.DataFrame:
    """The ``n`` companies with the largest arrears, by salted hashed id (never the real id; ``hashed``: the ids
    of ``df`` are already hashed, :func:`hash_company_ids`)."""
    arrears = arrears_by_company(df)
    info = df.drop_duplicates("company_id").set_index("company_id")[["kode_wilayah", "sektor", "skala"]]
    top = arrears.nlargest(n, "arrears_rupiah").join(info, on="company_id")
    ids = top["company_id"].to_numpy()
    top.insert(0, "company_hash", ids if hashed else salted_hash(ids, get_salt() if salt is None else salt))
    return top.drop(columns="company_id").reset_index(drop=True)


def plot_arrears(ages: pd.DataFrame, labels: dict[str, str], ax=None):
    """Arrears (Rupiah billion) by months in arrears (:func:`arrears_by_age`); ``labels``: ``xlabel``, ``ylabel``."""
    import matplotlib.pyplot as plt

    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7, 3.5))
    ax.bar(ages["age_months"], ages["arrears_rupiah"] / 1e9, color="#e07b39")
    ax.set_xlabel(labels.get("xlabel", ""))
    ax.set_ylabel(labels.get("ylabel", ""))
    ax.set_ylim(bottom=0)
    return fig
