"""The office cycle's pipeline pieces on their own: file names, notices, appeal forms, review
notices (the console's tests, tests/test_xl_office.py, run them end to end)."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.pipeline.appeals import appeal_forms, decided, review_notices
from kaohe.pipeline.distribute import file_safe
from kaohe.pipeline.notices import notice_book
from kaohe.pipeline.tracker import Status, to_chase, tracker_rows


@pytest.mark.parametrize(("text", "safe"), [
    ("阿勒泰市", "阿勒泰市"), ('a/b\\c:d*e?"f<g>h|', "a_b_c_d_e_f_g_h_"), ("  .. ", "_"),
    ("Altay City.", "Altay City")])
def test_file_safe(text: str, safe: str) -> None:
    assert file_safe(text) == safe


def test_a_notice_is_printable_and_its_inputs_yellow(tmp_path: Path) -> None:
    path = notice_book(tmp_path / "n.xlsx", "Review: a/b [x]",
                       [("To", "someone"), ("Phone", None)],
                       [["No.", "Problem", "Your reason"], [1, "wrong", None]], ["Thanks."],
                       inputs=1)
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "Review  a b  x"  # no : / [ ] in a sheet name
    assert ws["A1"].value == "Review: a/b [x]"
    assert ws["B4"].fill.fgColor.rgb == "FFFFF2CC" and ws["B3"].fill.fill_type is None
    assert ws["C7"].fill.fgColor.rgb == "FFFFF2CC" and ws["B7"].fill.fill_type is None
    assert ws.page_setup.orientation == "landscape"
    assert stat.S_IMODE(path.stat().st_mode) & 0o600 == 0o600


def _results() -> dict[str, Any]:
    event = {"event_id": "E1", "type": "deduction", "category": "察访核验", "reason": "迟报",
             "points": 2.0, "counted": 1.0}
    decision = {"id": "D1", "kind": "fault_tolerance", "outcome": "adjusted", "reason": "容错",
                "approver": "综考办", "original_points": 2.0}
    units = [{"unit_id": "u1", "unit_name": "单位一", "unit_name_en": "Unit 1", "total": 90.5,
              "rank": 1, "group_size": 2, "adjustments": [{**event, "decision": decision}]},
             {"unit_id": "u2", "unit_name": "单位二", "unit_name_en": "Unit 2", "total": 80.0,
              "rank": 2, "group_size": 2, "adjustments": [{**event, "event_id": "E2"}]}]
    return {"year": 2020, "units": units, "run": {"run_id": "2020-r2"}}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_appeal_forms_list_the_undecided_events(tmp_path: Path, lang: str) -> None:
    forms = appeal_forms(_results(), tmp_path, lang)
    assert [p.name for p in forms] == (
        ["appeal_Unit 1.xlsx", "appeal_Unit 2.xlsx"] if lang == "en"
        else ["申诉表_单位一.xlsx", "申诉表_单位二.xlsx"])
    text = [v for row in openpyxl.load_workbook(forms[1]).active.iter_rows(values_only=True)
            for v in row if v is not None]
    assert "E2" in text
    first = [v for row in openpyxl.load_workbook(forms[0]).active.iter_rows(values_only=True)
             for v in row if v is not None]
    assert "E1" not in first  # decided already: no second appeal on it


def test_a_review_notice_per_decision(tmp_path: Path) -> None:
    assert [e["event_id"] for _, e in decided(_results())] == ["E1"]
    (path,) = review_notices(_results(), tmp_path, "zh", today=date(2021, 2, 1))
    assert path.name == "复核结果告知书_单位一_D1.xlsx"
    text = " ".join(str(v) for row in openpyxl.load_workbook(path).active.iter_rows(
        values_only=True) for v in row if v is not None)
    for part in ("容错纠错", "调整分值", "容错", "综考办", "2021-02-01", "E1", "90.5", "2020-r2"):
        assert part in text, part


def test_the_tracker_table_and_whom_to_chase() -> None:
    rows = [Status("unit_report", "u1", "单位一", "Unit 1", "used", "a.xlsx", "张三", "123"),
            Status("unit_report", "u2", "单位二", "Unit 2"),
            Status("unit_report", "u3", "单位三", "Unit 3", "returned", "c.xlsx", errors=2)]
    assert [r.owner for r in to_chase(rows)] == ["u2", "u3"]
    table = tracker_rows(rows, "en")
    assert table[0][:3] == ["Submission", "Unit / department", "Status"]
    assert [r[2] for r in table[1:]] == ["used", "not received", "returned"]
    assert table[2][7] == "" and table[3][7] == 2
    assert [r[2] for r in tracker_rows(rows)[1:]] == ["已采用", "未报送", "已退回"]
