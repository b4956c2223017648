"""What a clerk reads about a planted defect: the label once, in the clerk's language (never a
field name), choices in the order the drop-down shows them; and the defects that passed
silently before (an error value shown in a cell, overlong text, formula-like text, a sheet
left blank)."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.cell.cell import Cell

from kaohe.cli import main
from kaohe.engine import Scheme
from tests import test_validate_workbook as planted
from tests.test_validate_workbook import EV, L, Plant, U, _plant_and_validate, at
from validators.annotate import annotate_workbook
from validators.report import ERROR, WARNING, Issue

scheme, filled = planted.scheme, planted.filled  # the module's fixtures, used here too


def _planted(path: Path, plant: Plant, tmp_path: Path) -> Path:
    copy_path = tmp_path / path.name
    wb = openpyxl.load_workbook(path)
    plant(wb)
    wb.save(copy_path)
    return copy_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


# ---------------------------------------------------------------- English labels

def test_english_findings_name_the_indicator_not_the_field(filled: dict[str, Path],
                                                           tmp_path: Path) -> None:
    path = _planted(filled["unit_report"], at(U, "I11", "九十"), tmp_path)
    code, out = run("--lang", "en", "validate", str(path))
    assert code == 1
    line = next(line for line in out.splitlines() if "not-a-number" in line)
    assert "GDP growth · actual: '九十' is not a number" in line, line
    assert "actual:" not in line.replace("· actual:", "")
    assert "(unit report · Altay City)" in out
    code, out = run("validate", str(path))
    assert "地区生产总值增长·完成值：“九十” 不是数字" in out
    assert "（单位自评表 · 阿勒泰市）" in out


def test_english_label_in_json_text_and_annotated_copy(filled: dict[str, Path], scheme: Scheme,
                                                       tmp_path: Path) -> None:
    path = _planted(filled["unit_report"], at(U, "L12", "是的"), tmp_path)
    code, out = run("--lang", "en", "validate", "--json", str(path))
    import json

    issue = json.loads(out)["files"][0]["issues"][0]
    assert (issue["label"], issue["label_en"]) == ("一般公共预算收入·不适用",
                                                   "General budget revenue · N/A")
    report = _plant_and_validate(filled["unit_report"], at(U, "L12", "是的"), tmp_path, scheme)
    found = report.issues[0]
    assert found.text("en").endswith("cell L12, (General budget revenue · N/A): '是的' is not "
                                     "Yes or No — choose Yes or No from the drop-down list")
    assert "（一般公共预算收入·不适用）" in found.text("zh")
    assert pickle.loads(pickle.dumps(found)) == found
    copy = annotate_workbook(path, report, tmp_path / "annotated.xlsx", lang="en")
    listing = openpyxl.load_workbook(copy)["Validation"]
    assert listing["E2"].value == "General budget revenue · N/A"


def test_issue_text_keeps_its_chinese_and_falls_back_to_it_in_english() -> None:
    issue = Issue("x", "消息", "message", cell="C3", field="remarks", label="甲·备注")
    assert issue.text("zh") == "单元格 C3, （甲·备注）: 消息"
    assert issue.text("en") == "cell C3, (甲·备注): message"
    assert issue.located(label_en="A · remarks").text("en") == "cell C3, (A · remarks): message"
    assert Issue("x", "消息", "m", field="remarks").text("zh") == "消息"  # never the field


# ---------------------------------------------------------------- wording

@pytest.mark.parametrize(("kind", "plant", "rule", "zh", "en"), [
    ("unit_report", at(U, "I12", None), "blank-actual",
     "一般公共预算收入·完成值：未填写完成值，将按 0 分计",
     "General budget revenue · actual: no actual value; it will score 0"),
    ("lead_scores", at(L, "E10", None), "blank-score",
     "布尔津县·C01：未评分，将按 0 分计", "Burqin County · C01: no score; it will count as 0"),
])
def test_the_label_is_said_once(kind: str, plant: Plant, rule: str, zh: str, en: str,
                                filled: dict[str, Path], tmp_path: Path) -> None:
    path = _planted(filled[kind], plant, tmp_path)
    for lang, words in (("zh", zh), ("en", en)):
        line = next(line for line in run("--lang", lang, "validate", str(path))[1].splitlines()
                    if rule in line)
        assert words in line, line


def test_rating_choices_in_the_schemes_order(filled: dict[str, Path], scheme: Scheme,
                                             tmp_path: Path) -> None:
    report = _plant_and_validate(filled["lead_scores"], at(L, "E10", "良好"), tmp_path, scheme)
    issue = report.issues[0]
    assert issue.rule == "not-in-list"
    ratings = "、".join(scheme.indicator("C01").params["ratings"])
    assert ratings == "好、较好、一般、较差"
    assert issue.hint.endswith(f"：{ratings}") and issue.hint_en.endswith("好, 较好, 一般, 较差")


def test_register_choices_in_the_clerks_language(filled: dict[str, Path], scheme: Scheme,
                                                 tmp_path: Path) -> None:
    plant = at(EV, "F6", "加")
    report = _plant_and_validate(filled["adjustments"], plant, tmp_path, scheme)
    issue = next(i for i in report.issues if i.rule == "not-in-list")
    assert issue.hint == "请从下拉列表中选择：加分、扣分、一票否决、通报"
    assert issue.hint_en == "choose from the list: Bonus, Deduction, Veto, Notification"
    assert (issue.label, issue.label_en) == ("类型", "type")


# ---------------------------------------------------------------- error values

def _sheet_xml_edit(path: Path, dest: Path, sheet_name: str, edit: object) -> Path:
    """A copy of the workbook with one sheet's XML changed as another program would."""
    with zipfile.ZipFile(path) as source:
        book = source.read("xl/workbook.xml").decode()
        rels = source.read("xl/_rels/workbook.xml.rels").decode()
        import re

        rid = re.search(rf'<sheet[^>]*name="{sheet_name}"[^>]*r:id="(rId\d+)"', book)
        assert rid, book
        target = re.search(rf'<Relationship[^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"',
                           rels) or re.search(
            rf'<Relationship[^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
        assert target
        part = "xl/" + target.group(1).lstrip("/").removeprefix("xl/")
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == part:
                    data = edit(data.decode()).encode()  # type: ignore[operator]
                out.writestr(info, data)
    return dest


def _error_at(cell: str, error: str) -> object:
    import re

    def edit(xml: str) -> str:
        found = re.search(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)', xml)
        assert found, cell
        return xml.replace(found.group(0), f'<c r="{cell}" t="e"><v>{error}</v></c>', 1)
    return edit


_NOT_SCORED = "这一栏按空白读取（不影响计分）"


@pytest.mark.parametrize(("kind", "sheet", "cell", "error", "what", "severity"), [
    ("unit_report", U, "I12", "#DIV/0!", "请改为数值", ERROR),
    ("lead_scores", L, "E10", "#N/A", "请改为文字", ERROR),      # a rating: it is scored
    # free text is not scored: the report stays usable
    ("unit_report", U, "K12", "#N/A", _NOT_SCORED, WARNING),    # 备注
    ("unit_report", U, "J12", "#NAME?", _NOT_SCORED, WARNING),  # 佐证材料
    ("lead_scores", L, "G10", "#N/A", _NOT_SCORED, WARNING),    # 备注
])
def test_a_cell_showing_an_error_value_is_named_not_taken_for_blank(
        kind: str, sheet: str, cell: str, error: str, what: str, severity: str,
        filled: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    from validators.workbook import validate_workbook

    path = _sheet_xml_edit(filled[kind], tmp_path / filled[kind].name, sheet,
                           _error_at(cell, error))
    report = validate_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [
        [sheet, cell, "error-value", severity]], report.flatten(["cell", "rule", "message"])
    issue = report.issues[0]
    assert issue.message == f"单元格显示错误值 {error}，{what}"
    assert issue.value == error and error in issue.message_en and issue.label_en


def test_a_workbook_without_error_values_has_none(filled: dict[str, Path]) -> None:
    from validators.reading.xlsx_read import WorkbookFile

    assert WorkbookFile(filled["unit_report"]).error_cells(U) == {}


# ---------------------------------------------------------------- free text

def _text_at(sheet: str, cell: str, text: str) -> Plant:
    def plant(wb: openpyxl.Workbook) -> None:
        wb[sheet][cell].value = text
        wb[sheet][cell].data_type = "s"  # text as a clerk's "'=…" gives it, not a formula
    return plant


@pytest.mark.parametrize(("kind", "sheet", "cell", "text", "limit"), [
    ("unit_report", U, "K12", "很" * 501, 500),
    ("unit_report", U, "J11", "证" * 600, 500),
    ("lead_scores", L, "G10", "依据" * 151, 300),
    ("adjustments", EV, "K6", "事由" * 151, 300),
])
def test_text_over_the_templates_limit_is_named_and_kept_whole(
        kind: str, sheet: str, cell: str, text: str, limit: int, filled: dict[str, Path],
        scheme: Scheme, tmp_path: Path) -> None:
    report = _plant_and_validate(filled[kind], _text_at(sheet, cell, text), tmp_path, scheme)
    found = [i for i in report.issues if i.rule == "text-too-long"]
    assert [(i.sheet, i.cell, i.severity) for i in found] == [(sheet, cell, WARNING)]
    assert f"内容有 {len(text)} 个字，超过模板规定的 {limit} 个字" in found[0].message
    assert str(limit) in found[0].message_en and found[0].label_en
    from workbook_templates import read_workbook

    document = read_workbook(tmp_path / filled[kind].name).document
    assert text in json_texts(document)  # never cut


def json_texts(document: object) -> list[str]:
    import json

    return [v for v in _walk(json.loads(json.dumps(document, default=str)))]


def _walk(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _walk(v)]
    if isinstance(value, list):
        return [t for v in value for t in _walk(v)]
    return []


def test_text_over_an_excel_cell_is_an_error(filled: dict[str, Path], scheme: Scheme,
                                             tmp_path: Path) -> None:
    # openpyxl cuts such text at 32,767 characters; another program may not.
    text = "很" * 40000

    def edit(xml: str) -> str:
        import re

        found = re.search(r'<c r="K12"[^>]*?(/>|>.*?</c>)', xml)
        assert found
        return xml.replace(found.group(0),
                           f'<c r="K12" t="inlineStr"><is><t>{text}</t></is></c>', 1)
    path = _sheet_xml_edit(filled["unit_report"], tmp_path / "long.xlsx", U, edit)
    from validators.workbook import validate_workbook

    report = validate_workbook(path, scheme)
    assert report.flatten(["cell", "rule", "severity"]) == [
        ["K12", "text-over-excel-limit", ERROR]]
    assert "内容有 40000 个字，超过 Excel 单元格最多能保存的 32767 个字" in report.issues[0].message


@pytest.mark.parametrize(("text", "flagged"), [
    ('=HYPERLINK("http://x","y")', True),
    ("@张三 请核对", True),
    ("+SUM(A1:A9)", True),
    ("-2+3+cmd|' /C calc'!A0", True),
    ("-A1*2", True),
    ("-无-", False),
    ("- 已完成", False),
    ("+5%", False),
    ("+86 0906-1234567", False),
    ("已完成，见附件", False),
    ("-cmd|' /C calc'!A0", True),
    ("+A1+B2", True),
    ("+F.DIST(1,2,TRUE)", True),
    # ordinary remarks: a Chinese word before "(" is no function, a "|" later no DDE link
    ("-GDP增长(7.7%)受价格因素影响", False),
    ("+PM2.5(年均)下降", False),
    ("- 已完成 | 详见附件3", False),
    ("-扣1分：未按期报送(见通报)", False),
])
def test_formula_like_text_is_named_and_kept_as_text(text: str, flagged: bool,
                                                     filled: dict[str, Path], scheme: Scheme,
                                                     tmp_path: Path) -> None:
    report = _plant_and_validate(filled["unit_report"], _text_at(U, "K12", text), tmp_path,
                                 scheme)
    rules = report.flatten(["cell", "rule", "severity"])
    assert rules == ([["K12", "formula-like-text", WARNING]] if flagged else []), rules
    if flagged:
        issue = report.issues[0]
        assert "已按文字原样保存，不会被当作公式执行" in issue.message
        assert "will never be run as a formula" in issue.message_en
        assert issue.value == text


# ---------------------------------------------------------------- nothing filled in

def _clear(sheet: str, columns: str) -> Plant:
    def plant(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        keys = {c.value: c.column_letter for c in ws[1] if isinstance(c.value, str)}
        for row in ws.iter_rows(min_row=2):
            key = row[0].value
            if not isinstance(key, str) or key.startswith(("@", "#")) or not key:
                continue
            for letter, key_col in keys.items():
                cell = ws[f"{key_col}{row[0].row}"]
                if letter.rpartition(".")[2] in columns.split() and isinstance(cell, Cell):
                    cell.value = None
    return plant


@pytest.mark.parametrize(("kind", "sheet", "clear", "rule", "words"), [
    ("lead_scores", L, _clear(L, "rating count value"), "no-scores", "评分表中没有填写任何评分"),
    ("unit_report", U, _clear(U, "actual not_applicable"), "no-actuals",
     "自评表中没有填写任何完成值"),
])
def test_a_sheet_with_nothing_filled_in_is_an_error(kind: str, sheet: str, clear: Plant,
                                                   rule: str, words: str,
                                                   filled: dict[str, Path], scheme: Scheme,
                                                   tmp_path: Path) -> None:
    report = _plant_and_validate(filled[kind], clear, tmp_path, scheme)
    first = report.issues[0]
    assert (first.sheet, first.cell, first.rule, first.severity) == (sheet, "", rule, ERROR)
    assert words in first.message and first.message_en and not first.label
    # the sheet's finding says it: not again a warning at each blank cell
    assert not [i for i in report.issues if i.rule in ("blank-score", "blank-actual")]
    assert not report.valid
    code, out = run("validate", str(tmp_path / filled[kind].name))
    assert code == 1 and rule in out


def test_one_filled_score_is_no_blank_sheet(filled: dict[str, Path], scheme: Scheme,
                                            tmp_path: Path) -> None:
    def plant(wb: openpyxl.Workbook) -> None:
        _clear(L, "rating count value")(wb)
        wb[L]["E10"].value = "好"
    report = _plant_and_validate(filled["lead_scores"], plant, tmp_path, scheme)
    assert "no-scores" not in [i.rule for i in report.issues] and report.valid


@pytest.mark.parametrize(("kind", "sheet", "cell", "field"), [
    ("unit_report", U, "D5", "contact"), ("unit_report", U, "H5", "phone"),
    ("unit_report", U, "J11", "evidence"), ("unit_report", U, "K12", "remarks"),
    ("lead_scores", L, "G10", "remarks"), ("adjustments", EV, "C6", "id"),
    ("adjustments", EV, "K6", "reason"), ("adjustments", EV, "L6", "evidence"),
    ("adjustments", EV, "M6", "approver"),
])
def test_text_limits_are_the_templates_own(kind: str, sheet: str, cell: str, field: str,
                                           filled: dict[str, Path]) -> None:
    from validators.rules.text import TEXT_LIMITS

    ws = openpyxl.load_workbook(filled[kind])[sheet]
    rules = [dv for dv in ws.data_validations.dataValidation
             if dv.type == "textLength" and cell in dv.sqref]
    assert [int(dv.formula1) for dv in rules] == [TEXT_LIMITS[kind][field]]


# ---------------------------------------------------------------- English without Chinese

def _no_chinese(text: str) -> bool:
    import re

    return re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", text) is None


def _delete_row(sheet: str, row: int) -> Plant:
    def plant(wb: openpyxl.Workbook) -> None:
        wb[sheet].delete_rows(row)
    return plant


def _swap_rows(sheet: str, first: int, second: int) -> Plant:
    def plant(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        for column in range(1, ws.max_column + 1):
            a, b = ws.cell(first, column), ws.cell(second, column)
            if isinstance(a, Cell) and isinstance(b, Cell):  # not inside a merged range
                a.value, b.value = b.value, a.value
    return plant


@pytest.mark.parametrize(("kind", "plant", "rule"), [
    ("unit_report", _delete_row(U, 13), "row-deleted"),       # an indicator's row
    ("unit_report", _swap_rows(U, 11, 12), "row-moved"),
    ("lead_scores", _delete_row(L, 11), "row-deleted"),       # a unit's row
    ("adjustments", at(EV, "E6", __import__("datetime").date(2015, 11, 28)),
     "date-out-of-range"),
])
def test_english_texts_of_a_chinese_template_are_english(kind: str, plant: Plant, rule: str,
                                                         filled: dict[str, Path],
                                                         scheme: Scheme,
                                                         tmp_path: Path) -> None:
    report = _plant_and_validate(filled[kind], plant, tmp_path, scheme)
    issue = next(i for i in report.issues if i.rule == rule)
    assert _no_chinese(issue.message_en) and _no_chinese(issue.hint_en), (
        issue.message_en, issue.hint_en)
    assert not _no_chinese(issue.message)  # the Chinese text still names it in Chinese
