"""Write a :class:`Dataset` in the documented input formats: the monthly panel, or participants per BPJS
Ketenagakerjaan office and segment plus yearly/half-yearly denominators (the formats the data arrives in).

Used for the shipped example (``evalkit example``) and by tests that run the real-file path on simulated data.
Only the observable columns are written — never the simulator's truth. Rows of simulated data carry
``data_label = SYNTHETIC DATA``, so a report built from the files is stamped like one built from the simulator.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .dataset import Dataset
from .published import read_offices
from .schemas import DATA_LABEL, DENOMINATORS, PANEL, PARTICIPANTS, SYNTHETIC_LABEL

KABKOTA_SURVEY_MONTHS = (8,)
"""BPS Sakernas publishes kab/kota figures for August only."""
PROVINCE_SURVEY_MONTHS = (2, 8)
"""… and province figures for February and August."""


def _finish(df: pd.DataFrame, schema, dataset: Dataset) -> pd.DataFrame:
    out = df.copy()
    out["period"] = pd.to_datetime(out["period"]).dt.strftime("%Y-%m")
    if dataset.is_synthetic:
        out["data_label"] = SYNTHETIC_LABEL
    return out[[c.name for c in [*schema, DATA_LABEL] if c.name in out.columns]].reset_index(drop=True)


def panel_frame(dataset: Dataset) -> pd.DataFrame:
    """The monthly panel in the documented schema (``PANEL``), months as ``YYYY-MM``."""
    return _finish(dataset.panel, PANEL, dataset)


def denominators_frame(dataset: Dataset) -> pd.DataFrame:
    """Denominators as BPS publishes them: kab/kota in August, provinces in February and August."""
    p = dataset.panel
    month = p["period"].dt.month
    keep = (p["level"].eq("kabkota") & month.isin(KABKOTA_SURVEY_MONTHS)) | (
        p["level"].eq("provinsi") & month.isin(PROVINCE_SURVEY_MONTHS)
    )
    return _finish(p[keep], DENOMINATORS, dataset)


def participants_frame(dataset: Dataset, offices: pd.DataFrame | None = None) -> pd.DataFrame:
    """Active participants per office (the crosswalk, default the shipped one), month, segment and, for BPU,
    funder. An office serving several kab/kota reports their sum, as a branch report does."""
    cw = offices if offices is not None else read_offices(None, "bpjstk_offices.csv")
    p = dataset.panel.copy()
    p["other"] = p["participants_total"] - p["bpu_participants"] - p["pu_participants"]
    p["mandiri"] = p["bpu_participants"] - p[["subsidised_prov", "subsidised_kabkota", "subsidised_csr"]].sum(axis=1)
    columns = {
        "pu_participants": ("PU", ""),
        "other": ("JAKON", ""),
        "mandiri": ("BPU", "mandiri"),
        "subsidised_prov": ("BPU", "apbd_prov"),
        "subsidised_kabkota": ("BPU", "apbd_kabkota"),
        "subsidised_csr": ("BPU", "csr"),
    }
    merged = p.merge(cw[["office_code", "region_code"]], on="region_code", how="inner")
    sums = merged.groupby(["office_code", "period"], as_index=False)[list(columns)].sum()
    long = sums.melt(["office_code", "period"], var_name="column", value_name="participants")
    long["segment"] = long["column"].map(lambda c: columns[c][0])
    long["funder"] = long["column"].map(lambda c: columns[c][1])
    long = long.sort_values(["office_code", "period", "segment", "funder"])
    return _finish(long, PARTICIPANTS, dataset)


def write_table(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as UTF-8 CSV or as an XLSX whose first sheet is the data (every cell typed as in ``df``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        df.to_excel(path, index=False, sheet_name="data")
    else:
        df.to_csv(path, index=False, lineterminator="\n")
    return path
