"""The xlwings Lite entry module: what main.py imports, the console a Lite workbook gets, and
the /data folders a blank console cell means under Pyodide. (The same code running inside
Pyodide itself: tests/test_pyodide.py.)"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

from tests.xlharness import run_script  # sets the key before xl_addin loads
from xl_addin import console, lite, scripts, sheets, udfs


def test_main_py_gets_every_function_and_script() -> None:
    for entry in console.ENTRIES:
        assert getattr(lite, entry.script) is getattr(scripts, entry.script)
        assert entry.script in lite.__all__
    assert set(udfs.__all__) <= set(lite.__all__)
    assert {"setup_console", "setup_console_en"} <= set(lite.__all__)


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "lite.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(path)
    return path


@pytest.mark.parametrize(("script", "lang"), [(lite.setup_console, "zh"),
                                              (lite.setup_console_en, "en")])
def test_setup_console_adds_the_named_cells(tmp_path: Path, script: object, lang: str) -> None:
    done = run_script(script, _empty(tmp_path), tmp_path / "console.xlsx")
    assert done.alerts == []
    wb = openpyxl.load_workbook(done.output)
    name = console.CONSOLE_SHEETS[lang]
    assert wb.sheetnames[0] == name
    cells = {}
    for key, _, _ in console.INPUTS:
        ((sheet, cell),) = wb.defined_names[key].destinations
        assert sheet == name
        cells[key] = wb[sheet][cell.replace("$", "")].value
    assert cells["kaohe_lang"] == lang
    assert cells["kaohe_folder"] == "/data/submissions" and cells["kaohe_output"] == "/data/output"
    assert wb[name]["B5"].value == ("Scheme file" if lang == "en" else "考核方案文件")
    assert console.OUTPUT_NAME in wb.defined_names


def test_a_lite_console_runs_the_buttons(tmp_path: Path) -> None:
    set_up = run_script(lite.setup_console, _empty(tmp_path), tmp_path / "console.xlsx").output
    wb = openpyxl.load_workbook(set_up)
    for key, value in (("kaohe_output", str(tmp_path / "out")),
                       ("kaohe_folder", str(tmp_path / "nowhere"))):
        ((sheet, cell),) = wb.defined_names[key].destinations
        wb[sheet][cell.replace("$", "")] = value
    wb.save(set_up)
    done = run_script(lite.distribute_templates, set_up, tmp_path / "after.xlsx")
    assert done.alerts == []
    assert len(list((tmp_path / "out" / "分发").glob("*.zip"))) > 30
    done = run_script(lite.track_submissions, set_up, tmp_path / "after2.xlsx")
    assert len(done.alerts) == 1 and "填报文件夹" in done.alerts[0]["prompt"]


def test_under_pyodide_a_blank_folder_is_the_data_folder(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_xl_scripts import console_xlsx
    from tests.xlharness import open_book

    book = open_book(console_xlsx(tmp_path, folder="/data/mine"))
    monkeypatch.setattr(sys, "platform", "win32")
    assert sheets.settings(book).path("output") is None
    monkeypatch.setattr(sys, "platform", "emscripten")
    found = sheets.settings(book)
    assert found.path("output") == Path("/data/output")
    assert found.path("folder") == Path("/data/mine")  # what is typed stays
