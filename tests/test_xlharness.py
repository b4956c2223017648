"""The Excel-free test harness: LibreOffice recalculation and xlwings remote-engine replay."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import struct
import threading
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from python_calamine import CalamineWorkbook

from tests import xlharness
from tests.xlharness import alerts, apply_actions, book_payload, open_book, run_script
from workbook_templates import recalc
from workbook_templates.recalc import RecalcError, recalculate, recalculate_many, render_png

# Cell -> (formula, value computed by hand) on sheet 数据 of the fixture workbook.
# Scores A3:A7 = 88.5, 92, 75, 92, 60; weights B3:B7 = 1..5; groups C3:C7.
FORMULAS = {
    "B1": ("=A1*2", 84),
    "D1": ('=C1&"结果"', "考核结果"),
    "E1": ("=SUMPRODUCT(A3:A7,B3:B7)", 1165.5),  # 88.5+184+225+368+300
    "E2": ("=ROUND(A3/3,2)", 29.5),
    "E3": ("=ROUND(2.675,2)", 2.68),  # half away from zero, as Excel (Python's round gives 2.67)
    "E4": ('=IF(A3>=90,"好","一般")', "一般"),
    "E5": ("=RANK(A4,$A$3:$A$7)", 1),  # 92 ties for first
    "E6": ("=RANK(A5,$A$3:$A$7)", 4),
    "E7": ("=_xlfn.RANK.EQ(A7,$A$3:$A$7)", 5),
    "E8": ('=COUNTIFS(A3:A7,">=80",C3:C7,"县")', 2),  # 88.5 and 92 in 县
    "E9": ("=INDEX(C3:C7,MATCH(75,A3:A7,0))", "部门"),
    "E10": ("=ROUND(-2.5,0)", -3),
    "E11": ('=IF(COUNTIFS(C3:C7,"县")=3,ROUND(SUMPRODUCT(A3:A7,B3:B7)/SUM(B3:B7),2),0)', 77.7),
}
SCORES = [(88.5, 1, "县"), (92, 2, "县"), (75, 3, "部门"), (92, 4, "部门"), (60, 5, "县")]


def _build(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws["A1"] = 42
    ws["C1"] = "考核"
    for i, (score, weight, group) in enumerate(SCORES):
        ws.cell(3 + i, 1, score)
        ws.cell(3 + i, 2, weight)
        ws.cell(3 + i, 3, group)
    for address, (formula, _) in FORMULAS.items():
        ws[address] = formula
    ws["G1"] = dt.date(2024, 1, 2)
    ws["G2"] = True
    ws["G3"] = "含有,逗号"
    ws["B3"].comment = Comment("权重", "office")
    summary = wb.create_sheet("汇总")
    summary["A1"] = "='数据'!A1+1"
    summary["A2"] = "=SUM('数据'!A3:A7)"
    wb.defined_names["总分"] = DefinedName("总分", attr_text="'数据'!$E$1")
    wb.save(path)
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


NO_SOFFICE = (
    "headless LibreOffice (soffice) is not installed: run `make sysdeps` "
    "(Debian: libreoffice-calc-nogui, poppler-utils, fonts-noto-cjk)"
)


@pytest.fixture(scope="session")
def soffice() -> None:
    if not recalc.have_libreoffice():
        pytest.fail(NO_SOFFICE, pytrace=False)


@pytest.fixture(autouse=True)
def _libreoffice_tests_fail_without_soffice(request: pytest.FixtureRequest) -> None:
    """Tests marked ``libreoffice`` must run: fail (never skip) without soffice."""
    if request.node.get_closest_marker("libreoffice") and not recalc.have_libreoffice():
        pytest.fail(NO_SOFFICE, pytrace=False)


@pytest.fixture(scope="session")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("src") / "考核.xlsx")


@pytest.fixture(scope="session")
def computed(soffice: None, source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    before = _sha(source)
    out = recalculate(source, tmp_path_factory.mktemp("calc"))
    assert _sha(source) == before, "recalculate modified its source"
    assert sorted(p.name for p in source.parent.iterdir()) == [source.name], (
        "left files next to src"
    )
    return out


# ---------------------------------------------------------------------------
# recalc
# ---------------------------------------------------------------------------


def test_openpyxl_files_have_no_cached_values(source: Path) -> None:
    wb = openpyxl.load_workbook(source, data_only=True)
    assert wb["数据"]["B1"].value is None  # why recalculation is needed at all


@pytest.mark.libreoffice
def test_recalculate_computes_every_formula(computed: Path) -> None:
    assert computed.name == "考核.xlsx"
    values = openpyxl.load_workbook(computed, data_only=True)
    formulas = openpyxl.load_workbook(computed)
    for address, (formula, expected) in FORMULAS.items():
        got = values["数据"][address].value
        assert got == pytest.approx(expected) if isinstance(expected, float) else got == expected, (
            address,
            formula,
            got,
        )
        # the formula survives the round trip (with its _xlfn. prefix)
        assert formulas["数据"][address].value == formula
    assert values["汇总"]["A1"].value == 43
    assert values["汇总"]["A2"].value == pytest.approx(407.5)
    assert values["数据"]["C1"].value == "考核"


@pytest.mark.libreoffice
def test_calamine_reads_the_recalculated_values(computed: Path) -> None:
    rows = CalamineWorkbook.from_path(str(computed)).get_sheet_by_name("数据").to_python()
    assert rows[0][:4] == [42.0, 84.0, "考核", "考核结果"]
    assert rows[0][4] == 1165.5


def _stale_copy(computed: Path, dest: Path) -> Path:
    """The recalculated file with A1 changed to 50 behind the cached B1 (still 84)."""
    with zipfile.ZipFile(computed) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'(<c r="A1"[^>]*>)<v>42</v>', rb"\g<1><v>50</v>", data)
                assert n == 1
            zout.writestr(item, data)
    return dest


@pytest.mark.libreoffice
def test_recalculation_is_forced_over_stale_cached_values(computed: Path, tmp_path: Path) -> None:
    stale = _stale_copy(computed, tmp_path / "stale.xlsx")
    cached = openpyxl.load_workbook(stale, data_only=True)["数据"]
    assert (cached["A1"].value, cached["B1"].value) == (50, 84)  # the trap
    fresh = openpyxl.load_workbook(recalculate(stale, tmp_path / "out"), data_only=True)["数据"]
    assert (fresh["A1"].value, fresh["B1"].value) == (50, 100)


@pytest.mark.libreoffice
def test_recalculate_many_in_one_start(source: Path, tmp_path: Path) -> None:
    srcs = []
    for i in range(3):
        wb = openpyxl.load_workbook(source)
        wb["数据"]["A1"] = i
        srcs.append(tmp_path / "in" / f"单位{i}.xlsx")
        srcs[-1].parent.mkdir(exist_ok=True)
        wb.save(srcs[-1])
    outs = recalculate_many(srcs, tmp_path / "out")
    assert [p.name for p in outs] == ["单位0.xlsx", "单位1.xlsx", "单位2.xlsx"]
    for i, out in enumerate(outs):
        assert openpyxl.load_workbook(out, data_only=True)["数据"]["B1"].value == 2 * i
    assert recalculate_many([], tmp_path / "none") == []


@pytest.mark.libreoffice
def test_concurrent_recalculations_use_private_profiles(source: Path, tmp_path: Path) -> None:
    results: dict[int, Path | BaseException] = {}

    def work(i: int) -> None:
        try:
            results[i] = recalculate(source, tmp_path / f"out{i}")
        except BaseException as exc:  # reported below
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(2):
        out = results[i]
        assert isinstance(out, Path), out
        assert openpyxl.load_workbook(out, data_only=True)["数据"]["B1"].value == 84


@pytest.mark.libreoffice
def test_recalculate_refuses_and_reports(source: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        recalculate(tmp_path / "missing.xlsx", tmp_path)
    with pytest.raises(ValueError, match="overwrite"):
        recalculate(source, source.parent)
    twin = tmp_path / "twin" / source.name
    twin.parent.mkdir()
    twin.write_bytes(source.read_bytes())
    with pytest.raises(ValueError, match="both"):
        recalculate_many([source, twin], tmp_path / "out")
    with pytest.raises(RecalcError, match="timed out"):
        recalculate(source, tmp_path / "slow", timeout=0.05)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(RecalcError):
        recalculate(broken, tmp_path / "broken-out")


@pytest.mark.libreoffice
def test_render_png(source: Path, tmp_path: Path) -> None:
    (png,) = render_png(source, tmp_path / "png", dpi=60)
    data = png.read_bytes()
    assert png.name == "考核.png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 100 and height > 100
    assert len(data) > 2000
    pages = render_png(source, tmp_path / "all", dpi=30, first_page_only=False)
    assert len(pages) >= 2  # one page per non-empty sheet
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in pages)


# ---------------------------------------------------------------------------
# payload
# ---------------------------------------------------------------------------


def test_license_key_and_remote_engine() -> None:
    assert os.environ["XLWINGS_LICENSE_KEY"]
    assert "remote" in [engine.name for engine in xw.engines]


def test_payload_shape_without_computed_values(source: Path) -> None:
    payload = book_payload(source)
    assert payload["client"] == "Office.js"
    assert payload["book"] == {
        "name": "考核.xlsx",
        "active_sheet_index": 0,
        "selection": "A1",
        "calculation": "Automatic",
    }
    data, summary = payload["sheets"]
    assert [data["name"], summary["name"]] == ["数据", "汇总"]
    assert data["visibility"] == "Visible"
    values = data["values"]
    assert len(values) == 11 and all(len(row) == 7 for row in values)  # A1:G11
    assert values[0][0] == 42 and isinstance(values[0][0], int)
    assert values[0][1] == ""  # formula, no computed value given
    assert values[2][0] == 88.5 and values[2][2] == "县"
    assert values[0][6] == "2024-01-02T00:00:00.000Z"
    assert values[1][6] is True
    assert values[1][0] == ""  # empty cell
    assert data["used_range_address"] == "A1:G11"
    assert data["notes"] == [{"address": "B3"}]
    assert payload["names"] == [
        {
            "name": "总分",
            "refers_to": "='数据'!$E$1",
            "sheet_index": 0,
            "address": "E1",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
    ]


@pytest.mark.libreoffice
def test_book_reads_the_payload(source: Path, computed: Path) -> None:
    book = open_book(source, values_from=computed)
    sheet = book.sheets["数据"]
    assert sheet["A1"].value == 42
    assert sheet["B1"].value == 84
    assert sheet["D1"].value == "考核结果"
    assert sheet["E1:E3"].value == [1165.5, 29.5, 2.68]
    assert sheet["E9"].value == "部门"
    assert sheet["G1"].value == dt.datetime(2024, 1, 2)
    assert sheet["G2"].value is True
    assert sheet["A3:C3"].value == [88.5, 1, "县"]
    assert sheet["A3"].expand("down").value == [88.5, 92, 75, 92, 60]
    assert book.sheets["汇总"]["A2"].value == 407.5
    assert book.names["总分"].refers_to_range.value == 1165.5
    assert sheet["总分"].value == 1165.5  # a name used as an address
    assert sheet["B3"].note is not None and sheet["B4"].note is None
    assert book.sheets.active.name == "数据"


# ---------------------------------------------------------------------------
# scripts and replay
# ---------------------------------------------------------------------------


def report_script(book: xw.Book) -> float:
    """A script in the project's style: takes the book, writes back."""
    sheet = book.sheets["数据"]
    total = sheet["E1"].value
    sheet["F1"].value = total * 2
    sheet["F2"].value = [["甲", 1.5], [True, dt.date(2024, 3, 1)]]
    new = book.sheets.add("新表")
    new["A1"].value = "结果"
    new["B1"].formula = "='数据'!A1*3"
    new["A2:B3"].value = "填"
    sheet["B2"].color = "#FFC7CE"
    sheet["B5"].add_note("请核对")
    sheet["A1"].number_format = "0.00"
    sheet["A1"].font.bold = True
    sheet["A1"].font.color = (255, 0, 0)
    sheet["C1"].add_hyperlink("https://example.org/考核", "链接")
    book.app.alert("已完成", title="考核")
    return total


