"""Seeded synthetic recipient lists with injected defects of known kinds and counts (SYNTHETIC DATA)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..reference import kaltim_codes, regions
from .schema import CHECKS, SOURCE_PRIORITY

FIRST = [
    "Ahmad",
    "Budi",
    "Siti",
    "Dewi",
    "Rahmat",
    "Nur",
    "Agus",
    "Sri",
    "Muhammad",
    "Yohanes",
    "Maria",
    "Andi",
    "Rina",
    "Joko",
    "Fitri",
    "Hendra",
    "Wahyu",
    "Ayu",
    "Dedi",
    "Lestari",
    "Arif",
    "Putri",
    "Bambang",
    "Indah",
]
LAST = [
    "Saputra",
    "Wijaya",
    "Hidayat",
    "Kurniawan",
    "Rahmawati",
    "Pratama",
    "Lestari",
    "Santoso",
    "Nugroho",
    "Siregar",
    "Hasibuan",
    "Tanjung",
    "Lumban",
    "Daeng",
    "Sari",
    "Setiawan",
    "Ramadhan",
    "Anwar",
    "Yusuf",
    "Rusdi",
]
OCCUPATIONS = [
    "petani",
    "nelayan",
    "pedagang",
    "buruh harian",
    "pekebun",
    "marbot",
    "guru ngaji",
    "ojek",
    "pelaku umkm",
    "pekerja kreatif",
]
SOURCES = list(SOURCE_PRIORITY)
#: The checks the generator injects defects for (every check but unreadable values).
DEFECT_KINDS = tuple(c for c in CHECKS if c != "invalid_value")
#: How common each kind is relative to the mean defect share (illustrative: mistyped NIKs and outdated
#: eligibility are the commonest problems data officers report; duplicates across funders the rarest).
KIND_RELATIVE = {
    "invalid_nik": 1.6,
    "sex_birthdate_mismatch": 0.7,
    "ineligible": 1.3,
    "duplicate_within_source": 0.8,
    "duplicate_cross_source": 0.6,
}
#: Share of recipients whose NIK was issued elsewhere (migrants; information, not a defect; illustrative) and the
#: Kemendagri codes of the kab/kota outside Kaltim they come from (Makassar, Kab. Bone, Surabaya, Kab. Lombok Timur).
MIGRANT_SHARE = 0.08
MIGRANT_ORIGINS = ("7371", "7308", "3578", "5203")
#: Spread of list quality across kab/kota (log-normal sd of each kab/kota's defect propensity; illustrative).
KABKOTA_QUALITY_SD = 0.8


def defect_counts(rows: int, mean_share: float) -> dict[str, int]:
    """Rows to corrupt per kind for a list of ``rows`` whose kinds average ``mean_share`` (:data:`KIND_RELATIVE`)."""
    return {k: max(1, int(round(rows * mean_share * KIND_RELATIVE[k]))) for k in DEFECT_KINDS}


@dataclass
class RecipientTruth:
    """Injected defects: row positions (0-based, in the returned frame) per check; ``info``: row positions per
    information (``nik_region_other``: NIK issued outside the listed kab/kota)."""

    rows: dict[str, list[int]]
    info: dict[str, list[int]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.rows.items()}


def _nik(kk: np.ndarray, cc: np.ndarray, dob: pd.DatetimeIndex, female: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """PPKK CC DD(+40 for women) MM YY SSSS, vectorised."""
    day = dob.day.to_numpy() + 40 * np.asarray(female, dtype=int)
    num = (
        np.asarray(cc, dtype=np.int64) * 10**10
        + day * 10**8
        + dob.month.to_numpy() * 10**6
        + (dob.year.to_numpy() % 100) * 10**4
        + np.asarray(serial, dtype=np.int64)
    )
    return np.char.add(np.asarray(kk).astype("U4"), np.char.zfill(num.astype("U12"), 12)).astype(object)


def generate_recipients(
    n: int = 2000, seed: int = 0, periods=("2025-05", "2025-06"), defects: dict | None = None, churn_share: float = 0.1
) -> tuple[pd.DataFrame, RecipientTruth]:
    """A recipient list in the data officers' columns, about ``n`` clean rows over ``periods``, plus defects.

    ``defects`` maps each kind in :data:`DEFECT_KINDS` to how many rows carry it (default
    :func:`defect_counts` at 1%). Every defective row carries exactly one kind, so a correct verifier finds
    exactly these counts and flags nothing else. Defects fall more often on some kab/kota's rows than on
    others' (each kab/kota draws a propensity, :data:`KABKOTA_QUALITY_SD`), as list quality differs by region.
    """
    rng = np.random.default_rng(seed)
    defects = defect_counts(n, 0.01) | (defects or {})
    codes = sorted(kaltim_codes())
    per_period = max(1, int(n / len(periods)))
    n_people = int(per_period * (1 + churn_share * (len(periods) - 1))) + 1
    kk = rng.choice(codes, size=n_people, p=np.array([8, 5, 20, 10, 8, 6, 1, 17, 21, 4]) / 100)
    female = rng.random(n_people) < 0.45
    first_period = pd.Timestamp(periods[0] + "-01")
    age_days = rng.integers(18 * 365, 58 * 365, size=n_people)
    dob = pd.DatetimeIndex(first_period - pd.to_timedelta(age_days, unit="D")).normalize()
    serial = rng.permutation(n_people * 2)[:n_people] % 9999 + 1
    cc = rng.permutation(np.arange(n_people)) // 9999 % 90 + 1  # (kk, cc, dob, serial) unique enough; deduped below
    reg = regions().set_index("code")
    # NIKs carry Kemendagri codes (Dukcapil); kode_wilayah is the BPS code. Migrants keep the NIK of their origin
    # (another Kaltim kab/kota or another province): a NIK is for life (UU 24/2013).
    nik_region = reg.loc[kk, "kemendagri_code"].to_numpy().astype(object)
    moved = rng.random(n_people) < MIGRANT_SHARE
    elsewhere = np.concatenate([reg.loc[reg["level"] == "kabkota", "kemendagri_code"].to_numpy(), MIGRANT_ORIGINS])
    origin = rng.choice(elsewhere, size=n_people)
    moved &= origin != nik_region
    nik_region = np.where(moved, origin, nik_region)
    nik = _nik(nik_region, cc, dob, female, serial)
    _, first_idx = np.unique(nik, return_index=True)
    keep = np.sort(first_idx)
    kk, female, dob, nik, moved = kk[keep], female[keep], dob[keep], nik[keep], moved[keep]
    n_people = len(nik)
    names = np.char.add(np.char.add(rng.choice(FIRST, n_people), " "), rng.choice(LAST, n_people)).astype(object)
    job = rng.choice(OCCUPATIONS, size=n_people)
    source = rng.choice(SOURCES, size=n_people, p=[0.8, 0.15, 0.05])
    dob_text = np.asarray(dob.strftime("%Y-%m-%d"), dtype=object)
    frames = []
    present = np.zeros(n_people, bool)
    present[:per_period] = True
    for j, period in enumerate(periods):
        if j > 0:  # churn: some leave, the same number of new people join
            idx_present = np.flatnonzero(present)
            leave = rng.choice(idx_present, size=int(churn_share * len(idx_present)), replace=False)
            present[leave] = False
            newcomers = np.flatnonzero(~present & (np.arange(n_people) >= per_period))
            newcomers = newcomers[: len(leave)]
            present[newcomers] = True
        i = np.flatnonzero(present)
        frames.append(
            pd.DataFrame(
                {
                    "nik": nik[i],
                    "nama": names[i],
                    "tanggal_lahir": dob_text[i],
                    "jenis_kelamin": np.where(female[i], "P", "L"),
                    "kode_wilayah": kk[i],
                    "pekerjaan": job[i],
                    "sumber_dana": source[i],
                    "periode": period,
                    "no_kpj": np.char.add("KPJ", (1000000 + i).astype("U8")),
                    # the address for the decree annex, a function of the person (no random draw)
                    "desa_kelurahan": np.char.add("Desa Sintetis ", (i % 40 + 1).astype("U2")),
                    "kecamatan": np.char.add("Kecamatan Sintetis ", (i % 12 + 1).astype("U2")),
                    "_moved": moved[i],
                }
            )
        )
    df = pd.concat(frames, ignore_index=True).astype(object)
    # --- inject defects on disjoint clean rows -------------------------------------------------
    propensity = dict(zip(codes, rng.lognormal(0.0, KABKOTA_QUALITY_SD, size=len(codes))))
    weight = df["kode_wilayah"].map(propensity).to_numpy(float)
    order = rng.choice(len(df), size=len(df), replace=False, p=weight / weight.sum())
    take = iter(order)
    pick = lambda k: [next(take) for _ in range(k)]  # noqa: E731
    truth: dict[str, list[int]] = {k: [] for k in DEFECT_KINDS}
    used_nik = set(df["nik"])
    # NIKs of rows whose person appears in another period must stay consistent: modify only by copying
    for pos in pick(defects["invalid_nik"]):
        v = df.at[pos, "nik"]
        variant = rng.integers(0, 6)
        bad = [v[:15], v[:7] + "A" + v[8:], "99" + v[2:], "6499" + v[4:], v[:8] + "13" + v[10:], v[:12] + "0000"][
            variant
        ]
        df.at[pos, "nik"] = bad
        truth["invalid_nik"].append(pos)
    for pos in pick(defects["sex_birthdate_mismatch"]):
        if rng.random() < 0.5:
            df.at[pos, "jenis_kelamin"] = "L" if df.at[pos, "jenis_kelamin"] == "P" else "P"
        else:
            d = pd.Timestamp(df.at[pos, "tanggal_lahir"]) + pd.Timedelta(days=int(rng.integers(1, 20)))
            df.at[pos, "tanggal_lahir"] = d.strftime("%Y-%m-%d")
        truth["sex_birthdate_mismatch"].append(pos)
    for pos in pick(defects["ineligible"]):
        if rng.random() < 0.5:
            df.at[pos, "pekerjaan"] = rng.choice(["pegawai negeri", "anggota tni", "karyawan bumn"])
        else:  # too young or too old: rewrite birth date and NIK consistently, with a fresh serial
            period = pd.Timestamp(df.at[pos, "periode"] + "-01")
            years = int(rng.choice([12, 14, 70, 75]))
            d = (period - pd.DateOffset(years=years) - pd.Timedelta(days=int(rng.integers(1, 200)))).normalize()
            fem = df.at[pos, "jenis_kelamin"] == "P"
            while True:
                new = _nik(
                    np.array([df.at[pos, "nik"][:4]]),
                    np.array([int(rng.integers(1, 90))]),
                    pd.DatetimeIndex([d]),
                    np.array([fem]),
                    np.array([int(rng.integers(1, 9999))]),
                )[0]
                if new not in used_nik:
                    break
            used_nik.add(new)
            df.at[pos, "nik"], df.at[pos, "tanggal_lahir"] = new, d.strftime("%Y-%m-%d")
        truth["ineligible"].append(pos)
    dups: list = []
    originals: dict = {}
    for pos in pick(defects["duplicate_within_source"]):
        originals[len(dups)] = pos
        dups.append(("duplicate_within_source", df.loc[pos].to_dict()))
    rest = np.fromiter(take, dtype=np.int64)
    candidates = rest[df["sumber_dana"].to_numpy()[rest] == "apbd_prov"]
    for pos in candidates[: defects["duplicate_cross_source"]]:
        row = df.loc[pos].to_dict()
        row["sumber_dana"] = rng.choice(["apbd_kabkota", "csr"])
        dups.append(("duplicate_cross_source", row))
    extra = pd.DataFrame([r for _, r in dups], columns=df.columns)
    start = len(df)
    for j, (kind, _) in enumerate(dups):
        truth[kind].append(start + j)
    out = pd.concat([df, extra], ignore_index=True)
    # shuffle so that defects are spread through the file, keeping truth positions in step
    perm = rng.permutation(len(out))
    out = out.iloc[perm].reset_index(drop=True)
    where = np.empty(len(perm), dtype=int)
    where[perm] = np.arange(len(perm))
    truth = {k: sorted(int(where[p]) for p in v) for k, v in truth.items()}
    # within a source the later of two identical rows is the duplicate, whichever was the copy
    truth["duplicate_within_source"] = sorted(max(int(where[start + j]), int(where[o])) for j, o in originals.items())
    migrants = out["_moved"].to_numpy(bool)
    migrants[truth["invalid_nik"]] = False  # an unreadable NIK says nothing about where it was issued
    out = out.drop(columns="_moved")
    return out, RecipientTruth(truth, {"nik_region_other": np.flatnonzero(migrants).tolist()})


def generate_reference_lists(
    recipients: pd.DataFrame,
    truth: RecipientTruth,
    period: str,
    seed: int = 0,
    counts: dict[str, int] | None = None,
    others: int = 40,
) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """Reference lists in their templates' layout (``members``, ``deaths``, ``asn``) that name known recipients of
    ``period``: ``counts[name]`` persons each (default 25, 8 and 12), taken from rows that carry no defect and are
    the person's only row of the period, so a correct determination excludes exactly these rows for exactly this
    reason. Each list also names ``others`` people who are not on the recipient list, and the deaths list three
    recipients who died after the period started (still eligible that month). Returns the lists and the rows
    injected per reason (``already_member``, ``deceased``, ``non_eligible_status``)."""
    rng = np.random.default_rng([seed, 19])
    counts = {"members": 25, "deaths": 8, "asn": 12} | (counts or {})
    defective = {p for rows in truth.rows.values() for p in rows}
    in_period = recipients.index[recipients["periode"] == period]
    once = recipients.loc[in_period, "nik"].map(recipients.loc[in_period, "nik"].value_counts()) == 1
    pool = np.array([p for p in in_period[once.to_numpy()] if p not in defective])
    need = sum(counts.values()) + 3
    if len(pool) < need:
        raise ValueError(f"only {len(pool)} clean single rows in {period}; {need} needed")
    chosen = rng.choice(pool, size=need, replace=False)
    niks = recipients["nik"].to_numpy()
    start = pd.Timestamp(period + "-01")
    cut = np.cumsum([0, counts["members"], counts["deaths"], counts["asn"]])
    members, deaths, asn, later = (niks[chosen[a:b]] for a, b in zip(cut, [*cut[1:], need]))
    taken = set(recipients["nik"])
    strangers = [n for n in (f"6472{rng.integers(10**11, 10**12 - 1)}" for _ in range(4 * others)) if n not in taken]

    def died(n: int, after: bool) -> list[str]:
        days = rng.integers(1, 20 if after else 400, size=n)
        return [
            (start + pd.Timedelta(days=int(d)) if after else start - pd.Timedelta(days=int(d))).strftime("%Y-%m-%d")
            for d in days
        ]

    lists = {
        "members": pd.DataFrame(
            {
                "nik": [*members, *strangers[:others]],
                "segmen": "BPU",
                "pembayar": rng.choice(["mandiri", "apbd_kabkota", "csr"], size=len(members) + others),
            }
        ),
        "deaths": pd.DataFrame(
            {
                "nik": [*deaths, *later, *strangers[others : 2 * others]],
                "tanggal_meninggal": [*died(len(deaths), False), *died(len(later), True), *died(others, False)],
            }
        ),
        "asn": pd.DataFrame(
            {
                "nik": [*asn, *strangers[2 * others : 3 * others]],
                "kategori": rng.choice(["ASN", "TNI", "Polri"], size=len(asn) + others),
            }
        ),
    }
    for name, frame in lists.items():
        lists[name] = frame.sample(frac=1, random_state=int(rng.integers(2**31))).reset_index(drop=True)
    return lists, {"already_member": len(members), "deceased": len(deaths), "non_eligible_status": len(asn)}
