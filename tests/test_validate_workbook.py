"""One defect planted in a filled template, exactly the expected finding comes out.

Workbooks are built by our own builders and filled with kaohe.synth data through
fill_workbook; each case changes the filled copy with openpyxl as a clerk (or Excel) would.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from kaohe.synth import synthesize
from tests.templates_helpers import filled_workbooks
from validators.report import WARNING
from validators.workbook import validate_workbook

UNIT = "altay_city"   # C04 (completion, evidence over 120 %) is row 11, C05 (万元) row 12
DEPT = "zfw"          # scores C01 (rating) for the counties


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.fixture(scope="module")
def filled(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One filled workbook of each kind (clean: validated without findings)."""
    return filled_workbooks(scheme, tmp_path_factory.mktemp("filled"), UNIT, DEPT)


def keyed_cell(ws: Any, row_key: str, col_key: str) -> str:
    """A1 reference of the cell at a machine row key and column key of a keyed sheet."""
    column = next(c.column_letter for c in ws[1] if c.value == col_key)
    row = next(c.row for c in ws["A"] if c.value == row_key)
    return f"{column}{row}"


Plant = Callable[[openpyxl.Workbook], None]


def at(sheet: str, cell: str, value: Any) -> Plant:
    def plant(wb: openpyxl.Workbook) -> None:
        wb[sheet][cell].value = value
    return plant


def typed_percent(sheet: str, cell: str, value: float) -> Plant:
    """What Excel, WPS and LibreOffice store for a typed percent: the hundredth, formatted 0%."""
    def plant(wb: openpyxl.Workbook) -> None:
        wb[sheet][cell].value = value
        wb[sheet][cell].number_format = "0%"
    return plant


def meta(key: str, value: Any) -> Plant:
    def plant(wb: openpyxl.Workbook) -> None:
        ws = wb["_meta"]
        row = next(c.row for c in ws["A"] if c.value == key)
        ws.cell(row, 2).value = value
    return plant


def both(*plants: Plant) -> Plant:
    def plant(wb: openpyxl.Workbook) -> None:
        for p in plants:
            p(wb)
    return plant


U = "单位自评表"


def _delete_row(wb: openpyxl.Workbook) -> None:
    wb[U].delete_rows(12)


def _insert_row(wb: openpyxl.Workbook) -> None:
    ws = wb[U]
    ws.insert_rows(12)
    ws["I12"].value = 5
    ws["D12"].value = "自行增加的指标"


def _swap_rows(wb: openpyxl.Workbook) -> None:
    ws = wb[U]
    for column in range(1, ws.max_column + 1):
        a, b = ws.cell(11, column), ws.cell(12, column)
        if isinstance(a, openpyxl.cell.cell.Cell) and isinstance(b, openpyxl.cell.cell.Cell):
            a.value, b.value = b.value, a.value


def _rename(wb: openpyxl.Workbook) -> None:
    wb[U].title = "自评表"


def _drop_meta(wb: openpyxl.Workbook) -> None:
    del wb["_meta"]


def _delete_column(wb: openpyxl.Workbook) -> None:
    wb[U].delete_cols(10)


