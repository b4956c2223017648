"""An annotated COPY of a workbook: a 校验结果 sheet listing the findings with links to the
cells, and the cells themselves highlighted with a comment holding the message.

The copy is made to be printed as well as read on screen: every flagged cell lies inside its
sheet's print area (grown to take it in, hidden rows and columns holding one shown), flagged
cells are boxed as well as coloured (a black-and-white printer keeps a border, not a colour),
and flagged sheets print their row and column headings so the cell a finding names can be
found on paper. Each comment starts with the finding's number in the 校验结果 list.

The original is only read; the copy is written elsewhere (refused if it is the same file).
Only files that passed `inspect_file` should be annotated (openpyxl parses them whole).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.print_settings import PrintArea
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.errors import KaoheError
from validators.report import ERROR, Issue, Report

__all__ = ["annotate_workbook", "RESULT_SHEET", "RESULT_SHEET_EN"]

RESULT_SHEET = "校验结果"
RESULT_SHEET_EN = "Validation"
_FILLS = {ERROR: PatternFill("solid", fgColor="FFFF9999"),
          "warning": PatternFill("solid", fgColor="FFFFD966")}
_EDGES = {ERROR: Side("medium", color="FFC00000"), "warning": Side("medium", color="FFBF8F00")}
_HEADERS = {"zh": ("序号", "级别", "工作表", "单元格", "项目", "问题", "修改建议", "规则"),
            "en": ("No.", "Severity", "Sheet", "Cell", "Field", "Problem", "How to fix", "Rule")}
_SEVERITY = {"zh": {ERROR: "错误", "warning": "警告"}, "en": {ERROR: "error", "warning": "warning"}}
#: Column widths of the list: 152 characters print one A4 landscape page wide at about 85 %.
_WIDTHS = (5, 8, 12, 7, 22, 44, 36, 18)
_LINE = 15  # points per wrapped line of the list's 11-point text
_LEGEND = {
    "zh": ("红色为错误，黄色为警告；有问题的单元格在各工作表中标色加框，"
           "打印时带行号和列标，可按“单元格”一栏查找"),
    "en": ("Red: error, yellow: warning. Flagged cells are coloured and boxed on their sheets, "
           "printed with row and column headings: find them by the Cell column"),
}
_SHEET_HEADER = {"zh": "批注副本：红色为错误，黄色为警告，说明见“校验结果”表（按序号对应批注）",
                 "en": "Annotated copy: red is an error, yellow a warning; the Validation "
                       "sheet explains each (numbered as the notes)"}
#: How far past a print area a flagged cell may lie and still be taken into it. A stray mark
#: in row 5,000 would shrink the whole table to nothing on its page; it stays on the list only.
_REACH_ROWS, _REACH_COLUMNS = 200, 26
#: Rows a print area may grow by and keep the template's pages (the unit report is one page
#: tall); more, and it prints on as many pages as it needs, one page wide.
_SAME_PAGES = 20


def annotate_workbook(source: str | Path, report: Report, dest: str | Path,
                      lang: str = "zh") -> Path:
    """Write a copy of `source` to `dest` with the report's findings shown in it; returns dest.

    Example: ``annotate_workbook("阿勒泰市.xlsx", report, "批注/阿勒泰市.xlsx")``.
    """
    source, dest = Path(source), Path(dest)
    if dest.exists() and (os.path.realpath(dest) == os.path.realpath(source)
                          or os.path.samefile(dest, source)):
        raise KaoheError(f"批注副本不能覆盖原文件：{source}",
                         f"the annotated copy must not overwrite the original: {source}")
    # An .xlsm saved without its macro parts says "workbook" inside and "macro-enabled"
    # outside: Excel refuses to open it. Keep them, and the copy is what the clerk sent.
    wb = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    for old in (RESULT_SHEET, RESULT_SHEET_EN):  # an earlier run's list, in either language
        if old in wb.sheetnames:
            del wb[old]
    ws = wb.create_sheet(RESULT_SHEET if lang == "zh" else RESULT_SHEET_EN, 0)
    issues = list(report.issues)
    _list_findings(ws, issues, lang, wb.sheetnames, source.name)
    flagged: dict[str, list[CellRange]] = {}
    for number, issue in enumerate(issues, start=1):
        if issue.sheet in wb.sheetnames and issue.cell:
            area = _mark(wb[issue.sheet], issue, number, lang)
            if area is not None:
                flagged.setdefault(issue.sheet, []).append(area)
    for name, areas in flagged.items():
        _print_flagged(wb[name], areas, lang)
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    from workbook_templates.xlsx_save import save_workbook

    return save_workbook(wb, dest, stamp=None)  # a copy of the clerk's file: dated as saved


def _list_findings(ws: Worksheet, issues: Sequence[Issue], lang: str,
                   sheets: Sequence[str], file_name: str) -> None:
    from outputs.style import text_lines

    ws.append(list(_HEADERS[lang]))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if not issues:
        ws.append(["", "", "", "", "", "未发现问题" if lang == "zh" else "no findings"])
    for number, issue in enumerate(issues, start=1):
        message = issue.message if lang == "zh" else issue.message_en
        hint = issue.hint if lang == "zh" else issue.hint_en
        values = [number, _SEVERITY[lang].get(issue.severity, issue.severity), issue.sheet,
                  issue.cell, issue.label_for(lang), message, hint, issue.rule]
        ws.append(values)
        row = ws.max_row
        for cell in ws[row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Neither Excel nor LibreOffice grows a row for wrapped text it did not lay out itself.
        lines = max(text_lines(str(v), w) for v, w in zip(values, _WIDTHS, strict=True) if v)
        ws.row_dimensions[row].height = _LINE * lines + 3
        ws.cell(row, 2).fill = _FILLS.get(issue.severity, _FILLS["warning"])
        if issue.sheet in sheets and issue.cell:
            link = ws.cell(row, 4)
            target = f"'{issue.sheet}'!{issue.cell}"
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target,
                                       display=issue.cell)
            link.font = Font(color="FF0563C1", underline="single")
    for index, width in enumerate(_WIDTHS):
        ws.column_dimensions[chr(65 + index)].width = width
    ws.freeze_panes = "A2"
    # Clerks print this list and work through it: one page wide, A4 landscape, header repeated.
    from workbook_templates.styles import page_setup

    page_setup(ws, landscape=True, title_rows="1:1", print_area=f"A1:H{ws.max_row}",
               footer=_LEGEND[lang])
    ws.oddHeader.left.text = file_name.replace("&", "&&")  # whose list, on every page


def _mark(sheet: Worksheet, issue: Issue, number: int, lang: str) -> CellRange | None:
    """Colour, box and comment the issue's cell (a merged cell as a whole); its range."""
    try:
        row, column = coordinate_to_tuple(issue.cell)
    except (TypeError, ValueError):
        return None  # not one cell: the list still names it
    area = CellRange(min_col=column, min_row=row, max_col=column, max_row=row)
    for merged in sheet.merged_cells.ranges:
        if issue.cell in merged:
            area = CellRange(merged.coord)
            break
    cell = sheet.cell(area.min_row, area.min_col)
    severity = ERROR if cell.fill == _FILLS[ERROR] else issue.severity  # red stays red
    cell.fill = _FILLS.get(severity, _FILLS["warning"])
    _box(sheet, area, _EDGES.get(severity, _EDGES["warning"]))
    text = issue.message if lang == "zh" else issue.message_en
    hint = issue.hint if lang == "zh" else issue.hint_en
    label = issue.label_for(lang)
    if label:
        text = f"{label}：{text}" if lang == "zh" else f"{label}: {text}"
    note = f"{number}. {text}\n{hint}" if hint else f"{number}. {text}"
    if cell.comment is not None and cell.comment.author == "kaohe":
        note = f"{cell.comment.text}\n\n{note}"
    comment = Comment(note, "kaohe")
    from outputs.style import text_lines

    comment.width = 320
    comment.height = max(100, 16 * text_lines(note, 42) + 16)
    cell.comment = comment
    return area


