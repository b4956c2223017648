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

__all__ = ["CONSOLE_FILE", "MODULE", "CONSOLE_SHEET", "CONSOLE_SHEETS", "CONF_SHEET", "Entry",
           "ENTRIES", "INPUTS", "OUTPUT_NAME", "UDF_MODULE", "vba_source", "module_source",
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
    """One button: the script it runs, its VBA macro, its caption and help in each language."""

    script: str
    macro: str
    caption: tuple[str, str]  # (中文, English)
    on_target: bool  # acts on the workbook to check, not on the console itself
    help: tuple[str, str]

    def text(self, lang: str) -> tuple[str, str]:
        """(caption, help) in the language."""
        index = 1 if lang == "en" else 0
        return self.caption[index], self.help[index]


#: The buttons in the order of the year's work.
ENTRIES = (
    Entry("distribute_templates", "KaoheDistributeTemplates", ("分发模板", "Hand out templates"),
          False, ("每个单位、牵头部门一个以其名称命名的压缩包，写入输出文件夹的“分发”",
                  "one zip per unit and department, named by it, in the output folder")),
    Entry("track_submissions", "KaoheTrackSubmissions", ("收集情况", "Who has sent what"), False,
          ("未报送/已报送/已退回/已采用、联系人和电话，并列出催报名单",
           "not received / received / returned / used, contacts, and whom to chase")),
    Entry("return_notices", "KaoheReturnNotices", ("退回通知", "Return notices"), False,
          ("每个有错误的文件：退回通知（问题及单元格）和批注文件",
           "for each file with errors: a notice with the cells and an annotated copy")),
    Entry("validate_workbook", "KaoheValidateWorkbook", ("校验工作簿", "Check a workbook"), True,
          ("校验“要校验的工作簿”，结果写入它的“校验结果”表",
           "check the workbook named below; its findings go to a sheet of their own")),
    Entry("score_workbook", "KaoheScoreWorkbook", ("计算暂估得分", "Provisional points"), True,
          ("把引擎算出的得分填入该工作簿的“预估得分”栏",
           "fill the engine's points into that workbook's points column")),
    Entry("consolidate_folder", "KaoheConsolidateFolder", ("汇总", "Consolidate"), False,
          ("汇总填报文件夹，结果写入输出文件夹并记入历史数据库",
           "consolidate the submissions; results to the output folder and the history")),
    Entry("publish_results", "KaohePublishResults", ("发布", "Publish"), False,
          ("把本年度最新的汇总结果发布为正式结果", "make the year's latest results official")),
    Entry("write_feedback", "KaoheWriteFeedback", ("反馈", "Feedback"), False,
          ("为每个单位写出结果反馈工作簿", "one feedback workbook per unit")),
    Entry("appeals", "KaoheAppeals", ("申诉", "Appeals"), False,
          ("申诉表；已登记复核决定的，写出复核结果告知书",
           "appeal forms; review notices for the decisions recorded")),
    Entry("unit_history", "KaoheUnitHistory", ("历史", "History"), False,
          ("所填单位的历年考核结果", "the unit's results year by year")),
)

#: Named input cells: (name, (label, hint) in 中文, in English); column C from row 4 down.
INPUTS = (
    ("kaohe_lang", ("语言", "zh 中文 / en English"), ("Language", "zh 中文 / en English")),
    ("kaohe_scheme", ("考核方案文件", "考核方案.xlsx 或 .json；留空使用内置示例方案"),
     ("Scheme file", "scheme .xlsx or .json; blank: the built-in example")),
    ("kaohe_folder", ("填报文件夹", "各单位交回的工作簿所在文件夹"),
     ("Submissions folder", "where the units' workbooks are")),
    ("kaohe_output", ("输出文件夹", "模板、结果、通知、反馈都写到这里"),
     ("Output folder", "templates, results, notices and feedback go here")),
    ("kaohe_db", ("历史数据库", "留空：输出文件夹中的 history.sqlite"),
     ("History database", "blank: history.sqlite in the output folder")),
    ("kaohe_workbook", ("要校验的工作簿", "留空则用另外打开的那个工作簿"),
     ("Workbook to check", "blank: the one other open workbook")),
    ("kaohe_unit", ("单位", "“历史”查询的单位名称或编号"),
     ("Unit", "name or id of the unit for History")),
    ("kaohe_reason", ("发布原因", "重新发布修订结果时必填，如“申诉复核：撤销扣分”"),
     ("Reason to publish again", "needed to publish a revision, e.g. appeal upheld")),
)
CONSOLE_SHEETS = {"zh": "控制台", "en": "Console"}
TITLES = {"zh": ("考核工作台", "填写黄色单元格后按右侧按钮；运行结果写在下方。"),
          "en": ("kaohe office console", "Fill in the yellow cells, then press a button; "
                 "the summary appears below.")}
SUMMARY_LABEL = {"zh": "运行结果", "en": "Summary"}
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
        parts.append(f'\n\ndef {entry.script}():\n    """{entry.help[0]} {entry.help[1]}"""\n'
                     f'    {call}\n')
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


def build_console(out_dir: Path, *, standalone: bool = False, lang: str = "zh") -> list[Path]:
    """Write kaohe.xlsm and kaohe_console.py into out_dir; returns both paths. The console is
    in one language (labels, buttons, sheet name); its language cell starts with it."""
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
        _console_sheet(wb, "en" if lang == "en" else "zh")
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
    conf.hide()  # xlwings reads it by name; the office never needs to see it


def _console_sheet(wb: Any, lang: str) -> None:
    """Title, the named input cells, one button per script, the summary area."""
    sheet_name = CONSOLE_SHEETS[lang]
    ws = wb.add_worksheet(sheet_name)
    ws.activate()
    formats = {"title": wb.add_format({"bold": True, "font_size": 16}),
               "label": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
               "input": wb.add_format({"bg_color": "#FFF2CC", "border": 1, "locked": False}),
               "help": wb.add_format({"font_color": "#595959"})}
    title, hint = TITLES[lang]
    ws.write_string(0, 1, title, formats["title"])
    ws.write_string(1, 1, hint)
    _inputs(wb, ws, formats, lang, sheet_name)
    _buttons(ws, formats, lang)
    summary_row = FIRST_INPUT_ROW + max(len(INPUTS), len(ENTRIES)) + 2  # 1-based, first line
    ws.write_string(summary_row - 2, 1, SUMMARY_LABEL[lang], formats["label"])
    wb.define_name(OUTPUT_NAME, f"='{sheet_name}'!$B${summary_row}")
    for column, width in ((2, 44), (3, 44), (4, 2), (5, 25), (6, 60)):
        ws.set_column(column, column, width)
    # The summary is a text table aligned with spaces (a CJK character two columns wide): in a
    # proportional font its columns wander. NSimSun (新宋体) is monospaced, CJK twice Latin.
    ws.set_column(1, 1, 22, wb.add_format({"font_name": SUMMARY_FONT}))
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as the console looks on screen


def _inputs(wb: Any, ws: Any, formats: dict[str, Any], lang: str, sheet_name: str) -> None:
    """Label, named input cell (column C) and hint for each of INPUTS; zh/en list for lang."""
    for i, (name, zh, en) in enumerate(INPUTS):
        label, hint = en if lang == "en" else zh
        row = FIRST_INPUT_ROW - 1 + i  # 0-based for xlsxwriter
        ws.write_string(row, 1, label, formats["label"])
        ws.write_blank(row, 2, None, formats["input"])
        ws.write_string(row, 3, hint, formats["help"])
        wb.define_name(name, f"='{sheet_name}'!$C${row + 1}")
        if name == "kaohe_lang":
            ws.write_string(row, 2, lang, formats["input"])
            ws.data_validation(row, 2, row, 2, {"validate": "list", "source": ["zh", "en"]})


def _buttons(ws: Any, formats: dict[str, Any], lang: str) -> None:
    """A form button per entry (column F, one row each), bound to its macro, help beside it."""
    for i, entry in enumerate(ENTRIES):
        row = FIRST_INPUT_ROW - 1 + i
        caption, text = entry.text(lang)
        ws.set_row(row, 24)
        ws.insert_button(row, 5, {"macro": entry.macro, "caption": caption,
                                  "width": 170, "height": 28, "x_offset": 2, "y_offset": 2})
        ws.write_string(row, 6, text, formats["help"])
