"""What follows a cadre's grade: bonus cancellation by the checklist, merits over the years.

Merits read the person's grades of earlier years (published results from the history
store) with this year's: a run of consecutive 优秀 years ending now gets the ladder's rung
with the largest run that divides it (1 → 嘉奖, 3 → 记三等功: years 3, 6 … of a run);
a run of 不称职 years as long as the scheme's `unsatisfactory_run` is flagged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kaohe.engine.cadres.rules import CadreRules

__all__ = ["bonus_cancellations", "run_length", "merit"]


def bonus_cancellations(person_id: str, grade: str | None, sanctions: Sequence[Mapping[str, Any]],
                        facts: Sequence[Mapping[str, Any]], year: int,
                        rules: CadreRules) -> list[dict[str, Any]]:
    """The checklist's situations that apply to the person, each with its evidence."""
    found: list[dict[str, Any]] = []
    this_year = [s for s in sanctions if str(s.get("date") or "")[:4] == str(year)]
    for item in rules.checklist:
        evidence = [f for f in facts if f.get("situation") == item.id]
        for fact in evidence:
            found.append({"situation": item.id, "name": item.name, "name_en": item.name_en,
                          "source": "register", "record_id": fact.get("id"),
                          "document_no": fact.get("document_no"),
                          "evidence": fact.get("evidence") or "",
                          "evidence_en": fact.get("evidence") or ""})
        if not evidence and grade is not None and grade in item.when_grade:
            found.append({"situation": item.id, "name": item.name, "name_en": item.name_en,
                          "source": "grade", "record_id": None, "document_no": None,
                          "evidence": f"{year}年度考核等次为{grade}",
                          "evidence_en": f"graded {grade} for {year}"})
        hit = [s for s in this_year if s.get("sanction") in item.when_sanction]
        if not evidence and hit:
            s = hit[0]
            found.append({"situation": item.id, "name": item.name, "name_en": item.name_en,
                          "source": "sanction", "record_id": s.get("id"),
                          "document_no": s.get("document_no"),
                          "evidence": f"{s.get('date')} {rules.sanctions[s['sanction']].name}"
                                      f"（{s.get('document_no') or s.get('id')}）",
                          "evidence_en": f"{rules.sanctions[s['sanction']].name_en} of "
                                         f"{s.get('date')} "
                                         f"({s.get('document_no') or s.get('id')})"})
    return found


def run_length(grades_by_year: Mapping[int, str | None], year: int, grade: str) -> int:
    """How many consecutive years ending with `year` have `grade` (a gap ends the run)."""
    length = 0
    while grades_by_year.get(year - length) == grade:
        length += 1
    return length


def merit(grades_by_year: Mapping[int, str | None], year: int,
          rules: CadreRules) -> dict[str, Any]:
    """This year's merit and flags from the person's grades by year (this year's included)."""
    top_run = run_length(grades_by_year, year, rules.top)
    low_run = run_length(grades_by_year, year, rules.grades[-1])
    rung = None
    if top_run:
        fitting = [r for r in rules.ladder if top_run % r.run == 0]
        rung = fitting[-1] if fitting else None
    years = [y for y in range(year - top_run + 1, year + 1)] if top_run else []
    flagged = bool(rules.unsatisfactory_run and low_run >= rules.unsatisfactory_run)
    return {"top_run": top_run, "top_years": years,
            "merit": rung.merit if rung else None, "merit_en": rung.merit_en if rung else None,
            "merit_reason": (f"连续 {top_run} 年{rules.top}（{'、'.join(map(str, years))}）"
                             if rung else ""),
            "merit_reason_en": (f"{top_run} consecutive years {rules.top} "
                                f"({', '.join(map(str, years))})" if rung else ""),
            "unsatisfactory_run": low_run, "unsatisfactory_flag": flagged,
            "unsatisfactory_reason": (f"连续 {low_run} 年{rules.grades[-1]}，请组织部门研究处理"
                                      if flagged else ""),
            "unsatisfactory_reason_en": (f"{low_run} consecutive years {rules.grades[-1]}: "
                                         "for the office to review" if flagged else "")}
