"""Building blocks shared by every template builder: the workbook, keyed sheets, the lists sheet.

Every data sheet is a *keyed grid*: row 1 (hidden) holds a machine key per column
(``actual``, ``C01.rating`` …) and column A (hidden) a machine key per row (``C04``,
``altay_city|superiors`` …). Readers and the filler find cells by these keys, never by
position. See docs/templates.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.engine.model import Scheme
from workbook_templates.labels import tr
from workbook_templates.meta import (
    FORMAT_VERSION,
    LISTS_SHEET,
    cell_text,
    fingerprint,
    locked_content,
    write_meta,
)
from workbook_templates.styles import STYLES, page_setup, protect

__all__ = ["KEY_MARK", "Book", "SheetWriter", "col", "generated_stamp"]

#: Written in A1 of every keyed sheet so a reader can tell a keyed grid from a foreign sheet.
KEY_MARK = "kaohe:key"


def col(index: int) -> str:
    """Column letter of a 1-based index (1 -> A)."""
    return get_column_letter(index)


def generated_stamp(generated_at: datetime | None) -> str:
    """ISO 8601 time of generation; now (UTC) when not given."""
    when = generated_at or datetime.now(UTC).replace(microsecond=0)
    return when.isoformat(timespec="seconds")


def _generator() -> str:
    try:
        return f"kaohe {version('kaohe')}"
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "kaohe"


def _range(column: int, first: int, last: int) -> CellRange:
    return CellRange(min_col=column, min_row=first, max_col=column, max_row=last)


class SheetWriter:
    """One keyed sheet: writes styled cells, records keys, adds validations, sets up print."""

    def __init__(self, book: Book, ws: Worksheet, role: str) -> None:
        self.book, self.ws, self.role = book, ws, role
        self.validations: dict[str, DataValidation] = {}
        # Cells per validation (by id), given to it once when the book is saved: openpyxl's
        # DataValidation.add compares each new cell with every range already added.
        self._covered: dict[int, list[tuple[int, int]]] = {}
        self._merged = (0, 0)  # (merged ranges seen, the lowest row any of them reaches)
        ws.sheet_view.showGridLines = False
        ws.cell(1, 1, KEY_MARK)
        ws.row_dimensions[1].hidden = True
        ws.column_dimensions["A"].hidden = True
        ws.column_dimensions["A"].width = 14

    def key_col(self, column: int, key: str) -> None:
        """Name column `column` for machines (row 1)."""
        self.ws.cell(1, column).value = cell_text(key, self.ws.title, 1, column)
        self.ws.cell(1, column).data_type = "s"

    def key_row(self, row: int, key: str) -> None:
        """Name row `row` for machines (column A)."""
        self.ws.cell(row, 1).value = cell_text(key, self.ws.title, row, 1)
        self.ws.cell(row, 1).data_type = "s"

    def put(self, row: int, column: int, value: Any, style: str = "text",
            number_format: str | None = None) -> Any:
        """Write a value (text always as text, never a formula) in a named style."""
        cell = self.ws.cell(row, column)
        if isinstance(value, str):
            cell.value = cell_text(value, self.ws.title, row, column)
            cell.data_type = "s"
        else:
            cell.value = value
        STYLES[style].apply(cell)
        if number_format:
            cell.number_format = number_format
        return cell

    def formula(self, row: int, column: int, text: str, style: str = "points") -> Any:
        """Write a formula (locked) in a named style."""
        cell = self.ws.cell(row, column)
        cell.value = text
        STYLES[style].apply(cell)
        return cell

    def span(self, row: int, first: int, last: int, value: Any, style: str) -> None:
        """Write a value across merged columns first..last of one row."""
        for c in range(first, last + 1):
            self.put(row, c, value if c == first else None, style)
        if last > first:
            self.merge(row, first, row, last)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Merge a range, as ws.merge_cells does. openpyxl first looks through every merged
        range for one holding the new one (quadratic: half of a 5,000-unit ballots register);
        a range that starts below every earlier one cannot be held by any, and is added
        without that search — the same workbook."""
        from openpyxl.worksheet.merge import MergedCellRange

        ranges = self.ws.merged_cells.ranges
        count, bottom = self._merged
        if count != len(ranges):  # merged elsewhere too: look at them all once
            bottom = max((r.max_row for r in ranges), default=0)
        if first_row <= bottom:
            self.ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row,
                                end_column=last_col)
        else:
            coord = CellRange(min_col=first_col, min_row=first_row, max_col=last_col,
                              max_row=last_row).coord
            merged = MergedCellRange(self.ws, coord)
            ranges.add(merged)
            self.ws._clean_merge_range(merged)
        self._merged = (len(ranges), max(bottom, last_row))

    def rule(self, name: str, make: Any) -> DataValidation:
        """The sheet's validation `name`, created by `make()` the first time it is asked for."""
        if name not in self.validations:
            dv = make()
            self.ws.add_data_validation(dv)
            self.validations[name] = dv
            self._covered[id(dv)] = []
        return self.validations[name]

    def input(self, row: int, column: int, dv: DataValidation, style: str = "input",
              value: Any = None) -> Any:
        """An unlocked, yellow input cell covered by a validation (one of `rule`'s)."""
        cell = self.put(row, column, value, style)
        self._covered[id(dv)].append((column, row))
        return cell

    def cover(self) -> None:
        """Give every validation its cells, each column's consecutive rows as one range."""
        for dv in self.validations.values():
            ranges = list(dv.sqref.ranges)
            run: list[int] = []  # [column, first row, last row] of the range being grown
            for column, row in sorted(self._covered[id(dv)]):
                if run and run[0] == column and row <= run[2] + 1:
                    run[2] = max(run[2], row)  # the next row, or a cell given twice
                    continue
                if run:
                    ranges.append(_range(*run))
                run = [column, row, row]
            if run:
                ranges.append(_range(*run))
            dv.sqref = MultiCellRange(ranges)
            self._covered[id(dv)] = []

    def widths(self, widths: Sequence[float], first: int = 2) -> None:
        """Set column widths from column `first` on."""
        for offset, width in enumerate(widths):
            self.ws.column_dimensions[col(first + offset)].width = width

    def finish(self, *, freeze: str | None, title_rows: str | None, last_row: int,
               last_col: int, landscape: bool = True, one_page: bool = False) -> None:
        """Freeze panes, page setup (A4, fit to width, repeated titles) and protection."""
        if freeze:
            self.ws.freeze_panes = freeze
        footer = self.book.footer
        page_setup(self.ws, landscape=landscape, title_rows=title_rows,
                   print_area=f"B2:{col(last_col)}{last_row}", footer=footer,
                   one_page=one_page)
        protect(self.ws, self.book.password)


