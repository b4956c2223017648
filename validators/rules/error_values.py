"""Cells that show an Excel error value (#DIV/0!, #N/A, #NAME? …) where a clerk's input
belongs: python-calamine reads them as empty, so without this a #DIV/0! would pass as a
blank cell (and score 0) instead of being named.

Only the input cells the reader mapped are looked at, and a sheet's XML is searched for
errors once (`WorkbookFile.error_cells`), so a workbook without errors costs one scan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe.engine.model import Scheme
from validators.reading.locate import CellMap, parse_json_path
from validators.reading.xlsx_read import WorkbookFile
from validators.report import WARNING, Issue
from validators.rules.common import finding_at, row_where
from workbook_templates.values import FREE_TEXT_FIELDS

__all__ = ["error_value_issues"]

_NUMBERS = {"actual", "target", "value", "count", "points", "score", "counts", "invalid",
            "raters", "sample"}
_WHAT = {"number": ("数值", "a number"), "date": ("日期", "a date"), "text": ("文字", "text")}


def error_value_issues(book: WorkbookFile, document: Mapping[str, Any], cell_map: CellMap,
                       scheme: Scheme) -> list[Issue]:
    """An error at each input cell that shows an error value (named, with what to type); a
    warning in a free-text field (remarks, evidence …), which is not scored."""
    sheets = {sheet for sheet, _ in cell_map.values()}
    shown = {(sheet, cell): error for sheet in sheets
             for cell, error in book.error_cells(sheet).items()}
    if not shown:
        return []
    issues = []
    for json_path, spot in cell_map.items():
        if spot not in shown:
            continue
        path = parse_json_path(json_path)
        field = str(path[-1]) if path else ""
        kind = ("number" if field in _NUMBERS or (len(path) > 1 and path[-2] == "counts")
                else "date" if field == "date" else "text")
        what, what_en = _WHAT[kind]
        if field in FREE_TEXT_FIELDS:
            issues.append(finding_at("error-value", path, cell_map, key="error-value-text",
                                     severity=WARNING, value=shown[spot], shown=shown[spot],
                                     **row_where(document, path, scheme)))
            continue
        issues.append(finding_at("error-value", path, cell_map, value=shown[spot],
                                 shown=shown[spot], what=what, what_en=what_en,
                                 **row_where(document, path, scheme)))
    return issues
