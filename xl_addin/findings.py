"""What validate_workbook writes, as plain data: the 校验结果 rows and the cells to mark.

The 校验结果 sheet is also the record of what the last run changed: for the first finding on
each cell it keeps the cell's fill before highlighting and whether a note was added, so the
next run can put the cells back exactly before it marks the new findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from validators.report import ERROR, Issue

__all__ = ["RESULT_SHEET", "HEADER", "NO_FILL", "NOTE_MARK", "Mark", "marks", "finding_rows",
           "previous_marks", "link_address", "summary_line"]

RESULT_SHEET = "校验结果"
HEADER = ["序号 No.", "工作表 Sheet", "单元格 Cell", "问题 Problem", "修改提示 Hint",
          "规则 Rule", "级别 Severity", "原底色 Fill before", "已加批注 Note added"]
FILL_COLUMN, NOTE_COLUMN = 7, 8  # 0-based positions in HEADER
NO_FILL = "无"  # the cell had no fill before it was highlighted
NOTE_MARK = "是"
NOTE_PREFIX = "【kaohe 校验】"
COLORS = {ERROR: "#FFC7CE", "warning": "#FFEB9C"}  # Excel's "bad" and "neutral" fills
SEVERITY = {ERROR: ("错误", "error"), "warning": ("提醒", "warning")}


@dataclass(frozen=True)
class Mark:
    """One cell to highlight, with the note that lists its findings."""

    sheet: str
    cell: str
    color: str
    note: str


def _text(issue: Issue, lang: str) -> tuple[str, str]:
    if lang == "en":
        return issue.message_en or issue.message, issue.hint_en or issue.hint
    return issue.message, issue.hint


def _where(issue: Issue) -> str:
    """The cell, or the row when only the row is known."""
    if issue.cell:
        return issue.cell.replace("$", "").upper()
    return f"A{issue.row_number}" if issue.row_number else ""


def marks(issues: Iterable[Issue], lang: str = "zh") -> list[Mark]:
    """One mark per located cell: the worst severity's colour, every message in the note."""
    found: dict[tuple[str, str], list[Issue]] = {}
    for issue in issues:
        if issue.sheet and issue.cell and issue.sheet != RESULT_SHEET:
            found.setdefault((issue.sheet, issue.cell.replace("$", "").upper()), []).append(issue)
    out = []
    for (sheet, cell), located in found.items():
        worst = ERROR if any(i.severity == ERROR for i in located) else located[0].severity
        lines = [" — ".join(t for t in _text(i, lang) if t) for i in located]
        out.append(Mark(sheet, cell, COLORS.get(worst, COLORS[ERROR]),
                        NOTE_PREFIX + "\n".join(lines)))
    return out


def finding_rows(issues: Sequence[Issue], lang: str = "zh") -> list[list[Any]]:
    """The rows under HEADER (fill and note columns left blank for the script to fill in)."""
    rows = []
    for number, issue in enumerate(issues, 1):
        message, hint = _text(issue, lang)
        severity = SEVERITY.get(issue.severity, (issue.severity, issue.severity))
        rows.append([number, issue.sheet, _where(issue), message, hint, issue.rule,
                     severity[1 if lang == "en" else 0], None, None])
    return rows


def link_address(sheet: str, cell: str) -> str:
    """An in-workbook hyperlink address: #'Sheet name'!C7."""
    return "#'" + sheet.replace("'", "''") + "'!" + cell


def previous_marks(grid: Sequence[Sequence[Any]]) -> list[tuple[str, str, str | None, bool]]:
    """(sheet, cell, fill before or None, note added) recorded by the last run's sheet."""
    out = []
    starts = [i for i, row in enumerate(grid) if row and row[0] == HEADER[0]]
    for row in grid[starts[0] + 1:] if starts else []:
        row = list(row) + [None] * (len(HEADER) - len(row))
        sheet, cell, fill, note = row[1], row[2], row[FILL_COLUMN], row[NOTE_COLUMN]
        if sheet and cell and fill not in (None, ""):
            out.append((str(sheet), str(cell), None if fill == NO_FILL else str(fill),
                        note == NOTE_MARK))
    return out


def summary_line(issues: Sequence[Issue], book_name: str, lang: str = "zh") -> str:
    """The line above the table: how many errors and warnings in which workbook."""
    errors = sum(1 for i in issues if i.severity == ERROR)
    if lang == "en":
        return f"{book_name}: {errors} errors, {len(issues) - errors} warnings"
    if not issues:
        return f"{book_name}：未发现问题"
    return f"{book_name}：{errors} 个错误，{len(issues) - errors} 个提醒"