class Book:
    """A template workbook under construction: instructions, keyed sheets, lists, `_meta`."""

    def __init__(self, scheme: Scheme, kind: str, lang: str, generated_at: datetime | None,
                 *, unit_id: str = "", lead_department: str = "") -> None:
        if lang not in ("zh", "en"):
            raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
        self.scheme, self.kind, self.lang = scheme, kind, lang
        self.password = scheme.template_password or None
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.meta: dict[str, Any] = {
            "kind": kind, "format_version": FORMAT_VERSION, "scheme_id": scheme.scheme_id,
            "scheme_version": scheme.version, "year": scheme.year, "unit_id": unit_id,
            "lead_department": lead_department, "lang": lang,
            "generated_at": generated_stamp(generated_at), "generator": _generator(),
        }
        self.layout: dict[str, Any] = {"sheets": {}, "cells": {}, "choices": {}}
        self.footer = f"{scheme.scheme_id} v{scheme.version}"
        self._lists: Worksheet | None = None
        self._lists_col = 0
        self._sheets: list[SheetWriter] = []

    def instructions(self, lines: Sequence[tuple[str, str]]) -> Worksheet:
        """The first sheet, 填表说明: (style, text) lines for a clerk, printed portrait."""
        ws = self.wb.create_sheet(tr("sheet.instructions", self.lang), 0)
        ws.sheet_view.showGridLines = False
        ws.column_dimensions["A"].width = 3
        ws.column_dimensions["B"].width = 78  # a portrait A4 page wide, unscaled
        for row, (style, text) in enumerate(lines, start=1):
            cell = ws.cell(row, 2, cell_text(text, ws.title, row, 2))
            cell.data_type = "s"
            STYLES[style].apply(cell)
            if style == "para":
                lines_needed = max(1, -(-sum(2 if ord(c) > 0x2E80 else 1 for c in text) // 72))
                ws.row_dimensions[row].height = 17 * lines_needed + 4
            elif style == "title":
                ws.row_dimensions[row].height = 32
        page_setup(ws, landscape=False, title_rows=None, print_area=f"B1:B{len(lines)}",
                   footer=self.footer)
        protect(ws, self.password)
        return ws

    def sheet(self, role: str, name: str, locked: Sequence[str] = ()) -> SheetWriter:
        """A new keyed data sheet; `locked` names the columns whose values are fingerprinted."""
        ws = self.wb.create_sheet(name)
        self.layout["sheets"][role] = {"name": name, "locked": list(locked)}
        self._sheets.append(SheetWriter(self, ws, role))
        return self._sheets[-1]

    def cell(self, name: str, role: str, coordinate: str) -> None:
        """Record a single input cell (e.g. the contact person) in the layout."""
        self.layout["cells"][name] = [role, coordinate]

    def choices(self, key: str, mapping: dict[str, str]) -> None:
        """Record a choice list (shown label -> stored value) for the reader."""
        self.layout["choices"][key] = mapping

    def list_range(self, name: str, values: Sequence[str]) -> str:
        """Write values to the hidden `_lists` sheet; return a defined name referring to them."""
        if self._lists is None:
            self._lists = self.wb.create_sheet(LISTS_SHEET)
            self._lists.sheet_state = "hidden"
        self._lists_col += 1
        letter = col(self._lists_col)
        self._lists.cell(1, self._lists_col, name).data_type = "s"
        for row, value in enumerate(values, start=2):
            text = cell_text(value, LISTS_SHEET, row, self._lists_col)
            cell = self._lists.cell(row, self._lists_col, text)
            cell.data_type = "s"
        ref = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)
        return name

    def save(self, path: Path) -> Path:
        """Cover the inputs, fingerprint the locked content, write `_meta`, protect, save."""
        for writer in self._sheets:
            writer.cover()
        sheets = {}
        for role, spec in self.layout["sheets"].items():
            grid = list(self.wb[spec["name"]].iter_rows(values_only=True))
            sheets[role] = locked_content(grid, spec["locked"])
        self.meta["fingerprint"] = fingerprint(self.meta, sheets)
        self.meta["layout"] = self.layout
        if self._lists is not None:
            protect(self._lists, self.password)
        write_meta(self.wb, self.meta, self.password)
        self.wb.security = WorkbookProtection(lockStructure=True)
        if self.password:
            self.wb.security.workbookPassword = self.password
        self.wb.active = 0
        from workbook_templates.xlsx_save import save_workbook

        return save_workbook(self.wb, path)
