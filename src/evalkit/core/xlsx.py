"""Excel output safety: text from data is written as text, never as a live formula."""
from __future__ import annotations


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
