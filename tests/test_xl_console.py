"""The office console kaohe.xlsm: its VBA (read with olevba), buttons, names, xlwings.conf."""

from __future__ import annotations

import importlib
import re
import struct
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import olefile
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.cli import main
from workbook_templates.recalc import find_soffice
from xl_addin import console, vba

# olevba's OpenXML parser leaves a zip file for the garbage collector to close.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

REPO = Path(__file__).resolve().parent.parent
RUNPYTHON = re.compile(r'RunPython\s+"import (\w+); \1\.(\w+)\(\)"')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return console.build_console(tmp_path_factory.mktemp("console"))


@pytest.fixture
def generated_module(built: list[Path]) -> Iterator[Any]:
    sys.path.insert(0, str(built[1].parent))
    try:
        sys.modules.pop(console.MODULE, None)
        yield importlib.import_module(console.MODULE)
    finally:
        sys.path.remove(str(built[1].parent))
        sys.modules.pop(console.MODULE, None)


def macros(path: Path) -> dict[str, str]:
    """VBA module name → source, as olevba reads them."""
    with warnings.catch_warnings():  # olevba's pyparsing grammar warns when first imported
        warnings.simplefilter("ignore")
        from oletools.olevba import VBA_Parser
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_build_writes_the_workbook_and_its_module(built: list[Path]) -> None:
    assert [p.name for p in built] == ["kaohe.xlsm", "kaohe_console.py"]
    assert all(p.is_file() for p in built)


def test_every_runpython_target_exists_and_imports(built: list[Path],
                                                   generated_module: Any) -> None:
    source = macros(built[0])["Module1"]
    targets = RUNPYTHON.findall(source)
    assert {f for _, f in targets} == {e.script for e in console.ENTRIES}
    for module, function in targets:
        assert module == console.MODULE
        assert callable(getattr(generated_module, function))
    for entry in console.ENTRIES:
        assert f"Sub {entry.macro}()" in source


def test_the_wrappers_are_thin_and_call_the_scripts(built: list[Path]) -> None:
    text = built[1].read_text(encoding="utf-8")
    for entry in console.ENTRIES:
        body = text.split(f"def {entry.script}():")[1].split("\n\n")[0]
        assert "xw.Book.caller()" in body and f"scripts.{entry.script}" in body
        assert len(body.strip().splitlines()) <= 3


def test_buttons_run_the_macros(built: list[Path]) -> None:
    with zipfile.ZipFile(built[0]) as xlsm:
        vml = "".join(xlsm.read(n).decode() for n in xlsm.namelist() if n.endswith(".vml"))
    bound = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    assert bound == [e.macro for e in console.ENTRIES]
    assert set(bound) <= set(re.findall(r"Sub (\w+)\(\)", macros(built[0])["Module1"]))


def test_named_cells_and_xlwings_conf(built: list[Path]) -> None:
    wb = openpyxl.load_workbook(built[0])
    assert wb.sheetnames == [console.CONSOLE_SHEET, console.CONF_SHEET]
    for name in [n for n, _, _ in console.INPUTS] + [console.OUTPUT_NAME]:
        ((sheet, cell),) = wb.defined_names[name].destinations
        assert sheet == console.CONSOLE_SHEET, name
    ((_, lang_cell),) = wb.defined_names["kaohe_lang"].destinations
    assert wb[console.CONSOLE_SHEET][lang_cell.replace("$", "")].value == "zh"
    conf = {r[0]: r[1] for r in wb[console.CONF_SHEET].iter_rows(values_only=True)}
    assert conf["UDF Modules"] == "xl_addin.udfs"
    assert wb[console.CONF_SHEET]["A1"].value  # the settings start in A1, no gaps
    udfs = importlib.import_module(conf["UDF Modules"])
    assert {n for n in dir(udfs) if n.startswith("KAOHE_")} == set(udfs.__all__)