# (case, kind, planting, expected [sheet, cell, rule] rows, words of the first Chinese message)
CASES: list[tuple[str, str, Plant, list[list[str]], str]] = [
    ("approximate number", "unit_report", at(U, "I11", "约7"),
     [[U, "I11", "approximate-number"]], "约数"),
    ("blank actual", "unit_report", at(U, "I11", None),
     [[U, "I11", "blank-actual"]], "未填写完成值"),
    ("evidence missing over 120 %", "unit_report", both(at(U, "I11", 8), at(U, "J11", None)),
     [[U, "J11", "evidence-required"]], "完成率 127.0% 超过 120%，必须填写佐证材料"),
    ("negative money", "unit_report", at(U, "I12", -5),
     [[U, "I12", "negative-value"]], "-5 是负数"),
    ("negative people", "unit_report", at(U, "I16", -5),
     [[U, "I16", "negative-value"]], "-5 是负数"),
    ("implausible actual", "unit_report", both(at(U, "I12", 600000), at(U, "J12", "年报")),
     [[U, "I12", "implausible-value"]], "是目标值 30000 的 20 倍"),
    # Excel stores a typed 85% as 0.85 and formats the cell 0%: read as 85, said
    ("85% typed in a column measured in %", "unit_report", typed_percent(U, "I19", 0.85),
     [[U, "I19", "percent-typed"]], "输入的是“85%”（单元格存为 0.85）；本栏单位已是 %"),
    ("85% typed in a column of people", "unit_report", typed_percent(U, "I16", 0.85),
     [[U, "I16", "percent-not-allowed"]], "“85%” 带有 % 号"),
    ("N/A without a reason", "unit_report", both(at(U, "L11", "是"), at(U, "I11", None)),
     [[U, "K11", "na-without-reason"]], "备注中没有说明理由"),
    ("N/A with a value", "unit_report", both(at(U, "L11", "是"), at(U, "K11", "不承担")),
     [[U, "I11", "na-with-value"]], "又填写了完成值"),
    ("target changed", "unit_report", at(U, "G11", 5),
     [[U, "G11", "target-changed"]], "目标值被改为 5，方案规定为 6.3"),
    ("full score changed", "unit_report", at(U, "H11", 9),
     [[U, "H11", "locked-changed"]], "应为 8，现为 9"),
    ("formula typed over", "unit_report", at(U, "M11", 8),
     [[U, "M11", "formula-replaced"]], "公式被改成了固定数值 8"),
    ("formula deleted", "unit_report", at(U, "M11", None),
     [[U, "M11", "formula-deleted"]], "公式被删除"),
    ("subtotal formula typed over", "unit_report", at(U, "H25", 100),
     [[U, "H25", "formula-replaced"]], "固定数值 100"),
    ("row deleted", "unit_report", _delete_row,
     [[U, "B12", "row-deleted"]], "“C05 一般公共预算收入”这一行被删除了"),
    ("row inserted", "unit_report", _insert_row,
     [[U, "B12", "row-inserted"]], "第 12 行是插入的行"),
    ("rows swapped", "unit_report", _swap_rows,
     [[U, "B11", "row-moved"]], "位置被移动了"),
    ("sheet renamed", "unit_report", _rename,
     [["自评表", "", "sheet-renamed"]], "工作表“单位自评表”被改名为“自评表”"),
    ("column deleted", "unit_report", _delete_column,
     [[U, "J1", "column-deleted"]], "“佐证材料”一列被删除了"),
    ("not our template", "unit_report", both(_drop_meta, at(U, "B2", "自评表")),
     [["", "", "not-our-template"]], "不是综考办下发的考核模板"),
    # (the sheet copied into a new workbook, exactly: tests/test_validate_recover.py)
    ("_meta removed, the rest intact", "unit_report", _drop_meta,
     [["", "", "meta-missing-recovered"]], "与“阿勒泰市”的单位自评表模板完全一致"),
    ("another year", "unit_report", meta("year", 2015),
     [["", "", "wrong-year"]], "这是 2015 年度的模板，本次考核为 2016 年度"),
    ("another scheme", "unit_report", meta("scheme_id", "hami-2016"),
     [["", "", "wrong-scheme"]], "这是方案 “hami-2016” 的模板"),
    ("unit not in the scheme", "unit_report", meta("unit_id", "atlantis"),
     [["", "", "unknown-owner"]], "“atlantis”不是本次考核的被考核单位"),
    # _meta says another unit than the locked header: refused there, no target findings
    ("another unit's hidden identification", "unit_report", meta("unit_id", "burqin"),
     [[U, "D4", "header-owner-mismatch"]],
     "表头被考核单位为“阿勒泰市”，与文件内部标识（布尔津县）不一致"),
    ("fingerprint edited", "unit_report", meta("fingerprint", "0" * 64),
     [["", "", "fingerprint-mismatch"]], "校验指纹不符"),
    ("date of filling outside the window", "unit_report", at(U, "K4", date(2019, 1, 5)),
     [[U, "K4", "date-out-of-range"]], "不在 2016-01-01 至 2017-12-31 之间"),
    ("no contact", "unit_report", at(U, "D5", None),
     [[U, "D5", "blank-contact"]], "未填写填报联系人"),
    # the date of filling in is clerical: one that cannot be read is a warning, said once
    ("date of filling in Chinese numerals", "unit_report", at(U, "K4", "二〇一七年一月十四日"),
     [[U, "K4", "not-a-date"]], "不能识别为日期，填报日期按空白读取（不影响计分）"),
    ("date of filling without a year", "unit_report", at(U, "K4", "1月14日"),
     [[U, "K4", "not-a-date"]], "“1月14日” 不能识别为日期"),
]


