"""The office edits the scheme in Excel and uses the workbook directly with every command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl

KAOHE = str(Path(sys.executable).with_name("kaohe"))


def kaohe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KAOHE, *args], capture_output=True, text=True, timeout=300)


def test_templates_from_an_edited_scheme_workbook(tmp_path: Path) -> None:
    book = tmp_path / "考核方案.xlsx"
    assert kaohe("scheme", "export", "--out", str(book)).returncode == 0
    proc = kaohe("templates", str(book), "--out", str(tmp_path / "t"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "t" / "单位自评表_阿勒泰市.xlsx").exists()


def test_a_broken_scheme_workbook_is_refused_with_sheet_and_cell(tmp_path: Path) -> None:
    book = tmp_path / "考核方案.xlsx"
    assert kaohe("scheme", "export", "--out", str(book)).returncode == 0
    wb = openpyxl.load_workbook(book)
    ws = next(ws for ws in wb.worksheets if ws.title in ("考核指标", "indicators"))
    column = next(c.column for c in ws[1] if c.value == "full_score")
    row = next(c.row for c in ws["B"] if c.value == "C01")
    cell = ws.cell(row=row, column=column)
    cell.value = "十二分"
    wb.save(book)
    proc = kaohe("templates", str(book), "--out", str(tmp_path / "t"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "考核指标" in proc.stderr and cell.coordinate in proc.stderr
    assert not (tmp_path / "t").exists()
