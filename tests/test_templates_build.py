"""Templates as built: names, instructions, `_meta`, protection, validations, print, fingerprint."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.engine.model import Scheme
from kaohe.pipeline.documents import default_scheme_document, load_scheme
from tests.templates_helpers import FORBIDDEN, GENERATED, covered, data_sheets
from workbook_templates import build_templates, build_unit_report
from workbook_templates.meta import FORMAT_VERSION, META_KEYS, parse_meta
from workbook_templates.styles import INPUT_COLOR


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme()


@pytest.fixture(scope="module")
def built(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return build_templates(scheme, tmp_path_factory.mktemp("tpl"), generated_at=GENERATED)


def _meta(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return parse_meta(list(wb["_meta"].iter_rows(values_only=True)))


def test_every_template_of_the_scheme_is_written(scheme: Scheme, built: list[Path]) -> None:
    names = [p.name for p in built]
    leads = [d.id for d in scheme.lead_departments if scheme.indicators_of(d.id)]
    by_name = {d.id: d.name for d in scheme.lead_departments}
    assert names == (["考核方案.xlsx"] + [f"单位自评表_{u.name}.xlsx" for u in scheme.units]
                     + [f"牵头部门评分表_{by_name[d]}.xlsx" for d in leads]
                     + ["加扣分登记表.xlsx", "平时考核汇总表.xlsx", "民主测评及满意度统计表.xlsx"])
    assert len(names) == 1 + 34 + len(leads) + 3


def test_first_sheet_is_for_the_clerk_and_meta_is_hidden(built: list[Path]) -> None:
    for path in built[:2] + built[-4:]:
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames[0] == "填表说明"
        assert wb.worksheets[0]["B1"].value == "填表说明"
        assert len([c for c in wb.worksheets[0]["B"] if c.value]) >= 8
        assert wb["_meta"].sheet_state == "hidden"
        assert wb["_meta"].protection.sheet
        assert wb.security is not None and wb.security.lockStructure
        assert wb.active.title == "填表说明"


def test_meta_names_kind_scheme_subject_and_time(scheme: Scheme, built: list[Path]) -> None:
    from validators.reading.file_names import owner_names

    names = owner_names(scheme)
    kinds = {}
    for path in built:
        meta = _meta(path)
        assert set(META_KEYS) <= set(meta)
        assert (meta["scheme_id"], meta["scheme_version"], meta["year"]) == ("altay-2016", "1",
                                                                             2016)
        assert meta["generated_at"] == GENERATED.isoformat()
        assert meta["format_version"] == FORMAT_VERSION and len(meta["fingerprint"]) == 64
        kinds[path.name] = meta["kind"]
        # named by the owner's name; the id stays in `_meta`
        if meta["kind"] == "unit_report":
            assert path.name == f"单位自评表_{names[meta['unit_id']][0]}.xlsx"
        if meta["kind"] == "lead_scores":
            assert path.name == f"牵头部门评分表_{names[meta['lead_department']][0]}.xlsx"
    assert set(kinds.values()) == {"scheme", "unit_report", "lead_scores", "adjustments",
                                   "routine", "ballots"}


def test_inputs_are_yellow_unlocked_and_validated_everything_else_locked(
        built: list[Path]) -> None:
    for path in [built[0], built[1], built[10], built[35], *built[-3:]]:
        _, sheets = data_sheets(path)
        for role, ws in sheets.items():
            assert ws.protection.sheet, (path.name, role)
            inputs = 0
            for row in ws.iter_rows():
                for cell in row:
                    if type(cell).__name__ == "MergedCell" or cell.protection.locked:
                        if isinstance(cell.value, str) and cell.value.startswith("="):
                            continue  # formulas are locked outputs
                        continue
                    inputs += 1
                    assert cell.fill.fgColor.rgb.endswith(INPUT_COLOR), (path.name, cell)
                    rules = covered(ws, cell.coordinate)
                    assert rules, f"{path.name} {ws.title}!{cell.coordinate} has no validation"
                    assert all(dv.prompt and dv.error and dv.showErrorMessage for dv in rules)
            assert inputs > 0, (path.name, role)


def test_formulas_are_locked_and_use_no_modern_functions(built: list[Path]) -> None:
    formulas = 0
    for path in built:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        formulas += 1
                        assert cell.protection.locked
                        text = str(cell.value).upper()
                        assert not any(name in text for name in FORBIDDEN), text
    assert formulas > 500


def test_unit_report_locks_targets_and_marks_lead_scored_rows(built: list[Path]) -> None:
    _, sheets = data_sheets(built[1])  # 单位自评表_阿勒泰市
    ws = sheets["items"]
    keys = {c.value: c.column for c in ws[1] if c.value}
    rows = {c.value: c.row for c in ws["A"] if c.value}
    c04 = rows["C04"]
    assert ws.cell(c04, keys["target"]).value == 6.3
    assert ws.cell(c04, keys["target"]).protection.locked
    assert not ws.cell(c04, keys["actual"]).protection.locked
    assert str(ws.cell(c04, keys["points"]).value).startswith("=IF(")
    c01 = rows["C01@lead_department"]
    assert ws.cell(c01, keys["actual"]).value == "由牵头部门评分"
    assert all(ws.cell(c01, c).protection.locked for c in range(2, ws.max_column + 1)
               if type(ws.cell(c01, c)).__name__ != "MergedCell")
    assert ws.cell(rows["C07"], keys["points"]).value == "由考核办计算"  # benchmark
    unit_block = " ".join(str(ws.cell(4, c).value or "") for c in range(2, 14))
    assert "阿勒泰市" in unit_block and "县市" in unit_block
    assert "阿勒泰地区2016年度" in str(ws["B3"].value)
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "B2:M2" in merged


def test_print_setup_a4_fit_to_width_repeated_header(built: list[Path]) -> None:
    for path in [built[1], built[-1], built[-2], built[35]]:
        _, sheets = data_sheets(path)
        for ws in sheets.values():
            assert int(ws.page_setup.paperSize) == 9  # A4
            assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.print_title_rows and ws.print_area
            assert ws.freeze_panes
            assert ws.column_dimensions["A"].hidden and ws.row_dimensions[1].hidden
    _, sheets = data_sheets(built[1])
    assert sheets["items"].page_setup.orientation == "landscape"


def test_fingerprint_is_stable_and_follows_locked_content(tmp_path: Path) -> None:
    doc = default_scheme_document()
    scheme = Scheme.from_document(doc)
    first = build_unit_report(scheme, "fuyun", tmp_path / "a.xlsx", generated_at=GENERATED)
    again = build_unit_report(scheme, "fuyun", tmp_path / "b.xlsx")  # another time
    english = build_unit_report(scheme, "fuyun", tmp_path / "c.xlsx", lang="en")
    changed_doc = copy.deepcopy(doc)
    next(i for i in changed_doc["indicators"] if i["id"] == "C04")["targets"]["fuyun"] = 7.3
    changed = build_unit_report(Scheme.from_document(changed_doc), "fuyun", tmp_path / "d.xlsx")
    other_target = build_unit_report(Scheme.from_document(changed_doc), "burqin",
                                     tmp_path / "e.xlsx")
    prints = [_meta(p)["fingerprint"] for p in (first, again, english, changed, other_target)]
    assert prints[0] == prints[1] == prints[2]  # time and language do not matter
    assert prints[3] != prints[0]               # fuyun's own target changed
    assert prints[4] != prints[0]               # another unit, other content
    assert _meta(first)["generated_at"] != _meta(again)["generated_at"]


def test_password_protects_when_the_scheme_sets_one(tmp_path: Path) -> None:
    doc = default_scheme_document()
    doc["template_password"] = "kh2016"
    path = build_unit_report(Scheme.from_document(doc), "fuhai", tmp_path / "p.xlsx")
    wb, sheets = data_sheets(path)
    assert sheets["items"].protection.password  # stored as Excel's hash
    assert wb["_meta"].protection.password
    plain = build_unit_report(load_scheme(), "fuhai", tmp_path / "q.xlsx")
    assert not data_sheets(plain)[1]["items"].protection.password


def test_english_templates_have_english_labels(scheme: Scheme, tmp_path: Path) -> None:
    paths = build_templates(scheme, tmp_path, lang="en", generated_at=GENERATED)
    assert paths[1].name == "unit_report_Altay City.xlsx"
    wb, sheets = data_sheets(paths[1])
    assert wb.sheetnames[0] == "Instructions"
    ws = sheets["items"]
    headers = [c.value for c in ws[7] if c.value]
    assert "Actual" in headers and "Provisional points" in headers
    assert "Altay City" in str(ws["D4"].value)
    assert _meta(paths[1])["lang"] == "en"


def test_a_template_built_twice_is_the_same_bytes_and_written_atomically(
        scheme: Scheme, built: list[Path], tmp_path: Path) -> None:
    # openpyxl dates each save (core properties, every zip member): the same scheme built
    # a second later gave other bytes, so another SHA-256 in the history for the same file.
    import time

    time.sleep(1.1)  # a later second: the zip's dates have a two-second grain, the core's one
    again = build_templates(scheme, tmp_path / "again", generated_at=GENERATED)
    assert [p.name for p in again] == [p.name for p in built]
    for first, second in zip(built, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name
    assert not [p for p in (tmp_path / "again").iterdir() if p.name.startswith(".")]


def _same_files(first: list[Path], second: list[Path]) -> None:
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_templates_built_in_two_processes_are_the_files_one_builds(
        scheme: Scheme, built: list[Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    import workbook_templates.build_pool as pool

    calls: list[tuple[int, int]] = []
    two = build_templates(scheme, tmp_path / "two", generated_at=GENERATED, workers=2,
                          progress=lambda done, total: calls.append((done, total)))
    _same_files(built, two)
    assert calls[-1] == (len(built), len(built)) and len(calls) == len(built)
    # workers that are spawned (Windows, macOS) build the scheme from its document
    monkeypatch.setattr(pool, "PARALLEL_THRESHOLD", 1)
    spawned = pool.build_jobs([("unit_report", scheme.units[0].id,
                                tmp_path / "s" / built[1].name),
                               ("routine", "", tmp_path / "s" / built[-2].name)],
                              scheme, "zh", GENERATED, workers=2,
                              context=multiprocessing.get_context("spawn"))
    _same_files([built[1], built[-2]], spawned)


def test_where_processes_cannot_start_one_process_builds_them_all(
        scheme: Scheme, built: list[Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pyodide (xlwings Lite) has no processes: the same templates, built here."""
    import concurrent.futures

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("no processes here")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    _same_files(built, build_templates(scheme, tmp_path / "one", generated_at=GENERATED,
                                       workers=2))


