"""The scripts through xlwings' own remote engine (xlwings Server / Lite): the book is built from
a real .xlsx (tests.xlharness.book_payload), the script runs, and book.json()'s actions are
replayed onto a copy with openpyxl (tests.xlharness.apply_actions), which we then check.

The remote engine needs XLWINGS_LICENSE_KEY; tests.xlharness sets xlwings' documented
`noncommercial` key for this test suite only (see docs/excel.md).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from kaohe.engine import Scheme
from kaohe.engine.methods import SCORERS, Inputs
from kaohe.pipeline.documents import default_scheme_document
from tests.xlharness import run_script  # sets the noncommercial key before xl_addin loads
from validators.report import ERROR, WARNING, Issue, Report
from workbook_templates.unit_report import build_unit_report
from xl_addin import convert, scripts, tasks
from xl_addin.findings import HEADER, NO_FILL, NOTE_MARK, NOTE_PREFIX, RESULT_SHEET

SHEET = "单位自评表"
HAVE_VALIDATOR = importlib.util.find_spec("validators.workbook") is not None
HAVE_READER = hasattr(importlib.import_module("workbook_templates"), "read_workbook")
HAVE_BUILDER = hasattr(importlib.import_module("workbook_templates"), "build_templates")


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


def own_rows(path: Path) -> list[tuple[int, str]]:
    """(row, indicator id) of the rows a unit fills in, from the template's key column."""
    ws = openpyxl.load_workbook(path)[SHEET]
    return [(row, ws.cell(row, 1).value) for row in range(8, ws.max_row + 1)
            if isinstance(ws.cell(row, 1).value, str) and "@" not in ws.cell(row, 1).value
            and not ws.cell(row, 1).value.startswith("@")]


