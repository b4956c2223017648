"""Templates for more units than one `_meta` cell can describe: built, filled, read back, valid.

At 1,400 units the layout of the adjustments register (the units' drop-down labels) and of
a lead department's scoring sheet (the not-applicable cells) is longer than the 32,767
characters an Excel cell holds; it is written over several `_meta` rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from kaohe.engine.model import Scheme
from kaohe.pipeline.documents import default_scheme_document, load_scheme, scheme_from_document
from kaohe.synth import scale_scheme, synthesize
from tests.templates_helpers import GENERATED
from validators.report import ERROR
from validators.workbook import validate_workbook
from workbook_templates import (
    build_adjustments,
    build_lead_scores,
    build_unit_report,
    fill_workbook,
    read_workbook,
)
from workbook_templates.meta import (
    FORMAT_VERSION,
    MAX_CELL_CHARS,
    CellTextTooLong,
    DamagedMeta,
    parse_meta,
    split_text,
    write_meta,
)
from workbook_templates.sheetkit import Book

UNITS = 1400
LEAD = "zzb"  # scores indicators that apply to some groups only, one of them by rating


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return scheme_from_document(scale_scheme(default_scheme_document(), UNITS))


@pytest.fixture(scope="module")
def large(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """kind -> (template, filled workbook, the document filled in)."""
    out = tmp_path_factory.mktemp("large")
    docs = synthesize(scheme, seed=5)
    lead = next(d for d in docs["lead_scores"] if d["lead_department"] == LEAD)
    made = {}
    for kind, build, doc in (
            ("adjustments", lambda p: build_adjustments(scheme, p, generated_at=GENERATED),
             docs["adjustments"]),
            ("lead_scores", lambda p: build_lead_scores(scheme, LEAD, p, generated_at=GENERATED),
             lead)):
        template = build(out / f"{kind}.xlsx")
        made[kind] = (template, fill_workbook(template, doc, out / f"{kind}-filled.xlsx"), doc)
    return made


def _meta_rows(path: Path) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("_meta").to_python()


def test_the_layout_is_longer_than_a_cell_and_spread_over_meta_rows(
        large: dict[str, Any]) -> None:
    for kind, (template, _, _) in large.items():
        rows = _meta_rows(template)
        layout = parse_meta(rows)["layout"]
        text = json.dumps(layout, ensure_ascii=False, sort_keys=True)
        assert len(text) > MAX_CELL_CHARS, kind  # one cell could not have held it
        pieces = [r[1] for r in rows if r[0] == "layout"]
        assert len(pieces) >= 2 and "".join(pieces) == text, kind
        assert [r[0] for r in rows if r[0] != "layout"] == ["kind", "format_version", "scheme_id",
                                                             "scheme_version", "year", "unit_id",
                                                             "lead_department", "lang",
                                                             "generated_at", "generator",
                                                             "fingerprint", "layout_sha256"]


def test_no_cell_of_a_large_template_exceeds_excels_limit(large: dict[str, Any]) -> None:
    for kind, (template, filled, _) in large.items():
        for path in (template, filled):
            book = CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                for row in book.get_sheet_by_name(name).to_python():
                    for value in row:
                        if isinstance(value, str):
                            assert len(value.encode("utf-16-le")) // 2 <= MAX_CELL_CHARS, (
                                kind, path.name, name)


def test_large_templates_read_back_exactly_and_validate_clean(
        scheme: Scheme, large: dict[str, Any]) -> None:
    for kind, (_, filled, doc) in large.items():
        read = read_workbook(filled)
        assert read.issues == [], (kind, [i.text() for i in read.issues][:5])
        assert read.document == doc, kind
        report = validate_workbook(filled, scheme)
        assert [i for i in report.issues if i.severity == ERROR] == [], (
            kind, report.flatten(["sheet", "cell", "rule"])[:5])


def test_validations_cover_exactly_the_input_cells_of_a_large_scoring_sheet(
        scheme: Scheme, large: dict[str, Any]) -> None:
    """Every applicable (unit, indicator) input and remark, no other cell, each once."""
    template = large["lead_scores"][0]
    wb = openpyxl.load_workbook(template)
    meta = parse_meta(list(wb["_meta"].iter_rows(values_only=True)))
    ws = wb[meta["layout"]["sheets"]["scores"]["name"]]
    skip = {tuple(pair) for pair in meta["layout"]["skip"]}
    columns = {str(c.value): c.column for c in ws[1] if c.value}
    expected = set()
    for ind in scheme.indicators_of(LEAD):
        inputs = [columns[k] for k in columns if k.startswith(f"{ind.id}.")
                  and not k.endswith(".points")]
        for cell in ws["A"]:
            unit = str(cell.value or "")
            if cell.row > 1 and unit and unit[0] not in "@#" and (unit, ind.id) not in skip:
                expected |= {(cell.row, column) for column in inputs}
    assert len(expected) >= 2 * UNITS and skip  # some cells are inputs, some are not
    assert _covered(ws) == sorted(expected)


def _covered(ws: Any) -> list[tuple[int, int]]:
    """(row, column) of every cell a validation covers, once per validation covering it."""
    return sorted((row, column) for dv in ws.data_validations.dataValidation
                  for cells in dv.sqref.ranges for row in range(cells.min_row, cells.max_row + 1)
                  for column in range(cells.min_col, cells.max_col + 1))


def test_validations_cover_exactly_the_unlocked_cells_of_a_unit_report(tmp_path: Path) -> None:
    path = build_unit_report(load_scheme(), "altay_city", tmp_path / "u.xlsx",
                             generated_at=GENERATED)
    wb = openpyxl.load_workbook(path)
    ws = wb["单位自评表"]
    unlocked = sorted((cell.row, cell.column) for row in ws.iter_rows() for cell in row
                      if type(cell).__name__ == "Cell" and not cell.protection.locked)
    assert len(unlocked) > 40 and _covered(ws) == unlocked
    # one range per run of consecutive input rows in a column, not one per cell
    assert sum(len(dv.sqref.ranges) for dv in ws.data_validations.dataValidation) < 40


def _edit_meta(source: Path, dest: Path, edit: Any) -> Path:
    wb = openpyxl.load_workbook(source)
    edit(wb["_meta"])
    wb.save(dest)
    return dest


def _drop_last_layout_row(ws: Any) -> None:
    last = max(c.row for c in ws["A"] if c.value == "layout")
    ws.delete_rows(last)


def _edit_a_label(ws: Any) -> None:
    cell = next(ws.cell(c.row, 2) for c in ws["A"] if c.value == "layout")
    assert "_0001" in cell.value
    cell.value = cell.value.replace("_0001", "_9999", 1)  # still JSON, another unit


def _old_format_cut(ws: Any) -> None:
    """A format-1 file of many units: one layout cell, cut at Excel's limit."""
    rows = [c.row for c in ws["A"] if c.value in ("layout", "layout_sha256")]
    text = "".join(str(ws.cell(r, 2).value) for r in rows[1:])
    for r in reversed(rows):
        ws.delete_rows(r)
    ws.cell(rows[0], 1).value, ws.cell(rows[0], 2).value = "layout", text[:MAX_CELL_CHARS]
    ws.cell(next(c.row for c in ws["A"] if c.value == "format_version"), 2).value = "1"


