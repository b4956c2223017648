"""Value checks of a document against its scheme, beyond the JSON Schema, located to the cell.

Every check is a small generator ``check(doc, cell_map, scheme) -> Iterator[Issue]`` in
the explicit registry `CHECKS`; `KIND_CHECKS` says which run for which document kind.
A check reads the document defensively (it may break its schema) and points each finding
at the document path of the offending value; `locate` turns that path into a cell.

>>> from kaohe.engine import Scheme
>>> from kaohe.pipeline.documents import default_scheme_document
>>> scheme = Scheme.from_document(default_scheme_document())
>>> doc = {"kind": "routine", "scheme_id": "altay-2016", "year": 2016,
...        "entries": [{"unit_id": "atlantis", "period": "Q1", "score": 90}]}
>>> [i.rule for i in run_checks(doc, {}, scheme)][:1]
['unknown-unit']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from kaohe.engine.model import Indicator, Scheme, Unit
from validators.locate import CellMap, locate
from validators.messages import finding
from validators.report import WARNING, Issue
from validators.schema import format_json_path

__all__ = ["CHECKS", "KIND_CHECKS", "run_checks", "COUNT_UNITS"]

Check = Callable[[Mapping[str, Any], CellMap, Scheme], Iterator[Issue]]

#: Measure units that cannot be negative (people, items, money …).
COUNT_UNITS = frozenset({"人", "项", "个", "万元", "元", "亿元", "起", "次", "家", "户", "件",
                         "天"})
_RATE_METHODS = {"completion", "pass_fail", "base_step"}
_IMPLAUSIBLE_RATIO = 10.0
_EVIDENCE_EVENTS = {"deduction", "veto", "notification"}
_LABELS = {
    "actual": "完成值", "target": "目标值", "evidence": "佐证材料", "remarks": "备注",
    "not_applicable": "不适用", "contact": "填报联系人", "phone": "联系电话", "date": "日期",
    "value": "核定值", "rating": "评级", "count": "次数", "unit_id": "被考核单位",
    "indicator_id": "考核指标", "lead_department": "牵头考核部门", "period": "考核周期",
    "score": "得分", "points": "分值", "category": "类别", "approver": "审批人",
    "reason": "事由", "event_id": "事项编号", "id": "编号", "rater_group": "测评主体",
    "counts": "票数", "raters": "参评人数", "sample": "样本量", "invalid": "废票数",
    "items": "填报项", "entries": "评分项",
}


def run_checks(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> list[Issue]:
    """Every check of the document's kind, in registry order."""
    kind = doc.get("kind") if isinstance(doc, Mapping) else None
    issues: list[Issue] = []
    for name in KIND_CHECKS.get(str(kind), ()):
        issues.extend(CHECKS[name](doc, cell_map, scheme))
    return issues


# ---------------------------------------------------------------- helpers

def _at(rule: str, path: tuple[str | int, ...], cell_map: CellMap, *, key: str | None = None,
        severity: str = "error", value: Any = None, unit_id: str = "", indicator_id: str = "",
        name: str = "", **params: Any) -> Issue:
    """A finding at a document path, located through the cell map, labelled in Chinese."""
    sheet, cell = locate(path, cell_map)
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    label = _LABELS.get(field, field)
    return finding(rule, key=key, severity=severity, params=params, sheet=sheet, cell=cell,
                   field=field, label=f"{name}·{label}" if name else label,
                   value=value if isinstance(value, (str, int, float, bool)) else None,
                   unit_id=unit_id, indicator_id=indicator_id,
                   json_path=format_json_path(path))


