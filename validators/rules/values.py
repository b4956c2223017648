"""Value checks of a document against its scheme, beyond the JSON Schema, located to the cell.

Every check is a small generator ``check(doc, cell_map, scheme) -> Iterator[Issue]`` in
the explicit registry `CHECKS`; `KIND_CHECKS` says which run for which document kind,
`EVERY_KIND` which run for all (the free-text checks of checks_text.py).
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
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from kaohe.engine.model import Indicator, Scheme, Unit
from validators.reading.locate import CellMap, locate
from validators.report import WARNING, Issue
from validators.rules.cadres import cadre_tallies, roster_people, sanction_records
from validators.rules.common import (
    COUNT_UNITS,
    IMPLAUSIBLE_RATIO,
    Check,
    Where,
    as_number,
    completion_rate,
    finding_at,
    indicators_by_id,
    is_blank,
    iso_date,
    rows_of,
    show,
    units_by_id,
    unknown_unit,
)
from validators.rules.registers import (
    adjustment_decisions,
    adjustment_events,
    conduct_tallies,
    routine_entries,
    satisfaction_tallies,
)
from validators.rules.text import text_values

__all__ = ["CHECKS", "KIND_CHECKS", "EVERY_KIND", "run_checks", "COUNT_UNITS"]


def run_checks(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> list[Issue]:
    """Every check of the document's kind, in registry order."""
    kind = doc.get("kind") if isinstance(doc, Mapping) else None
    issues: list[Issue] = []
    names = KIND_CHECKS.get(str(kind))
    for name in (*names, *EVERY_KIND) if names else ():
        issues.extend(CHECKS[name](doc, cell_map, scheme))
    return issues


# ---------------------------------------------------------------- unit_report

