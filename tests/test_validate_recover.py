"""A template's sheet copied into a new workbook (no hidden `_meta`) is read as the template it
exactly is, with a warning naming whose; anything less than an exact copy stays refused."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from tests.templates_helpers import filled_workbooks
from validators.workbook import examine_workbook

U, L = "单位自评表", "牵头部门评分表"


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.fixture(scope="module")
def filled(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return filled_workbooks(scheme, tmp_path_factory.mktemp("recover"))


def _copied(source: Path, target: Path, change: Callable[[Any], None] | None = None) -> Path:
    """Only the data sheets, as "Move or Copy… → new book" leaves them: no `_meta`, no
    instructions."""
    shutil.copy(source, target)
    wb = openpyxl.load_workbook(target)
    for ws in list(wb.worksheets):
        if ws.title == "_meta" or ws.sheet_state != "visible" or ws.title == "填表说明":
            del wb[ws.title]
    if change is not None:
        change(wb)
    wb.save(target)
    return target


@pytest.mark.parametrize(("kind", "words"), [
    ("unit_report", "与“阿勒泰市”的单位自评表模板完全一致，已按该模板读取"),
    ("lead_scores", "与“地委政法委”的牵头部门评分表模板完全一致"),
    ("adjustments", "与加扣分登记表模板完全一致"),
    ("routine", "与平时考核汇总表模板完全一致"),
    ("ballots", "与民主测评及满意度统计表模板完全一致"),
])
def test_an_exact_copy_is_read_with_a_warning_naming_whose(
        kind: str, words: str, filled: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    _, original = examine_workbook(filled[kind], scheme)
    read, report = examine_workbook(_copied(filled[kind], tmp_path / "copy.xlsx"), scheme)
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [
        ["", "", "meta-missing-recovered", "warning"]]
    assert words in report.issues[0].message
    assert report.issues[0].message_en and report.issues[0].hint_en
    assert read.document == examine_workbook(filled[kind], scheme)[0].document
    assert report.kind == original.kind and report.unit_id == original.unit_id


def _set(sheet: str, cell: str, value: Any) -> Callable[[Any], None]:
    def change(wb: Any) -> None:
        wb[sheet][cell].value = value
    return change


@pytest.mark.parametrize(("kind", "change"), [
    ("unit_report", _set(U, "G11", 5)),                  # a locked target changed
    ("unit_report", _set(U, "B2", "自评表")),             # the title changed
    ("unit_report", lambda wb: wb[U].delete_rows(12)),   # a row deleted
    ("lead_scores", _set(L, "D4", "地委组织部")),          # another department's header
    ("unit_report", lambda wb: setattr(wb[U], "title", "Sheet1")),  # renamed
], ids=["target", "title", "row", "owner", "renamed"])
def test_anything_less_than_an_exact_copy_stays_refused(
        kind: str, change: Callable[[Any], None], filled: dict[str, Path], scheme: Scheme,
        tmp_path: Path) -> None:
    _, report = examine_workbook(_copied(filled[kind], tmp_path / "c.xlsx", change), scheme)
    assert report.flatten(["rule"]) == [["not-our-template"]]
