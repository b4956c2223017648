"""An annotated COPY of a workbook: a 校验结果 sheet listing the findings with links to the
cells, and the cells themselves highlighted with a comment holding the message.

The original is only read; the copy is written elsewhere (refused if it is the same file).
Only files that passed `inspect_file` should be annotated (openpyxl parses them whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.errors import KaoheError
from validators.report import ERROR, Issue, Report

__all__ = ["annotate_workbook", "RESULT_SHEET", "RESULT_SHEET_EN"]

RESULT_SHEET = "校验结果"
RESULT_SHEET_EN = "Validation"
_FILLS = {ERROR: PatternFill("solid", fgColor="FFFF9999"),
          "warning": PatternFill("solid", fgColor="FFFFD966")}
_HEADERS = {"zh": ("序号", "级别", "工作表", "单元格", "项目", "问题", "修改建议", "规则"),
            "en": ("No.", "Severity", "Sheet", "Cell", "Field", "Problem", "How to fix", "Rule")}
_SEVERITY = {"zh": {ERROR: "错误", "warning": "警告"}, "en": {ERROR: "error", "warning": "warning"}}
_WIDTHS = (6, 8, 16, 9, 24, 60, 48, 22)


def annotate_workbook(source: str | Path, report: Report, dest: str | Path,
                      lang: str = "zh") -> Path:
    """Write a copy of `source` to `dest` with the report's findings shown in it; returns dest.

    Example: ``annotate_workbook("阿勒泰市.xlsx", report, "批注/阿勒泰市.xlsx")``.
    """
    source, dest = Path(source), Path(dest)
    if dest.exists() and dest.resolve() == source.resolve():
        raise KaoheError(f"批注副本不能覆盖原文件：{source}",
                         f"the annotated copy must not overwrite the original: {source}")
    wb = load_workbook(source)
    title = RESULT_SHEET if lang == "zh" else RESULT_SHEET_EN
    if title in wb.sheetnames:
        del wb[title]
    ws = wb.create_sheet(title, 0)
    issues = list(report.issues)
    _list_findings(ws, issues, lang, wb.sheetnames)
    for issue in issues:
        if issue.sheet in wb.sheetnames and issue.cell:
            _mark(wb[issue.sheet], issue, lang)
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    from workbook_templates.xlsx_save import save_workbook

    return save_workbook(wb, dest, stamp=None)  # a copy of the clerk's file: dated as saved


def _list_findings(ws: Worksheet, issues: Sequence[Issue], lang: str,
                   sheets: Sequence[str]) -> None:
    heads = _HEADERS[lang]
    ws.append(list(heads))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    if not issues:
        ws.append(["", "", "", "", "", "未发现问题" if lang == "zh" else "no findings"])
    for number, issue in enumerate(issues, start=1):
        message = issue.message if lang == "zh" else issue.message_en
        hint = issue.hint if lang == "zh" else issue.hint_en
        field = issue.label_for(lang)
        ws.append([number, _SEVERITY[lang].get(issue.severity, issue.severity), issue.sheet,
                   issue.cell, field, message, hint, issue.rule])
        row = ws.max_row
        for cell in ws[row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
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
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _mark(sheet: Worksheet, issue: Issue, lang: str) -> None:
    coordinate = issue.cell
    for merged in sheet.merged_cells.ranges:
        if coordinate in merged:
            coordinate = merged.start_cell.coordinate
            break
    cell = sheet[coordinate]
    if cell.fill != _FILLS[ERROR]:  # an error's red stays red when a warning follows
        cell.fill = _FILLS.get(issue.severity, _FILLS["warning"])
    text = issue.message if lang == "zh" else issue.message_en
    hint = issue.hint if lang == "zh" else issue.hint_en
    note = f"{text}\n{hint}" if hint else text
    if cell.comment is not None and cell.comment.author == "kaohe":
        note = f"{cell.comment.text}\n\n{note}"
    comment = Comment(note, "kaohe")
    comment.width, comment.height = 320, 140
    cell.comment = comment
