"""A scheme whose indicator takes an input its template cannot carry (a rating, a deduction
count or a bonus from the unit's own report) is refused by the scheme check at the indicator's
`input`, not turned into a template with a broken formula."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from kaohe.pipeline.documents import default_scheme_document
from validators.scheme.checks import check_scheme
from workbook_templates.formulas import METHOD_INPUT

PAIRS = [("C01", "rating"), ("C03", "deduction"), ("C03", "bonus")]


@pytest.mark.parametrize(("ind_id", "method"), PAIRS, ids=[m for _, m in PAIRS])
def test_a_method_the_unit_report_cannot_carry_is_refused_at_the_input(
        ind_id: str, method: str) -> None:
    doc = copy.deepcopy(default_scheme_document())
    index, ind = next((i, x) for i, x in enumerate(doc["indicators"]) if x["id"] == ind_id)
    ind["method"], ind["input"] = method, "unit_report"
    if method == "bonus":
        ind["params"] = {"per_item": 0.5, "cap": 2}
    report = check_scheme(doc)
    assert report.flatten(["json_path", "rule"]) == [
        [f"$.indicators[{index}].input", "input-not-carried"]]
    issue = report.issues[0]
    assert f"指标 {ind_id} 的计分方法 {method} 需要" in issue.message
    assert "被考核单位的自评表无法填报" in issue.message and "lead_department" in issue.hint
    assert not report.valid


def test_every_pair_a_template_can_carry_passes() -> None:
    """Each actual-valued method from either template, counts and ratings from the lead sheet."""
    from validators.scheme.checks import _TEMPLATE_INPUTS

    for source, carried in _TEMPLATE_INPUTS.items():
        for method, needs in METHOD_INPUT.items():
            assert (needs in carried) == (needs == "actual" or (
                source == "lead_department" and needs in ("count", "rating"))), (source, method)


def test_located_at_the_cell_of_the_scheme_workbook(tmp_path: Path) -> None:
    from tests.templates_helpers import data_sheets
    from workbook_templates import export_scheme_workbook, import_scheme_workbook

    path = export_scheme_workbook(default_scheme_document(), tmp_path / "方案.xlsx")
    wb, sheets = data_sheets(path)
    ws = sheets["indicators"]
    column = next(c.column_letter for row in ws.iter_rows(max_row=5) for c in row
                  if c.value == "数据填报方")
    row = next(c.row for c in ws["B"] if c.value == "C01")
    ws[f"{column}{row}"].value = "unit_report"
    wb.save(path)
    _, issues = import_scheme_workbook(path)
    assert [(i.sheet, i.cell, i.rule) for i in issues] == [
        (ws.title, f"{column}{row}", "input-not-carried")]


def test_kaohe_templates_writes_nothing_for_such_a_scheme(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from kaohe.cli import main

    doc = copy.deepcopy(default_scheme_document())
    doc["indicators"][0]["input"] = "unit_report"  # C01, a rating
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["templates", str(path), "--out", str(tmp_path / "t")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "$.indicators[0].input" in result.output and "无法填报评定等次" in result.output
    assert not (tmp_path / "t").exists() or not list((tmp_path / "t").iterdir())
