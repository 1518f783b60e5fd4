"""Every result table of a run in one Excel workbook (one sheet per table, README sheet with the manifest)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..core.xlsx import defuse_formulas
from .tables import read_table

RUPIAH = '"Rp" #,##0'
PCT = "0.0"
FLOAT = "0.000"
INT = "#,##0"


def _sheet_name(stem: str, used: set[str]) -> str:
    name = re.sub(r"^\d\d-[a-z-]+__", "", stem)  # drop the notebook prefix: 03-budget-allocation__budget_path
    prefix = stem[:2]
    name = re.sub(r"[\[\]\*\?/\\:]", "_", f"{prefix} {name}")[:31]
    base, k = name, 2
    while name in used:
        name = f"{base[:28]}~{k}"
        k += 1
    used.add(name)
    return name


def _number_format(column: str, values) -> str | None:
    c = column.lower()
    if any(w in c for w in ("rupiah", "cost", "budget", "arrears", "revenue", "cap_", "_cap")):
        return RUPIAH
    if c.endswith("_pct") or c in ("before", "after", "coverage", "coverage_level"):
        return PCT
    if re.search(r"(^|_)(recipients|newly_covered|eligible_uncovered|persons|headcount)$", c) or c.startswith("subsidised_"):
        return INT
    return None


def export_workbook(run_dir: Path, target: Path) -> Path:
    """Write ``target`` (xlsx) from ``run_dir/tables/*.csv`` and ``run_dir/manifest.json``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    synthetic = manifest["data"]["synthetic"]
    rows = [("evalkit", manifest["evalkit_version"]), ("scenario", manifest["scenario"]), ("run", manifest["run_id"]),
            ("data", "SYNTHETIC DATA — not real figures" if synthetic else "real data"),
            ("params hash", manifest["params"]["hash"]), ("data hash", manifest["data"]["panel_sha256"]),
            ("git commit", str(manifest["git"].get("commit"))), ("seed", manifest["seed"]),
            ("started", manifest["started"]), ("finished", manifest["finished"]), ("", ""),
            ("sheet", "table (source CSV in tables/)")]
    for r in rows:
        readme.append(list(r))
    readme["A1"].font = Font(bold=True)
    if synthetic:
        readme["B4"].font = Font(bold=True, color="C0392B")
    used: set[str] = {"README"}
    header_fill = PatternFill("solid", fgColor="E4E7EB")
    for csv in sorted((run_dir / "tables").glob("*.csv")):
        df = read_table(csv)
        name = _sheet_name(csv.stem, used)
        readme.append([name, csv.name])
        ws = wb.create_sheet(name)
        ws.append(list(df.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        # columns of whole numbers (persons, whole Rupiah) are written as integers, also when a suppressed
        # cell made pandas read them as floats
        whole = [df[c].dtype.kind == "f" and bool(df[c].dropna().map(float.is_integer).all()) for c in df.columns]
        for rec in df.itertuples(index=False):
            ws.append([None if (isinstance(v, float) and v != v) else int(v) if w else v for v, w in zip(rec, whole)])
        for j, col in enumerate(df.columns, start=1):
            fmt = _number_format(str(col), df[col])
            letter = ws.cell(row=1, column=j).column_letter
            ws.column_dimensions[letter].width = max(10, min(40, len(str(col)) + 4))
            if fmt and df[col].dtype.kind in "if":
                for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    row[0].number_format = fmt
        ws.freeze_panes = "A2"
    readme.column_dimensions["A"].width = 34
    readme.column_dimensions["B"].width = 70
    defuse_formulas(wb)  # text from data never becomes a live formula
    wb.save(target)
    return target
