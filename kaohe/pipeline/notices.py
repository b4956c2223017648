"""Notices to units as printable one-sheet workbooks: 退回通知 for each returned submission
(its findings, each with sheet and cell, and the annotated copy beside it).

`notice_book` is the one writer of such notices (a title, facts, a table), shared with the
appeal forms and review notices of kaohe.pipeline.appeals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kaohe.engine.model import Scheme
from kaohe.pipeline.distribute import file_safe
from kaohe.pipeline.io import write_atomic

__all__ = ["Notice", "notice_book", "return_notices", "RETURNED_FOLDER"]

RETURNED_FOLDER = {"zh": "退回通知", "en": "returned"}
_WIDTH = 100  # characters across the table, about one A4 page wide


@dataclass(frozen=True)
class Notice:
    """One notice written for an owner, and the annotated copy beside it (if any)."""

    owner: str
    name: str
    path: Path
    annotated: Path | None
    findings: int


def notice_book(path: Path, title: str, facts: Sequence[tuple[str, Any]],
                table: Sequence[Sequence[Any]], closing: Sequence[str] = (),
                inputs: int = 0) -> Path:
    """A printable notice: title, label/value lines, a table (header first), closing lines.
    Facts given as None and the last `inputs` columns of the table are for the recipient to
    fill (yellow)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "".join(" " if ch in "[]:*?/\\：" else ch for ch in title)[:31].strip() or "1"
    width = max((len(row) for row in table), default=2)
    ws.cell(1, 1, title).font = Font(bold=True, size=16)
    thin = Side("thin", color="FF808080")
    fill = PatternFill("solid", fgColor="FFFFF2CC")
    row = 3
    for label, value in facts:
        ws.cell(row, 1, label).font = Font(bold=True)
        cell = ws.cell(row, 2, value)
        if value is None:  # for the recipient to fill
            cell.fill, cell.border = fill, Border(thin, thin, thin, thin)
        row += 1
    row += 1
    top = row
    for values in table:
        for column, value in enumerate(values, 1):
            cell = ws.cell(row, column, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(thin, thin, thin, thin)
            if row == top:
                cell.font = Font(bold=True)
            elif column > width - inputs:
                cell.fill = fill
        row += 1
    for line in closing:
        row += 1
        ws.cell(row, 1, line)
    share = [max(6, min(40, max((_shown(r[c]) for r in table if c < len(r)), default=6)))
             for c in range(width)]
    scale = min(1.0, _WIDTH / max(1, sum(share)))
    for column, chars in enumerate(share, 1):
        ws.column_dimensions[ws.cell(1, column).column_letter].width = max(6, chars * scale) + 2
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return write_atomic(path, lambda tmp: wb.save(tmp))


def _shown(value: Any) -> int:
    """Display width of a value: a CJK character is two columns."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _finding_rows(report: Any, lang: str) -> list[list[Any]]:
    en = lang == "en"
    head = (["No.", "Severity", "Sheet", "Cell", "Problem", "How to fix"] if en else
            ["序号", "级别", "工作表", "单元格", "问题", "修改建议"])
    rows = [[n, ("error" if en else "错误") if i.severity == "error" else
             ("warning" if en else "提醒"), i.sheet or "", i.cell or "",
             i.message_en if en else i.message, (i.hint_en if en else i.hint) or ""]
            for n, i in enumerate(sorted(report.issues, key=lambda i: i.severity != "error"), 1)]
    return [head, *rows]


def return_notices(folder: Path, scheme: Scheme, out: Path, lang: str = "zh",
                   today: date | None = None, workers: int = 2) -> list[Notice]:
    """For each returned submission (errors: consolidation would reject it) a 退回通知 and an
    annotated copy of the file into `out`; the submissions are only read."""
    from kaohe.pipeline.consolidate import discover, examine
    from validators.pool import map_files
    from validators.reading.file_names import owner_names

    en = lang == "en"
    names = owner_names(scheme)
    notices = []
    for sub in map_files(examine, discover(folder), scheme, workers=workers):
        if sub.report.valid:
            continue
        source = Path(sub.path)
        zh_name, en_name = names.get(sub.owner or "", (source.stem, source.stem))
        shown = file_safe(en_name if en else zh_name)
        annotated = _annotated(source, sub, out / f"{source.stem}_{'checked' if en else '批注'}"
                               f"{source.suffix if source.suffix == '.xlsx' else '.xlsx'}", lang)
        facts = [("To" if en else "致", en_name if en else zh_name),
                 ("File" if en else "文件", source.name),
                 ("Date" if en else "日期", (today or date.today()).isoformat()),
                 ("Annotated copy" if en else "批注文件", annotated.name if annotated else
                  ("none: the file cannot be opened" if en else "无（文件无法打开）"))]
        closing = (["Please correct the cells listed (errors first) and send the workbook again."]
                   if en else ["请按上表逐项修改（先改错误），改好后重新报送。"])
        title = "Returned submission" if en else "退回通知"
        path = notice_book(out / f"{'returned' if en else '退回通知'}_{shown}_{source.stem}.xlsx",
                           f"{title}: {en_name}" if en else f"{title}：{zh_name}", facts,
                           _finding_rows(sub.report, lang), closing)
        notices.append(Notice(sub.owner or "", shown, path, annotated, len(sub.report.issues)))
    return notices


def _annotated(source: Path, sub: Any, dest: Path, lang: str) -> Path | None:
    """The annotated copy, when the file is a workbook openpyxl can open (else None)."""
    from kaohe.errors import KaoheError
    from validators.annotate import annotate_workbook
    from validators.container.files import inspect_file

    if inspect_file(source):  # refused by the gate (not a workbook, a bomb …): never parse it
        return None
    try:
        return annotate_workbook(source, sub.report, dest, lang)
    except (KaoheError, OSError, ValueError, KeyError, TypeError):
        return None

