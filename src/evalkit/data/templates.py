"""Excel and CSV templates for every input evalkit reads (``evalkit templates``; shipped in ``data/templates/``).

Each XLSX holds the sheet ``data`` (first, so the loaders read it: the header row, dropdown lists for coded
columns, text format for identifiers such as the NIK) and the sheet ``kolom`` explaining each column in
Bahasa Indonesia and English terms: meaning, unit, allowed values and which institution holds the data.
The CSV is the header row alone (UTF-8). Templates hold no data.
"""

from __future__ import annotations

from pathlib import Path

from ..reference import regions
from .schemas import SCHEMAS, Column

KINDS = {
    "code": "kode wilayah / region code",
    "month": "bulan / month YYYY-MM",
    "date": "tanggal / date YYYY-MM-DD",
    "count": "jumlah orang / persons (whole number)",
    "number": "angka / number",
    "text": "teks / text",
    "choice": "pilihan / one of the allowed values",
}


def _allowed(name: str, column: Column) -> list[str]:
    if column.allowed:
        return list(column.allowed)
    if column.kind == "code":
        reg = regions()
        codes = (
            reg["code"] if name in ("panel", "denominators", "offices") else reg.loc[reg["level"] == "kabkota", "code"]
        )
        return sorted(codes)
    return []


def write_templates(folder: Path) -> list[Path]:
    """Write ``<input>.xlsx`` and ``<input>.csv`` for every schema into ``folder``; returns the files."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, columns in SCHEMAS.items():
        wb = Workbook()
        data = wb.active
        data.title = "data"
        data.append([c.name for c in columns])
        lists = wb.create_sheet("daftar")  # the dropdown values, one column per coded column
        for j, column in enumerate(columns, start=1):
            cell = data.cell(row=1, column=j)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E4E7EB")
            letter = cell.column_letter
            data.column_dimensions[letter].width = max(12, len(column.name) + 4)
            if column.kind in ("text", "code", "month", "date", "choice"):
                for row in range(2, 1002):  # identifiers and codes stay text: a NIK typed as a number loses digits
                    data.cell(row=row, column=j).number_format = "@"
            values = _allowed(name, column)
            if values:
                for i, v in enumerate(values, start=1):
                    lists.cell(row=i, column=j, value=v).number_format = "@"
                rule = DataValidation(
                    type="list",
                    formula1=f"=daftar!${letter}$1:${letter}${len(values)}",
                    allow_blank=not column.required,
                    showErrorMessage=True,
                    errorTitle=column.name,
                    error="Pilih nilai dari daftar / choose a listed value",
                )
                data.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}100000")
        data.freeze_panes = "A2"
        lists.sheet_state = "hidden"
        notes = wb.create_sheet("kolom")
        notes.append(
            [
                "kolom / column",
                "wajib / required",
                "jenis / type",
                "arti / meaning",
                "nilai yang boleh / allowed",
                "sumber data / held by",
            ]
        )
        for cell in notes[1]:
            cell.font = Font(bold=True)
        for column in columns:
            values = _allowed(name, column)
            allowed = (
                ", ".join(values)
                if values and column.kind == "choice"
                else (
                    f"{len(values)} kode (lihat daftar di kolom data)"
                    if values
                    else (f">= {column.min:g}" if column.min is not None else "")
                )
            )
            notes.append(
                [
                    column.name,
                    "ya / yes" if column.required else "tidak / no",
                    KINDS[column.kind],
                    column.description,
                    allowed,
                    column.producer,
                ]
            )
        for letter, width in zip("ABCDEF", (24, 14, 30, 70, 40, 36)):
            notes.column_dimensions[letter].width = width
        xlsx = folder / f"{name}.xlsx"
        wb.save(xlsx)
        csv = folder / f"{name}.csv"
        csv.write_text(",".join(c.name for c in columns) + "\n", encoding="utf-8")
        written += [xlsx, csv]
    return written
