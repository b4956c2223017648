"""Gates, rounding, ranking within group, grade bands and quotas.

Order, as official practice has it: gates on the unrounded facts; round; rank with the
scheme's tie-breakers (a tie that survives them all shares the rank: 1, 2, 2, 4); bands;
quotas in rank order, where an ineligible unit never takes a top-grade place and the place
passes down; finally a veto caps the grade.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kaohe.engine.gates import apply_gates
from kaohe.engine.model import Scheme
from kaohe.engine.numbers import round_count, round_score
from kaohe.labels import word_en

__all__ = ["apply_gates", "rank_and_grade", "sort_key", "band_grade"]


def sort_key(scheme: Scheme, unit: dict[str, Any]) -> tuple[float, ...]:
    """Rounded total, then rounded tie-breakers; larger is better."""
    digits, mode = scheme.rounding.digits, scheme.rounding.mode
    key = [unit["total"]]
    for breaker in scheme.tie_breakers:
        kind, _, name = breaker.partition(":")
        if kind == "component":
            key.append(round_score(unit["components"].get(name, 0.0), digits, mode))
    return tuple(key)


def rank_and_grade(scheme: Scheme, units: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Round totals, rank within each group and grade; returns units ordered by group, rank."""
    digits, mode = scheme.rounding.digits, scheme.rounding.mode
    ordered: list[dict[str, Any]] = []
    for unit in units:
        unit["total_unrounded"] = unit["total"]
        # The total is formed from unrounded components: keep them (for audit, and for the
        # results workbook's what-if sheet, whose formulas must reproduce the total exactly).
        for comp_id, value in unit["components"].items():
            unit.setdefault("component_details", {}).setdefault(comp_id, {})["score"] = value
        unit["total"] = round_score(unit["total"], digits, mode)
        unit["components"] = {k: round_score(v, digits, mode)
                              for k, v in unit["components"].items()}
        unit["score_rate"] = round_score(unit["total"] / 100, 4, mode)
    for group in scheme.groups:
        members = [u for u in units if u["group"] == group.id]
        keys = {u["unit_id"]: sort_key(scheme, u) for u in members}
        members.sort(key=lambda u: (tuple(-k for k in keys[u["unit_id"]]), u["unit_id"]))
        _place(members, keys)
        _grade(scheme, group.id, members)
        ordered += members
    return ordered


def _place(members: list[dict[str, Any]], keys: Mapping[str, tuple[float, ...]]) -> None:
    """rank = 1 + the number of members with a better key; ties share the best place.

    Members come sorted best first, so those better than a unit are the ones before its
    first equal: one pass. A key that is not a number (NaN sorts nowhere) falls back to
    counting every pair."""
    if any(k != k for key in keys.values() for k in key):
        for unit in members:
            mine = keys[unit["unit_id"]]
            unit["rank"] = 1 + sum(1 for other in members if keys[other["unit_id"]] > mine)
            unit["group_size"] = len(members)
        return
    previous: tuple[float, ...] | None = None
    rank = 0
    for index, unit in enumerate(members):
        mine = keys[unit["unit_id"]]
        if mine != previous:
            rank, previous = index + 1, mine
        unit["rank"] = rank
        unit["group_size"] = len(members)


def band_grade(scheme: Scheme, group_id: str, total: float) -> str:
    """The grade of the group's first score band whose minimum the (rounded) total reaches;
    the lowest grade below every band. Quotas and gates come after (rank_and_grade)."""
    return next((b.grade for b in scheme.bands[group_id] if total >= b.min), scheme.grades[-1])


def _grade(scheme: Scheme, group_id: str, members: list[dict[str, Any]]) -> None:
    grades = scheme.grades
    for unit in members:
        band = band_grade(scheme, group_id, unit["total"])
        unit["band_grade"] = band
        unit["grade"] = band
        unit.setdefault("grade_notes", [])
    for quota in scheme.quotas:
        _apply_quota(scheme, quota.grade, round_count(quota.max_share * len(members),
                                                      quota.rounding), members)
    for unit in members:
        if grades.index(unit["grade"]) == 0 and not unit["top_grade_eligible"]:
            _demote(unit, grades[1] if len(grades) > 1 else grades[0],
                    "触发评优限制条件，不参评最高等次",
                    "a gate removes eligibility for the top grade")
        if unit["veto"]:
            cap = scheme.gates.veto_grade or grades[-1]
            if grades.index(unit["grade"]) < grades.index(cap):
                _demote(unit, cap, "一票否决", "veto")


def _apply_quota(scheme: Scheme, grade: str, places: int, members: list[dict[str, Any]]) -> None:
    """Give `grade` to at most `places` eligible units in rank order; the rest move down one."""
    grades = scheme.grades
    lower = grades[min(grades.index(grade) + 1, len(grades) - 1)]
    top = grades.index(grade) == 0
    candidates = [u for u in members if u["grade"] == grade
                  and (u["top_grade_eligible"] or not top)]
    given = 0
    by_rank: dict[int, list[dict[str, Any]]] = {}
    for unit in candidates:
        by_rank.setdefault(unit["rank"], []).append(unit)
    for rank in sorted(by_rank):
        tied = by_rank[rank]
        if given + len(tied) <= places:
            given += len(tied)
            continue
        for unit in tied:
            why = ("并列且名额不足" if len(tied) > 1 and given < places else "名额已满")
            why_en = ("tied units exceed the places left" if len(tied) > 1 and given < places
                      else "the quota is full")
            _demote(unit, lower, f"“{grade}”等次名额 {places} 个，{why}",
                    f"quota of {places} for {word_en(grade, scheme.document)!r}: {why_en}")


def _demote(unit: dict[str, Any], grade: str, why: str, why_en: str) -> None:
    unit["grade_notes"].append({"from": unit["grade"], "to": grade, "reason": why,
                                "reason_en": why_en})
    unit["grade"] = grade
