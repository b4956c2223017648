"""document -> template -> fill -> read -> document, exactly; cell maps; tampering; bad files."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.engine.model import Scheme
from kaohe.pipeline.documents import load_scheme
from kaohe.synth import synthesize
from tests.templates_helpers import GENERATED, data_sheets, documents_by_file, key_cell
from workbook_templates import build_templates, fill_workbook, read_workbook
from workbook_templates.build import template_name


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme()


@pytest.fixture(scope="module")
def docs(scheme: Scheme) -> dict[str, Any]:
    return synthesize(scheme)


@pytest.fixture(scope="module")
def templates(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tpl")
    build_templates(scheme, out, generated_at=GENERATED)
    return out


@pytest.fixture(scope="module")
def filled(scheme: Scheme, docs: dict[str, Any], templates: Path,
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Any]]:
    out = tmp_path_factory.mktemp("filled")
    return {name: (fill_workbook(templates / name, doc, out / name), doc)
            for name, doc in documents_by_file(scheme, docs).items()}


def test_every_document_comes_back_exactly(filled: dict[str, tuple[Path, Any]]) -> None:
    assert len(filled) == 34 + 8 + 3
    for name, (path, doc) in filled.items():
        read = read_workbook(path)
        assert read.kind == doc["kind"], name
        assert read.issues == [], (name, [i.text() for i in read.issues])
        assert read.document == doc, name


def test_cell_map_points_at_the_cells_that_hold_the_values(
        filled: dict[str, tuple[Path, Any]]) -> None:
    path, doc = filled[template_name("unit_report", "zh", name="富蕴县")]
    read = read_workbook(path)
    wb = openpyxl.load_workbook(path)
    for i, item in enumerate(doc["items"]):
        sheet, cell = read.cell_map[f"$.items[{i}].actual"]
        assert wb[sheet][cell].value == item["actual"]
        sheet, cell = read.cell_map[f"$.items[{i}].target"]
        assert wb[sheet][cell].value == item["target"]
    sheet, cell = read.cell_map["$.contact"]
    assert wb[sheet][cell].value == doc["contact"]
    path, doc = filled[template_name("ballots")]
    read = read_workbook(path)
    wb = openpyxl.load_workbook(path)
    sheet, cell = read.cell_map["$.conduct[0].counts.好"]
    assert wb[sheet][cell].value == doc["conduct"][0]["counts"]["好"]
    path, doc = filled[template_name("lead_scores", "zh", name="地委组织部")]
    read = read_workbook(path)
    wb = openpyxl.load_workbook(path)
    sheet, cell = read.cell_map["$.entries[3].rating"]
    assert wb[sheet][cell].value == doc["entries"][3]["rating"]


def test_filling_never_touches_locked_cells(templates: Path,
                                            filled: dict[str, tuple[Path, Any]]) -> None:
    for name in (template_name("unit_report", "zh", name="地区教育局"),
                 template_name("adjustments"),
                 template_name("lead_scores", "zh", name="两办督查室")):
        _, before = data_sheets(templates / name)
        _, after = data_sheets(filled[name][0])
        changed = 0
        for role, ws in before.items():
            for row in ws.iter_rows():
                for cell in row:
                    new = after[role][cell.coordinate].value
                    if cell.protection.locked and type(cell).__name__ != "MergedCell":
                        assert new == cell.value, (name, cell.coordinate)
                    elif new != cell.value:
                        changed += 1
        assert changed > 0


def test_english_templates_come_back_exactly(scheme: Scheme, docs: dict[str, Any],
                                            tmp_path: Path) -> None:
    build_templates(scheme, tmp_path / "en", lang="en", generated_at=GENERATED)
    for name, doc in documents_by_file(scheme, docs, "en").items():
        if name.startswith(("unit_report_d_", "lead_scores_", "unit_report_f")):
            continue  # a sample is enough; the layout code is shared with Chinese
        path = fill_workbook(tmp_path / "en" / name, doc, tmp_path / "out" / name)
        read = read_workbook(path)
        assert read.document == doc and read.issues == [], name
    wb = openpyxl.load_workbook(tmp_path / "out" / "adjustments.xlsx")
    assert wb["Events"]["F6"].value in {"Bonus", "Deduction", "Veto", "Notification"}


def test_reads_from_a_file_object(filled: dict[str, tuple[Path, Any]]) -> None:
    path, doc = filled[template_name("routine")]
    read = read_workbook(io.BytesIO(path.read_bytes()), name="平时考核汇总表.xlsx")
    assert read.document == doc
    assert read.meta["file"] == "平时考核汇总表.xlsx"


def _unprotect_and_edit(path: Path, dest: Path, role: str, row_key: str, col_key: str,
                        value: Any) -> Path:
    wb, sheets = data_sheets(path)
    ws = sheets[role]
    ws.protection.sheet = False
    key_cell(ws, row_key, col_key).value = value
    wb.save(dest)
    return dest


def test_changed_locked_content_is_reported(filled: dict[str, tuple[Path, Any]],
                                            tmp_path: Path) -> None:
    path, doc = filled[template_name("unit_report", "zh", name="阿勒泰市")]
    edited = _unprotect_and_edit(path, tmp_path / "t.xlsx", "items", "C04", "target", 1.0)
    read = read_workbook(edited)
    assert [i.rule for i in read.errors] == ["template-modified"]
    assert read.document["items"][0]["target"] == 1.0  # read as it stands, but flagged


def test_missing_and_unknown_references_in_the_register(
        filled: dict[str, tuple[Path, Any]], tmp_path: Path) -> None:
    path, doc = filled[template_name("adjustments")]
    wb, sheets = data_sheets(path)
    key_cell(sheets["events"], "event:2", "unit").value = None
    key_cell(sheets["events"], "event:3", "date").value = "2015-03-01"
    key_cell(sheets["decisions"], "decision:1", "event_id").value = "E9999"
    wb.save(tmp_path / "adj.xlsx")
    read = read_workbook(tmp_path / "adj.xlsx")
    found = {(i.rule, i.cell) for i in read.errors}
    assert ("missing-field", "D7") in found
    assert ("date-out-of-range", "E8") in found
    assert ("unknown-event", "D6") in found


def test_a_workbook_that_is_not_a_template(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hello"
    wb.save(tmp_path / "plain.xlsx")
    assert [i.rule for i in read_workbook(tmp_path / "plain.xlsx").issues] == ["not-a-template"]
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    read = read_workbook(tmp_path / "broken.xlsx")
    assert read.kind == "" and [i.rule for i in read.issues] == ["unreadable-workbook"]


def test_a_renamed_data_sheet_is_reported_not_raised(filled: dict[str, tuple[Path, Any]],
                                                     tmp_path: Path) -> None:
    path, _ = filled[template_name("routine")]
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path / "r.xlsx", "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace("平时考核\"".encode(), "平时考核2\"".encode())
            dst.writestr(item, data)
    read = read_workbook(tmp_path / "r.xlsx")
    # said as the validators say it (it was "模板结构被改动，无法读取：'平时考核'", a KeyError)
    assert [(i.rule, i.sheet) for i in read.issues] == [("sheet-renamed", "平时考核2")]
    assert "平时考核" in read.issues[0].message and "'" not in read.issues[0].message


def test_blank_inputs_are_warned_not_invented(templates: Path) -> None:
    read = read_workbook(templates / template_name("unit_report", "zh", name="青河县"))
    assert read.valid
    assert {i.rule for i in read.issues} == {"blank-actual"}
    assert all(item["actual"] is None for item in read.document["items"])
    read = read_workbook(templates / template_name("ballots"))
    assert read.document["conduct"] == [] and read.issues == []


def test_not_applicable_comes_back(scheme: Scheme, docs: dict[str, Any], templates: Path,
                                   tmp_path: Path) -> None:
    doc = copy.deepcopy(docs["unit_reports"]["habahe"])
    doc["items"][2].update(actual=None, not_applicable=True, remarks="本县不承担该项任务")
    path = fill_workbook(templates / template_name("unit_report", "zh", name="哈巴河县"), doc,
                         tmp_path / "na.xlsx")
    read = read_workbook(path)
    assert read.document == doc and read.issues == []


def test_a_lead_department_entering_verified_values(tmp_path: Path) -> None:
    from kaohe.pipeline.documents import default_scheme_document
    from workbook_templates import build_lead_scores

    doc = default_scheme_document()
    c05 = next(i for i in doc["indicators"] if i["id"] == "C05")
    c05["input"] = "lead_department"  # the finance bureau verifies budget revenue itself
    scheme = Scheme.from_document(doc)
    path = build_lead_scores(scheme, "czj", tmp_path / "czj.xlsx", generated_at=GENERATED)
    wb, sheets = data_sheets(path)
    cell = key_cell(sheets["scores"], "fuyun", "C05.points")
    assert cell.value.startswith("=IF(ISNUMBER(") and "/70000" in cell.value
    assert "d_jyj" not in [c.value for c in sheets["scores"]["A"]]  # only counties are scored
    entries = [{"unit_id": u.id, "indicator_id": "C05", "value": 1000.0 * (n + 40),
                "rating": None, "count": None, "remarks": "财政决算" if n == 2 else ""}
               for n, u in enumerate(scheme.units_in("county"))]
    document = {"kind": "lead_scores", "scheme_id": "altay-2016", "year": 2016,
                "lead_department": "czj", "entries": entries}
    read = read_workbook(fill_workbook(path, document, tmp_path / "filled.xlsx"))
    assert read.document == document and read.issues == []
