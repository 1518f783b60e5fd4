"""Read real data files (CSV or XLSX) and validate them against the documented schemas.

Every problem is reported as file, row (as numbered in the file: the header is row 1, so the first
data row is row 2, in CSV and in Excel alike), column, value and what is allowed. All problems of
a file are collected before raising, so a data officer can fix them in one pass.
"""

from __future__ import annotations

import re
import zipfile
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.hashing import sha256_file
from ..errors import DataError, Problem, short_repr
from ..reference import regions as reference_regions
from .dataset import Dataset, add_coverage, total_denominator
from .schemas import DATA_LABEL, PANEL, SYNTHETIC_LABEL, Column

MAX_REPORTED = 20  # problems listed per file before "… and N more"
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _rows(index: pd.Index, limit: int = 5) -> str:
    rows = [int(i) + 2 for i in index[:limit]]
    more = f" and {len(index) - limit} more" if len(index) > limit else ""
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(map(str, rows)) + more


ARCHIVE = (
    "the file is compressed or an archive (gzip, zip, xlsx, bz2 or 7z) under a CSV name: unpack it, or save "
    "it as CSV UTF-8 (an .xlsx keeps its .xlsx name)"
)


def is_archive(head: bytes) -> bool:
    """Whether a file's first bytes are those of gzip, zip (xlsx), bz2 or 7z."""
    return (
        head[:2] == b"\x1f\x8b" or head[:4] == b"PK\x03\x04" or head[:3] == b"BZh" or head[:6] == b"7z\xbc\xaf\x27\x1c"
    )


