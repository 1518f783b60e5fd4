"""Reading recipient lists (CSV/XLSX) with NIK kept as text, and choosing the engine by size."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..data.loaders import open_sheet, read_table
from ..errors import DataError, Problem
from .schema import check_columns, source_column


def count_rows(path: Path) -> int:
    """Data rows of a CSV (fast line count) or Parquet (metadata); XLSX is always small enough for pandas."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    if path.suffix.lower() in (".csv", ".txt"):
        with open(path, "rb") as fh:
            return max(sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) - 1, 0)
    return 0


def read_recipients(path: str | Path, max_mb: float = 5_000, mapping=None) -> pd.DataFrame:
    """A recipient list as text columns. In XLSX a NIK typed as a number has lost digits: it is marked
    ``NUMERIC:`` so that the check reports it (without the value)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if not path.is_file():
            raise DataError([Problem(str(path), "file", "", "the file does not exist")])
        ws = open_sheet(path, str(path), max_mb, read_only=True, sheet=mapping.sheet if mapping else None)
        rows = ws.iter_rows(values_only=True)
        header = ["" if h is None else str(h).strip() for h in next(rows, [])]
        check_columns(header, str(path), mapping)
        j = header.index(source_column("nik", mapping))
        body = []
        for r in rows:
            if r is None or all(x is None for x in r):
                continue
            vals = ["" if x is None else (x.strftime("%Y-%m-%d") if hasattr(x, "strftime") else str(x)) for x in r]
            if isinstance(r[j], (int, float)):
                vals[j] = "NUMERIC:"
            body.append(vals[: len(header)] + [""] * (len(header) - len(vals)))
        return pd.DataFrame(body, columns=header, dtype=str)
    df = read_table(path, str(path), max_mb)
    check_columns(df.columns, str(path), mapping)
    return df
