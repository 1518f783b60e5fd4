"""The files the programme produces after the decree, read and checked: the determined lists (penetapan), BPJS
Ketenagakerjaan invoice lines (tagihan), the province's payments (SP2D) against its budget lines (DPA), the benefits
paid (klaim), and the death and membership reference lists (schemas in :mod:`evalkit.data.schemas`).

Every file is checked before anything is computed: its columns against the template, every value of every row
(types, closed sets, bounds; dates ``YYYY-MM-DD``, months ``YYYY-MM``; a NIK 16 digits written as text), then
across files: months inside the run's window (``policy.start_month`` … December of ``budget.end_year``), a payment
only on a budget line of the DPA, a claim only for a person an invoice billed. A problem names the file, row and
column and what is allowed — never a NIK. The NIK is replaced by a salted id (:func:`evalkit.core.hashing`) at
once: nothing downstream sees it. Large CSV files are checked by DuckDB in SQL, column by column.

:func:`read_oversight` returns the hashed tables; :func:`invoice_summary` the recipient-months and Rupiah billed per
month, kab/kota and funder (no ids) that the budget measures its determination gap and funding shares from.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core import cache
from ..core.hashing import canonical_json, salted_hash_sql
from ..core.salt import get_salt
from ..errors import DataError, Problem, short_repr
from ..reference import kaltim_codes
from .loaders import ARCHIVE, _check_columns, check_file, is_archive, open_sheet
from .schemas import DEATHS, MEMBERS, OVERSIGHT_SCHEMAS, Column

if TYPE_CHECKING:
    from ..params.schema import Params

FILES = ("determined", "invoices", "payments", "dpa", "claims", "deaths", "members")
#: The kinds of invoice discrepancy the reconciliation (:mod:`evalkit.oversight.reconcile`) reports, in report
#: order: the one list the reconciliation, the synthetic generator and the report's declared tables use.
INVOICE_CHECKS = (
    "billed_not_determined",
    "determined_not_billed",
    "double_billed",
    "billed_after_death",
    "before_decree",
    "amount_mismatch",
)
SCHEMAS = {**OVERSIGHT_SCHEMAS, "deaths": DEATHS, "members": MEMBERS}
NIK = re.compile(r"[0-9]{16}")
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MAX_ROWS = 50_000_000  # a national programme's year of invoices is about 10 million lines


@dataclass
class OversightInputs:
    """The hashed tables (``id`` replaces the NIK; months as ``YYYY-MM`` text, dates as ``datetime64``); a table the
    params do not name is ``None``. ``files``: the params key → the file read."""

    determined: pd.DataFrame | None = None
    invoices: pd.DataFrame | None = None
    payments: pd.DataFrame | None = None
    dpa: pd.DataFrame | None = None
    claims: pd.DataFrame | None = None
    deaths: pd.DataFrame | None = None
    members: pd.DataFrame | None = None
    files: dict = field(default_factory=dict)
    synthetic: bool = False

    @property
    def any(self) -> bool:
        return any(getattr(self, name) is not None for name in FILES)


# -- reading --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CsvFile:
    """A CSV file DuckDB reads itself (multi-threaded, every column as text)."""

    path: Path
    sep: str = ","


def _raw(path: Path, shown: str, schema: list[Column], max_mb: float) -> tuple[pd.DataFrame | CsvFile, set[int]]:
    """An XLSX as text columns, or a CSV left for DuckDB to read; and the rows whose NIK cell is a number (an XLSX
    cell that lost digits)."""
    check_file(path, shown, max_mb)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        kinds = {c.name: c.kind for c in schema}
        ws = open_sheet(path, shown, max_mb, read_only=True)
        rows = ws.iter_rows(values_only=True)
        header = ["" if h is None else str(h).strip() for h in next(rows, [])]
        numeric: set[int] = set()
        body: list[list[str]] = []
        for r in rows:
            if r is None or all(x is None for x in r):
                continue
            line = []
            for name, x in zip(header, list(r) + [None] * (len(header) - len(r))):
                if x is None:
                    line.append("")
                elif hasattr(x, "strftime"):
                    line.append(x.strftime("%Y-%m" if kinds.get(name) == "month" else "%Y-%m-%d"))
                elif isinstance(x, float) and x.is_integer():
                    line.append(str(int(x)))
                else:
                    line.append(str(x))
                if name == "nik" and isinstance(x, (int, float)) and not isinstance(x, bool):
                    numeric.add(len(body))
            body.append(line)
        return pd.DataFrame(body, columns=header, dtype=str), numeric
    if suffix not in (".csv", ".txt"):
        raise DataError([Problem(shown, "file", repr(path.suffix), "allowed file types: .csv (UTF-8) or .xlsx")])
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if is_archive(head[:6]):
        raise DataError([Problem(shown, "file", "", ARCHIVE)])
    try:
        lines = head.decode("utf-8-sig").splitlines() if head.strip() else []
    except UnicodeDecodeError:
        raise DataError(
            [
                Problem(
                    shown,
                    "row 1",
                    "",
                    "the file is not UTF-8 text (saved as ANSI/Latin-1?); save it as 'CSV UTF-8' from Excel",
                )
            ]
        ) from None
    if not lines or not lines[0].strip():
        raise DataError([Problem(shown, "file", "", "the file holds no data; it needs a header row and data rows")])
    first = lines[0]
    return CsvFile(path, ";" if first.count(";") > first.count(",") else ","), set()


def _where(rows, column: str) -> str:
    rows = list(rows)
    shown = ", ".join(str(int(r) + 2) for r in rows[:5])
    return f"row{'s' if len(rows) > 1 else ''} {shown}, column '{column}'"


def _ident(name: str) -> str:
    """A column name from a file or params as a quoted SQL identifier (never spliced unquoted)."""
    return '"' + str(name).replace('"', '""') + '"'


def _apply_mapping(
    con, table: str, columns: list[str], mapping, schema: list[Column], shown: str, where: str
) -> list[str]:
    """Rename the file's own columns to the template's and translate its values (``data.mappings.<file>``)."""
    allowed = {c.name for c in schema}
    wrong = sorted(
        {dst for dst in mapping.columns.values() if dst not in allowed}
        | {col for col in mapping.values if col not in allowed}
    )
    if wrong:
        raise DataError(
            [
                Problem(
                    shown,
                    f"params key `{where}`",
                    ", ".join(wrong),
                    "not a column of this file's template; allowed: " + ", ".join(c.name for c in schema),
                )
            ]
        )
    for src, dst in mapping.columns.items():
        if src in columns and src != dst:
            if dst in columns:
                raise DataError(
                    [
                        Problem(
                            shown,
                            f"column '{dst}'",
                            "",
                            f"the file has both {src!r} and {dst!r}; "
                            f"{where} maps {src!r} onto {dst!r}: remove one of them",
                        )
                    ]
                )
            con.execute(f"ALTER TABLE {table} RENAME COLUMN {_ident(src)} TO {_ident(dst)}")
            columns = [dst if c == src else c for c in columns]
    for col, pairs in mapping.values.items():
        if col in columns and pairs:
            con.register("value_map", pd.DataFrame({"src": list(pairs), "dst": list(pairs.values())}, dtype=str))
            con.execute(
                f"UPDATE {table} SET {_ident(col)} = m.dst FROM value_map m "
                f"WHERE trim(CAST({table}.{_ident(col)} AS VARCHAR)) = m.src"
            )
            con.unregister("value_map")
    return columns


def _load(con, table: str, source, shown: str) -> list[str]:
    """``source`` (a frame, or a CSV DuckDB reads) as the DuckDB table ``table`` in the file's row order; its
    column names."""
    import duckdb

    if isinstance(source, CsvFile):
        try:
            con.execute(
                f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, all_varchar = true, header = true, "
                "delim = ?, quote = '\"', escape = '\"')",
                [str(source.path), source.sep],
            )
        except duckdb.Error as exc:
            m = re.search(r"[Ll]ine:? (\d+)", str(exc))
            raise DataError(
                [
                    Problem(
                        shown,
                        f"row {m.group(1)}" if m else "file",
                        "",
                        "the CSV cannot be parsed (a row with too many or too few fields, a stray quote, "
                        "or not UTF-8 text); check separators and quotes",
                    )
                ]
            ) from None
    else:
        con.register("frame_in", source)
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM frame_in")
        con.unregister("frame_in")
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    if rows > MAX_ROWS:
        raise DataError([Problem(shown, "file", f"{rows:,} rows", f"at most {MAX_ROWS:,} rows are read")])
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def _text(name: str) -> str:
    """A column as trimmed text, empty instead of NULL."""
    return f"coalesce(trim(CAST(\"{name}\" AS VARCHAR)), '')"


def _check_values(
    con,
    table: str,
    columns: list[str],
    schema: list[Column],
    shown: str,
    numeric_nik: set[int],
    window: tuple[str, str],
) -> list[Problem]:
    """Every value of every row of the DuckDB table ``table``, in SQL (row numbers are the file's: the header is row
    1; ``rowid`` keeps the file's order)."""
    problems: list[Problem] = []
    rules: list[tuple[str, Column, str, bool]] = []

    def bad(condition: str, column: Column, allowed: str, echo: bool = True) -> None:
        rules.append((condition, column, allowed, echo))

    quote = "chr(39)"  # Excel's text marker ' before a NIK is dropped
    for c in schema:
        if c.name not in columns:
            continue
        col = _text(c.name)
        if c.required:
            bad(f"{col} = ''", c, f"the value is empty; {c.description}")
        present = f"{col} <> ''"
        if c.name == "nik":
            bad(
                f"{present} AND NOT regexp_full_match(ltrim({col}, {quote}), '[0-9]{{16}}')",
                c,
                "a NIK is exactly 16 digits written as text, nothing else (no dash, space or letter)",
                echo=False,
            )
            if numeric_nik:
                problems.append(
                    Problem(
                        shown,
                        _where(sorted(numeric_nik), "nik"),
                        "",
                        "the NIK is stored as a number "
                        "(in Excel, its last digits are lost): format the column as Text and type it "
                        "again",
                    )
                )
        elif c.kind == "code":
            codes = ", ".join(f"'{k}'" for k in sorted(kaltim_codes()))  # the reference list's codes, not user text
            bad(
                f"{present} AND {col} NOT IN ({codes})",
                c,
                "a Kaltim kab/kota BPS code (6401 … 6474; the reference list in data/reference/regions.csv)",
            )
        elif c.kind == "month":
            bad(
                f"{present} AND NOT regexp_full_match({col}, '{MONTH[1:-1]}')",
                c,
                "a month written YYYY-MM (e.g. 2025-06)",
            )
            bad(
                f"{present} AND regexp_full_match({col}, '{MONTH[1:-1]}') AND ({col} < '{window[0]}' OR {col} > "
                f"'{window[1]}')",
                c,
                f"a month inside the run's window, {window[0]} (policy.start_month) to "
                f"{window[1]} (December of budget.end_year)",
            )
        elif c.kind == "date":
            bad(
                f"{present} AND (NOT regexp_full_match({col}, '{DATE[1:-1]}') OR try_strptime({col}, '%Y-%m-%d') IS NULL)",
                c,
                "a real date written YYYY-MM-DD (e.g. 2025-03-17)",
            )
        elif c.kind == "number":
            number = f"try_cast({col} AS DOUBLE)"
            bad(
                f"{present} AND ({number} IS NULL OR NOT isfinite({number}))",
                c,
                "a finite number (digits only, a dot for decimals, no thousands separators)",
            )
            if c.min is not None:
                bad(
                    f"{present} AND {number} < {c.min!r}",
                    c,
                    f"at least {c.min:g}" + (" (a negative amount is not allowed)" if c.min == 0 else ""),
                )
            if c.max is not None:
                bad(f"{present} AND {number} > {c.max!r}", c, f"at most {c.max:g}")
            if c.name == "tahun":
                bad(f"{present} AND {number} <> round({number})", c, "a whole year")
        elif c.kind == "choice":
            allowed = ", ".join("'" + a.replace("'", "''") + "'" for a in c.allowed)
            bad(
                f"{present} AND {col} NOT IN ({allowed})",
                c,
                "allowed: " + ", ".join(c.allowed) + ("" if c.required else " or empty"),
            )
    if not rules:
        return problems
    # one pass counts every rule's failing rows; only a rule that fails is looked at again for its first rows
    counts = con.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE {cond})" for cond, *_ in rules) + f" FROM {table}"
    ).fetchall()[0]
    for (condition, column, allowed, echo), n in zip(rules, counts):
        if not n:
            continue
        hit = con.execute(
            f"SELECT rowid, {_ident(column.name)} FROM {table} WHERE {condition} ORDER BY rowid LIMIT 5"
        ).fetchall()
        where = _where([h[0] for h in hit], column.name) + (f" (and {n - 5:,} more rows)" if n > 5 else "")
        problems.append(Problem(shown, where, short_repr(hit[0][1]) if echo else "", allowed))
    return problems


