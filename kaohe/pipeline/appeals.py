"""Appeals (申诉): a form for each unit to fill, and the review notice (复核结果告知书) once the
office has recorded its decision.

The form lists the unit's bonus and deduction events of the results (with their ids), so the
unit names the event it appeals and gives its reason and evidence in the yellow cells. The
decision itself is recorded by the office in the register's 申诉及容错纠错 sheet (as every
other adjustment); consolidated again, the results carry it on the event, and a review notice
is written for each decided appeal or fault-tolerance request.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from kaohe.pipeline.distribute import file_safe
from kaohe.pipeline.notices import notice_book

__all__ = ["appeal_forms", "review_notices", "decided", "APPEAL_FOLDER"]

APPEAL_FOLDER = {"zh": "申诉", "en": "appeals"}
OUTCOMES = {"upheld": ("维持原决定", "original decision upheld"),
            "overturned": ("撤销该项", "event withdrawn"),
            "adjusted": ("调整分值", "points adjusted")}
_TYPES = {"bonus": ("加分", "bonus"), "deduction": ("扣分", "deduction")}


def _name(unit: Mapping[str, Any], en: bool) -> str:
    return str(unit.get("unit_name_en") or unit["unit_id"]) if en else str(unit["unit_name"])


def appeal_forms(results: Mapping[str, Any], out: Path, lang: str = "zh") -> list[Path]:
    """One appeal form per unit of the results into `out`; returns the paths."""
    en = lang == "en"
    head = (["Event", "Type", "Category", "Points", "Reason given", "Your reason for appeal",
             "Evidence"] if en else
            ["事项编号", "类型", "类别", "分值", "事由", "申诉理由", "佐证材料"])
    written = []
    for unit in results.get("units", []):
        name = _name(unit, en)
        events = [[a["event_id"], _TYPES.get(a["type"], (a["type"],) * 2)[1 if en else 0],
                   a.get("category") or "", a.get("points"), a.get("reason") or "", None, None]
                  for a in unit.get("adjustments", []) if not a.get("decision")]
        blank = [["", "Score of an indicator" if en else "指标得分", "", None, "", None, None]]
        facts = [("Unit" if en else "单位", name),
                 ("Year" if en else "年度", results.get("year")),
                 ("Total, rank" if en else "总分、名次",
                  f"{unit.get('total')}, {unit.get('rank')}/{unit.get('group_size')}"),
                 ("Contact" if en else "联系人", None), ("Phone" if en else "电话", None),
                 ("Date" if en else "日期", None)]
        closing = (["Fill in the yellow cells for each event you appeal (one row each) and send "
                    "this workbook back with the evidence within the appeal period."] if en else
                   ["对申诉的事项在黄色单元格填写理由和佐证（每项一行），在申诉期限内连同佐证材料报送综考办。"])
        title = "Appeal form" if en else "考核结果申诉表"
        path = out / f"{'appeal' if en else '申诉表'}_{file_safe(name)}.xlsx"
        written.append(notice_book(path, f"{title}: {name}" if en else f"{title}：{name}", facts,
                                   [head, *events, *blank], closing, inputs=2))
    return written


def decided(results: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """(unit, adjustment) for every event with an appeal or fault-tolerance decision."""
    return [(unit, a) for unit in results.get("units", []) for a in unit.get("adjustments", [])
            if a.get("decision")]


def review_notices(results: Mapping[str, Any], out: Path, lang: str = "zh",
                   today: date | None = None) -> list[Path]:
    """A 复核结果告知书 for each decided appeal or fault-tolerance request into `out`."""
    en = lang == "en"
    written = []
    for unit, event in decided(results):
        decision = event["decision"]
        name = _name(unit, en)
        zh_outcome, en_outcome = OUTCOMES.get(decision["outcome"], (decision["outcome"],) * 2)
        kind = ("appeal" if decision["kind"] == "appeal" else "fault tolerance") if en else (
            "申诉" if decision["kind"] == "appeal" else "容错纠错")
        facts = [("To" if en else "致", name),
                 ("Decision" if en else "决定编号", decision.get("id")),
                 ("Request" if en else "类别", kind),
                 ("Outcome" if en else "复核结论", en_outcome if en else zh_outcome),
                 ("Reason" if en else "理由", decision.get("reason") or ""),
                 ("Approved by" if en else "审批", decision.get("approver") or ""),
                 ("Date" if en else "日期", (today or date.today()).isoformat())]
        head = (["Event", "Type", "Category", "Reason given", "Points before", "Points now"]
                if en else ["事项编号", "类型", "类别", "事由", "原分值", "复核后计分"])
        row = [event["event_id"], _TYPES.get(event["type"], (event["type"],) * 2)[1 if en else 0],
               event.get("category") or "", event.get("reason") or "",
               decision.get("original_points"), event.get("counted")]
        run = results.get("run", {}).get("run_id", "")
        rank = f"{unit.get('rank')}/{unit.get('group_size')}"
        closing = ([f"Total now {unit.get('total')}, rank {rank} (run {run})."] if en else
                   [f"复核后总分 {unit.get('total')}，名次 {rank}（{run}）。"])
        title = "Review decision" if en else "复核结果告知书"
        path = out / (f"{'review' if en else '复核结果告知书'}_{file_safe(name)}_"
                      f"{file_safe(str(decision.get('id')))}.xlsx")
        written.append(notice_book(path, f"{title}: {name}" if en else f"{title}：{name}", facts,
                                   [head, row], closing))
    return written