L = "牵头部门评分表"   # altay_city is row 9 (C01.rating E, C01.points F), burqin row 10
EV, DE = "加扣分登记", "申诉及容错纠错"   # event:150 is row 155, decision:2 row 7
RT, CO = "平时考核", "德和作风测评"


def _delete_unit_row(wb: openpyxl.Workbook) -> None:
    wb[L].delete_rows(10)


def event(**values: Any) -> Plant:
    """A new event typed into the empty row event:150 (row 155)."""
    row = {"D": "阿勒泰市", "E": date(2016, 5, 1), "F": "扣分", "G": "察访核验", "H": 0.5,
           "K": "暗访发现窗口服务不规范", "L": "察访核验记录 2016-150号", "M": "地区综考办"}
    row.update(values)
    return both(*(at(EV, f"{column}155", value) for column, value in row.items()))


def decision(**values: Any) -> Plant:
    """A new decision typed into the empty row decision:2 (row 7)."""
    row = {"D": "E0001", "E": "申诉", "F": "维持", "H": "经复核维持原决定", "I": "地区综考办",
           "J": date(2017, 1, 25)}
    row.update(values)
    return both(*(at(DE, f"{column}7", value) for column, value in row.items()))


CASES += [
    ("rating not in the list", "lead_scores", at(L, "E9", "优"),
     [[L, "E9", "not-in-list"]], "“优” 不在可选项中"),
    ("rating blank", "lead_scores", at(L, "E9", None),
     [[L, "E9", "blank-score"]], "未评分"),
    ("lead formula typed over", "lead_scores", at(L, "F9", 12),
     [[L, "F9", "formula-replaced"]], "固定数值 12"),
    ("another department's hidden identification", "lead_scores",
     meta("lead_department", "zzb"), [[L, "D4", "header-owner-mismatch"]],
     "表头牵头考核部门为“地委政法委”，与文件内部标识（地委组织部）不一致"),
    ("unit row deleted", "lead_scores", _delete_unit_row,
     [[L, "B10", "row-deleted"]], "“布尔津县”这一行被删除了"),
    ("deduction without evidence", "adjustments", event(L=None),
     [[EV, "L155", "evidence-required"]], "扣分、一票否决和通报事项必须填写依据"),
    ("event outside the year", "adjustments", event(E=date(2015, 12, 1)),
     [[EV, "E155", "date-out-of-range"]], "2015-12-01"),
    ("bonus above its category cap", "adjustments",
     event(F="加分", G="创新工作", H=2, L="文件"),
     [[EV, "H155", "points-above-cap"]], "“创新工作”加分 2 超过该类别上限 1"),
    ("decision on an unknown event", "adjustments", decision(D="E0999"),
     [[DE, "D7", "unknown-event"]], "E0999"),
    ("adjusted without points", "adjustments", decision(F="调整分值"),
     [[DE, "G7", "adjusted-without-points"]], "未填写调整后分值"),
    ("routine score above 100", "routine", at(RT, "E6", 120),
     [[RT, "E6", "out-of-range"]], "120"),
    ("routine average typed over", "routine", at(RT, "I6", 95),
     [[RT, "I6", "formula-replaced"]], "固定数值 95"),
    # A blank routine score changes the unit's score without a word: said at its cell.
    ("routine score left blank", "routine", at(RT, "F6", None),
     [[RT, "F6", "blank-routine-score"]],
     "阿勒泰市第二季度的平时考核成绩未填写：计分时按该单位已填各期的平均分计"),
    ("routine row left blank", "routine",
     both(*(at(RT, f"{c}6", None) for c in "EFGH")),
     [[RT, "E6", "blank-routine-unit"]],
     "阿勒泰市各期平时考核成绩均未填写：计分时该单位平时考核按 0 分计"),
    ("routine period left blank", "routine", lambda wb: _blank_routine_columns(wb, "H"),
     [[RT, "H6", "blank-routine-period"]], "第四季度的平时考核成绩全部未填写"),
    ("routine register left blank", "routine", lambda wb: _blank_routine_columns(wb, "EFGH"),
     [[RT, "E6", "no-scores"]], "没有填写任何评分"),
    ("a rater group's ballots left blank", "ballots",
     both(*(at(CO, f"{c}7", None) for c in "EFGHI")),
     [[CO, "E7", "blank-conduct-rater"]],
     "阿勒泰市·县级领导干部的测评票数未填写：计分时其余测评主体的权重按比例放大"),
    ("a unit's satisfaction left blank", "ballots",
     both(*(at("群众满意度", f"{c}6", None) for c in "EFGHK")),
     [["群众满意度", "E6", "blank-satisfaction-unit"]],
     "阿勒泰市的满意度调查票数均未填写：计分时该单位群众满意度按 0 分计"),
    ("ballots left blank", "ballots", lambda wb: _blank_ballots(wb),
     [[CO, "E6", "no-scores"]], "没有填写任何评分"),
    ("negative votes", "ballots", at(CO, "E6", -3),
     [[CO, "E6", "out-of-range"]], "-3"),
    ("ballot score typed over", "ballots", at(CO, "K6", 90),
     [[CO, "K6", "formula-replaced"]], "固定数值 90"),
]


