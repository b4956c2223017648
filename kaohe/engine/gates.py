"""Gates (评优限制): which the unit hits, whom each affects, what follow-up it calls for, and
the recorded decisions that confirm or waive them.

The source rule: a region-assigned indicator losing more than 20 % of its full score, or a
region-wide notification, "对地区考核结果造成较大影响的，取消部门单位领导班子和主要领导评优
资格，并由组织部长进行约谈". So a gate names whom it affects (`unit`, `team`,
`principal_leader`: scheme `gates.disqualifies`), the follow-up (`gates.follow_up`), and its
status: `automatic`, `pending` (the scheme asks for confirmation and none is recorded: the
gate applies, provisionally), `confirmed`, or `waived` (a gate_review decision, or an
indicator decision with `lifts_gate`; waived gates go to `waived_gates` and remove nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kaohe.engine.model import Scheme
from kaohe.engine.numbers import fmt
from kaohe.labels import word_en

__all__ = ["GATE_SLUGS", "AFFECTED", "apply_gates", "gate_decision_matches"]

GATE_SLUGS = ("region-loss", "region-notification", "veto")
AFFECTED = ("unit", "team", "principal_leader")
_WHO = {"unit": ("单位", "the unit"), "team": ("领导班子", "the leadership team"),
        "principal_leader": ("主要领导", "the principal leader")}


def apply_gates(scheme: Scheme, unit: dict[str, Any]) -> None:
    """Record every gate the unit hits, whom it affects and its status; set eligibility."""
    found = list(_region_loss(scheme, unit)) + list(_event_gates(scheme, unit))
    decisions: Sequence[Mapping[str, Any]] = unit.get("gate_decisions") or ()
    in_force: list[dict[str, Any]] = []
    waived: list[dict[str, Any]] = []
    for gate, lifted_by in found:
        decision = lifted_by or next((d for d in decisions if gate_decision_matches(d, gate)),
                                     None)
        gate["decision"] = _decision_view(decision) if decision else None
        if decision and decision.get("outcome") not in ("confirmed", "upheld"):
            gate["status"] = "waived"
            who = decision.get("approver") or ""
            gate["reason"] += f"；经{who}决定免除（{decision.get('reason', '')}）"
            gate["reason_en"] += f"; waived by decision {decision.get('id')} ({who})"
            waived.append(gate)
            continue
        if decision:
            gate["status"] = "confirmed"
            gate["reason"] += f"；经{decision.get('approver') or ''}认定"
            gate["reason_en"] += f"; confirmed by decision {decision.get('id')}"
        elif scheme.gates.review == "confirm":
            gate["status"] = "pending"
            gate["reason"] += "；待认定（暂按触发处理）"
            gate["reason_en"] += "; pending confirmation (applied provisionally)"
        else:
            gate["status"] = "automatic"
        in_force.append(gate)
    unit["gates"] = in_force
    unit["waived_gates"] = waived
    affected = {who for g in in_force for who in g["affects"]}
    unit["eligibility"] = {who: who not in affected for who in AFFECTED}
    unit["top_grade_eligible"] = unit["eligibility"]["unit"]
    unit["veto"] = any(g["gate"] == "veto" for g in in_force)
    unit["follow_ups"] = _follow_ups(scheme, in_force)


def gate_decision_matches(decision: Mapping[str, Any], gate: Mapping[str, Any]) -> bool:
    """Whether a gate_review decision names this gate (slug, and indicator or event if given)."""
    if decision.get("gate") != gate["gate"]:
        return False
    return all(decision.get(key) in (None, "", gate.get(key))
               for key in ("indicator_id", "event_id"))


def _whom(affects: Sequence[str]) -> tuple[str, str]:
    zh = "、".join(_WHO[w][0] for w in affects)
    en = ", ".join(_WHO[w][1] for w in affects)
    return (f"取消{zh}评优资格" if affects else "不取消评优资格",
            f"{en} not eligible for excellence" if affects else "no eligibility removed")


def _region_loss(scheme: Scheme, unit: Mapping[str, Any]
                 ) -> list[tuple[dict[str, Any], Mapping[str, Any] | None]]:
    share = scheme.gates.region_loss_share
    affects = list(scheme.gates.disqualifies)
    whom, whom_en = _whom(affects)
    follow = scheme.gates.follow_up.action if scheme.gates.follow_up else None
    out = []
    for row in unit["indicators"]:
        if not (row["region_assigned"] and row["applicable"]
                and row["lost"] > share * row["full_score"] + 1e-9):
            continue
        lost_share = row["lost"] / row["full_score"]
        gate = {
            "gate": "region-loss", "indicator_id": row["indicator_id"],
            "reason": f"自治区下达指标“{row['name']}”失分 {fmt(row['lost'])}，占责任分值 "
                      f"{fmt(row['full_score'])} 的 {fmt(lost_share * 100, 1)}%，超过 "
                      f"{fmt(share * 100, 1)}%，{whom}",
            "reason_en": f"region-assigned indicator {row['indicator_id']} lost "
                         f"{fmt(row['lost'])} of {fmt(row['full_score'])} "
                         f"({fmt(lost_share * 100, 1)}% > {fmt(share * 100, 1)}%): {whom_en}",
            "affects": affects, "follow_up": follow}
        lifted = (row.get("decision") or {}) if (row.get("decision") or {}).get("lifts_gate") \
            else None
        out.append((gate, lifted))
    return out


def _event_gates(scheme: Scheme, unit: Mapping[str, Any]
                 ) -> list[tuple[dict[str, Any], Mapping[str, Any] | None]]:
    affects = list(scheme.gates.disqualifies)
    whom, whom_en = _whom(affects)
    follow = scheme.gates.follow_up.action if scheme.gates.follow_up else None
    out: list[tuple[dict[str, Any], Mapping[str, Any] | None]] = []
    for event in unit["events"]:
        if event["type"] == "notification" and event.get("region_wide") \
                and scheme.gates.notification_disqualifies:
            out.append(({
                "gate": "region-notification", "event_id": event["id"],
                "reason": f"察访核验受到全疆通报（{event.get('date', '')} "
                          f"{event.get('reason', '')}），{whom}",
                "reason_en": f"named in a region-wide notification ({event.get('date', '')}, "
                             f"event {event['id']}): {whom_en}",
                "affects": affects, "follow_up": follow}, None))
        if event["type"] == "veto":
            cap = scheme.gates.veto_grade or scheme.grades[-1]
            out.append(({
                "gate": "veto", "event_id": event["id"],
                "reason": f"一票否决（{event.get('reason', '')}），等次不高于“{cap}”",
                "reason_en": f"veto (event {event['id']}): grade capped at "
                             f"{word_en(cap, scheme.document)!r}",
                "affects": sorted(set(affects) | {"unit"}, key=AFFECTED.index),
                "follow_up": None}, None))
    return out


def _decision_view(decision: Mapping[str, Any]) -> dict[str, Any]:
    return {k: decision.get(k) for k in ("id", "kind", "outcome", "reason", "approver", "date")}


def _follow_ups(scheme: Scheme, gates: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    follow = scheme.gates.follow_up
    slugs = [g["gate"] for g in gates if g.get("follow_up")]
    if follow is None or not slugs:
        return []
    return [{"action": follow.action, "label": follow.label or None,
             "label_en": follow.label_en or None, "by": follow.by or None,
             "gates": list(dict.fromkeys(slugs))}]
