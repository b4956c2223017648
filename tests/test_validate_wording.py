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

from kaohe.cli import main
from kaohe.engine import Scheme
from tests import test_validate_workbook as planted
from tests.test_validate_workbook import EV, L, U, _plant_and_validate, at
from validators.annotate import annotate_workbook
from validators.report import ERROR, WARNING, Issue

scheme, filled = planted.scheme, planted.filled  # the module's fixtures, used here too


def _planted(path: Path, plant: object, tmp_path: Path) -> Path:
    copy_path = tmp_path / path.name
    wb = openpyxl.load_workbook(path)
    plant(wb)  # type: ignore[operator]
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
    assert Issue("x", "消息", "m", field="remarks").text("zh") == "（remarks）: 消息"


# ---------------------------------------------------------------- wording

@pytest.mark.parametrize(("kind", "plant", "rule", "zh", "en"), [
    ("unit_report", at(U, "I12", None), "blank-actual",
     "一般公共预算收入·完成值：未填写完成值，将按 0 分计",
     "General budget revenue · actual: no actual value; it will score 0"),
    ("lead_scores", at(L, "E10", None), "blank-score",
     "布尔津县·C01：未评分，将按 0 分计", "Burqin County · C01: no score; it will count as 0"),
])
def test_the_label_is_said_once(kind: str, plant: object, rule: str, zh: str, en: str,
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


def _unused() -> tuple[object, ...]:  # the imports tests below need
    return (zipfile, ERROR, WARNING)
