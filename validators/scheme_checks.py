"""Checks of a scheme document beyond its JSON Schema: sums, references, coherent parameters.

Every check is a small generator `check(doc) -> Iterator[Issue]` in `SCHEME_CHECKS`; each
Issue carries the `json_path` of the offending value, and `check_scheme` locates it at a
sheet and cell when the scheme came from a workbook with a cell map. A check never
raises on a malformed document: the schema problems are reported first and the checks
skip what they cannot read.

>>> from kaohe.pipeline.documents import default_scheme_document
>>> check_scheme(default_scheme_document()).valid
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from validators.locate import CellMap, locate_issue
from validators.messages import finding
from validators.report import WARNING, Issue, Report
from validators.schema import format_json_path, schema_problems

__all__ = ["SCHEME_CHECKS", "check_scheme"]

_TOLERANCE = 1e-6
_NEEDS_TARGET = {"completion", "base_step", "pass_fail"}
_ID_LISTS = ("groups", "units", "lead_departments", "components", "indicators", "rater_groups")


def check_scheme(doc: Any, cell_map: CellMap | None = None, *, file: str = "") -> Report:
    """Schema problems, then every check of SCHEME_CHECKS, as one Report.

    Example: ``check_scheme(json.load(open("scheme.json"))).flatten(["json_path", "rule"])``.
    """
    report = Report(file=file, kind="scheme")
    problems = schema_problems(doc, "scheme")
    for problem in problems:
        report.add(locate_issue(Issue(
            rule=problem.rule, message=problem.message, message_en=problem.message_en,
            field=problem.field, value=_small(problem.value), json_path=problem.json_path,
            hint="请按方案说明（docs/contracts.md）修改方案", hint_en="fix the scheme as "
            "docs/contracts.md describes"), cell_map))
    if not isinstance(doc, Mapping):
        return report
    for check in SCHEME_CHECKS.values():
        for issue in check(doc):
            report.add(locate_issue(issue, cell_map))
    return report


def _small(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else None


def _list(doc: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    items = doc.get(key)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, Mapping)]


def _ids(doc: Mapping[str, Any], key: str) -> set[str]:
    return {str(item["id"]) for _, item in _list(doc, key) if "id" in item}


def _group(doc: Mapping[str, Any], group_id: Any) -> dict[str, str]:
    """Message parameters naming a group: its Chinese name, its English name or id."""
    for _, group in _list(doc, "groups"):
        if group.get("id") == group_id:
            return {"group": str(group.get("name") or group_id),
                    "group_en": str(group.get("name_en") or group_id)}
    return {"group": str(group_id)}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _at(rule: str, path: tuple[str | int, ...], *, key: str | None = None,
        severity: str = "error", value: Any = None, indicator_id: str = "",
        unit_id: str = "", **params: Any) -> Issue:
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    for name, value in list(params.items()):
        if isinstance(value, (list, tuple, set)):  # lists read as 甲、乙 / a, b
            shown = [str(v) for v in value] or ["（无）"]
            params[name], params[f"{name}_en"] = "、".join(shown), ", ".join(shown)
    return finding(rule, key=key, severity=severity, params=params,
                   json_path=format_json_path(path), field=field, value=_small(value),
                   indicator_id=indicator_id, unit_id=unit_id)


# ---------------------------------------------------------------- identities and references

def unique_ids(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Ids are unique within each list (groups, units, indicators …)."""
    for key in _ID_LISTS:
        seen: dict[str, int] = {}
        for index, item in _list(doc, key):
            item_id = item.get("id")
            if not isinstance(item_id, str):
                continue
            if item_id in seen:
                yield _at("duplicate-id", (key, index, "id"), value=item_id, id=item_id,
                          first=seen[item_id] + 1, row=index + 1)
            seen.setdefault(item_id, index)