def _rows(doc: Mapping[str, Any], key: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    rows = doc.get(key)
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        if isinstance(row, Mapping):
            yield index, row


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _counts(tally: Mapping[str, Any]) -> Mapping[str, Any]:
    counts = tally.get("counts")
    return counts if isinstance(counts, Mapping) else {}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def _units(scheme: Scheme) -> dict[str, Unit]:
    return {u.id: u for u in scheme.units}


def _indicators(scheme: Scheme) -> dict[str, Indicator]:
    return {i.id: i for i in scheme.indicators}


def _unit_check(unit_id: Any, units: Mapping[str, Unit], path: tuple[str | int, ...],
                cell_map: CellMap) -> Issue | None:
    if isinstance(unit_id, str) and unit_id not in units:
        return _at("unknown-unit", path, cell_map, value=unit_id, unit=unit_id)
    return None


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _rate(ind: Indicator, actual: float, target: float | None) -> float | None:
    """Completion rate as the engine defines it (lower is better: target ÷ actual)."""
    if target is None or target == 0:
        return None
    if ind.direction == "lower":
        return target / actual if actual > 0 else None
    return actual / target


# ---------------------------------------------------------------- unit_report

def report_items(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Each item is an indicator the unit reports, listed once; none of them is missing."""
    units = _units(scheme)
    unit = units.get(str(doc.get("unit_id")))
    if unit is None:
        if (issue := _unit_check(doc.get("unit_id"), units, ("unit_id",), cell_map)):
            yield issue
        return
    expected = [i for i in scheme.indicators_for(unit.group) if i.input == "unit_report"]
    known = {i.id for i in expected}
    seen: dict[str, int] = {}
    for index, item in _rows(doc, "items"):
        ind_id = item.get("indicator_id")
        if not isinstance(ind_id, str):
            continue
        path = ("items", index, "indicator_id")
        if ind_id not in known:
            yield _at("unknown-indicator", path, cell_map, value=ind_id, unit_id=unit.id,
                      indicator_id=ind_id, indicator=ind_id, unit=unit.name)
        elif ind_id in seen:
            yield _at("duplicate-entry", path, cell_map, value=ind_id, unit_id=unit.id,
                      indicator_id=ind_id, what=ind_id, first=seen[ind_id] + 1, row=index + 1)
        seen.setdefault(ind_id, index)
    for ind in expected:
        if ind.id not in seen:
            yield _at("missing-indicator", ("items",), cell_map, value=ind.id, unit_id=unit.id,
                      indicator_id=ind.id, indicator=f"{ind.id} {ind.name}")


def report_targets(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Targets are the scheme's (they are locked in the template)."""
    unit_id = str(doc.get("unit_id"))
    if unit_id not in _units(scheme):
        return  # report_items says so; the scheme's targets of no unit mean nothing here
    indicators = _indicators(scheme)
    for index, item in _rows(doc, "items"):
        ind = indicators.get(str(item.get("indicator_id")))
        if ind is None or "target" not in item:
            continue
        want, got = ind.target_for(unit_id), _num(item.get("target"))
        if want is None and got is None:
            continue
        if want is None or got is None or not math.isclose(got, want, rel_tol=1e-9,
                                                            abs_tol=1e-12):
            yield _at("target-changed", ("items", index, "target"), cell_map,
                      value=item.get("target"), unit_id=unit_id, indicator_id=ind.id,
                      name=ind.name, got="空" if got is None else _show(got),
                      got_en="blank" if got is None else _show(got),
                      want="空" if want is None else _show(want),
                      want_en="blank" if want is None else _show(want))


def report_actuals(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Actual values given (or N/A with a reason), not negative where that is meaningless,
    and not implausibly far from the target."""
    unit_id = str(doc.get("unit_id"))
    if unit_id not in _units(scheme):
        return  # report_items says so; the scheme's targets of no unit mean nothing here
    indicators = _indicators(scheme)
    for index, item in _rows(doc, "items"):
        ind = indicators.get(str(item.get("indicator_id")))
        if ind is None:
            continue
        where = {"unit_id": unit_id, "indicator_id": ind.id, "name": ind.name}
        actual = _num(item.get("actual"))
        if item.get("not_applicable") is True:
            if actual is not None:
                yield _at("na-with-value", ("items", index, "actual"), cell_map,
                          severity=WARNING, value=actual, **where)
            if _blank(item.get("remarks")):
                yield _at("na-without-reason", ("items", index, "remarks"), cell_map,
                          severity=WARNING, **where)
            continue
        if actual is None:
            if item.get("actual") is None:
                yield _at("blank-actual", ("items", index, "actual"), cell_map,
                          severity=WARNING, **where)
            continue
        if actual < 0 and (ind.method in _RATE_METHODS or ind.measure_unit in COUNT_UNITS):
            yield _at("negative-value", ("items", index, "actual"), cell_map, value=actual,
                      shown=_show(actual), **where)
            continue
        target = ind.target_for(unit_id)
        if target and target > 0 and actual > _IMPLAUSIBLE_RATIO * target:
            yield _at("implausible-value", ("items", index, "actual"), cell_map,
                      severity=WARNING, value=actual, shown=_show(actual), target=_show(target),
                      times=f"{actual / target:.0f}", **where)


def report_evidence(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Evidence is given where the claimed completion exceeds the scheme's threshold."""
    unit_id = str(doc.get("unit_id"))
    if unit_id not in _units(scheme):
        return  # report_items says so; the scheme's targets of no unit mean nothing here
    indicators = _indicators(scheme)
    for index, item in _rows(doc, "items"):
        ind = indicators.get(str(item.get("indicator_id")))
        actual = _num(item.get("actual"))
        if ind is None or ind.evidence_required_over is None or actual is None:
            continue
        if item.get("not_applicable") is True or not _blank(item.get("evidence")):
            continue
        rate = _rate(ind, actual, ind.target_for(unit_id))
        if rate is not None and rate > ind.evidence_required_over:
            yield _at("evidence-required", ("items", index, "evidence"), cell_map,
                      unit_id=unit_id, indicator_id=ind.id, name=ind.name,
                      rate=f"{rate * 100:.1f}%", over=f"{ind.evidence_required_over * 100:g}%")


def report_header(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Contact and date of filling are given; the date lies in the year or the one after."""
    unit_id = str(doc.get("unit_id"))
    for name in ("contact", "date"):
        if _blank(doc.get(name)):
            yield _at(f"blank-{name}", (name,), cell_map, severity=WARNING, unit_id=unit_id)
    day = _date(doc.get("date"))
    if day is not None and not date(scheme.year, 1, 1) <= day <= date(scheme.year + 1, 12, 31):
        yield _at("date-out-of-range", ("date",), cell_map,
                  value=doc.get("date"), unit_id=unit_id, day=day.isoformat(),
                  first=f"{scheme.year}-01-01", last=f"{scheme.year + 1}-12-31")


# ---------------------------------------------------------------- lead_scores

def lead_entries(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Entries score the department's own indicators for units they apply to, once each,
    with the input the method needs (a rating from the list, a count, a value)."""
    dept_id = doc.get("lead_department")
    if not any(d.id == dept_id for d in scheme.lead_departments):
        yield _at("unknown-lead-department", ("lead_department",), cell_map, value=dept_id,
                  department=dept_id, known=[d.id for d in scheme.lead_departments])
        return
    units = _units(scheme)
    owned = {i.id: i for i in scheme.indicators_of(str(dept_id))}
    seen: dict[tuple[str, str], int] = {}
    for index, entry in _rows(doc, "entries"):
        unit_id, ind_id = str(entry.get("unit_id")), str(entry.get("indicator_id"))
        if (issue := _unit_check(entry.get("unit_id"), units, ("entries", index, "unit_id"),
                                 cell_map)):
            yield issue
            continue
        ind = owned.get(ind_id)
        if ind is None:
            yield _at("not-owned-indicator", ("entries", index, "indicator_id"), cell_map,
                      value=ind_id, unit_id=unit_id,
                      indicator_id=ind_id, indicator=ind_id)
            continue
        if not ind.applies_to(units[unit_id].group):
            yield _at("unknown-indicator", ("entries", index, "indicator_id"), cell_map,
                      value=ind_id, unit_id=unit_id, indicator_id=ind_id, indicator=ind_id,
                      unit=units[unit_id].name)
            continue
        if (unit_id, ind_id) in seen:
            yield _at("duplicate-entry", ("entries", index), cell_map, unit_id=unit_id,
                      indicator_id=ind_id, what=f"{units[unit_id].name}·{ind_id}",
                      first=seen[(unit_id, ind_id)] + 1, row=index + 1)
            continue
        seen[(unit_id, ind_id)] = index
        yield from _lead_value(entry, index, ind, units[unit_id], cell_map)
    for ind in owned.values():
        for unit in scheme.units:
            if ind.applies_to(unit.group) and (unit.id, ind.id) not in seen:
                yield _at("missing-entry", ("entries",), cell_map, severity=WARNING,
                          unit_id=unit.id, indicator_id=ind.id,
                          what=f"{unit.name}·{ind.id} {ind.name}")


def _lead_value(entry: Mapping[str, Any], index: int, ind: Indicator, unit: Unit,
                cell_map: CellMap) -> Iterator[Issue]:
    where = {"unit_id": unit.id, "indicator_id": ind.id, "name": f"{unit.name}·{ind.name}"}
    field = ("rating" if ind.method == "rating" else
             "count" if ind.method in ("deduction", "bonus") else "value")
    value = entry.get(field)
    path = ("entries", index, field)
    if value is None:
        yield _at("blank-score", path, cell_map, severity=WARNING, **where)
    elif field == "rating":
        allowed = [str(k) for k in ind.params.get("ratings", {})]
        if str(value) not in allowed:
            yield _at("not-in-list", path, cell_map, value=value, shown=value,
                      allowed="、".join(allowed), allowed_en=", ".join(allowed), **where)
    elif field == "value" and (number := _num(value)) is not None and number < 0 and (
            ind.method in _RATE_METHODS or ind.measure_unit in COUNT_UNITS):
        yield _at("negative-value", path, cell_map, value=number, shown=_show(number), **where)


# ---------------------------------------------------------------- adjustments

def adjustment_events(doc: Mapping[str, Any], cell_map: CellMap,
                      scheme: Scheme) -> Iterator[Issue]:
    """Events: unique ids, known units and indicators, dates in the assessment year,
    evidence for every deduction, veto or notification, bonuses within their category's cap."""
    units, indicators = _units(scheme), _indicators(scheme)
    seen: dict[str, int] = {}
    first, last = date(scheme.year, 1, 1), date(scheme.year, 12, 31)
    for index, event in _rows(doc, "events"):
        unit_id = str(event.get("unit_id"))
        where = {"unit_id": unit_id, "name": str(event.get("id", ""))}
        event_id = event.get("id")
        if isinstance(event_id, str):
            if event_id in seen:
                yield _at("duplicate-id", ("events", index, "id"), cell_map, value=event_id,
                          id=event_id, first=seen[event_id] + 1, row=index + 1)
            seen.setdefault(event_id, index)
        if (issue := _unit_check(event.get("unit_id"), units, ("events", index, "unit_id"),
                                 cell_map)):
            yield issue
        ind_id = event.get("indicator_id")
        if isinstance(ind_id, str) and ind_id not in indicators:
            yield _at("unknown-indicator", ("events", index, "indicator_id"), cell_map,
                      key="unknown-indicator-id", value=ind_id, indicator=ind_id, **where)
        day = _date(event.get("date"))
        if day is not None and not first <= day <= last:
            yield _at("date-outside-year", ("events", index, "date"), cell_map,
                      value=event.get("date"), day=day.isoformat(), year=scheme.year, **where)
        kind = event.get("type")
        if kind in _EVIDENCE_EVENTS and _blank(event.get("evidence")):
            yield _at("evidence-required", ("events", index, "evidence"), cell_map,
                      key="evidence-event", **where)
        for name in ("reason", "approver"):
            if _blank(event.get(name)):
                yield _at(f"blank-{name}", ("events", index, name), cell_map,
                          severity=WARNING, **where)
        if kind == "bonus":
            yield from _bonus_cap(event, index, scheme, cell_map, where)


def _bonus_cap(event: Mapping[str, Any], index: int, scheme: Scheme, cell_map: CellMap,
               where: Mapping[str, Any]) -> Iterator[Issue]:
    category, points = event.get("category"), _num(event.get("points"))
    if not scheme.bonus_caps or not isinstance(category, str):
        return
    if category not in scheme.bonus_caps:
        shown = list(scheme.bonus_caps)
        yield _at("unknown-category", ("events", index, "category"), cell_map,
                  severity=WARNING, value=category, shown=category, allowed="、".join(shown),
                  allowed_en=", ".join(shown), **where)
    elif points is not None and points > float(scheme.bonus_caps[category]):
        yield _at("points-above-cap", ("events", index, "points"), cell_map, severity=WARNING,
                  value=points, points=_show(points), category=category,
                  cap=_show(float(scheme.bonus_caps[category])), **where)


def adjustment_decisions(doc: Mapping[str, Any], cell_map: CellMap,
                         scheme: Scheme) -> Iterator[Issue]:
    """Decisions name an event of the register, carry points when adjusted, and are dated
    after their event and before the end of the following year."""
    events = {e.get("id"): e for _, e in _rows(doc, "events")}
    for index, decision in _rows(doc, "decisions"):
        event = events.get(decision.get("event_id"))
        where = {"name": str(decision.get("id", ""))}
        if event is None:
            yield _at("unknown-event", ("decisions", index, "event_id"), cell_map,
                      value=decision.get("event_id"), event=decision.get("event_id"), **where)
            continue
        where["unit_id"] = str(event.get("unit_id", ""))
        if decision.get("outcome") == "adjusted" and _num(decision.get("points")) is None:
            yield _at("adjusted-without-points", ("decisions", index, "points"), cell_map,
                      **where)
        day, event_day = _date(decision.get("date")), _date(event.get("date"))
        if day is None:
            continue
        if not date(scheme.year, 1, 1) <= day <= date(scheme.year + 1, 12, 31):
            yield _at("date-out-of-range", ("decisions", index, "date"), cell_map,
                      value=decision.get("date"), day=day.isoformat(),
                      first=f"{scheme.year}-01-01", last=f"{scheme.year + 1}-12-31", **where)
        elif event_day is not None and day < event_day:
            yield _at("date-order", ("decisions", index, "date"), cell_map, severity=WARNING,
                      value=decision.get("date"), day=day.isoformat(),
                      event_day=event_day.isoformat(), **where)


# ---------------------------------------------------------------- routine and ballots

def routine_entries(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Scores 0–100 for known units and periods, one per unit and period."""
    units, periods = _units(scheme), list(scheme.routine_periods)
    seen: dict[tuple[str, str], int] = {}
    for index, entry in _rows(doc, "entries"):
        unit_id, period = str(entry.get("unit_id")), entry.get("period")
        if (issue := _unit_check(entry.get("unit_id"), units, ("entries", index, "unit_id"),
                                 cell_map)):
            yield issue
            continue
        if isinstance(period, str) and period not in periods:
            yield _at("not-in-list", ("entries", index, "period"), cell_map, value=period,
                      unit_id=unit_id, shown=period, allowed="、".join(periods),
                      allowed_en=", ".join(periods))
            continue
        score = _num(entry.get("score"))
        if score is not None and score > 100:
            yield _at("out-of-range", ("entries", index, "score"), cell_map, value=score,
                      unit_id=unit_id, shown=_show(score), low="0", high="100")
        if (unit_id, str(period)) in seen:
            yield _at("duplicate-entry", ("entries", index), cell_map, unit_id=unit_id,
                      what=f"{units[unit_id].name}·{period}",
                      first=seen[(unit_id, str(period))] + 1, row=index + 1)
        seen.setdefault((unit_id, str(period)), index)


def conduct_tallies(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Conduct ballots: known units, rater groups and grades; votes within the raters."""
    units = _units(scheme)
    raters = {r.id for r in scheme.rater_groups}
    grades = list(scheme.ballot_grades)
    for index, tally in _rows(doc, "conduct"):
        unit_id = str(tally.get("unit_id"))
        if (issue := _unit_check(tally.get("unit_id"), units, ("conduct", index, "unit_id"),
                                 cell_map)):
            yield issue
        group = tally.get("rater_group")
        if isinstance(group, str) and group not in raters:
            yield _at("unknown-rater-group", ("conduct", index, "rater_group"), cell_map,
                      value=group, unit_id=unit_id, shown=group,
                      allowed="、".join(sorted(raters)), allowed_en=", ".join(sorted(raters)))
        counts = _counts(tally)
        for label in counts:
            if label not in grades:
                yield _at("not-in-list", ("conduct", index, "counts", label), cell_map,
                          value=label, unit_id=unit_id, shown=label, allowed="、".join(grades),
                          allowed_en=", ".join(grades))
        votes = sum(n for n in (_num(v) for v in counts.values()) if n is not None) or 0.0
        cast = votes + (_num(tally.get("invalid")) or 0)
        limit = _num(tally.get("raters"))
        if limit is not None and cast > limit:
            yield _at("ballots-exceed-raters", ("conduct", index, "raters"), cell_map,
                      value=limit, unit_id=unit_id, cast=_show(cast), raters=_show(limit))


def satisfaction_tallies(doc: Mapping[str, Any], cell_map: CellMap,
                         scheme: Scheme) -> Iterator[Issue]:
    """Satisfaction: known units and options; answers summing to the sample when it is given."""
    units = _units(scheme)
    options = [*scheme.satisfaction_options, *scheme.satisfaction_excluded]
    for index, tally in _rows(doc, "satisfaction"):
        unit_id = str(tally.get("unit_id"))
        if (issue := _unit_check(tally.get("unit_id"), units,
                                 ("satisfaction", index, "unit_id"), cell_map)):
            yield issue
        counts = _counts(tally)
        for label in counts:
            if label not in options:
                yield _at("not-in-list", ("satisfaction", index, "counts", label), cell_map,
                          value=label, unit_id=unit_id, shown=label,
                          allowed="、".join(options), allowed_en=", ".join(options))
        answers = sum(n for n in (_num(v) for v in counts.values()) if n is not None) or 0.0
        sample = _num(tally.get("sample"))
        if sample is not None and answers != sample:
            yield _at("sample-mismatch", ("satisfaction", index, "sample"), cell_map,
                      value=sample, unit_id=unit_id, answers=_show(answers),
                      sample=_show(sample))


CHECKS: dict[str, Check] = {
    "report-items": report_items,
    "report-targets": report_targets,
    "report-actuals": report_actuals,
    "report-evidence": report_evidence,
    "report-header": report_header,
    "lead-entries": lead_entries,
    "adjustment-events": adjustment_events,
    "adjustment-decisions": adjustment_decisions,
    "routine-entries": routine_entries,
    "conduct-tallies": conduct_tallies,
    "satisfaction-tallies": satisfaction_tallies,
}

KIND_CHECKS: dict[str, tuple[str, ...]] = {
    "unit_report": ("report-items", "report-targets", "report-actuals", "report-evidence",
                    "report-header"),
    "lead_scores": ("lead-entries",),
    "adjustments": ("adjustment-events", "adjustment-decisions"),
    "routine": ("routine-entries",),
    "ballots": ("conduct-tallies", "satisfaction-tallies"),
}
