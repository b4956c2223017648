"""Small xlwings steps the scripts share: read a book's values and names, mark cells, write tables.

Every function works on any xlwings engine the scripts run under: the classic add-in
(Windows/Mac Excel through COM/AppleScript) and the remote engine of xlwings Lite / Server
(where each write becomes an action the client replays). Where an engine cannot do a step
(reading a fill colour remotely), the step falls back and says so in its docstring.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import xlwings as xw

from kaohe.errors import KaoheError
from xl_addin.convert import is_blank
from xl_addin.findings import NO_FILL, NOTE_MARK, Mark
from xl_addin.snapshot import SheetValues, as_grid
from xl_addin.tasks import Settings

__all__ = ["sheet_grid", "book_sheets", "saved_file", "settings", "restore_cell", "mark_cell",
           "replace_sheet", "write_lines", "write_table", "target_book", "LITE_FOLDERS"]

# A cell's fill before highlighting when the engine cannot read it (xlwings Lite / Server):
# the templates' input fill (workbook_templates.styles.INPUT_COLOR), as findings are on inputs.
INPUT_FILL = "#FFF2CC"
NOTE_LIMIT = 1000  # keep notes readable (Excel allows 32,767 characters)
#: xlwings Lite keeps imported files under /data (menu Files → Import/Export); the console's
#: blank folder cells mean these there.
LITE_FOLDERS = {"folder": "/data/submissions", "output": "/data/output"}


def sheet_grid(sheet: xw.Sheet) -> list[list[Any]]:
    """The sheet's values from A1 to its last used cell, errors as text ("#DIV/0!")."""
    last = sheet.used_range.last_cell
    return as_grid(sheet.range((1, 1), (last.row, last.column)).raw_value)


def book_sheets(book: xw.Book) -> list[SheetValues]:
    """Every worksheet's values and visibility."""
    return [SheetValues(s.name, sheet_grid(s), bool(s.visible)) for s in book.sheets]


def saved_file(book: xw.Book) -> Path | None:
    """The workbook's file on disk, when there is one (not under xlwings Lite / Server)."""
    path = Path(str(book.fullname))
    return path if path.is_absolute() and path.is_file() else None


def settings(book: xw.Book) -> Settings:
    """Values of the book's names that start with kaohe_ (kaohe_folder → "folder"); under
    xlwings Lite (Pyodide) a blank folder is its /data folder (LITE_FOLDERS)."""
    found = Settings()
    for name in book.names:
        if name.name.lower().startswith("kaohe_"):
            found[name.name[6:].lower()] = name.refers_to_range.value
    if sys.platform == "emscripten":  # Lite: files come in and go out through /data
        for key, path in LITE_FOLDERS.items():
            if is_blank(found.get(key)):
                found[key] = path
    return found


def restore_cell(book: xw.Book, sheet: str, cell: str, fill: str | None, note: bool) -> None:
    """Put back a cell marked by an earlier run: its old fill, and no note of ours."""
    if sheet not in [s.name for s in book.sheets]:
        return
    target = book.sheets[sheet][cell]
    target.color = fill
    if note and target.note is not None:
        target.note.delete()


def _fill_before(target: xw.Range) -> str:
    """The cell's fill as #RRGGBB (or NO_FILL); the input fill where it cannot be read."""
    try:
        color = target.color
    except NotImplementedError:
        return INPUT_FILL
    return NO_FILL if color is None else "#{:02X}{:02X}{:02X}".format(*color)


def mark_cell(book: xw.Book, mark: Mark) -> tuple[str, str]:
    """Highlight a cell and add its note; returns (fill before, note added mark)."""
    target = book.sheets[mark.sheet][mark.cell]
    before = _fill_before(target)
    target.color = mark.color
    try:
        added = target.note is None and bool(target.add_note(mark.note[:NOTE_LIMIT]))
    except (NotImplementedError, ValueError):  # no notes on this engine, or one already
        added = False
    return before, NOTE_MARK if added else ""


def replace_sheet(book: xw.Book, name: str) -> xw.Sheet:
    """A fresh, empty sheet of this name at the end (an old one is deleted first)."""
    if name in [s.name for s in book.sheets]:
        book.sheets[name].delete()
    return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])


def write_lines(book: xw.Book, name: str, lines: list[str]) -> None:
    """Write lines down from the named cell (e.g. kaohe_summary), clearing the old ones."""
    start = book.names[name].refers_to_range
    last = start.sheet.used_range.last_cell.row
    if last >= start.row:
        start.sheet.range((start.row, start.column), (last, start.column)).clear_contents()
    start.options(transpose=True).value = lines or [""]


def write_table(book: xw.Book, name: str, table: list[list[Any]]) -> xw.Sheet:
    """A fresh sheet of this name holding the table from A1 (header bold), shown."""
    sheet = replace_sheet(book, name)
    sheet["A1"].value = table
    sheet.range((1, 1), (1, len(table[0]))).font.bold = True
    sheet.activate()
    return sheet


def target_book(console: xw.Book) -> xw.Book:
    """The workbook a console button acts on: the path in kaohe_workbook, else the only other
    open workbook (classic add-in only: it opens files in the running Excel)."""
    path = settings(console).path("workbook")
    if path is not None:
        return console.app.books.open(str(path))
    others = [b for b in console.app.books if b.name != console.name]
    if len(others) == 1:
        return others[0]
    raise KaoheError("请在控制台“要校验的工作簿”填写文件路径，或只另外打开一个工作簿",
                     "give the workbook's path in the console, or have one other workbook open")