@pytest.mark.libreoffice
def test_script_actions_replay_onto_a_copy(source: Path, computed: Path, tmp_path: Path) -> None:
    before = _sha(source)
    result = run_script(report_script, source, tmp_path / "out.xlsx", values_from=computed)
    assert result.returned == 1165.5
    assert _sha(source) == before
    funcs = [a["func"] for a in result.actions]
    assert funcs == [
        "setValues",
        "setValues",
        "addSheet",
        "setValues",
        "setFormula",
        "setValues",
        "setRangeColor",
        "addNote",
        "setNumberFormat",
        "setFontProperty",
        "setFontProperty",
        "addHyperlink",
        "alert",
    ]
    assert result.alerts == [
        {"prompt": "已完成", "title": "考核", "buttons": "ok", "mode": "", "callback": ""}
    ]

    wb = openpyxl.load_workbook(result.output)
    assert wb.sheetnames == ["数据", "汇总", "新表"]
    assert wb.active.title == "新表"
    ws = wb["数据"]
    assert ws["F1"].value == 2331
    assert [[c.value for c in row] for row in ws["F2:G3"]] == [
        ["甲", 1.5],
        [True, dt.datetime(2024, 3, 1)],
    ]
    assert ws["G3"].number_format == "yyyy-mm-dd"
    assert ws["B2"].fill.fill_type == "solid" and ws["B2"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["B5"].comment.text == "请核对"
    assert ws["B3"].comment.text == "权重"  # existing note kept
    assert ws["A1"].number_format == "0.00"
    assert ws["A1"].font.b is True and ws["A1"].font.color.rgb == "FFFF0000"
    assert ws["C1"].hyperlink.target == "https://example.org/考核" and ws["C1"].value == "链接"
    assert ws["B1"].value == "=A1*2"  # formulas untouched
    new = wb["新表"]
    assert new["A1"].value == "结果" and new["B1"].value == "='数据'!A1*3"
    assert [[c.value for c in row] for row in new["A2:B3"]] == [["填", "填"], ["填", "填"]]

    again = openpyxl.load_workbook(recalculate(result.output, tmp_path / "calc"), data_only=True)
    assert again["新表"]["B1"].value == 126
    assert again["数据"]["B1"].value == 84


def structure_script(book: xw.Book) -> None:
    data = book.sheets["数据"]
    data["A4"].clear_contents()
    data["A20"].value = "=SUM(A3:A7)"
    data["C3:D4"].borders.set("outside", line_style="continuous", weight="medium", color="#0000FF")
    data["A10:C10"].merge()
    data["B1"].column_width = 48  # points in the remote engine
    data["A12"].data_validation.set_list(["好", "较好", "一般"])
    data["A13"].data_validation.set_whole_number("between", 0, 100)
    data["A14"].value = "12.5"  # typed text, as Excel reads it
    data["A15"].value = "=A14*2"
    data["A16"].value = "2024-05-06"
    data.freeze_panes.freeze_at("A1:B2")
    data["A11:B11"].wrap_text = True
    book.names.add("平均", "='数据'!$E$11")
    data.name = "得分"  # references follow the rename
    summary = book.sheets["汇总"]
    summary.visible = False
    copied = summary.copy(after=book.sheets["得分"], name="汇总副本")
    assert copied.name == "汇总副本"
    book.sheets["得分"].activate()


@pytest.mark.libreoffice
def test_structure_actions(source: Path, computed: Path, tmp_path: Path) -> None:
    result = run_script(structure_script, source, tmp_path / "out.xlsx", values_from=computed)
    wb = openpyxl.load_workbook(result.output)
    assert wb.sheetnames == ["得分", "汇总副本", "汇总"]
    assert wb.active.title == "得分"
    assert [ws.sheet_view.tabSelected for ws in wb.worksheets] == [True, False, False]
    assert wb["汇总"].sheet_state == "hidden"
    ws = wb["得分"]
    assert ws["A4"].value is None
    assert wb["汇总"]["A1"].value == "='得分'!A1+1" or wb["汇总"]["A1"].value == "=得分!A1+1"
    assert "得分" in wb["汇总副本"]["A2"].value
    assert "得分" in wb.defined_names["总分"].attr_text
    assert "得分" in wb.defined_names["平均"].attr_text
    assert ws["C3"].border.top.style == "medium" and ws["C3"].border.left.style == "medium"
    assert ws["C3"].border.top.color.rgb == "FF0000FF"
    assert ws["D4"].border.bottom.style == "medium" and ws["D4"].border.right.style == "medium"
    assert ws["C3"].border.bottom.style is None  # outside only
    assert "A10:C10" in {r.coord for r in ws.merged_cells.ranges}
    assert ws.column_dimensions["B"].width == pytest.approx(8.43, abs=0.01)
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules["A12"].type == "list" and rules["A12"].formula1 == '"好,较好,一般"'
    assert rules["A13"].type == "whole" and rules["A13"].operator == "between"
    assert (rules["A13"].formula1, rules["A13"].formula2) == ("0", "100")
    assert ws["A14"].value == 12.5
    assert ws["A16"].value == dt.datetime(2024, 5, 6)
    assert ws.freeze_panes == "C3"
    assert ws["A11"].alignment.wrap_text is True

    values = openpyxl.load_workbook(recalculate(result.output, tmp_path / "calc"), data_only=True)
    assert values["得分"]["A20"].value == pytest.approx(315.5)  # 92 cleared
    assert values["得分"]["A15"].value == 25
    assert values["汇总"]["A1"].value == 43


def test_unknown_action_raises_and_writes_nothing(source: Path, tmp_path: Path) -> None:
    book = open_book(source)
    book.sheets[0]["A1"].value = 1
    book.sheets[0]["A1:A3"].insert("down", "format_from_left_or_above")
    dest = tmp_path / "out.xlsx"
    with pytest.raises(NotImplementedError, match="rangeInsert"):
        apply_actions(source, book.json(), dest)
    assert not dest.exists()
    with pytest.raises(NotImplementedError, match="addChart"):
        apply_actions(source, [{"func": "addChart", "args": []}], dest)
    with pytest.raises(ValueError):
        apply_actions(source, [], source)


def test_notes_and_comments_replay_as_notes(source: Path, tmp_path: Path) -> None:
    book = open_book(source)
    sheet = book.sheets["数据"]
    note = sheet["B3"].note
    assert note is not None  # the payload lists the cells that carry notes
    note.text = "新的权重说明"
    sheet["D3"].add_note("临时").delete()
    sheet["E3"].add_comment("请复核")  # a threaded comment in Excel
    out = apply_actions(source, book.json(), tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(out)["数据"]
    assert ws["B3"].comment.text == "新的权重说明"
    assert ws["D3"].comment is None
    assert ws["E3"].comment.text == "请复核"
    assert alerts(book.json()) == []


def test_supported_actions_are_real_xlwings_actions() -> None:
    import inspect

    from xlwings.pro import _xlremote

    source = inspect.getsource(_xlremote)
    for name in xlharness.SUPPORTED_ACTIONS:
        assert f'"{name}"' in source, name


def formatting_script(book: xw.Book) -> None:
    data = book.sheets["数据"]
    data["A3:B3"].set_colors([["#00FF00", ...]])
    data["B4:C4"].color = "#FFFF00"
    data["B4"].color = None
    data["A5"].horizontal_alignment = "center"
    data["A5"].vertical_alignment = "top"
    data["A6"].adjust_indent(2)
    data["A7"].row_height = 30
    data["C1"].columns.hidden = True
    data["A9"].rows.hidden = True
    data["G3"].autofit()
    data["A3:A7"].name = "分数"
    data["H1:H3"].formula = "=A1*10"
    data["I1:I2"].formula_array = "=A3:A4*2"
    data["A3:B4"].copy(book.sheets["汇总"]["C5"])
    data["E2"].clear()
    data["A12"].data_validation.set_list(data["C3:C7"])
    data["A13"].data_validation.set_list(book.names["总分"])
    data["A14"].data_validation.set_decimal("greater_than", 0)
    data["A14"].data_validation.delete()
    data["A10:C10"].merge(across=True)
    data["A10:C10"].unmerge()
    data.freeze_panes.freeze_at("A2")
    data.freeze_panes.unfreeze()
    data.show_gridlines = False
    data.page_setup.print_area = "A1:G11"
    comment = data["F5"].add_comment("初稿")
    comment.text = "定稿"
    data["F6"].add_comment("作废").delete()
    book.names["总分"].refers_to = "='数据'!$E$2"
    book.names.add("临时", "='数据'!$A$1").delete()
    extra = book.sheets.add("草稿")
    extra["A1"].value = "x"
    extra.clear_contents()
    extra["A2"].color = "#123456"
    extra.clear_formats()
    extra.clear()
    extra.autofit()
    extra.move(before=book.sheets["数据"])
    book.sheets["汇总"].delete()
    data["B2"].select()
    book.app.calculation = "manual"
    book.app.calculate()
    book.app.screen_updating = False
    book.save()


def test_formatting_and_book_actions(source: Path, tmp_path: Path) -> None:
    book = open_book(source)
    formatting_script(book)
    funcs = {a["func"] for a in book.json()["actions"]}
    out = apply_actions(source, book.json(), tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["草稿", "数据"]
    assert wb.active.title == "数据"
    ws = wb["数据"]
    assert ws["A3"].fill.fgColor.rgb == "FF00FF00" and ws["B3"].fill.fill_type is None
    assert ws["C4"].fill.fgColor.rgb == "FFFFFF00" and ws["B4"].fill.fill_type is None
    assert (ws["A5"].alignment.horizontal, ws["A5"].alignment.vertical) == ("center", "top")
    assert ws["A6"].alignment.indent == 2
    assert ws.row_dimensions[7].height == 30
    assert ws.column_dimensions["C"].hidden and ws.row_dimensions[9].hidden
    assert ws.column_dimensions["G"].width == pytest.approx(11)  # "含有,逗号": 4 x 2 + 1, + 2
    assert wb.defined_names["分数"].attr_text == "'数据'!$A$3:$A$7"
    assert [ws[f"H{r}"].value for r in (1, 2, 3)] == ["=A1*10", "=A2*10", "=A3*10"]
    assert ws["I1"].value.ref == "I1:I2" and ws["I1"].value.text == "=A3:A4*2"
    assert ws["E2"].value is None
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules["A12"].formula1 == "'数据'!$C$3:$C$7"
    assert rules["A13"].formula1 == "总分"
    assert "A14" not in rules
    assert not ws.merged_cells.ranges
    assert ws.freeze_panes is None
    assert ws.sheet_view.showGridLines is False
    assert ws.print_area == "'数据'!$A$1:$G$11"
    assert ws["F5"].comment.text == "定稿" and ws["F6"].comment is None
    assert wb.defined_names["总分"].attr_text == "'数据'!$E$2"
    assert "临时" not in wb.defined_names
    draft = wb["草稿"]
    assert draft["A1"].value is None and draft["A2"].fill.fill_type is None
    assert ws.sheet_view.selection[0].sqref == "B2"
    assert wb.calculation.calcMode == "manual"
    assert funcs >= {
        "setRangeColors",
        "rangeSelect",
        "setSheetPosition",
        "sheetDelete",
        "copyRange",
        "setFormulaArray",
        "setRangeName",
        "deleteDataValidation",
        "rangeUnmerge",
        "freezePaneUnfreeze",
        "setPrintArea",
        "setCommentText",
        "deleteComment",
        "setNameRefersTo",
        "nameDelete",
        "sheetClear",
        "setSheetAutofit",
        "calculate",
        "setScreenUpdating",
        "save",
    }
    # copyRange wrote to 汇总, which the script deleted later: check it on its own
    book = open_book(source)
    book.sheets["数据"]["A3:B4"].copy(book.sheets["汇总"]["C5"])
    book.sheets["数据"]["B1"].copy(book.sheets["汇总"]["C2"])
    summary = openpyxl.load_workbook(apply_actions(source, book.json(), tmp_path / "c.xlsx"))[
        "汇总"
    ]
    assert [[c.value for c in row] for row in summary["C5:D6"]] == [[88.5, 1], [92, 2]]
    assert summary["C2"].value == "=B2*2"  # B1's =A1*2: relative references move, as in Excel