def not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as a data file, in words (checked with stat only: a pipe is never opened)."""
    if path.is_dir():
        return "is a folder, not a data file: name the CSV or XLSX file inside it"
    if path.exists():
        return "is not a regular file (a pipe, socket or device): name a CSV or XLSX file"
    return "the data file does not exist"


def check_file(path: Path, shown: str, max_mb: float) -> None:
    """An input file exists, is a file, is not empty and is at most ``max_mb`` megabytes (before it is parsed)."""
    if not path.is_file():
        raise DataError([Problem(shown, "file", "", not_a_file(path))])
    size = path.stat().st_size
    if size == 0:
        raise DataError([Problem(shown, "file", "", "the file is empty; it needs a header row and data rows")])
    if size > max_mb * 1e6:
        raise DataError(
            [
                Problem(
                    shown,
                    "file",
                    f"of {size / 1e6:,.1f} MB",
                    f"files larger than data.max_file_mb = {max_mb:g} MB are refused; "
                    "raise the limit in params or split the file",
                )
            ]
        )


def read_table(path: Path, shown: str, max_mb: float) -> pd.DataFrame:
    """Read a CSV (UTF-8) or XLSX file as text columns, with clear errors for unreadable files."""
    check_file(path, shown, max_mb)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, shown, max_mb)
    if suffix not in (".csv", ".txt"):
        raise DataError([Problem(shown, "file", repr(path.suffix), "allowed file types: .csv (UTF-8) or .xlsx")])
    raw = path.read_bytes()
    if is_archive(raw[:6]):
        raise DataError([Problem(shown, "file", "", ARCHIVE)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            [
                Problem(
                    shown,
                    f"row {line}",
                    "",
                    "the file is not UTF-8 text (saved as ANSI/Latin-1?); save it as 'CSV UTF-8' from Excel",
                )
            ]
        ) from None
    if not text.strip():
        raise DataError([Problem(shown, "file", "", "the file holds no data; it needs a header row and data rows")])
    first = text.splitlines()[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    try:
        df = pd.read_csv(StringIO(text), dtype=str, sep=sep, keep_default_na=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        where = f"row {m.group(1)}" if m else "file"
        raise DataError(
            [Problem(shown, where, "", f"the CSV cannot be parsed ({exc}); check separators and quotes")]
        ) from None
    return df


#: The largest sheet an input workbook may hold (rows and columns actually used). Larger lists come as CSV or
#: Parquet, which the DuckDB engine reads without loading them whole; a workbook is parsed whole by openpyxl.
XLSX_MAX_ROWS = 200_000
XLSX_MAX_COLUMNS = 200
_ROW = re.compile(rb"<(?:\w+:)?row\b")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def scan_sheets(zf, shown: str, max_rows: int = XLSX_MAX_ROWS, max_columns: int = XLSX_MAX_COLUMNS) -> None:
    """Refuse a workbook whose sheets hold more rows or reach further columns or rows than the limits, by streaming
    each sheet's XML in blocks and stopping at the first excess — before any parser builds the sheet (a 1 MB file
    can hold a million rows, or one cell at XFD1048576 that makes a parser allocate the whole rectangle)."""
    for info in zf.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        rows, tail = 0, b""
        with zf.open(info) as fh:
            while block := fh.read(1 << 20):
                chunk = tail + block  # a tag cut by the block boundary is whole in the next chunk, counted once:
                rows += sum(1 for m in _ROW.finditer(chunk) if m.end() > len(tail))  # matches ending in the new block
                for letters, number in _CELL_REF.findall(chunk):
                    if _column_number(letters) > max_columns or int(number) > max_rows + 1:
                        raise DataError(
                            [
                                Problem(
                                    shown,
                                    "file",
                                    f"a cell at {letters.decode()}{number.decode()}",
                                    f"a sheet may use at most {max_columns} columns and {max_rows:,} rows "
                                    "(data.max_file_mb aside); delete the far cells, or send the list "
                                    "as CSV",
                                )
                            ]
                        )
                if rows > max_rows + 1:
                    raise DataError(
                        [
                            Problem(
                                shown,
                                "file",
                                f"over {max_rows:,} rows",
                                f"a workbook may hold at most {max_rows:,} rows; send a longer list as "
                                "CSV (read in a streaming way)",
                            )
                        ]
                    )
                tail = chunk[-64:]


def open_sheet(path: Path, shown: str, max_mb: float, read_only: bool = False, sheet: str | None = None):
    """The worksheet evalkit reads from an XLSX: ``sheet`` when given, else the sheet named ``data`` (the templates'
    layout), else the only
    visible sheet — never silently the first of several. The workbook's uncompressed size is checked first (a
    small zip can hold gigabytes), and a read-only sheet's stored dimensions are ignored (they can be stale)."""

    import openpyxl

    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        raise DataError(
            [Problem(shown, "file", "", "the Excel file cannot be opened (not a valid .xlsx); save it again as .xlsx")]
        ) from None
    if unpacked > max_mb * 1e6:
        raise DataError(
            [
                Problem(
                    shown,
                    "file",
                    f"of {unpacked / 1e6:,.0f} MB unpacked",
                    f"workbooks larger than data.max_file_mb = {max_mb:g} MB once unpacked are refused",
                )
            ]
        )
    with zipfile.ZipFile(path) as zf:
        scan_sheets(zf, shown)
    try:
        wb = openpyxl.load_workbook(path, read_only=read_only, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise DataError(
            [
                Problem(
                    shown, "file", "", f"the Excel file cannot be opened ({type(exc).__name__}); save it again as .xlsx"
                )
            ]
        ) from None
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    named = [ws for ws in wb.worksheets if ws.title.strip().lower() == (sheet or "data").strip().lower()]
    if sheet and not named:
        raise DataError(
            [
                Problem(
                    shown,
                    "workbook",
                    short_repr(sheet),
                    "no sheet has this name (verification.mapping."
                    "sheet); sheets: " + ", ".join(short_repr(ws.title) for ws in wb.worksheets[:10]),
                )
            ]
        )
    if named:
        ws = named[0]
    elif len(visible) == 1:
        ws = visible[0]
    else:
        raise DataError(
            [
                Problem(
                    shown,
                    "workbook",
                    f"{len(visible)} sheets",
                    "evalkit reads one sheet: name the sheet with the data 'data', or keep one sheet",
                )
            ]
        )
    if read_only:
        ws.reset_dimensions()
    return ws


def _read_xlsx(path: Path, shown: str, max_mb: float) -> pd.DataFrame:
    ws = open_sheet(path, shown, max_mb)
    merged = [str(r) for r in ws.merged_cells.ranges if r.min_row <= 1]
    if merged:
        raise DataError(
            [
                Problem(
                    shown,
                    f"sheet '{ws.title}', header row",
                    ", ".join(merged),
                    "merged header cells are not allowed: the first row must hold one column name per cell",
                )
            ]
        )
    rows = list(ws.iter_rows(values_only=True))
    if not rows or all(v is None for v in rows[0]):
        raise DataError(
            [Problem(shown, f"sheet '{ws.title}'", "", "the sheet is empty; row 1 must hold the column names")]
        )
    header = ["" if v is None else str(v).strip() for v in rows[0]]

    def cell(v):
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if hasattr(v, "strftime"):
            return v.strftime("%Y-%m")
        return str(v)

    body = [[cell(v) for v in r] for r in rows[1:] if any(v is not None for v in r)]
    return pd.DataFrame(body, columns=header, dtype=str)


def _check_columns(df: pd.DataFrame, schema: list[Column], shown: str) -> list[Problem]:
    problems = []
    cols = [str(c).strip() for c in df.columns]
    df.columns = cols
    unnamed = [i + 1 for i, c in enumerate(cols) if c == "" or c.startswith("Unnamed:")]
    if unnamed:
        problems.append(
            Problem(shown, "header row", "", f"column(s) number {', '.join(map(str, unnamed))} have no name")
        )
    dup = sorted({c for c in cols if cols.count(c) > 1 and c})
    if dup:
        problems.append(Problem(shown, "header row", ", ".join(dup), "each column name may appear once"))
    names = {c.name for c in schema} | {DATA_LABEL.name}
    for c in schema:
        if c.required and c.name not in cols:
            problems.append(
                Problem(
                    shown,
                    f"column '{c.name}'",
                    "",
                    f"the required column is missing ({c.description}); columns found: " + ", ".join(cols[:15]),
                )
            )
    extra = [c for c in cols if c and c not in names and not c.startswith("Unnamed:")]
    if extra:
        problems.append(
            Problem(
                shown,
                "header row",
                ", ".join(map(repr, extra)),
                "unknown column(s); allowed: " + ", ".join(c.name for c in schema),
            )
        )
    return problems


#: Default ceiling of a count (``data.max_count``): Indonesia has about 280 million people (BPS 2024).
MAX_COUNT = 500_000_000


def typed_columns(
    df: pd.DataFrame, schema: list[Column], shown: str, max_count: int = MAX_COUNT
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check the columns of ``schema`` in a table read as text; return the typed frame and every problem.

    ``code``: a BPS code of the reference list; ``month``: ``YYYY-MM``; ``count``: a finite whole number of
    persons from the column's minimum up to ``max_count``; ``number``: a finite number inside the column's
    bounds; ``choice``: one of the column's allowed values (a closed set, checked before anything is grouped);
    ``text``: kept as it is. Values are echoed in messages only through :func:`short_repr`."""
    problems = _check_columns(df, schema, shown)
    if problems:
        return df, problems
    out = pd.DataFrame(index=df.index)
    known = set(reference_regions()["code"])
    for col in [*schema, DATA_LABEL]:
        if col.name not in df.columns:
            continue
        s = df[col.name].astype(str).str.strip()
        missing = s.eq("")
        if col.required and missing.any():
            problems.append(
                Problem(
                    shown,
                    f"{_rows(s.index[missing])}, column '{col.name}'",
                    "",
                    f"the value is empty; {col.description}",
                )
            )
        present = ~missing
        if col.kind == "code":
            bad = present & ~s.isin(known)
            if bad.any():
                problems.append(
                    Problem(
                        shown,
                        f"{_rows(s.index[bad])}, column '{col.name}'",
                        short_repr(s[bad].iloc[0]),
                        "unknown region code; allowed: the 10 Kaltim "
                        "kab/kota codes (6401 … 6474) and the 2-digit codes of the other provinces",
                    )
                )
            out[col.name] = s
        elif col.kind == "month":
            bad = present & ~s.str.match(_MONTH_RE)
            if bad.any():
                problems.append(
                    Problem(
                        shown,
                        f"{_rows(s.index[bad])}, column '{col.name}'",
                        short_repr(s[bad].iloc[0]),
                        "months must all be written YYYY-MM (e.g. 2024-06); mixed date formats are not accepted",
                    )
                )
            out[col.name] = pd.to_datetime(s.where(present & ~bad), format="%Y-%m", errors="coerce")
        elif col.kind in ("count", "number"):
            out[col.name], found = _numbers(s, present, col, shown, max_count)
            problems += found
        elif col.kind == "choice":
            bad = present & ~s.isin(col.allowed)
            if bad.any():
                problems.append(
                    Problem(
                        shown,
                        f"{_rows(s.index[bad])}, column '{col.name}'",
                        short_repr(s[bad].iloc[0]),
                        "allowed: " + ", ".join(col.allowed) + ("" if col.required else " or empty"),
                    )
                )
            out[col.name] = s
        else:
            out[col.name] = s
    return out, problems


def _numbers(s: pd.Series, present: pd.Series, col: Column, shown: str, max_count: int):
    """The numbers of a ``count`` or ``number`` column and the problems found (see :func:`typed_columns`)."""
    problems = []
    persons = col.kind == "count"
    unit = "a whole number of persons" if persons else "a number"

    def flag(mask, allowed):
        if mask.any():
            problems.append(
                Problem(shown, f"{_rows(s.index[mask])}, column '{col.name}'", short_repr(s[mask].iloc[0]), allowed)
            )

    num = pd.to_numeric(s.str.replace("_", "", regex=False), errors="coerce")
    flag(present & num.isna(), f"must be {unit} (digits only, no thousands separators)")
    flag(present & num.notna() & ~np.isfinite(num), f"must be finite {unit} (inf is not allowed)")
    num = num.where(np.isfinite(num))
    if persons:
        flag(
            present & num.notna() & (num > max_count),
            f"is not a plausible number of persons: at most "
            f"data.max_count = {max_count:,} (raise it in params if this is right)",
        )
        flag(present & num.notna() & (num != np.round(num)), "must be a whole number of persons")
    if col.min is not None:
        flag(present & num.notna() & (num < col.min), f"must be at least {col.min:g}")
    if col.max is not None:
        flag(present & num.notna() & (num > col.max), f"must be at most {col.max:g}")
    if persons and not col.required:
        return num.fillna(0).astype("int64"), problems
    return num, problems


def validate_panel(df: pd.DataFrame, shown: str, max_count: int = MAX_COUNT) -> tuple[pd.DataFrame, list[Problem]]:
    """Check a panel read as text; return the typed frame and every problem found.

    Counts must be finite whole numbers from the column's minimum up to ``max_count`` persons."""
    out, problems = typed_columns(df, PANEL, shown, max_count)
    if problems:
        return out, problems
    dup = out.duplicated(["region_code", "period"], keep=False)
    if dup.any():
        first = out[dup].iloc[0]
        problems.append(
            Problem(
                shown,
                f"{_rows(out.index[dup])}, columns 'region_code' + 'period'",
                f"{first['region_code']} {first['period']:%Y-%m}",
                "each region and month may appear once",
            )
        )
    problems += consistency(out, shown)
    return out, problems


def consistency(out: pd.DataFrame, shown: str, locate=None) -> list[Problem]:
    """Counts that contradict each other: a coverage above 100%, segments above the total. ``locate`` names the
    offending rows (default: row numbers of the file)."""
    locate = locate or _rows
    problems = []
    target = out["target_workers"] if "target_workers" in out.columns else pd.Series(0, index=out.index)
    checks = [
        ("bpu_participants", out["vulnerable_workers"], "vulnerable_workers", "vulnerable-worker coverage above 100%"),
        (
            "participants_total",
            out["working_pop"].where(target <= 0, target),
            "target_workers (or working_pop)",
            "total coverage above 100%",
        ),
        ("bpu_participants", out["participants_total"], "participants_total", "BPU is one segment of the total"),
    ]
    if "pu_participants" in out.columns:
        checks.append(
            (
                "pu_participants",
                out["participants_total"] - out["bpu_participants"],
                "participants_total - bpu_participants",
                "PU and BPU are separate segments of the total",
            )
        )
    for num_col, limit, den_label, why in checks:
        over = out[num_col] > limit
        if over.any():
            problems.append(
                Problem(
                    shown,
                    f"{locate(out.index[over])}, column '{num_col}'",
                    str(int(out.loc[over, num_col].iloc[0])),
                    f"must not exceed {den_label} ({why})",
                )
            )
    return problems


def raise_problems(problems: list[Problem], shown: str) -> None:
    """Raise a :class:`DataError` with the first :data:`MAX_REPORTED` problems (and how many more), if any."""
    if problems:
        extra = len(problems) - MAX_REPORTED
        raise DataError(
            problems[:MAX_REPORTED] + ([Problem(shown, f"and {extra} more problems", "", "")] if extra > 0 else [])
        )


def load_panel(
    path: str | Path, *, max_mb: float = 200, display: str | None = None, max_count: int = MAX_COUNT
) -> Dataset:
    """Read and validate a monthly panel (CSV or XLSX) → :class:`Dataset` (real data)."""
    path = Path(path)
    shown = display or str(path)
    df = read_table(path, shown, max_mb)
    if df.empty:
        raise DataError([Problem(shown, "file", "", "the file has a header but no data rows")])
    out, problems = validate_panel(df, shown, max_count)
    raise_problems(problems, shown)
    return real_dataset(out, {shown: sha256_file(path)}, source=shown)


def real_dataset(panel: pd.DataFrame, files: dict[str, str], **meta) -> Dataset:
    """A :class:`Dataset` of real data from a checked monthly panel (names and levels from the reference list,
    optional counts filled with 0, coverage added)."""
    out = panel.copy()
    reg = reference_regions().set_index("code")
    out["region_name"] = out["region_code"].map(reg["name"])
    out["level"] = out["region_code"].map(reg["level"])
    for col in PANEL:
        if col.kind == "count" and col.name not in out.columns:
            out[col.name] = 0
    denominator = total_denominator(out)
    labelled = "data_label" in out.columns and out["data_label"].eq(SYNTHETIC_LABEL).any()
    out = add_coverage(
        out.drop(columns=["data_label"], errors="ignore").sort_values(["region_code", "period"], ignore_index=True)
    )
    # example files written by the simulator say SYNTHETIC DATA on every row: the report is stamped the same way
    info = {
        "synthetic": bool(labelled),
        "label": SYNTHETIC_LABEL if labelled else "",
        "total_denominator": denominator,
        **meta,
    }
    return Dataset(panel=out, meta=info, truth=None, files=files)