@pytest.mark.parametrize("edit", [_drop_last_layout_row, _edit_a_label])
def test_an_edited_layout_is_a_clear_finding_not_a_crash(
        scheme: Scheme, large: dict[str, Any], tmp_path: Path, edit: Any) -> None:
    _, filled, doc = large["lead_scores"]
    damaged = _edit_meta(filled, tmp_path / "damaged.xlsx", edit)
    report = validate_workbook(damaged, scheme)
    assert report.flatten(["rule"]) == [["read-failed"]]
    assert "_meta" in report.issues[0].message and "_meta" in report.issues[0].message_en
    assert "布局" in report.issues[0].message and "布局" not in report.issues[0].message_en
    read = read_workbook(damaged)  # the reader never raises either
    assert [(i.rule, "_meta" in i.message_en) for i in read.issues] == [("template-damaged",
                                                                          True)]
    with pytest.raises(DamagedMeta):
        fill_workbook(damaged, doc, tmp_path / "again.xlsx")


def test_an_old_format_template_is_told_to_use_the_new_one(
        scheme: Scheme, large: dict[str, Any], tmp_path: Path) -> None:
    _, filled, _ = large["lead_scores"]
    old = _edit_meta(filled, tmp_path / "old.xlsx", _old_format_cut)
    report = validate_workbook(old, scheme)
    assert report.flatten(["rule"]) == [["format-version"]]
    issue = report.issues[0]
    assert issue.message == f"模板格式版本为 1，本程序读取的是第 {FORMAT_VERSION} 版"
    assert issue.hint == "请向综考办索取最新模板重新填报"
    assert read_workbook(old).issues[0].rule == "template-format-version"


def test_split_text_fits_every_piece_in_a_cell_and_joins_back() -> None:
    text = ("单位" * 20_000) + ("𠀀" * 20_000) + "x"  # U+20000 counts twice in Excel
    pieces = split_text(text)
    assert "".join(pieces) == text and split_text("") == []
    assert all(len(p.encode("utf-16-le")) // 2 <= MAX_CELL_CHARS for p in pieces)
    assert len(pieces) == 3
    spaced = "a b" * 20_000  # never cut next to a blank, which a reader may trim
    pieces = split_text(spaced, 1000)
    assert "".join(pieces) == spaced and all(p == p.strip() for p in pieces)


def test_writing_more_than_a_cell_holds_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CellTextTooLong) as caught:
        write_meta(openpyxl.Workbook(), {"generator": "x" * (MAX_CELL_CHARS + 1)}, None)
    assert (caught.value.sheet, caught.value.cell) == ("_meta", "B10")
    book = Book(load_scheme(), "routine", "zh", GENERATED)
    sheet = book.sheet("routine", "平时考核")
    sheet.put(3, 2, "x" * MAX_CELL_CHARS)  # exactly the limit is fine
    with pytest.raises(CellTextTooLong, match="平时考核!C3"):
        sheet.put(3, 3, "𠀀" * (MAX_CELL_CHARS // 2 + 1))
