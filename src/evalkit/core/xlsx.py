"""Excel output safety: text from data is written as text, never as a live formula."""

from __future__ import annotations

import math


def defuse_formulas(workbook) -> int:
    """Turn every formula cell of an openpyxl ``workbook`` into a text cell with the same characters (a value such
    as ``=HYPERLINK(…)`` from a file name or a data field stays visible but never runs). evalkit writes no formulas
    of its own. Returns the number of cells changed."""
    changed = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    changed += 1
    return changed


def write_text_safe(path, sheets: dict) -> None:
    """Write ``{sheet name: DataFrame}`` as a workbook in openpyxl's streaming (write-only) mode: fast and lean
    for long sheets, and every text cell typed as text, so nothing from the data becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for name, frame in sheets.items():
        ws = wb.create_sheet(name)

        def cell(value, ws=ws):
            if isinstance(value, float) and math.isnan(value):
                return None
            if isinstance(value, str):
                c = WriteOnlyCell(ws, value=value)
                c.data_type = "s"
                return c
            return value.item() if hasattr(value, "item") else value

        ws.append([cell(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            ws.append([cell(v) for v in row])
    wb.save(path)
