"""Per-unit scoring: indicators, components, adjustments — every number with its explanation.

Pure: takes the scheme and plain documents, returns plain dicts. No files, no environment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kaohe.engine.adjusting import adjust, decide_indicator, events_by_unit, split_decisions
from kaohe.engine.methods import SCORERS, Inputs, Scored
from kaohe.engine.model import Indicator, Scheme, Unit
from kaohe.engine.numbers import fmt
from kaohe.engine.raters import score_by_raters
from kaohe.engine.routine import (
    deduct_routine,
    routine_by_unit,
    routine_component,
    routine_deductions,
)
from kaohe.errors import KaoheError, SchemeError

__all__ = ["Documents", "RawInput", "collect_inputs", "default_params", "score_units"]


@dataclass(frozen=True)
class Documents:
    """Everything collected for one year, as validated documents."""

    unit_reports: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    lead_scores: Sequence[Mapping[str, Any]] = ()
    adjustments: Mapping[str, Any] | None = None
    routine: Mapping[str, Any] | None = None
    ballots: Mapping[str, Any] | None = None


@dataclass
class RawInput:
    """What was reported for one unit and one indicator, and where it came from."""

    actual: float | None = None
    rating: str | None = None
    count: float | None = None
    counts: Mapping[str, float] | None = None
    invalid: float = 0.0
    by_rater: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    not_applicable: bool = False
    source: str = ""


def collect_inputs(scheme: Scheme, docs: Documents) -> dict[tuple[str, str], RawInput]:
    """Merge unit reports and lead-department scores; a lead department's value wins."""
    raw: dict[tuple[str, str], RawInput] = {}
    for unit_id, report in docs.unit_reports.items():
        for item in report.get("items", []):
            raw[(unit_id, item["indicator_id"])] = RawInput(
                actual=item.get("actual"), not_applicable=bool(item.get("not_applicable")),
                source="unit_report")
    for sheet in docs.lead_scores:
        for entry in sheet.get("entries", []):
            key = (entry["unit_id"], entry["indicator_id"])
            slot = raw.setdefault(key, RawInput())
            if entry.get("rater"):  # one of several rater bodies of the indicator
                slot.by_rater.setdefault(entry["rater"], []).append(entry)
                slot.source = f"lead_scores:{sheet.get('lead_department', '')}"
                continue
            if entry.get("value") is not None:
                slot.actual = entry["value"]
            if entry.get("rating") is not None:
                slot.rating = entry["rating"]
            if entry.get("count") is not None:
                slot.count = entry["count"]
            if entry.get("counts") is not None:  # an indicator scored by ballot/satisfaction
                slot.counts = dict(entry["counts"])
                slot.invalid = float(entry.get("invalid") or 0)
            slot.source = f"lead_scores:{sheet.get('lead_department', '')}"
    return raw