def report_items(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Each item is an indicator the unit reports, listed once; none of them is missing."""
    units = units_by_id(scheme)
    unit = units.get(str(doc.get("unit_id")))
    if unit is None:
        if (issue := unknown_unit(doc.get("unit_id"), units, ("unit_id",), cell_map)):
            yield issue
        return
    expected = [i for i in scheme.indicators_for(unit.group) if i.input == "unit_report"]
    known = {i.id for i in expected}
    seen: dict[str, int] = {}
    for index, item in rows_of(doc, "items"):
        ind_id = item.get("indicator_id")
        if not isinstance(ind_id, str):
            continue
        path = ("items", index, "indicator_id")
        if ind_id not in known:
            yield finding_at("unknown-indicator", path, cell_map, value=ind_id, unit_id=unit.id,
                             indicator_id=ind_id, indicator=ind_id, unit=unit.name)
        elif ind_id in seen:
            yield finding_at("duplicate-entry", path, cell_map, value=ind_id, unit_id=unit.id,
                             indicator_id=ind_id, what=ind_id, first=seen[ind_id] + 1,
                             row=index + 1)
        seen.setdefault(ind_id, index)
    for ind in expected:
        if ind.id not in seen:
            yield finding_at("missing-indicator", ("items",), cell_map, at=(), value=ind.id,
                             unit_id=unit.id,
                             indicator_id=ind.id, indicator=f"{ind.id} {ind.name}")


def report_targets(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Targets are the scheme's (they are locked in the template)."""
    unit_id = str(doc.get("unit_id"))
    if unit_id not in units_by_id(scheme):
        return  # report_items says so; the scheme's targets of no unit mean nothing here
    indicators = indicators_by_id(scheme)
    for index, item in rows_of(doc, "items"):
        ind = indicators.get(str(item.get("indicator_id")))
        if ind is None or "target" not in item:
            continue
        want, got = ind.target_for(unit_id), as_number(item.get("target"))
        if want is None and got is None:
            continue
        if want is None or got is None or not math.isclose(got, want, rel_tol=1e-9,
                                                            abs_tol=1e-12):
            yield finding_at("target-changed", ("items", index, "target"), cell_map,
                             value=item.get("target"), unit_id=unit_id, indicator_id=ind.id,
                             name=ind.name, got="空" if got is None else show(got),
                             got_en="blank" if got is None else show(got),
                             want="空" if want is None else show(want),
                             want_en="blank" if want is None else show(want))


def report_actuals(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Actual values given (or N/A with a reason), not negative where that is meaningless,
    and not implausibly far from the target."""
    unit_id = str(doc.get("unit_id"))
    if unit_id not in units_by_id(scheme):
        return  # report_items says so; the scheme's targets of no unit mean nothing here
    indicators = indicators_by_id(scheme)
    items = [item for _, item in rows_of(doc, "items")]
    if items and all(as_number(i.get("actual")) is None and i.get("not_applicable") is not True
                     for i in items):
        # Nothing reported at all (the wrong file, or sent before filling in): one error for
        # the sheet (workbook.py then leaves out each blank cell's warning).
        yield _for_sheet("no-actuals", ("items", 0, "actual"), cell_map, unit_id=unit_id)
    for index, item in rows_of(doc, "items"):
        ind = indicators.get(str(item.get("indicator_id")))
        if ind is None:
            continue
        where: Where = {"unit_id": unit_id, "indicator_id": ind.id, "name": ind.name}
        actual = as_number(item.get("actual"))
        if item.get("not_applicable") is True:
            if actual is not None:
                yield finding_at("na-with-value", ("items", index, "actual"), cell_map,
                                 severity=WARNING, value=actual, **where)
            if is_blank(item.get("remarks")):
                yield finding_at("na-without-reason", ("items", index, "remarks"), cell_map,
                                 severity=WARNING, **where)
            continue
        if actual is None:
            if item.get("actual") is None:
                yield finding_at("blank-actual", ("items", index, "actual"), cell_map,
                                 severity=WARNING, **where)
            continue
        if actual < 0 and not ind.negative_allowed:
            yield finding_at("negative-value", ("items", index, "actual"), cell_map, value=actual,
                             shown=show(actual), **where)
            continue
        target = ind.target_for(unit_id)
        if target and target > 0 and actual > IMPLAUSIBLE_RATIO * target:
            yield finding_at("implausible-value", ("items", index, "actual"), cell_map,
                             severity=WARNING, value=actual, shown=show(actual),
                             target=show(target), times=f"{actual / target:.0f}", **where)
        elif ind.measure_unit == "%" and 0 < actual <= 1 and (
                (reference := _percent_reference(ind, target)) is not None):
            # Excel stores a typed "85%" as 0.85 (and shows it as 85%): in a column already
            # measured in %, against a target or thresholds of 10 or more, 85 was meant.
            yield finding_at("percent-as-fraction", ("items", index, "actual"), cell_map,
                             severity=WARNING, value=actual, shown=show(actual),
                             meant=show(round(actual * 100, 10)), target=show(reference),
                             **where)


def _percent_reference(ind: Indicator, target: float | None) -> float | None:
    """What a % actual is measured against — the target, else the method's thresholds (tier
    minimums, best and worst) — when it is 10 or more; None otherwise."""
    if target is not None:
        return target if target >= 10 else None
    params = ind.params
    values = [params.get("best"), params.get("worst"),
              *(t.get("min") for t in params.get("tiers") or () if isinstance(t, Mapping))]
    numbers = [float(v) for v in values if isinstance(v, int | float)
               and not isinstance(v, bool)]
    return min(numbers) if numbers and min(numbers) >= 10 else None


def report_evidence(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Evidence is given where the claimed completion exceeds the scheme's threshold."""
    unit_id = str(doc.get("unit_id"))
    if unit_id not in units_by_id(scheme):
        return  # report_items says so; the scheme's targets of no unit mean nothing here
    indicators = indicators_by_id(scheme)
    for index, item in rows_of(doc, "items"):
        ind = indicators.get(str(item.get("indicator_id")))
        actual = as_number(item.get("actual"))
        if ind is None or ind.evidence_required_over is None or actual is None:
            continue
        if item.get("not_applicable") is True or not is_blank(item.get("evidence")):
            continue
        rate = completion_rate(ind, actual, ind.target_for(unit_id))
        if rate is not None and rate > ind.evidence_required_over:
            yield finding_at("evidence-required", ("items", index, "evidence"), cell_map,
                             unit_id=unit_id, indicator_id=ind.id, name=ind.name,
                             rate=f"{rate * 100:.1f}%",
                             over=f"{ind.evidence_required_over * 100:g}%")


def report_header(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Contact and date of filling are given; the date lies in the year or the one after."""
    unit_id = str(doc.get("unit_id"))
    for name in ("contact", "date"):
        if is_blank(doc.get(name)):
            yield finding_at(f"blank-{name}", (name,), cell_map, severity=WARNING, unit_id=unit_id)
    day = iso_date(doc.get("date"))
    if day is not None and not date(scheme.year, 1, 1) <= day <= date(scheme.year + 1, 12, 31):
        # The fill date is clerical (it only orders two submissions of one unit): a warning.
        yield finding_at("date-out-of-range", ("date",), cell_map, severity=WARNING,
                         value=doc.get("date"), unit_id=unit_id, day=day.isoformat(),
                         first=f"{scheme.year}-01-01", last=f"{scheme.year + 1}-12-31")


# ---------------------------------------------------------------- lead_scores

def lead_entries(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Entries score the department's own indicators for units they apply to, once each,
    with the input the method needs (a rating from the list, a count, a value)."""
    dept_id = doc.get("lead_department")
    if not any(d.id == dept_id for d in scheme.lead_departments):
        yield finding_at("unknown-lead-department", ("lead_department",), cell_map, value=dept_id,
                         department=dept_id, known=[d.id for d in scheme.lead_departments])
        return
    units = units_by_id(scheme)
    owned = {i.id: i for i in scheme.indicators_of(str(dept_id))}
    entries = [entry for _, entry in rows_of(doc, "entries")]
    if entries and all(e.get(f) is None for e in entries for f in ("rating", "count", "value")):
        yield _for_sheet("no-scores", ("entries", 0), cell_map, unit_id="")
    seen: dict[tuple[str, str], int] = {}
    for index, entry in rows_of(doc, "entries"):
        unit_id, ind_id = str(entry.get("unit_id")), str(entry.get("indicator_id"))
        if (issue := unknown_unit(entry.get("unit_id"), units, ("entries", index, "unit_id"),
                                 cell_map)):
            yield issue
            continue
        ind = owned.get(ind_id)
        if ind is None:
            yield finding_at("not-owned-indicator", ("entries", index, "indicator_id"), cell_map,
                             value=ind_id, unit_id=unit_id,
                             indicator_id=ind_id, indicator=ind_id)
            continue
        if not ind.applies_to(units[unit_id].group):
            yield finding_at("unknown-indicator", ("entries", index, "indicator_id"), cell_map,
                             value=ind_id, unit_id=unit_id, indicator_id=ind_id, indicator=ind_id,
                             unit=units[unit_id].name)
            continue
        if (unit_id, ind_id) in seen:
            yield finding_at("duplicate-entry", ("entries", index), cell_map, unit_id=unit_id,
                             indicator_id=ind_id, what=f"{units[unit_id].name}·{ind_id}",
                             first=seen[(unit_id, ind_id)] + 1, row=index + 1)
            continue
        seen[(unit_id, ind_id)] = index
        yield from _lead_value(entry, index, ind, units[unit_id], cell_map)
    for ind in owned.values():
        for unit in scheme.units:
            if ind.applies_to(unit.group) and (unit.id, ind.id) not in seen:
                yield finding_at("missing-entry", ("entries",), cell_map, at=(), severity=WARNING,
                                 unit_id=unit.id, indicator_id=ind.id,
                                 what=f"{unit.name}·{ind.id} {ind.name}")


def _lead_value(entry: Mapping[str, Any], index: int, ind: Indicator, unit: Unit,
                cell_map: CellMap) -> Iterator[Issue]:
    where: Where = {"unit_id": unit.id, "indicator_id": ind.id,
                    "name": f"{unit.name}·{ind.name}"}
    field = ("rating" if ind.method == "rating" else
             "count" if ind.method in ("deduction", "bonus") else "value")
    value = entry.get(field)
    path = ("entries", index, field)
    if value is None:
        yield finding_at("blank-score", path, cell_map, severity=WARNING, **where)
    elif field == "rating":
        allowed = [str(k) for k in ind.params.get("ratings", {})]
        if str(value) not in allowed:
            yield finding_at("not-in-list", path, cell_map, value=value, shown=value,
                             allowed="、".join(allowed), allowed_en=", ".join(allowed), **where)
    elif field == "value" and (number := as_number(value)) is not None and number < 0 and (
            not ind.negative_allowed):
        yield finding_at("negative-value", path, cell_map, value=number, shown=show(number),
                         **where)


def _for_sheet(rule: str, path: tuple[str | int, ...], cell_map: CellMap,
               unit_id: str) -> Issue:
    """An error about a whole sheet: on the sheet that holds `path`, at no cell."""
    sheet, _ = locate(path, cell_map)
    return finding_at(rule, path, cell_map, at=(), unit_id=unit_id).located(
        sheet=sheet, field="", label="")


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
    "text-values": text_values,
    "roster-people": roster_people,
    "cadre-tallies": cadre_tallies,
    "sanction-records": sanction_records,
}

KIND_CHECKS: dict[str, tuple[str, ...]] = {
    "unit_report": ("report-items", "report-targets", "report-actuals", "report-evidence",
                    "report-header"),
    "lead_scores": ("lead-entries",),
    "adjustments": ("adjustment-events", "adjustment-decisions"),
    "routine": ("routine-entries",),
    "ballots": ("conduct-tallies", "satisfaction-tallies"),
    "roster": ("roster-people",),
    "cadre_ballots": ("cadre-tallies",),
    "sanctions": ("sanction-records",),
}
#: Checks of every kind of document, after its own.
EVERY_KIND: tuple[str, ...] = ("text-values",)
