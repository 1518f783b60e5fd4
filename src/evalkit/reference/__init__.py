"""Public reference tables shipped with evalkit (region codes). Sources: data/reference/SOURCES.md."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd


@lru_cache(maxsize=1)
def regions() -> pd.DataFrame:
    """All analysis units: 10 Kaltim kab/kota (level ``kabkota``) and 37 other provinces (``provinsi``).

    Columns: ``code`` (str, BPS code), ``name``, ``level``, ``province_code`` (str), ``kind``.
    """
    with resources.files(__package__).joinpath("regions.csv").open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str)
    return df


@lru_cache(maxsize=1)
def kaltim_codes() -> frozenset[str]:
    """The 4-digit codes of the 10 kab/kota of Kalimantan Timur."""
    df = regions()
    return frozenset(df.loc[df["level"] == "kabkota", "code"])


def region_names() -> dict[str, str]:
    """Code → name for every unit."""
    df = regions()
    return dict(zip(df["code"], df["name"]))
