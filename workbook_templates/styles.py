"""Cell styles, data validations, page setup and protection of the clerk templates (openpyxl)."""

from __future__ import annotations

from copy import copy
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["FONT", "TITLE_FONT", "INPUT_FILL", "STYLES", "CellStyle", "number_rule",
           "list_rule", "date_rule", "text_rule", "page_setup", "protect", "width_for"]

FONT = "宋体"       # body text of official forms; LibreOffice substitutes a CJK font
TITLE_FONT = "黑体"
INPUT_COLOR = "FFF2CC"  # light yellow: "type here"
INPUT_FILL = PatternFill("solid", fgColor=INPUT_COLOR)
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LOCKED = Protection(locked=True)
_UNLOCKED = Protection(locked=False)


#: workbook → CellStyle → the style indices a fresh cell of that workbook was given
_APPLIED: WeakKeyDictionary[Any, dict[CellStyle, Any]] = WeakKeyDictionary()


class CellStyle:
    """A named bundle of openpyxl style objects, shared by every cell that uses it."""

    def __init__(self, font: Font, fill: PatternFill | None = None, border: Border | None = _BOX,
                 align: Alignment | None = None, number_format: str = "General",
                 locked: bool = True) -> None:
        self.font, self.fill, self.border, self.align = font, fill, border, align
        self.number_format, self.protection = number_format, _LOCKED if locked else _UNLOCKED

    def apply(self, cell: Any) -> None:
        """Give one openpyxl cell this style.

        A cell without any style yet takes the style indices the first such cell of its
        workbook was given: the same indices openpyxl would find again, without hashing
        five style objects per cell (a third of a template's build time)."""
        if getattr(cell, "_style", None) or not hasattr(cell, "parent"):
            self._apply(cell)  # a cell styled before keeps what this style leaves alone
            return
        book = cell.parent.parent
        known = _APPLIED.setdefault(book, {})
        array = known.get(self)
        if array is None:
            self._apply(cell)
            known[self] = copy(cell._style)
        else:
            cell._style = copy(array)

    def _apply(self, cell: object) -> None:
        cell.font = self.font  # type: ignore[attr-defined]
        if self.fill is not None:
            cell.fill = self.fill  # type: ignore[attr-defined]
        if self.border is not None:
            cell.border = self.border  # type: ignore[attr-defined]
        if self.align is not None:
            cell.alignment = self.align  # type: ignore[attr-defined]
        cell.number_format = self.number_format  # type: ignore[attr-defined]
        cell.protection = self.protection  # type: ignore[attr-defined]


def _font(size: float = 10, bold: bool = False, name: str = FONT, color: str = "000000") -> Font:
    return Font(name=name, size=size, bold=bold, color=color)


_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
_TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)

STYLES: dict[str, CellStyle] = {
    "title": CellStyle(_font(16, True, TITLE_FONT), border=None, align=_CENTER),
    "subtitle": CellStyle(_font(10.5, color="404040"), border=None, align=_CENTER),
    "label": CellStyle(_font(10.5, True), border=None, align=_RIGHT),
    "plain": CellStyle(_font(10.5), border=None, align=_LEFT),
    "note": CellStyle(_font(9.5, color="404040"), border=None, align=_TOP_LEFT),
    "para": CellStyle(_font(11), border=None, align=_TOP_LEFT),
    "heading": CellStyle(_font(12, True, TITLE_FONT), border=None, align=_LEFT),
    "header": CellStyle(_font(10, True, TITLE_FONT), PatternFill("solid", fgColor="DDEBF7"),
                        align=_CENTER),
    "group": CellStyle(_font(10, True), PatternFill("solid", fgColor="F2F2F2"), align=_LEFT),
    "text": CellStyle(_font(), align=_LEFT),
    "center": CellStyle(_font(), align=_CENTER),
    "number": CellStyle(_font(), align=_CENTER, number_format="General"),
    "muted": CellStyle(_font(9, color="7F7F7F"), PatternFill("solid", fgColor="EDEDED"),
                       align=_CENTER),
    "points": CellStyle(_font(10, True), PatternFill("solid", fgColor="E2EFDA"), align=_CENTER,
                        number_format="0.00"),
    "total": CellStyle(_font(10.5, True), PatternFill("solid", fgColor="E2EFDA"), align=_CENTER,
                       number_format="0.00"),
    "input": CellStyle(_font(10.5), INPUT_FILL, align=_CENTER, locked=False),
    "input_text": CellStyle(_font(10), INPUT_FILL, align=_LEFT, number_format="@",
                            locked=False),
    "input_date": CellStyle(_font(10.5), INPUT_FILL, align=_CENTER, number_format="yyyy-mm-dd",
                            locked=False),
    "meta": CellStyle(_font(9), border=None, align=None),
}


def _dv(kind: str, prompt: tuple[str, str], error: tuple[str, str], **kw: object) -> DataValidation:
    """A data validation with an input prompt and a stop-error message (titles ≤ 32 chars)."""
    dv = DataValidation(type=kind, allow_blank=True, showInputMessage=True,
                        showErrorMessage=True, errorStyle="stop", **kw)  # type: ignore[arg-type]
    dv.promptTitle, dv.prompt = prompt[0][:32], prompt[1][:255]
    dv.errorTitle, dv.error = error[0][:32], error[1][:255]
    return dv


def _num(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e15 else f"{x:.6E}"


def number_rule(prompt: tuple[str, str], error: tuple[str, str], low: float, high: float,
                integer: bool = False) -> DataValidation:
    """Numbers (or whole numbers) between low and high."""
    return _dv("whole" if integer else "decimal", prompt, error, operator="between",
               formula1=_num(low), formula2=_num(high))


def list_rule(prompt: tuple[str, str], error: tuple[str, str], options: list[str] | None = None,
              source: str | None = None, strict: bool = True) -> DataValidation:
    """A drop-down of options (inline when short) or of a named range."""
    if source is None:
        source = '"' + ",".join(options or []) + '"'
    dv = _dv("list", prompt, error, formula1=source)
    if not strict:  # other values allowed after a warning (e.g. a new category)
        dv.errorStyle = "warning"
    return dv


def date_rule(prompt: tuple[str, str], error: tuple[str, str], start: date,
              end: date) -> DataValidation:
    """Dates between start and end (inclusive)."""
    return _dv("date", prompt, error, operator="between",
               formula1=f"DATE({start.year},{start.month},{start.day})",
               formula2=f"DATE({end.year},{end.month},{end.day})")


def text_rule(prompt: tuple[str, str], error: tuple[str, str],
              max_length: int = 500) -> DataValidation:
    """Free text up to max_length characters."""
    return _dv("textLength", prompt, error, operator="lessThanOrEqual",
               formula1=str(max_length))


def page_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None, print_area: str,
               footer: str = "", one_page: bool = False) -> None:
    """A4, fit to one page wide (and tall when one_page), titles repeated, centred."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.75
    ws.page_margins.header, ws.page_margins.footer = 0.25, 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = print_area
    ws.oddFooter.center.text = "&P / &N"
    if footer:
        ws.oddFooter.left.text = footer


def protect(ws: Worksheet, password: str | None) -> None:
    """Lock the sheet (input cells stay editable); columns and rows may still be resized."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False
    if password:
        ws.protection.password = password


def width_for(texts: list[str], minimum: float = 6, maximum: float = 40) -> float:
    """A column width (Excel character units) for Chinese text: CJK characters count twice."""
    longest = 0.0
    for text in texts:
        for line in str(text).splitlines() or [""]:
            longest = max(longest, sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in line))
    return max(minimum, min(maximum, longest + 2))
