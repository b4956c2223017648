"""Templates edited and saved by LibreOffice (WPS's stand-in here) read as the same edit made
by openpyxl does: every template kind, opened in headless LibreOffice, a value typed, a row
deleted, a row inserted or a column widened, saved as .xlsx — exactly the findings of the
same edit written with openpyxl (no false too-many-cells for the empty rows LibreOffice
writes with only a height or a format; a deleted row named as a deleted row)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from tests.templates_helpers import filled_workbooks
from validators.workbook import validate_workbook

pytestmark = pytest.mark.libreoffice

U, L, EV, RT, CO = "单位自评表", "牵头部门评分表", "加扣分登记", "平时考核", "德和作风测评"
# kind -> (sheet, input cell and what is typed there, a data row, a column to widen)
WHERE: dict[str, tuple[str, str, Any, int, str]] = {
    "unit_report": (U, "I12", 24000, 12, "J"),
    "lead_scores": (L, "E9", "较好", 10, "E"),
    "adjustments": (EV, "K6", "说明已补充", 7, "K"),
    "routine": (RT, "E6", 88, 7, "D"),
    "ballots": (CO, "E6", 5, 7, "D"),
}
EDITS = ("type", "delete_row", "insert_row", "width")
CASES = [(kind, edit) for kind in WHERE for edit in EDITS]


def _lo_edit(kind: str, edit: str) -> dict[str, Any]:
    sheet, cell, value, row, column = WHERE[kind]
    if edit == "type":
        return {"op": "type", "sheet": sheet, "cell": cell, "text": str(value)}
    if edit == "width":
        return {"op": "width", "sheet": sheet, "column": column, "width": 40}
    return {"op": edit, "sheet": sheet, "row": row}


def _openpyxl_edit(path: Path, kind: str, edit: str) -> None:
    sheet, cell, value, row, column = WHERE[kind]
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    if edit == "type":
        ws[cell].value = value
    elif edit == "delete_row":
        ws.delete_rows(row)
    elif edit == "insert_row":
        ws.insert_rows(row)
    else:
        ws.column_dimensions[column].width = 40
    wb.save(path)


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.fixture(scope="module")
def edited(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each (kind, edit) made twice: by LibreOffice (one soffice for all) and by openpyxl."""
    from tests.libreoffice_edits import edit_in_libreoffice

    folder = tmp_path_factory.mktemp("lo-edits")
    filled = filled_workbooks(scheme, folder)
    jobs, out = [], {}
    for kind, edit in CASES:
        by_lo, by_openpyxl = folder / f"lo-{kind}-{edit}.xlsx", folder / f"py-{kind}-{edit}.xlsx"
        jobs.append({"src": str(filled[kind]), "dst": str(by_lo),
                     "edits": [_lo_edit(kind, edit)]})
        shutil.copy(filled[kind], by_openpyxl)
        _openpyxl_edit(by_openpyxl, kind, edit)
        out[(kind, edit)] = (by_lo, by_openpyxl)
    edit_in_libreoffice(jobs)
    return out


@pytest.mark.parametrize(("kind", "edit"), CASES, ids=[f"{k}-{e}" for k, e in CASES])
def test_libreoffice_saves_read_as_openpyxl_saves(kind: str, edit: str, edited: dict[str, Any],
                                                   scheme: Scheme) -> None:
    by_lo, by_openpyxl = edited[(kind, edit)]
    columns = ["sheet", "cell", "rule"]
    want = validate_workbook(by_openpyxl, scheme).flatten(columns)
    got = validate_workbook(by_lo, scheme).flatten(columns)
    assert got == want
    if edit == "delete_row":
        assert [rule for _, _, rule in got] == ["row-deleted"], got