def _typed(con, table: str, columns: list[str], schema: list[Column], salt: str) -> pd.DataFrame:
    """The checked table with the NIK replaced by its salted id (the membership number dropped) and values typed."""
    parts = []
    source = table
    if "nik" in columns:  # each distinct NIK is hashed once (a person has a line a month), then joined back
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE ids_{table} AS SELECT nik_text, "
            f"{salted_hash_sql('nik_text')} AS id FROM (SELECT DISTINCT ltrim({_text('nik')}, chr(39)) AS nik_text "
            f"FROM {table})",
            {"salt": salt},
        )
        source = (
            f"(SELECT t.rowid AS _row, t.*, i.id FROM {table} t JOIN ids_{table} i "
            f"ON i.nik_text = ltrim({_text('nik')}, chr(39)))"
        )
    for c in schema:
        if c.name not in columns or c.name == "no_kpj":  # a membership number identifies a person as a NIK does
            continue
        col = _text(c.name)
        if c.name == "nik":
            parts.append("id")
        elif c.kind == "number":
            parts.append(f"try_cast(nullif({col}, '') AS DOUBLE) AS {c.name}")
        elif c.kind == "date":
            parts.append(f"CAST(try_strptime(nullif({col}, ''), '%Y-%m-%d') AS DATE) AS {c.name}")
        else:
            parts.append(f"{col} AS {c.name}")
    # the file's row order matters where a later check names rows (payments, claims); the big tables need none
    order = f" ORDER BY {'_row' if source != table else 'rowid'}" if table in ("t_payments", "t_claims") else ""
    import pyarrow as pa

    with warnings.catch_warnings():  # DuckDB notes the one copy Arrow output makes here; it is the copy we want
        warnings.simplefilter("ignore", UserWarning)
        table_ = con.execute(f"SELECT {', '.join(parts)} FROM {source}{order}").to_arrow_table()
    # text stays in Arrow buffers (no Python string per cell): millions of invoice lines convert in a fraction
    return table_.to_pandas(
        date_as_object=False,
        types_mapper={pa.string(): pd.StringDtype("pyarrow"), pa.large_string(): pd.StringDtype("pyarrow")}.get,
    )


