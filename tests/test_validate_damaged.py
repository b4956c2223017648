"""Damaged and hostile workbooks found by fuzzing: each is the smallest mutation of a filled
template that made the validator speak Python (a repr, a library's error text, None, a
field id) instead of saying where and what in a clerk's words.

Each workbook is built here: a template filled with kaohe.synth data, then changed with
openpyxl (cell level) or by editing one part of the zip (XML level).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from kaohe.synth import synthesize

UNIT = "altay_city"
U = "单位自评表"


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.fixture(scope="module")
def unit_report(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workbook_templates import fill_workbook
    from workbook_templates.unit_report import build_unit_report

    folder = tmp_path_factory.mktemp("damaged")
    template = build_unit_report(scheme, UNIT, folder / "t_unit.xlsx")
    return fill_workbook(template, synthesize(scheme)["unit_reports"][UNIT],
                         folder / "单位自评表_altay_city.xlsx")


def _sheet_part(source: Path, dest: Path, sheet_index: int,
                change: Callable[[str], str]) -> Path:
    """A copy whose n-th worksheet part (1-based, the _meta sheet is the last) is edited."""
    name = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(dest, "w",
                                                               zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == name:
                edited = change(data.decode("utf-8"))
                assert edited != data.decode("utf-8")
                data = edited.encode("utf-8")
            out.writestr(info, data)
    return dest


@pytest.mark.parametrize("ref,cell", [
    ('r="A99999999"', "A99999999"),  # fuzz: 8 digits (the used-range scan read up to 7)
    ("r='b99999999'", ""),            # single quotes, lower case
    ('r = "ZZZZZZ9"', ""),            # spaces around "=", six letters
])
def test_a_cell_far_beyond_any_sheet_is_refused_before_it_is_read(
        unit_report: Path, tmp_path: Path, ref: str, cell: str) -> None:
    # fuzz: <c r="A99999999"> in the data sheet → python-calamine asked for 41 GB and
    # aborted the whole process (no finding, no traceback: the run just died). In a real
    # process, as a clerk runs it: a Rust abort cannot be caught inside a test.
    path = _sheet_part(unit_report, tmp_path / unit_report.name, 2,
                       lambda xml: re.sub(r'<c r="B\d+"', f"<c {ref}", xml, count=1))
    done = subprocess.run([sys.executable, "-m", "kaohe", "--lang", "en", "validate", "--json",
                           str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr[-800:]  # nothing usable: the file is refused
    issues = json.loads(done.stdout)["files"][0]["issues"]
    assert [(i["rule"], i["sheet"]) for i in issues] == [("too-many-cells", U)]
    assert issues[0]["cell"] == cell
    assert "is too large" in issues[0]["message_en"]
