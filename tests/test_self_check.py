"""The unit report checks itself (no Python): under LibreOffice, the 自查 cell, the flagged
cells (conditional formatting) and the provisional points agree with the validators on a
planted set of mistakes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import range_boundaries

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from tests.templates_helpers import filled_workbooks
from validators.workbook import validate_workbook

U = "单位自评表"
# A number stored as text (C04, %), 80% typed in 万元 (C05), −5 people (C09), C10 left blank
MISTAKES: dict[str, tuple[Any, str]] = {"I11": ("6.8", ""), "I12": (0.8, "0%"),
                                        "I16": (-5, ""), "I17": (None, "")}
PROBE = 30  # a column far right: each conditional format's formula, copied per cell


def _planted(source: Path, target: Path, mistakes: dict[str, tuple[Any, str]],
             probes: bool = False) -> Path:
    """The mistakes typed; with `probes`, each conditional format's formula also copied into
    column PROBE of its cells' rows, for LibreOffice to compute (that copy is not validated:
    the probes lie outside the table)."""
    shutil.copy(source, target)
    wb = openpyxl.load_workbook(target)
    ws = wb[U]
    for cell, (value, number_format) in mistakes.items():
        ws[cell].value = value
        if number_format:
            ws[cell].number_format = number_format
    for rules in ws.conditional_formatting if probes else ():
        for rule in rules.rules:
            for bounds in str(rules.sqref).split():
                low_col, low_row, high_col, high_row = range_boundaries(bounds)
                origin = openpyxl.utils.get_column_letter(low_col) + str(low_row)
                for row in range(low_row, high_row + 1):
                    probe = ws.cell(row, PROBE)
                    moved = Translator("=" + rule.formula[0], origin).translate_formula(
                        f"I{row}")
                    probe.value = (f"={probe.value[1:]}+({moved[1:]})" if probe.value
                                   else f"=0+({moved[1:]})")
    wb.save(target)
    return target


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from workbook_templates.recalc import recalculate_many

    scheme = Scheme.from_document(default_scheme_document())
    folder = tmp_path_factory.mktemp("self-check")
    clean = filled_workbooks(scheme, folder)["unit_report"]
    files = {"clean": _planted(clean, folder / "clean.xlsx", {}),
             "planted": _planted(clean, folder / "planted.xlsx", MISTAKES)}
    probed = [_planted(clean, folder / "clean-probed.xlsx", {}, probes=True),
              _planted(clean, folder / "planted-probed.xlsx", MISTAKES, probes=True)]
    out = recalculate_many(probed, folder / "out")
    return {"scheme": scheme, "files": files,
            "sheets": {k: openpyxl.load_workbook(p, data_only=True)[U]
                       for k, p in zip(files, out, strict=True)}}


@pytest.mark.libreoffice
def test_a_clean_report_checks_clean(recalculated: dict[str, Any]) -> None:
    ws = recalculated["sheets"]["clean"]
    assert ws["J5"].value == "自查：未发现问题"
    assert all(not ws.cell(row, PROBE).value for row in range(8, 25))
    assert validate_workbook(recalculated["files"]["clean"], recalculated["scheme"]).issues == []


@pytest.mark.libreoffice
def test_the_self_check_and_the_validators_agree(recalculated: dict[str, Any]) -> None:
    ws = recalculated["sheets"]["planted"]
    report = validate_workbook(recalculated["files"]["planted"], recalculated["scheme"])
    said = {(cell, rule) for _, cell, rule in report.flatten(["sheet", "cell", "rule"])}
    assert said == {("I11", "number-as-text"), ("I12", "percent-not-allowed"),
                    ("I16", "negative-value"), ("I17", "blank-actual")}
    assert ws["J5"].value == "自查：4 处需修改"
    flagged = {f"I{row}" for row in range(8, 25) if ws.cell(row, PROBE).value}
    assert flagged == {cell for cell, _ in said}
    # the points of such rows say why they show nothing; a blank scores nothing
    assert ws["M11"].value == "请改为数字" and ws["M12"].value == "请去掉%号"
    assert ws["M17"].value in (None, "")
