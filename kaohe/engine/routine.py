"""Routine assessment (平时考核): the component — one mean over the periods, or, with kinds
(周记实, 月自查, 季考评), each kind's mean weighted by its weight, a kind without scores left out
and the others renormalised —, and routine findings deducted from named indicators ("其余项目均
以平时考核为扣分依据")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from kaohe.engine.model import Scheme
from kaohe.engine.numbers import fmt

__all__ = ["routine_by_unit", "routine_component", "routine_deductions", "deduct_routine"]


def routine_by_unit(doc: Mapping[str, Any] | None) -> dict[str, dict[str, float]]:
    """Scores per unit by slot: the period, or "<kind>:<period>" when the entry has a kind."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for entry in (doc or {}).get("entries", []):
        slot = f"{entry['kind']}:{entry['period']}" if entry.get("kind") else entry["period"]
        out[entry["unit_id"]][slot] = float(entry["score"])
    return out


def routine_deductions(doc: Mapping[str, Any] | None
                       ) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    """Routine findings per (unit, indicator), in the register's order."""
    out: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for entry in (doc or {}).get("deductions") or []:
        out[(entry["unit_id"], entry["indicator_id"])].append(entry)
    return out


def deduct_routine(row: dict[str, Any], findings: Sequence[Mapping[str, Any]]) -> None:
    """Take routine findings off an indicator's points (floored at 0), and say so."""
    if not findings or not row["applicable"]:
        return
    total = sum(float(f.get("points") or 0.0) for f in findings)
    before = float(row["points"])
    after = max(before - total, 0.0)
    parts = "、".join(f"{f.get('period') or ''} {fmt(float(f.get('points') or 0))}"
                     f"{'（' + f['reason'] + '）' if f.get('reason') else ''}".strip()
                     for f in findings)
    parts_en = ", ".join(f"{f.get('period') or ''} {fmt(float(f.get('points') or 0))}".strip()
                         for f in findings)
    row["points"], row["lost"] = after, max(float(row["full_score"]) - after, 0.0)
    row["routine_deductions"] = [dict(f) for f in findings]
    floor = "，扣完为止" if after == 0.0 and before - total < 0 else ""
    row["explanation"] += (f"；平时考核扣分 {parts}，共扣 {fmt(total)}{floor}，"
                           f"得分 {fmt(before)} − {fmt(min(total, before))} = {fmt(after)}")
    row["explanation_en"] += (f"; routine findings {parts_en}: {fmt(total)} deducted, "
                              f"points {fmt(before)} → {fmt(after)}")


def routine_component(scheme: Scheme, scores: Mapping[str, float]) -> tuple[float, dict]:
    """The unit's routine score on 0–100, with how it was formed."""
    if scheme.routine_kinds:
        return _by_kind(scheme, scores)
    return _mean(scheme.routine_periods, scores)


def _mean(periods: Sequence[str], scores: Mapping[str, float]) -> tuple[float, dict]:
    present = [p for p in periods if p in scores]
    if not present:
        return 0.0, {"explanation": "无平时考核成绩，按 0 分计",
                     "explanation_en": "no routine scores: 0 points",
                     "note": "无平时考核成绩，按 0 分计", "note_en": "no routine scores: 0"}
    score = sum(scores[p] for p in present) / len(present)
    parts = " + ".join(fmt(scores[p]) for p in present)
    detail: dict[str, Any] = {
        "periods": {p: scores[p] for p in present},
        "explanation": f"({parts}) ÷ {len(present)} = {fmt(score)}",
        "explanation_en": f"mean of {len(present)} periods ({parts}) = {fmt(score)}"}
    absent = [p for p in periods if p not in scores]
    if absent:
        detail["note"] = f"缺少 {'、'.join(absent)} 成绩，按已有期次平均"
        detail["note_en"] = f"no score for {', '.join(absent)}: mean of the periods given"
    return score, detail


def _by_kind(scheme: Scheme, scores: Mapping[str, float]) -> tuple[float, dict]:
    means: dict[str, float] = {}
    lines, lines_en, notes, notes_en = [], [], [], []
    for kind in scheme.routine_kinds:
        given = [p for p in kind.periods if f"{kind.id}:{p}" in scores]
        if not given:
            continue
        values = [scores[f"{kind.id}:{p}"] for p in given]
        means[kind.id] = sum(values) / len(values)
        lines.append(f"{kind.name} {fmt(means[kind.id])}×{fmt(kind.weight * 100)}%")
        lines_en.append(f"{kind.name_en or kind.id} {fmt(means[kind.id])}"
                        f"×{fmt(kind.weight * 100)}%")
        if len(given) < len(kind.periods):
            notes.append(f"{kind.name}缺少 {len(kind.periods) - len(given)} 期成绩，按已有期次平均")
            notes_en.append(f"{kind.name_en or kind.id}: {len(kind.periods) - len(given)} "
                            "periods without a score, mean of those given")
    present = [k for k in scheme.routine_kinds if k.id in means]
    weight = sum(k.weight for k in present)
    if not present or weight <= 0:
        return 0.0, {"explanation": "无平时考核成绩，按 0 分计",
                     "explanation_en": "no routine scores: 0 points",
                     "note": "无平时考核成绩，按 0 分计", "note_en": "no routine scores: 0"}
    score = sum(means[k.id] * k.weight for k in present) / weight
    missing = [k for k in scheme.routine_kinds if k.id not in means]
    if missing:
        notes.append(f"缺少{'、'.join(k.name for k in missing)}成绩，其余类别权重按比例放大")
        notes_en.append(f"no {', '.join(k.name_en or k.id for k in missing)} scores: the other "
                        "kinds' weights were renormalised")
    detail: dict[str, Any] = {
        "kinds": means, "missing_kinds": [k.id for k in missing], "renormalised": bool(missing),
        "explanation": f"({' + '.join(lines)}) ÷ {fmt(weight * 100)}% = {fmt(score)}",
        "explanation_en": f"({' + '.join(lines_en)}) / {fmt(weight * 100)}% = {fmt(score)}"}
    if notes:
        detail["note"], detail["note_en"] = "；".join(notes), "; ".join(notes_en)
    return score, detail
