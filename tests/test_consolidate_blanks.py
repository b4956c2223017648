"""A blank that costs points is said at its cell and makes the results provisional, naming
the unit — for a lead department's scoring sheet as for the registers."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from kaohe.pipeline.consolidate import consolidate_folder
from kaohe.pipeline.documents import load_scheme

L = "牵头部门评分表"


def test_a_blank_row_of_a_lead_sheet_is_said_and_makes_the_results_provisional(
        clean_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(clean_folder, folder)
    path = folder / "牵头部门评分表_地委政法委.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[L]
    row = next(c.row for c in ws["A"] if c.value == "altay_city")
    ws.cell(row, 5).value = None  # C01 (rating) of 阿勒泰市 left blank
    wb.save(path)
    run = consolidate_folder(folder, load_scheme(), workers=1)
    assert run.exit_code == 1 and run.rejected == []  # provisional: 1
    said = [i for s in run.submissions for i in s.report.issues
            if i.rule == "blank-score"]
    assert [(i.sheet, i.cell, i.unit_id) for i in said] == [(L, f"E{row}", "altay_city")]
    reasons = [p["reason"] for p in run.results["provisional"]]
    assert reasons == ["“地委政法委”的牵头部门评分表中 1 个单位的评分未填写"
                       "（阿勒泰市·C01 维护社会稳定和长治久安），这些指标按 0 分计"], reasons
    assert "Altay City" in run.results["provisional"][0]["reason_en"]


def test_a_clean_folder_is_final(clean_folder: Path) -> None:
    run = consolidate_folder(clean_folder, load_scheme(), workers=1)
    assert run.results["provisional"] == []
