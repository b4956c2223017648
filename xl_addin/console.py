"""The office console: kaohe.xlsm (buttons, named input cells, xlwings.conf) and its module.

Built from xlwings' own quickstart workbook, as `xlwings quickstart` does: its VBA project
already references the xlwings add-in (or, with `standalone`, embeds the xlwings VBA module),
so RunPython is there. We replace its Module1 with one macro per script, each a RunPython
call into the generated Python module next to the workbook (kaohe_console.py), whose thin
wrappers hand `xw.Book.caller()` to `xl_addin.scripts`. The workbook itself is written
with xlsxwriter (buttons bound to the macros, defined names, validation lists).

This module does not import xlwings: it only reads files shipped inside the xlwings package.
"""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from kaohe.errors import KaoheError
from xl_addin.vba import replace_module

__all__ = ["CONSOLE_FILE", "MODULE", "CONSOLE_SHEET", "CONF_SHEET", "Entry", "ENTRIES",
           "INPUTS", "OUTPUT_NAME", "UDF_MODULE", "vba_source", "module_source",
           "conf_rows", "build_console"]

CONSOLE_FILE = "kaohe.xlsm"
MODULE = "kaohe_console"  # not "kaohe": a kaohe.py beside the workbook would hide the package
CONSOLE_SHEET = "控制台"
CONF_SHEET = "xlwings.conf"
UDF_MODULE = "xl_addin.udfs"
VBA_MODULE = "Module1"
OUTPUT_NAME = "kaohe_summary"
SUMMARY_FONT = "NSimSun"


@dataclass(frozen=True)
class Entry:
    """One button: the script it runs, its VBA macro and what it acts on."""

    script: str
    macro: str
    caption: str
    on_target: bool  # acts on the workbook to check, not on the console itself
    help: str


ENTRIES = (
    Entry("validate_workbook", "KaoheValidateWorkbook", "校验工作簿 Validate", True,
          "校验“要校验的工作簿”，结果写入它的“校验结果”表"),
    Entry("score_workbook", "KaoheScoreWorkbook", "计算暂估得分 Score", True,
          "把引擎算出的得分填入该工作簿的“预估得分”栏"),
    Entry("consolidate_folder", "KaoheConsolidateFolder", "汇总排名 Consolidate", False,
          "汇总“填报文件夹”中的全部文件，结果写入“输出文件夹”"),
    Entry("make_templates", "KaoheMakeTemplates", "生成模板 Templates", False,
          "按考核方案生成全部填报模板到“输出文件夹”"),
)

#: Named input cells: (name, label, hint); their values are in column C from row 4 down.
INPUTS = (
    ("kaohe_scheme", "考核方案文件 Scheme (JSON)", "留空使用内置示例方案 blank: embedded scheme"),
    ("kaohe_folder", "填报文件夹 Folder of submissions", "各单位交回的工作簿所在文件夹"),
    ("kaohe_output", "输出文件夹 Output folder", "汇总结果与模板写到这里"),
    ("kaohe_workbook", "要校验的工作簿 Workbook to check",
     "留空则用另外打开的那个工作簿 blank: the other open workbook"),
    ("kaohe_lang", "语言 Language", "zh 中文 / en English"),
)
FIRST_INPUT_ROW = 4  # 1-based


def _quickstart(standalone: bool) -> Path:
    """xlwings' quickstart workbook, from the installed xlwings package."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.origin:
        raise KaoheError("未安装 xlwings：请先 pip install xlwings", "xlwings is not installed")
    name = "quickstart_standalone.xlsm" if standalone else "quickstart.xlsm"
    return Path(spec.origin).parent / name


def vba_source() -> str:
    """Module1: one macro per button, each a RunPython call into the console module."""
    lines = [f'Attribute VB_Name = "{VBA_MODULE}"',
             "' kaohe office console, written by `kaohe addin build`.",
             f"' Each macro runs a function of {MODULE}.py (next to this workbook) via RunPython.",
             ""]
    for entry in ENTRIES:
        lines += [f"Sub {entry.macro}()",
                  f'    RunPython "import {MODULE}; {MODULE}.{entry.script}()"',
                  "End Sub", ""]
    return "\r\n".join(lines)


def module_source() -> str:
    """kaohe_console.py: the thin RunPython wrappers the macros call."""
    parts = [f'"""kaohe office console: the Python side of {CONSOLE_FILE}\'s buttons.\n\n'
             "Written by `kaohe addin build`. Each function is a RunPython entry point that hands\n"
             "the workbook to a script of xl_addin.scripts (errors become Excel alerts there).\n"
             '"""\n\nimport xlwings as xw\n\nfrom xl_addin import scripts\n']
    for entry in ENTRIES:
        call = (f"scripts.for_target(xw.Book.caller(), scripts.{entry.script})"
                if entry.on_target else f"scripts.{entry.script}(xw.Book.caller())")
        parts.append(f'\n\ndef {entry.script}():\n    """{entry.help}"""\n    {call}\n')
    parts.append(f'\n\nif __name__ == "__main__":\n'
                 f'    xw.Book("{CONSOLE_FILE}").set_mock_caller()\n    consolidate_folder()\n')
    return "".join(parts)