@pytest.fixture
def report_xlsx(tmp_path: Path, scheme: Scheme) -> Path:
    """A unit report template with a few actual values typed in (and one not a number)."""
    path = build_unit_report(scheme, scheme.units[0].id, tmp_path / "unit.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    rows = own_rows(path)
    for (row, _key), value in zip(rows, [7.9, "12,3", None, 95], strict=False):
        ws[f"I{row}"] = value
    wb.save(path)
    return path


def fake_report(rows: list[tuple[int, str]]) -> Report:
    first, second = rows[0][0], rows[1][0]
    return Report(file="unit.xlsx", issues=[
        Issue("not-a-number", "“12,3”不是数字", "'12,3' is not a number", ERROR, sheet=SHEET,
              cell=f"I{second}", hint="请输入数字，如 12.3", hint_en="type a number"),
        Issue("evidence-missing", "超过目标须填佐证", "evidence needed", WARNING, sheet=SHEET,
              cell=f"I{first}", hint="请填写佐证材料"),
        Issue("blank-actual", "未填写完成值", "no actual value", WARNING, sheet=SHEET,
              cell=f"I{second}"),
        Issue("file-level", "工作簿问题", "workbook problem", ERROR),
    ])


def result_rows(path: Path) -> list[tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path)[RESULT_SHEET]
    return list(ws.iter_rows(min_row=3, values_only=True))


def fill(path: Path, cell: str) -> str | None:
    ws = openpyxl.load_workbook(path)[SHEET]
    found = ws[cell].fill
    return None if found.fill_type is None else str(found.fgColor.rgb)[-6:]


def test_validate_lists_links_highlights_and_notes(report_xlsx: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    rows = own_rows(report_xlsx)
    monkeypatch.setattr(tasks, "validate_values", lambda *a: fake_report(rows))
    done = run_script(scripts.validate_workbook, report_xlsx, tmp_path / "out.xlsx")
    assert done.alerts == []
    wb = openpyxl.load_workbook(done.output)
    ws = wb[RESULT_SHEET]
    assert wb.active.title == RESULT_SHEET
    assert "2 个错误，2 个提醒" in ws["A1"].value
    assert [c.value for c in ws[2]] == HEADER
    found = result_rows(done.output)
    first, second = f"I{rows[0][0]}", f"I{rows[1][0]}"
    assert [(r[1], r[2], r[5], r[6]) for r in found] == [
        (SHEET, second, "not-a-number", "错误"), (None, None, "file-level", "错误"),
        (SHEET, first, "evidence-missing", "提醒"), (SHEET, second, "blank-actual", "提醒")]
    # the fill before highlighting and the note are recorded once per cell
    assert [(r[7], r[8]) for r in found] == [("#FFF2CC", NOTE_MARK), (None, None),
                                             ("#FFF2CC", NOTE_MARK), (None, None)]
    link = ws["C3"].hyperlink
    assert link.location == f"'{SHEET}'!{second}" and ws["C3"].value == second
    assert ws["C4"].hyperlink is None
    sheet = wb[SHEET]
    assert fill(done.output, second) == "FFC7CE" and fill(done.output, first) == "FFEB9C"
    assert sheet[second].comment.text.startswith(NOTE_PREFIX)
    assert "不是数字" in sheet[second].comment.text and "未填写" in sheet[second].comment.text


def test_a_second_run_clears_the_old_findings_first(report_xlsx: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    rows = own_rows(report_xlsx)
    monkeypatch.setattr(tasks, "validate_values", lambda *a: fake_report(rows))
    once = run_script(scripts.validate_workbook, report_xlsx, tmp_path / "once.xlsx").output
    first, second = f"I{rows[0][0]}", f"I{rows[1][0]}"
    only = Report(issues=[Issue("not-a-number", "仍不是数字", "still", ERROR, sheet=SHEET,
                                cell=second)])
    monkeypatch.setattr(tasks, "validate_values", lambda *a: only)
    twice = run_script(scripts.validate_workbook, once, tmp_path / "twice.xlsx").output
    wb = openpyxl.load_workbook(twice)
    assert wb.sheetnames.count(RESULT_SHEET) == 1
    assert [r[2] for r in result_rows(twice)] == [second]
    assert fill(twice, first) == "FFF2CC"  # back to the input fill
    assert wb[SHEET][first].comment is None
    assert wb[SHEET][second].comment.text == NOTE_PREFIX + "仍不是数字"
    monkeypatch.setattr(tasks, "validate_values", lambda *a: Report())
    clean = run_script(scripts.validate_workbook, twice, tmp_path / "clean.xlsx").output
    assert fill(clean, second) == "FFF2CC" and openpyxl.load_workbook(clean)[SHEET][second] \
        .comment is None
    assert "未发现问题" in openpyxl.load_workbook(clean)[RESULT_SHEET]["A1"].value


def test_a_cell_without_fill_gets_none_back(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "数据"
    wb.active["B2"] = "x"
    wb.save(path)
    found = Report(issues=[Issue("r", "问题", "problem", ERROR, sheet="数据", cell="B2")])
    monkeypatch.setattr(tasks, "validate_values", lambda *a: found)
    monkeypatch.setattr("xl_addin.sheets.INPUT_FILL", NO_FILL)  # as the classic add-in reads
    once = run_script(scripts.validate_workbook, path, tmp_path / "a.xlsx").output
    assert result_rows(once)[0][7] == NO_FILL
    monkeypatch.setattr(tasks, "validate_values", lambda *a: Report())
    again = run_script(scripts.validate_workbook, once, tmp_path / "b.xlsx").output
    assert openpyxl.load_workbook(again)["数据"]["B2"].fill.fill_type is None


def test_validate_sends_the_books_values_to_the_validator(report_xlsx: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """The snapshot the validator reads holds what Excel holds, not what the file had."""
    seen: dict[str, Any] = {}

    def validator(path: Path, scheme: Scheme, lang: str = "zh", formulas: bool = True) -> Report:
        seen["formulas"] = formulas  # a values-only snapshot: no formula checks
        wb = openpyxl.load_workbook(path)
        seen["sheets"] = wb.sheetnames
        seen["values"] = [wb[SHEET][f"I{r}"].value for r, _ in own_rows(report_xlsx)[:4]]
        return Report()

    monkeypatch.setattr("validators.workbook.validate_workbook", validator)
    done = run_script(scripts.validate_workbook, report_xlsx, tmp_path / "v.xlsx")
    assert seen["sheets"] == ["填表说明", SHEET, "_meta"]
    assert seen["values"] == [7.9, "12,3", None, 95]
    assert seen["formulas"] is False
    assert done.alerts == []


@pytest.mark.skipif(not HAVE_VALIDATOR, reason="validators.workbook not there yet")
def test_validate_with_the_real_validator(report_xlsx: Path, tmp_path: Path,
                                         scheme: Scheme) -> None:
    """Excel's values (no file at hand, as under Lite) give the findings the file gives."""
    from validators.workbook import validate_workbook

    done = run_script(scripts.validate_workbook, report_xlsx, tmp_path / "real.xlsx")
    assert done.alerts == []
    on_file = validate_workbook(report_xlsx, scheme)
    found = result_rows(done.output)
    assert sorted((r[1] or "", r[2] or "", r[5]) for r in found) == \
        sorted((i.sheet, i.cell, i.rule) for i in on_file.issues)
    second = f"I{own_rows(report_xlsx)[1][0]}"
    assert any(r[2] == second and r[6] == "错误" for r in found)
    assert fill(done.output, second) == "FFC7CE"


def fake_read(path: Path, scheme: Scheme) -> SimpleNamespace:
    """What read_workbook gives for the template: the document and where its inputs are."""
    ws = openpyxl.load_workbook(path)[SHEET]
    items, cells = [], {}
    for i, (row, key) in enumerate(own_rows(path)):
        value = ws[f"I{row}"].value
        items.append({"indicator_id": key, "target": None, "not_applicable": False,
                      "actual": value if isinstance(value, int | float) else None})
        cells[f"$.items[{i}].actual"] = (SHEET, f"I{row}")
    doc = {"kind": "unit_report", "unit_id": scheme.units[0].id, "items": items}
    return SimpleNamespace(kind="unit_report", document=doc, cell_map=cells, issues=[], meta={})


def test_score_fills_the_points_column(report_xlsx: Path, tmp_path: Path, scheme: Scheme,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "read_values", lambda *a: fake_read(report_xlsx, scheme))
    done = run_script(scripts.score_workbook, report_xlsx, tmp_path / "scored.xlsx")
    assert done.alerts[0]["mode"] == "info" and "暂估得分" in done.alerts[0]["prompt"]
    ws = openpyxl.load_workbook(done.output)[SHEET]
    rows = own_rows(report_xlsx)
    unit = scheme.units[0].id
    row, key = rows[0]
    ind = scheme.indicator(key)
    expected = SCORERS[ind.method](Inputs(actual=7.9, target=ind.target_for(unit)),
                                   dict(ind.params), ind.full_score, ind.direction).points
    assert ws[f"M{row}"].value == pytest.approx(expected)
    assert ws[f"M{rows[1][0]}"].value == convert.MISSING  # "12,3" was not read as a number
    assert ws[f"I{row}"].value == 7.9  # inputs untouched
    assert ws["M7"].value == "预估得分"


@pytest.mark.skipif(not HAVE_READER, reason="workbook_templates.read_workbook not there yet")
def test_score_with_the_real_reader(report_xlsx: Path, tmp_path: Path, scheme: Scheme) -> None:
    done = run_script(scripts.score_workbook, report_xlsx, tmp_path / "real.xlsx")
    assert done.alerts and done.alerts[0]["mode"] == "info", done.alerts
    ws = openpyxl.load_workbook(done.output)[SHEET]
    row, key = own_rows(report_xlsx)[0]
    ind = scheme.indicator(key)
    expected = SCORERS[ind.method](Inputs(actual=7.9, target=ind.target_for(scheme.units[0].id)),
                                   dict(ind.params), ind.full_score, ind.direction).points
    assert ws[f"M{row}"].value == pytest.approx(expected)
    # a blank actual: the engine scores it 0 at consolidation; here it says data is missing
    assert ws[f"M{own_rows(report_xlsx)[2][0]}"].value == convert.MISSING


def console_xlsx(tmp_path: Path, **values: str) -> Path:
    """A console with the named cells of kaohe.xlsm (as a plain .xlsx)."""
    path = tmp_path / "console.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "控制台"
    for row, name in enumerate(["scheme", "folder", "output", "workbook", "lang"], 4):
        ws.cell(row, 3, values.get(name))
        wb.defined_names[f"kaohe_{name}"] = DefinedName(f"kaohe_{name}",
                                                        attr_text=f"'控制台'!$C${row}")
    wb.defined_names["kaohe_summary"] = DefinedName("kaohe_summary", attr_text="'控制台'!$B$13")
    ws["B13"] = "old summary"
    wb.save(path)
    return path


def summary(path: Path) -> list[Any]:
    ws = openpyxl.load_workbook(path)["控制台"]
    return [ws.cell(r, 2).value for r in range(13, ws.max_row + 1)
            if ws.cell(r, 2).value is not None]


def test_consolidate_without_a_folder_alerts_instead_of_failing(tmp_path: Path) -> None:
    done = run_script(scripts.consolidate_folder, console_xlsx(tmp_path, output=str(tmp_path)),
                      tmp_path / "out.xlsx")
    assert len(done.alerts) == 1
    assert done.alerts[0]["mode"] == "critical" and "填报文件夹" in done.alerts[0]["prompt"]
    assert "Traceback" not in done.alerts[0]["prompt"]


def test_consolidate_writes_the_summary_into_the_console(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []

    def consolidate(settings: tasks.Settings) -> list[str]:
        calls.append((settings.path("folder"), settings.path("output"), settings.lang))
        return ["共 34 个单位", "→ results.json"]

    monkeypatch.setattr(tasks, "consolidate", consolidate)
    path = console_xlsx(tmp_path, folder="/data/in", output="/data/out", lang="en")
    done = run_script(scripts.consolidate_folder, path, tmp_path / "out.xlsx")
    assert done.alerts == []
    assert calls == [(Path("/data/in"), Path("/data/out"), "en")]
    assert summary(done.output) == ["共 34 个单位", "→ results.json"]


def test_consolidate_an_empty_folder_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    path = console_xlsx(tmp_path, folder=str(tmp_path / "in"), output=str(tmp_path / "res"))
    done = run_script(scripts.consolidate_folder, path, tmp_path / "out.xlsx")
    lines = summary(done.output) + [a["prompt"] for a in done.alerts]
    assert lines and lines != ["old summary"]
    if not done.alerts:
        assert json.loads((tmp_path / "res" / "results.json").read_text("utf-8"))["kind"] \
            == "results"


def test_make_templates_lists_what_it_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    out = tmp_path / "tpl"

    def build_templates(scheme: Scheme, out_dir: Path, lang: str) -> list[Path]:
        return [Path(out_dir) / "a.xlsx", Path(out_dir) / "b.xlsx"]

    monkeypatch.setattr("workbook_templates.build_templates", build_templates, raising=False)
    done = run_script(scripts.make_templates, console_xlsx(tmp_path, output=str(out)),
                      tmp_path / "out.xlsx")
    assert done.alerts == []
    assert summary(done.output)[0].endswith("已生成 2 个模板")
    assert summary(done.output)[1:] == [f"→ {out}", "  a.xlsx", "  b.xlsx"]


@pytest.mark.skipif(not HAVE_BUILDER, reason="workbook_templates.build_templates not there yet")
def test_make_templates_for_real(tmp_path: Path) -> None:
    out = tmp_path / "tpl"
    done = run_script(scripts.make_templates, console_xlsx(tmp_path, output=str(out)),
                      tmp_path / "out.xlsx")
    assert done.alerts == []
    assert sorted(p.suffix for p in out.rglob("*.xlsx"))


def test_any_error_is_an_alert_with_its_message(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any) -> Report:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(tasks, "validate_values", boom)
    done = run_script(scripts.validate_workbook, console_xlsx(tmp_path), tmp_path / "o.xlsx")
    assert [a["prompt"] for a in done.alerts] == [
        "出错了：ZeroDivisionError: division by zero"]
    assert done.alerts[0]["title"] == scripts.TITLE


def test_score_a_lead_department_sheet(tmp_path: Path, scheme: Scheme) -> None:
    from kaohe.synth import synthesize
    from workbook_templates import build_lead_scores, fill_workbook, read_workbook

    docs = synthesize(scheme, seed=3)
    lead = next(d for d in docs["lead_scores"] if d["entries"])
    template = build_lead_scores(scheme, lead["lead_department"], tmp_path / "lead.xlsx")
    filled = fill_workbook(template, lead, tmp_path / "filled.xlsx")
    done = run_script(scripts.score_workbook, filled, tmp_path / "scored.xlsx")
    assert done.alerts and done.alerts[0]["mode"] == "info", done.alerts
    read = read_workbook(filled)
    wb = openpyxl.load_workbook(done.output)
    checked = 0
    for path, indicator_id, value in tasks.provisional_points(read.document, scheme):
        field = next(f for f in tasks.INPUT_FIELDS if path + f in read.cell_map)
        sheet, cell = read.cell_map[path + field]
        ws = wb[sheet]
        keys = [c.value for c in ws[1]]
        column = keys.index(f"{indicator_id}.points") + 1
        row = openpyxl.utils.cell.coordinate_from_string(cell)[1]
        got = ws.cell(row, column).value
        assert got == (pytest.approx(value) if isinstance(value, float) else value)
        checked += 1
    assert checked == len(lead["entries"])


def test_consolidate_end_to_end_as_the_pipeline(tmp_path: Path, scheme: Scheme) -> None:
    """Filled templates in a folder → the console's button → the pipeline's results."""
    from kaohe.pipeline.consolidate import consolidate_folder
    from kaohe.synth import synthesize
    from workbook_templates import build_templates, fill_workbook, read_workbook

    docs = synthesize(scheme, seed=11)
    folder = tmp_path / "in"
    wanted = [*docs["unit_reports"].values(), *docs["lead_scores"], docs["adjustments"],
              docs["routine"], docs["ballots"]]
    for template in build_templates(scheme, tmp_path / "tpl"):
        kind = read_workbook(template).kind
        meta = read_workbook(template).meta
        for doc in wanted:
            same = doc.get("kind") == kind and all(
                doc.get(k) == meta.get(k) for k in ("unit_id", "lead_department") if meta.get(k))
            if same:
                fill_workbook(template, doc, folder / template.name)
    console = console_xlsx(tmp_path, folder=str(folder), output=str(tmp_path / "out"))
    done = run_script(scripts.consolidate_folder, console, tmp_path / "after.xlsx")
    assert done.alerts == [], done.alerts
    results = json.loads((tmp_path / "out" / "results.json").read_text("utf-8"))
    direct = consolidate_folder(folder, scheme).results
    assert len(results["units"]) == len(scheme.units)
    assert [(u["unit_id"], u["total"], u["rank"], u["grade"]) for u in results["units"]] == \
        [(u["unit_id"], u["total"], u["rank"], u["grade"]) for u in direct["units"]]
    assert summary(done.output)[-1].endswith("results.xlsx") or \
        summary(done.output)[-1].endswith("results.json")


# -- the console as the office uses it: mistyped paths, English, two workbooks ---------------


def test_consolidate_a_folder_that_is_not_there_writes_nothing(tmp_path: Path) -> None:
    """A mistyped folder must not publish every unit as not scored (the CLI refuses it too)."""
    out = tmp_path / "res"
    path = console_xlsx(tmp_path, folder=str(tmp_path / "no-such-folder"), output=str(out))
    done = run_script(scripts.consolidate_folder, path, tmp_path / "out.xlsx")
    assert [a["mode"] for a in done.alerts] == ["critical"]
    assert "找不到填报文件夹" in done.alerts[0]["prompt"]
    assert str(tmp_path / "no-such-folder") in done.alerts[0]["prompt"]
    assert not (out / "results.json").exists() and not (out / "results.xlsx").exists()
    # the summary says the run did not happen, not "consolidating…" for ever
    assert summary(done.output) == ["未完成：" + done.alerts[0]["prompt"]]


def test_a_path_copied_with_its_quotes_is_read_without_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows' "Copy as path" puts quotes around the path; the console takes it as it is."""
    monkeypatch.chdir(tmp_path)  # read with its quotes, the path would be relative to here
    (tmp_path / "in").mkdir()
    path = console_xlsx(tmp_path, folder=f'"{tmp_path / "in"}"',
                        output=f'"{tmp_path / "res"}" ')
    done = run_script(scripts.consolidate_folder, path, tmp_path / "out.xlsx")
    assert done.alerts == []
    assert (tmp_path / "res" / "results.json").is_file()
    assert tasks.Settings(folder="“C:\\kaohe\\in”").path("folder") == Path("C:\\kaohe\\in")


@pytest.mark.parametrize("script", [scripts.consolidate_folder, scripts.make_templates])
def test_an_output_folder_that_is_a_file_gets_a_plain_message(tmp_path: Path,
                                                              script: Any) -> None:
    (tmp_path / "in").mkdir()
    taken = tmp_path / "results.json"
    taken.write_text("{}", "utf-8")
    path = console_xlsx(tmp_path, folder=str(tmp_path / "in"), output=str(taken))
    done = run_script(script, path, tmp_path / "out.xlsx")
    assert [a["prompt"] for a in done.alerts] == [
        f"“{taken}”是一个文件，不是文件夹：请在控制台“输出文件夹”填写文件夹的路径"]
    assert taken.read_text("utf-8") == "{}"


def test_a_scheme_file_that_is_not_there_gets_a_plain_message(tmp_path: Path) -> None:
    missing = tmp_path / "方案.json"
    path = console_xlsx(tmp_path, scheme=str(missing), output=str(tmp_path / "tpl"))
    done = run_script(scripts.make_templates, path, tmp_path / "out.xlsx")
    prompt = done.alerts[0]["prompt"]
    assert prompt.startswith(f"找不到考核方案文件“{missing}”") and "Errno" not in prompt
    assert not (tmp_path / "tpl").exists()


def test_messages_follow_the_consoles_language(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("xl_addin.sheets.sys.platform", "linux")  # not Lite: no /data default
    path = console_xlsx(tmp_path, output=str(tmp_path / "res"), lang="en")
    done = run_script(scripts.consolidate_folder, path, tmp_path / "out.xlsx")
    assert [a["prompt"] for a in done.alerts] == [
        "fill in the folder of submissions in the console (name kaohe_folder)"]
    assert summary(done.output) == ["Not done: " + done.alerts[0]["prompt"]]


def console_beside(console: Path, target: Path) -> tuple[Any, Any, SimpleNamespace]:
    """The console and one other workbook open in the same Excel.

    Each book is xlwings' remote engine on a real file; only the Excel application that
    holds both (its list of open books and its message box) is stood in, as the remote
    engine has one book per run.
    """
    from tests.xlharness import open_book

    console_book, target_book = open_book(console), open_book(target)
    excel = SimpleNamespace(books=[console_book, target_book], alert=console_book.app.alert)
    return console_book, target_book, SimpleNamespace(
        name=console_book.name, names=console_book.names, app=excel)


@pytest.mark.skipif(not HAVE_VALIDATOR, reason="validators.workbook not there yet")
def test_the_console_buttons_use_the_consoles_scheme_and_language(report_xlsx: Path,
                                                                  tmp_path: Path) -> None:
    """校验工作簿 on the other open workbook: the console's kaohe_lang and kaohe_scheme apply
    (the clerk's workbook has no such cells)."""
    from tests.xlharness import alerts, apply_actions

    console = console_xlsx(tmp_path, lang="en")
    _, target, excel = console_beside(console, report_xlsx)
    scripts.for_target(excel, scripts.validate_workbook)
    out = apply_actions(report_xlsx, target.json()["actions"], tmp_path / "checked.xlsx")
    ws = openpyxl.load_workbook(out)[RESULT_SHEET]
    assert ws["A1"].value.startswith("unit.xlsx: ") and "errors" in ws["A1"].value
    assert {r[6] for r in result_rows(out)} <= {"error", "warning"}

    missing = tmp_path / "office-scheme.json"
    console = console_xlsx(tmp_path, lang="en", scheme=str(missing))
    console_book, target, excel = console_beside(console, report_xlsx)
    scripts.for_target(excel, scripts.validate_workbook)
    shown = alerts(target.json()["actions"]) + alerts(console_book.json()["actions"])
    assert [a["prompt"] for a in shown] == [
        f"there is no scheme file {missing}: check the path in the console's scheme cell "
        "(leave it blank for the embedded scheme)"]
