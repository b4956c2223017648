"""The values Excel holds, written to a temporary .xlsx so the file readers can read them.

Why a snapshot: the workbook in Excel may be unsaved, and under xlwings Lite / Server there is
no file at all — only the values the client sends. The readers and validators of
workbook_templates/validators take a path, and reading the same way as at consolidation is
the point (one set of rules, one set of messages). So the scripts write what Excel shows into
a temporary .xlsx and hand that to the readers:

- with the saved file at hand (classic add-in), the snapshot starts from a copy of it, so
  the hidden metadata, data validations, protection and formulas stay as they are, and every
  non-formula cell takes the value Excel holds now;
- without it (Lite / Server), the snapshot is a new workbook with the same sheets (and their
  visibility) and the same values, which is all the readers need to read a document. Checks
  on the file's structure (validation lists, protection) then see only values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["SheetValues", "write_snapshot"]


class SheetValues:
    """One sheet as Excel holds it: its name, visibility and A1-anchored values."""

    def __init__(self, name: str, values: Sequence[Sequence[Any]], visible: bool = True) -> None:
        self.name = name
        self.values = [list(row) for row in values]
        self.visible = visible


def _cell_value(value: Any) -> Any:
    """A value openpyxl can store: blanks as None, text kept as text (never a formula)."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, bool | int | float | str | dt.datetime | dt.date | dt.time):
        return value
    return str(value)


def _is_formula(cell: Any) -> bool:
    return getattr(cell, "data_type", None) == "f" or (
        isinstance(cell.value, str) and cell.value.startswith("="))


def _overwrite(ws: Worksheet, values: Sequence[Sequence[Any]]) -> None:
    """Every non-formula cell of ws takes the value of the grid (cells past it become blank)."""
    for (row, column), cell in list(ws._cells.items()):
        inside = row <= len(values) and column <= len(values[row - 1])
        if not isinstance(cell, MergedCell) and not _is_formula(cell) and not inside:
            cell.value = None
    for r, row in enumerate(values, 1):
        for c, value in enumerate(row, 1):
            cell = ws.cell(r, c)
            if isinstance(cell, MergedCell) or _is_formula(cell):
                continue
            new = _cell_value(value)
            if isinstance(new, str) and new.startswith("="):
                cell.value = new
                cell.data_type = "s"  # typed text that looks like a formula stays text
            else:
                cell.value = new


def _from_base(base: Path, sheets: Sequence[SheetValues]) -> openpyxl.Workbook | None:
    """The saved workbook, when its sheets are the ones Excel holds (else None)."""
    try:
        wb = openpyxl.load_workbook(base)
    except (OSError, KeyError, ValueError, TypeError):
        return None
    if [s.name for s in sheets if s.name in wb.sheetnames] != [s.name for s in sheets]:
        return None
    return wb


def write_snapshot(sheets: Sequence[SheetValues], dest: Path,
                   base: Path | None = None, skip: Sequence[str] = ()) -> Path:
    """Write the sheets' values to dest (.xlsx), starting from base when it fits."""
    wanted = [s for s in sheets if s.name not in skip]
    wb = _from_base(base, wanted) if base is not None and Path(base).is_file() else None
    if wb is None:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for sheet in wanted:
            wb.create_sheet(sheet.name).sheet_state = "visible" if sheet.visible else "hidden"
    for name in [n for n in wb.sheetnames if n in skip]:
        wb.remove(wb[name])
    for sheet in wanted:
        _overwrite(wb[sheet.name], sheet.values)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def as_grid(values: Any) -> list[list[Any]]:
    """xlwings' value of a range as a 2-D list (a single cell comes as a scalar)."""
    if not isinstance(values, list):
        return [[values]]
    return [row if isinstance(row, list) else [row] for row in values]


def sheets_from(mapping: Mapping[str, Sequence[Sequence[Any]]]) -> list[SheetValues]:
    """SheetValues from a plain {name: grid} mapping (all visible)."""
    return [SheetValues(name, grid) for name, grid in mapping.items()]
