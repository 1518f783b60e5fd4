"""Every result table of a run in one Excel workbook for planners, in the report language.

Sheets: **contents** (every sheet: its table, the page it comes from, the charts whose data it holds), **about
this run** (scenario, data, hashes), then one sheet per table declared in :mod:`evalkit.report.outputs`. Each
table sheet carries its caption, the SYNTHETIC DATA stamp when the data is synthetic, translated headers and
closed-set values (Ya/Tidak, Ada/Tidak, design and rule names), whole persons as integers, and the exact
figures with Rupiah and percent number formats (the pages round; the workbook does not).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..core.xlsx import defuse_formulas
from . import i18n
from .outputs import (
    EXCEL_FORMATS,
    FIGURE_LIST,
    WHOLE,
    cell_unit,
    column_label,
    is_key_unit,
    label_value,
    read_headlines,
    table_by_file,
)
from .provenance import describe
from .tables import read_table

HEADER_ROW = 3  # row 1: caption; row 2: the SYNTHETIC DATA stamp (or empty); row 3: headers; data below


def _sheet_name(label: str, used: set[str]) -> str:
    """An Excel sheet name (at most 31 characters, cut at a word) unique in the workbook."""
    name = re.sub(r"[\[\]\*\?/\\:]", "-", label)
    if len(name) > 31:
        name = name[:31].rsplit(" ", 1)[0]
    name = name.strip()
    base, k = name, 2
    while name.lower() in {u.lower() for u in used}:
        name = f"{base[:27]} ({k})"
        k += 1
    used.add(name)
    return name


def _cell(value, unit: str, lang: str):
    """What a cell holds: numbers exact (whole units as int), closed-set values and flags in words."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if unit in WHOLE:
        return int(round(float(value)))
    if unit in EXCEL_FORMATS:
        return float(value)
    if is_key_unit(unit) or unit in ("bool", "exists", "month"):
        return label_value(unit, value, lang)
    return str(value)


def export_workbook(run_dir: Path, target: Path, lang: str = "id") -> Path:
    """Write ``target`` (xlsx) from ``run_dir/tables/*.csv`` and ``run_dir/manifest.json``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    synthetic = bool(manifest["data"]["synthetic"])
    stamp = t("synthetic_banner") if synthetic else ""
    red = Font(bold=True, color="C0392B")
    wb = Workbook()
    contents = wb.active
    contents.title = _sheet_name(t("xl_contents"), set())
    used = {contents.title}
    about = wb.create_sheet(_sheet_name(t("xl_about"), used))
    rows = [
        (t("xl_about"), ""),
        (stamp, "") if stamp else (t("real_data_short"), ""),
        ("evalkit", manifest["evalkit_version"]),
        (t("scenario"), manifest["scenario"]),
        (t("run_id"), manifest["run_id"]),
        (t("run_seed"), manifest["seed"]),
        (t("run_params_hash"), manifest["params"]["hash"]),
        (t("run_data_hash"), manifest["data"]["panel_sha256"]),
        (t("run_commit"), str(manifest["git"].get("commit") or "–")),
        (t("run_lock"), str((manifest.get("environment") or {}).get("lock_sha256") or "–")),
        (t("run_started"), i18n.fmt_time(manifest["started"], lang)),
        (t("run_finished"), i18n.fmt_time(manifest["finished"], lang)),
    ]
    for r in rows:
        about.append(list(r))
    headline_sheet = wb.create_sheet(_sheet_name(t("xl_headlines"), used))
    headline_sheet.append([t("xl_headlines")])
    headline_sheet.append([stamp])
    headline_sheet.append([t("col_indicator"), t("col_value"), t("col_provenance"), t("xl_sources")])
    for key, item in read_headlines(run_dir / "results").items():
        prov = item.get("provenance") or {}
        headline_sheet.append(
            [
                item.get("label", key),
                str(item.get("text", "")),
                t("prov_" + prov.get("kind", "derived")),
                describe(prov, lang),
            ]
        )
    headline_sheet["A1"].font = Font(bold=True, size=13)
    headline_sheet["A2"].font = red
    for letter, width in zip("ABCD", (44, 40, 14, 90)):
        headline_sheet.column_dimensions[letter].width = width
    about["A1"].font = Font(bold=True, size=13)
    about["A2"].font = red if stamp else Font(italic=True)
    about.column_dimensions["A"].width = 30
    about.column_dimensions["B"].width = 70

    contents.append([t("xl_contents")])
    contents.append([stamp])
    contents.append([t("xl_sheet"), t("xl_table"), t("xl_page"), t("xl_charts"), t("xl_file")])
    contents["A1"].font = Font(bold=True, size=13)
    contents["A2"].font = red
    header_fill = PatternFill("solid", fgColor="E4E7EB")
    for cell in contents[HEADER_ROW]:
        cell.font, cell.fill = Font(bold=True), header_fill
    contents.append([about.title, t("xl_about"), "", "", "manifest.json"])
    contents.append([headline_sheet.title, t("xl_headlines"), "", "", "results/*.json"])
    for csv in sorted((run_dir / "tables").glob("*.csv")):
        spec = table_by_file(csv.stem)
        if spec is None:  # not declared: not evalkit's own table (never expected); left out of the workbook
            continue
        df = read_table(csv)
        caption = t(spec.caption)
        page = t(f"nb_{spec.producer}")
        ws = wb.create_sheet(_sheet_name(f"{spec.producer[:2]} {caption}", used))
        charts = "; ".join(t(f.caption) for f in FIGURE_LIST if f.producer == spec.producer and f.table == spec.name)
        contents.append([ws.title, caption, page, charts, csv.name])
        ws.append([f"{caption} ({page}) — {t('col_provenance')}: {t('prov_' + spec.source.kind)}"])
        ws.append([stamp])
        ws["A1"].font = Font(bold=True)
        ws["A2"].font = red
        units = [spec.columns.get(c, "text") for c in df.columns]
        ws.append([column_label(str(c), lang) for c in df.columns])
        for cell in ws[HEADER_ROW]:
            cell.font, cell.fill = Font(bold=True), header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, rec in enumerate(df.to_dict("records"), start=HEADER_ROW + 1):
            cells = [(_cell(v, cell_unit(u, rec), lang), cell_unit(u, rec)) for v, u in zip(rec.values(), units)]
            ws.append([value for value, _ in cells])
            for j, (value, unit) in enumerate(cells, start=1):
                if unit in EXCEL_FORMATS and isinstance(value, (int, float)):
                    ws.cell(row=i, column=j).number_format = EXCEL_FORMATS[unit]
        for j, col in enumerate(df.columns, start=1):
            letter = ws.cell(row=HEADER_ROW, column=j).column_letter
            ws.column_dimensions[letter].width = max(12, min(40, len(column_label(str(col), lang)) + 4))
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    for letter, width in zip("ABCDE", (34, 50, 34, 50, 48)):
        contents.column_dimensions[letter].width = width
    defuse_formulas(wb)  # text from data never becomes a live formula
    wb.save(target)
    return target