def conf_rows() -> list[tuple[str, str]]:
    """The activated xlwings.conf sheet: UDFs from xl_addin.udfs, this Python on Windows."""
    rows = [("UDF Modules", UDF_MODULE), ("Show Console", "False")]
    if sys.platform.startswith("win"):
        rows.insert(0, ("Interpreter_Win", sys.executable))
    return rows


def console_vba(standalone: bool = False) -> bytes:
    """The quickstart's vbaProject.bin with Module1 replaced by our macros."""
    with zipfile.ZipFile(_quickstart(standalone)) as quickstart:
        project = quickstart.read("xl/vbaProject.bin")
    return replace_module(project, VBA_MODULE, vba_source())


def build_console(out_dir: Path, *, standalone: bool = False) -> list[Path]:
    """Write kaohe.xlsm and kaohe_console.py into out_dir; returns both paths."""
    try:
        import xlsxwriter
    except ImportError as exc:  # only a test extra in setup.cfg for now
        raise KaoheError("生成控制台需要 xlsxwriter：pip install xlsxwriter",
                         "building the console needs xlsxwriter: pip install xlsxwriter") from exc

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    book_path, module_path = out_dir / CONSOLE_FILE, out_dir / f"{MODULE}.py"
    from kaohe.pipeline.io import write_atomic

    def write_book(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp))
        wb.add_vba_project(BytesIO(console_vba(standalone)), is_stream=True)
        _console_sheet(wb)
        _conf_sheet(wb)
        wb.close()

    write_atomic(book_path, write_book)
    write_atomic(module_path, lambda tmp: tmp.write_text(module_source(), encoding="utf-8"))
    return [book_path, module_path]


def _conf_sheet(wb: Any) -> None:
    """The activated xlwings.conf sheet: keys in column A from A1 down, values in B."""
    conf = wb.add_worksheet(CONF_SHEET)
    for row, (key, value) in enumerate(conf_rows()):
        conf.write_string(row, 0, key)
        conf.write_string(row, 1, value)


def _console_sheet(wb: Any) -> None:
    """Title, the named input cells, one button per script, the summary area."""
    ws = wb.add_worksheet(CONSOLE_SHEET)
    formats = {"title": wb.add_format({"bold": True, "font_size": 16}),
               "label": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
               "input": wb.add_format({"bg_color": "#FFF2CC", "border": 1, "locked": False})}
    ws.write_string(0, 1, "考核工作台 kaohe office console", formats["title"])
    _inputs(wb, ws, formats)
    _buttons(ws)
    summary_row = FIRST_INPUT_ROW + 2 * len(ENTRIES) + 1  # 1-based row of the first line
    ws.write_string(summary_row - 2, 1, "运行结果 Summary", formats["label"])
    wb.define_name(OUTPUT_NAME, f"='{CONSOLE_SHEET}'!$B${summary_row}")
    for column, width in ((1, 30), (2, 48), (3, 36)):
        ws.set_column(column, column, width)
    # The summary is a text table aligned with spaces (a CJK character two columns wide): in a
    # proportional font its columns wander. NSimSun (新宋体) is monospaced, CJK twice Latin.
    ws.set_column(1, 1, 30, wb.add_format({"font_name": SUMMARY_FONT}))


def _inputs(wb: Any, ws: Any, formats: dict[str, Any]) -> None:
    """Label, named input cell (column C) and hint for each of INPUTS; zh/en list for lang."""
    ws.write_string(1, 1, "填写下列单元格后按右侧按钮 Fill in the cells, then press a button.")
    for i, (name, text, hint) in enumerate(INPUTS):
        row = FIRST_INPUT_ROW - 1 + i  # 0-based for xlsxwriter
        ws.write_string(row, 1, text, formats["label"])
        ws.write_blank(row, 2, None, formats["input"])
        ws.write_string(row, 3, hint)
        wb.define_name(name, f"='{CONSOLE_SHEET}'!$C${row + 1}")
        if name == "kaohe_lang":
            ws.write_string(row, 2, "zh", formats["input"])
            ws.data_validation(row, 2, row, 2, {"validate": "list", "source": ["zh", "en"]})


def _buttons(ws: Any) -> None:
    """A form button per entry (column F), bound to its macro, with a line of help."""
    for i, entry in enumerate(ENTRIES):
        row = FIRST_INPUT_ROW - 1 + 2 * i
        ws.insert_button(row, 5, {"macro": entry.macro, "caption": entry.caption,
                                  "width": 170, "height": 30})
        ws.write_string(row, 8, entry.help)
