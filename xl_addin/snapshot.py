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
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from xl_addin.convert import excel_error

__all__ = ["SheetValues", "write_snapshot", "as_grid", "raw_cell", "sheets_from"]


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


def _typed(cell: Any, value: Any) -> bool:
    """A formula the user typed into an input (unlocked) cell: the snapshot takes the value
    Excel shows, as consolidation reads the saved file's (openpyxl keeps no formula result,
    so the formula itself would read as blank). The templates' own formulas are locked."""
    return value is not None and not getattr(cell.protection, "locked", True)


def _overwrite(ws: Worksheet, values: Sequence[Sequence[Any]]) -> None:
    """Every non-formula cell of ws takes the value of the grid (cells past it become blank)."""
    for (row, column), cell in list(ws._cells.items()):
        inside = row <= len(values) and column <= len(values[row - 1])
        if not isinstance(cell, MergedCell) and not _is_formula(cell) and not inside:
            cell.value = None
    for r, row in enumerate(values, 1):
        for c, value in enumerate(row, 1):
            cell = ws.cell(r, c)
            new = _cell_value(value)
            if isinstance(cell, MergedCell) or (_is_formula(cell) and not _typed(cell, new)):
                continue
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
    from workbook_templates.xlsx_save import save_workbook

    return save_workbook(wb, dest, stamp=None)


# A date cell as the Office.js client sends it (JavaScript's toISOString()).
_CLIENT_DATE = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def raw_cell(value: Any) -> Any:
    """A raw cell value as Python: blank None, client dates and COM dates as naive datetimes,
    COM error codes as Excel's error text; everything else unchanged (text stays text)."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, str) and _CLIENT_DATE.match(value):
        return dt.datetime.fromisoformat(value[:-1])
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, int) and not isinstance(value, bool):
        return excel_error(value) or value
    return value


def as_grid(values: Any) -> list[list[Any]]:
    """A range's raw value as a 2-D list of clean cells (a single cell may come as a scalar).

    Raw values, because xlwings' remote engine turns any text that looks like an ISO date
    and time into a datetime (and cuts a "+08:00" offset short): the templates' metadata
    holds such text. Only the client's own date format is read as a date here.
    """
    if not isinstance(values, list | tuple):
        return [[raw_cell(values)]]
    return [[raw_cell(v) for v in (row if isinstance(row, list | tuple) else [row])]
            for row in values]


def sheets_from(mapping: Mapping[str, Sequence[Sequence[Any]]]) -> list[SheetValues]:
    """SheetValues from a plain {name: grid} mapping (all visible)."""
    return [SheetValues(name, grid) for name, grid in mapping.items()]
