"""A submitted workbook as the checks see it: values through python-calamine, formulas from
the sheet XML (a reader of values cannot tell a formula from a typed number)."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from kaohe.errors import KaoheError
from validators.container.files import STYLES_PART, Checked, sheet_parts
from validators.container.part_scan import col_letters as col_letter  # (one of them, for tamper.py)
from validators.messages import finding
from validators.report import Issue

__all__ = ["WorkbookFile", "DamagedSheet", "damaged_issue", "KEY_MARK", "col_letter",
           "column_number"]

_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
# The fast path: each formula is its cell's first child (the order the file format
# prescribes and every writer follows): from each <f, back over white space to the end of
# the cell's start tag, without visiting the cells that hold no formula.
# (\w++ never gives back: a tag name holds no ":", so it matches what \w+ would, at once.)
_F_TAG = re.compile(rb"<f\b|<\w++:f\b")
_F_ELEMENT = re.compile(rb"<(?:\w++:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w++:)?f>)")
_CELL_START = re.compile(rb"<(?:\w++:)?c\b([^>]*)>")
_SPACE = b" \t\n\r\x0b\x0c"
# A cell showing an error value (#DIV/0!, #N/A …): t="e", its value the error's text.
# python-calamine gives such a cell as "" — as if it were blank.
_ERROR_CELL = re.compile(rb"""<(?:\w++:)?c\b([^>]*?\bt=["']e["'][^>/]*)>(.*?)</(?:\w++:)?c>""",
                         re.S)
_VALUE = re.compile(rb"<(?:\w++:)?v>([^<]*)</(?:\w++:)?v>")
# Number formats (xl/styles.xml): the cell formats (cellXfs, in order) and the format codes.
_CELL_XFS = re.compile(rb"<(?:\w++:)?cellXfs\b[^>]*>(.*?)</(?:\w++:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w++:)?xf\b([^>]*)")
_NUM_FMT = re.compile(rb"<(?:\w++:)?numFmt\b([^>]*)")
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PERCENT_BUILTIN = {9, 10}  # 0% and 0.00%
_PERCENT_ID = re.compile(rb"""numFmtId\s*=\s*["'](?:9|10)["']""")
# In a format code, text in quotes, an escaped character or a [colour] is not a format.
_NOT_FORMAT = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
KEY_MARK = "kaohe:key"
_BY_EXTENSION = {"xls", "xla", "xlsb", "ods"}


class DamagedSheet(KaoheError):
    """A sheet (or the workbook's own parts, `sheet` "") python-calamine cannot read: its XML
    is damaged (a row numbered -1, a cell reference "A0", a boolean "2", a missing part …),
    or a number in it is too large for its date or time format (`cell`, `value`: -1E+20 in
    a cell formatted h:mm made python-calamine panic). Said in plain words with the sheet's
    name: python-calamine's own text means nothing to a clerk ("Range is missing the
    expected row component.")."""

    def __init__(self, sheet: str = "", cell: str = "", value: str = "") -> None:
        # (the finding is located at the sheet and cell: the text does not repeat them)
        if cell:
            super().__init__(f"数值 {value} 超出其日期/时间格式能表示的范围，整张工作表无法读取",
                             f"the number {value} is beyond what its date or time format can "
                             "show; the whole sheet cannot be read")
        elif sheet:
            super().__init__("这张工作表的内容已损坏，无法读取",
                             "this sheet is damaged and cannot be read")
        else:
            super().__init__("文件内部结构已损坏", "the file's internal structure is damaged")
        self.sheet, self.cell = sheet, cell


def damaged_issue(exc: DamagedSheet, file: str) -> Issue:
    """The `read-failed` finding of a DamagedSheet, at its sheet and cell: a number too large
    for its date or time format is to be corrected there; anything else is mended by saving
    the workbook anew. (The validators and the template reader say it alike.)"""
    return finding("read-failed", key="read-failed-number" if exc.cell else None, file=file,
                   sheet=exc.sheet, cell=exc.cell,
                   params={"reason": exc.message, "reason_en": exc.message_en})


def _is_panic(exc: BaseException) -> bool:
    """A Rust panic inside python-calamine (pyo3's PanicException derives from BaseException,
    so `except Exception` lets it through and the whole run stops)."""
    return type(exc).__name__ == "PanicException"


# Beyond ±1E+11 days no date or time can be made of a number (python-calamine panics).
_FAR = 1e11


class WorkbookFile:
    """A submitted workbook read with python-calamine (values) and its sheet XML (formulas).

    Given the `Checked` bytes of `open_checked`, it reads them from memory and takes the
    sheet XML the inspection already decompressed, instead of opening the file again.
    """

    def __init__(self, path: Path, checked: Checked | None = None) -> None:
        from python_calamine import CalamineError, CalamineWorkbook

        self.path = Path(path)
        self._checked = checked
        # python-calamine opens a path by its extension (a zip named .xls is refused) and
        # bytes by their content: bytes only where both choose the same reader.
        try:
            if checked is not None and self.path.suffix[1:] not in _BY_EXTENSION:
                self._book = CalamineWorkbook.from_filelike(io.BytesIO(checked.data))
            else:
                self._book = CalamineWorkbook.from_path(str(path))
        except CalamineError as exc:
            raise DamagedSheet() from exc
        except BaseException as exc:
            if not _is_panic(exc):
                raise
            raise DamagedSheet() from exc
        self.names: list[str] = list(self._book.sheet_names)
        self._rows: dict[str, list[list[Any]]] = {}
        self._formulas: dict[str, dict[str, str]] | None = None
        self._percent_styles: frozenset[bytes] | None = None
        self._percent: dict[str, frozenset[str]] = {}

    def rows(self, name: str) -> list[list[Any]]:
        """The sheet's values, anchored at A1 ("" for empty cells)."""
        if name not in self._rows:
            from python_calamine import CalamineError

            try:
                sheet = self._book.get_sheet_by_name(name)
                self._rows[name] = sheet.to_python(skip_empty_area=False)
            except CalamineError as exc:
                raise DamagedSheet(name) from exc
            except BaseException as exc:
                if not _is_panic(exc):
                    raise
                raise DamagedSheet(name, *self._far_number(name)) from exc
        return self._rows[name]

    def value(self, name: str, row: int, column: int) -> Any:
        """The value at a 1-based (row, column); None when empty or beyond the used range."""
        rows = self.rows(name)
        if row - 1 >= len(rows) or column - 1 >= len(rows[row - 1]):
            return None
        value = rows[row - 1][column - 1]
        return None if value == "" else value

    def formula_cells(self, name: str) -> dict[str, str]:
        """Cells of a sheet that hold a formula: A1 reference -> formula text ("=SUM(…)", or
        "=" for a shared formula whose text lives in another cell)."""
        if self._formulas is None:
            self._formulas = {}
        if name not in self._formulas:
            self._formulas[name] = _formulas_of(xml) if (xml := self._sheet_xml(name)) else {}
        return self._formulas[name]

    def percent_cells(self, name: str) -> frozenset[str]:
        """Cells of a sheet shown in a percent format (A1 references): where Excel, WPS or
        LibreOffice stored a typed "7.5%" as 0.075. Our templates format no cell so, so this
        costs one look at xl/styles.xml unless someone typed or pasted a percent."""
        if self._percent_styles is None:
            self._percent_styles = _percent_styles(self._part(STYLES_PART) or b"")
        if not self._percent_styles:
            return frozenset()
        if name not in self._percent:
            self._percent[name] = _cells_styled(self._sheet_xml(name) or b"",
                                                self._percent_styles)
        return self._percent[name]

    def _part(self, part: str) -> bytes | None:
        """A part of the package (from the inspection's copy when it kept one)."""
        checked = self._checked
        if checked is not None and part in checked.sheet_xml:
            return checked.sheet_xml[part]
        source = io.BytesIO(checked.data) if checked is not None else self.path
        try:
            with zipfile.ZipFile(source) as archive:
                return archive.read(part) if part in archive.NameToInfo else None
        except (OSError, zipfile.BadZipFile):
            return None

    def error_cells(self, name: str) -> dict[str, str]:
        """Cells of a sheet that show an error value: A1 reference -> "#DIV/0!" (python-calamine
        reads them as empty). One scan of the sheet XML when it holds no error at all."""
        xml = self._sheet_xml(name)
        if not xml or (b't="e"' not in xml and b"t='e'" not in xml):
            return {}
        found = {}
        for attrs, inner in _ERROR_CELL.findall(xml):
            if (ref := _REF.search(attrs)) and (value := _VALUE.search(inner)):
                found[ref.group(1).decode()] = html.unescape(value.group(1).decode("utf-8",
                                                                                   "replace"))
        return found

    def _far_number(self, name: str) -> tuple[str, str]:
        """(cell, value) of the first number no date or time can be made of, else ("", "")."""
        for attrs, inner in _CELL.findall(self._sheet_xml(name) or b""):
            if (ref := _REF.search(attrs)) and (value := _VALUE.search(inner or b"")):
                try:
                    number = float(value.group(1))
                except ValueError:
                    continue
                if abs(number) >= _FAR:
                    return ref.group(1).decode(), value.group(1).decode("ascii", "replace")
        return "", ""

    def _sheet_xml(self, name: str) -> bytes | None:
        checked = self._checked
        if checked is not None and checked.sheet_names:  # (else bytes handed in unscanned)
            part = {sheet: p for p, sheet in checked.sheet_names.items()}.get(name)
            if part is None:
                return None
            if part in checked.sheet_xml:
                return checked.sheet_xml[part]
        source = io.BytesIO(checked.data) if checked is not None else self.path
        with zipfile.ZipFile(source) as archive:
            parts = {sheet: part for part, sheet in sheet_parts(archive).items()}
            part = parts.get(name)
            return archive.read(part) if part else None

    def with_formulas(self, name: str) -> list[list[Any]]:
        """The sheet's values with formula text where a formula has no cached value."""
        rows = [list(r) for r in self.rows(name)]
        for cell, text in self.formula_cells(name).items():
            row, column = _split(cell)
            while len(rows) < row:
                rows.append([])
            values = rows[row - 1]
            values.extend([""] * (column - len(values)))
            if values[column - 1] in ("", None):
                values[column - 1] = text
        return rows


def _attributes(text: bytes) -> dict[bytes, bytes]:
    return {m[1].rsplit(b":", 1)[-1]: m[2] if m[2] is not None else m[3]
            for m in _ATTR.finditer(text)}


def _percent_styles(styles: bytes) -> frozenset[bytes]:
    """The cell-format indexes (a cell's s="…") whose number format shows a percent."""
    if b"%" not in styles and not _PERCENT_ID.search(styles):
        return frozenset()  # (every template: no look at the formats at all)
    codes = {}
    for match in _NUM_FMT.finditer(styles):
        attrs = _attributes(match.group(1))
        code = html.unescape(attrs.get(b"formatCode", b"").decode("utf-8", "replace"))
        codes[attrs.get(b"numFmtId", b"")] = "%" in _NOT_FORMAT.sub("", code)
    found = set()
    block = _CELL_XFS.search(styles)
    for index, xf in enumerate(_XF.finditer(block.group(1) if block else b"")):
        fmt = _attributes(xf.group(1)).get(b"numFmtId", b"0")
        if codes.get(fmt, fmt.isdigit() and int(fmt) in _PERCENT_BUILTIN):
            found.add(str(index).encode())
    return frozenset(found)


def _cells_styled(xml: bytes, styles: frozenset[bytes]) -> frozenset[str]:
    """A1 references of the cells whose s="…" is one of `styles`."""
    pattern = re.compile(rb"""\bs\s*=\s*["'](""" + b"|".join(sorted(styles)) + rb""")["']""")
    found = set()
    for match in pattern.finditer(xml):
        start = xml.rfind(b"<", 0, match.start())
        tag = _CELL_START.match(xml, start)  # (an empty <c …/> too)
        if tag is not None and tag.end() >= match.end() and (ref := _REF.search(tag.group(1))):
            found.add(ref.group(1).decode())
    return frozenset(found)


def _formulas_of(xml: bytes) -> dict[str, str]:
    found = {}
    for tag in _F_TAG.finditer(xml):
        at = end = tag.start()
        while end and xml[end - 1] in _SPACE:
            end -= 1
        start = xml.rfind(b"<", 0, end)
        cell = _CELL_START.match(xml, start) if start >= 0 else None
        formula = _F_ELEMENT.match(xml, at)
        if cell is None or cell.end() != end or cell.group(1).endswith(b"/") or not formula:
            return _formulas_cell_by_cell(xml)  # a formula anywhere else: every cell visited
        if ref := _REF.search(cell.group(1)):
            found[ref.group(1).decode()] = "=" + html.unescape(
                (formula.group(1) or b"").decode("utf-8", "replace"))
    return found


def _formulas_cell_by_cell(xml: bytes) -> dict[str, str]:
    """Every cell visited: formulas wherever they stand in their cell (and nowhere else)."""
    found = {}
    for attrs, inner in _CELL.findall(xml):
        if not inner or not (ref := _REF.search(attrs)):
            continue
        match = _FORMULA_TEXT.search(inner)
        if match:
            found[ref.group(1).decode()] = "=" + html.unescape(
                (match.group(1) or b"").decode("utf-8", "replace"))
    return found


def _split(cell: str) -> tuple[int, int]:
    letters = "".join(ch for ch in cell if ch.isalpha())
    return int(cell[len(letters):]), column_number(letters)


def column_number(cell: str) -> int:
    """The 1-based column number of an A1 reference ("E7" -> 5)."""
    number = 0
    for ch in cell:
        if ch.isalpha():
            number = number * 26 + ord(ch) - 64
    return number
