"""Run xlwings scripts against real .xlsx files without Excel.

xlwings' *remote* engine (the one behind xlwings Server and xlwings Lite) works
from a JSON snapshot of the workbook that the Excel client sends, and turns
every write a script makes into a queued *action* (``book.json()``) that the
client replays in Excel. This module plays the client's two halves:

- :func:`book_payload` builds the snapshot the Office.js client would send for
  an .xlsx (read with openpyxl; formula results from a LibreOffice-recalculated
  copy, see :func:`workbook_templates.recalc.recalculate`);
- :func:`apply_actions` replays the queued actions onto a copy of the .xlsx with
  openpyxl, so a test can open the result and check it.

Typical use::

    book = open_book(template, values_from=recalculate(template, tmp_path / "calc"))
    my_script(book)                                  # an @xw.script taking the book
    out = apply_actions(template, book.json(), tmp_path / "out.xlsx")

or :func:`run_script` for the three steps. The remote engine needs
``XLWINGS_LICENSE_KEY``; unless one is set, this module sets the documented
``noncommercial`` key, for the test suite only -- never for a deployment. If
xlwings was imported before the key was set, :func:`ensure_remote_engine`
registers the remote engine afterwards.

The payload (client ``"Office.js"``) has the keys the engine reads:
``client``, ``version``, ``book`` {``name``, ``active_sheet_index``,
``selection``, ``calculation``}, ``names`` [{``name``, ``refers_to``,
``sheet_index``, ``address``, ``book_scope``, ``scope_sheet_name``,
``scope_sheet_index``}] and ``sheets`` [{``name``, ``visibility``, ``values``,
``used_range_address``, ``tables``, ``notes``, ``notes_supported``,
``print_area``, ``show_gridlines``, ``pictures``, ``shapes``, ``charts``,
``pivot_tables``}]. ``values`` is the A1-anchored grid up to the last used cell,
as JSON carries it: empty cells ``""``, numbers (integral ones as ``int``, as
JavaScript numbers arrive in Python), ``bool``, strings, error values as text
(``"#DIV/0!"``), and cells with a date/time number format as ISO strings
``"2024-01-02T00:00:00.000Z"`` (what the client's ``toISOString()`` sends).
Limits: pictures, shapes, charts and pivot tables are sent as empty lists;
chart sheets are left out (Office.js lists worksheets only).

Replayed actions (:data:`SUPPORTED_ACTIONS`, the xlwings 0.37 names):
values/formulas (``setValues``, ``setFormula``, ``setFormulaArray``, clears),
formats (``setRangeColor``, ``setRangeColors``, ``setFontProperty``,
``setNumberFormat``, alignment, wrap, indent, ``setBorderProperty``, column
widths/row heights, hide, autofit -- approximate), ``rangeMerge``/``Unmerge``,
``addHyperlink``, notes (``addNote``, ``setNoteText``, ``deleteNote``; threaded
comments -- ``addComment``, ``setCommentText``, ``deleteComment`` -- become
notes, as openpyxl writes no threaded comments), data validation, names,
sheets (add, rename -- formulas and names follow -- delete, copy, move, hide,
activate, gridlines, freeze panes, print area), ``copyRange``,
``rangeSelect``, ``setCalculation``. ``alert``, ``calculate``,
``setScreenUpdating`` and ``save`` change no file (see :func:`alerts`). Anything
else (charts, pictures, shapes, tables, pivots, conditional formats, sort,
insert/delete with shifting, ...) raises ``NotImplementedError`` naming the
action, so a test notices instead of checking a half-replayed file.

Replay follows Excel where openpyxl allows: strings written with ``setValues``
are read like typed input (``"=..."`` becomes a formula, ``"12.5"`` a number,
``"2024-01-02"`` a date) unless the cell is formatted as text ``@``;
``addSheet`` makes the new sheet active (as the engine's own model does); a
column width given in points becomes character units (Calibri 11: 7 px per
character + 5 px padding). Formatting a whole row/column only touches cells
inside the used range.

Limits of xlwings' remote engine itself (not of this module): a script can read
values, names, tables and whether a cell has a note -- that is all the payload
carries. Reading formulas, number formats, colours, fonts, column widths, note
or comment text synchronously raises ``NotImplementedError`` ("use await ...
get_formula()", xlwings Lite only), so scripts meant to run under xlwings
Lite/Server, and tested here, must decide from values alone. Writing all of
those works and is replayed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _default_license_key() -> None:
    """``setdefault`` that also replaces an empty value (xlwings ignores those)."""
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"


_default_license_key()

import openpyxl  # noqa: E402
import xlwings as xw  # noqa: E402
from openpyxl.cell.cell import Cell, MergedCell  # noqa: E402
from openpyxl.comments import Comment  # noqa: E402
from openpyxl.formula.translate import Translator  # noqa: E402
from openpyxl.styles import PatternFill, Side  # noqa: E402
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries  # noqa: E402
from openpyxl.workbook.defined_name import DefinedName  # noqa: E402
from openpyxl.worksheet.cell_range import CellRange  # noqa: E402
from openpyxl.worksheet.datavalidation import DataValidation  # noqa: E402
from openpyxl.worksheet.formula import ArrayFormula  # noqa: E402
from openpyxl.worksheet.hyperlink import Hyperlink  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402

__all__ = [
    "CLIENT",
    "SUPPORTED_ACTIONS",
    "NO_FILE_CHANGE_ACTIONS",
    "ScriptResult",
    "alerts",
    "apply_actions",
    "book_payload",
    "ensure_remote_engine",
    "open_book",
    "run_script",
]

#: The client this module impersonates (the xlwings Lite / Server add-in).
CLIENT = "Office.js"
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
NOTE_AUTHOR = "xlwings"


def ensure_remote_engine() -> None:
    """Make ``xw.Book(json=...)`` work even if xlwings was imported without a key.

    xlwings registers its remote engine at import time, only when a license key
    is present. If something imported xlwings before this module set the key,
    register the engine now.
    """
    if "remote" in [engine.name for engine in xw.engines]:
        return
    _default_license_key()
    from xlwings.main import Engine
    from xlwings.pro import _xlremote

    xw.engines.add(Engine(impl=_xlremote.engine))
    xw.__pro__ = True  # what the import would have set with the key present


ensure_remote_engine()

# ---------------------------------------------------------------------------
# payload
# ---------------------------------------------------------------------------

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}
_CALC_MODE = {"auto": "Automatic", "manual": "Manual", "autoNoTable": "AutomaticExceptTables"}


def _iso(moment: dt.datetime) -> str:
    """JavaScript's ``Date.toISOString()``: milliseconds and a ``Z``."""
    moment = moment.replace(tzinfo=None)
    millis = round(moment.microsecond / 1000)
    moment = moment.replace(microsecond=0) + dt.timedelta(milliseconds=millis)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _client_value(value: Any) -> Any:
    """A cell value as the Office.js client puts it on the wire (JSON types)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
            return int(value)  # JSON has one number type; integral ones arrive as int
        return value
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, dt.date):
        return _iso(dt.datetime(value.year, value.month, value.day))
    if isinstance(value, dt.time):
        return _iso(dt.datetime.combine(_EXCEL_EPOCH.date(), value))
    if isinstance(value, dt.timedelta):
        return _iso(_EXCEL_EPOCH + value)
    return str(value)


def _is_formula(cell: Cell) -> bool:
    return cell.data_type == "f" or isinstance(cell.value, ArrayFormula)


def _a1(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    first = f"{get_column_letter(min_col)}{min_row}"
    if (min_col, min_row) == (max_col, max_row):
        return first
    return f"{first}:{get_column_letter(max_col)}{max_row}"


def _strip_sheet(ref: str) -> str:
    return ",".join(part.rsplit("!", 1)[-1] for part in ref.split(","))


def _table_payload(table: Any) -> dict[str, Any]:
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    headers = 1 if table.headerRowCount is None else int(table.headerRowCount)
    totals = int(table.totalsRowCount or 0)
    style = table.tableStyleInfo
    return {
        "name": table.displayName or table.name,
        "range_address": table.ref,
        "header_row_range_address": _a1(min_col, min_row, max_col, min_row) if headers else None,
        "data_body_range_address": _a1(min_col, min_row + headers, max_col, max_row - totals),
        "total_row_range_address": _a1(min_col, max_row, max_col, max_row) if totals else None,
        "show_headers": bool(headers),
        "show_totals": bool(totals),
        "table_style": style.name if style is not None and style.name else None,
        "show_autofilter": table.autoFilter is not None,
        "show_table_style_first_column": bool(style and style.showFirstColumn),
        "show_table_style_last_column": bool(style and style.showLastColumn),
        "show_table_style_row_stripes": bool(style and style.showRowStripes),
        "show_table_style_column_stripes": bool(style and style.showColumnStripes),
        "columns": [column.name for column in table.tableColumns],
        "row_count": max_row - min_row + 1,
        "column_count": max_col - min_col + 1,
    }


def _name_payload(
    defined: DefinedName, titles: list[str], scope: tuple[str, int] | None
) -> dict[str, Any]:
    sheet_index = address = None
    try:
        destinations = list(defined.destinations)
    except Exception:  # not a plain range: a constant, a formula, #REF!
        destinations = []
    if len(destinations) == 1 and destinations[0][0] in titles:
        sheet_index = titles.index(destinations[0][0])
        address = destinations[0][1].replace("$", "").upper()
    return {
        "name": defined.name,
        "refers_to": "=" + (defined.value or ""),
        "sheet_index": sheet_index,
        "address": address,
        "book_scope": scope is None,
        "scope_sheet_name": None if scope is None else scope[0],
        "scope_sheet_index": None if scope is None else scope[1],
    }


def _sheet_values(ws: Worksheet, computed: Worksheet | None) -> list[list[Any]]:
    cells = ws._cells
    if not cells:
        return [[""]]
    nrows, ncols = ws.max_row, ws.max_column
    grid: list[list[Any]] = [[""] * ncols for _ in range(nrows)]
    for (row, col), cell in cells.items():
        if isinstance(cell, MergedCell):
            continue
        if _is_formula(cell):
            other = computed._cells.get((row, col)) if computed is not None else None
            value = None if other is None or _is_formula(other) else other.value
        else:
            value = cell.value
        grid[row - 1][col - 1] = _client_value(value)
    return grid


def book_payload(path: Path | str, values_from: Path | str | None = None) -> dict[str, Any]:
    """The JSON the Office.js client sends for the workbook at ``path``.

    Formula cells take their values from ``values_from`` (e.g. a copy
    recalculated by LibreOffice) or, without it, from the results cached in
    ``path`` itself -- none for files written by openpyxl, so ``""``.
    """
    source = Path(path)
    wb = openpyxl.load_workbook(source)
    computed_wb = openpyxl.load_workbook(
        Path(values_from) if values_from else source, data_only=True
    )
    worksheets = list(wb.worksheets)
    titles = [ws.title for ws in worksheets]

    active = wb.active
    active_index = worksheets.index(active) if active in worksheets else 0
    selection = "A1"
    view = worksheets[active_index].sheet_view
    if view.selection and view.selection[0].sqref:
        selection = str(view.selection[0].sqref).split()[0].replace("$", "")
    calc_mode = getattr(wb.calculation, "calcMode", None) or "auto"

    names = []
    for defined in wb.defined_names.values():
        if not defined.is_reserved and not defined.name.startswith("_xlnm."):
            names.append(_name_payload(defined, titles, None))
    for index, ws in enumerate(worksheets):
        for defined in ws.defined_names.values():
            if not defined.is_reserved and not defined.name.startswith("_xlnm."):
                names.append(_name_payload(defined, titles, (ws.title, index)))

    sheets = []
    for ws in worksheets:
        computed = computed_wb[ws.title] if ws.title in computed_wb.sheetnames else None
        print_area = ws.print_area
        sheets.append(
            {
                "name": ws.title,
                "visibility": _VISIBILITY.get(ws.sheet_state, "Visible"),
                "values": _sheet_values(ws, computed),
                "used_range_address": (
                    _a1(*range_boundaries(ws.calculate_dimension())) if ws._cells else None
                ),
                "pictures": [],
                "shapes": [],
                "charts": [],
                "pivot_tables": [],
                "tables": [_table_payload(table) for table in ws.tables.values()],
                "notes": [
                    {"address": cell.coordinate}
                    for cell in ws._cells.values()
                    if getattr(cell, "comment", None) is not None
                ],
                "notes_supported": True,
                "print_area": _strip_sheet(print_area) if print_area else None,
                "show_gridlines": ws.sheet_view.showGridLines is not False,
            }
        )

    payload = {
        "client": CLIENT,
        "version": xw.__version__,
        "book": {
            "name": source.name,
            "active_sheet_index": active_index,
            "selection": selection,
            "calculation": _CALC_MODE.get(calc_mode, "Automatic"),
        },
        "names": names,
        "sheets": sheets,
    }
    # Exactly what survives the trip through JSON.
    return json.loads(json.dumps(payload, ensure_ascii=False))


def open_book(path: Path | str, values_from: Path | str | None = None) -> xw.Book:
    """``xw.Book(json=book_payload(path, values_from))``."""
    ensure_remote_engine()
    return xw.Book(json=book_payload(path, values_from))


# ---------------------------------------------------------------------------
# replay
# ---------------------------------------------------------------------------


def alerts(actions: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> list[dict[str, str]]:
    """The ``alert`` actions (message boxes) a script queued, in order."""
    keys = ("prompt", "title", "buttons", "mode", "callback")
    return [
        dict(zip(keys, action["args"], strict=False))
        for action in _action_list(actions)
        if action.get("func") == "alert"
    ]


def _action_list(
    actions: Sequence[Mapping[str, Any]] | Mapping[str, Any],
) -> list[Mapping[str, Any]]:
    if isinstance(actions, Mapping):
        return list(actions.get("actions", []))
    return list(actions)


class _Replay:
    def __init__(self, wb: openpyxl.Workbook, parse_strings: bool):
        self.wb = wb
        self.parse_strings = parse_strings

    # -- addressing ---------------------------------------------------------
    def sheet(self, position: int | None) -> Worksheet:
        if position is None:
            raise ValueError("action has no sheet_position")
        return self.wb.worksheets[int(position)]

    def rect(
        self, action: Mapping[str, Any], clip: bool = True
    ) -> tuple[Worksheet, int, int, int, int]:
        """(sheet, first row, first column, last row, last column), 1-based."""
        ws = self.sheet(action["sheet_position"])
        r0 = int(action["start_row"]) + 1
        c0 = int(action["start_column"]) + 1
        r1 = r0 + int(action["row_count"]) - 1
        c1 = c0 + int(action["column_count"]) - 1
        if clip:  # whole rows/columns: only the used part has cells to touch
            if int(action["row_count"]) >= MAX_ROWS:
                r1 = max(r0, ws.max_row)
            if int(action["column_count"]) >= MAX_COLUMNS:
                c1 = max(c0, ws.max_column)
        return ws, r0, c0, r1, c1

    def cells(self, action: Mapping[str, Any]) -> Iterator[Cell]:
        ws, r0, c0, r1, c1 = self.rect(action)
        for row in range(r0, r1 + 1):
            for col in range(c0, c1 + 1):
                cell = ws.cell(row, col)
                if not isinstance(cell, MergedCell):
                    yield cell

    @staticmethod
    def ref(ws: Worksheet, r0: int, c0: int, r1: int, c1: int, absolute: bool = True) -> str:
        d = "$" if absolute else ""
        first = f"{d}{get_column_letter(c0)}{d}{r0}"
        last = f"{d}{get_column_letter(c1)}{d}{r1}"
        return first if (r0, c0) == (r1, c1) else f"{first}:{last}"

    def activate(self, ws: Worksheet) -> None:
        self.wb.active = self.wb._sheets.index(ws)
        for other in self.wb.worksheets:
            other.sheet_view.tabSelected = other is ws

    def move_sheet(self, ws: Worksheet, position: int) -> None:
        """Put ``ws`` at worksheet index ``position``, keeping the active sheet."""
        active = self.wb.active
        self.wb._sheets.remove(ws)
        others = self.wb.worksheets
        if position < len(others):
            self.wb._sheets.insert(self.wb._sheets.index(others[position]), ws)
        else:
            self.wb._sheets.append(ws)
        if active is not None:
            self.wb.active = self.wb._sheets.index(active)

    # -- values -------------------------------------------------------------
    _NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
    _DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    _DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?$")

    def typed(self, value: Any, cell: Cell) -> Any:
        """A value from ``setValues`` as Excel stores it after entry."""
        if value is None or value == "":
            return None
        if not isinstance(value, str) or not self.parse_strings or cell.number_format == "@":
            return value
        text = value.strip()
        if self._NUMBER.match(text):
            number = float(text)
            integral = number.is_integer() and not set(text.lower()) & {".", "e"}
            return int(number) if integral else number
        if self._DATE.match(text):
            try:
                return dt.datetime.strptime(text, "%Y-%m-%d")
            except ValueError:
                return value
        if self._DATETIME.match(text):
            try:
                return dt.datetime.fromisoformat(text)
            except ValueError:
                return value
        return value

    def setValues(self, a: Mapping[str, Any]) -> None:
        ws, r0, c0, r1, c1 = self.rect(a, clip=False)
        values = a["values"]
        if len(values) != r1 - r0 + 1 or any(len(row) != c1 - c0 + 1 for row in values):
            raise ValueError(
                f"setValues: {len(values)} rows of values for {r1 - r0 + 1}x{c1 - c0 + 1} cells"
            )
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                cell = ws.cell(r0 + i, c0 + j)
                if isinstance(cell, MergedCell):
                    continue
                new = self.typed(value, cell)
                general = cell.number_format == "General"
                cell.value = new  # openpyxl gives dates a format of its own
                if isinstance(new, dt.datetime) and general:
                    cell.number_format = (
                        "yyyy-mm-dd" if new.time() == dt.time() else "yyyy-mm-dd hh:mm:ss"
                    )

    def setFormula(self, a: Mapping[str, Any]) -> None:
        ws, r0, c0, r1, c1 = self.rect(a, clip=False)
        values = a["values"]
        if isinstance(values, list):
            if len(values) != r1 - r0 + 1 or any(len(row) != c1 - c0 + 1 for row in values):
                raise ValueError("setFormula: the formulas' shape differs from the range's")
            for i, row in enumerate(values):
                for j, formula in enumerate(row):
                    ws.cell(r0 + i, c0 + j).value = None if formula == "" else formula
            return
        # One formula for a bigger range: Excel fills it, moving relative references.
        origin = f"{get_column_letter(c0)}{r0}"
        for row in range(r0, r1 + 1):
            for col in range(c0, c1 + 1):
                target = f"{get_column_letter(col)}{row}"
                text = (
                    values
                    if not isinstance(values, str) or not values.startswith("=")
                    else (Translator(values, origin=origin).translate_formula(target))
                )
                ws.cell(row, col).value = text

    def setFormulaArray(self, a: Mapping[str, Any]) -> None:
        ws, r0, c0, r1, c1 = self.rect(a, clip=False)
        formula = a["args"][0]
        ref = self.ref(ws, r0, c0, r1, c1, absolute=False)
        ws.cell(r0, c0).value = ArrayFormula(
            ref=ref if ":" in ref else f"{ref}:{ref}", text=formula
        )

    def _clear_values(self, cells: Iterable[Cell]) -> None:
        for cell in cells:
            cell.value = None

    def _clear_formats(self, cells: Iterable[Cell]) -> None:
        for cell in cells:
            cell.style = "Normal"

    def rangeClearContents(self, a: Mapping[str, Any]) -> None:
        self._clear_values(self.cells(a))

    def rangeClearFormats(self, a: Mapping[str, Any]) -> None:
        self._clear_formats(self.cells(a))

    def rangeClear(self, a: Mapping[str, Any]) -> None:
        for cell in self.cells(a):
            cell.value = None
            cell.style = "Normal"
            cell.hyperlink = None

    def _sheet_cells(self, a: Mapping[str, Any]) -> list[Cell]:
        ws = self.sheet(a["sheet_position"])
        return [c for c in ws._cells.values() if not isinstance(c, MergedCell)]

    def sheetClearContents(self, a: Mapping[str, Any]) -> None:
        self._clear_values(self._sheet_cells(a))

    def sheetClearFormats(self, a: Mapping[str, Any]) -> None:
        self._clear_formats(self._sheet_cells(a))

    def sheetClear(self, a: Mapping[str, Any]) -> None:
        cells = self._sheet_cells(a)
        self._clear_values(cells)
        self._clear_formats(cells)

    # -- formats ------------------------------------------------------------
    @staticmethod
    def argb(color: str) -> str:
        return "FF" + color.lstrip("#").upper()[-6:]

    def _fill(self, cell: Cell, color: str | None) -> None:
        cell.fill = (
            PatternFill(fill_type=None)
            if color is None
            else PatternFill(fill_type="solid", fgColor=self.argb(color), bgColor=self.argb(color))
        )

    def setRangeColor(self, a: Mapping[str, Any]) -> None:
        color = a["args"][0]
        for cell in self.cells(a):
            self._fill(cell, color)

    def setRangeColors(self, a: Mapping[str, Any]) -> None:
        ws, r0, c0, _, _ = self.rect(a, clip=False)
        for i, row in enumerate(a["args"][0]):
            for j, color in enumerate(row):
                if color != "keep":
                    self._fill(ws.cell(r0 + i, c0 + j), color)

    _FONT_ATTRS = {"bold": "b", "italic": "i", "size": "sz", "name": "name"}

    def setFontProperty(self, a: Mapping[str, Any]) -> None:
        attribute, value = a["args"][0], a["args"][1]
        for cell in self.cells(a):
            font = copy.copy(cell.font)
            if attribute == "color":
                font.color = None if value is None else self.argb(value)
            elif attribute in self._FONT_ATTRS:
                setattr(font, self._FONT_ATTRS[attribute], value)
            else:
                raise NotImplementedError(f"setFontProperty: font attribute {attribute!r}")
            cell.font = font

    def setNumberFormat(self, a: Mapping[str, Any]) -> None:
        for cell in self.cells(a):
            cell.number_format = a["args"][0]

    _HALIGN = {
        "General": "general",
        "Left": "left",
        "Center": "center",
        "Right": "right",
        "Fill": "fill",
        "Justify": "justify",
        "CenterAcrossSelection": "centerContinuous",
        "Distributed": "distributed",
    }
    _VALIGN = {
        "Top": "top",
        "Center": "center",
        "Bottom": "bottom",
        "Justify": "justify",
        "Distributed": "distributed",
    }

    def _align(self, a: Mapping[str, Any], **changes: Any) -> None:
        for cell in self.cells(a):
            alignment = copy.copy(cell.alignment)
            for key, value in changes.items():
                if callable(value):
                    value = value(getattr(alignment, key))
                setattr(alignment, key, value)
            cell.alignment = alignment

    def setHorizontalAlignment(self, a: Mapping[str, Any]) -> None:
        self._align(a, horizontal=self._HALIGN[a["args"][0]])

    def setVerticalAlignment(self, a: Mapping[str, Any]) -> None:
        self._align(a, vertical=self._VALIGN[a["args"][0]])

    def setWrapText(self, a: Mapping[str, Any]) -> None:
        self._align(a, wrap_text=bool(a["args"][0]))

    def rangeAdjustIndent(self, a: Mapping[str, Any]) -> None:
        amount = int(a["args"][0])
        self._align(a, indent=lambda old: float(min(250, max(0, int(old or 0) + amount))))

    # Border side styles: openpyxl's single name <-> Excel's (line style, weight).
    _BORDER_FROM = {
        "hair": ("continuous", "hairline"),
        "thin": ("continuous", "thin"),
        "medium": ("continuous", "medium"),
        "thick": ("continuous", "thick"),
        "dashed": ("dash", "thin"),
        "mediumDashed": ("dash", "medium"),
        "dashDot": ("dash_dot", "thin"),
        "mediumDashDot": ("dash_dot", "medium"),
        "dashDotDot": ("dash_dot_dot", "thin"),
        "mediumDashDotDot": ("dash_dot_dot", "medium"),
        "dotted": ("dot", "thin"),
        "double": ("double", "thick"),
        "slantDashDot": ("slant_dash_dot", "medium"),
    }

    @staticmethod
    def _border_style(line: str | None, weight: str) -> str | None:
        heavy = weight in ("medium", "thick")
        if line in (None, "none"):
            return None
        if line == "continuous":
            return {"hairline": "hair", "thin": "thin", "medium": "medium", "thick": "thick"}[
                weight
            ]
        simple = {"dot": "dotted", "double": "double", "slant_dash_dot": "slantDashDot"}
        if line in simple:
            return simple[line]
        base = {"dash": "dashed", "dash_dot": "dashDot", "dash_dot_dot": "dashDotDot"}[line]
        return ("medium" + base[0].upper() + base[1:]) if heavy else base

    def _side(self, old: Side | None, attribute: str, value: Any) -> Side:
        old_line, old_weight = self._BORDER_FROM.get(
            getattr(old, "style", None) or "", (None, "thin")
        )
        color = getattr(old, "color", None)
        if attribute == "color":
            return Side(style=getattr(old, "style", None) or "thin", color=self.argb(value))
        if attribute == "weight":
            return Side(style=self._border_style(old_line or "continuous", value), color=color)
        if attribute == "line_style":
            style = self._border_style(value, old_weight)
            return Side(style=style, color=color if style else None)
        raise NotImplementedError(f"setBorderProperty: attribute {attribute!r}")

    def setBorderProperty(self, a: Mapping[str, Any]) -> None:
        side, attribute, value = a["args"][0], a["args"][1], a["args"][2]
        ws, r0, c0, r1, c1 = self.rect(a)
        targets: list[tuple[int, int, str]] = []  # (row, col, openpyxl side)
        if side == "edge_top":
            targets = [(r0, c, "top") for c in range(c0, c1 + 1)]
        elif side == "edge_bottom":
            targets = [(r1, c, "bottom") for c in range(c0, c1 + 1)]
        elif side == "edge_left":
            targets = [(r, c0, "left") for r in range(r0, r1 + 1)]
        elif side == "edge_right":
            targets = [(r, c1, "right") for r in range(r0, r1 + 1)]
        elif side == "inside_horizontal":
            for r in range(r0, r1):
                for c in range(c0, c1 + 1):
                    targets += [(r, c, "bottom"), (r + 1, c, "top")]
        elif side == "inside_vertical":
            for r in range(r0, r1 + 1):
                for c in range(c0, c1):
                    targets += [(r, c, "right"), (r, c + 1, "left")]
        elif side in ("diagonal_down", "diagonal_up"):
            targets = [(r, c, side) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
        else:
            raise NotImplementedError(f"setBorderProperty: side {side!r}")
        for row, col, where in targets:
            cell = ws.cell(row, col)
            if isinstance(cell, MergedCell):
                continue
            border = copy.copy(cell.border)
            if where.startswith("diagonal"):
                border.diagonal = self._side(border.diagonal, attribute, value)
                setattr(
                    border,
                    "diagonalDown" if where == "diagonal_down" else "diagonalUp",
                    border.diagonal.style is not None,
                )
            else:
                setattr(border, where, self._side(getattr(border, where), attribute, value))
            cell.border = border

    @staticmethod
    def _chars(points: float) -> float:
        """Column width in points -> Excel's character units (Calibri 11)."""
        pixels = float(points) * 96 / 72
        return 0.0 if pixels <= 0 else round(max(0.0, (pixels - 5) / 7), 2)

    def setColumnWidth(self, a: Mapping[str, Any]) -> None:
        ws, _, c0, _, c1 = self.rect(a)
        for col in range(c0, c1 + 1):
            ws.column_dimensions[get_column_letter(col)].width = self._chars(a["args"][0])

    def setRowHeight(self, a: Mapping[str, Any]) -> None:
        ws, r0, _, r1, _ = self.rect(a)
        for row in range(r0, r1 + 1):
            ws.row_dimensions[row].height = float(a["args"][0])

    def setColumnHidden(self, a: Mapping[str, Any]) -> None:
        ws, _, c0, _, c1 = self.rect(a)
        for col in range(c0, c1 + 1):
            ws.column_dimensions[get_column_letter(col)].hidden = bool(a["args"][0])

    def setRowHidden(self, a: Mapping[str, Any]) -> None:
        ws, r0, _, r1, _ = self.rect(a)
        for row in range(r0, r1 + 1):
            ws.row_dimensions[row].hidden = bool(a["args"][0])

    @staticmethod
    def _text_width(value: Any) -> int:
        if value is None:
            return 0
        if isinstance(value, float):
            value = f"{value:.10g}"
        if isinstance(value, (dt.date, dt.datetime)):
            value = "0000-00-00"
        text = str(value)
        if text.startswith("="):
            return 0  # a formula: its result isn't known here
        return max(
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.splitlines() or [""]
        )

    def _autofit(self, ws: Worksheet, axis: str, r0: int, c0: int, r1: int, c1: int) -> None:
        if axis == "rows":
            for row in range(r0, r1 + 1):
                if row in ws.row_dimensions:
                    ws.row_dimensions[row].height = None
            return
        for col in range(c0, c1 + 1):
            widest = max(
                (
                    self._text_width(cell.value)
                    for (r, c), cell in ws._cells.items()
                    if c == col and r0 <= r <= r1
                ),
                default=0,
            )
            if widest:
                ws.column_dimensions[get_column_letter(col)].width = min(255.0, widest + 2.0)

    def setAutofit(self, a: Mapping[str, Any]) -> None:
        ws, r0, c0, r1, c1 = self.rect(a)
        self._autofit(ws, a["args"][0], r0, c0, r1, c1)

    def setSheetAutofit(self, a: Mapping[str, Any]) -> None:
        ws = self.sheet(a["sheet_position"])
        self._autofit(ws, a["args"][0], 1, 1, ws.max_row, ws.max_column)

    def rangeMerge(self, a: Mapping[str, Any]) -> None:
        ws, r0, c0, r1, c1 = self.rect(a, clip=False)
        if a["args"][0]:  # across: one merged area per row
            if c1 > c0:
                for row in range(r0, r1 + 1):
                    ws.merge_cells(start_row=row, start_column=c0, end_row=row, end_column=c1)
        elif (r0, c0) != (r1, c1):
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)

    def rangeUnmerge(self, a: Mapping[str, Any]) -> None:
        ws, r0, c0, r1, c1 = self.rect(a, clip=False)
        target = CellRange(min_col=c0, min_row=r0, max_col=c1, max_row=r1)
        for merged in list(ws.merged_cells.ranges):
            if not merged.isdisjoint(target):
                ws.unmerge_cells(merged.coord)

    # -- links, notes -------------------------------------------------------
    def addHyperlink(self, a: Mapping[str, Any]) -> None:
        address, text, tip = (list(a["args"]) + [None, None, None])[:3]
        for cell in self.cells(a):
            if str(address).startswith("#"):
                cell.hyperlink = Hyperlink(
                    ref=cell.coordinate, location=str(address)[1:], tooltip=tip
                )
            else:
                cell.hyperlink = Hyperlink(ref=cell.coordinate, target=str(address), tooltip=tip)
            if text:
                cell.hyperlink.display = text
                cell.value = text

    def _note_cell(self, a: Mapping[str, Any], address: str) -> Cell:
        return self.sheet(a["sheet_position"])[address.replace("$", "")]

    def addNote(self, a: Mapping[str, Any]) -> None:
        self._note_cell(a, a["args"][0]).comment = Comment(str(a["args"][1]), NOTE_AUTHOR)

    def setNoteText(self, a: Mapping[str, Any]) -> None:
        cell = self._note_cell(a, a["args"][0])
        author = cell.comment.author if cell.comment is not None else NOTE_AUTHOR
        cell.comment = Comment(str(a["args"][1]), author)

    def deleteNote(self, a: Mapping[str, Any]) -> None:
        self._note_cell(a, a["args"][0]).comment = None

    def addComment(self, a: Mapping[str, Any]) -> None:  # threaded -> note
        self._note_cell(a, a["args"][0]).comment = Comment(str(a["args"][1]), NOTE_AUTHOR)

    def setCommentText(self, a: Mapping[str, Any]) -> None:
        self._note_cell(a, a["args"][1]).comment = Comment(str(a["args"][2]), NOTE_AUTHOR)

    def deleteComment(self, a: Mapping[str, Any]) -> None:
        self._note_cell(a, a["args"][1]).comment = None

    # -- data validation ----------------------------------------------------
    _DV_TYPES = {
        "whole_number": "whole",
        "decimal": "decimal",
        "date": "date",
        "time": "time",
        "text_length": "textLength",
        "custom": "custom",
    }
    _DV_OPERATORS = {
        "between": "between",
        "not_between": "notBetween",
        "equal_to": "equal",
        "not_equal_to": "notEqual",
        "greater_than": "greaterThan",
        "less_than": "lessThan",
        "greater_than_or_equal": "greaterThanOrEqual",
        "less_than_or_equal": "lessThanOrEqual",
    }
    _DV_KEEP = (
        "promptTitle",
        "prompt",
        "errorTitle",
        "error",
        "showInputMessage",
        "showErrorMessage",
        "errorStyle",
        "allow_blank",
    )

    def _take_validation(
        self, a: Mapping[str, Any]
    ) -> tuple[Worksheet, str, DataValidation | None]:
        """Remove the range from existing validations; return the first one it was in."""
        ws, r0, c0, r1, c1 = self.rect(a)
        target = CellRange(min_col=c0, min_row=r0, max_col=c1, max_row=r1)
        previous = None
        for dv in list(ws.data_validations.dataValidation):
            kept: list[str] = []
            touched = False
            for part in dv.sqref.ranges:
                if part.isdisjoint(target):
                    kept.append(part.coord)
                    continue
                touched = True
                # Up to four rectangles of ``part`` lie outside ``target``.
                if part.min_row < r0:
                    kept.append(_a1(part.min_col, part.min_row, part.max_col, r0 - 1))
                if part.max_row > r1:
                    kept.append(_a1(part.min_col, r1 + 1, part.max_col, part.max_row))
                top, bottom = max(part.min_row, r0), min(part.max_row, r1)
                if part.min_col < c0:
                    kept.append(_a1(part.min_col, top, c0 - 1, bottom))
                if part.max_col > c1:
                    kept.append(_a1(c1 + 1, top, part.max_col, bottom))
            if touched:
                if previous is None:
                    previous = copy.copy(dv)
                if kept:
                    dv.sqref = " ".join(kept)
                else:
                    ws.data_validations.dataValidation.remove(dv)
        return ws, target.coord, previous

    def _add_validation(self, a: Mapping[str, Any], **rule: Any) -> None:
        ws, ref, previous = self._take_validation(a)
        dv = DataValidation(allow_blank=True, **rule)
        if previous is not None:
            for key in self._DV_KEEP:
                setattr(dv, key, getattr(previous, key))
        dv.add(ref)
        ws.add_data_validation(dv)

    def setDataValidationList(self, a: Mapping[str, Any]) -> None:
        source, in_cell_dropdown = a["args"][0], a["args"][1]
        if source["type"] == "literal":
            formula = '"' + ",".join(str(v) for v in source["values"]) + '"'
        elif source["type"] == "range":
            ws = self.sheet(source["sheet_position"])
            r0, c0 = source["start_row"] + 1, source["start_column"] + 1
            r1, c1 = r0 + source["row_count"] - 1, c0 + source["column_count"] - 1
            formula = f"{quote_sheetname(ws.title)}!{self.ref(ws, r0, c0, r1, c1)}"
        elif source["type"] == "name":
            formula = source["name"]
        else:
            raise NotImplementedError(f"setDataValidationList: source type {source['type']!r}")
        # openpyxl's showDropDown=True *hides* the in-cell arrow (as the file format does).
        self._add_validation(
            a, type="list", formula1=formula, showDropDown=not in_cell_dropdown or None
        )

    def setDataValidationRule(self, a: Mapping[str, Any]) -> None:
        rule = a["args"][0]
        if rule["type"] not in self._DV_TYPES:
            raise NotImplementedError(f"setDataValidationRule: type {rule['type']!r}")

        def bare(formula: Any) -> str | None:
            return None if formula is None else str(formula).removeprefix("=")

        self._add_validation(
            a,
            type=self._DV_TYPES[rule["type"]],
            operator=self._DV_OPERATORS.get(rule.get("operator") or "", None),
            formula1=bare(rule.get("formula1")),
            formula2=bare(rule.get("formula2")),
        )

    def deleteDataValidation(self, a: Mapping[str, Any]) -> None:
        self._take_validation(a)

    # -- names --------------------------------------------------------------
    def _names_of(self, book_scope: bool, scope_sheet_index: int | None) -> Any:
        if book_scope:
            return self.wb.defined_names
        return self.sheet(scope_sheet_index).defined_names

    def namesAdd(self, a: Mapping[str, Any]) -> None:
        name, refers_to = a["args"][0], str(a["args"][1])
        book_scope = a.get("sheet_position") is None
        names = self._names_of(book_scope, a.get("sheet_position"))
        names[name] = DefinedName(name, attr_text=refers_to.removeprefix("="))

    def nameDelete(self, a: Mapping[str, Any]) -> None:
        _, _, name, _, book_scope, scope_sheet_index = a["args"]
        del self._names_of(bool(book_scope), scope_sheet_index)[name]

    def setNameRefersTo(self, a: Mapping[str, Any]) -> None:
        name, book_scope, scope_sheet_index, value = a["args"]
        names = self._names_of(bool(book_scope), scope_sheet_index)
        names[name] = DefinedName(name, attr_text=str(value).removeprefix("="))

    def setRangeName(self, a: Mapping[str, Any]) -> None:
        ws, r0, c0, r1, c1 = self.rect(a, clip=False)
        name = a["args"][0]
        target = f"{quote_sheetname(ws.title)}!{self.ref(ws, r0, c0, r1, c1)}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=target)

    # -- sheets -------------------------------------------------------------
    def addSheet(self, a: Mapping[str, Any]) -> None:
        position, name = int(a["args"][0]), a["args"][1]
        ws = self.wb.create_sheet(title=name)
        self.move_sheet(ws, position)
        self.activate(ws)

    def setSheetName(self, a: Mapping[str, Any]) -> None:
        from xlwings.pro._xlremote import _rename_sheet_in_formula

        ws = self.sheet(a["sheet_position"])
        old, new = ws.title, str(a["args"][0])
        ws.title = new
        # Excel rewrites every reference to the renamed sheet; openpyxl doesn't.
        for sheet in self.wb.worksheets:
            for cell in sheet._cells.values():
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.value = _rename_sheet_in_formula(cell.value, old, new)
                elif isinstance(cell.value, ArrayFormula) and cell.value.text:
                    cell.value.text = _rename_sheet_in_formula(cell.value.text, old, new)
        scopes = [self.wb.defined_names] + [s.defined_names for s in self.wb.worksheets]
        for names in scopes:
            for defined in names.values():
                if defined.attr_text:
                    defined.attr_text = _rename_sheet_in_formula(
                        "=" + defined.attr_text, old, new
                    ).removeprefix("=")

    def setSheetVisibility(self, a: Mapping[str, Any]) -> None:
        state = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}
        self.sheet(a["sheet_position"]).sheet_state = state[a["args"][0]]

    def activateSheet(self, a: Mapping[str, Any]) -> None:
        self.activate(self.sheet(int(a["args"][0])))

    def sheetDelete(self, a: Mapping[str, Any]) -> None:
        ws = self.sheet(a["sheet_position"])
        active = self.wb.active
        self.wb.remove(ws)
        if self.wb.worksheets:
            survivor = (
                active if active is not ws and active in self.wb._sheets else self.wb.worksheets[0]
            )
            self.activate(survivor)

    def setSheetPosition(self, a: Mapping[str, Any]) -> None:
        self.move_sheet(self.sheet(a["sheet_position"]), int(a["args"][0]))

    def copySheet(self, a: Mapping[str, Any]) -> None:
        position, target_ix, name = a["args"]
        source = self.sheet(a["sheet_position"])
        # Target index counts in the list *before* the copy is inserted.
        anchor = self.wb.worksheets[int(target_ix)]
        clone = self.wb.copy_worksheet(source)
        clone.title = name
        clone.sheet_view.tabSelected = False
        index = self.wb.worksheets.index(anchor)
        self.move_sheet(clone, index if position == "Before" else index + 1)

    def setShowGridlines(self, a: Mapping[str, Any]) -> None:
        self.sheet(a["sheet_position"]).sheet_view.showGridLines = bool(a["args"][0])

    def freezePaneAtRange(self, a: Mapping[str, Any]) -> None:
        ws = self.sheet(a["sheet_position"])
        min_col, min_row, max_col, max_row = range_boundaries(str(a["args"][0]).replace("$", ""))
        col = (max_col + 1) if max_col else 1
        row = (max_row + 1) if max_row else 1
        ws.freeze_panes = f"{get_column_letter(col)}{row}"

    def freezePaneUnfreeze(self, a: Mapping[str, Any]) -> None:
        self.sheet(a["sheet_position"]).freeze_panes = None

    def setPrintArea(self, a: Mapping[str, Any]) -> None:
        self.sheet(a["sheet_position"]).print_area = a["args"][0] or None

    def rangeSelect(self, a: Mapping[str, Any]) -> None:
        ws, r0, c0, r1, c1 = self.rect(a, clip=False)
        self.activate(ws)
        selection = ws.sheet_view.selection[0]
        selection.activeCell = f"{get_column_letter(c0)}{r0}"
        selection.sqref = self.ref(ws, r0, c0, r1, c1, absolute=False)

    def copyRange(self, a: Mapping[str, Any]) -> None:
        ws, r0, c0, r1, c1 = self.rect(a)
        dest_ws = self.sheet(int(a["args"][0]))
        dc0, dr0, _, _ = range_boundaries(str(a["args"][1]).replace("$", ""))
        snapshot = []
        for row in range(r0, r1 + 1):
            for col in range(c0, c1 + 1):
                cell = ws.cell(row, col)
                snapshot.append(
                    (row - r0, col - c0, cell.coordinate, cell.value, copy.copy(cell._style))
                )
        for dr, dc, origin, value, style in snapshot:
            target = dest_ws.cell(dr0 + dr, dc0 + dc)
            if isinstance(target, MergedCell):
                continue
            if isinstance(value, str) and value.startswith("="):
                value = Translator(value, origin=origin).translate_formula(target.coordinate)
            target.value = value
            target._style = style

    # -- book ---------------------------------------------------------------
    def setCalculation(self, a: Mapping[str, Any]) -> None:
        mode = {"Automatic": "auto", "Manual": "manual", "AutomaticExceptTables": "autoNoTable"}
        self.wb.calculation.calcMode = mode[a["args"][0]]

    def _no_file_change(self, a: Mapping[str, Any]) -> None:
        pass

    alert = calculate = setScreenUpdating = save = _no_file_change