def test_the_summary_column_is_monospaced(built: list[Path]) -> None:
    # The summary is a text table aligned with spaces; a proportional font scattered it.
    sheet = openpyxl.load_workbook(built[0])[console.CONSOLE_SHEET]
    ((_, cell),) = sheet.parent.defined_names[console.OUTPUT_NAME].destinations
    column = "".join(c for c in cell if c.isalpha())
    assert sheet.column_dimensions[column].font.name == console.SUMMARY_FONT == "NSimSun"


def test_sheet_code_names_match_the_vba_document_modules(built: list[Path]) -> None:
    with zipfile.ZipFile(built[0]) as xlsm:
        names = re.findall(r'codeName="(\w+)"', "".join(
            xlsm.read(n).decode() for n in xlsm.namelist()
            if n.startswith("xl/worksheets/sheet") or n == "xl/workbook.xml"))
    assert set(names) == {"ThisWorkbook", "Sheet1", "Sheet2"}
    assert {"ThisWorkbook", "Sheet1", "Sheet2"} <= set(macros(built[0]))


def _vba_project(path: Path) -> bytes:
    with zipfile.ZipFile(path) as xlsm:
        return xlsm.read("xl/vbaProject.bin")


def test_the_vba_project_is_the_quickstarts_with_the_pcode_purged(built: list[Path]) -> None:
    project = _vba_project(built[0])
    ole = olefile.OleFileIO(project)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == vba.PURGED_VBA_PROJECT
    directory = vba.decompress(ole.openstream("VBA/dir").read())
    offsets = [struct.unpack_from("<I", directory, start)[0]
               for rid, start, _ in vba._records(directory) if rid == vba.MODULE_OFFSET]
    assert offsets == [0, 0, 0, 0]
    assert b"xlwings.xlam" in directory  # the reference to the xlwings add-in is kept
    quickstart = vba.module_sources(_vba_project(console._quickstart(False)))
    ours = vba.module_sources(project)
    assert {k: v for k, v in ours.items() if k != "Module1"} == \
        {k: v for k, v in quickstart.items() if k != "Module1"}


def test_standalone_embeds_the_xlwings_module(tmp_path: Path) -> None:
    book, _ = console.build_console(tmp_path, standalone=True)
    found = macros(book)
    assert "xlwings" in found and "Function RunPython" in found["xlwings"]
    assert RUNPYTHON.search(found["Module1"])


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000) | st.text(alphabet="Sub End()\r\n ab\"", max_size=9000)
       .map(lambda t: t.encode()))
def test_compression_round_trips(data: bytes) -> None:
    assert vba.decompress(vba.compress(data)) == data


def test_compression_shrinks_source_text() -> None:
    text = console.vba_source().encode("cp1252") * 20
    assert len(vba.compress(text)) < len(text) / 3


def test_the_compound_file_holds_streams_large_and_small() -> None:
    streams = {"PROJECT": b"x" * 10, "VBA/dir": bytes(range(256)) * 20, "VBA/a": b"",
               "VBA/Module1": b"y" * 5000, "VBA/sub/deep": b"z" * 4096}
    ole = olefile.OleFileIO(vba.write_cfb(streams))
    for path, data in streams.items():
        assert ole.openstream(path).read() == data


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_imports_the_macros_and_binds_the_buttons(built: list[Path],
                                                              tmp_path: Path) -> None:
    """An independent VBA importer reads the purged project and the buttons' macros."""
    subprocess.run([find_soffice() or "soffice", "--headless", "--norestore",
                    f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "ods",
                    "--outdir", str(tmp_path), str(built[0])], check=True, timeout=180,
                   capture_output=True)
    with zipfile.ZipFile(tmp_path / "kaohe.ods") as ods:
        module = ods.read("Basic/VBAProject/Module1.xml").decode()
        content = ods.read("content.xml").decode()
    for entry in console.ENTRIES:
        assert f"Sub {entry.macro}()" in module
        assert f"VBAProject.Module1.{entry.macro}?" in content


