"""Formula cells found in the sheet XML: the one-pass fast path agrees with the cell-by-cell
reading, and falls back to it whenever a formula stands anywhere but first in its cell."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from validators.container.files import open_checked
from validators.reading.xlsx_read import WorkbookFile, _formulas_cell_by_cell, _formulas_of
from validators.workbook import validate_workbook

SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         '<sheetData>{rows}</sheetData>{tail}</worksheet>')


def _xml(rows: str, tail: str = "") -> bytes:
    return SHEET.format(rows=rows, tail=tail).encode()


@pytest.mark.parametrize(("rows", "tail", "expected"), [
    ('<row r="1"><c r="A1"><v>1</v></c><c r="B1" s="2"><f>A1*2</f><v>2</v></c>'
     '<c r="C1" t="str"><f>IF(A1&gt;0,"是","否")</f></c></row>', "",
     {"B1": "=A1*2", "C1": '=IF(A1>0,"是","否")'}),
    # shared formulas: the other cells of the range carry an empty <f .../>
    ('<row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">B2+1</f></c></row>'
     '<row r="3"><c r="A3"><f t="shared" si="0"/></c><c r="B3"/></row>', "",
     {"A2": "=B2+1", "A3": "="}),
    # pretty-printed, a namespace prefix
    ('<x:row r="4">\n  <x:c r="D4">\n    <x:f>SUM(A1:A3)</x:f>\n  </x:c>\n</x:row>', "",
     {"D4": "=SUM(A1:A3)"}),
    # a formula after the value (not the order the format prescribes): the slow path
    ('<row r="5"><c r="E5"><v>3</v><f>1+2</f></c><c r="F5"><f>7</f></c></row>', "",
     {"E5": "=1+2", "F5": "=7"}),
    # an x14 data validation's <xm:f> outside any cell is no cell's formula
    ('<row r="6"><c r="G6"><f>1</f></c></row>',
     '<extLst><ext><x14:dataValidations><x14:dataValidation><x14:formula1>'
     '<xm:f>_lists!$A$1:$A$3</xm:f></x14:formula1></x14:dataValidation>'
     '</x14:dataValidations></ext></extLst>', {"G6": "=1"}),
    # a self-closing cell before a stray formula: not that cell's formula
    ('<row r="7"><c r="H7"/><f>9</f><c r="I7"><v>1</v></c></row>', "", {}),
    ('<row r="8"><c r="J8" t="n"><v>8</v></c></row>', "", {}),
])
def test_fast_and_cell_by_cell_agree(rows: str, tail: str, expected: dict[str, str]) -> None:
    xml = _xml(rows, tail)
    assert _formulas_cell_by_cell(xml) == expected
    assert _formulas_of(xml) == expected


def test_every_template_sheet_reads_the_same_both_ways(tmp_path: Path) -> None:
    from workbook_templates import build_templates

    scheme = Scheme.from_document(default_scheme_document())
    build_templates(scheme, tmp_path)
    sheets = 0
    for path in sorted(tmp_path.rglob("*.xlsx")):
        with zipfile.ZipFile(path) as archive:
            for part in archive.namelist():
                if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                    xml = archive.read(part)
                    assert _formulas_of(xml) == _formulas_cell_by_cell(xml), (path, part)
                    sheets += 1
    assert sheets > 10


def test_formulas_from_memory_equal_formulas_from_the_file(tmp_path: Path) -> None:
    from workbook_templates.unit_report import build_unit_report

    scheme = Scheme.from_document(default_scheme_document())
    path = build_unit_report(scheme, "altay_city", tmp_path / "unit.xlsx")
    issues, checked = open_checked(path)
    assert issues == [] and checked is not None
    from_disk, in_memory = WorkbookFile(path), WorkbookFile(path, checked)
    assert in_memory.names == from_disk.names
    for name in from_disk.names:
        assert in_memory.rows(name) == from_disk.rows(name)
        assert in_memory.formula_cells(name) == from_disk.formula_cells(name)
    assert any(in_memory.formula_cells(name) for name in in_memory.names)


def test_a_formula_replaced_by_a_typed_value_is_found(tmp_path: Path) -> None:
    from workbook_templates.unit_report import build_unit_report

    scheme = Scheme.from_document(default_scheme_document())
    path = build_unit_report(scheme, "altay_city", tmp_path / "unit.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["单位自评表"]
    assert isinstance(ws["M11"].value, str) and ws["M11"].value.startswith("=")
    ws["M11"].value = 8
    wb.save(path)
    found = validate_workbook(path, scheme).flatten(["cell", "rule"])
    assert ["M11", "formula-replaced"] in found


def test_examining_every_kind_of_workbook_never_imports_openpyxl(tmp_path: Path) -> None:
    # openpyxl (and numpy, which it imports when present) is for writing: a consolidation's
    # worker processes only read, and importing it there cost ~0.1–0.2 s per process.
    import subprocess
    import sys

    from kaohe.pipeline.demo import fill_submissions
    from kaohe.synth import synthesize
    from workbook_templates import build_templates

    scheme = Scheme.from_document(default_scheme_document())
    build_templates(scheme, tmp_path / "templates")
    fill_submissions(synthesize(scheme, seed=3), tmp_path / "templates", tmp_path / "in")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kaohe.pipeline.consolidate import consolidate_folder\n"
        "from kaohe.pipeline.documents import load_scheme\n"
        f"run = consolidate_folder(Path({str(tmp_path / 'in')!r}), load_scheme(), workers=1)\n"
        "assert run.exit_code == 0, run.exit_code\n"
        "kinds = sorted({s.kind for s in run.submissions})\n"
        "print(kinds, 'openpyxl' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["['adjustments',", "'ballots',", "'lead_scores',",
                                   "'routine',", "'unit_report']", "False"]
