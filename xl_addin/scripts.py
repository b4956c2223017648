"""Scripts (macros): each takes the workbook as its argument and writes its result into it.

- classic add-in (Windows Excel): the console's buttons call RunPython entry points that
  pass `xw.Book.caller()` (see `xl_addin.console` and the generated kaohe_console.py);
- xlwings Lite / Server: `@xw.script` registers them; the client passes the book.

Any error becomes an Excel alert with its message (`alerting`), never a traceback dialog.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import xlwings as xw

from kaohe.errors import KaoheError
from xl_addin import office, sheets, tasks
from xl_addin.findings import (
    HEADER,
    RESULT_SHEET,
    finding_rows,
    link_address,
    marks,
    previous_marks,
    summary_line,
)
from xl_addin.tasks import Settings

__all__ = ["validate_workbook", "score_workbook", "consolidate_folder", "make_templates",
           "distribute_templates", "track_submissions", "return_notices", "publish_results",
           "write_feedback", "appeals", "unit_history", "run_office_task", "alerting",
           "for_target", "clear_findings", "TITLE"]

TITLE = "kaohe 考核"
WORKING = {"zh": "正在处理…", "en": "working…"}
#: The sheet of the console a task's table goes to (tracker, history), by language.
TABLE_SHEETS = {"track": {"zh": "收集情况", "en": "Submissions"},
                "history": {"zh": "历史", "en": "History"}}


def alerting(script: Callable[..., Any]) -> Callable[..., Any]:
    """Run a script; a failure shows an Excel alert with its message instead of a traceback,
    in the console's language (kaohe_lang of the settings passed, else of the book)."""

    @functools.wraps(script)
    def run(book: xw.Book, *args: Any) -> Any:
        try:
            return script(book, *args)
        except KaoheError as exc:
            english = _language(book, args) == "en"
            book.app.alert(exc.message_en if english else exc.message, title=TITLE,
                           mode="critical")
        except Exception as exc:  # noqa: BLE001 - whatever it is, Excel shows a message
            said = "error: " if _language(book, args) == "en" else "出错了："
            book.app.alert(f"{said}{type(exc).__name__}: {exc}", title=TITLE, mode="critical")
        return None

    return run


def _language(book: xw.Book, args: tuple[Any, ...]) -> str:
    """The language of a script's messages: of the console settings passed, else the book's."""
    given = next((a for a in args if isinstance(a, Settings)), None)
    try:
        return (given if given is not None else sheets.settings(book)).lang
    except Exception:  # noqa: BLE001 - a book whose names cannot be read: the default
        return "zh"


def _settings(book: xw.Book, given: Settings | None) -> Settings:
    """The console's settings when the console passed them, else the book's own names."""
    return given if given is not None else sheets.settings(book)


@alerting
def for_target(console: xw.Book, script: Callable[[xw.Book, Settings], Any]) -> None:
    """Classic console: run a script on the workbook named in (or opened beside) the console,
    with the console's scheme and language (the target workbook has no such cells)."""
    script(sheets.target_book(console), sheets.settings(console))


def clear_findings(book: xw.Book) -> None:
    """Undo the last run: restore the marked cells and delete the old 校验结果 sheet."""
    if RESULT_SHEET not in [s.name for s in book.sheets]:
        return
    for sheet, cell, fill, note in previous_marks(sheets.sheet_grid(book.sheets[RESULT_SHEET])):
        sheets.restore_cell(book, sheet, cell, fill, note)
    book.sheets[RESULT_SHEET].delete()


@xw.script
@alerting
def validate_workbook(book: xw.Book, settings: Settings | None = None) -> None:
    """校验工作簿：在“校验结果”表列出问题（可点击跳转），并标出有问题的单元格。
    Validate the workbook: list findings in 校验结果 with links, highlight and annotate cells."""
    settings = _settings(book, settings)
    clear_findings(book)
    scheme = tasks.load_scheme_for(settings.path("scheme"))
    report = tasks.validate_values(sheets.book_sheets(book), book.name,
                                   sheets.saved_file(book), scheme)
    _write_findings(book, tasks.issues_of(report), settings.lang)


def _write_findings(book: xw.Book, issues: list[Any], lang: str) -> None:
    """The 校验结果 sheet: a summary line, the table with links, the marks recorded."""
    rows = finding_rows(issues, lang)
    done: dict[tuple[str, str], tuple[str, str]] = {}
    for mark in marks(issues, lang):
        done[(mark.sheet, mark.cell)] = sheets.mark_cell(book, mark)
    for row in rows:
        row[7:9] = done.pop((row[1], row[2]), (None, None))
    out = sheets.replace_sheet(book, RESULT_SHEET)
    out["A1"].value = summary_line(issues, book.name, lang)
    out["A2"].value = [HEADER] + rows
    for number, row in enumerate(rows, 3):
        if row[1] and row[2]:
            out[f"C{number}"].add_hyperlink(link_address(row[1], row[2]), row[2])
    out.activate()