def test_the_short_ways_to_style_and_merge_write_openpyxl_s_files(
        scheme: Scheme, built: list[Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """CellStyle.apply copies the indices the first fresh cell of a workbook was given, and
    SheetWriter.merge skips openpyxl's search of earlier merges for a range below them all:
    the files are those of styling every cell through openpyxl's descriptors and merging
    with ws.merge_cells."""
    from workbook_templates.sheetkit import SheetWriter
    from workbook_templates.styles import CellStyle

    def merge_cells(self: SheetWriter, first_row: int, first_col: int, last_row: int,
                    last_col: int) -> None:
        self.ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row,
                            end_column=last_col)

    monkeypatch.setattr(CellStyle, "apply", CellStyle._apply)
    monkeypatch.setattr(SheetWriter, "merge", merge_cells)
    _same_files(built, build_templates(scheme, tmp_path / "slow", generated_at=GENERATED))


def test_names_that_are_no_safe_file_names_are_made_safe(tmp_path: Path) -> None:
    """A name with characters no file name may hold, two units of one name, a reserved
    device name: each template still gets a name of its own that every system accepts."""
    from kaohe.pipeline.documents import default_scheme_document
    from workbook_templates.build import template_names

    doc = default_scheme_document()
    doc["units"][0]["name"] = '阿勒泰市/"城区"'
    doc["units"][1]["name"] = doc["units"][2]["name"] = "富蕴县"
    doc["units"][3]["name"] = "CON"
    names = template_names(Scheme.from_document(doc))
    ids = [u["id"] for u in doc["units"]]
    assert [names[("unit_report", i)] for i in ids[:4]] == [
        "单位自评表_阿勒泰市__城区_.xlsx", "单位自评表_富蕴县_burqin.xlsx",
        "单位自评表_富蕴县_fuyun.xlsx", "单位自评表_CON_.xlsx"]
    assert len(set(names.values())) == len(names)
    for name in names.values():
        (tmp_path / name).write_bytes(b"")  # a name the file system takes
