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

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from validators.reading.locate import CellMap, locate_issue
from validators.report import WARNING, Issue, Report
from validators.rules.json_schema import schema_problems
from validators.scheme.common import (
    as_number,
    close,
    finding_at,
    group_params,
    ids_of,
    items_of,
    plain,
    show,
)
from validators.scheme.params import method_params

__all__ = ["SCHEME_CHECKS", "check_scheme"]

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
            field=problem.field, value=plain(problem.value), json_path=problem.json_path,
            hint="请按方案说明（docs/contracts.md）修改方案", hint_en="fix the scheme as "
            "docs/contracts.md describes"), cell_map))
    if not isinstance(doc, Mapping):
        return report
    for check in SCHEME_CHECKS.values():
        for issue in check(doc):
            report.add(locate_issue(issue, cell_map))
    return report


# ---------------------------------------------------------------- identities and references

def unique_ids(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Ids are unique within each list (groups, units, indicators …)."""
    for key in _ID_LISTS:
        seen: dict[str, int] = {}
        for index, item in items_of(doc, key):
            item_id = item.get("id")
            if not isinstance(item_id, str):
                continue
            if item_id in seen:
                yield finding_at("duplicate-id", (key, index, "id"), value=item_id, id=item_id,
                                 first=seen[item_id] + 1, row=index + 1)
            seen.setdefault(item_id, index)


def unit_groups(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Every unit belongs to a defined group; every group has units."""
    groups = ids_of(doc, "groups")
    used = set()
    for index, unit in items_of(doc, "units"):
        group = unit.get("group")
        used.add(group)
        if isinstance(group, str) and group not in groups:
            yield finding_at("unknown-group", ("units", index, "group"), value=group, group=group,
                             unit_id=str(unit.get("id", "")), known=sorted(groups))
    for index, group in items_of(doc, "groups"):
        if group.get("id") not in used:
            yield finding_at("empty-group", ("groups", index), severity=WARNING,
                             value=group.get("id"), **group_params(doc, group.get("id")))


def indicator_references(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Each indicator's component, groups, lead department and per-unit targets exist."""
    groups, units = ids_of(doc, "groups"), ids_of(doc, "units")
    departments = ids_of(doc, "lead_departments")
    kinds = {c.get("id"): c.get("kind") for _, c in items_of(doc, "components")}
    for index, ind in items_of(doc, "indicators"):
        ind_id = str(ind.get("id", ""))
        component = ind.get("component")
        if isinstance(component, str) and component not in kinds:
            yield finding_at("unknown-component", ("indicators", index, "component"),
                             value=component, indicator_id=ind_id, component=component,
                             known=[str(k) for k in kinds])
        elif isinstance(component, str) and kinds[component] != "indicators":
            yield finding_at("not-an-indicators-component", ("indicators", index, "component"),
                             value=component, indicator_id=ind_id, component=component,
                             component_kind=kinds[component])
        for g_index, group in enumerate(ind.get("groups") or []):
            if isinstance(group, str) and group not in groups:
                yield finding_at("unknown-group", ("indicators", index, "groups", g_index),
                                 value=group, indicator_id=ind_id, group=group,
                                 known=sorted(groups))
        dept = ind.get("lead_department")
        if isinstance(dept, str) and dept not in departments:
            yield finding_at("unknown-lead-department", ("indicators", index, "lead_department"),
                             value=dept, indicator_id=ind_id, department=dept,
                             known=sorted(departments))
        targets = ind.get("targets")
        for unit_id in (targets if isinstance(targets, Mapping) else {}):
            if unit_id not in units:
                yield finding_at("unknown-unit", ("indicators", index, "targets", unit_id),
                                 value=unit_id, indicator_id=ind_id, unit=unit_id)


def component_weights(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Each group's component weights name known components and sum to 1."""
    weights = doc.get("component_weights")
    if not isinstance(weights, Mapping):
        return
    components = ids_of(doc, "components")
    for index, group in items_of(doc, "groups"):
        if group.get("id") not in weights:
            yield finding_at("missing-weights", ("groups", index), value=group.get("id"),
                             **group_params(doc, group.get("id")))
    groups = ids_of(doc, "groups")
    for group_id, shares in weights.items():
        if group_id not in groups:
            yield finding_at("unknown-group", ("component_weights", group_id), value=group_id,
                             group=group_id, known=sorted(groups))
        if not isinstance(shares, Mapping):
            continue
        for component in shares:
            if component not in components:
                yield finding_at("unknown-component", ("component_weights", group_id, component),
                                 value=component, component=component,
                                 known=sorted(components))
        numbers = [as_number(w) for w in shares.values()]
        if shares and None not in numbers:
            total = sum(n for n in numbers if n is not None)
            # Shares summing to 1, or percentages summing to 100, as schemes are written.
            if not (close(total, 1.0) or close(total, 100.0)):
                yield finding_at("weights-sum", ("component_weights", group_id),
                                 value=round(total, 6), total=show(total),
                                 **group_params(doc, group_id))


def rater_weights(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Rater-group weights sum to 1."""
    raters = items_of(doc, "rater_groups")
    numbers = [as_number(r.get("weight")) for _, r in raters]
    if raters and None not in numbers:
        total = sum(n for n in numbers if n is not None)
        if not close(total, 1.0):
            yield finding_at("weights-sum", ("rater_groups",), key="rater-weights-sum",
                             value=round(total, 6), total=show(total))


def full_scores(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Per group, the full scores of an indicators-component's indicators sum to its full score."""
    weights = doc.get("component_weights")
    weights = weights if isinstance(weights, Mapping) else {}
    for c_index, component in items_of(doc, "components"):
        if component.get("kind") != "indicators":
            continue
        full = as_number(component.get("full_score", 100))
        if full is None:
            continue
        for _, group in items_of(doc, "groups"):
            group_id = group.get("id")
            share = weights.get(group_id, {})
            if isinstance(share, Mapping) and not as_number(share.get(component.get("id"))):
                continue  # the component does not count for this group
            scores = [as_number(ind.get("full_score")) for _, ind in items_of(doc, "indicators")
                      if ind.get("component") == component.get("id")
                      and group_id in (ind.get("groups") or [])]
            if None in scores:
                continue
            total = sum(s for s in scores if s is not None)
            if not close(total, full):
                yield finding_at("full-scores-sum", ("components", c_index, "full_score"),
                                 value=show(total),
                                 component=component.get("name") or component["id"],
                                 component_en=component.get("name_en") or component.get("id"),
                                 total=show(total), full=show(full), count=len(scores),
                                 **group_params(doc, group_id))


# ---------------------------------------------------------------- grading, quotas, tie-breakers

def grade_bands(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Per group: bands exist, grades known, mins descending in grade order, the last at 0."""
    grading = doc.get("grading")
    if not isinstance(grading, Mapping) or not isinstance(grading.get("bands"), Mapping):
        return
    grades = [g for g in grading.get("grades") or [] if isinstance(g, str)]
    bands = grading["bands"]
    for index, group in items_of(doc, "groups"):
        if group.get("id") not in bands:
            yield finding_at("missing-bands", ("groups", index), value=group.get("id"),
                             **group_params(doc, group.get("id")))
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
                yield finding_at("unknown-grade", (*path, "grade"), value=band.get("grade"),
                                 grade=band.get("grade"), known=grades)
            low = as_number(band.get("min"))
            if low is None:
                continue
            mins.append(low)
            if last is not None and low >= last:
                yield finding_at("bands-order", (*path, "min"), value=low, low=show(low),
                                 previous=show(last), **group_params(doc, group_id))
            last = low
        if mins and min(mins) != 0:
            yield finding_at("bands-floor", ("grading", "bands", group_id), value=min(mins),
                             low=show(min(mins)), **group_params(doc, group_id))


def quotas_and_gates(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Quota grades and the veto grade are grades of the scheme."""
    grading = doc.get("grading")
    if not isinstance(grading, Mapping):
        return
    grades = [g for g in grading.get("grades") or [] if isinstance(g, str)]
    for index, quota in enumerate(grading.get("quotas") or []):
        if isinstance(quota, Mapping) and quota.get("grade") not in grades:
            yield finding_at("unknown-grade", ("grading", "quotas", index, "grade"),
                             value=quota.get("grade"), grade=quota.get("grade"), known=grades)
    gates = doc.get("gates")
    veto = gates.get("veto_grade") if isinstance(gates, Mapping) else None
    if veto is not None and veto not in grades:
        yield finding_at("unknown-grade", ("gates", "veto_grade"), value=veto, grade=veto,
                         known=grades)


def tie_breakers(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Tie-breakers name components of the scheme ("component:<id>")."""
    components = ids_of(doc, "components")
    for index, rule in enumerate(doc.get("tie_breakers") or []):
        if not isinstance(rule, str):
            continue
        kind, _, name = rule.partition(":")
        if kind != "component" or name not in components:
            yield finding_at("unknown-component", ("tie_breakers", index), key="bad-tie-breaker",
                             value=rule, rule_text=rule,
                             known=[f"component:{c}" for c in sorted(components)])


#: What each kind of template lets its filler type for an indicator (METHOD_INPUT's names).
_TEMPLATE_INPUTS = {"unit_report": ("actual",), "lead_department": ("actual", "count", "rating")}
_INPUT_NAMES = {"actual": ("完成值", "an actual value"), "count": ("次数或项数", "a count"),
                "rating": ("评定等次", "a rating"), "counts": ("各档票数", "ballot counts")}
_FILLERS = {"unit_report": ("被考核单位的自评表", "the unit's own report"),
            "lead_department": ("牵头部门评分表", "the lead department's sheet")}


def indicator_inputs(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Each indicator's method takes what its `input` template can carry (a unit report only
    an actual value: a rating, a deduction count or a bonus there gives a broken template)."""
    from workbook_templates.formulas import METHOD_INPUT  # (one table for both)

    for index, ind in items_of(doc, "indicators"):
        method, source = ind.get("method"), ind.get("input", "unit_report")
        needs = METHOD_INPUT.get(str(method))
        if needs is None or source not in _TEMPLATE_INPUTS or needs in _TEMPLATE_INPUTS[source]:
            continue
        can = [n for n, carried in _TEMPLATE_INPUTS.items() if needs in carried]
        yield finding_at(
            "input-not-carried", (("indicators", index, "input")), value=source,
            indicator_id=str(ind.get("id") or ""), id=ind.get("id"), method=method,
            needs=_INPUT_NAMES[needs][0], needs_en=_INPUT_NAMES[needs][1],
            filler=_FILLERS[source][0], filler_en=_FILLERS[source][1],
            fix="、".join(can) or "（无）", fix_en=", ".join(can) or "(none)")


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
    "indicator-inputs": indicator_inputs,
}
