"""Real-data loading: round trips and errors that name file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit.data import load_panel
from evalkit.data.schemas import PANEL
from evalkit.errors import DataError


def to_file(panel: pd.DataFrame, path):
    cols = [c.name for c in PANEL]
    out = panel[cols].copy()
    out["period"] = out["period"].dt.strftime("%Y-%m")
    if path.suffix == ".xlsx":
        out.to_excel(path, index=False)
    else:
        out.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip(default_data, tmp_path, suffix):
    path = to_file(default_data.panel, tmp_path / f"panel{suffix}")
    loaded = load_panel(path)
    assert not loaded.is_synthetic and loaded.truth is None
    cols = ["region_code", "period", "working_pop", "vulnerable_workers", "bpu_participants", "participants_total"]
    pd.testing.assert_frame_equal(
        loaded.panel[cols].reset_index(drop=True),
        default_data.panel.sort_values(["region_code", "period"])[cols].reset_index(drop=True),
        check_dtype=False,
    )
    assert len(loaded.files) == 1 and len(next(iter(loaded.files.values()))) == 64


def test_errors_name_file_row_column(default_data, tmp_path):
    path = to_file(default_data.panel.head(30), tmp_path / "panel.csv")
    text = path.read_text().splitlines()
    fields = text[5].split(",")
    fields[2] = "-5"  # working_pop on data row 5 = file row 6
    text[5] = ",".join(fields)
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(DataError) as info:
        load_panel(path)
    msg = str(info.value)
    assert "panel.csv" in msg and "row 6" in msg and "'working_pop'" in msg and "-5" in msg


def test_missing_column(default_data, tmp_path):
    path = to_file(default_data.panel.head(5), tmp_path / "panel.csv")
    df = pd.read_csv(path).drop(columns="vulnerable_workers")
    df.to_csv(path, index=False)
    with pytest.raises(DataError, match="column 'vulnerable_workers'.*required column is missing"):
        load_panel(path)
