"""Value checks of the office's registers: adjustments (events, decisions), routine, ballots."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from kaohe.engine.model import Scheme
from validators.reading.locate import CellMap, format_json_path, parse_json_path
from validators.report import WARNING, Issue
from validators.rules.common import (
    EVIDENCE_EVENTS,
    Where,
    as_number,
    counts_of,
    finding_at,
    indicators_by_id,
    is_blank,
    iso_date,
    rows_of,
    show,
    units_by_id,
    unknown_unit,
)

__all__ = ["adjustment_events", "adjustment_decisions", "routine_entries", "conduct_tallies",
           "satisfaction_tallies"]


# ---------------------------------------------------------------- adjustments

def adjustment_events(doc: Mapping[str, Any], cell_map: CellMap,
                      scheme: Scheme) -> Iterator[Issue]:
    """Events: unique ids, known units and indicators, dates in the assessment year,
    evidence for every deduction, veto or notification, bonuses within their category's cap."""
    units, indicators = units_by_id(scheme), indicators_by_id(scheme)
    seen: dict[str, int] = {}
    first, last = date(scheme.year, 1, 1), date(scheme.year, 12, 31)
    for index, event in rows_of(doc, "events"):
        unit_id = str(event.get("unit_id"))
        where: Where = {"unit_id": unit_id, "name": str(event.get("id", ""))}
        event_id = event.get("id")
        if isinstance(event_id, str):
            if event_id in seen:
                yield finding_at("duplicate-id", ("events", index, "id"), cell_map, value=event_id,
                                 id=event_id, first=seen[event_id] + 1, row=index + 1)
            seen.setdefault(event_id, index)
        if (issue := unknown_unit(event.get("unit_id"), units, ("events", index, "unit_id"),
                                 cell_map)):
            yield issue
        ind_id = event.get("indicator_id")
        if isinstance(ind_id, str) and ind_id not in indicators:
            yield finding_at("unknown-indicator", ("events", index, "indicator_id"), cell_map,
                             key="unknown-indicator-id", value=ind_id, indicator=ind_id, **where)
        day = iso_date(event.get("date"))
        if day is not None and not first <= day <= last:
            yield finding_at("date-outside-year", ("events", index, "date"), cell_map,
                             value=event.get("date"), day=day.isoformat(), year=scheme.year,
                             **where)
        kind = event.get("type")
        if kind in EVIDENCE_EVENTS and is_blank(event.get("evidence")):
            yield finding_at("evidence-required", ("events", index, "evidence"), cell_map,
                             key="evidence-event", **where)
        for name in ("reason", "approver"):
            if is_blank(event.get(name)):
                yield finding_at(f"blank-{name}", ("events", index, name), cell_map,
                                 severity=WARNING, **where)
        if kind == "bonus":
            yield from _bonus_cap(event, index, scheme, cell_map, where)


def _bonus_cap(event: Mapping[str, Any], index: int, scheme: Scheme, cell_map: CellMap,
               where: Where) -> Iterator[Issue]:
    category, points = event.get("category"), as_number(event.get("points"))
    if not scheme.bonus_caps or not isinstance(category, str):
        return
    if category not in scheme.bonus_caps:
        shown = list(scheme.bonus_caps)
        yield finding_at("unknown-category", ("events", index, "category"), cell_map,
                         severity=WARNING, value=category, shown=category, allowed="、".join(shown),
                         allowed_en=", ".join(shown), **where)
    elif points is not None and points > float(scheme.bonus_caps[category]):
        yield finding_at("points-above-cap", ("events", index, "points"), cell_map,
                         severity=WARNING,
                         value=points, points=show(points), category=category,
                         cap=show(float(scheme.bonus_caps[category])), **where)