def _window(params: Params) -> tuple[str, str]:
    return params.policy.start_month, f"{params.budget.end_year}-12"


def load_checked(
    con,
    table: str,
    source,
    schema: list[Column],
    shown: str,
    numeric: set[int],
    params: Params,
    mapping=None,
    where: str = "",
) -> tuple[list[str], list[Problem]]:
    """One input file (a text frame or a :class:`CsvFile`) as the DuckDB table ``table``, mapped onto its template
    (``mapping``, params key ``where``) and checked: its columns, then every value. Returns its column names and
    the problems (none: the table is ready for :func:`_typed`)."""
    columns = _load(con, table, source, shown)
    if mapping is not None:
        columns = _apply_mapping(con, table, columns, mapping, schema, shown, where)
    found = _check_columns(pd.DataFrame(columns=columns), schema, shown)
    return columns, found or _check_values(con, table, columns, schema, shown, numeric, _window(params))


def check_tables(
    frames: dict[str, tuple[object, str, set[int]]], params: Params, salt: str, mappings: dict | None = None
) -> OversightInputs:
    """Check the files (name → (a text frame or a :class:`CsvFile`, the file shown in messages, rows with a numeric
    NIK)) and hash them; raise one :class:`DataError` listing every problem of every file."""
    import duckdb

    con = duckdb.connect()
    problems: list[Problem] = []
    columns = {}
    try:
        for name, (source, shown, numeric) in frames.items():
            columns[name], found = load_checked(
                con,
                f"t_{name}",
                source,
                SCHEMAS[name],
                shown,
                numeric,
                params,
                (mappings or {}).get(name),
                f"data.mappings.{name}",
            )
            problems += found
        if problems:
            raise DataError(problems)
        out = OversightInputs(files={name: shown for name, (_, shown, _) in frames.items()})
        for name in frames:
            setattr(out, name, _typed(con, f"t_{name}", columns[name], SCHEMAS[name], salt))
            if (
                "data_label" in columns[name]
                and con.execute(f"SELECT count(*) FROM t_{name} WHERE {_text('data_label')} <> ''").fetchall()[0][0]
            ):
                out.synthetic = True
    finally:
        con.close()
    problems = _across(out, frames)
    if problems:
        raise DataError(problems)
    return out


