"""Reading recipient lists (CSV/XLSX) with NIK kept as text, and choosing the engine by size."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..data.loaders import not_a_file, open_sheet, raise_problems, read_table
from ..data.schemas import DEATHS, MEMBERS, NON_ELIGIBLE
from ..errors import DataError, Problem
from .schema import check_columns, source_column

#: The reference lists a determination is checked against, by the name ``determine`` and the CLI give them.
REFERENCE_SCHEMAS = {"members": MEMBERS, "deaths": DEATHS, "asn": NON_ELIGIBLE}
NIK_TEXT = re.compile(r"[0-9]{16}")


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


def _sheet_rows(path: Path, max_mb: float) -> tuple[list[str], list[list[object]]]:
    ws = open_sheet(path, str(path), max_mb, read_only=True)
    rows = ws.iter_rows(values_only=True)
    header = ["" if h is None else str(h).strip() for h in next(rows, [])]
    body = [
        list(r[: len(header)]) + [None] * (len(header) - len(r))
        for r in rows
        if r is not None and not all(x is None for x in r)
    ]
    return header, body


def read_reference(path: str | Path, name: str, max_mb: float = 500) -> pd.DataFrame:
    """A reference list (``members``, ``deaths`` or ``asn``) in the layout of its template (``data/templates``),
    read as text and checked by :func:`check_reference` before it is matched."""
    path = Path(path)
    shown = str(path)
    if not path.is_file():
        raise DataError([Problem(shown, "file", "", f"the {name} list: " + not_a_file(path))])
    numeric_nik: set[int] = set()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, body = _sheet_rows(path, max_mb)
        j = header.index("nik") if "nik" in header else None
        for i, r in enumerate(body):
            if j is not None and isinstance(r[j], (int, float)) and not isinstance(r[j], bool):
                numeric_nik.add(i)
        df = pd.DataFrame(
            [
                ["" if x is None else (x.strftime("%Y-%m-%d") if hasattr(x, "strftime") else str(x)) for x in r]
                for r in body
            ],
            columns=header,
            dtype=str,
        )
    else:
        df = read_table(path, shown, max_mb)
    return check_reference(df, name, shown, numeric_nik)


def check_reference(frame: pd.DataFrame, name: str, shown: str, numeric_rows=()) -> pd.DataFrame:
    """A reference list checked before it is matched — from a file (:func:`read_reference`) or handed to the API:
    the template's required columns; every NIK 16 digits written as text (a number — an Excel cell, an int column
    — has lost digits, a dash or a space is a typing error; a leading ``'`` is Excel's text marker and is dropped);
    every date of death a real date written YYYY-MM-DD. A problem names the list, row and column, never the NIK.
    Returns the schema's columns as text, trimmed."""
    schema = REFERENCE_SCHEMAS[name]
    df = frame.rename(columns=lambda c: str(c).strip())
    missing = [c.name for c in schema if c.required and c.name not in df.columns]
    if missing:
        expected = ", ".join(c.name for c in schema)
        raise DataError(
            [
                Problem(
                    shown,
                    f"column '{c}'",
                    "",
                    f"the required column is missing; the {name} list has the "
                    f"columns {expected} (template: data/templates)",
                )
                for c in missing
            ]
        )
    numeric = set(numeric_rows)
    if pd.api.types.is_numeric_dtype(df["nik"]):
        numeric |= set(range(len(df)))
    else:
        numeric |= {i for i, v in enumerate(df["nik"]) if isinstance(v, (int, float)) and not isinstance(v, bool)}
    out = df[[c.name for c in schema if c.name in df.columns]].astype(str).apply(lambda col: col.str.strip())
    out = out.reset_index(drop=True)
    out["nik"] = out["nik"].str.removeprefix("'")
    problems = []
    for i, nik in enumerate(out["nik"]):
        if i in numeric:
            problems.append(
                Problem(
                    shown,
                    f"row {i + 2}, column 'nik'",
                    "",
                    "the NIK is stored as a number (in Excel, "
                    "its last digit is lost): format the column as Text and type it again",
                )
            )
        elif not NIK_TEXT.fullmatch(nik):
            problems.append(
                Problem(
                    shown,
                    f"row {i + 2}, column 'nik'",
                    "",
                    "a NIK is exactly 16 digits, nothing else (no dash, space or letter)",
                )
            )
    if "tanggal_meninggal" in out.columns:
        for i, day in enumerate(out["tanggal_meninggal"]):
            try:
                datetime.strptime(day, "%Y-%m-%d")
                ok = len(day) == 10
            except ValueError:
                ok = False
            if not ok:
                problems.append(
                    Problem(
                        shown,
                        f"row {i + 2}, column 'tanggal_meninggal'",
                        day[:12],
                        "must be a date that exists, written YYYY-MM-DD (e.g. 2025-02-28)",
                    )
                )
    raise_problems(problems, shown)
    return out
