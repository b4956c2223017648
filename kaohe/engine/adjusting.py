"""Adjustments (加扣分) and the decisions on them: events with their caps, and the recorded
decisions (申诉 appeals, 容错纠错 fault tolerance, gate reviews) on events, on an indicator's
lost points and on gates.

Caps are shared in event order (the register's order): each bonus event counts what is left
of its category's cap and of the total cap when its turn comes, each deduction what is left of
the deduction cap; so the events' `counted` values always sum to the bonus and deduction that
were counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kaohe.engine.model import Scheme
from kaohe.engine.numbers import fmt

__all__ = ["Decisions", "split_decisions", "events_by_unit", "adjust", "decide_indicator"]

_LABELS = {"appeal": ("申诉", "appeal"), "fault_tolerance": ("容错纠错", "fault tolerance"),
           "gate_review": ("评优限制认定", "gate review")}


@dataclass(frozen=True)
class Decisions:
    """An adjustments register's decisions, by what they decide on."""

    on_events: Mapping[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    on_indicators: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)
    on_gates: Mapping[str, list[Mapping[str, Any]]] = field(default_factory=dict)


def split_decisions(doc: Mapping[str, Any] | None) -> Decisions:
    """Sort the decisions: on an event (event_id), on a gate (gate_review), on an indicator."""
    on_events: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    on_indicators: dict[tuple[str, str], Mapping[str, Any]] = {}
    on_gates: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for d in (doc or {}).get("decisions", []):
        if d.get("kind") == "gate_review":
            on_gates[str(d.get("unit_id"))].append(d)
        elif d.get("event_id"):
            on_events[d["event_id"]].append(d)
        elif d.get("unit_id") and d.get("indicator_id"):
            on_indicators[(d["unit_id"], d["indicator_id"])] = d  # the last one recorded wins
    return Decisions(on_events, on_indicators, on_gates)


