"""fill_workbook: write a document's values into a template's input cells, through the machine keys.

For demos and tests: the clerk's typing, done by a program. Only unlocked cells are written;
text is always written as text (never as a formula).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import openpyxl

from kaohe.errors import KaoheError
from workbook_templates.adjustments import adjustments_cells
from workbook_templates.cadre_read import cadre_ballots_cells, roster_cells
from workbook_templates.lead_scores import lead_scores_cells
from workbook_templates.meta import META_SHEET, cell_text, parse_meta
from workbook_templates.tallies import ballots_cells, routine_cells
from workbook_templates.unit_report import unit_report_cells

__all__ = ["FILLERS", "fill_workbook"]

Cells = Callable[[dict[str, Any], dict[str, Any]], Iterator[tuple[str, str, str, Any]]]
FILLERS: dict[str, Cells] = {
    "unit_report": unit_report_cells, "lead_scores": lead_scores_cells,
    "adjustments": adjustments_cells, "routine": routine_cells, "ballots": ballots_cells,
    "roster": roster_cells, "cadre_ballots": cadre_ballots_cells,
}


def _keys(ws: Any) -> tuple[dict[str, int], dict[str, int]]:
    """(column key -> column, row key -> row) of a keyed sheet."""
    columns = {str(c.value): c.column for c in ws[1] if c.value not in (None, "")}
    rows = {str(c.value): c.row for c in ws["A"] if c.value not in (None, "") and c.row > 1}
    return columns, rows


def fill_workbook(template_path: Path | str, document: Mapping[str, Any],
                  dest_path: Path | str) -> Path:
    """Copy the template to dest_path with the document's values typed into its input cells."""
    wb = openpyxl.load_workbook(template_path)
    if META_SHEET not in wb.sheetnames:
        raise KaoheError(f"{template_path} 不是模板（缺少 _meta）",
                         f"{template_path} is not a template")
    meta = parse_meta(list(wb[META_SHEET].iter_rows(values_only=True)))
    kind = meta.get("kind")
    if document.get("kind") != kind:
        raise KaoheError(f"文档类型 {document.get('kind')} 与模板类型 {kind} 不一致",
                         f"document kind {document.get('kind')!r} does not match template {kind!r}")
    if kind == "scheme":
        from workbook_templates.scheme_book import export_scheme_workbook

        return export_scheme_workbook(document, Path(dest_path), str(meta.get("lang") or "zh"))
    layout = meta["layout"]
    sheets = {role: wb[spec["name"]] for role, spec in layout["sheets"].items()}
    keys = {role: _keys(ws) for role, ws in sheets.items()}
    for role, row_key, col_key, value in FILLERS[str(kind)](dict(document), meta):
        if role == "@cell":
            sheet_role, coordinate = layout["cells"][row_key]
            cell = sheets[sheet_role][coordinate]
        else:
            columns, rows = keys[role]
            if row_key not in rows or col_key not in columns:
                raise KaoheError(f"模板中没有 {row_key} / {col_key} 这一栏",
                                 f"the template has no cell for {row_key} / {col_key}")
            cell = sheets[role].cell(rows[row_key], columns[col_key])
        if cell.protection.locked:
            raise KaoheError(f"单元格 {cell.coordinate} 已锁定，不能填写",
                             f"cell {cell.coordinate} is locked")
        if isinstance(value, str):
            cell.value = cell_text(value, cell.parent.title, cell.row, cell.column)
            cell.data_type = "s"  # text stays text, even "=…"
        else:
            cell.value = value
    from workbook_templates.xlsx_save import save_workbook

    return save_workbook(wb, dest_path)
