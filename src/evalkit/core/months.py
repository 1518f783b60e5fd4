"""Calendar-month arithmetic, written once.

A *month number* is ``year × 12 + month − 1``: differences of month numbers are whole months, whatever
the years. Everything that counts months (params checks, panel indices, event time, windows, the
simulator's shocks) goes through here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def month_period(month: str) -> pd.Period:
    """``"2023-07"`` → monthly :class:`pandas.Period`."""
    return pd.Period(month, freq="M")


def month_ord(month) -> int:
    """The month number of one month (``"2023-07"``, a Timestamp or a Period): ``2023 × 12 + 6``."""
    if isinstance(month, str):
        year, mon = month.split("-")[:2]
        return int(year) * 12 + int(mon) - 1
    return int(month.year) * 12 + int(month.month) - 1


def month_numbers(values) -> np.ndarray:
    """Month numbers (float, NaN where missing) of datetimes, Periods or ``YYYY-MM`` strings."""
    s = pd.Series(values)
    if isinstance(s.dtype, pd.PeriodDtype):
        s = s.dt.to_timestamp()
    elif not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(s, errors="coerce")
    return (s.dt.year * 12 + s.dt.month - 1).astype("float64").to_numpy()


def months_between(a, b) -> int:
    """Whole months from ``a`` to ``b`` (negative when ``b`` is earlier)."""
    return month_ord(b) - month_ord(a)


def window(start, months_before: int, months_after: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(first month, first month after)`` of the ``months_before`` months before ``start`` and the
    ``months_after`` months from ``start`` on."""
    start = pd.Timestamp(start)
    return start - pd.DateOffset(months=months_before), start + pd.DateOffset(months=months_after)
