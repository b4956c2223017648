"""The scheme workbook: JSON -> workbook -> JSON is lossless; a broken one gives located issues."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from kaohe.engine.model import Scheme
from kaohe.pipeline.documents import default_scheme_document
from tests.conftest import small_scheme_doc
from tests.templates_helpers import GENERATED, data_sheets
from workbook_templates import export_scheme_workbook, import_scheme_workbook, read_workbook


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scheme") / "考核方案.xlsx"
    return export_scheme_workbook(default_scheme_document(), path, generated_at=GENERATED)


def test_default_scheme_round_trip_is_lossless(exported: Path) -> None:
    doc, issues = import_scheme_workbook(exported)
    assert issues == []
    assert doc == default_scheme_document()
    Scheme.from_document(doc)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_small_scheme_with_explicit_nulls_round_trips(tmp_path: Path, lang: str) -> None:
    original = small_scheme_doc()
    original["name_en"] = "Test"
    original["indicators"][0]["measure_unit"] = ""
    original["indicators"][0]["targets"] = {}
    original["indicators"][1]["name_en"] = None
    original["indicators"].append({
        "id": "I3", "name": "空气质量", "component": "year_end", "full_score": 5,
        "method": "tiered", "groups": ["county"], "lead_department": "lead",
        "params": {"basis": "value", "interpolate": True,
                   "tiers": [{"min": 80, "points": 2}, {"min": 95, "points": 5}],
                   "note": "kept in the other-parameters column"}})
    path = export_scheme_workbook(original, tmp_path / f"s_{lang}.xlsx", lang)
    doc, issues = import_scheme_workbook(path)
    assert doc == original, [i.text() for i in issues]


def test_workbook_layout_for_the_office(exported: Path) -> None:
    wb, sheets = data_sheets(exported)
    assert wb.sheetnames[:3] == ["填表说明", "方案信息", "考核组别"]
    ind = sheets["indicators"]
    headers = [c.value for c in ind[3] if c.value]
    assert "计分方法" in headers and "分档 tiers（JSON）" in headers and "完成率上限 cap" in headers
    keys = [c.value for c in ind[1] if c.value]
    assert "params.cap" in keys and "params.tiers" in keys
    assert ind.protection.sheet and ind.protection.insertRows is False
    c08 = next(r for r in ind.iter_rows(min_row=4) if r[1].value == "C08")
    tiers = c08[keys.index("params.tiers")].value  # keys[0] is the A1 mark, like the row
    assert tiers.startswith('[{"min": 0.6')
    assert wb["_meta"].sheet_state == "hidden"
    assert read_workbook(exported).kind == "scheme"


def _edit(path: Path, dest: Path, edits: dict[tuple[str, str], Any]) -> Path:
    wb, sheets = data_sheets(path)
    for (role, coordinate), value in edits.items():
        sheets[role][coordinate].value = value
    wb.save(dest)
    return dest


def test_edits_in_the_workbook_become_the_scheme(exported: Path, tmp_path: Path) -> None:
    edited = _edit(exported, tmp_path / "e.xlsx", {
        ("info", "C6"): 2017,                     # year
        ("indicators", "G4"): 14,                 # C01 full score
        ("groups", "B9"): "special", ("groups", "C9"): "专项组",  # a new group in a spare row
    })
    doc, issues = import_scheme_workbook(edited)
    assert doc["year"] == 2017 and doc["indicators"][0]["full_score"] == 14
    assert doc["groups"][-1] == {"id": "special", "name": "专项组"}
    rules = {i.rule for i in issues}
    assert rules  # the new group has no weights or bands: reported, not silently accepted
    assert all(i.sheet and i.cell for i in issues if i.json_path.startswith("$.groups"))


def test_a_broken_scheme_workbook_gives_located_issues(exported: Path, tmp_path: Path) -> None:
    broken = _edit(exported, tmp_path / "b.xlsx", {
        ("info", "C4"): "2016 年方案",           # scheme_id: not an identifier
        ("indicators", "G5"): "十分",            # C02 full score: not a number
        ("indicators", "H6"): "magic",           # C03 method
        ("indicators", "AC11"): "[{min: 0.6}]",  # C08 tiers: broken JSON
        ("units", "E5"): "nowhere",              # burqin's group
        ("weights", "D4"): 150,                  # a weight above 100
    })
    doc, issues = import_scheme_workbook(broken)
    where = {(i.sheet, i.cell): i for i in issues}
    assert where[("方案信息", "C4")].json_path == "$.scheme_id"
    assert where[("考核指标", "G5")].rule == "not-a-number"
    assert where[("考核指标", "H6")].json_path == "$.indicators[2].method"
    assert where[("考核指标", "AC11")].rule == "invalid-json"
    assert ("被考核单位", "E5") in where
    assert ("部分权重", "D4") in where
    for issue in issues:
        assert issue.file == str(broken) and issue.message and issue.message_en
    assert all(i.sheet and i.cell for i in issues), [i.text() for i in issues if not i.cell]


def test_importing_a_clerk_template_is_refused(tmp_path: Path) -> None:
    from workbook_templates import build_routine

    path = build_routine(Scheme.from_document(copy.deepcopy(default_scheme_document())),
                         tmp_path / "r.xlsx")
    _, issues = import_scheme_workbook(path)
    assert [i.rule for i in issues] == ["not-a-scheme-workbook"]
