"""xlwings Lite entry module: in Lite's main.py write `from xl_addin.lite import *`.

It brings the custom functions (KAOHE_SCORE …) and every script of the console as a
one-parameter `@script` (the book), plus `setup_console`, which adds the console's named
cells to the open workbook (Lite runs no VBA, so kaohe.xlsm's buttons are Lite's script
buttons instead). Under Lite the folders are Pyodide's: a blank 填报文件夹 means
/data/submissions and a blank 输出文件夹 /data/output (import the units' workbooks with
Lite's Files → Import/Export; download the outputs from there). Work on many files runs
serially (no processes in WebAssembly); see docs/excel.md, "xlwings Lite".
"""

from __future__ import annotations

import xlwings as xw

from xl_addin.console import CONSOLE_SHEETS, FIRST_INPUT_ROW, INPUTS, OUTPUT_NAME, SUMMARY_LABEL
from xl_addin.scripts import (
    alerting,
    appeals,
    consolidate_folder,
    distribute_templates,
    publish_results,
    return_notices,
    score_workbook,
    track_submissions,
    unit_history,
    validate_workbook,
    write_feedback,
)
from xl_addin.sheets import LITE_FOLDERS
from xl_addin.udfs import KAOHE_EXPLAIN, KAOHE_GRADE, KAOHE_RANK, KAOHE_SCORE, KAOHE_SCORES

__all__ = ["KAOHE_SCORE", "KAOHE_SCORES", "KAOHE_RANK", "KAOHE_GRADE", "KAOHE_EXPLAIN",
           "setup_console", "setup_console_en", "add_console", "validate_workbook",
           "score_workbook", "distribute_templates",
           "track_submissions", "return_notices", "consolidate_folder", "publish_results",
           "write_feedback", "appeals", "unit_history"]


@xw.script
@alerting
def setup_console(book: xw.Book) -> None:
    """建立控制台：在当前工作簿加入“控制台”表和命名单元格（xlwings Lite 用）。
    Add the console sheet (in Chinese) and its named cells to this workbook."""
    add_console(book, "zh")


@xw.script
@alerting
def setup_console_en(book: xw.Book) -> None:
    """Add the console sheet (in English) and its named cells to this workbook (xlwings Lite)."""
    add_console(book, "en")


def add_console(book: xw.Book, lang: str) -> None:
    """The console's sheet, labels and named cells in this workbook; blank folders filled with
    Lite's /data folders. Run again, it keeps what is typed and adds what is missing."""
    names = {n.name.lower() for n in book.names}
    name = CONSOLE_SHEETS[lang]
    sheet = (book.sheets[name] if name in [s.name for s in book.sheets]
             else book.sheets.add(name, before=book.sheets[0]))
    for i, (key, zh, en) in enumerate(INPUTS):
        row = FIRST_INPUT_ROW + i
        label, hint = en if lang == "en" else zh
        sheet[f"B{row}"].value, sheet[f"D{row}"].value = label, hint
        sheet[f"C{row}"].color = "#FFF2CC"
        if key not in names:
            book.names.add(key, f"='{name}'!$C${row}")
        folder = LITE_FOLDERS.get(key.removeprefix("kaohe_"))
        if key == "kaohe_lang" and not sheet[f"C{row}"].value:
            sheet[f"C{row}"].value = lang
        elif folder and not sheet[f"C{row}"].value:
            sheet[f"C{row}"].value = folder
    summary = FIRST_INPUT_ROW + len(INPUTS) + 4
    sheet[f"B{summary - 1}"].value = SUMMARY_LABEL[lang]
    if OUTPUT_NAME not in names:
        book.names.add(OUTPUT_NAME, f"='{name}'!$B${summary}")
    sheet.activate()
