"""A clerk's slip at the edge of the table is found at its cell, and only there: a formula
typed into an input cell, data typed under or right of the table (also in the hidden key
column), an inserted column, an edited indicator name, heading or title."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from kaohe.cli import main
from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from kaohe.synth import synthesize
from validators.report import ERROR, WARNING
from validators.workbook import examine_workbook, validate_workbook

UNIT = "altay_city"   # C04 (completion) is row 11, C05 (万元, actual in I12) row 12
DEPT = "zfw"
U, L, EV = "单位自评表", "牵头部门评分表", "加扣分登记"


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.fixture(scope="module")
def filled(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from workbook_templates import fill_workbook
    from workbook_templates.adjustments import build_adjustments
    from workbook_templates.lead_scores import build_lead_scores
    from workbook_templates.unit_report import build_unit_report

    folder = tmp_path_factory.mktemp("edges")
    docs = synthesize(scheme)
    lead = next(d for d in docs["lead_scores"] if d["lead_department"] == DEPT)
    made = {
        "unit_report": (build_unit_report(scheme, UNIT, folder / "t_unit.xlsx"),
                        docs["unit_reports"][UNIT]),
        "lead_scores": (build_lead_scores(scheme, DEPT, folder / "t_lead.xlsx"), lead),
        "adjustments": (build_adjustments(scheme, folder / "t_adj.xlsx"), docs["adjustments"]),
    }
    return {kind: fill_workbook(template, doc, folder / f"{kind}.xlsx")
            for kind, (template, doc) in made.items()}


def _planted(source: Path, tmp_path: Path, plant: Callable[[openpyxl.Workbook], None]) -> Path:
    path = tmp_path / source.name
    shutil.copy(source, path)
    wb = openpyxl.load_workbook(path)
    plant(wb)
    wb.save(path)
    return path


def _cells(sheet: str, **values: Any) -> Callable[[openpyxl.Workbook], None]:
    def plant(wb: openpyxl.Workbook) -> None:
        for cell, value in values.items():
            wb[sheet][cell].value = value
    return plant


def _cached(path: Path, cell: str, xml: str) -> None:
    """Give a cell of the unit report's sheet the XML Excel writes (a formula with its saved
    value), as openpyxl cannot."""
    import re

    data = {}
    with zipfile.ZipFile(path) as archive:
        for item in archive.infolist():
            data[item.filename] = archive.read(item.filename)
    part = "xl/worksheets/sheet2.xml"
    text = data[part].decode()
    text, count = re.subn(rf'<c r="{cell}"[^>]*?(?:/>|>.*?</c>)', xml, text, count=1)
    assert count == 1
    data[part] = text.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in data.items():
            archive.writestr(name, content)


# ---------------------------------------------------------------- 1. formulas in input cells

@pytest.mark.parametrize(("cell", "value", "what", "severity"), [
    ("I12", "=89000+596", "数值", ERROR),                  # the actual, no saved value
    # free text is not scored: a warning, the report stays usable
    ("K12", "=不适用", "文字", WARNING),                     # a remark starting with =
    ("J12", '=HYPERLINK("http://x","y")', "文字", WARNING),
])
def test_a_formula_in_an_input_cell_is_one_finding_there(cell: str, value: str, what: str,
                                                         severity: str,
                                                         filled: dict[str, Path],
                                                         scheme: Scheme,
                                                         tmp_path: Path) -> None:
    path = _planted(filled["unit_report"], tmp_path, _cells(U, **{cell: value}))
    report = validate_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule"]) == [[U, cell, "formula-in-input"]]
    issue = report.issues[0]
    assert issue.severity == severity and "公式没有可用的结果" in issue.message
    assert value in issue.message and f"请直接填写{what}" in issue.hint
    assert issue.message_en and issue.hint_en
    if severity == WARNING:
        assert "不影响计分" in issue.message and "scoring is not affected" in issue.message_en


def test_a_formula_with_a_saved_value_is_read_with_a_warning(filled: dict[str, Path],
                                                             scheme: Scheme,
                                                             tmp_path: Path) -> None:
    path = _planted(filled["unit_report"], tmp_path, lambda wb: None)
    _cached(path, "I12", '<c r="I12"><f>89000+596</f><v>89596</v></c>')
    read, report = examine_workbook(path, scheme)
    # (89,596 is far above the target: the value check asks for evidence, as for a number)
    assert report.flatten(["sheet", "cell", "rule"]) == [[U, "I12", "formula-in-input"],
                                                         [U, "J12", "evidence-required"]]
    issue = report.issues[0]
    assert issue.severity == WARNING
    assert issue.message == "单元格 I12 中是公式（=89000+596），已按其显示的值 89596 读取"
    assert issue.hint == "请直接填写数值，不要输入公式"
    item = next(i for i in read.document["items"] if i["indicator_id"] == "C05")
    assert item["actual"] == 89596


def test_a_formula_whose_result_is_an_excel_error_is_an_error(filled: dict[str, Path],
                                                              scheme: Scheme,
                                                              tmp_path: Path) -> None:
    path = _planted(filled["unit_report"], tmp_path, lambda wb: None)
    _cached(path, "I12", '<c r="I12" t="e"><f>A1/0</f><v>#DIV/0!</v></c>')
    report = validate_workbook(path, scheme)
    assert report.flatten(["cell", "rule", "severity"]) == [["I12", "formula-in-input", ERROR]]


# ---------------------------------------------------------------- 2. + 3. outside the table

def test_a_register_row_under_the_table_is_an_error_not_lost(filled: dict[str, Path],
                                                             scheme: Scheme,
                                                             tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(filled["adjustments"], read_only=True)
    below = wb[EV].max_row  # the signature line, two rows under the last event row
    wb.close()
    row = below - 1
    path = _planted(filled["adjustments"], tmp_path, _cells(
        EV, **{f"C{row}": "E0201", f"D{row}": "福海县", f"F{row}": "扣分", f"H{row}": 3}))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    report = validate_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [
        [EV, f"C{row}", "outside-table", ERROR]]
    issue = report.issues[0]
    assert f"第 {row} 行在登记表的表格之外，这一行不会被计入" == issue.message
    assert "kaohe templates --event-rows" in issue.hint and "--event-rows" in issue.hint_en


@pytest.mark.parametrize(("sheet", "cell", "value", "key"), [
    (EV, "B208", "王五", "outside-register-note"),          # a name under the signature line
    (EV, "L209", "以上由考核办核实", "outside-register-note"),  # a note, evidence column
    (EV, "N6", "已核", "outside-register-column"),          # a mark right of an event
    ("申诉及容错纠错", "B58", "审核：李四", "outside-register-note"),
])
def test_a_name_or_mark_outside_a_register_is_a_warning_not_a_lost_row(
        sheet: str, cell: str, value: str, key: str, filled: dict[str, Path],
        scheme: Scheme, tmp_path: Path) -> None:
    from validators.messages import MESSAGES

    path = _planted(filled["adjustments"], tmp_path, _cells(sheet, **{cell: value}))
    result = CliRunner().invoke(main, ["validate", "--no-roster", str(path)])
    assert result.exit_code == 0, result.output  # the register is usable
    report = validate_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [
        [sheet, cell, "outside-table", WARNING]]
    issue = report.issues[0]
    assert issue.message == MESSAGES[key][0].format(cell=cell)
    assert "--event-rows" not in issue.hint + issue.hint_en
    assert "不影响计分" in issue.hint


def test_a_decision_under_its_table_names_the_option_that_makes_that_sheet_longer(
        filled: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    path = _planted(filled["adjustments"], tmp_path,
                    _cells("申诉及容错纠错", D57="E0003", E57="申诉"))
    report = validate_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [
        ["申诉及容错纠错", "D57", "outside-table", ERROR]]
    issue = report.issues[0]
    assert "表格共 50 行" in issue.hint
    assert "kaohe templates --decision-rows" in issue.hint
    assert "--decision-rows" in issue.hint_en and "--event-rows" not in issue.hint


@pytest.mark.parametrize(("plant", "cell", "words"), [
    (_cells(U, D26="补充说明"), "D26", "D26 在表格之外"),
    (_cells(U, B30="说明：本单位数据以统计局为准"), "B30", "B30 在表格之外"),
    (_cells(U, Z11="我的草稿"), "Z11", "Z11 在表格之外"),
    (_cells(U, A30=5), "A30", "隐藏的 A 列第 30 行有内容（5）"),
    (_cells(U, A30="备注"), "A30", "隐藏的 A 列第 30 行有内容（备注）"),
])
def test_a_note_outside_a_report_is_one_warning_at_its_cell(
        plant: Callable[[openpyxl.Workbook], None], cell: str, words: str,
        filled: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    report = validate_workbook(_planted(filled["unit_report"], tmp_path, plant), scheme)
    rule = "outside-table-hidden" if cell.startswith("A") else "outside-table"
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [[U, cell, rule, WARNING]]
    assert words in report.issues[0].message


@pytest.mark.parametrize("lang,words", [("zh", "隐藏的 A 列第 30 行有内容（备注）"),
                                        ("en", "the hidden column A holds '备注' in row 30")])
def test_the_report_names_the_rule_its_message_is_listed_under(
        filled: dict[str, Path], scheme: Scheme, tmp_path: Path, lang: str,
        words: str) -> None:
    # the rule column said outside-table, whose listed message is "{cell} 在表格之外"
    path = _planted(filled["unit_report"], tmp_path, _cells(U, A30="备注"))
    result = CliRunner().invoke(main, ["--lang", lang, "validate", "--no-roster", str(path)])
    [line] = [line for line in result.output.splitlines() if words in line]
    assert line.split()[:4] in ([U, "A30", "警告", "outside-table-hidden"],
                                [U, "A30", "warning", "outside-table-hidden"])
    rules_page = (Path(__file__).parent.parent / "docs" / "validation.md").read_text("utf-8")
    [row] = [r for r in rules_page.splitlines() if r.startswith("| `outside-table-hidden` |")]
    assert "validators.rules.table_edges" in row and "| 隐藏的 A 列第 {row} 行有内容" in row


def test_a_pasted_block_under_the_table_is_listed_then_counted(filled: dict[str, Path],
                                                               scheme: Scheme,
                                                               tmp_path: Path) -> None:
    def paste(wb: openpyxl.Workbook) -> None:
        for row in range(30, 330):
            for column in range(1, 15):
                wb[U].cell(row, column, row * column)

    report = validate_workbook(_planted(filled["unit_report"], tmp_path, paste), scheme)
    assert [i.rule for i in report.issues] == ["outside-table"] * 21
    assert [i.cell for i in report.issues][:2] == ["B30", "B31"]
    assert "还有 280 行在表格之外" in report.issues[-1].message
    assert all(i.cell for i in report.issues)  # never a fingerprint mismatch without a cell


def test_the_signature_line_may_be_filled_in(filled: dict[str, Path], scheme: Scheme,
                                             tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(filled["unit_report"], read_only=True)
    last = wb[U].max_row
    wb.close()
    plant = _cells(U, **{f"B{last}": "单位主要负责人（签字）：张三"})
    assert validate_workbook(_planted(filled["unit_report"], tmp_path, plant),
                             scheme).issues == []


# ---------------------------------------------------------------- 4. inserted columns

# located at the inserted column's heading (row 1 holds the hidden keys: the annotated copy
# unhid it to flag J1, printing the machine keys)
@pytest.mark.parametrize(("kind", "sheet", "column", "cell"), [
    ("unit_report", U, 10, "J7"), ("lead_scores", L, 6, "F7"), ("unit_report", U, 2, "B7")])
def test_an_inserted_column_is_reported_and_nothing_else(kind: str, sheet: str, column: int,
                                                         cell: str, filled: dict[str, Path],
                                                         scheme: Scheme,
                                                         tmp_path: Path) -> None:
    path = _planted(filled[kind], tmp_path, lambda wb: wb[sheet].insert_cols(column))
    report = validate_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule"]) == [[sheet, cell, "column-inserted"]]
    assert f"第 {cell[0]} 列是插入的列" in report.issues[0].message


# ---------------------------------------------------------------- 5. printed labels

@pytest.mark.parametrize(("cell", "text", "want", "label", "label_en"), [
    ("D12", "一般公共预算收入（调整）", "指标名称被改动，应为“一般公共预算收入”",
     "C05 一般公共预算收入·指标名称", "C05 General budget revenue · indicator name"),
    ("I7", "完成值（万元）", "栏目名称被改动，应为“完成值”", "完成值（栏目名称）",
     "Actual (column heading)"),
    ("B2", "阿勒泰市2016年度自评表（修订）",
     "表格标题被改动，应为“阿勒泰市2016年度综合考核任务书及自评表”", "", ""),
    ("H4", "县", "组别名称被改动，应为“县市”", "县市·组别名称", "Counties and city · group name"),
])
def test_an_edited_printed_label_is_a_warning_at_its_cell(cell: str, text: str, want: str,
                                                          label: str, label_en: str,
                                                          filled: dict[str, Path],
                                                          scheme: Scheme,
                                                          tmp_path: Path) -> None:
    path = _planted(filled["unit_report"], tmp_path, _cells(U, **{cell: text}))
    report = validate_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [
        [U, cell, "label-changed", WARNING]]
    issue = report.issues[0]
    assert issue.message == want
    assert issue.message_en.startswith("the ")
    assert (issue.label_for("zh"), issue.label_for("en")) == (label, label_en)


D = "申诉及容错纠错"


@pytest.mark.parametrize(("kind", "sheet", "cell", "text", "want", "label", "label_en"), [
    ("lead_scores", L, "B2", "2016年度牵头部门评分表（修订）",
     "表格标题被改动，应为“2016年度综合考核牵头部门评分表”", "", ""),
    ("lead_scores", L, "D6", "单位", "栏目名称被改动，应为“被考核单位”", "被考核单位（栏目名称）",
     "Unit (column heading)"),
    ("lead_scores", L, "E6", "C01 社会稳定（满分 12）",
     "指标名称被改动，应为“C01 维护社会稳定和长治久安（满分 12）”",
     "C01 维护社会稳定和长治久安（满分 12）·指标名称",
     "C01 Social stability (full score 12) · indicator name"),
    ("lead_scores", L, "F7", "分数", "栏目名称被改动，应为“得分”", "得分（栏目名称）",
     "Points (column heading)"),
    ("lead_scores", L, "D9", "阿勒泰", "单位名称被改动，应为“阿勒泰市”", "阿勒泰市·单位名称",
     "Altay City · unit name"),
    ("lead_scores", L, "B8", "县市（8）", "组别名称被改动，应为“县市（7）”", "县市（7）·组别名称",
     "Counties and city (7) · group name"),
    ("lead_scores", L, "C9", "县", "组别名称被改动，应为“县市”", "县市·组别名称",
     "Counties and city · group name"),
    ("adjustments", EV, "B2", "加扣分登记表", "表格标题被改动，应为“2016年度综合考核加扣分登记表”",
     "", ""),
    ("adjustments", EV, "D5", "单位", "栏目名称被改动，应为“被考核单位”", "被考核单位（栏目名称）",
     "Unit (column heading)"),
    ("adjustments", D, "D5", "加扣分编号", "栏目名称被改动，应为“对应加扣分编号”",
     "对应加扣分编号（栏目名称）", "Event ID (column heading)"),
    ("adjustments", D, "B2", "决定登记表",
     "表格标题被改动，应为“2016年度综合考核申诉及容错纠错决定登记表”", "", ""),
])
def test_an_edited_label_of_a_lead_sheet_or_register_is_a_warning_at_its_cell(
        kind: str, sheet: str, cell: str, text: str, want: str, label: str, label_en: str,
        filled: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    path = _planted(filled[kind], tmp_path, _cells(sheet, **{cell: text}))
    report = validate_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [
        [sheet, cell, "label-changed", WARNING]]
    issue = report.issues[0]
    assert issue.message == want
    assert issue.message_en.startswith("the ")
    assert (issue.label_for("zh"), issue.label_for("en")) == (label, label_en)


def test_a_lead_sheet_with_an_inserted_column_has_no_label_finding(
        filled: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    def plant(wb: openpyxl.Workbook) -> None:
        wb[L]["D9"].value = "阿勒泰"
        wb[L].insert_cols(6)
    report = validate_workbook(_planted(filled["lead_scores"], tmp_path, plant), scheme)
    assert "label-changed" not in [issue.rule for issue in report.issues]
    assert [issue.rule for issue in report.issues] == ["column-inserted"]


def test_an_english_template_labels_an_edited_heading_in_both_languages(
        scheme: Scheme, tmp_path: Path) -> None:
    from workbook_templates import fill_workbook
    from workbook_templates.unit_report import build_unit_report

    template = build_unit_report(scheme, UNIT, tmp_path / "t.xlsx", "en")
    path = fill_workbook(template, synthesize(scheme)["unit_reports"][UNIT],
                         tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(path)
    wb[wb.sheetnames[1]]["I7"].value = "Actual (10k yuan)"
    wb.save(path)
    for lang, label in (("en", "Actual (column heading): "), ("zh", "完成值（栏目名称）：")):
        result = CliRunner().invoke(main, ["--lang", lang, "validate", "--no-roster",
                                           str(path)])
        assert label in result.output, result.output
        assert "actual:" not in result.output and "actual：" not in result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_field_name_is_shown_as_a_label(lang: str, filled: dict[str, Path],
                                           tmp_path: Path) -> None:
    """A deleted column, an edited heading and indicator name: in the CLI's list and the
    annotated copy's 项目 column, a clerk's words or nothing — never evidence, actual, name."""
    def plant(wb: openpyxl.Workbook) -> None:
        wb[U]["I7"].value = "完成值（万元）"
        wb[U]["D12"].value = "一般公共预算收入（调整）"
        wb[U].delete_cols(10)  # 佐证材料

    path = _planted(filled["unit_report"], tmp_path, plant)
    out = tmp_path / "annotated"
    result = CliRunner().invoke(main, ["--lang", lang, "validate", "--no-roster", str(path),
                                       "--annotate", str(out)])
    assert "column-deleted" in result.output, result.output
    assert not re.search(r"\s\s(evidence|actual|name)[:：]", result.output), result.output
    (copy,) = out.glob("*.xlsx")
    listed = openpyxl.load_workbook(copy).worksheets[0]
    shown = {row[4] for row in listed.iter_rows(min_row=2, values_only=True)}
    assert len(shown) == 3 and not shown & {"evidence", "actual", "name"}, shown


def test_annotated_copy_marks_the_outside_cell(filled: dict[str, Path],
                                               tmp_path: Path) -> None:
    path = _planted(filled["unit_report"], tmp_path, _cells(U, A30=5))
    out = tmp_path / "annotated"
    result = CliRunner().invoke(main, ["validate", str(path), "--json", "--annotate",
                                       str(out)])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output[result.output.index("{"):])
    text = json.dumps(found, ensure_ascii=False)
    assert "A30" in text and "fingerprint-mismatch" not in text
    assert list(out.glob("*.xlsx"))


# ---------------------------------------------------------------- the facts used

def test_the_builders_write_what_table_shape_says(filled: dict[str, Path]) -> None:
    """Formula cells of data rows only in FORMULA_COLUMNS; under the table only the
    signature line; no empty key between keyed columns."""
    from workbook_templates.meta import parse_meta
    from workbook_templates.table_shape import SIGNATURE_GAP, SIGNED, formula_column, table_end

    for kind, path in filled.items():
        wb = openpyxl.load_workbook(path)
        meta = parse_meta(list(wb["_meta"].iter_rows(values_only=True)))
        for role, spec in meta["layout"]["sheets"].items():
            ws = wb[spec["name"]]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            end = table_end(rows)
            head = rows[0]
            last = max(i for i, k in enumerate(head) if k) + 1
            assert all(head[i] for i in range(1, last)), (kind, role)
            for row in ws.iter_rows(min_row=2, max_row=end):
                key = row[0].value or ""
                for cell in row[1:]:
                    if isinstance(cell.value, str) and cell.value.startswith("=") \
                            and not key.startswith("@"):
                        assert formula_column(kind, role, head[cell.column - 1]), cell
            under = [(c.row, c.column) for r in ws.iter_rows(min_row=end + 1) for c in r
                     if c.value not in (None, "")]
            signed = [(end + SIGNATURE_GAP, 2)] if (kind, role) in SIGNED else []
            assert under == signed, (kind, role)


def test_a_longer_register_is_compared_with_a_template_as_long(scheme: Scheme,
                                                               tmp_path: Path) -> None:
    from workbook_templates.adjustments import build_adjustments

    path = build_adjustments(scheme, tmp_path / "加扣分登记表.xlsx", event_rows=230)
    wb = openpyxl.load_workbook(path)
    assert wb[EV].cell(6 + 229, 1).value == "event:230"
    wb[EV]["A10"].value = "event:x"  # a key edited: the template is rebuilt to say where
    wb[EV]["C236"].value = "E0231"
    wb.save(path)
    report = validate_workbook(path, scheme)
    # (not 30 more inserted rows: the template rebuilt to compare has 230 rows too)
    assert report.flatten(["cell", "rule"]) == [
        ["B10", "row-inserted"], ["B11", "row-deleted"], ["C236", "outside-table"]]
    assert "表格共 230 行" in report.issues[-1].hint


def test_templates_cli_makes_a_longer_register(tmp_path: Path, scheme: Scheme) -> None:
    result = CliRunner().invoke(main, ["templates", "--out", str(tmp_path), "--event-rows",
                                       "240", "--decision-rows", "80"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "加扣分登记表.xlsx"
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb[EV].cell(6 + 239, 1).value == "event:240"
    assert wb["申诉及容错纠错"].cell(6 + 79, 1).value == "decision:80"
    assert wb["申诉及容错纠错"].cell(6 + 80, 1).value is None
    wb.close()
    # compared with a template as long: no finding
    assert validate_workbook(path, scheme).issues == []