def adjustment_decisions(doc: Mapping[str, Any], cell_map: CellMap,
                         scheme: Scheme) -> Iterator[Issue]:
    """Decisions name what they decide on (an event of the register, a unit's indicator, or a
    unit's gate) with an outcome that fits it, carry points when adjusted, and are dated after
    their event and before the end of the following year."""
    events = {e.get("id"): e for _, e in rows_of(doc, "events")}
    units, indicators = units_by_id(scheme), indicators_by_id(scheme)
    for index, decision in rows_of(doc, "decisions"):
        where: Where = {"name": str(decision.get("id", ""))}
        target = ("gate" if decision.get("kind") == "gate_review" else
                  "event" if decision.get("event_id") else
                  "indicator" if decision.get("unit_id") or decision.get("indicator_id") else
                  None)
        if target is None:
            yield finding_at("decision-without-target", ("decisions", index, "event_id"),
                             cell_map, field="event_id", target=_TARGETS["event"][0],
                             target_en=_TARGETS["event"][1], **where)
            continue
        if target != "event":
            yield from _decision_on_unit(decision, index, target, units, indicators, cell_map,
                                         where)
            yield from _decision_date(decision, index, None, scheme, cell_map, where)
            continue
        event = events.get(decision.get("event_id"))
        if event is None:
            yield finding_at("unknown-event", ("decisions", index, "event_id"), cell_map,
                             value=decision.get("event_id"), event=decision.get("event_id"),
                             **where)
            continue
        where["unit_id"] = str(event.get("unit_id", ""))
        yield from _outcome_fits(decision, index, "event", cell_map, where)
        if decision.get("outcome") == "adjusted" and as_number(decision.get("points")) is None:
            yield finding_at("adjusted-without-points", ("decisions", index, "points"), cell_map,
                             **where)
        yield from _decision_date(decision, index, iso_date(event.get("date")), scheme,
                                  cell_map, where)


_OUTCOMES = {"event": ("upheld", "overturned", "adjusted"),
             "indicator": ("restored", "adjusted", "upheld"),
             "gate": ("confirmed", "waived")}
_TARGETS = {"event": ("加扣分事项", "an event"), "indicator": ("指标得分", "an indicator's points"),
            "gate": ("评优限制", "a gate")}


def _outcome_fits(decision: Mapping[str, Any], index: int, target: str, cell_map: CellMap,
                  where: Where) -> Iterator[Issue]:
    outcome = decision.get("outcome")
    if isinstance(outcome, str) and outcome not in _OUTCOMES[target]:
        yield finding_at("decision-outcome-mismatch", ("decisions", index, "outcome"), cell_map,
                         value=outcome, outcome=outcome, target=_TARGETS[target][0],
                         target_en=_TARGETS[target][1], allowed="、".join(_OUTCOMES[target]),
                         allowed_en=", ".join(_OUTCOMES[target]), **where)


def _decision_on_unit(decision: Mapping[str, Any], index: int, target: str,
                      units: Mapping[str, Any], indicators: Mapping[str, Any],
                      cell_map: CellMap, where: Where) -> Iterator[Issue]:
    """A decision on a unit's indicator or gate: the unit, the indicator (applying to the
    unit's group) and the gate are named, the outcome fits, adjusted points are given."""
    unit_id, ind_id = decision.get("unit_id"), decision.get("indicator_id")
    where["unit_id"] = str(unit_id or "")
    needed = ["unit_id"] + (["gate"] if target == "gate" else ["indicator_id"])
    for name in needed:
        if is_blank(decision.get(name)):
            yield finding_at("decision-without-target", ("decisions", index, name), cell_map,
                             field=name, target=_TARGETS[target][0],
                             target_en=_TARGETS[target][1], **where)
    if (issue := unknown_unit(unit_id, units, ("decisions", index, "unit_id"), cell_map)):
        yield issue
    elif isinstance(ind_id, str) and ind_id not in indicators:
        yield finding_at("unknown-indicator", ("decisions", index, "indicator_id"), cell_map,
                         key="unknown-indicator-id", value=ind_id, indicator=ind_id, **where)
    elif isinstance(ind_id, str) and isinstance(unit_id, str) \
            and not indicators[ind_id].applies_to(units[unit_id].group):
        yield finding_at("unknown-indicator", ("decisions", index, "indicator_id"), cell_map,
                         value=ind_id, indicator=ind_id, unit=units[unit_id].name, **where)
    yield from _outcome_fits(decision, index, target, cell_map, where)
    if (target == "indicator" and decision.get("outcome") == "adjusted"
            and as_number(decision.get("points")) is None):
        yield finding_at("adjusted-without-points", ("decisions", index, "points"), cell_map,
                         **where)


