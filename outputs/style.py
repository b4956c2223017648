"""Shared pieces of the published workbooks (results, feedback): labels, formats, safe cells.

Written with xlsxwriter. Every text that came from a person (reasons, evidence, unit
names …) goes through :func:`put`, which writes it with ``write_string`` — never
``write`` — so a value such as ``=HYPERLINK(…)`` stays text (no formula injection); a
text that *looks* like a formula also gets Excel's quote prefix, so it stays text when
someone edits the cell. The workbook is opened with ``strings_to_formulas`` and
``strings_to_urls`` off as a second guard.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from types import MethodType
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from kaohe.labels import GRADE_EN
from workbook_templates.xlsx_save import FIXED_STAMP

__all__ = ["FONT", "Styles", "Labels", "open_workbook", "put", "put_row", "safe_sheet_name",
           "print_setup", "unit_label", "group_label", "grade_label", "FORMULA_PREFIXES",
           "fit_row", "fitting_size", "text_lines", "LANDSCAPE_PIXELS", "PORTRAIT_PIXELS",
           "MIN_PRINT_SCALE", "column_pixels", "print_scale", "first_page_columns"]

FONT = "宋体"            # body text of official documents; LibreOffice substitutes a CJK font
TITLE_FONT = "黑体"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Written as the workbook's "created" property unless a date is given: same results, same bytes.
FIXED_CREATED = FIXED_STAMP  # the date written into every workbook kaohe builds

_BASE: dict[str, Any] = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
_CELL: dict[str, Any] = {**_BASE, "border": 1, "border_color": "#808080"}
STYLES: dict[str, dict[str, Any]] = {
    "title": {**_BASE, "font_name": TITLE_FONT, "font_size": 16, "bold": True, "align": "center"},
    "subtitle": {**_BASE, "font_size": 10, "align": "center", "font_color": "#404040"},
    "section": {**_BASE, "font_name": TITLE_FONT, "font_size": 12, "bold": True},
    "banner": {**_BASE, "bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE",
               "align": "center", "border": 1, "border_color": "#9C0006"},
    "banner_wrap": {**_BASE, "bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE",
                    "align": "left", "text_wrap": True, "border": 1, "border_color": "#9C0006"},
    "note": {**_BASE, "font_size": 10, "font_color": "#404040", "text_wrap": True,
             "valign": "top"},
    "plain": {**_BASE},
    "wrap": {**_BASE, "text_wrap": True, "valign": "top"},
    "key": {**_CELL, "bold": True, "bg_color": "#F2F2F2"},
    "header": {**_CELL, "bold": True, "bg_color": "#DDEBF7", "align": "center",
               "text_wrap": True},
    "text": {**_CELL},
    "text_c": {**_CELL, "align": "center"},
    "text_warn": {**_CELL, "align": "center", "bold": True, "font_color": "#C00000"},
    "text_warn_wrap": {**_CELL, "bold": True, "font_color": "#C00000", "text_wrap": True},
    "text_l": {**_CELL, "align": "left"},
    "text_wrap": {**_CELL, "text_wrap": True},
    "int": {**_CELL, "align": "center", "num_format": "0"},
    "num": {**_CELL, "num_format": "0.00"},
    "num_b": {**_CELL, "num_format": "0.00", "bold": True},
    "delta": {**_CELL, "num_format": "+0.00;-0.00;0.00"},
    "delta_i": {**_CELL, "align": "center", "num_format": "+0;-0;0"},
    "pct": {**_CELL, "num_format": "0.00%"},
    "num_l": {**_CELL, "num_format": "0.00", "align": "left"},
    "num_bl": {**_CELL, "num_format": "0.00", "align": "left", "bold": True},
    "pct_l": {**_CELL, "num_format": "0.00%", "align": "left"},
    "delta_l": {**_CELL, "num_format": "+0.00;-0.00;0.00", "align": "left"},
    "full": {**_CELL, "bold": True, "bg_color": "#F2F2F2"},
    "loss": {**_CELL, "bg_color": "#FCE4D6"},
    "loss_strong": {**_CELL, "bg_color": "#F4B084", "bold": True,
                    "font_color": "#9C0006"},
    "pts": {**_CELL},
    "pts_full": {**_CELL, "bg_color": "#E2EFDA", "font_color": "#006100"},
    "na": {**_CELL, "align": "center", "font_color": "#808080", "bg_color": "#EDEDED"},
    "input": {**_CELL, "num_format": "0.00##", "bg_color": "#FFF2CC", "locked": False,
              "bold": True, "border_color": "#BF8F00"},
    "formula": {**_CELL, "num_format": "0.00", "bold": True, "bg_color": "#E2EFDA"},
    "formula_i": {**_CELL, "num_format": "0", "align": "center", "bold": True,
                  "bg_color": "#E2EFDA"},
    "grade_top": {**_CELL, "align": "center", "bold": True, "font_color": "#006100",
                  "bg_color": "#C6EFCE"},
    "grade_low": {**_CELL, "align": "center", "bold": True, "font_color": "#9C0006",
                  "bg_color": "#FFC7CE"},
}



class Labels:
    """Look up a label in the workbook's language: ``T = Labels(TABLE, "en"); T("rank")``."""

    def __init__(self, table: Mapping[str, tuple[str, str]], lang: str) -> None:
        if lang not in ("zh", "en"):
            raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
        self.table, self.lang = table, lang

    def __call__(self, key: str, **values: Any) -> str:
        zh, en = self.table[key]
        return (en if self.lang == "en" else zh).format(**values)