def _blank_ballots(wb: openpyxl.Workbook) -> None:
    for name, letters in ((CO, "EFGHI"), ("群众满意度", "EFGHK")):
        ws = wb[name]
        for row in range(6, ws.max_row + 1):
            if ws[f"A{row}"].value:
                for letter in letters:
                    ws[f"{letter}{row}"].value = None


def _blank_routine_columns(wb: openpyxl.Workbook, letters: str) -> None:
    ws = wb[RT]
    for row in range(6, ws.max_row + 1):
        if ws[f"A{row}"].value:  # a unit's row
            for letter in letters:
                ws[f"{letter}{row}"].value = None


def _plant_and_validate(path: Path, plant: Plant, tmp_path: Path, scheme: Scheme):
    copy_path = tmp_path / path.name
    shutil.copy(path, copy_path)
    wb = openpyxl.load_workbook(copy_path)
    plant(wb)
    wb.save(copy_path)
    return validate_workbook(copy_path, scheme)


@pytest.mark.parametrize("kind", ["unit_report", "lead_scores", "adjustments", "routine",
                                  "ballots"])
def test_filled_templates_are_clean(kind: str, filled: dict[str, Path], scheme: Scheme) -> None:
    assert validate_workbook(filled[kind], scheme).issues == []


@pytest.mark.parametrize(("kind", "plant", "expected", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_one_defect_one_finding(kind: str, plant: Plant, expected: list[list[str]], words: str,
                                filled: dict[str, Path], scheme: Scheme,
                                tmp_path: Path) -> None:
    report = _plant_and_validate(filled[kind], plant, tmp_path, scheme)
    assert report.flatten(["sheet", "cell", "rule"]) == expected, report.flatten(
        ["sheet", "cell", "rule", "message"])
    issue = report.issues[0]
    assert words in issue.message, issue.message
    assert issue.message_en and issue.hint and issue.hint_en
    assert issue.file == str(tmp_path / filled[kind].name)


def test_a_small_percent_against_a_small_target_is_no_percent_typed(
        filled: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    # GDP growth of 0.5 % against a target of 6.3 %: plausible, not "50%" typed.
    report = _plant_and_validate(filled["unit_report"], at(U, "I11", 0.5), tmp_path, scheme)
    assert "percent-as-fraction" not in [i.rule for i in report.issues]


@pytest.mark.parametrize(("kind", "plant", "where"), [
    ("unit_report", at(U, "M11", 8),
     ("altay_city", "C04", "C04 地区生产总值增长·预估得分", 8)),
    ("unit_report", both(at(U, "I11", 8), at(U, "J11", None)),
     ("altay_city", "C04", "地区生产总值增长·佐证材料", None)),
    ("lead_scores", at(L, "F9", 12), ("altay_city", "C01", "阿勒泰市·C01 得分", 12)),
    ("lead_scores", at(L, "E9", "优"), ("altay_city", "C01", None, "优")),
])
def test_findings_say_which_unit_indicator_and_field(kind: str, plant: Plant,
                                                     where: tuple[Any, ...],
                                                     filled: dict[str, Path], scheme: Scheme,
                                                     tmp_path: Path) -> None:
    issue = _plant_and_validate(filled[kind], plant, tmp_path, scheme).issues[0]
    unit, indicator, label, value = where
    assert (issue.unit_id, issue.indicator_id) == (unit, indicator)
    assert issue.label == label if label is not None else issue.label
    assert issue.value == value
    assert issue.severity in ("error", WARNING) and issue.field


def test_formula_checks_can_be_left_out_for_a_values_only_copy(filled: dict[str, Path],
                                                               scheme: Scheme,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "values.xlsx"
    shutil.copy(filled["unit_report"], path)
    wb = openpyxl.load_workbook(path)
    wb[U]["M11"].value = 7.5  # what a values-only copy holds where the formula was
    wb.save(path)
    assert validate_workbook(path, scheme).flatten(["rule"]) == [["formula-replaced"]]
    assert validate_workbook(path, scheme, formulas=False).issues == []


def test_a_template_of_an_earlier_scheme_version(scheme: Scheme, tmp_path: Path) -> None:
    """A warning for the version; what really changed (here a target) at its cell."""
    from workbook_templates import fill_workbook
    from workbook_templates.unit_report import build_unit_report

    old = default_scheme_document()
    old["version"] = "0"
    old_scheme = Scheme.from_document(old)
    doc = synthesize(scheme)["unit_reports"][UNIT]
    same = fill_workbook(build_unit_report(old_scheme, UNIT, tmp_path / "v0.xlsx"), doc,
                         tmp_path / "same.xlsx")
    report = validate_workbook(same, scheme)
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [
        ["", "", "scheme-version", WARNING]]
    assert "模板按方案第 0 版生成，现行方案为第 1 版" in report.issues[0].message
    next(i for i in old["indicators"] if i["id"] == "C04")["targets"][UNIT] = 6.0
    changed = fill_workbook(build_unit_report(Scheme.from_document(old), UNIT,
                                              tmp_path / "v0b.xlsx"), doc, tmp_path / "b.xlsx")
    assert validate_workbook(changed, scheme).flatten(["sheet", "cell", "rule"]) == [
        ["", "", "scheme-version"], [U, "G11", "target-changed"]]


def test_ballots_check_votes_against_raters_and_answers_against_the_surveyed(
        filled: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    # The ballots template has the optional 参评人数 and 调查人数 columns; the synthetic tallies
    # fill them consistently (clean above). Fewer raters than ballots cast, and a surveyed
    # count the answers do not add up to, are each found at their cell.
    from workbook_templates.reader import read_workbook

    read = read_workbook(filled["ballots"])
    tally = read.document["conduct"][0]
    survey = read.document["satisfaction"][0]
    cast = sum(tally["counts"].values()) + tally["invalid"]
    assert tally["raters"] >= cast and survey["sample"] == sum(survey["counts"].values())
    cells: dict[str, str] = {}

    def plant(wb: openpyxl.Workbook) -> None:
        conduct, satisfaction = wb["德和作风测评"], wb["群众满意度"]
        key = f"{tally['unit_id']}|{tally['rater_group']}"
        cells["raters"] = keyed_cell(conduct, key, "raters")
        cells["sample"] = keyed_cell(satisfaction, survey["unit_id"], "sample")
        conduct[cells["raters"]].value = cast - 1
        satisfaction[cells["sample"]].value = survey["sample"] + 5

    report = _plant_and_validate(filled["ballots"], plant, tmp_path, scheme)
    assert report.flatten(["sheet", "cell", "rule"]) == [
        ["德和作风测评", cells["raters"], "ballots-exceed-raters"],
        ["群众满意度", cells["sample"], "sample-mismatch"]]


@pytest.mark.parametrize(("kind", "name", "expected"), [
    ("unit_report", "单位自评表_阿勒泰市.xlsx", []),
    ("unit_report", "阿勒泰市自评表（修改版）.xlsx", []),
    ("unit_report", "单位自评表_福海县.xlsx", [["", "", "file-name-mismatch"]]),
    ("unit_report", "unit_report_burqin.xlsx", [["", "", "file-name-mismatch"]]),
    ("unit_report", "牵头部门评分表_地区发改委.xlsx", []),  # another kind: not compared
    ("lead_scores", "牵头部门评分表_地委政法委.xlsx", []),
    ("lead_scores", "牵头部门评分表_地委组织部.xlsx", [["", "", "file-name-mismatch"]]),
    # the names templates had before they were named by their owner's name
    ("unit_report", "单位自评表_altay_city.xlsx", []),
    ("unit_report", "单位自评表_fuhai.xlsx", [["", "", "file-name-mismatch"]]),
    ("lead_scores", "牵头部门评分表_zzb.xlsx", [["", "", "file-name-mismatch"]]),
])
def test_a_file_named_for_another_unit_is_said_so(kind: str, name: str,
                                                  expected: list[list[str]],
                                                  filled: dict[str, Path], scheme: Scheme,
                                                  tmp_path: Path) -> None:
    path = tmp_path / name
    shutil.copy(filled[kind], path)
    report = validate_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule"]) == expected
    assert report.valid  # a warning: the content is checked as what it is
    if expected:
        issue = report.issues[0]
        assert issue.severity == WARNING
        fuhai = "fuhai" in name or "福海县" in name
        named, owner = (("福海县", "阿勒泰市") if fuhai else ("布尔津县", "阿勒泰市")
                        if "burqin" in name else ("地委组织部", "地委政法委"))
        assert issue.message.startswith(f"文件名是{named}的，内容却是{owner}的")
        assert "Burqin County" in issue.message_en or "burqin" not in name


def test_a_finding_never_shows_its_field_name_as_a_label() -> None:
    from validators.report import Issue

    bare = Issue("x", "m", "m", field="actual", label="actual")
    assert bare.label_for("zh") == "" and "actual" not in bare.text("zh")
    assert bare.located(label_en="actual").label_for("en") == "actual"  # an English word
    named = Issue("x", "m", "m", field="actual", label="完成值", label_en="actual")
    assert (named.label_for("zh"), named.label_for("en")) == ("完成值", "actual")


def test_a_rating_typed_over_a_dash_is_named_as_not_read(filled: dict[str, Path],
                                                         scheme: Scheme,
                                                         tmp_path: Path) -> None:
    """A unit the indicator does not assess shows "—" (locked): typed over, it is not read —
    a warning at the cell, not silence."""
    wb = openpyxl.load_workbook(filled["lead_scores"])
    ws = wb[L]
    dashes = [c for c in ws["E"] if c.value == "—"]
    rating, remarks = dashes[0], ws.cell(dashes[0].row, 7)
    assert remarks.value == "—"
    rating.value, remarks.value = "好", "已评"
    path = tmp_path / "lead.xlsx"
    wb.save(path)
    report = validate_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [
        [L, rating.coordinate, "not-assessed-cell", WARNING],
        [L, remarks.coordinate, "not-assessed-cell", WARNING]]
    issue = report.issues[0]
    assert issue.message == "该指标不考核这个单位（原为“—”），这里填写的内容不会被读取"
    assert issue.indicator_id == "C01" and issue.value == "好" and issue.label_en


@pytest.mark.parametrize("typed", ["二〇一七年一月十四日", "1月14日", "下周一"])
def test_an_unreadable_date_of_filling_does_not_stop_the_report(
        typed: str, filled: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    """The date of filling in is not scored: as a blank one, a warning (said once, not
    again as blank-date); the report stays usable."""
    report = _plant_and_validate(filled["unit_report"], at(U, "K4", typed), tmp_path, scheme)
    assert report.flatten(["cell", "rule", "severity"]) == [["K4", "not-a-date", WARNING]]
    assert report.valid and "scoring is not affected" in report.issues[0].message_en


def test_a_date_of_filling_outside_the_window_is_a_warning_not_a_rejection(
        filled: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    """2015 typed for 2017 is a slip in a clerical field: the report is still scored."""
    report = _plant_and_validate(filled["unit_report"], at(U, "K4", date(2015, 1, 14)),
                                 tmp_path, scheme)
    assert report.flatten(["cell", "rule", "severity"]) == [["K4", "date-out-of-range", WARNING]]
    assert report.valid
