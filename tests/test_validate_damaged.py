"""Damaged and hostile workbooks found by fuzzing: each is the smallest mutation of a filled
template that made the validator speak Python (a repr, a library's error text, None, a
field id) instead of saying where and what in a clerk's words.

Each workbook is built here: a template filled with kaohe.synth data, then changed with
openpyxl (cell level) or by editing one part of the zip (XML level).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from kaohe.synth import synthesize
from validators.workbook import validate_workbook

UNIT = "altay_city"
U = "单位自评表"
# What a clerk must never read: Python's way of writing values, a library's error text.
PYTHON = re.compile(r"datetime\.|\bNone\b|layout_sha256|Range is missing|Expecting "
                    r"alphanumeric|Unrecognized boolean|Cannot detect")


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.fixture(scope="module")
def unit_report(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workbook_templates import fill_workbook
    from workbook_templates.unit_report import build_unit_report

    folder = tmp_path_factory.mktemp("damaged")
    template = build_unit_report(scheme, UNIT, folder / "t_unit.xlsx")
    return fill_workbook(template, synthesize(scheme)["unit_reports"][UNIT],
                         folder / "单位自评表_阿勒泰市.xlsx")


def _edited(source: Path, dest: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(source)
    change(wb)
    wb.save(dest)
    return dest


def _sheet_part(source: Path, dest: Path, sheet_index: int,
                change: Callable[[str], str]) -> Path:
    """A copy whose n-th worksheet part (1-based, the _meta sheet is the last) is edited."""
    name = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(dest, "w",
                                                               zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == name:
                edited = change(data.decode("utf-8"))
                assert edited != data.decode("utf-8")
                data = edited.encode("utf-8")
            out.writestr(info, data)
    return dest


def _texts(path: Path, scheme: Scheme) -> list[tuple[str, str, str, str]]:
    return [(i.rule, i.sheet, i.text("zh"), i.text("en"))
            for i in validate_workbook(path, scheme)]


def _meta_row(key: str, value: Any) -> Callable[[openpyxl.Workbook], None]:
    """`_meta`'s row of `key` given `value`; "delete" deletes the row."""
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["_meta"]
        row = next(c.row for c in ws["A"] if c.value == key)
        if value == "delete":
            ws.delete_rows(row)
        else:
            ws.cell(row, 2).value = value
    return change


@pytest.mark.parametrize("value", ["delete", None, " "])
@pytest.mark.parametrize("key,rule,zh,en", [
    ("year", "wrong-year", "这是 （空白） 年度的模板", "this is a template of (blank)"),
    ("scheme_id", "wrong-scheme", "方案 “（空白）”", "scheme '(blank)'"),
    ("kind", "unknown-kind", "模板类型 “（空白）”", "unknown template kind '(blank)'"),
    ("unit_id", "unknown-owner", "“（空白）”不是本次考核的被考核单位",
     "'(blank)' is not a unit"),
])
def test_blank_meta_value_reads_blank_not_none(unit_report: Path, scheme: Scheme,
                                               tmp_path: Path, key: str, rule: str, zh: str,
                                               en: str, value: Any) -> None:
    # fuzz: a row of the hidden _meta sheet deleted → "这是 None 年度的模板"; its value
    # cleared → "这是  年度的模板"
    path = _edited(unit_report, tmp_path / unit_report.name, _meta_row(key, value))
    found = _texts(path, scheme)
    assert [f[0] for f in found] == [rule]
    assert zh in found[0][2] and en in found[0][3]
    assert not PYTHON.search(found[0][2] + found[0][3])


@pytest.mark.parametrize("cell,value,rule,shown", [
    # fuzz: a date typed into the 不适用 (Yes/No) column → "datetime.date(2000, 5, 12) is not
    # Yes or No"
    ("L11", date(2000, 5, 12), "not-in-list", "'2000-05-12' is not Yes or No"),
    ("L11", time(8, 30), "not-in-list", "'08:30:00' is not Yes or No"),
    # fuzz: a negative number in the date-of-filling cell (date-formatted: read as a time)
    # → "datetime.time(0, 0) cannot be read as a date"
    ("K4", -331809, "not-a-date", "'00:00:00' cannot be read as a date"),
])
def test_dates_and_times_in_messages_read_as_excel_shows_them(
        unit_report: Path, scheme: Scheme, tmp_path: Path, cell: str, value: Any, rule: str,
        shown: str) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        wb[U][cell].value = value
        if isinstance(value, time):
            wb[U][cell].number_format = "hh:mm:ss"

    path = _edited(unit_report, tmp_path / unit_report.name, change)
    found = [f for f in _texts(path, scheme) if f[0] == rule]
    assert len(found) == 1, _texts(path, scheme)
    assert shown in found[0][3]
    assert not PYTHON.search(found[0][2] + found[0][3])