class Styles:
    """xlsxwriter formats by name, created once per workbook (xlsxwriter needs that)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._plain: dict[str, Format] = {}  # by name alone: most cells ask for these

    def __call__(self, name: str, **extra: Any) -> Format:
        if not extra and (known := self._plain.get(name)) is not None:
            return known
        props = {**STYLES[name], **extra}
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(props)
        if not extra:
            self._plain[name] = self._cache[key]
        return self._cache[key]

    def quoted(self, name: str) -> Format:
        """The same style with Excel's quote prefix: the text stays text when edited."""
        return self(name, quote_prefix=True)


# xlsxwriter runs some thirty substitutions over every formula to give Excel's newer
# functions their _xlfn. prefix; ours use none of them. A formula that names none of those
# functions comes back with only its "=" and braces stripped, which is all the
# substitutions would leave; any other formula goes through them. (A test checks this list
# against the installed xlsxwriter's.)
_NEWER_FUNCTIONS = re.compile(
    r"(?:ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA"
    r"|MAKEARRAY|MAP|RANDARRAY|REDUCE|SCAN|INGLE|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT"
    r"|TOCOL|TOROW|UNIQUE|VSTACK|WRAPCOLS|WRAPROWS|XLOOKUP)\(")


class _Worksheet(Worksheet):
    """xlsxwriter's worksheet, without the substitutions for formulas that cannot need them,
    and with a shorter inner loop for the cells most of ours are (a formatted number, shared
    string, blank or formula with a number for its value): the same XML, character for
    character (a test compares the two)."""

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        kind = cell.__class__.__name__
        if cell.format is None or kind not in _FAST_CELLS or (
                kind == "Formula" and type(cell.value) not in (int, float)):
            super()._write_cell(row, col, cell)
            return
        ref = (_COLUMN_NAMES.get(col) or _column_name(col)) + str(row + 1)
        xf = cell.format._get_xf_index()  # (an int: xlsxwriter never escapes it)
        if kind == "String":
            self.fh.write(f'<c r="{ref}" s="{xf}" t="s"><v>{cell.string}</v></c>')
        elif kind == "Blank":
            self.fh.write(f'<c r="{ref}" s="{xf}"/>')
        elif kind == "Formula":  # with a number for its value (a bool, text: the long way)
            formula = self._escape_data(cell.formula)
            self.fh.write(f'<c r="{ref}" s="{xf}"><f>{formula}</f><v>{cell.value}</v></c>')
        else:  # Number, Datetime
            self.fh.write(f'<c r="{ref}" s="{xf}"><v>{cell.number:.16G}</v></c>')

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if (self.use_future_functions or expand_future_functions or "_xlfn." in formula
                or _NEWER_FUNCTIONS.search(formula)):
            prepared: str = super()._prepare_formula(formula, expand_future_functions)
            return prepared
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula


