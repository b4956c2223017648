"""Reading keyed grids with python-calamine: values by machine key, findings located to the cell."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from validators.container.part_scan import col_letters
from validators.report import ERROR, WARNING, Issue
from workbook_templates.table_shape import inserted_columns, keyed_columns, table_rows
from workbook_templates.values import (
    FREE_TEXT_FIELDS,
    Parsed,
    TypedPercent,
    explain_controls,
    show_number,
)

__all__ = ["Grid", "Context", "a1"]

_LETTERS = [col_letters(i) for i in range(1, 257)]


def a1(row: int, column: int) -> str:
    """A1 reference of a 1-based (row, column)."""
    letter = _LETTERS[column - 1] if column <= 256 else col_letters(column)
    return f"{letter}{row}"


class Grid:
    """One sheet's values, A1-anchored, with its key row (row 1) and key column (A).

    Only the table's rows are keyed rows (a note typed in column A under it is not one);
    `formulas` are the sheet's formula cells (A1 -> text), when the caller knows them.
    """

    def __init__(self, sheet: str, rows: list[list[Any]],
                 formulas: Mapping[str, str] | None = None,
                 percent: frozenset[str] = frozenset()) -> None:
        self.sheet = sheet
        self.rows = rows
        self.formulas: Mapping[str, str] = formulas or {}
        #: Cells shown in a percent format (a typed "7.5%" is stored as 0.075 there).
        self.percent = percent
        self.col_keys: dict[str, int] = keyed_columns(rows)
        self.row_keys: list[tuple[int, str]] = [
            (r + 1, values[0]) for r, values in enumerate(table_rows(rows))
            if r > 0 and values and isinstance(values[0], str) and values[0]]
        #: Columns without a key between keyed ones: inserted by a clerk.
        self.inserted = inserted_columns(rows[0] if rows else [])

    def shifted(self, column: int) -> int:
        """Where the template's column `column` is now, after the columns inserted before it."""
        for inserted in self.inserted:
            if inserted <= column:
                column += 1
        return column

    def value(self, row: int, column: int) -> Any:
        """The value at a 1-based (row, column); None beyond the used range or when empty."""
        if row - 1 >= len(self.rows) or column < 1:
            return None
        values = self.rows[row - 1]
        if column - 1 >= len(values):
            return None
        value = values[column - 1]
        return None if value == "" else value

    def filled(self, row: int, column: int) -> bool:
        """Whether a cell holds anything: a value, or a formula (even one whose result Excel
        did not save, which reads as empty)."""
        if 0 < row <= len(self.rows) and column >= 1:  # value(), inlined: called per cell
            values = self.rows[row - 1]
            if column <= len(values) and values[column - 1] not in (None, ""):
                return True
        return column >= 1 and bool(self.formulas) and a1(row, column) in self.formulas

    def column(self, key: str) -> int | None:
        """Column index of a key, or None."""
        return self.col_keys.get(key)

    def keyed_rows(self, prefix: str = "") -> Iterator[tuple[int, str]]:
        """(row, key) of rows whose key starts with prefix, top to bottom."""
        for row, key in self.row_keys:
            if key.startswith(prefix):
                yield row, key


