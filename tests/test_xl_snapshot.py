"""The snapshot of Excel's values the scripts hand to the readers, and raw cell cleaning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.worksheet.datavalidation import DataValidation

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from workbook_templates.unit_report import build_unit_report
from xl_addin.snapshot import SheetValues, as_grid, raw_cell, write_snapshot


def test_raw_cells_as_python() -> None:
    assert raw_cell("") is None and raw_cell(None) is None
    assert raw_cell("2024-01-02T00:00:00.000Z") == dt.datetime(2024, 1, 2)
    # text that merely looks like a timestamp stays text (the remote engine would cut it)
    assert raw_cell("2026-11-26T14:49:03+00:00") == "2026-11-26T14:49:03+00:00"
    assert raw_cell(-2146826281) == "#DIV/0!" and raw_cell(7) == 7 and raw_cell(True) is True
    tz = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    assert raw_cell(tz) == dt.datetime(2024, 1, 2)
    assert as_grid(5) == [[5]]
    assert as_grid(((1, ""), (None, "x"))) == [[1, None], [None, "x"]]
    assert as_grid([[1], [2]]) == [[1], [2]]


def _base(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws["A1"], ws["B1"], ws["C1"], ws["A3"] = 1, 2, "=A1+B1", "old"
    rule = DataValidation(type="list", formula1='"是,否"')
    ws.add_data_validation(rule)
    rule.add("D1")
    hidden = wb.create_sheet("_meta")
    hidden["A1"] = "kind"
    hidden.sheet_state = "hidden"
    path = tmp_path / "base.xlsx"
    wb.save(path)
    return path


def test_on_the_saved_file_values_change_and_the_rest_stays(tmp_path: Path) -> None:
    sheets = [SheetValues("数据", [[10, "=text", 99, "是"]]), SheetValues("_meta", [["kind"]]),
              SheetValues("校验结果", [["old findings"]])]
    out = write_snapshot(sheets, tmp_path / "s.xlsx", _base(tmp_path), skip=("校验结果",))
    wb = openpyxl.load_workbook(out)
    ws = wb["数据"]
    assert wb.sheetnames == ["数据", "_meta"] and wb["_meta"].sheet_state == "hidden"
    assert ws["A1"].value == 10 and ws["C1"].value == "=A1+B1"  # the formula stays
    assert ws["B1"].value == "=text" and ws["B1"].data_type == "s"  # typed text stays text
    assert ws["A3"].value is None  # beyond what Excel holds: blank
    assert ws["D1"].value == "是" and len(ws.data_validations.dataValidation) == 1


def test_without_a_file_a_values_only_workbook(tmp_path: Path) -> None:
    sheets = [SheetValues("a", [[1, None], [None, dt.datetime(2024, 1, 2)]]),
              SheetValues("h", [["x"]], visible=False)]
    wb = openpyxl.load_workbook(write_snapshot(sheets, tmp_path / "s.xlsx",
                                               tmp_path / "missing.xlsx"))
    assert wb.sheetnames == ["a", "h"] and wb["h"].sheet_state == "hidden"
    assert wb["a"]["B2"].value == dt.datetime(2024, 1, 2)


def test_a_base_with_other_sheets_is_not_used(tmp_path: Path) -> None:
    out = write_snapshot([SheetValues("其他", [[1]])], tmp_path / "s.xlsx", _base(tmp_path))
    assert openpyxl.load_workbook(out).sheetnames == ["其他"]


def test_a_template_snapshot_validates_like_the_file(tmp_path: Path) -> None:
    from validators.workbook import validate_workbook

    scheme = Scheme.from_document(default_scheme_document())
    path = build_unit_report(scheme, scheme.units[1].id, tmp_path / "u.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["单位自评表"]["I12"] = "12,3"
    wb.save(path)
    grids = [SheetValues(ws.title, [list(r) for r in ws.iter_rows(values_only=True)],
                         ws.sheet_state == "visible") for ws in openpyxl.load_workbook(path)]
    for base in (path, None):
        snap = write_snapshot(grids, tmp_path / f"snap{base is None}.xlsx", base)
        assert validate_workbook(snap, scheme).flatten(["sheet", "cell", "rule"]) == \
            validate_workbook(path, scheme).flatten(["sheet", "cell", "rule"])


def test_a_formula_typed_into_an_input_cell_reads_as_the_value_excel_shows(
        tmp_path: Path) -> None:
    """On the saved file (classic add-in) a typed =7.5*2 is read as 15, as consolidation reads
    the file Excel saved; without it the reader saw a formula without a result (blank)."""
    from tests.test_xl_scripts import SHEET, own_rows
    from xl_addin import tasks

    scheme = Scheme.from_document(default_scheme_document())
    path = build_unit_report(scheme, scheme.units[0].id, tmp_path / "unit.xlsx")
    row = own_rows(path)[0][0]
    wb = openpyxl.load_workbook(path)
    wb[SHEET][f"I{row}"] = "=7.5*2"
    wb.save(path)
    grids = []
    for ws in openpyxl.load_workbook(path).worksheets:
        grid = [[c.value for c in r] for r in ws.iter_rows()]
        if ws.title == SHEET:
            grid = [[None if isinstance(v, str) and v.startswith("=") else v for v in r]
                    for r in grid]  # Excel's values: formulas show their results
            grid[row - 1][8] = 15
        grids.append(SheetValues(ws.title, grid, ws.sheet_state == "visible"))
    read = tasks.read_values(grids, "unit.xlsx", path)
    assert read.document["items"][0]["actual"] == 15.0
    snap = openpyxl.load_workbook(write_snapshot(grids, tmp_path / "s.xlsx", path))
    locked = [c for r in snap[SHEET].iter_rows() for c in r
              if isinstance(c.value, str) and c.value.startswith("=")]
    assert locked and all(c.protection.locked for c in locked)  # the template's own stay
