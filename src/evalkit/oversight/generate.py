"""Synthetic oversight files — determined lists, invoice lines, payments, DPA lines, claims and deaths — in the
templates' layout (NIK as text), with discrepancies injected in known numbers: at least one of every kind in every
kab/kota. The files go through the same checks and reconciliation as real ones (:func:`evalkit.data.oversight.
check_tables`); the injected counts are returned apart (``truth``) for tests, and no code path reads them.

The shape follows the programme: each budget year a new list is determined by decree (signed on 1 April: January to
March are not billed); each recipient is billed monthly (JKK + JKM at the params' unit cost) by the funder of the
list; some lapse (``nonaktif``) or die; the province pays each month's invoice of its own recipients by SP2D in the
following month, on one DPA line per year; JKM claims are paid for the deceased and JKK claims for accidents.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..budget.cost import unit_cost_table
from ..data.oversight import INVOICE_CHECKS

if TYPE_CHECKING:
    from ..params.schema import Params

KINDS = INVOICE_CHECKS  # every kind the reconciliation reports is injected
DPA_LINE = "5.1.06.01.01.0001"  # an illustrative kode rekening (belanja bantuan iuran), not Kaltim's real line
DECREE_MONTH = 4  # the synthetic decree is signed on 1 April: January–March go unpaid


@dataclass
class SyntheticOversight:
    frames: dict[str, pd.DataFrame]  # name → raw text table in the template's layout (with NIK)
    truth: dict  # kind → {"count": n, "rupiah": r, "by_region": {code: n}}; plus "gap_months", "lapsed", "died"


def _nik(code: str, rng, n: int, used: set) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        kec = rng.integers(1, 30)
        day, month, year = rng.integers(1, 29), rng.integers(1, 13), rng.integers(60, 100)
        if rng.random() < 0.5:
            day += 40  # women: day of birth + 40 (Dukcapil)
        nik = f"{code}{kec:02d}{day:02d}{month:02d}{year:02d}{rng.integers(1, 10000):04d}"
        if nik not in used:
            used.add(nik)
            out.append(nik)
    return out


def generate_oversight(
    params: Params,
    codes: list[str],
    per_region: int = 60,
    years=(2024, 2025),
    seed: int | None = None,
    inject: bool = True,
) -> SyntheticOversight:
    """Synthetic oversight files for the kab/kota ``codes`` (``per_region`` provincial recipients each a year, a few
    kab/kota- and CSR-funded ones where the code is even), with the discrepancies of :data:`KINDS` injected when
    ``inject`` (1–3 of each kind in every kab/kota, on distinct persons)."""
    rng = np.random.default_rng(params.seed if seed is None else seed)
    unit = unit_cost_table(params, programmes=["jkk", "jkm"]).set_index("programme")["rupiah_month"]
    jkk, jkm = float(unit["JKK"]), float(unit["JKM"])
    used: set[str] = set()
    determined: list[dict] = []
    invoices: list[dict] = []
    deaths: list[dict] = []
    claims: list[dict] = []
    truth: dict[str, Any] = {k: {"count": 0, "rupiah": 0.0, "by_region": {}} for k in KINDS}
    truth |= {"lapsed": 0, "died": 0, "gap_months": DECREE_MONTH - 1}

    def add(kind, code, n=1, rupiah=0.0):
        truth[kind]["count"] += n
        truth[kind]["rupiah"] += rupiah
        truth[kind]["by_region"][code] = truth[kind]["by_region"].get(code, 0) + n

    def line(nik, code, funder, month, status="aktif", amount_jkk=jkk):
        invoices.append(
            {
                "nik": nik,
                "periode": month,
                "kode_wilayah": code,
                "sumber_dana": funder,
                "iuran_jkk_rupiah": f"{amount_jkk:.0f}",
                "iuran_jkm_rupiah": f"{jkm:.0f}",
                "status_kepesertaan": status,
                "tanggal_kepesertaan": "2023-07-05",
            }
        )

    people = {code: _nik(code, rng, per_region + 12, used) for code in codes}
    dead: set[str] = set()
    files = SimpleNamespace(
        invoices=invoices,
        deaths=deaths,
        claims=claims,
        dead=dead,
        used=used,
        truth=truth,
        line=line,
        add=add,
        jkk=jkk,
        jkm=jkm,
    )
    for year in years:
        for code in codes:  # the dead leave the next year's list; new people take their places
            alive = [n for n in people[code] if n not in dead]
            people[code] = alive + _nik(code, rng, len(people[code]) - len(alive), used)
        months = [f"{year}-{m:02d}" for m in range(DECREE_MONTH, 13)]
        for c, code in enumerate(codes):
            funders = ["apbd_prov"] * per_region
            if c % 2 == 0:
                funders[-4:] = ["apbd_kabkota"] * 3 + ["csr"]
            persons = people[code][:per_region]
            for nik, funder in zip(persons, funders):
                determined.append(
                    {
                        "nik": nik,
                        "kode_wilayah": code,
                        "sumber_dana": funder,
                        "tahun": str(year),
                        "tanggal_penetapan": f"{year}-{DECREE_MONTH:02d}-01",
                    }
                )
            clean = list(zip(persons, funders))
            rng.shuffle(clean)
            take = lambda n, clean=clean: [clean.pop() for _ in range(n)]  # noqa: E731  distinct persons per case
            special = {}
            if inject:
                for kind in KINDS:
                    special[kind] = take(int(rng.integers(1, 4)))
            lapsing = take(2)
            dying = take(1) if not inject else []
            for nik, funder in (
                clean
                + lapsing
                + dying
                + [
                    p
                    for k in ("double_billed", "billed_after_death", "before_decree", "amount_mismatch")
                    for p in special.get(k, [])
                ]
            ):
                last = len(months)
                if (nik, funder) in lapsing:
                    last = int(rng.integers(3, len(months)))
                    truth["lapsed"] += 1
                for i, month in enumerate(months[:last]):
                    status = "nonaktif" if (nik, funder) in lapsing and i == last - 1 else "aktif"
                    line(nik, code, funder, month, status)
            for nik, _funder in dying:  # a death recorded, billing stops: no discrepancy
                dead.add(nik)
                died = int(rng.integers(2, 6))
                deaths.append({"nik": nik, "tanggal_meninggal": f"{months[died]}-15"})
                truth["died"] += 1
                invoices[:] = [r for r in invoices if not (r["nik"] == nik and r["periode"] > months[died])]
            if inject:
                _inject(files, special, code, months, year, rng)
            for nik, _ in rng.permutation(np.array(clean, dtype=object))[:2]:  # accidents: JKK care paid
                month = months[int(rng.integers(0, len(months) - 1))]
                claims.append(
                    {
                        "nik": nik,
                        "program": "JKK",
                        "jenis_manfaat": "perawatan",
                        "tanggal_kejadian": f"{month}-05",
                        "tanggal_bayar": f"{month}-25",
                        "kode_wilayah": code,
                        "jumlah_rupiah": str(int(rng.integers(2, 20)) * 500_000),
                    }
                )
    inv = pd.DataFrame(invoices)
    frames = {
        "determined": pd.DataFrame(determined),
        "invoices": inv,
        "deaths": pd.DataFrame(deaths, columns=["nik", "tanggal_meninggal"]),
        "claims": pd.DataFrame(
            claims,
            columns=[
                "nik",
                "program",
                "jenis_manfaat",
                "tanggal_kejadian",
                "tanggal_bayar",
                "kode_wilayah",
                "jumlah_rupiah",
            ],
        ),
    }
    frames["payments"], frames["dpa"], truth["unpaid_months"] = _payments(inv, years, rng)
    return SyntheticOversight(frames, truth)


def _inject(files: SimpleNamespace, special: dict, code: str, months: list[str], year: int, rng) -> None:
    """Inject the discrepancies of :data:`KINDS` for the persons drawn in ``special`` (``files``: the lists being
    written, the truth and the line/count helpers of :func:`generate_oversight`)."""
    line, add, invoices, jkk, jkm = files.line, files.add, files.invoices, files.jkk, files.jkm
    for nik, funder in special["billed_not_determined"]:  # billed, but on no list: a new person
        stranger = _nik(code, rng, 1, files.used)[0]
        n = int(rng.integers(1, 4))
        for month in months[:n]:
            line(stranger, code, "apbd_prov", month)
        add("billed_not_determined", code, n, n * (jkk + jkm))
        for month in months:  # the determined person takes the place, billed normally
            line(nik, code, funder, month)
    for _person in special["determined_not_billed"]:  # determined, never billed
        add("determined_not_billed", code)
    for nik, funder in special["double_billed"]:  # one month billed twice (another funder, too)
        month = months[int(rng.integers(0, len(months)))]
        line(nik, code, "csr" if rng.random() < 0.3 else funder, month)
        add("double_billed", code, 1, jkk + jkm)
    for nik, _funder in special["billed_after_death"]:
        files.dead.add(nik)
        died = int(rng.integers(1, len(months) - 2))
        after = len(months) - died - 1
        if rng.random() < 0.5:  # the deaths list says so
            files.deaths.append({"nik": nik, "tanggal_meninggal": f"{months[died]}-10"})
        else:  # BPJS marks the lines after the death itself
            for r in invoices:
                if r["nik"] == nik and r["periode"] > months[died]:
                    r["status_kepesertaan"] = "meninggal"
        add("billed_after_death", code, after, after * (jkk + jkm))
        files.truth["died"] += 1
        files.claims.append(
            {
                "nik": nik,
                "program": "JKM",
                "jenis_manfaat": "santunan kematian",
                "tanggal_kejadian": f"{months[died]}-10",
                "tanggal_bayar": f"{months[died + 1]}-20",
                "kode_wilayah": code,
                "jumlah_rupiah": "20000000",
            }
        )
        files.claims.append(
            {
                "nik": nik,
                "program": "JKM",
                "jenis_manfaat": "biaya pemakaman",
                "tanggal_kejadian": f"{months[died]}-10",
                "tanggal_bayar": f"{months[died + 1]}-20",
                "kode_wilayah": code,
                "jumlah_rupiah": "10000000",
            }
        )
    for nik, funder in special["before_decree"]:  # months before the decree billed
        n = int(rng.integers(1, DECREE_MONTH))
        for m in range(DECREE_MONTH - n, DECREE_MONTH):
            line(nik, code, funder, f"{year}-{m:02d}")
        add("before_decree", code, n, n * (jkk + jkm))
    for nik, _funder in special["amount_mismatch"]:  # one line billed at another amount
        rows = [r for r in invoices if r["nik"] == nik and r["periode"] in months]
        r = rows[int(rng.integers(0, len(rows)))]
        wrong = jkk * float(rng.choice([0.5, 1.2, 2.0]))
        r["iuran_jkk_rupiah"] = f"{wrong:.0f}"
        add("amount_mismatch", code, 1, wrong - jkk)


def _payments(inv: pd.DataFrame, years, rng) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The province pays each month's provincial invoice in the next month (one month of the last year left unpaid);
    one DPA line per year with a quarterly cash plan."""
    prov = inv[inv["sumber_dana"] == "apbd_prov"]
    billed = (
        (prov["iuran_jkk_rupiah"].astype(float) + prov["iuran_jkm_rupiah"].astype(float)).groupby(prov["periode"]).sum()
    )
    unpaid = billed.index[billed.index.str.startswith(str(years[-1]))][-2]  # the second-last month: not yet paid
    rows = []
    for k, (month, amount) in enumerate(billed.items()):
        if month == unpaid:
            continue
        period = pd.Period(month, freq="M")
        day = int(rng.integers(5, 28)) if rng.random() > 0.15 else int(rng.integers(1, 28))
        paid = (period + (1 if rng.random() > 0.15 else 2)).to_timestamp() + pd.Timedelta(days=day - 1)
        if paid.year > int(years[-1]):
            continue  # paid next year: not in this year's file
        rows.append(
            {
                "nomor_sp2d": f"{k + 1:05d}/SP2D-LS/BPKAD/{period.year}",
                "tanggal_bayar": paid.strftime("%Y-%m-%d"),
                "periode": month,
                "sumber_dana": "apbd_prov",
                "kode_rekening": DPA_LINE,
                "jumlah_rupiah": f"{amount:.0f}",
            }
        )
    dpa = []
    for year in years:
        total = float(billed[billed.index.str.startswith(str(year))].sum()) * 1.12
        plan = [0.0, 0.3, 0.35, 0.35]
        dpa.append(
            {
                "tahun": str(year),
                "kode_rekening": DPA_LINE,
                "sumber_dana": "apbd_prov",
                "pagu_rupiah": f"{total:.0f}",
                **{f"rencana_tw{q + 1}_rupiah": f"{total * s:.0f}" for q, s in enumerate(plan)},
            }
        )
    paid_months = {r["periode"] for r in rows}
    last = billed.index.max()
    unpaid_months = sum(1 for m in billed.index if m not in paid_months and m != last)  # the last month is not yet due
    return pd.DataFrame(rows), pd.DataFrame(dpa), unpaid_months
