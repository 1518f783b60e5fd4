"""Small-cell suppression: the one rule every published count goes through."""
from __future__ import annotations

import pandas as pd


def suppress(df: pd.DataFrame, columns, threshold: int) -> pd.DataFrame:
    """Replace counts below ``threshold`` (but above 0) by NaN in ``columns`` (published tables).

    Zeros stay: a zero identifies nobody.
    """
    out = df.copy()
    for c in columns:
        small = (out[c] > 0) & (out[c] < threshold)
        out[c] = out[c].astype("float64").where(~small)
    return out