_FAST_CELLS = frozenset({"Number", "Datetime", "String", "Blank", "Formula"})
_COLUMN_NAMES: dict[int, str] = {}


def _column_name(col: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    name = _COLUMN_NAMES[col] = xl_col_to_name(col)
    return name


def _write_pt(chart: Any, idx: int, value: Any) -> None:
    """A chart's cached point, <c:pt idx=".."><c:v>..</c:v></c:pt>, in one write: the XML
    xlsxwriter's four calls a point write (a test compares the two)."""
    if value is None:
        return
    data = chart._escape_control_characters(chart._escape_data(value))
    chart.fh.write(f'<c:pt idx="{idx}"><c:v>{data}</c:v></c:pt>')


class _Workbook(xlsxwriter.Workbook):
    """xlsxwriter's workbook whose charts write their cached points in one call each (the
    ranking charts cache every unit's total and components: ten thousand points at 1,000
    units)."""

    def add_chart(self, options: dict[str, Any]) -> Any:
        chart = super().add_chart(options)
        if chart is not None:
            chart._write_pt = MethodType(_write_pt, chart)
        return chart


def open_workbook(path: Path, *, title: str, created: date | None = None) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook that never turns a string into a formula or a link."""
    workbook = _Workbook(str(path), {"strings_to_formulas": False,
                                               "strings_to_urls": False,
                                               "strings_to_numbers": False,
                                               "in_memory": True})
    workbook.worksheet_class = _Worksheet
    when = created or FIXED_CREATED
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day)
    workbook.set_properties({"title": title, "author": "kaohe", "company": "",
                             "created": when, "comments": "kaohe"})
    return workbook


def put(ws: Worksheet, row: int, col: int, value: Any, styles: Styles, style: str = "text") -> None:
    """Write one cell by its Python type; text is always a string cell, never a formula."""
    # xlsxwriter's undecorated writers: row and column are numbers here, never "A1" text
    fmt = styles(style)
    if value is None or (isinstance(value, str) and value == ""):
        ws._write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws._write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        if math.isfinite(value):
            ws._write_number(row, col, value, fmt)
        else:
            ws._write_string(row, col, str(value), fmt)
    else:
        text = str(value)
        quoted = text.startswith(FORMULA_PREFIXES)
        ws._write_string(row, col, text, styles.quoted(style) if quoted else fmt)


def put_row(ws: Worksheet, row: int, col: int, values: Iterable[Any], styles: Styles,
            style: str | Iterable[str] = "text") -> None:
    """Write values left to right from (row, col); one style, or one style per value."""
    values = list(values)
    names = [style] * len(values) if isinstance(style, str) else list(style)
    for i, (value, name) in enumerate(zip(values, names, strict=True)):
        put(ws, row, col + i, value, styles, name)


_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\), recorded in `taken`."""
    base = (name.translate(_BAD_SHEET_CHARS).strip("'").strip() or "Sheet")[:31]
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def print_setup(ws: Worksheet, *, header_rows: tuple[int, int] | None, landscape: bool = True,
                last_col: int | None = None, last_row: int | None = None,
                footer: str = "", fit_width: bool = True, repeat_cols: int = 0) -> None:
    """A4, header rows repeated on every page, centred; printed one page wide where that
    keeps the print scale at MIN_PRINT_SCALE or more (10 pt text prints at 8 pt or more),
    else at that scale with the first `repeat_cols` columns repeated on the further pages.
    Not `fit_width`: printed at 100 % on pages the caller breaks."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if fit_width:
        scale = print_scale(ws, last_col, landscape)
        ws.set_print_scale(scale)
        if scale == MIN_PRINT_SCALE and repeat_cols:
            ws.repeat_columns(0, repeat_cols - 1)
    else:
        ws.set_print_scale(100)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.center_horizontally()
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    if last_col is not None and last_row is not None:
        ws.print_area(0, 0, last_row, last_col)
    ws.set_footer(f"&L{footer}&R&P / &N" if footer else "&C&P / &N")


def print_scale(ws: Worksheet, last_col: int | None, landscape: bool) -> int:
    """The print scale (%) at which columns 0..last_col fit one page wide, kept between
    MIN_PRINT_SCALE and 100."""
    info = getattr(ws, "col_info", {}) or {}
    cols = range((last_col if last_col is not None else max(info, default=0)) + 1)
    pixels = sum(_col_pixels(info.get(c)) for c in cols)
    room = LANDSCAPE_PIXELS if landscape else PORTRAIT_PIXELS
    return max(MIN_PRINT_SCALE, min(100, int(room * 100 / max(pixels, 1))))


def first_page_columns(widths: list[float], landscape: bool = True) -> int:
    """How many columns (of these widths) a page holds at MIN_PRINT_SCALE."""
    room = (LANDSCAPE_PIXELS if landscape else PORTRAIT_PIXELS) * 100 / MIN_PRINT_SCALE
    used = 0
    for n, width in enumerate(widths):
        used += column_pixels(width)
        if used > room:
            return n
    return len(widths)


def _col_pixels(col: Any) -> int:
    """The printed pixels of a column xlsxwriter keeps (its width in Excel pixels)."""
    width = getattr(col, "width", None) if col is not None else None
    if width is None and isinstance(col, list | tuple) and col:
        width = col[0]
    chars = 8.43 if width is None else max(0.0, (int(width) - 5) / 7)
    return column_pixels(chars)


def unit_label(unit: Mapping[str, Any], lang: str) -> str:
    """A unit's name in the workbook's language (English falls back to Chinese)."""
    if lang == "en":
        return str(unit.get("unit_name_en") or unit.get("unit_name") or unit.get("unit_id"))
    return str(unit.get("unit_name") or unit.get("unit_id"))


def group_label(group: Mapping[str, Any], lang: str) -> str:
    """A group's name in the workbook's language."""
    if lang == "en":
        return str(group.get("name_en") or group.get("name") or group.get("id"))
    return str(group.get("name") or group.get("id"))


def grade_label(grade: str | None, lang: str) -> str:
    """A grade label; in English the common Chinese labels are translated, others kept."""
    if not grade:
        return ""
    return GRADE_EN.get(grade, grade) if lang == "en" else grade


#: Pixels (96 dpi) across an A4 page within print_setup's margins (297 or 210 mm less 0.8 in),
#: a little short for the printers' rounding.
LANDSCAPE_PIXELS = 1015
PORTRAIT_PIXELS = 695
#: LibreOffice prints a column of Excel width w (characters) up to 9.6 × (w + 0.71) px wide,
#: wider than Excel's 7 × w + 5 (measured: A4 pages of 10-character columns hold 7 portrait,
#: 10 landscape; of the 指标得分 sheet, rank, unit and 10 indicators landscape).
_LO_PX_PER_CHAR = 9.6
#: The least print scale (%): the workbooks' text is 10 pt or more, so it prints at 8 pt or
#: more (a render check asserts it).
MIN_PRINT_SCALE = 80


def column_pixels(width: float) -> int:
    """Pixels a column `width` characters wide takes when LibreOffice prints it at 100 %."""
    return int(_LO_PX_PER_CHAR * (width + 0.71) + 0.5)


def _visual(text: str) -> float:
    return sum(1.75 if ord(ch) >= 0x2E80 else 1.0 for ch in text)


def fitting_size(text: str, width: float, sizes: tuple[int, ...] = (16, 14, 12, 11)) -> int:
    """The largest font size (of `sizes`) at which `text` fits on one line `width` wide."""
    visual = sum(1.75 if ord(ch) >= 0x2E80 else 0.8 for ch in text)  # Latin is proportional
    for size in sizes:
        if visual * size / 10 * 1.05 <= width:
            return size
    return sizes[-1]


def text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (CJK counts double)."""
    lines = 0
    for para in str(text).split("\n"):
        visual = _visual(para)
        lines += max(1, math.ceil(visual / max(width - 0.5, 1.0)))
    return lines


def fit_row(ws: Worksheet, row: int, cells: Iterable[tuple[Any, float]],
            line_height: float = 13.5) -> None:
    """Set a row tall enough for its wrapped texts: xlsxwriter cannot autofit, and
    LibreOffice/Excel keep an explicit height, so estimate the lines (text, column width)."""
    lines = max((text_lines(t, w) for t, w in cells if t), default=1)
    if lines > 1:
        ws.set_row(row, line_height * lines + 3)
