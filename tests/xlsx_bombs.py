"""Spreadsheet bombs, written without building them in memory: a sheet with a million rows that packs under 1 MB,
and a sheet whose one far cell (XFD1048576) makes a parser allocate the whole rectangle."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>nik</t></is></c></row>'
)
TAIL = b"</sheetData></worksheet>"


def _with_sheet(path: Path, write_rows) -> Path:
    base = path.with_suffix(".base.xlsx")
    wb = Workbook()
    wb.active.title = "data"
    wb.active.append(["nik"])
    wb.save(base)
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for item in zin.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with zout.open(item.filename, "w") as fh:
                    fh.write(HEAD)
                    write_rows(fh)
                    fh.write(TAIL)
            else:
                zout.writestr(item, zin.read(item.filename))
    base.unlink()
    return path


def million_rows(path: Path, rows: int = 1_000_000) -> Path:
    def write(fh):  # rows without an r attribute are numbered in order (and pack to almost nothing)
        block = b"<row><c><v>1</v></c></row>" * 50_000
        for _ in range(rows // 50_000):
            fh.write(block)

    return _with_sheet(path, write)


def far_cell(path: Path) -> Path:
    return _with_sheet(path, lambda fh: fh.write(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
