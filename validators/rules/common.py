"""Shared parts of the value checks: locating a finding, reading a document defensively."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any, TypedDict

from kaohe.engine.model import COUNT_UNITS, Indicator, Scheme, Unit
from validators.messages import finding
from validators.reading.locate import CellMap, format_json_path, locate
from validators.reading.tables import scheme_table
from validators.report import Issue

__all__ = ["Check", "Where", "COUNT_UNITS", "RATE_METHODS", "IMPLAUSIBLE_RATIO", "EVIDENCE_EVENTS",
           "LABELS", "FIELD_NAMES", "finding_at", "rows_of", "as_number", "counts_of", "is_blank",
           "show",
           "units_by_id", "indicators_by_id", "scheme_table", "unknown_unit", "iso_date",
           "completion_rate", "row_where"]

Check = Callable[[Mapping[str, Any], CellMap, Scheme], Iterator[Issue]]


class Where(TypedDict, total=False):
    """Who a finding concerns, passed on to `finding_at` as ``**where``."""

    unit_id: str
    indicator_id: str
    name: str


RATE_METHODS = {"completion", "pass_fail", "base_step"}
IMPLAUSIBLE_RATIO = 10.0
EVIDENCE_EVENTS = {"deduction", "veto", "notification"}
#: Every document field's name as a clerk reads it: (中文, English).
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "actual": ("完成值", "actual"), "target": ("目标值", "target"),
    "evidence": ("佐证材料", "evidence"), "remarks": ("备注", "remarks"),
    "not_applicable": ("不适用", "N/A"), "contact": ("填报联系人", "contact person"),
    "phone": ("联系电话", "phone"), "date": ("日期", "date"), "value": ("核定值", "value"),
    "rating": ("评级", "rating"), "count": ("次数", "count"), "unit_id": ("被考核单位", "unit"),
    "indicator_id": ("考核指标", "indicator"),
    "lead_department": ("牵头考核部门", "lead department"), "period": ("考核周期", "period"),
    "score": ("得分", "score"), "points": ("分值", "points"), "category": ("类别", "category"),
    "approver": ("审批人", "approver"), "reason": ("事由", "reason"),
    "event_id": ("事项编号", "event ID"), "id": ("编号", "ID"),
    "rater_group": ("测评主体", "rater group"), "counts": ("票数", "votes"),
    "raters": ("参评人数", "raters"), "sample": ("样本量", "sample"),
    "invalid": ("废票数", "invalid ballots"), "items": ("填报项", "items"),
    "entries": ("评分项", "scores"), "type": ("类型", "type"),
    "kind": ("决定类别", "kind of decision"),
    "outcome": ("处理结果", "outcome"), "region_wide": ("全疆（区）通报", "region-wide notice"),
}
LABELS = {field: zh for field, (zh, _) in FIELD_NAMES.items()}


def finding_at(rule: str, path: tuple[str | int, ...], cell_map: CellMap, *,
               key: str | None = None, severity: str = "error", value: Any = None,
               unit_id: str = "", indicator_id: str = "", name: str = "",
               at: tuple[str | int, ...] | None = None, **params: Any) -> Issue:
    """A finding at a document path, located through the cell map (or at the path `at`;
    () for the whole file), labelled in Chinese."""
    sheet, cell = locate(path if at is None else at, cell_map)
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    label = LABELS.get(field, "")  # never the field's own name (a clerk does not know it)
    return finding(rule, key=key, severity=severity, params=params, sheet=sheet, cell=cell,
                   field=field, label="·".join(part for part in (name, label) if part),
                   value=value if isinstance(value, (str, int, float, bool)) else None,
                   unit_id=unit_id, indicator_id=indicator_id,
                   json_path=format_json_path(path))


def rows_of(doc: Mapping[str, Any], key: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, row) of the mappings in the list doc[key] (anything else is skipped)."""
    rows = doc.get(key)
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        if isinstance(row, Mapping):
            yield index, row


def as_number(value: Any) -> float | None:
    """A finite number as float; None for anything else (booleans and text too)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def counts_of(tally: Mapping[str, Any]) -> Mapping[str, Any]:
    """A tally's label → count mapping ({} when missing or malformed)."""
    counts = tally.get("counts")
    return counts if isinstance(counts, Mapping) else {}


def is_blank(value: Any) -> bool:
    """None or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def show(value: float) -> str:
    """A number as a clerk writes it: 85, 12.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


# Built once per scheme (checks ask for them for every document): keyed by the scheme
# object itself, which the entry keeps alive so its id cannot be reused meanwhile.
def units_by_id(scheme: Scheme) -> Mapping[str, Unit]:
    """The scheme's units by id (read-only, built once per scheme)."""
    return scheme_table(scheme, "units", lambda: {u.id: u for u in scheme.units})


def indicators_by_id(scheme: Scheme) -> Mapping[str, Indicator]:
    """The scheme's indicators by id (read-only, built once per scheme)."""
    return scheme_table(scheme, "indicators", lambda: {i.id: i for i in scheme.indicators})


def unknown_unit(unit_id: Any, units: Mapping[str, Unit], path: tuple[str | int, ...],
                 cell_map: CellMap) -> Issue | None:
    """An unknown-unit finding when unit_id is text that names no unit of the scheme."""
    if isinstance(unit_id, str) and unit_id not in units:
        return finding_at("unknown-unit", path, cell_map, value=unit_id, unit=unit_id)
    return None


def iso_date(text: Any) -> date | None:
    """A YYYY-MM-DD text as a date; None otherwise."""
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def completion_rate(ind: Indicator, actual: float, target: float | None) -> float | None:
    """Completion rate as the engine defines it (lower is better: target ÷ actual)."""
    if target is None or target == 0:
        return None
    if ind.direction == "lower":
        return target / actual if actual > 0 else None
    return actual / target


def row_where(document: Mapping[str, Any], path: tuple[str | int, ...],
              scheme: Scheme) -> Where:
    """Who the value at a document path concerns — unit, indicator and the row's name as the
    reader labels it ("一般公共预算收入", "布尔津县·C01", an event's id)."""
    rows = document.get(str(path[0])) if len(path) > 2 else None
    index = path[1] if len(path) > 2 else None
    if not isinstance(rows, list) or not isinstance(index, int) or index >= len(rows) or \
            not isinstance(rows[index], Mapping):
        return {"unit_id": str(document.get("unit_id") or "")}
    row = rows[index]
    unit_id = str(row.get("unit_id") or document.get("unit_id") or "")
    ind_id = str(row.get("indicator_id") or "")
    ind, unit = indicators_by_id(scheme).get(ind_id), units_by_id(scheme).get(unit_id)
    if document.get("kind") == "unit_report" and ind is not None:
        name = ind.name
    elif unit is not None and document.get("kind") == "lead_scores":
        name = f"{unit.name}·{ind_id}"
    else:
        name = str(row.get("id") or "")
    return {"unit_id": unit_id, "indicator_id": ind_id, "name": name}