@pytest.mark.parametrize("sheet_index,sheet,pattern,replacement", [
    # fuzz: a row numbered -1 / 0 in _meta (python-calamine: "Expecting alphanumeric
    # character, got 2D" / "Range is missing the expected row component.")
    (3, "_meta", r'<row r="9"', '<row r="-1"'),
    (3, "_meta", r'<row r="2"', '<row r="0"'),
    # fuzz: a cell reference without a row number in the data sheet
    (2, U, r'<c r="B\d+"', '<c r="A0"'),
    # fuzz: a boolean cell holding "x" ("Unrecognized boolean cell value: x")
    (3, "_meta", r'<c r="B5"[^>]*>(<f>[^<]*</f>)?<v>[^<]*</v>', '<c r="B5" t="b"><v>x</v>'),
])
def test_damaged_sheet_xml_is_named_in_plain_words(unit_report: Path, scheme: Scheme,
                                                   tmp_path: Path, sheet_index: int,
                                                   sheet: str, pattern: str,
                                                   replacement: str) -> None:
    path = _sheet_part(unit_report, tmp_path / unit_report.name, sheet_index,
                       lambda xml: re.sub(pattern, replacement, xml, count=1))
    found = _texts(path, scheme)
    assert [(rule, where) for rule, where, _, _ in found] == [("read-failed", sheet)]
    assert f"工作表“{sheet}”: 无法读取工作簿内容：这张工作表的内容已损坏" in found[0][2]
    assert f"sheet {sheet!r}: the workbook's contents cannot be read: this sheet is damaged" \
        in found[0][3]
    assert not PYTHON.search(found[0][2] + found[0][3])


def test_missing_sheet_part_is_named(unit_report: Path, scheme: Scheme, tmp_path: Path) -> None:
    # fuzz: the data sheet's part removed from the zip (workbook.xml still lists it) → the
    # reason was the bare sheet name ("无法读取工作簿内容：单位自评表")
    dest = tmp_path / unit_report.name
    with zipfile.ZipFile(unit_report) as archive, zipfile.ZipFile(dest, "w") as out:
        for info in archive.infolist():
            if info.filename != "xl/worksheets/sheet2.xml":
                out.writestr(info, archive.read(info))
    found = _texts(dest, scheme)
    assert [(rule, where) for rule, where, _, _ in found] == [("read-failed", U)]
    assert "已损坏" in found[0][2] and "damaged" in found[0][3]


def test_damaged_meta_layout_names_no_field(unit_report: Path, scheme: Scheme,
                                            tmp_path: Path) -> None:
    # fuzz: a number typed over a `layout` row of _meta → "(its layout_sha256 differs)"
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["_meta"]
        row = next(c.row for c in ws["A"] if c.value == "layout")
        ws.cell(row, 2).value = 691792

    path = _edited(unit_report, tmp_path / unit_report.name, change)
    found = _texts(path, scheme)
    assert [f[0] for f in found] == ["read-failed"]
    assert "校验值不符" in found[0][2] and "check value does not match" in found[0][3]
    assert not PYTHON.search(found[0][2] + found[0][3])