def _box(sheet: Worksheet, area: CellRange, edge: Side) -> None:
    """A border round the area: on its edge cells, as Excel draws a merged cell's border,
    and whole on its first cell (the one openpyxl-based readers take for the merged cell)."""
    for row in range(area.min_row, area.max_row + 1):
        for column in range(area.min_col, area.max_col + 1):
            cell = sheet.cell(row, column)
            old = cell.border
            cell.border = Border(
                left=edge if column == area.min_col else old.left,
                right=edge if column == area.max_col else old.right,
                top=edge if row == area.min_row else old.top,
                bottom=edge if row == area.max_row else old.bottom)
    sheet.cell(area.min_row, area.min_col).border = Border(left=edge, right=edge, top=edge,
                                                           bottom=edge)


def _print_flagged(sheet: Worksheet, areas: Sequence[CellRange], lang: str) -> None:
    """Print every flagged cell: grow the print area, show hidden rows and columns holding one,
    print the row and column headings, and print the notes (Excel: at the end of the sheet)."""
    for area in areas:
        for column in range(area.min_col, area.max_col + 1):
            letter = sheet.cell(1, column).column_letter
            if letter in sheet.column_dimensions and sheet.column_dimensions[letter].hidden:
                sheet.column_dimensions[letter].hidden = False
        for row in range(area.min_row, area.max_row + 1):
            if row in sheet.row_dimensions and sheet.row_dimensions[row].hidden:
                sheet.row_dimensions[row].hidden = False
    printed = PrintArea.from_string(sheet.print_area or "")
    if printed.ranges:
        whole = CellRange(min_col=min(r.min_col for r in printed.ranges),
                          min_row=min(r.min_row for r in printed.ranges),
                          max_col=max(r.max_col for r in printed.ranges),
                          max_row=max(r.max_row for r in printed.ranges))
        tall = whole.max_row - whole.min_row
        grown = False
        for area in areas:
            if any(area.issubset(r) for r in printed.ranges):
                continue
            if (area.min_row > whole.max_row + _REACH_ROWS
                    or area.min_col > whole.max_col + _REACH_COLUMNS):
                continue
            whole = CellRange(min_col=min(whole.min_col, area.min_col),
                              min_row=min(whole.min_row, area.min_row),
                              max_col=max(whole.max_col, area.max_col),
                              max_row=max(whole.max_row, area.max_row))
            grown = True
        if grown:
            sheet.print_area = whole.coord
            if whole.max_row - whole.min_row > tall + _SAME_PAGES:
                sheet.page_setup.fitToHeight = 0
    sheet.print_options.headings = True
    sheet.page_setup.cellComments = "atEnd"
    if not sheet.oddHeader.left.text:
        sheet.oddHeader.left.text = _SHEET_HEADER[lang]
