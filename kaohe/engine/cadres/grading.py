"""Grades of teams and cadres: bands, the team rule, sanction caps and the 优秀 quota.

The quota is tied to the unit's grade and rounded as the scheme says; places go down the
unit's cadres by score, and a cadre who may not be 优秀 (a sanction cap, the unit's gates
on the principal leader) never takes one: the place passes to the next cadre in the band.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kaohe.engine.cadres.rules import CadreRules, Sanction
from kaohe.engine.numbers import fmt, round_count

__all__ = ["band", "team_grade", "quota_places", "sanction_cap", "allocate_top", "unit_gated",
           "unit_vetoed", "eligible"]


def band(score: float, bands: Sequence[tuple[str, float]]) -> str:
    """The first grade whose minimum the score reaches (the last grade below every band)."""
    for grade, minimum in bands:
        if score >= minimum:
            return grade
    return bands[-1][0]


def unit_vetoed(unit: Mapping[str, Any]) -> bool:
    """The unit was vetoed (一票否决)."""
    return any(g.get("gate") == "veto" for g in _in_force(unit))


def _in_force(unit: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [g for g in unit.get("gates") or () if g.get("status") != "waived"]


def unit_gated(unit: Mapping[str, Any]) -> bool:
    """The unit lost its top-grade eligibility (20 % rule, region-wide notification, veto)."""
    return not unit.get("top_grade_eligible", True) or bool(_in_force(unit))


def eligible(unit: Mapping[str, Any], who: str) -> bool:
    """Whether the unit's gates leave `who` (team or principal_leader) eligible for the top
    grade: the results' `eligibility` when the engine gives it (the scheme's gates say whom
    each gate affects), else any gate in force removes it."""
    given = unit.get("eligibility")
    if isinstance(given, Mapping) and who in given:
        return bool(given[who])
    return not unit_gated(unit)


def _gate_reasons(unit: Mapping[str, Any]) -> tuple[str, str]:
    gates = _in_force(unit)
    return ("；".join(g.get("reason", "") for g in gates) or "单位被取消评优资格",
            "; ".join(g.get("reason_en", "") for g in gates) or "the unit lost eligibility")


def team_grade(unit: Mapping[str, Any], ballot: float | None, unit_grades: Sequence[str],
               rules: CadreRules) -> dict[str, Any]:
    """The team's score and grade from the unit's result and the team ballot, by the rule."""
    total = float(unit.get("total") or 0.0)
    weights = {"unit": rules.team_unit_weight, "ballot": rules.team_ballot_weight}
    if ballot is None:
        weights["ballot"] = 0.0
    used = sum(weights.values()) or 1.0
    score = (weights["unit"] * total + weights["ballot"] * (ballot or 0.0)) / used
    from kaohe.engine.numbers import round_score

    score = round_score(score, rules.digits, rules.mode)
    grades = rules.team_grades
    grade = band_grade = band(score, rules.team_bands)
    text = (f"班子得分 = 单位总分 {fmt(total)}×{rules.team_unit_weight:g}"
            + (f" + 班子测评 {fmt(ballot)}×{rules.team_ballot_weight:g}" if ballot is not None
               else "（无班子测评票，仅按单位总分）") + f" = {fmt(score)}，{band_grade}")
    text_en = (f"team score = unit total {fmt(total)}×{rules.team_unit_weight:g}"
               + (f" + team ballot {fmt(ballot)}×{rules.team_ballot_weight:g}"
                  if ballot is not None else " (no team ballots: the unit total only)")
               + f" = {fmt(score)}, {band_grade}")
    notes: list[str] = []
    notes_en: list[str] = []

    def cap(best: str, zh: str, en: str) -> None:
        nonlocal grade
        if best in grades and grades.index(grade) < grades.index(best):
            grade = best
            notes.append(zh)
            notes_en.append(en)

    unit_grade = unit.get("grade")
    if rules.team_not_above_unit and unit_grade in unit_grades:
        index = min(unit_grades.index(unit_grade), len(grades) - 1)
        cap(grades[index], f"不高于单位等次 {unit_grade}",
            f"not above the unit's grade {unit_grade}")
    may = "team" not in rules.gates_apply_to or eligible(unit, "team")
    if not may and rules.team_gated_best:
        zh, en = _gate_reasons(unit)
        cap(rules.team_gated_best, f"单位被取消评优资格（{zh}），班子最高 {rules.team_gated_best}",
            f"the unit lost eligibility ({en}): team at best {rules.team_gated_best}")
    if unit_vetoed(unit) and rules.team_vetoed_grade:
        cap(rules.team_vetoed_grade, f"单位被一票否决，班子定为 {rules.team_vetoed_grade}",
            f"the unit was vetoed: team graded {rules.team_vetoed_grade}")
        grade = rules.team_vetoed_grade
    return {"score": score, "ballot_score": ballot, "band_grade": band_grade, "grade": grade,
            "top_grade_eligible": may, "notes": notes, "notes_en": notes_en,
            "explanation": text, "explanation_en": text_en}


def quota_places(cadres: int, unit: Mapping[str, Any], rules: CadreRules) -> dict[str, Any]:
    """The unit's 优秀 places: share by the unit's grade (fewer or none when gated or vetoed)
    × its number of cadres, rounded by the scheme's rule."""
    grade = str(unit.get("grade") or "")
    share, why, why_en = rules.quota_share, "一般比例", "general share"
    if grade in rules.quota_by_unit_grade:
        share = rules.quota_by_unit_grade[grade]
        why, why_en = f"单位等次 {grade}", f"unit graded {grade}"
    if unit_gated(unit) and rules.quota_gated_share is not None:
        share = min(share, float(rules.quota_gated_share))
        why, why_en = "单位被取消评优资格", "the unit lost eligibility"
    if unit_vetoed(unit) and rules.quota_vetoed_share is not None:
        share = float(rules.quota_vetoed_share)
        why, why_en = "单位被一票否决", "the unit was vetoed"
    places = round_count(share * cadres, rules.quota_rounding)
    rounding_zh = {"floor": "向下取整", "ceil": "向上取整", "round_half_up": "四舍五入"}
    return {"share": share, "cadres": cadres, "places": places,
            "explanation": f"{why}：{rules.quota_grade}比例 {fmt(share * 100)}% × {cadres} 人 = "
                           f"{fmt(share * cadres)}，{rounding_zh.get(rules.quota_rounding, '')}"
                           f"为 {places} 名",
            "explanation_en": f"{why_en}: {rules.quota_grade} share {fmt(share * 100)}% × "
                              f"{cadres} = {fmt(share * cadres)}, {rules.quota_rounding} → "
                              f"{places} place(s)"}