#: Actions replayed by :func:`apply_actions`.
SUPPORTED_ACTIONS = frozenset(
    name
    for name in vars(_Replay)
    if name[:1].islower()
    and name
    not in {
        "sheet",
        "rect",
        "cells",
        "ref",
        "activate",
        "move_sheet",
        "typed",
        "argb",
    }
    and callable(getattr(_Replay, name))
)
#: Of those, the ones that change nothing in the file (UI or calculation only).
NO_FILE_CHANGE_ACTIONS = frozenset({"alert", "calculate", "setScreenUpdating", "save"})


def apply_actions(
    path: Path | str,
    actions: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    dest: Path | str,
    *,
    parse_strings: bool = True,
) -> Path:
    """Replay ``book.json()``'s actions onto a copy of ``path``; save it as ``dest``.

    ``actions`` is the list or the whole ``book.json()`` dict. ``path`` is never
    modified. Formulas are written, not computed: recalculate ``dest`` with
    :func:`workbook_templates.recalc.recalculate` to read their values. Raises
    ``NotImplementedError`` naming the first action that can't be replayed
    (nothing is saved then).
    """
    source, target = Path(path), Path(dest)
    if target.resolve() == source.resolve():
        raise ValueError(f"refusing to overwrite the source {source}")
    todo = _action_list(actions)
    unknown = [str(a.get("func")) for a in todo if a.get("func") not in SUPPORTED_ACTIONS]
    if unknown:
        others = sorted(set(unknown) - {unknown[0]})
        raise NotImplementedError(
            f"xlharness can't replay the xlwings action {unknown[0]!r}"
            + (f" (nor {others})" if others else "")
        )
    wb = openpyxl.load_workbook(source, keep_vba=source.suffix.lower() in (".xlsm", ".xltm"))
    replay = _Replay(wb, parse_strings)
    for action in todo:
        getattr(replay, action["func"])(action)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    if wb.vba_archive is not None:  # a ZipFile over memory: closed here, not by the collector
        wb.vba_archive.close()
    return target


# ---------------------------------------------------------------------------
# one call for the common case
# ---------------------------------------------------------------------------


@dataclass
class ScriptResult:
    """What :func:`run_script` produced."""

    book: Any  # the xw.Book the script ran against
    actions: list[dict[str, Any]]
    output: Path  # the replayed copy
    alerts: list[dict[str, str]] = field(default_factory=list)
    returned: Any = None  # the script's return value


def run_script(
    script: Callable[[Any], Any],
    path: Path | str,
    dest: Path | str,
    values_from: Path | str | None = None,
) -> ScriptResult:
    """Open ``path`` as the client would, run ``script(book)``, replay onto ``dest``.

    The script takes the book as its only argument (the project's rule for
    ``@xw.script`` functions; bind other arguments with ``functools.partial``).
    """
    book = open_book(path, values_from)
    returned = script(book)
    actions = copy.deepcopy(book.json()["actions"])
    output = apply_actions(path, actions, dest)
    return ScriptResult(book, actions, output, alerts(actions), returned)