def _across(t: OversightInputs, frames: dict) -> list[Problem]:
    """Checks between files: a payment on a DPA line, a claim for a person billed."""
    problems = []
    if t.payments is not None and t.dpa is not None:
        lines = set(zip(t.dpa["kode_rekening"], t.dpa["sumber_dana"], t.dpa["tahun"].astype(int)))
        years = pd.to_datetime(t.payments["periode"], format="%Y-%m").dt.year
        missing = [
            i
            for i, k in enumerate(zip(t.payments["kode_rekening"], t.payments["sumber_dana"], years))
            if k not in lines
        ]
        if missing:
            problems.append(
                Problem(
                    frames["payments"][1],
                    _where(np.array(missing), "kode_rekening"),
                    short_repr(t.payments["kode_rekening"].iloc[missing[0]]),
                    "a payment must name a budget line (kode_rekening and sumber_dana) of the DPA "
                    f"for its year ({frames['dpa'][1]})",
                )
            )
    if t.claims is not None and t.invoices is not None:
        billed = set(t.invoices["id"])
        missing = np.flatnonzero(~t.claims["id"].isin(billed)).tolist()
        if len(missing):
            problems.append(
                Problem(
                    frames["claims"][1],
                    _where(missing, "nik"),
                    "",
                    "a claim for a person no invoice line billed: a benefit paid for someone the "
                    f"programme never covered ({frames['invoices'][1]})",
                )
            )
    return problems