def score_units(scheme: Scheme, docs: Documents,
                groups: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Score every unit of the scheme, or of the `groups` named, in the scheme's order
    (before gates, rounding, ranking and grading). Each group is scored on its own: its
    units' rows depend on nothing of the other groups'."""
    raw = collect_inputs(scheme, docs)
    decisions = split_decisions(docs.adjustments)
    events = events_by_unit(docs.adjustments, decisions)
    routine = routine_by_unit(docs.routine)
    findings = routine_deductions(docs.routine)
    conduct, satisfaction = _ballots_by_unit(docs.ballots)
    results = []
    for group in scheme.groups:
        if groups is not None and group.id not in groups:
            continue
        units = scheme.units_in(group.id)
        indicator_rows = _score_indicators(scheme, group.id, units, raw)
        for unit in units:
            for row in indicator_rows[unit.id]:
                deduct_routine(row, findings.get((unit.id, row["indicator_id"]), ()))
                decide_indicator(row, decisions.on_indicators.get((unit.id, row["indicator_id"])))
            scored = _score_unit(scheme, unit, indicator_rows[unit.id],
                                 routine.get(unit.id, {}), conduct.get(unit.id, {}),
                                 satisfaction.get(unit.id, {}), events.get(unit.id, []))
            scored["gate_decisions"] = decisions.on_gates.get(unit.id, [])
            results.append(scored)
    return results


# -- indicators -----------------------------------------------------------------------------

def _score_indicators(scheme: Scheme, group_id: str, units: Sequence[Unit],
                      raw: Mapping[tuple[str, str], RawInput]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {u.id: [] for u in units}
    for ind in scheme.indicators_for(group_id):
        cells = {u.id: raw.get((u.id, ind.id), RawInput()) for u in units}
        peers = tuple(float(c.actual) for c in cells.values()
                      if c.actual is not None and not c.not_applicable)
        params = default_params(scheme, ind)
        for unit in units:
            rows[unit.id].append(_score_one(ind, unit, cells[unit.id], peers, dict(params)))
    return rows


def default_params(scheme: Scheme, ind: Indicator) -> dict[str, Any]:
    """The indicator's params; ballot and satisfaction default to the scheme's own tables."""
    params = dict(ind.params)
    if ind.method == "ballot" and not params.get("grades"):
        params["grades"] = dict(scheme.ballot_grades)
    if ind.method == "satisfaction" and not params.get("options"):
        params["options"] = dict(scheme.satisfaction_options)
        params.setdefault("excluded", list(scheme.satisfaction_excluded))
    return params


def _score_one(ind: Indicator, unit: Unit, cell: RawInput, peers: tuple[float, ...],
               params: dict[str, Any]) -> dict:
    target = ind.target_for(unit.id)
    row: dict[str, Any] = {
        "indicator_id": ind.id, "name": ind.name, "name_en": ind.name_en or None,
        "category": ind.category,
        "component": ind.component, "full_score": ind.full_score, "method": ind.method,
        "direction": ind.direction, "region_assigned": ind.region_assigned,
        "constraint": ind.constraint, "lead_department": ind.lead_department,
        "inputs": {"actual": cell.actual, "target": target, "rating": cell.rating,
                   "count": cell.count, "source": cell.source or None},
        "applicable": not cell.not_applicable, "missing": False,
    }
    if cell.not_applicable:
        row.update(points=None, lost=None, explanation="不适用（单位申报，计算得分率时不计满分）",
                   explanation_en="not applicable (excluded from the score rate)")
        return row
    inputs = Inputs(actual=_num(cell.actual), target=_num(target), rating=cell.rating,
                    count=_num(cell.count), counts=cell.counts, invalid=cell.invalid,
                    peers=peers)
    if ind.source == "routine" and cell.actual is None and cell.rating is None \
            and cell.count is None and not cell.by_rater:
        # "其余项目均以平时考核为扣分依据": full points, less the routine findings (below)
        row.update(points=ind.full_score, lost=0.0,
                   explanation=f"以平时考核为扣分依据，基础分为满分 {fmt(ind.full_score)}",
                   explanation_en="scored by routine findings: from the full "
                                  f"{fmt(ind.full_score)}")
        return row
    try:
        scored: Scored = (
            score_by_raters(ind, params, {body: [
                Inputs(actual=_num(e.get("value")), target=_num(target), rating=e.get("rating"),
                       count=_num(e.get("count")), peers=peers) for e in given]
                for body, given in cell.by_rater.items()}) if ind.raters
            else SCORERS[ind.method](inputs, params, ind.full_score, ind.direction))
    except SchemeError:
        raise  # a broken scheme stops the run; it is not a unit's missing data
    except KaoheError as exc:  # MissingInput, or an unknown rating label
        row.update(points=0.0, lost=ind.full_score, missing=True,
                   explanation=f"{exc.message}，按 0 分计",
                   explanation_en=f"{exc.message_en}: 0 points")
        return row
    row["inputs"].update({k: v for k, v in scored.used.items() if k not in row["inputs"]})
    row.update(points=scored.points, lost=max(ind.full_score - scored.points, 0.0),
               explanation=scored.explanation, explanation_en=scored.explanation_en)
    return row


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


# -- components -----------------------------------------------------------------------------

def _score_unit(scheme: Scheme, unit: Unit, indicator_rows: list[dict[str, Any]],
                routine: Mapping[str, float], conduct: Mapping[str, Mapping[str, Any]],
                satisfaction: Mapping[str, Mapping[str, Any]],
                events: list[dict[str, Any]]) -> dict:
    components: dict[str, float] = {}
    details: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    notes_en: list[str] = []
    for comp in scheme.components:
        if comp.kind == "indicators":
            own = [r for r in indicator_rows if r["component"] == comp.id]
            score, detail = _indicators_component(own, comp.full_score)
        elif comp.kind == "routine":
            score, detail = routine_component(scheme, routine)
        elif comp.kind == "satisfaction":
            score, detail = _satisfaction_component(scheme, satisfaction)
        else:
            score, detail = _conduct_component(scheme, conduct)
        components[comp.id] = score
        details[comp.id] = detail
        if detail.get("note"):
            notes.append(f"{comp.name}：{detail['note']}")
            notes_en.append(f"{comp.name_en or comp.id}: {detail['note_en']}")
    missing = [r["indicator_id"] for r in indicator_rows if r["missing"]]
    if missing:
        notes.append(f"缺少数据按 0 分计的指标：{'、'.join(missing)}")
        notes_en.append(f"indicators scored 0 for missing data: {', '.join(missing)}")
    weights = scheme.component_weights[unit.group]
    weight_sum = sum(weights.values()) or 1.0
    weighted = sum(components.get(c, 0.0) * w / weight_sum for c, w in weights.items())
    adjustments, bonus, deduction, adj_notes = adjust(scheme, events)
    notes += adj_notes[0]
    notes_en += adj_notes[1]
    return {
        "unit_id": unit.id, "unit_name": unit.name, "unit_name_en": unit.name_en,
        "group": unit.group, "components": components, "component_details": details,
        "weights": {c: w / weight_sum for c, w in weights.items()},
        "weighted": weighted, "bonus": bonus, "deduction": deduction,
        "total": max(weighted + bonus - deduction, 0.0),
        "indicators": indicator_rows, "adjustments": adjustments,
        "events": [e for e in events if e.get("counted", True)],
        "notes": notes, "notes_en": notes_en,
    }


def _indicators_component(rows: list[dict[str, Any]], full: float) -> tuple[float, dict]:
    applicable = [r for r in rows if r["applicable"]]
    points = sum(r["points"] for r in applicable)
    possible = sum(r["full_score"] for r in applicable)
    score = points / possible * 100 if possible else 0.0
    detail = {"points": points, "applicable_full_score": possible, "full_score": full,
              "explanation": f"得分 {fmt(points)} ÷ 适用满分 {fmt(possible)} × 100 = {fmt(score)}",
              "explanation_en": f"points {fmt(points)} / applicable full score {fmt(possible)}"
                                f" × 100 = {fmt(score)}"}
    if possible < sum(r["full_score"] for r in rows):
        skipped = [r["indicator_id"] for r in rows if not r["applicable"]]
        detail["note"] = f"{'、'.join(skipped)} 不适用，按得分率计算"
        detail["note_en"] = f"{', '.join(skipped)} not applicable: scored as a score rate"
    return score, detail


def _satisfaction_component(scheme: Scheme, tallies: Mapping[str, Mapping[str, Any]]
                            ) -> tuple[float, dict]:
    """One tally, or each survey channel's weighted (a channel without answers renormalised)."""
    params = {"options": dict(scheme.satisfaction_options),
              "excluded": list(scheme.satisfaction_excluded)}
    if not scheme.satisfaction_channels:
        return _one_survey(params, tallies.get(""))
    scores: dict[str, float] = {}
    for channel in scheme.satisfaction_channels:
        if channel.id in tallies:
            score, detail = _one_survey(params, tallies[channel.id])
            if "note" not in detail:
                scores[channel.id] = score
    present = [c for c in scheme.satisfaction_channels if c.id in scores]
    weight = sum(c.weight for c in present)
    if not present or weight <= 0:
        return _one_survey(params, None)
    total = sum(scores[c.id] * c.weight for c in present) / weight
    zh = " + ".join(f"{c.name} {fmt(scores[c.id])}×{fmt(c.weight * 100)}%" for c in present)
    en = " + ".join(f"{c.name_en or c.id} {fmt(scores[c.id])}×{fmt(c.weight * 100)}%"
                    for c in present)
    missing = [c for c in scheme.satisfaction_channels if c.id not in scores]
    summary: dict[str, Any] = {
        "channels": scores, "missing_channels": [c.id for c in missing],
        "renormalised": bool(missing),
        "explanation": f"({zh}) ÷ {fmt(weight * 100)}% = {fmt(total)}",
        "explanation_en": f"({en}) / {fmt(weight * 100)}% = {fmt(total)}"}
    if missing:
        summary["note"] = (f"缺少{'、'.join(c.name for c in missing)}的调查结果，其余渠道权重按比例"
                          "放大")
        summary["note_en"] = (f"no answers from {', '.join(c.name_en or c.id for c in missing)}:"
                             " the other channels' weights were renormalised")
    return total, summary


def _one_survey(params: Mapping[str, Any], tally: Mapping[str, Any] | None
                ) -> tuple[float, dict]:
    try:
        scored = SCORERS["satisfaction"](Inputs(counts=(tally or {}).get("counts")),
                                         params, 100.0, "higher")
    except KaoheError as exc:
        return 0.0, {"explanation": f"{exc.message}，按 0 分计",
                     "explanation_en": f"{exc.message_en}: 0 points",
                     "note": f"{exc.message}，按 0 分计", "note_en": f"{exc.message_en}: 0"}
    return scored.points, {"explanation": scored.explanation,
                           "explanation_en": scored.explanation_en}


def _conduct_component(scheme: Scheme,
                       tallies: Mapping[str, Mapping[str, Any]]) -> tuple[float, dict]:
    params = {"grades": dict(scheme.ballot_grades)}
    by_group: dict[str, float] = {}
    lines, lines_en = [], []
    for rater in scheme.rater_groups:
        tally = tallies.get(rater.id)
        if tally is None:
            continue
        try:
            scored = SCORERS["ballot"](Inputs(counts=tally.get("counts"),
                                              invalid=float(tally.get("invalid") or 0)),
                                       params, 100.0, "higher")
        except KaoheError:
            continue
        by_group[rater.id] = scored.points
        lines.append(f"{rater.name} {fmt(scored.points)}×{fmt(rater.weight, 4)}")
        lines_en.append(f"{rater.name_en or rater.id} {fmt(scored.points)}×{fmt(rater.weight, 4)}")
    missing = [r.id for r in scheme.rater_groups if r.id not in by_group]
    weight = sum(r.weight for r in scheme.rater_groups if r.id in by_group)
    if not by_group or weight <= 0:
        return 0.0, {"explanation": "无测评票，按 0 分计", "explanation_en": "no ballots: 0 points",
                     "note": "无测评票，按 0 分计", "note_en": "no ballots: 0",
                     "missing_rater_groups": missing, "renormalised": False}
    score = sum(by_group[r.id] * r.weight for r in scheme.rater_groups if r.id in by_group) / weight
    detail: dict[str, Any] = {
        "rater_groups": by_group, "missing_rater_groups": missing, "renormalised": bool(missing),
        "explanation": f"({' + '.join(lines)}) ÷ {fmt(weight, 4)} = {fmt(score)}",
        "explanation_en": f"({' + '.join(lines_en)}) / {fmt(weight, 4)} = {fmt(score)}"}
    if missing:
        names = [r.name for r in scheme.rater_groups if r.id in missing]
        detail["note"] = (f"缺少 {'、'.join(names)} 的测评票，其余测评主体权重按比例放大"
                          f"（权重和 {fmt(weight, 4)}）")
        detail["note_en"] = (f"no ballots from {', '.join(missing)}: the other rater weights "
                             f"were renormalised (sum {fmt(weight, 4)})")
    return score, detail


# -- registers ------------------------------------------------------------------------------

def _ballots_by_unit(doc: Mapping[str, Any] | None
                     ) -> tuple[dict[str, dict[str, Mapping[str, Any]]],
                                dict[str, dict[str, Mapping[str, Any]]]]:
    conduct: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    satisfaction: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for tally in (doc or {}).get("conduct", []):
        conduct[tally["unit_id"]][tally["rater_group"]] = tally
    for tally in (doc or {}).get("satisfaction", []):
        satisfaction[tally["unit_id"]][tally.get("channel") or ""] = tally
    return conduct, satisfaction
