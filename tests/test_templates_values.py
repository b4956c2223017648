"""What clerks type: fixed when unambiguous (a warning), refused when it needs a guess (error)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from kaohe.pipeline.documents import load_scheme
from tests.templates_helpers import GENERATED, data_sheets, key_cell
from workbook_templates import build_unit_report, read_workbook
from workbook_templates.values import (
    parse_choice,
    parse_date,
    parse_number,
    parse_text,
    parse_yes_no,
)

# raw value, options, expected value, expected rule (None: clean), severity
NUMBERS: list[tuple[Any, dict[str, Any], Any, str | None, str | None]] = [
    (12.5, {}, 12.5, None, None),
    (None, {}, None, None, None),
    ("", {}, None, None, None),
    ("   ", {}, None, None, None),
    ("12.5", {}, 12.5, "number-as-text", "warning"),
    ("-3", {}, -3.0, "number-as-text", "warning"),
    (" 85 ", {}, 85.0, "stray-spaces", "warning"),
    ("85\u00a0", {}, 85.0, "stray-spaces", "warning"),
    ("１２３", {}, 123.0, "full-width-number", "warning"),
    ("１２．５", {}, 12.5, "full-width-number", "warning"),
    ("85%", {"percent": True}, 85.0, "percent-sign", "warning"),
    ("85％", {"percent": True}, 85.0, "full-width-number", "warning"),
    ("7.5 %", {"percent": True}, 7.5, "percent-sign", "warning"),
    ("85%", {}, None, "percent-not-allowed", "error"),
    ("12,345", {}, 12345.0, "thousands-separator", "warning"),
    ("1,234,567.8", {}, 1234567.8, "thousands-separator", "warning"),
    ("１２，３４５", {}, 12345.0, "full-width-number", "warning"),
    ("12,3", {}, None, "decimal-comma", "error"),
    ("1,23,4", {}, None, "not-a-number", "error"),
    ("约80", {}, None, "approximate-number", "error"),
    ("80左右", {}, None, "approximate-number", "error"),
    (">90", {}, None, "approximate-number", "error"),
    ("80-90", {}, None, "number-range-text", "error"),
    ("80～90", {}, None, "number-range-text", "error"),
    ("—", {}, None, "placeholder-text", "error"),
    ("无", {}, None, "placeholder-text", "error"),
    ("N/A", {}, None, "placeholder-text", "error"),
    ("abc", {}, None, "not-a-number", "error"),
    ("nan", {}, None, "not-a-number", "error"),
    ("inf", {}, None, "not-a-number", "error"),
    ("1.2.3", {}, None, "not-a-number", "error"),
    (True, {}, None, "not-a-number", "error"),
    (date(2017, 1, 2), {}, None, "date-not-number", "error"),
    (2.5, {"integer": True}, None, "not-an-integer", "error"),
    ("3", {"integer": True}, 3, "number-as-text", "warning"),
    (4.0, {"integer": True}, 4, None, None),
    (-1, {"low": 0}, None, "out-of-range", "error"),
    (101, {"low": 0, "high": 100}, None, "out-of-range", "error"),
    ("\u22125", {}, -5.0, "number-as-text", "warning"),
]


@pytest.mark.parametrize(("raw", "options", "value", "rule", "severity"), NUMBERS)
def test_numbers(raw: Any, options: dict[str, Any], value: Any, rule: str | None,
                 severity: str | None) -> None:
    parsed = parse_number(raw, **options)
    assert parsed.value == value
    if rule is None:
        assert parsed.finding is None
    else:
        assert parsed.finding is not None
        assert (parsed.finding.rule, parsed.finding.severity) == (rule, severity)
        assert parsed.finding.message and parsed.finding.message_en and parsed.finding.hint
    if severity == "error":
        assert "请" in parsed.finding.hint  # type: ignore[union-attr]


def test_the_default_hint_is_the_house_example() -> None:
    finding = parse_number("abc").finding
    assert finding is not None and finding.hint == "请输入数字，如 12.3"
    assert finding.hint_en == "type a number, e.g. 12.3"


DATES: list[tuple[Any, Any, str | None]] = [
    (date(2017, 1, 10), "2017-01-10", None),
    (datetime(2017, 1, 10, 8, 0), "2017-01-10", None),
    ("2017-01-10", "2017-01-10", None),
    ("2017/1/10", "2017-01-10", "date-as-text"),
    ("2017年1月10日", "2017-01-10", "date-as-text"),
    ("20170110", "2017-01-10", "date-as-text"),
    (42745.0, "2017-01-10", "date-as-number"),
    ("1/10", None, "not-a-date"),
    ("2017-02-30", None, "not-a-date"),
    ("2015-05-01", None, "date-out-of-range"),
]


@pytest.mark.parametrize(("raw", "value", "rule"), DATES)
def test_dates(raw: Any, value: Any, rule: str | None) -> None:
    parsed = parse_date(raw, start=date(2016, 1, 1), end=date(2017, 12, 31))
    assert parsed.value == value
    assert (parsed.finding.rule if parsed.finding else None) == rule


@pytest.mark.parametrize(("raw", "value", "error"), [
    ("是", True, False), ("否", False, False), ("Yes", True, False), ("no", False, False),
    ("√", True, False), ("不适用", True, False), (None, None, False), (" 是 ", True, False),
    ("也许", None, True),
])
def test_yes_no(raw: Any, value: Any, error: bool) -> None:
    parsed = parse_yes_no(raw)
    assert parsed.value == value
    assert (parsed.finding is not None) == error


def test_choices_and_text() -> None:
    options = {"好": "好", "较好": "较好"}
    assert parse_choice(" 较好 ", options).value == "较好"
    bad = parse_choice("优秀", options, ["好", "较好"])
    assert bad.value is None and bad.finding is not None
    assert bad.finding.rule == "not-in-list" and "好、较好" in bad.finding.hint
    assert parse_choice("BONUS", {"bonus": "bonus"}).value == "bonus"
    assert parse_text(9061234567.0).value == "9061234567"
    assert parse_text("  统计公报 ").value == "统计公报"
    assert parse_text(None).value == ""


def test_clerk_typing_in_a_unit_report_is_located(tmp_path: Path) -> None:
    scheme = load_scheme()
    path = build_unit_report(scheme, "burqin", tmp_path / "u.xlsx", generated_at=GENERATED)
    wb, sheets = data_sheets(path)
    ws = sheets["items"]
    typed = {"C04": "７.２", "C05": "52,300", "C08": "约18", "C09": "2600 ", "C10": "—",
             "C11": "3.1%", "C12": "80-90"}
    for key, text in typed.items():
        cell = key_cell(ws, key, "actual")
        cell.value = text
        cell.data_type = "s"
    key_cell(ws, "C14", "not_applicable").value = "也许"
    ws["K4"] = "2017/1/9"
    wb.save(path)
    read = read_workbook(path)
    by_field = {(i.indicator_id or i.field, i.rule): i for i in read.issues}
    expected = {
        ("C04", "full-width-number"): "warning", ("C05", "thousands-separator"): "warning",
        ("C08", "approximate-number"): "error", ("C09", "stray-spaces"): "warning",
        ("C10", "placeholder-text"): "error", ("C11", "percent-sign"): "warning",
        ("C12", "number-range-text"): "error", ("C14", "not-in-list"): "error",
        ("date", "date-as-text"): "warning",
    }
    for where, level in expected.items():
        assert where in by_field, where
        issue = by_field[where]
        assert issue.severity == level
        assert issue.sheet == "单位自评表" and issue.cell and issue.file == str(path)
        assert issue.label and issue.message_en and issue.hint
    c04 = by_field[("C04", "full-width-number")]
    assert c04.cell == key_cell(ws, "C04", "actual").coordinate
    assert c04.value == "７.２" and c04.field == "actual"
    items = {i["indicator_id"]: i for i in read.document["items"]}
    assert items["C04"]["actual"] == 7.2 and items["C05"]["actual"] == 52300
    assert items["C11"]["actual"] == 3.1 and items["C08"]["actual"] is None
    assert read.document["date"] == "2017-01-09"
    text = by_field[("C08", "approximate-number")].text()
    assert "单元格" in text and "约18" in text and "请填写确切数字" in text
