"""The annotated copy as a clerk prints it: every flagged cell inside the print area (hidden
rows and columns holding one shown), boxed as well as coloured, numbered notes with the fix,
row and column headings on paper, and a 校验结果 list that prints one page wide, its header
repeated and its long messages wrapped. The original is never touched."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.print_settings import PrintArea

from kaohe.cli import main
from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from kaohe.synth import synthesize
from workbook_templates import recalc

U = "单位自评表"
#: A clerk's mistakes, one of each kind: wrong number text, a blank required cell, a formula
#: typed in an input, a changed label, and things written outside the table — below it, right
#: of it and in the hidden column A, all three outside the template's print area (B2:M27).
DAMAGE = {"I12": "4.6万", "I11": None, "D5": None, "I16": "=G16*1.1",
          "D14": "城乡居民收入增长（改）", "B30": "另：本县新增项目三个", "N12": "见附件甲",
          "A29": "x"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workbook_templates import fill_workbook
    from workbook_templates.unit_report import build_unit_report

    scheme = Scheme.from_document(default_scheme_document())
    folder = tmp_path_factory.mktemp("annotate")
    built = build_unit_report(scheme, "burqin", folder / "template.xlsx")
    doc = synthesize(scheme)["unit_reports"]["burqin"]
    return fill_workbook(built, doc, folder / "单位自评表_布尔津县.xlsx")


def _damaged(template: Path, folder: Path, cells: dict[str, object] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / template.name
    shutil.copy(template, path)
    wb = openpyxl.load_workbook(path)
    for cell, value in (DAMAGE if cells is None else cells).items():
        wb[U][cell].value = value
    wb.save(path)
    return path


def _annotate(path: Path, out: Path, lang: str = "zh") -> Path:
    result = CliRunner().invoke(main, ["--lang", lang, "validate", "--no-roster", str(path),
                                       "--annotate", str(out)])
    assert result.exit_code in (0, 1), result.output
    return out / path.name


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _area(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[CellRange]:
    return list(PrintArea.from_string(ws.print_area or "").ranges)


@pytest.fixture(scope="module")
def annotated(template: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> Callable[[str], tuple[Path, Path]]:
    """(original, annotated copy) of the damaged file, by language; made once per language."""
    made: dict[str, tuple[Path, Path]] = {}

    def make(lang: str) -> tuple[Path, Path]:
        if lang not in made:
            folder = tmp_path_factory.mktemp(f"annotated-{lang}")
            original = _damaged(template, folder / "in")
            made[lang] = original, _annotate(original, folder / "out", lang)
        return made[lang]
    return make


def test_the_print_area_takes_in_every_flagged_cell(annotated: Callable[[str], tuple[Path, Path]]
                                                    ) -> None:
    original, copy = annotated("zh")
    before = openpyxl.load_workbook(original)[U]
    assert [r.coord for r in _area(before)] == ["B2:M27"]  # B30, N12, A29 lie outside
    ws = openpyxl.load_workbook(copy)[U]
    (area,) = _area(ws)
    for cell in DAMAGE:
        assert cell in area, (cell, area.coord)
    assert area.coord == "A2:N30"
    assert not ws.column_dimensions["A"].hidden  # A29 is in the hidden column A: shown
    assert ws.row_dimensions[1].hidden  # nothing flagged in the key row: it stays hidden
    assert ws.page_setup.fitToHeight == 1  # three rows more still fit the template's page
    assert ws.print_options.headings  # "I12" can be found on paper
    assert ws.page_setup.cellComments == "atEnd"


def test_flagged_cells_are_boxed_and_their_notes_numbered_with_the_fix(
        annotated: Callable[[str], tuple[Path, Path]]) -> None:
    _, copy = annotated("zh")
    wb = openpyxl.load_workbook(copy)
    ws, listing = wb[U], wb["校验结果"]
    numbers = {row[3]: row[0] for row in listing.iter_rows(min_row=2, values_only=True)}
    assert set(numbers) == set(DAMAGE)
    for cell in DAMAGE:
        assert ws[cell].border.left.style == "medium", cell
        assert ws[cell].comment.text.startswith(f"{numbers[cell]}. "), cell
    assert ws["I12"].fill.fgColor.rgb == "FFFF9999" and ws["I12"].border.top.color.rgb == \
        "FFC00000"
    assert ws["I12"].comment.text == (f"{numbers['I12']}. 一般公共预算收入·完成值：“4.6万” 不是数字"
                                      "\n请输入数字，如 12.3")
    edge = ws["D5"].border  # D5 is merged with E5: boxed as one
    assert {edge.left.style, edge.right.style, edge.top.style, edge.bottom.style} == {"medium"}


def test_the_english_copy_speaks_english(annotated: Callable[[str], tuple[Path, Path]]) -> None:
    _, copy = annotated("en")
    wb = openpyxl.load_workbook(copy)
    assert wb.sheetnames[0] == "Validation" and "校验结果" not in wb.sheetnames
    note = wb[U]["I12"].comment.text
    assert "'4.6万' is not a number" in note and "type a number, e.g. 12.3" in note
    assert "General budget revenue · actual: " in note
    assert wb[U].oddHeader.left.text.startswith("Annotated copy")


def test_the_original_is_never_modified(template: Path, tmp_path: Path) -> None:
    original = _damaged(template, tmp_path / "in")
    before = _digest(original), original.stat().st_mtime_ns
    for lang in ("zh", "en"):
        assert _annotate(original, tmp_path / lang, lang).is_file()
    assert (_digest(original), original.stat().st_mtime_ns) == before
    assert set(original.parent.iterdir()) == {original}  # nothing written beside it


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_list_prints_one_page_wide_with_its_header_and_wrapped_rows(
        lang: str, annotated: Callable[[str], tuple[Path, Path]]) -> None:
    _, copy = annotated(lang)
    ws = openpyxl.load_workbook(copy).worksheets[0]
    setup = ws.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert [r.coord for r in _area(ws)] == [f"A1:H{ws.max_row}"]
    assert ws.oddHeader.left.text == "单位自评表_布尔津县.xlsx"
    assert ws.oddFooter.center.text == "&P / &N" and ws.oddFooter.left.text
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 8).value == "formula-in-input")
    assert all(c.alignment.wrap_text for c in ws[row])
    # The formula message wraps in the 问题 column: the row is two lines tall or more,
    # where an unset height would print one line and cut the rest off.
    assert ws.row_dimensions[row].height >= 30


def test_a_cell_far_outside_is_listed_but_does_not_shrink_the_page(template: Path,
                                                                   tmp_path: Path) -> None:
    copy = _annotate(_damaged(template, tmp_path / "in", {"B30": "备注", "B900": "x"}),
                     tmp_path / "out")
    wb = openpyxl.load_workbook(copy)
    assert [r.coord for r in _area(wb[U])] == ["B2:M30"]
    assert "B900" in [row[3] for row in wb["校验结果"].iter_rows(min_row=2, values_only=True)]


def test_an_earlier_list_in_the_other_language_is_replaced(template: Path,
                                                          tmp_path: Path) -> None:
    first = _annotate(_damaged(template, tmp_path / "in", {"I12": "4.6万"}), tmp_path / "zh")
    again = _annotate(first, tmp_path / "en", "en")
    assert openpyxl.load_workbook(again).sheetnames[0] == "Validation"
    assert "校验结果" not in openpyxl.load_workbook(again).sheetnames


@pytest.mark.libreoffice
def test_the_printed_copy_shows_what_lies_outside_the_template_print_area(
        annotated: Callable[[str], tuple[Path, Path]], tmp_path: Path) -> None:
    """Printed by LibreOffice: the annotated copy carries B30, N12 and A29, the original not."""
    if not (recalc.have_libreoffice() and shutil.which("pdftotext")):
        pytest.skip("needs LibreOffice and poppler's pdftotext")
    original, copy = annotated("zh")

    def printed(path: Path, folder: str) -> str:
        pdf = recalc.render_pdf(path, tmp_path / folder)
        return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout

    before, after = printed(original, "original"), printed(copy, "copy")
    assert "另：本县新增项目三个" not in before and "见附件甲" not in before
    assert "另：本县新增项目三个" in after and "见附件甲" in after
    lines = after.splitlines()
    assert any(line.split()[:2] == ["29", "x"] for line in lines if line.split())
    # the list prints first, whole: each finding's message and fix
    assert "“4.6万” 不是数字" in after and "请输入数字，如 12.3" in after
    assert after.index("“4.6万” 不是数字") < after.index("填表说明")


def _main_type(path: Path) -> str:
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml").decode()
    found = re.search(r'PartName="/xl/workbook.xml" ContentType="([^"]+)"', types)
    assert found, types
    return found.group(1)


def test_a_macro_enabled_workbook_stays_one_excel_opens(template: Path, tmp_path: Path) -> None:
    """An .xlsm clerk's file: its annotated .xlsm copy is macro-enabled inside too (Excel
    refuses a file whose name and content disagree), and its macros are kept."""
    import zipfile

    xlsm = tmp_path / "in" / "单位自评表_布尔津县.xlsm"
    xlsm.parent.mkdir()
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(xlsm, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"ms-excel.sheet.macroEnabled.main+xml")
            dst.writestr(item, data)
        dst.writestr("xl/vbaProject.bin", b"macros of the clerk")
    assert _main_type(xlsm) == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    copy = _annotate(xlsm, tmp_path / "out")
    assert _main_type(copy) == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    with zipfile.ZipFile(copy) as archive:
        assert archive.read("xl/vbaProject.bin") == b"macros of the clerk"
    assert openpyxl.load_workbook(copy).sheetnames[0] == "校验结果"


def test_an_inserted_column_is_flagged_at_its_heading_and_the_key_row_stays_hidden(
        template: Path, tmp_path: Path) -> None:
    path = tmp_path / "in" / template.name
    path.parent.mkdir()
    wb = openpyxl.load_workbook(template)
    wb[U].insert_cols(10)
    wb.save(path)
    ws = openpyxl.load_workbook(_annotate(path, tmp_path / "out"))[U]
    assert ws["J7"].comment is not None and "插入的列" in ws["J7"].comment.text
    assert ws["J1"].comment is None
    assert ws.row_dimensions[1].hidden  # the machine keys are not printed