def _parts(params: Params) -> dict | None:
    """What the checked oversight tables depend on (the cache key's parts); ``None`` when no file is named."""
    d, root = params.data, params.project_root
    named = {name: getattr(d, name) for name in FILES if getattr(d, name)}
    if not named:
        return None
    return {
        "files": {n: cache.file_digest(root / f) for n, f in named.items()},
        "salt": cache.salt_fingerprint(),
        "mappings": {n: m.model_dump(mode="json") for n, m in d.mappings.items()},
        "window": list(_window(params)),
        "max_mb": d.max_file_mb,
    }


def read_oversight(params: Params) -> OversightInputs:
    """The oversight files the params name (``data.determined`` … ``data.members``), checked and hashed (cached
    by the files' digests and the salt's fingerprint). Empty when none is named."""
    d, root = params.data, params.project_root
    parts = _parts(params)
    if parts is None:
        return OversightInputs()
    named = {name: getattr(d, name) for name in FILES if getattr(d, name)}

    def compute():
        frames = {}
        for name, rel in named.items():
            df, numeric = _raw(root / rel, rel, SCHEMAS[name], d.max_file_mb)
            frames[name] = (df, rel, numeric)
        got = check_tables(frames, params, get_salt(), d.mappings)
        return (
            {n: getattr(got, n) for n in FILES if getattr(got, n) is not None},
            {"files": got.files, "synthetic": got.synthetic},
        )

    tables, meta = cache.cached(root, "oversight", parts, compute)
    return OversightInputs(**{n: tables.get(n) for n in FILES}, files=meta["files"], synthetic=meta["synthetic"])