def sanction_cap(records: Sequence[Mapping[str, Any]], year: int,
                 rules: CadreRules) -> dict[str, Any] | None:
    """The cap of the heaviest sanction in force in `year` (None when none): a sanction
    dated in year Y caps the grade in years Y … Y+years−1."""
    in_force: list[tuple[Sanction, Mapping[str, Any]]] = []
    for record in records:
        kind = rules.sanctions.get(str(record.get("sanction")))
        start = int(str(record.get("date") or "0")[:4] or 0)
        if kind is not None and start <= year < start + kind.years:
            in_force.append((kind, record))
    if not in_force:
        return None
    kind, record = max(in_force, key=lambda kr: (kr[0].severity, str(kr[1].get("date"))))
    best = kind.best_grade
    others = [r.get("id") for k, r in in_force if r is not record]
    what = "不确定等次" if best is None else f"最高 {best}"
    what_en = "no grade" if best is None else f"at best {best}"
    heavier = f"（另有 {len(others)} 项处分，按最重的计）" if others else ""
    heavier_en = f" ({len(others)} other sanction(s); the heaviest applies)" if others else ""
    return {"sanction": kind.id, "sanction_name": kind.name, "record_id": record.get("id"),
            "date": record.get("date"), "document_no": record.get("document_no"),
            "best_grade": best, "no_grade": best is None, "others": others,
            "reason": f"{str(record.get('date'))[:4]}年受{kind.name}处分"
                      f"（{record.get('document_no') or record.get('id')}）：{what}{heavier}",
            "reason_en": f"{kind.name_en} in {str(record.get('date'))[:4]} "
                         f"({record.get('document_no') or record.get('id')}): {what_en}"
                         f"{heavier_en}"}


def allocate_top(ordered: Sequence[dict[str, Any]], places: int, rules: CadreRules) -> int:
    """Give the unit's 优秀 places down `ordered` (best first) to cadres whose band grade is
    优秀 and who may be 优秀; the others in the band get the next grade. Returns places used.

    Each cadre dict needs `band_grade`, `top_blocked` (a reason or None); gets `grade`.
    """
    top, second = rules.top, rules.grades[1]
    used = 0
    for cadre in ordered:
        if cadre["band_grade"] != top:
            cadre.setdefault("grade", cadre["band_grade"])
            continue
        if cadre.get("top_blocked"):
            cadre["grade"] = second
            cadre["quota"] = "passed_down"
        elif used < places:
            used += 1
            cadre["grade"] = top
            cadre["quota"] = "used"
        else:
            cadre["grade"] = second
            cadre["quota"] = "over_quota"
    return used
