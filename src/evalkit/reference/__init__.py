"""Public reference tables shipped with evalkit (region codes). Sources: data/reference/SOURCES.md."""

from __future__ import annotations

import re
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


def normalise_occupation(text: str) -> str:
    """Occupation text as compared: upper case, spaces collapsed, no spaces around ``/`` ("Petani / Pekebun" →
    ``PETANI/PEKEBUN``). The same rule runs in SQL (:mod:`evalkit.recipients.sql`)."""
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", str(text).strip().upper()))


@lru_cache(maxsize=1)
def occupations() -> pd.DataFrame:
    """Dukcapil KTP occupation labels → the programme's categories (``category`` empty = not an eligible
    category). Source: data/reference/SOURCES.md."""
    with resources.files(__package__).joinpath("occupations.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def eligible_occupation_labels(categories) -> list[str]:
    """Normalised labels that count as eligible: the categories themselves and every Dukcapil label mapped to one."""
    wanted = {normalise_occupation(c) for c in categories}
    table = occupations()
    mapped = table.loc[table["category"].map(normalise_occupation).isin(wanted), "label"].map(normalise_occupation)
    return sorted(wanted | set(mapped))


@lru_cache(maxsize=1)
def kemendagri_bps() -> pd.DataFrame:
    """Kemendagri (Dukcapil, NIK) ↔ BPS codes of every province and kab/kota of Indonesia: columns ``level``
    (provinsi | kabkota), ``bps_code``, ``name``, ``kemendagri_code``, ``bps_province_code``. Source: BPS's
    bridging of BPS and Kemendagri codes (data/reference/SOURCES.md)."""
    with resources.files(__package__).joinpath("kemendagri_bps.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)