def unit_groups(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Every unit belongs to a defined group; every group has units."""
    groups = _ids(doc, "groups")
    used = set()
    for index, unit in _list(doc, "units"):
        group = unit.get("group")
        used.add(group)
        if isinstance(group, str) and group not in groups:
            yield _at("unknown-group", ("units", index, "group"), value=group, group=group,
                      unit_id=str(unit.get("id", "")), known=sorted(groups))
    for index, group in _list(doc, "groups"):
        if group.get("id") not in used:
            yield _at("empty-group", ("groups", index), severity=WARNING,
                      value=group.get("id"), **_group(doc, group.get("id")))


def indicator_references(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Each indicator's component, groups, lead department and per-unit targets exist."""
    groups, units = _ids(doc, "groups"), _ids(doc, "units")
    departments = _ids(doc, "lead_departments")
    kinds = {c.get("id"): c.get("kind") for _, c in _list(doc, "components")}
    for index, ind in _list(doc, "indicators"):
        ind_id = str(ind.get("id", ""))
        component = ind.get("component")
        if isinstance(component, str) and component not in kinds:
            yield _at("unknown-component", ("indicators", index, "component"), value=component,
                      indicator_id=ind_id, component=component,
                      known=[str(k) for k in kinds])
        elif isinstance(component, str) and kinds[component] != "indicators":
            yield _at("not-an-indicators-component", ("indicators", index, "component"),
                      value=component, indicator_id=ind_id, component=component,
                      component_kind=kinds[component])
        for g_index, group in enumerate(ind.get("groups") or []):
            if isinstance(group, str) and group not in groups:
                yield _at("unknown-group", ("indicators", index, "groups", g_index),
                          value=group, indicator_id=ind_id, group=group,
                          known=sorted(groups))
        dept = ind.get("lead_department")
        if isinstance(dept, str) and dept not in departments:
            yield _at("unknown-lead-department", ("indicators", index, "lead_department"),
                      value=dept, indicator_id=ind_id, department=dept,
                      known=sorted(departments))
        targets = ind.get("targets")
        for unit_id in (targets if isinstance(targets, Mapping) else {}):
            if unit_id not in units:
                yield _at("unknown-unit", ("indicators", index, "targets", unit_id),
                          value=unit_id, indicator_id=ind_id, unit=unit_id)


def component_weights(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Each group's component weights name known components and sum to 1."""
    weights = doc.get("component_weights")
    if not isinstance(weights, Mapping):
        return
    components = _ids(doc, "components")
    for index, group in _list(doc, "groups"):
        if group.get("id") not in weights:
            yield _at("missing-weights", ("groups", index), value=group.get("id"),
                      **_group(doc, group.get("id")))
    groups = _ids(doc, "groups")
    for group_id, shares in weights.items():
        if group_id not in groups:
            yield _at("unknown-group", ("component_weights", group_id), value=group_id,
                      group=group_id, known=sorted(groups))
        if not isinstance(shares, Mapping):
            continue
        for component in shares:
            if component not in components:
                yield _at("unknown-component", ("component_weights", group_id, component),
                          value=component, component=component,
                          known=sorted(components))
        numbers = [_number(w) for w in shares.values()]
        if shares and None not in numbers:
            total = sum(n for n in numbers if n is not None)
            if not _close(total, 1.0):  # the schema keeps each weight within 0–1
                yield _at("weights-sum", ("component_weights", group_id), value=round(total, 6),
                          total=_show(total), **_group(doc, group_id))


def rater_weights(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Rater-group weights sum to 1."""
    raters = _list(doc, "rater_groups")
    numbers = [_number(r.get("weight")) for _, r in raters]
    if raters and None not in numbers:
        total = sum(n for n in numbers if n is not None)
        if not _close(total, 1.0):
            yield _at("weights-sum", ("rater_groups",), key="rater-weights-sum",
                      value=round(total, 6), total=_show(total))


def full_scores(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Per group, the full scores of an indicators-component's indicators sum to its full score."""
    weights = doc.get("component_weights")
    weights = weights if isinstance(weights, Mapping) else {}
    for c_index, component in _list(doc, "components"):
        if component.get("kind") != "indicators":
            continue
        full = _number(component.get("full_score", 100))
        if full is None:
            continue
        for _, group in _list(doc, "groups"):
            group_id = group.get("id")
            share = weights.get(group_id, {})
            if isinstance(share, Mapping) and not _number(share.get(component.get("id"))):
                continue  # the component does not count for this group
            scores = [_number(ind.get("full_score")) for _, ind in _list(doc, "indicators")
                      if ind.get("component") == component.get("id")
                      and group_id in (ind.get("groups") or [])]
            if None in scores:
                continue
            total = sum(s for s in scores if s is not None)
            if not _close(total, full):
                yield _at("full-scores-sum", ("components", c_index, "full_score"),
                          value=_show(total), component=component.get("name") or component["id"],
                          component_en=component.get("name_en") or component.get("id"),
                          total=_show(total), full=_show(full), count=len(scores),
                          **_group(doc, group_id))


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOLERANCE * max(1.0, abs(b))


def _show(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- grading, quotas, tie-breakers

def grade_bands(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Per group: bands exist, grades known, mins descending in grade order, the last at 0."""
    grading = doc.get("grading")
    if not isinstance(grading, Mapping) or not isinstance(grading.get("bands"), Mapping):
        return
    grades = [g for g in grading.get("grades") or [] if isinstance(g, str)]
    bands = grading["bands"]
    for index, group in _list(doc, "groups"):
        if group.get("id") not in bands:
            yield _at("missing-bands", ("groups", index), value=group.get("id"),
                      **_group(doc, group.get("id")))
    for group_id, rows in bands.items():
        if not isinstance(rows, list):
            continue
        last: float | None = None
        mins = []
        for b_index, band in enumerate(rows):
            if not isinstance(band, Mapping):
                continue
            path = ("grading", "bands", group_id, b_index)
            if band.get("grade") not in grades:
                yield _at("unknown-grade", (*path, "grade"), value=band.get("grade"),
                          grade=band.get("grade"), known=grades)
            low = _number(band.get("min"))
            if low is None:
                continue
            mins.append(low)
            if last is not None and low >= last:
                yield _at("bands-order", (*path, "min"), value=low, low=_show(low),
                          previous=_show(last), **_group(doc, group_id))
            last = low
        if mins and min(mins) != 0:
            yield _at("bands-floor", ("grading", "bands", group_id), value=min(mins),
                      low=_show(min(mins)), **_group(doc, group_id))


def quotas_and_gates(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Quota grades and the veto grade are grades of the scheme."""
    grading = doc.get("grading")
    if not isinstance(grading, Mapping):
        return
    grades = [g for g in grading.get("grades") or [] if isinstance(g, str)]
    for index, quota in enumerate(grading.get("quotas") or []):
        if isinstance(quota, Mapping) and quota.get("grade") not in grades:
            yield _at("unknown-grade", ("grading", "quotas", index, "grade"),
                      value=quota.get("grade"), grade=quota.get("grade"), known=grades)
    gates = doc.get("gates")
    veto = gates.get("veto_grade") if isinstance(gates, Mapping) else None
    if veto is not None and veto not in grades:
        yield _at("unknown-grade", ("gates", "veto_grade"), value=veto, grade=veto,
                  known=grades)


def tie_breakers(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Tie-breakers name components of the scheme ("component:<id>")."""
    components = _ids(doc, "components")
    for index, rule in enumerate(doc.get("tie_breakers") or []):
        if not isinstance(rule, str):
            continue
        kind, _, name = rule.partition(":")
        if kind != "component" or name not in components:
            yield _at("unknown-component", ("tie_breakers", index), key="bad-tie-breaker",
                      value=rule, rule_text=rule,
                      known=[f"component:{c}" for c in sorted(components)])


# ---------------------------------------------------------------- method parameters

def method_params(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Parameters make sense together: tiers ordered, worst ≠ best, floors under the full score…"""
    groups_units: dict[str, list[str]] = {}
    for _, unit in _list(doc, "units"):
        groups_units.setdefault(str(unit.get("group")), []).append(str(unit.get("id")))
    for index, ind in _list(doc, "indicators"):
        raw = ind.get("params")
        params: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        full = _number(ind.get("full_score"))
        method = ind.get("method")
        check = _PARAM_CHECKS.get(str(method))
        if check is None or full is None:
            continue
        for issue in check(params, full, ind.get("direction", "higher"), ("indicators", index)):
            yield issue.located(indicator_id=str(ind.get("id", "")))
        if method in _NEEDS_TARGET or (method == "tiered" and params.get("basis") == "ratio"):
            yield from _targets(ind, index, groups_units)


def _targets(ind: Mapping[str, Any], index: int,
             groups_units: Mapping[str, list[str]]) -> Iterator[Issue]:
    raw = ind.get("targets")
    targets: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    if _number(ind.get("target")) is not None:
        return
    missing = [u for g in ind.get("groups") or [] for u in groups_units.get(str(g), [])
               if _number(targets.get(u)) is None]
    if missing:
        shown = "、".join(missing[:5]) + ("…" if len(missing) > 5 else "")
        yield _at("missing-target", ("indicators", index, "target"),
                  indicator_id=str(ind.get("id", "")), method=ind.get("method"),
                  units=shown, count=len(missing))


ParamCheck = Callable[[Mapping[str, Any], float, str, tuple[str | int, ...]], Iterator[Issue]]


def _tiered(params: Mapping[str, Any], full: float, direction: str,
            path: tuple[str | int, ...]) -> Iterator[Issue]:
    raw = params.get("tiers")
    tiers: list[Any] = raw if isinstance(raw, list) else []
    lower = direction == "lower"
    last_min: float | None = None
    last_points: float | None = None
    for t_index, tier in enumerate(tiers):
        if not isinstance(tier, Mapping):
            continue
        here = (*path, "params", "tiers", t_index)
        low, points = _number(tier.get("min")), _number(tier.get("points"))
        if low is not None and last_min is not None:
            if low == last_min or (low < last_min) != lower:
                yield _at("tiers-order", (*here, "min"), value=low, low=_show(low),
                          previous=_show(last_min),
                          order="从高到低" if lower else "从低到高",
                          order_en="descending" if lower else "ascending")
        if points is not None and points > full + _TOLERANCE:
            yield _at("points-above-full", (*here, "points"), value=points,
                      points=_show(points), full=_show(full))
        elif points is not None and last_points is not None and points < last_points:
            yield _at("tiers-points", (*here, "points"), value=points, points=_show(points),
                      previous=_show(last_points))
        last_min = low if low is not None else last_min
        last_points = points if points is not None else last_points


def _efficacy(params: Mapping[str, Any], full: float, direction: str,
              path: tuple[str | int, ...]) -> Iterator[Issue]:
    worst, best = _number(params.get("worst")), _number(params.get("best"))
    if params.get("use_group") or worst is None or best is None:
        return
    if worst == best:
        yield _at("worst-equals-best", (*path, "params", "best"), value=best,
                  value_text=_show(best))
    elif (best < worst) != (direction == "lower"):
        yield _at("worst-best-direction", (*path, "params", "best"), severity=WARNING,
                  value=best, worst=_show(worst), best=_show(best),
                  direction="越低越好" if direction == "lower" else "越高越好",
                  direction_en=direction)


def _base_step(params: Mapping[str, Any], full: float, direction: str,
               path: tuple[str | int, ...]) -> Iterator[Issue]:
    top = _number(params.get("max", full))
    bottom = _number(params.get("min", 0))
    base = _number(params.get("base"))
    if top is not None and top > full + _TOLERANCE:
        yield _at("points-above-full", (*path, "params", "max"), value=top, points=_show(top),
                  full=_show(full))
    if top is not None and bottom is not None and bottom > top:
        yield _at("floor-above-full", (*path, "params", "min"), value=bottom,
                  floor=_show(bottom), full=_show(top))
    if base is not None and top is not None and bottom is not None and not bottom <= base <= top:
        yield _at("base-out-of-range", (*path, "params", "base"), value=base, base=_show(base),
                  low=_show(bottom), high=_show(top))


def _floor_param(name: str) -> ParamCheck:
    def check(params: Mapping[str, Any], full: float, direction: str,
              path: tuple[str | int, ...]) -> Iterator[Issue]:
        floor = _number(params.get(name))
        if floor is not None and floor > full + _TOLERANCE:
            yield _at("floor-above-full", (*path, "params", name), value=floor,
                      floor=_show(floor), full=_show(full))
    return check


def _bonus(params: Mapping[str, Any], full: float, direction: str,
           path: tuple[str | int, ...]) -> Iterator[Issue]:
    cap, per_item = _number(params.get("cap")), _number(params.get("per_item"))
    if cap is not None and per_item is not None and per_item > cap:
        yield _at("per-item-above-cap", (*path, "params", "per_item"), severity=WARNING,
                  value=per_item, per_item=_show(per_item), cap=_show(cap))


def _rating(params: Mapping[str, Any], full: float, direction: str,
            path: tuple[str | int, ...]) -> Iterator[Issue]:
    ratings = params.get("ratings")
    shares = [_number(v) for v in ratings.values()] if isinstance(ratings, Mapping) else []
    if shares and None not in shares and max(s for s in shares if s is not None) < 1:
        yield _at("rating-no-full", (*path, "params", "ratings"), severity=WARNING,
                  best=_show(max(s for s in shares if s is not None)))


_PARAM_CHECKS: dict[str, ParamCheck] = {
    "tiered": _tiered,
    "efficacy": _efficacy,
    "base_step": _base_step,
    "deduction": _floor_param("floor"),
    "pass_fail": _floor_param("fail_points"),
    "rank_points": _floor_param("min"),
    "bonus": _bonus,
    "rating": _rating,
}

SCHEME_CHECKS: dict[str, Callable[[Mapping[str, Any]], Iterator[Issue]]] = {
    "unique-ids": unique_ids,
    "unit-groups": unit_groups,
    "indicator-references": indicator_references,
    "component-weights": component_weights,
    "rater-weights": rater_weights,
    "full-scores": full_scores,
    "grade-bands": grade_bands,
    "quotas-and-gates": quotas_and_gates,
    "tie-breakers": tie_breakers,
    "method-params": method_params,
}
