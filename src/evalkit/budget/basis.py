"""What the budget rests on besides its growth assumptions — who pays each recipient's contribution, and how many
months at the start of each APBD year go unpaid while the new list is determined — **observed in the data** where
it shows them, taken from params only where a params file writes them.

* **Funding shares** (province / kab/kota / CSR, per kab/kota): the share of the recipient-months each source paid
  in the latest data year with any recipient (``subsidised_prov``, ``subsidised_kabkota``, ``subsidised_csr``); a
  kab/kota without recipients that year takes the province-wide shares. ``budget.funding_shares`` written in params
  replaces the observation for every kab/kota, ``budget.kabkota_cofunding_share`` for the kab/kota it names: an
  assumed future co-funding is a named scenario (``params/cofunding-assumed.yaml``), never the default.
With an invoice file (``data.invoices``), both are **measured in the invoices** instead of the panel, by the same
rules as the oversight page (:func:`evalkit.data.oversight.invoice_shares`, :func:`~evalkit.data.oversight.invoice_gaps`):
the shares as the recipient-months billed to each funder, the gap as the months before the first month in which at
least half of the year's determined list (without one: of its largest monthly head count) is billed.

* **Months unpaid** (the determination gap): in the latest year whose January follows a month with provincial
  recipients, the months from January until provincial recipients appear again. ``budget.determination_gap_months``
  written in params replaces it. When the data shows no year boundary with recipients, 0 months are used and the
  page says that nothing was observed.

:func:`basis` returns both with where each came from (``observed``, ``params`` or ``none``), so every page can say
which was used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..data.oversight import invoice_gaps, invoice_shares, measured_invoices

if TYPE_CHECKING:
    from ..params.schema import Params

SOURCES = ("province", "kabkota", "csr")
COLUMNS = {"province": "subsidised_prov", "kabkota": "subsidised_kabkota", "csr": "subsidised_csr"}


@dataclass(frozen=True)
class Basis:
    """``shares``: index = kab/kota code, columns :data:`SOURCES`, rows sum to 1. ``shares_from`` /
    ``gap_from``: ``observed`` (the data, in ``shares_year`` / ``gap_year``), ``params`` (written in the params
    file) or ``none`` (nothing observed and nothing written: the province pays all, no month goes unpaid)."""

    shares: pd.DataFrame
    shares_from: str
    shares_year: int | None
    gap_months: int
    gap_from: str
    gap_year: int | None
    assumed_keys: tuple[str, ...] = ()  # the params keys written in the params file that replace an observation

    @property
    def months_paid(self) -> int:
        return 12 - self.gap_months


def _kaltim(data) -> pd.DataFrame:
    kt = data.kaltim
    missing = [c for c in COLUMNS.values() if c not in kt.columns]
    return kt.assign(**{c: 0 for c in missing}) if missing else kt


def observed_shares(data, codes) -> tuple[pd.DataFrame | None, int | None]:
    """Funding shares per kab/kota in the latest data year with recipients (``None, None`` if there is none)."""
    kt = _kaltim(data)
    cols = list(COLUMNS.values())
    paid = kt.assign(year=kt["period"].dt.year)
    yearly = paid.groupby("year")[cols].sum().sum(axis=1)
    years = yearly.index[yearly > 0]
    if not len(years):
        return None, None
    year = int(years.max())
    sums = paid[paid["year"] == year].groupby(paid["region_code"].astype(str))[cols].sum()
    return _per_region(sums.rename(columns={c: src for src, c in COLUMNS.items()}), codes), year


def observed_gap(data) -> tuple[int | None, int | None]:
    """Months at the start of the latest year with a January after a month with provincial recipients until they
    appear again (``None, None`` when the data shows no such year)."""
    kt = _kaltim(data)
    monthly = kt.groupby("period")["subsidised_prov"].sum().sort_index()
    periods = monthly.index
    found: tuple[int | None, int | None] = (None, None)
    for year in sorted(set(periods.year)):
        december = pd.Timestamp(year - 1, 12, 1)
        if december not in monthly.index or monthly[december] <= 0:
            continue
        months = monthly[(periods.year == year)]
        if len(months) == 0 or months.index[0].month != 1:
            continue
        paying = np.flatnonzero(months.to_numpy() > 0)
        if not len(paying):
            continue  # no recipient all year (the programme stopped, or the data ends): no gap measured
        found = (int(paying[0]), year)
    return found


def _per_region(counts: pd.DataFrame, codes) -> pd.DataFrame:
    """Shares per kab/kota from counts by source (:data:`SOURCES` columns); a kab/kota without any takes the
    province-wide shares."""
    total = counts.sum(axis=0) / max(float(counts.to_numpy().sum()), 1.0)
    rows = {
        str(c): (counts.loc[c] / counts.loc[c].sum() if c in counts.index and counts.loc[c].sum() > 0 else total)
        for c in codes
    }
    return pd.DataFrame(rows).T[list(SOURCES)]


def basis(params: Params, data, codes=None) -> Basis:
    """The funding shares and months unpaid the budget uses (see the module docstring)."""
    b = params.budget
    codes = [str(c) for c in (codes if codes is not None else sorted(data.kaltim["region_code"].astype(str).unique()))]
    invoices = measured_invoices(params)
    if b.funding_shares is not None:
        fs = b.funding_shares
        shares = pd.DataFrame({c: {"province": fs.province, "kabkota": fs.kabkota, "csr": fs.csr} for c in codes}).T
        shares_from, year = "params", None
    elif invoices is not None:
        counts, year = invoice_shares(invoices.summary)
        shares, shares_from = _per_region(counts, codes), "invoices"
    else:
        shares, year = observed_shares(data, codes)
        shares_from = "observed"
        if shares is None:
            shares = pd.DataFrame({c: {"province": 1.0, "kabkota": 0.0, "csr": 0.0} for c in codes}).T
            shares_from = "none"
    shares = shares[list(SOURCES)].astype(float)
    for code, kab in b.kabkota_cofunding_share.items():  # a written kab/kota share overrides for that kab/kota
        if code in shares.index:
            csr = min(float(shares.loc[code, "csr"]), 1 - kab)
            shares.loc[code] = [max(0.0, 1.0 - kab - csr), kab, csr]
            shares_from = "params" if shares_from == "none" else shares_from
    if b.determination_gap_months is not None:
        gap, gap_from, gap_year = int(b.determination_gap_months), "params", None
    elif invoices is not None and (gaps := invoice_gaps(invoices.summary, invoices.sizes)):
        gap_year = max(gaps)
        gap, gap_from = gaps[gap_year], "invoices"
    else:
        observed, gap_year = observed_gap(data)
        gap_from = "observed" if observed is not None else "none"
        gap = observed or 0
    assumed = (
        (("budget.funding_shares",) if b.funding_shares is not None else ())
        + (("budget.kabkota_cofunding_share",) if b.kabkota_cofunding_share else ())
        + (("budget.determination_gap_months",) if gap_from == "params" else ())
    )
    return Basis(shares, shares_from, year, gap, gap_from, gap_year, assumed)
