"""A submitted table's structure as the tamper checks read it (validators.rules.tamper): its keyed
rows and columns (the template's hidden key column A and key row 1), what a row key names
in the scheme (an indicator, a unit), and how a clerk knows a cell (row label, printed
column header).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from validators.reading.tables import scheme_table
from validators.reading.xlsx_read import WorkbookFile, col_letter
from workbook_templates.table_shape import keyed_columns, table_rows

__all__ = ["Owners", "cell_label", "header_text", "keyed_columns", "keyed_rows"]


def keyed_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[int, str]]:
    """(row, key) of the table's keyed rows; a key used again (two @header rows) gets a #2,
    #3 suffix. Keys under the table are not rows of it (see table_end)."""
    keys: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for r, values in enumerate(table_rows(rows)):
        if r > 0 and values and isinstance(values[0], str) and values[0]:
            key = values[0]
            seen[key] = seen.get(key, 0) + 1
            keys.append((r + 1, key if seen[key] == 1 else f"{key}#{seen[key]}"))
    return keys


class Owners:
    """What a row key names: an indicator (unit reports), a unit (lead sheets, registers)."""

    def __init__(self, scheme: Any) -> None:

        self.indicators: Mapping[str, str] = scheme_table(scheme, "indicator names", lambda: {
            i.id: i.name for i in getattr(scheme, "indicators", ())})
        self.units: Mapping[str, str] = scheme_table(scheme, "unit names", lambda: {
            u.id: u.name for u in getattr(scheme, "units", ())})
        self.english: Mapping[str, str] = scheme_table(scheme, "english names", lambda: {
            t.id: getattr(t, "name_en", "") or t.name for things in (
                getattr(scheme, "indicators", ()), getattr(scheme, "units", ()))
            for t in things})

    def where(self, key: str, column_key: str = "") -> dict[str, str]:
        """indicator_id / unit_id of a row key ("C05", "altay_city", "altay_city|peers"), and
        of a column key ("C01.points" on a lead department's sheet)."""
        base = key.split("|", 1)[0].split("#", 1)[0]
        found = {}
        if base in self.indicators:
            found["indicator_id"] = base
        elif base in self.units:
            found["unit_id"] = base
        column = column_key.partition(".")[0]
        if column in self.indicators and "indicator_id" not in found:
            found["indicator_id"] = column
        return found

    def label(self, key: str, book: WorkbookFile, sheet: str, row: int,
              lang: str = "zh") -> str:
        """How a clerk knows the row: "C05 一般公共预算收入", "布尔津县", "布尔津县 peers"
        (in English "C05 General budget revenue", "Burqin County")."""
        base, _, rest = key.split("#", 1)[0].partition("|")
        en = lang == "en"
        if base in self.indicators:
            return f"{base} {self.english[base] if en else self.indicators[base]}"
        if base in self.units:
            return f"{self.english[base] if en else self.units[base]} {rest}".strip()
        for column in (4, 3, 2):
            value = book.value(sheet, row, column)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return key


def cell_label(book: WorkbookFile, sheet: str, row: int, column: int, key: str,
               owners: Owners) -> str:
    """“C04 地区生产总值增长·预估得分”: the row as a clerk knows it, then the column's header."""
    head = header_text(book, sheet, column)
    names = {c: k for k, c in keyed_columns(book.rows(sheet)).items()}
    indicator = names.get(column, "").partition(".")[0]
    if indicator in owners.indicators and not owners.where(key).get("indicator_id"):
        head = f"{indicator} {head}"
    if not key:
        return head
    return f"{owners.label(key, book, sheet, row)}·{head}"


def header_text(book: WorkbookFile, sheet: str, column: int) -> str:
    """The column's printed header: its last text above the first data row."""
    rows = book.rows(sheet)
    first = next((r for r, k in keyed_rows(rows) if not k.startswith("@header")), len(rows) + 1)
    for row in range(first - 1, 1, -1):
        value = book.value(sheet, row, column)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return col_letter(column)