def events_by_unit(doc: Mapping[str, Any] | None,
                   decisions: Decisions) -> dict[str, list[dict[str, Any]]]:
    """Events per unit with their appeal / fault-tolerance decisions applied."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for raw in (doc or {}).get("events", []):
        event = dict(raw)
        for d in decisions.on_events.get(event["id"], []):
            event["decision"] = {"id": d["id"], "kind": d["kind"], "outcome": d["outcome"],
                                 "reason": d.get("reason", ""), "approver": d.get("approver", ""),
                                 "label": _LABELS[d["kind"]][0],
                                 "original_points": raw.get("points")}
            if d["outcome"] == "overturned":
                event["counted"] = False
            elif d["outcome"] == "adjusted":
                event["points"] = d.get("points") or 0.0
        out[event["unit_id"]].append(event)
    return out


def decide_indicator(row: dict[str, Any], decision: Mapping[str, Any] | None) -> None:
    """Apply a decision on an indicator's lost points: restored (full points back), adjusted
    (points set, within 0..full) or upheld; `lifts_gate` lifts its region-loss gate."""
    if not decision or not row["applicable"]:
        return
    label, label_en = _LABELS.get(decision["kind"], (decision["kind"], decision["kind"]))
    full, before = float(row["full_score"]), float(row["points"])
    outcome = decision["outcome"]
    after = (full if outcome == "restored" else
             min(max(float(decision.get("points") or 0.0), 0.0), full) if outcome == "adjusted"
             else before)
    who = decision.get("approver") or ""
    when = decision.get("date") or ""
    why = decision.get("reason") or ""
    what = {"restored": (f"恢复满分 {fmt(full)}", f"full points {fmt(full)} restored"),
            "adjusted": (f"得分调整为 {fmt(after)}", f"points set to {fmt(after)}"),
            }.get(outcome, ("维持原分", "points upheld"))
    row["decision"] = {"id": decision["id"], "kind": decision["kind"], "label": label,
                       "outcome": outcome, "reason": why, "approver": who, "date": when or None,
                       "original_points": before, "lifts_gate": bool(decision.get("lifts_gate"))}
    row["points"], row["lost"] = after, max(full - after, 0.0)
    if after != before:
        row["missing"] = False
    lift = "，免除评优限制" if decision.get("lifts_gate") else ""
    lift_en = ", gate lifted" if decision.get("lifts_gate") else ""
    row["explanation"] += (f"；{label}决定 {decision['id']}（{who} {when}：{why}）：原得分 "
                           f"{fmt(before)}，{what[0]}{lift}")
    row["explanation_en"] += (f"; {label_en} decision {decision['id']} ({who} {when}): "
                              f"points were {fmt(before)}, {what[1]}{lift_en}")


def adjust(scheme: Scheme, events: list[dict[str, Any]]
           ) -> tuple[list[dict[str, Any]], float, float, tuple[list[str], list[str]]]:
    """Apply decisions, then the caps in event order; every event keeps its reason."""
    notes: list[str] = []
    notes_en: list[str] = []
    rows = []
    left_in: dict[str, float] = dict(scheme.bonus_caps)
    left_total = scheme.bonus_cap_total
    left_deduction = scheme.deduction_cap_total
    claimed: dict[str, float] = defaultdict(float)
    claimed_deduction = 0.0
    bonus = deduction = 0.0
    trimmed = False
    for event in events:
        points = float(event.get("points") or 0.0)
        row = {"event_id": event["id"], "type": event["type"],
               "category": event.get("category", ""),
               "date": event.get("date"), "reason": event.get("reason", ""),
               "evidence": event.get("evidence", ""), "approver": event.get("approver", ""),
               "region_wide": bool(event.get("region_wide")),
               "points": points if event["type"] == "bonus" else -points,  # signed, as counted
               "decision": event.get("decision")}
        if not event.get("counted", True):
            row["counted"] = 0.0
        elif event["type"] == "bonus":
            claimed[row["category"]] += points
            counted = points
            if row["category"] in left_in:
                counted = min(counted, max(left_in[row["category"]], 0.0))
                left_in[row["category"]] -= counted
            if left_total is not None:
                counted = min(counted, max(float(left_total), 0.0))
                left_total = float(left_total) - counted
            row["counted"] = counted
            trimmed |= counted < points
            bonus += counted
        else:
            claimed_deduction += points
            counted = points
            if left_deduction is not None:
                counted = min(counted, max(float(left_deduction), 0.0))
                left_deduction = float(left_deduction) - counted
            row["counted"] = -counted
            trimmed |= counted < points
            deduction += counted
        rows.append(row)
    for category, total in claimed.items():
        cap = scheme.bonus_caps.get(category)
        if cap is not None and total > cap:
            notes.append(f"“{category}”加分 {fmt(total)} 超过上限 {fmt(cap)}，按上限计")
            notes_en.append(f"bonus {category!r} {fmt(total)} over its cap {fmt(cap)}: capped")
    capped = sum(min(v, scheme.bonus_caps.get(k, v)) for k, v in claimed.items())
    if scheme.bonus_cap_total is not None and capped > scheme.bonus_cap_total:
        notes.append(f"加分合计 {fmt(capped)} 超过总上限 {fmt(scheme.bonus_cap_total)}，按上限计")
        notes_en.append(f"bonus total {fmt(capped)} over the cap {fmt(scheme.bonus_cap_total)}")
    if scheme.deduction_cap_total is not None and claimed_deduction > scheme.deduction_cap_total:
        notes.append(f"扣分合计 {fmt(claimed_deduction)} 超过上限 "
                     f"{fmt(scheme.deduction_cap_total)}，按上限计")
        notes_en.append(f"deductions {fmt(claimed_deduction)} over the cap "
                        f"{fmt(scheme.deduction_cap_total)}")
    if trimmed:
        notes.append("上限按登记顺序分配：先登记的事项先计入，超出部分不计")
        notes_en.append("caps are shared in register order: earlier events count first")
    return rows, bonus, deduction, (notes, notes_en)
