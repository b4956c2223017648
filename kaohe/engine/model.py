"""The scheme model: frozen dataclasses built from a validated `scheme` document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from kaohe.errors import SchemeError

__all__ = [
    "Group", "Unit", "LeadDepartment", "Component", "Indicator", "RaterGroup",
    "Band", "Quota", "Gates", "Rounding", "Scheme", "COUNT_UNITS",
]


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    group: str
    name_en: str = ""


@dataclass(frozen=True)
class LeadDepartment:
    id: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    kind: str  # indicators | routine | satisfaction | conduct
    full_score: float = 100.0
    name_en: str = ""


#: Measure units of counts and amounts (people, items, money …): never negative unless the
#: scheme says so (`may_be_negative`).
COUNT_UNITS = frozenset({"人", "项", "个", "万元", "元", "亿元", "起", "次", "家", "户", "件",
                         "天"})


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    category: str
    component: str
    full_score: float
    method: str
    params: Mapping[str, Any]
    groups: tuple[str, ...]
    lead_department: str
    direction: str = "higher"
    source: str = "year_end"
    input: str = "unit_report"
    region_assigned: bool = False
    constraint: bool = False
    measure_unit: str = ""
    target: float | None = None
    targets: Mapping[str, float] = field(default_factory=dict)
    evidence_required_over: float | None = None
    name_en: str = ""
    #: The scheme's `may_be_negative` (None: not said, see `negative_allowed`).
    may_be_negative: bool | None = None

    @property
    def negative_allowed(self) -> bool:
        """Whether an actual below 0 is real (a growth rate can fall): the one source of the
        bounds the template's validation, its formulas and the validators apply. Unless the
        scheme says, a count or an amount (人, 项, 万元 …) cannot be negative, anything else
        can; a negative target always can."""
        if self.may_be_negative is not None:
            return self.may_be_negative or any(t < 0 for t in self._targets())
        return self.measure_unit not in COUNT_UNITS or any(t < 0 for t in self._targets())

    def _targets(self) -> list[float]:
        return [t for t in (self.target, *self.targets.values()) if t is not None]

    def target_for(self, unit_id: str) -> float | None:
        """The unit's own target, else the indicator's default."""
        return self.targets.get(unit_id, self.target)

    def applies_to(self, group_id: str) -> bool:
        """Whether units of this group are assessed on the indicator."""
        return group_id in self.groups


@dataclass(frozen=True)
class RaterGroup:
    id: str
    name: str
    weight: float
    name_en: str = ""


@dataclass(frozen=True)
class Band:
    grade: str
    min: float


@dataclass(frozen=True)
class Quota:
    grade: str
    max_share: float
    rounding: str = "floor"  # floor | round_half_up | ceil


@dataclass(frozen=True)
class Gates:
    region_loss_share: float = 0.2
    notification_disqualifies: bool = True
    veto_grade: str | None = None


@dataclass(frozen=True)
class Rounding:
    digits: int = 2
    mode: str = "half_up"  # half_up | half_even


@dataclass(frozen=True)
class Scheme:
    """One year's full definition of the assessment (考核方案)."""

    scheme_id: str
    version: str
    year: int
    name: str
    groups: tuple[Group, ...]
    units: tuple[Unit, ...]
    lead_departments: tuple[LeadDepartment, ...]
    components: tuple[Component, ...]
    component_weights: Mapping[str, Mapping[str, float]]
    indicators: tuple[Indicator, ...]
    rater_groups: tuple[RaterGroup, ...]
    ballot_grades: Mapping[str, float]
    satisfaction_options: Mapping[str, float]
    satisfaction_excluded: tuple[str, ...]
    routine_periods: tuple[str, ...]
    bonus_caps: Mapping[str, float]
    bonus_cap_total: float | None
    deduction_cap_total: float | None
    gates: Gates
    grades: tuple[str, ...]
    bands: Mapping[str, tuple[Band, ...]]
    quotas: tuple[Quota, ...]
    tie_breakers: tuple[str, ...]
    rounding: Rounding
    illustrative: bool = False
    template_password: str | None = None
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # -- look-ups (by dictionaries built on first use: a scheme may have thousands of units)
    @cached_property
    def _index(self) -> dict[str, dict[str, Any]]:
        index: dict[str, dict[str, Any]] = {}
        for kind in ("groups", "units", "indicators", "components", "lead_departments"):
            index[kind] = {}
            for item in getattr(self, kind):
                index[kind].setdefault(item.id, item)  # the first, as a scan would find
        return index

    @cached_property
    def _by_group(self) -> dict[str, tuple[tuple[Unit, ...], tuple[Indicator, ...]]]:
        return {g.id: (tuple(u for u in self.units if u.group == g.id),
                       tuple(i for i in self.indicators if i.applies_to(g.id)))
                for g in self.groups}

    def _lookup(self, kind: str, wanted: str, label: str, label_en: str) -> Any:
        found = self._index[kind].get(wanted)
        if found is None:
            raise SchemeError(f"方案中没有{label} “{wanted}”",
                              f"the scheme has no {label_en} {wanted!r}")
        return found

    def group(self, group_id: str) -> Group:
        """The group with this id."""
        return self._lookup("groups", group_id, "考核组别", "group")  # type: ignore[no-any-return]

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id."""
        return self._lookup("units", unit_id, "被考核单位", "unit")  # type: ignore[no-any-return]

    def has_unit(self, unit_id: Any) -> bool:
        """Whether the scheme has a unit with this id."""
        return isinstance(unit_id, str) and unit_id in self._index["units"]

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id."""
        return self._lookup(  # type: ignore[no-any-return]
            "indicators", indicator_id, "考核指标", "indicator")

    def component(self, component_id: str) -> Component:
        """The component with this id."""
        return self._lookup(  # type: ignore[no-any-return]
            "components", component_id, "考核构成", "component")

    def lead_department(self, dept_id: str) -> LeadDepartment:
        """The lead department with this id."""
        return self._lookup(  # type: ignore[no-any-return]
            "lead_departments", dept_id, "牵头考核部门", "lead department")

    def units_in(self, group_id: str) -> tuple[Unit, ...]:
        """Units of one group, in scheme order."""
        known = self._by_group.get(group_id)
        return known[0] if known else tuple(u for u in self.units if u.group == group_id)

    def indicators_for(self, group_id: str) -> tuple[Indicator, ...]:
        """Indicators that apply to one group, in scheme order."""
        known = self._by_group.get(group_id)
        return known[1] if known else tuple(i for i in self.indicators
                                            if i.applies_to(group_id))

    def indicators_of(self, dept_id: str) -> tuple[Indicator, ...]:
        """Indicators a lead department scores from its own sheet."""
        return tuple(i for i in self.indicators
                     if i.lead_department == dept_id and i.input == "lead_department")

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Scheme:
        """Build the model from a scheme document that already passed its JSON Schema."""
        grading = doc["grading"]
        gates = doc.get("gates", {})
        adjustments = doc.get("adjustments", {})
        satisfaction = doc.get("satisfaction", {"options": []})
        scheme = cls(
            scheme_id=doc["scheme_id"],
            version=str(doc.get("version", "1")),
            year=int(doc["year"]),
            name=doc["name"],
            groups=tuple(Group(g["id"], g["name"], g.get("name_en", "")) for g in doc["groups"]),
            units=tuple(Unit(u["id"], u["name"], u["group"], u.get("name_en", ""))
                        for u in doc["units"]),
            lead_departments=tuple(LeadDepartment(d["id"], d["name"], d.get("name_en", ""))
                                   for d in doc.get("lead_departments", [])),
            components=tuple(Component(c["id"], c["name"], c["kind"],
                                       float(c.get("full_score", 100)), c.get("name_en", ""))
                             for c in doc["components"]),
            component_weights=_frozen({g: _frozen(w)
                                       for g, w in doc["component_weights"].items()}),
            indicators=tuple(_indicator(i) for i in doc["indicators"]),
            rater_groups=tuple(RaterGroup(r["id"], r["name"], float(r["weight"]),
                                          r.get("name_en", ""))
                               for r in doc.get("rater_groups", [])),
            ballot_grades=_frozen({g["label"]: float(g["points"])
                                   for g in doc.get("ballot", {}).get("grades", [])}),
            satisfaction_options=_frozen({o["label"]: float(o.get("points", 0))
                                          for o in satisfaction["options"]
                                          if not o.get("excluded")}),
            satisfaction_excluded=tuple(o["label"] for o in satisfaction["options"]
                                        if o.get("excluded")),
            routine_periods=tuple(doc.get("routine", {}).get("periods", ["Q1", "Q2", "Q3", "Q4"])),
            bonus_caps=_frozen(adjustments.get("bonus_caps", {})),
            bonus_cap_total=adjustments.get("bonus_cap_total"),
            deduction_cap_total=adjustments.get("deduction_cap_total"),
            gates=Gates(float(gates.get("region_loss_share", 0.2)),
                        bool(gates.get("notification_disqualifies", True)),
                        gates.get("veto_grade")),
            grades=tuple(grading["grades"]),
            bands=_frozen({g: tuple(Band(b["grade"], float(b["min"]))
                                    for b in sorted(bands, key=lambda b: -b["min"]))
                           for g, bands in grading["bands"].items()}),
            quotas=tuple(Quota(q["grade"], float(q["max_share"]), q.get("rounding", "floor"))
                         for q in grading.get("quotas", [])),
            tie_breakers=tuple(doc.get("tie_breakers", [])),
            rounding=Rounding(int(doc.get("rounding", {}).get("digits", 2)),
                              doc.get("rounding", {}).get("mode", "half_up")),
            illustrative=bool(doc.get("illustrative", False)),
            template_password=doc.get("template_password"),
            document=doc,
        )
        _check_references(scheme)
        return scheme