def _decision_date(decision: Mapping[str, Any], index: int, event_day: date | None,
                   scheme: Scheme, cell_map: CellMap, where: Where) -> Iterator[Issue]:
    day = iso_date(decision.get("date"))
    if day is None:
        return
    if not date(scheme.year, 1, 1) <= day <= date(scheme.year + 1, 12, 31):
        yield finding_at("date-out-of-range", ("decisions", index, "date"), cell_map,
                         value=decision.get("date"), day=day.isoformat(),
                         first=f"{scheme.year}-01-01", last=f"{scheme.year + 1}-12-31", **where)
    elif event_day is not None and day < event_day:
        yield finding_at("date-order", ("decisions", index, "date"), cell_map, severity=WARNING,
                         value=decision.get("date"), day=day.isoformat(),
                         event_day=event_day.isoformat(), **where)


# ---------------------------------------------------------------- routine and ballots

def routine_entries(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Scores 0–100 for known units and periods (of a known kind when the scheme has kinds),
    one per unit and period; routine findings name a unit and an indicator that applies."""
    units, periods = units_by_id(scheme), list(scheme.routine_slots())
    seen: dict[tuple[str, str], int] = {}
    unsure: set[str] = set()
    for index, entry in rows_of(doc, "entries"):
        unit_id, period = str(entry.get("unit_id")), entry.get("period")
        if (issue := unknown_unit(entry.get("unit_id"), units, ("entries", index, "unit_id"),
                                 cell_map)):
            yield issue
            continue
        kinds = {k.id: k.periods for k in scheme.routine_kinds}
        kind = entry.get("kind")
        if (kind or kinds) and kind not in kinds:  # a kind of the scheme (周记实 …), or none
            yield finding_at("not-in-list", ("entries", index, "kind"), cell_map, value=kind,
                             unit_id=unit_id, shown=kind or "—", allowed="、".join(kinds) or "—",
                             allowed_en=", ".join(kinds) or "—")
            unsure.add(unit_id)
            continue
        allowed = list(kinds[kind]) if kind else periods
        if isinstance(period, str) and period not in allowed:
            yield finding_at("not-in-list", ("entries", index, "period"), cell_map, value=period,
                             unit_id=unit_id, shown=period, allowed="、".join(allowed),
                             allowed_en=", ".join(allowed))
            unsure.add(unit_id)  # which period it meant is not known: no blank said for it
            continue
        if isinstance(period, str) and kind:
            period = f"{kind}:{period}"
        score = as_number(entry.get("score"))
        if score is not None and score > 100:
            yield finding_at("out-of-range", ("entries", index, "score"), cell_map, value=score,
                             unit_id=unit_id, shown=show(score), low="0", high="100")
        if (unit_id, str(period)) in seen:
            yield finding_at("duplicate-entry", ("entries", index), cell_map, unit_id=unit_id,
                             what=f"{units[unit_id].name}·{_slot_label(scheme, str(period), 'zh')}",
                             first=seen[(unit_id, str(period))] + 1, row=index + 1)
        seen.setdefault((unit_id, str(period)), index)
    yield from _routine_findings(doc, cell_map, scheme)
    if seen:
        yield from _blank_routine(scheme, set(seen), periods, cell_map, unsure)
    elif scheme.units and periods:  # nothing filled in: said once, for the sheet
        yield finding_at("no-scores", ("blank", "routine", scheme.units[0].id, periods[0]),
                         cell_map)


def _routine_findings(doc: Mapping[str, Any], cell_map: CellMap,
                      scheme: Scheme) -> Iterator[Issue]:
    units, indicators = units_by_id(scheme), indicators_by_id(scheme)
    for index, entry in rows_of(doc, "deductions"):
        unit_id, ind_id = entry.get("unit_id"), entry.get("indicator_id")
        if (issue := unknown_unit(unit_id, units, ("deductions", index, "unit_id"), cell_map)):
            yield issue
        elif isinstance(ind_id, str) and ind_id not in indicators:
            yield finding_at("unknown-indicator", ("deductions", index, "indicator_id"),
                             cell_map, key="unknown-indicator-id", value=ind_id,
                             indicator=ind_id, unit_id=str(unit_id))
        elif isinstance(ind_id, str) and isinstance(unit_id, str) \
                and not indicators[ind_id].applies_to(units[unit_id].group):
            yield finding_at("unknown-indicator", ("deductions", index, "indicator_id"),
                             cell_map, value=ind_id, indicator=ind_id,
                             unit=units[unit_id].name, unit_id=unit_id)


def _slot_label(scheme: Scheme, slot: str, lang: str) -> str:
    """A routine column's name: 第一季度, or 周记实·第一季度 for a kind's period."""
    from workbook_templates.labels import period_label

    kind_id, _, period = slot.rpartition(":")
    kind = next((k for k in scheme.routine_kinds if k.id == kind_id), None)
    if kind is None:
        return period_label(slot, lang)
    name = (kind.name_en or kind.id) if lang == "en" else kind.name
    return f"{name}·{period_label(period, lang)}"


def _blank_routine(scheme: Scheme, given: set[tuple[str, str]], periods: list[str],
                   cell_map: CellMap, unsure: set[str]) -> Iterator[Issue]:
    """Scores left blank change a unit's routine score without a word: a blank period is
    left out of its mean, a unit with none counts 0. Each said at its cell, a period no unit
    has once."""
    empty = [p for p in periods if not any(key[1] == p for key in given)]
    for p in empty:
        first = next((u.id for u in scheme.units), "")
        yield finding_at("blank-routine-period", ("blank", "routine", first, p), cell_map,
                         severity=WARNING, period=_slot_label(scheme, p, "zh"),
                         period_en=_slot_label(scheme, p, "en"))
    for unit in (u for u in scheme.units if u.id not in unsure):
        have = [p for p in periods if (unit.id, p) in given]
        names: dict[str, Any] = {"unit": unit.name, "unit_en": unit.name_en or unit.name}
        if not have:
            yield finding_at("blank-routine-unit", ("blank", "routine", unit.id, periods[0]),
                             cell_map, severity=WARNING, unit_id=unit.id, **names)
            continue
        for p in periods:
            if p not in have and p not in empty:
                yield finding_at("blank-routine-score", ("blank", "routine", unit.id, p),
                                 cell_map, severity=WARNING, unit_id=unit.id,
                                 period=_slot_label(scheme, p, "zh"),
                                 period_en=_slot_label(scheme, p, "en"), **names)


def conduct_tallies(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Conduct ballots: known units, rater groups and grades; votes within the raters."""
    units = units_by_id(scheme)
    raters = {r.id for r in scheme.rater_groups}
    grades = list(scheme.ballot_grades)
    for index, tally in rows_of(doc, "conduct"):
        unit_id = str(tally.get("unit_id"))
        if (issue := unknown_unit(tally.get("unit_id"), units, ("conduct", index, "unit_id"),
                                 cell_map)):
            yield issue
        group = tally.get("rater_group")
        if isinstance(group, str) and group not in raters:
            yield finding_at("unknown-rater-group", ("conduct", index, "rater_group"), cell_map,
                             value=group, unit_id=unit_id, shown=group,
                             allowed="、".join(sorted(raters)),
                             allowed_en=", ".join(sorted(raters)))
        votes = yield from _counted(tally, ("conduct", index), grades, unit_id, cell_map)
        cast = votes + (as_number(tally.get("invalid")) or 0)
        limit = as_number(tally.get("raters"))
        if limit is not None and cast > limit:
            yield finding_at("ballots-exceed-raters", ("conduct", index, "raters"), cell_map,
                             value=limit, unit_id=unit_id, cast=show(cast), raters=show(limit))
    if doc.get("conduct") or doc.get("satisfaction"):
        yield from _blank_conduct(doc, cell_map, scheme)
    else:  # nothing filled in on either sheet: said once
        blank = _blank_rows(cell_map, "conduct") + _blank_rows(cell_map, "satisfaction")
        yield finding_at("no-scores", blank[0] if blank else (), cell_map)


def _counted(tally: Mapping[str, Any], row: tuple[str, int], labels: Sequence[str],
             unit_id: str, cell_map: CellMap) -> Generator[Issue, None, float]:
    """A tally's counts: each label not one of `labels` (the ballot's grades, the survey's
    options) is not-in-list; returns the sum of the counts that are numbers."""
    counts = counts_of(tally)
    for label in counts:
        if label not in labels:
            yield finding_at("not-in-list", (*row, "counts", label), cell_map, value=label,
                             unit_id=unit_id, shown=label, allowed="、".join(labels),
                             allowed_en=", ".join(labels))
    return sum(n for n in (as_number(v) for v in counts.values()) if n is not None) or 0.0


def _blank_rows(cell_map: CellMap, kind: str) -> list[tuple[str | int, ...]]:
    """Paths of the rows of `kind` the reader found blank (it notes where they are)."""
    prefix = format_json_path(("blank", kind)) + "."
    return [parse_json_path(key) for key in cell_map if key.startswith(prefix)]


def _blank_conduct(doc: Mapping[str, Any], cell_map: CellMap,
                   scheme: Scheme) -> Iterator[Issue]:
    """A rater group's row left blank reweights the others; a unit with no row counts 0."""
    units = units_by_id(scheme)
    voted = {str(t.get("unit_id")) for _, t in rows_of(doc, "conduct")}
    raters = {r.id: r for r in scheme.rater_groups}
    said: set[str] = set()
    for path in _blank_rows(cell_map, "conduct"):
        unit_id, rater = str(path[2]), str(path[3]) if len(path) > 3 else ""
        unit = units.get(unit_id)
        if unit is None or unit_id in said:
            continue
        names: dict[str, Any] = {"unit": unit.name, "unit_en": unit.name_en or unit.name}
        if unit_id not in voted:
            said.add(unit_id)
            yield finding_at("blank-conduct-unit", path, cell_map, severity=WARNING,
                             unit_id=unit_id, **names)
            continue
        group = raters.get(rater)
        yield finding_at("blank-conduct-rater", path, cell_map, severity=WARNING,
                         unit_id=unit_id, rater=group.name if group else rater,
                         rater_en=(group.name_en or group.name) if group else rater, **names)


def satisfaction_tallies(doc: Mapping[str, Any], cell_map: CellMap,
                         scheme: Scheme) -> Iterator[Issue]:
    """Satisfaction: known units, channels and options; answers summing to the sample when it
    is given."""
    units = units_by_id(scheme)
    options = [*scheme.satisfaction_options, *scheme.satisfaction_excluded]
    channels = [c.id for c in scheme.satisfaction_channels]
    for index, tally in rows_of(doc, "satisfaction"):
        unit_id = str(tally.get("unit_id"))
        if (issue := unknown_unit(tally.get("unit_id"), units,
                                 ("satisfaction", index, "unit_id"), cell_map)):
            yield issue
        channel = tally.get("channel")
        if (channel or channels) and channel not in channels:  # a survey channel of the scheme
            yield finding_at("not-in-list", ("satisfaction", index, "channel"), cell_map,
                             value=channel, unit_id=unit_id, shown=channel or "—",
                             allowed="、".join(channels) or "—",
                             allowed_en=", ".join(channels) or "—")
        answers = yield from _counted(tally, ("satisfaction", index), options, unit_id,
                                      cell_map)
        sample = as_number(tally.get("sample"))
        if sample is not None and answers != sample:
            yield finding_at("sample-mismatch", ("satisfaction", index, "sample"), cell_map,
                             value=sample, unit_id=unit_id, answers=show(answers),
                             sample=show(sample))
    if not doc.get("conduct") and not doc.get("satisfaction"):
        return  # (no-scores, said by the conduct check)
    for path in _blank_rows(cell_map, "satisfaction"):
        unit = units.get(str(path[2]))
        if unit is not None:
            yield finding_at("blank-satisfaction-unit", path, cell_map, severity=WARNING,
                             unit_id=unit.id, unit=unit.name, unit_en=unit.name_en or unit.name)