def test_cli_addin_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["addin", "build", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "kaohe.xlsm").is_file() and "kaohe_console.py" in result.output
    assert "请在装有 xlwings 加载项的 Excel 中打开 kaohe.xlsm" in result.output  # zh by default
    english = CliRunner().invoke(main, ["--lang", "en", "addin", "build", str(tmp_path / "e")])
    assert "Open kaohe.xlsm in Excel" in english.output and "请" not in english.output
    sheet = openpyxl.load_workbook(tmp_path / "e" / "kaohe.xlsm").worksheets[0]
    assert sheet.title == "Console" and sheet["C4"].value == "en"
    for args in (["addin", "--help"], ["addin", "build", "--help"]):
        assert "Example:" in CliRunner().invoke(main, args).output


def test_xlwings_is_imported_only_in_xl_addin() -> None:
    pattern = re.compile(r"^\s*(import xlwings|from xlwings)", re.MULTILINE)
    offenders = [str(p.relative_to(REPO)) for folder in ("kaohe", "workbook_templates",
                                                         "validators")
                 for p in (REPO / folder).rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert offenders == []
    pure = ["convert", "findings", "snapshot", "tasks", "console", "vba", "office", "bundle",
            "wheelhouse"]
    assert [m for m in pure if pattern.search((REPO / "xl_addin" / f"{m}.py").read_text("utf-8"))
            ] == []


@pytest.mark.parametrize("standalone", [False, True])
def test_our_readers_agree_with_olefile_and_oletools(standalone: bool) -> None:
    """vba.read_cfb / vba.decompress (standard library only) against the reference readers."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from oletools.olevba import decompress_stream
    project = _vba_project(console._quickstart(standalone))
    ole = olefile.OleFileIO(project)
    ours = vba.read_cfb(project)
    assert ours == {"/".join(p): ole.openstream(p).read() for p in ole.listdir(streams=True)}
    packed = ours["VBA/dir"]
    assert vba.decompress(packed) == bytes(decompress_stream(bytearray(packed)))
    sources = vba.module_sources(project)
    assert "Sub SampleCall()" in sources["Module1"]
    assert ("Function RunPython" in sources["xlwings"]) if standalone else "xlwings" not in sources


def _texts(path: Path) -> list[str]:
    """Every text the office reads on the console sheet: cells and button captions."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    with zipfile.ZipFile(path) as xlsm:
        vml = "".join(xlsm.read(n).decode() for n in xlsm.namelist() if n.endswith(".vml"))
    captions = re.findall(r"<font[^>]*>([^<]+)</font>", vml)
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    return cells + captions


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_console_speaks_one_language(tmp_path: Path, lang: str) -> None:
    path = console.build_console(tmp_path, lang=lang)[0]
    texts = [t for t in _texts(path) if t not in ("zh", "en", "zh 中文 / en English")]
    captions = [e.text(lang)[0] for e in console.ENTRIES]
    assert set(captions) <= set(texts)  # every button, captioned in the language
    cjk = [t for t in texts if any(ord(ch) > 0x2E80 for ch in t)]
    if lang == "en":
        assert cjk == []
    else:  # Chinese labels; Latin only in file names and the like
        assert not [t for t in texts if not any(ord(ch) > 0x2E80 for ch in t)
                    and re.search(r"[A-Za-z]{4,}", t) and "history.sqlite" not in t]
    wb = openpyxl.load_workbook(path)
    assert wb.worksheets[0].title == console.CONSOLE_SHEETS[lang]
    assert wb[console.CONF_SHEET].sheet_state == "hidden"
    labels = {n: wb.worksheets[0].cell(4 + i, 2).value for i, (n, _, _) in
              enumerate(console.INPUTS)}
    assert labels["kaohe_scheme"] == ("Scheme file" if lang == "en" else "考核方案文件")


def test_ten_buttons_in_the_order_of_the_year(built: list[Path]) -> None:
    captions = [e.text("zh")[0] for e in console.ENTRIES]
    assert captions == ["分发模板", "收集情况", "退回通知", "校验工作簿", "计算暂估得分", "汇总",
                        "发布", "反馈", "申诉", "历史"]
    assert [e.script for e in console.ENTRIES if not e.on_target] == [
        "distribute_templates", "track_submissions", "return_notices", "consolidate_folder",
        "publish_results", "write_feedback", "appeals", "unit_history"]