def _indicator(i: Mapping[str, Any]) -> Indicator:
    return Indicator(
        id=i["id"], name=i["name"], category=i.get("category", ""), component=i["component"],
        full_score=float(i["full_score"]), method=i["method"], params=_frozen(i.get("params")),
        groups=tuple(i["groups"]), lead_department=i["lead_department"],
        direction=i.get("direction", "higher"), source=i.get("source", "year_end"),
        input=i.get("input", "unit_report"), region_assigned=bool(i.get("region_assigned")),
        constraint=bool(i.get("constraint")), measure_unit=i.get("measure_unit", ""),
        target=i.get("target"), targets=_frozen(i.get("targets")),
        evidence_required_over=i.get("evidence_required_over"), name_en=i.get("name_en", ""),
        may_be_negative=i.get("may_be_negative"),
    )


def _check_references(scheme: Scheme) -> None:
    """Cross-references the schema cannot check; the first broken one stops the build."""
    group_ids = {g.id for g in scheme.groups}
    component_ids = {c.id for c in scheme.components}
    dept_ids = {d.id for d in scheme.lead_departments}
    for unit in scheme.units:
        if unit.group not in group_ids:
            raise SchemeError(f"单位 {unit.id} 的组别 “{unit.group}” 未定义",
                              f"unit {unit.id}: group {unit.group!r} is not defined")
    for ind in scheme.indicators:
        if ind.component not in component_ids:
            raise SchemeError(f"指标 {ind.id} 的构成 “{ind.component}” 未定义",
                              f"indicator {ind.id}: component {ind.component!r} is not defined")
        for g in ind.groups:
            if g not in group_ids:
                raise SchemeError(f"指标 {ind.id} 的适用组别 “{g}” 未定义",
                                  f"indicator {ind.id}: group {g!r} is not defined")
        if dept_ids and ind.lead_department not in dept_ids:
            raise SchemeError(f"指标 {ind.id} 的牵头部门 “{ind.lead_department}” 未定义",
                              f"indicator {ind.id}: lead department {ind.lead_department!r} "
                              "is not defined")
    for g in group_ids:
        if g not in scheme.component_weights:
            raise SchemeError(f"组别 {g} 没有构成权重", f"group {g} has no component weights")
        if g not in scheme.bands:
            raise SchemeError(f"组别 {g} 没有等次分数线", f"group {g} has no grade bands")