def invoice_summary(invoices: pd.DataFrame | None) -> pd.DataFrame | None:
    """Per month (``periode``), kab/kota (``kode_wilayah``) and funder (``sumber_dana``): persons billed (distinct
    ids) and Rupiah billed (JKK + JKM) — no ids. ``None`` without invoices."""
    if invoices is None or invoices.empty:
        return None
    inv = invoices.assign(rupiah=invoices["iuran_jkk_rupiah"] + invoices["iuran_jkm_rupiah"])
    return (
        inv.groupby(["periode", "kode_wilayah", "sumber_dana"])
        .agg(persons=("id", "nunique"), rupiah=("rupiah", "sum"))
        .reset_index()
    )


# -- what the budget and the oversight page measure in the invoices (one rule for both) --------------------------
#: the share of a year's determined list (without one: of the year's largest monthly head count) billed in a month
#: that marks the new list as enrolled: the months before it are the measured determination gap
ENROLLED_SHARE = 0.5
FUNDER_SOURCE = {"apbd_prov": "province", "apbd_kabkota": "kabkota", "csr": "csr"}


def list_sizes(determined: pd.DataFrame | None) -> dict[int, int]:
    """Persons on each budget year's determined list."""
    if determined is None or determined.empty:
        return {}
    return {int(y): int(n) for y, n in determined.groupby(determined["tahun"].astype(int))["id"].nunique().items()}


def invoice_gaps(summary: pd.DataFrame | None, sizes: dict[int, int] | None = None) -> dict[int, int]:
    """The measured determination gap of each invoiced year: the months before the first month in which at least
    :data:`ENROLLED_SHARE` of the year's determined list (``sizes``; without it, of the year's largest monthly head
    count) is billed. A year with no billing has no gap."""
    if summary is None or summary.empty:
        return {}
    monthly = summary.groupby("periode")["persons"].sum()
    out = {}
    for year in sorted({int(p[:4]) for p in monthly.index}):
        full = np.zeros(12)
        for month, n in monthly[monthly.index.str.startswith(str(year))].items():
            full[int(month[5:7]) - 1] = n
        base = (sizes or {}).get(year) or full.max()
        if base <= 0 or not (full >= ENROLLED_SHARE * base).any():
            continue
        out[year] = int(np.flatnonzero(full >= ENROLLED_SHARE * base)[0])
    return out


def invoice_shares(summary: pd.DataFrame | None) -> tuple[pd.DataFrame | None, int | None]:
    """Recipient-months billed to each funder (``province``, ``kabkota``, ``csr``) per kab/kota in the latest
    invoiced year, as counts (a kab/kota's row divided by its sum gives its shares), and that year."""
    if summary is None or summary.empty:
        return None, None
    year = int(summary["periode"].str[:4].astype(int).max())
    last = summary[summary["periode"].str[:4] == str(year)]
    wide = last.pivot_table(index="kode_wilayah", columns="sumber_dana", values="persons", aggfunc="sum", fill_value=0)
    return wide.rename(columns=FUNDER_SOURCE).reindex(columns=list(FUNDER_SOURCE.values()), fill_value=0), year


@dataclass(frozen=True)
class MeasuredInvoices:
    """What the budget reads from the invoice file: ``summary`` (:func:`invoice_summary`) and ``sizes`` (the
    determined lists' sizes by year, empty without a determined file)."""

    summary: pd.DataFrame
    sizes: dict


_MEASURED: dict[str, MeasuredInvoices | None] = {}


def measured_invoices(params: Params) -> MeasuredInvoices | None:
    """The invoice summary and list sizes of the files the params name (``None`` without ``data.invoices``), read
    once per process for the same files: the budget engine asks for them in every solve."""
    if not params.data.invoices:
        return None
    key = f"{params.project_root}|{canonical_json(_parts(params))}"
    if key not in _MEASURED:
        inputs = read_oversight(params)
        summary = invoice_summary(inputs.invoices)
        if len(_MEASURED) > 8:
            _MEASURED.clear()
        _MEASURED[key] = None if summary is None else MeasuredInvoices(summary, list_sizes(inputs.determined))
    return _MEASURED[key]