@xw.script
@alerting
def score_workbook(book: xw.Book, settings: Settings | None = None) -> None:
    """计算暂估得分：按考核引擎把每项指标的得分填入“预估得分”栏。
    Fill the engine's provisional points into the points column of a unit or lead sheet."""
    scheme = tasks.load_scheme_for(_settings(book, settings).path("scheme"))
    grids = sheets.book_sheets(book)
    read = tasks.read_values(grids, book.name, sheets.saved_file(book))
    points = tasks.provisional_points(read.document, scheme)
    cells = tasks.points_cells({g.name: g.values for g in grids}, read.cell_map, points)
    for sheet, row, column, value in cells:
        book.sheets[sheet].range((row, column)).value = value
    english = _settings(book, settings).lang == "en"
    book.app.alert(f"{len(cells)} provisional points filled" if english else
                   f"已填入 {len(cells)} 项暂估得分", title=TITLE, mode="info")


@xw.script
@alerting
def consolidate_folder(book: xw.Book) -> None:
    """汇总排名：读取控制台中的填报文件夹、方案和输出文件夹，汇总并写回摘要。
    Consolidate the console's folder with its scheme into its output folder; show the summary."""
    settings = sheets.settings(book)
    sheets.write_lines(book, "kaohe_summary", [WORKING[settings.lang]])
    with _summary_on_failure(book, settings):
        lines = tasks.consolidate(settings)
    sheets.write_lines(book, "kaohe_summary", lines)


@contextmanager
def _summary_on_failure(book: xw.Book, settings: Settings) -> Iterator[None]:
    """When the work fails, the summary says so (not "consolidating…" for ever); the error
    goes on to `alerting`, which shows it."""
    english = settings.lang == "en"
    try:
        yield
    except KaoheError as exc:
        sheets.write_lines(book, "kaohe_summary", [
            ("Not done: " if english else "未完成：") + (exc.message_en if english
                                                        else exc.message)])
        raise
    except Exception:
        sheets.write_lines(book, "kaohe_summary", ["Not done: see the message" if english
                                                   else "未完成：见提示框"])
        raise


@xw.script
@alerting
def make_templates(book: xw.Book) -> None:
    """生成模板：按控制台中的考核方案生成全部填报模板到输出文件夹。
    Generate the template set of the console's scheme into its output folder."""
    settings = sheets.settings(book)
    with _summary_on_failure(book, settings):
        lines = tasks.make_templates(settings)
    sheets.write_lines(book, "kaohe_summary", lines)



def run_office_task(book: xw.Book, key: str) -> None:
    """Run one of xl_addin.office's tasks for the console: "working…", then its summary
    lines (and its table on a sheet of its own), or 未完成 and an alert when it fails."""
    settings = sheets.settings(book)
    sheets.write_lines(book, "kaohe_summary", [WORKING[settings.lang]])
    with _summary_on_failure(book, settings):
        outcome = office.TASKS[key](settings)
    sheets.write_lines(book, "kaohe_summary", outcome.lines)
    if outcome.table:
        sheets.write_table(book, TABLE_SHEETS[key][settings.lang], outcome.table)


@xw.script
@alerting
def distribute_templates(book: xw.Book) -> None:
    """分发模板：为每个单位和牵头部门生成模板，各打一个以单位命名的压缩包。
    Templates for every unit and department, one zip each named by it."""
    run_office_task(book, "distribute")


@xw.script
@alerting
def track_submissions(book: xw.Book) -> None:
    """收集情况：各单位未报送/已报送/已退回/已采用，联系人和电话，催报名单。
    Who has sent what (with contact and phone), and whom to chase."""
    run_office_task(book, "track")


@xw.script
@alerting
def return_notices(book: xw.Book) -> None:
    """退回通知：为每个有错误的文件写出退回通知（问题及所在单元格）和批注文件。
    A notice with the located findings and an annotated copy for each file with errors."""
    run_office_task(book, "returns")


@xw.script
@alerting
def publish_results(book: xw.Book) -> None:
    """发布：把本年度最新的汇总结果发布为正式结果。
    Publish the year's latest consolidation as its official result."""
    run_office_task(book, "publish")


@xw.script
@alerting
def write_feedback(book: xw.Book) -> None:
    """反馈：为每个单位写出结果反馈工作簿。
    One feedback workbook per unit from the last results."""
    run_office_task(book, "feedback")


@xw.script
@alerting
def appeals(book: xw.Book) -> None:
    """申诉：各单位的申诉表；已有复核决定的，写出复核结果告知书。
    Appeal forms for the units; review notices for the decisions recorded."""
    run_office_task(book, "appeals")


@xw.script
@alerting
def unit_history(book: xw.Book) -> None:
    """历史：控制台中所填单位的历年考核结果。
    The results of the console's unit year by year."""
    run_office_task(book, "history")