@dataclass
class Context:
    """What a kind reader works with: the open book, `_meta`, findings and the cell map."""

    file: str
    meta: Mapping[str, Any]
    load: Callable[[str], list[list[Any]]]
    #: A sheet's formula cells (A1 -> text), when the caller has the sheet XML.
    formulas: Callable[[str], Mapping[str, str]] | None = None
    #: A sheet's cells shown in a percent format, when the caller has the file's styles.
    percent: Callable[[str], frozenset[str]] | None = None
    issues: list[Issue] = field(default_factory=list)
    cell_map: dict[str, tuple[str, str]] = field(default_factory=dict)
    _grids: dict[str, Grid] = field(default_factory=dict)

    @property
    def layout(self) -> Mapping[str, Any]:
        """The `layout` recorded in `_meta`."""
        return self.meta.get("layout") or {}

    @property
    def choices(self) -> Mapping[str, Mapping[str, Any]]:
        """Choice lists recorded in the layout: key -> {shown label: stored value}."""
        return self.layout.get("choices") or {}

    def grid(self, role: str) -> Grid:
        """The data sheet playing `role` (read once)."""
        if role not in self._grids:
            name = self.layout["sheets"][role]["name"]
            self._grids[role] = Grid(name, self.load(name),
                                     self.formulas(name) if self.formulas else None,
                                     self.percent(name) if self.percent else frozenset())
        return self._grids[role]

    def single(self, name: str) -> tuple[Grid, int, int] | None:
        """The grid and 1-based position of a single input cell named in the layout."""
        spec = self.layout.get("cells", {}).get(name)
        if not spec:
            return None
        grid = self.grid(spec[0])
        letters = "".join(ch for ch in spec[1] if ch.isalpha())
        number = int("".join(ch for ch in spec[1] if ch.isdigit()))
        column = 0
        for ch in letters.upper():
            column = column * 26 + ord(ch) - 64
        return grid, number, grid.shifted(column)

    def read(self, grid: Grid, row: int, column: int, parse: Callable[[Any], Parsed], *,
             json_path: str, field_name: str, label: str, **where: Any) -> Any:
        """Parse one cell, record it in the cell map, and turn a finding into a located Issue."""
        cell = a1(row, column)
        self.cell_map[json_path] = (grid.sheet, cell)
        raw = grid.value(row, column)
        if cell in grid.formulas:
            return self._formula(grid, row, cell, raw, parse, json_path=json_path,
                                 field=field_name, label=label, **where)
        if grid.percent and cell in grid.percent and type(raw) in (float, int):
            raw = TypedPercent(raw)  # typed with a % sign: the parser reads what was meant
        parsed = parse(raw)
        finding = parsed.finding
        if finding is not None:
            finding = explain_controls(parse, raw, parsed).finding or finding
            self.issues.append(Issue(
                rule=finding.rule, message=finding.message, message_en=finding.message_en,
                severity=finding.severity, file=self.file, sheet=grid.sheet, cell=cell,
                row_number=row, field=field_name, label=label, value=raw, hint=finding.hint,
                hint_en=finding.hint_en, json_path=json_path, **where))
        return parsed.value

    def _formula(self, grid: Grid, row: int, cell: str, raw: Any,
                 parse: Callable[[Any], Parsed], **where: Any) -> Any:
        """An input cell holding a formula: its shown value when Excel saved a usable one
        (a warning), else nothing (an error; a warning in a free-text field, which is not
        scored) — one finding, at the cell."""
        from validators.messages import finding

        parsed = parse(raw) if raw is not None else None
        usable = (parsed is not None and parsed.value not in (None, "")
                  and (parsed.finding is None or parsed.finding.severity != ERROR))
        probe = parse(1).value  # a number field reads 1 as a number
        number = isinstance(probe, int | float) and not isinstance(probe, bool)
        formula = grid.formulas[cell]
        params = {"cell": cell, "formula": formula if len(formula) <= 60 else formula[:59] + "…",
                  "what": "数值" if number else "文字", "what_en": "number" if number else "text"}
        if usable and parsed is not None:
            value = parsed.value
            shown = show_number(float(value)) if isinstance(value, int | float) else str(value)
            self.issues.append(finding(
                "formula-in-input", severity=WARNING, file=self.file, sheet=grid.sheet,
                cell=cell, row_number=row, value=raw if isinstance(raw, str | int | float)
                else None, params={**params, "shown": shown[:60]}, **where))
            return value
        free = where.get("field") in FREE_TEXT_FIELDS
        self.issues.append(finding(
            "formula-in-input", key="formula-in-input-text" if free else
            "formula-in-input-no-value", severity=WARNING if free else ERROR, file=self.file,
            sheet=grid.sheet, cell=cell, row_number=row, params=params, **where))
        return None

    def add(self, rule: str, message: str, message_en: str, severity: str = ERROR,
            **where: Any) -> None:
        """Add a finding with whatever location is known."""
        self.issues.append(Issue(rule=rule, message=message, message_en=message_en,
                                 severity=severity, file=self.file, **where))