@pytest.mark.parametrize("ref,cell", [
    ('r="A99999999"', "A99999999"),  # fuzz: 8 digits (the used-range scan read up to 7)
    ("r='b99999999'", ""),            # single quotes, lower case
    ('r = "ZZZZZZ9"', ""),            # spaces around "=", six letters
])
def test_a_cell_far_beyond_any_sheet_is_refused_before_it_is_read(
        unit_report: Path, tmp_path: Path, ref: str, cell: str) -> None:
    # fuzz: <c r="A99999999"> in the data sheet → python-calamine asked for 41 GB and
    # aborted the whole process (no finding, no traceback: the run just died). In a real
    # process, as a clerk runs it: a Rust abort cannot be caught inside a test.
    path = _sheet_part(unit_report, tmp_path / unit_report.name, 2,
                       lambda xml: re.sub(r'<c r="B\d+"', f"<c {ref}", xml, count=1))
    done = subprocess.run([sys.executable, "-m", "kaohe", "--lang", "en", "validate", "--json",
                           str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr[-800:]  # nothing usable: the file is refused
    issues = json.loads(done.stdout)["files"][0]["issues"]
    assert [(i["rule"], i["sheet"]) for i in issues] == [("too-many-cells", U)]
    assert issues[0]["cell"] == cell
    assert "is too large" in issues[0]["message_en"]


@pytest.fixture(scope="module")
def registers(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from workbook_templates import fill_workbook
    from workbook_templates.adjustments import build_adjustments
    from workbook_templates.tallies import build_routine

    folder = tmp_path_factory.mktemp("registers")
    docs = synthesize(scheme)
    return {
        "routine": fill_workbook(build_routine(scheme, folder / "t_routine.xlsx"),
                                 docs["routine"], folder / "平时考核汇总表.xlsx"),
        "adjustments": fill_workbook(build_adjustments(scheme, folder / "t_adj.xlsx"),
                                     docs["adjustments"], folder / "加扣分登记表.xlsx"),
    }


def _first_blank_input(ws: Any, key_prefix: str, column_key: str) -> str:
    """The cell of `column_key` in the first keyed row whose inputs are all blank."""
    keys = {c.value: c.column_letter for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        key = row[0].value
        if isinstance(key, str) and key.startswith(key_prefix) and all(
                c.value is None for c in row[3:] if not c.protection.locked):
            return f"{keys[column_key]}{row[0].row}"
    raise AssertionError("no blank row")


@pytest.mark.parametrize("kind,sheet,where", [
    # fuzz: "==" typed over a quarter's score (openpyxl stores it as a formula, without a
    # result) → the score was dropped with no finding and the file was used
    ("routine", "平时考核", "G30"),
    # the same in an empty pre-numbered row of a register: the row was skipped as blank
    ("adjustments", "申诉及容错纠错", ("decision:", "points")),
])
def test_a_formula_without_result_in_a_register_is_reported(
        registers: dict[str, Path], scheme: Scheme, tmp_path: Path, kind: str, sheet: str,
        where: Any) -> None:
    cell = where

    def change(wb: openpyxl.Workbook) -> None:
        nonlocal cell
        if not isinstance(where, str):
            cell = _first_blank_input(wb[sheet], *where)
        wb[sheet][cell].value = "=1+1"

    path = _edited(registers[kind], tmp_path / registers[kind].name, change)
    report = validate_workbook(path, scheme)
    assert [sheet, cell, "formula-in-input"] in report.flatten(["sheet", "cell", "rule"])
    assert not report.valid


def test_a_date_typed_over_meta_is_a_changed_template(unit_report: Path, scheme: Scheme,
                                                      tmp_path: Path) -> None:
    # fuzz: a date in _meta's lead_department row of a unit report → read-failed "Object of
    # type datetime is not JSON serializable"
    path = _edited(unit_report, tmp_path / unit_report.name,
                   _meta_row("lead_department", date(2037, 3, 13)))
    found = _texts(path, scheme)
    assert [f[0] for f in found] == ["fingerprint-mismatch"]
    assert not re.search(r"JSON|serializable", found[0][2] + found[0][3])


def test_a_number_no_time_can_show_is_named_not_a_crash(unit_report: Path, scheme: Scheme,
                                                        tmp_path: Path) -> None:
    # fuzz: -1E+20 in a cell formatted h:mm → python-calamine panicked ("TimeDelta::
    # milliseconds out of bounds"), a PanicException, which `except Exception` lets through:
    # validate and consolidate stopped with a traceback
    def change(wb: openpyxl.Workbook) -> None:
        wb[U]["K4"].value = -10**20
        wb[U]["K4"].number_format = "h:mm"

    path = _edited(unit_report, tmp_path / unit_report.name, change)
    found = [(i.rule, i.sheet, i.cell, i.text("en")) for i in validate_workbook(path, scheme)]
    assert [f[:3] for f in found] == [("read-failed", U, "K4")]
    assert "the number -1e+20 is beyond what its date or time format can show" in found[0][3]


# ---------------------------------------------------------------- the template reader's own path

@pytest.fixture(scope="module")
def scheme_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("scheme_book") / "考核方案.xlsx"
    done = subprocess.run([sys.executable, "-m", "kaohe", "scheme", "export", "--out", str(book)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-800:]
    return book


def _import(book: Path, lang: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kaohe", "--lang", lang, "scheme", "import",
                           str(book), "--out", str(book.with_suffix(".json"))],
                          capture_output=True, text=True, timeout=120)


def _far_number(wb: openpyxl.Workbook) -> None:
    wb["方案信息"]["C6"].value = -10**20
    wb["方案信息"]["C6"].number_format = "h:mm"


@pytest.mark.parametrize("damage,zh,en", [
    # fuzz: a row numbered 0 in the scheme workbook → "模板结构被改动，无法读取：Range is missing
    # the expected row component."
    ((2, r'<row r="2"', '<row r="0"'),
     "工作表“方案信息”: 无法读取工作簿内容：这张工作表的内容已损坏",
     "sheet '方案信息': the workbook's contents cannot be read: this sheet is damaged"),
    ((8, r'<c r="B\d+"', '<c r="A0"'),
     "工作表“考核指标”: 无法读取工作簿内容：这张工作表的内容已损坏",
     "sheet '考核指标': the workbook's contents cannot be read: this sheet is damaged"),
    # -1E+20 in a cell formatted h:mm: python-calamine panicked (a BaseException) → traceback
    (_far_number,
     "工作表“方案信息”, 单元格 C6: 无法读取工作簿内容：数值 -1e+20 超出其日期/时间格式",
     "sheet '方案信息', cell C6: the workbook's contents cannot be read: the number -1e+20 is "
     "beyond what its date or time format can show"),
])
def test_scheme_import_of_a_damaged_workbook_says_where_in_plain_words(
        scheme_book: Path, tmp_path: Path, damage: Any, zh: str, en: str) -> None:
    dest = tmp_path / scheme_book.name
    if callable(damage):
        _edited(scheme_book, dest, damage)
    else:
        index, pattern, replacement = damage
        _sheet_part(scheme_book, dest, index, lambda xml: re.sub(pattern, replacement, xml,
                                                                 count=1))
    for lang, text in (("zh", zh), ("en", en)):
        done = _import(dest, lang)
        assert done.returncode == 1, done.stderr[-1500:]
        lines = [line for line in done.stderr.splitlines() if line.startswith(("错误", "error"))]
        assert len(lines) == 1 and text in lines[0], done.stderr[-1500:]
        assert "Traceback" not in done.stderr and not PYTHON.search(done.stderr)
        assert not dest.with_suffix(".json").exists()


@pytest.mark.parametrize("lang,hint", [
    ("zh", "请改正该单元格中的数值（或清除该单元格的日期/时间格式"),
    ("en", "correct the number in that cell (or clear the cell's date or time format"),
])
def test_a_number_no_time_can_show_is_to_be_corrected(unit_report: Path, scheme: Scheme,
                                                      tmp_path: Path, lang: str,
                                                      hint: str) -> None:
    # its hint said "open it in Excel and save it as a new .xlsx": that keeps the number
    def change(wb: openpyxl.Workbook) -> None:
        wb[U]["K4"].value = -10**20
        wb[U]["K4"].number_format = "h:mm"

    path = _edited(unit_report, tmp_path / unit_report.name, change)
    [issue] = validate_workbook(path, scheme).issues
    assert issue.rule == "read-failed"
    assert (issue.hint if lang == "zh" else issue.hint_en).startswith(hint)
    assert "另存为" not in issue.hint and "save it as a new" not in issue.hint_en


@pytest.mark.parametrize("cell,rule,zh,en", [
    # fuzz: control characters in a number cell → "'\x1b\x00' is not a number" (and “” in
    # Chinese: nothing to see)
    ("I12", "not-a-number", "“□□” 不是数字", "'□□' is not a number"),
    ("L11", "not-in-list", "□□", "□□"),  # the 不适用 (Yes/No) column
])
def test_control_characters_are_shown_and_said(unit_report: Path, scheme: Scheme,
                                               tmp_path: Path, cell: str, rule: str, zh: str,
                                               en: str) -> None:
    path = _sheet_part(unit_report, tmp_path / unit_report.name, 2, lambda xml: re.sub(
        rf'<c r="{cell}"( s="\d+")?[^>]*?(?:/>|>.*?</c>)',
        rf'<c r="{cell}"\1 t="inlineStr"><is><t>_x001B__x0000_</t></is></c>', xml, count=1))
    found = [f for f in _texts(path, scheme) if f[0] == rule]
    assert len(found) == 1, _texts(path, scheme)
    _, _, message, message_en = found[0]
    assert zh in message and "含有看不见的控制字符，这里显示为 □" in message
    assert en in message_en and "invisible control characters, shown here as □" in message_en
    assert "\\x" not in message_en and "\x1b" not in message + message_en
