"""What results.json reports, checked by hand: caps shared in event order, null points when not
applicable, gate slugs, decisions on an indicator's lost points and on gates, and whom a gate
affects (unit, leadership team, principal leader) with its follow-up (约谈)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kaohe.engine import Documents, Scheme, score
from kaohe.engine.gates import GATE_SLUGS
from tests.conftest import small_scheme_doc
from tests.test_engine import by_id, full_docs, report

SCHEMAS = Path(__file__).resolve().parent.parent / "validators" / "schemas"


def results_schema() -> dict[str, Any]:
    return json.loads((SCHEMAS / "results.schema.json").read_text(encoding="utf-8"))


def valid(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    jsonschema.Draft202012Validator(results_schema()).validate(results)
    return by_id(results)


def with_reports(**actual: float) -> dict[str, Any]:
    docs = full_docs()
    reports = dict(docs.unit_reports)
    for unit_id, value in actual.items():
        reports[unit_id] = report(unit_id, value)
    return reports


# -- caps: the counted values sum to what was counted ------------------------------------------

def test_counted_shares_the_total_bonus_cap_in_event_order() -> None:
    doc = small_scheme_doc()
    doc["adjustments"] = {"bonus_caps": {}, "bonus_cap_total": 2.5, "deduction_cap_total": 1.2}
    events = [
        {"id": "E1", "unit_id": "u1", "type": "bonus", "category": "荣誉表彰", "points": 1.5},
        {"id": "E2", "unit_id": "u1", "type": "bonus", "category": "荣誉表彰", "points": 1.0},
        {"id": "E3", "unit_id": "u1", "type": "bonus", "category": "其他", "points": 0.8},
        {"id": "E4", "unit_id": "u2", "type": "deduction", "category": "察访核验", "points": 1.0},
        {"id": "E5", "unit_id": "u2", "type": "deduction", "category": "察访核验", "points": 0.5},
    ]
    out = valid(score(Scheme.from_document(doc),
                      full_docs(adjustments={"events": events, "decisions": []})))
    counted = {a["event_id"]: a["counted"] for a in out["u1"]["adjustments"]}
    # 1.5 + 1.0 = 2.5 reaches the total cap: E3 (0.8) counts nothing
    assert counted == {"E1": 1.5, "E2": 1.0, "E3": 0.0}
    assert out["u1"]["bonus"] == 2.5 == sum(counted.values())
    # deductions 1.0 + 0.5 under a cap of 1.2: E5 counts what is left, 0.2
    d = {a["event_id"]: (a["points"], a["counted"]) for a in out["u2"]["adjustments"]}
    assert d["E4"] == (-1.0, -1.0)
    assert d["E5"][0] == -0.5 and d["E5"][1] == pytest.approx(-0.2)
    assert out["u2"]["deduction"] == pytest.approx(1.2)
    assert any("登记顺序" in n for n in out["u1"]["notes"])


def test_counted_shares_category_then_total_caps() -> None:
    # small scheme: 荣誉表彰 capped at 2, total cap 3
    events = [
        {"id": "E1", "unit_id": "u1", "type": "bonus", "category": "荣誉表彰", "points": 1.5},
        {"id": "E2", "unit_id": "u1", "type": "bonus", "category": "荣誉表彰", "points": 1.5},
        {"id": "E3", "unit_id": "u1", "type": "bonus", "category": "其他", "points": 2.0},
    ]
    out = valid(score(Scheme.from_document(small_scheme_doc()),
                      full_docs(adjustments={"events": events, "decisions": []})))
    counted = {a["event_id"]: a["counted"] for a in out["u1"]["adjustments"]}
    # E1 1.5; E2 what is left of 荣誉表彰's 2: 0.5; E3 what is left of the total 3: 1.0
    assert counted == {"E1": 1.5, "E2": 0.5, "E3": 1.0}
    assert out["u1"]["bonus"] == 3.0


# -- not applicable: points and lost are null ------------------------------------------------

def test_not_applicable_rows_have_null_points_and_lost(small_scheme: Scheme) -> None:
    docs = full_docs()
    reports = dict(docs.unit_reports)
    reports["u1"] = report("u1", None, na=True)
    out = valid(score(small_scheme, Documents(**{**docs.__dict__, "unit_reports": reports})))
    i1 = next(i for i in out["u1"]["indicators"] if i["indicator_id"] == "I1")
    assert i1["applicable"] is False and i1["points"] is None and i1["lost"] is None
    # the score rate is unchanged: I2 40/40 -> year_end 100
    assert out["u1"]["components"]["year_end"] == 100.0


# -- gate slugs: one list, enforced by the schema ------------------------------------------------

def test_gate_slugs_are_the_schema_enum() -> None:
    gate = results_schema()["$defs"]["gate"]["properties"]["gate"]
    assert tuple(gate["enum"]) == GATE_SLUGS
    doc = {"gate": "notification", "reason": "x"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator({**results_schema(), "$ref": "#/$defs/gate"}).validate(doc)


# -- practice 7: whom a gate affects, and the follow-up ----------------------------------------

def gated_scheme(**gates: Any) -> Scheme:
    doc = small_scheme_doc()
    doc["gates"] = {"region_loss_share": 0.2, "notification_disqualifies": True,
                    "veto_grade": "较差", **gates}
    return Scheme.from_document(doc)


def test_gate_names_whom_it_affects_and_the_interview() -> None:
    scheme = gated_scheme(disqualifies=["team", "principal_leader"],
                          follow_up={"action": "interview", "label": "约谈",
                                     "label_en": "interview", "by": "组织部长"})
    # u5: I1 actual 5 of 10 -> 30 points of 60, lost 30 = 50 % > 20 %
    out = valid(score(scheme, full_docs()))
    u5 = out["u5"]
    assert [g["gate"] for g in u5["gates"]] == ["region-loss"]
    gate = u5["gates"][0]
    assert gate["affects"] == ["team", "principal_leader"]
    assert gate["follow_up"] == "interview" and gate["status"] == "automatic"
    assert "领导班子、主要领导" in gate["reason"]
    # the unit itself keeps its eligibility; its team and principal leader lose theirs
    assert u5["eligibility"] == {"unit": True, "team": False, "principal_leader": False}
    assert u5["top_grade_eligible"] is True
    assert u5["follow_ups"] == [{"action": "interview", "label": "约谈",
                                 "label_en": "interview", "by": "组织部长",
                                 "gates": ["region-loss"]}]
    assert out["u1"]["eligibility"] == {"unit": True, "team": True, "principal_leader": True}
    assert out["u1"]["follow_ups"] == []


def test_default_gate_affects_all_three() -> None:
    out = valid(score(gated_scheme(), full_docs()))
    assert out["u5"]["eligibility"] == {"unit": False, "team": False, "principal_leader": False}
    assert out["u5"]["top_grade_eligible"] is False


# -- practice 1: decisions on an indicator's lost points ----------------------------------------

def test_fault_tolerance_restores_an_indicators_points_and_lifts_its_gate(
        small_scheme: Scheme) -> None:
    decisions = [{"id": "D1", "unit_id": "u5", "indicator_id": "I1", "kind": "fault_tolerance",
                  "outcome": "restored", "reason": "改革创新未达预期但勤勉尽责",
                  "approver": "地区综考办", "date": "2021-01-20"}]
    out = valid(score(small_scheme, full_docs(adjustments={"events": [],
                                                           "decisions": decisions})))
    i1 = next(i for i in out["u5"]["indicators"] if i["indicator_id"] == "I1")
    # I1 was 60 × 5/10 = 30; restored to the full 60
    assert (i1["points"], i1["lost"]) == (60.0, 0.0)
    assert i1["decision"]["original_points"] == 30.0
    assert i1["decision"]["approver"] == "地区综考办"
    assert "容错纠错决定 D1" in i1["explanation"] and "恢复满分 60" in i1["explanation"]
    # year_end (60 + 40) / 100 = 100; total 0.5·100 + 0.3·90 + 0.1·90 + 0.1·100 = 96
    assert out["u5"]["components"]["year_end"] == 100.0 and out["u5"]["total"] == 96.0
    assert out["u5"]["gates"] == []


def test_appeal_adjusts_points_and_lifts_the_gate_explicitly(small_scheme: Scheme) -> None:
    decisions = [{"id": "D2", "unit_id": "u5", "indicator_id": "I1", "kind": "appeal",
                  "outcome": "adjusted", "points": 42.0, "lifts_gate": True,
                  "reason": "统计口径调整", "approver": "张三", "date": "2021-01-21"}]
    out = valid(score(small_scheme, full_docs(adjustments={"events": [],
                                                           "decisions": decisions})))
    u5 = out["u5"]
    i1 = next(i for i in u5["indicators"] if i["indicator_id"] == "I1")
    # 42 of 60: lost 18 = 30 % > 20 %, still over the line, but the decision lifts the gate
    assert (i1["points"], i1["lost"]) == (42.0, 18.0)
    assert u5["gates"] == []
    assert [g["gate"] for g in u5["waived_gates"]] == ["region-loss"]
    assert u5["waived_gates"][0]["status"] == "waived"
    assert u5["waived_gates"][0]["decision"]["id"] == "D2"
    assert u5["eligibility"] == {"unit": True, "team": True, "principal_leader": True}
    # year_end 82; total 0.5·82 + 27 + 9 + 10 = 87
    assert u5["total"] == 87.0


# -- practice 2: a gate confirmed or waived by a recorded decision ------------------------------

def test_gate_pending_until_confirmed_and_waived_by_decision() -> None:
    scheme = gated_scheme(review="confirm")
    events = [{"id": "E1", "unit_id": "u1", "type": "notification", "region_wide": True,
               "date": "2020-05-01", "category": "察访核验", "points": 0, "reason": "全疆通报"}]
    out = valid(score(scheme, full_docs(adjustments={"events": events, "decisions": []})))
    assert {g["gate"]: g["status"] for g in out["u1"]["gates"]} == {
        "region-notification": "pending"}
    assert out["u5"]["gates"][0]["status"] == "pending"
    assert "待认定" in out["u5"]["gates"][0]["reason"]
    decisions = [
        {"id": "G1", "unit_id": "u5", "kind": "gate_review", "gate": "region-loss",
         "indicator_id": "I1", "outcome": "confirmed", "reason": "对地区考核结果造成较大影响",
         "approver": "地区综考办", "date": "2021-01-15"},
        {"id": "G2", "unit_id": "u1", "kind": "gate_review", "gate": "region-notification",
         "event_id": "E1", "outcome": "waived", "reason": "影响较小",
         "approver": "地区综考办", "date": "2021-01-15"}]
    out = valid(score(scheme, full_docs(adjustments={"events": events,
                                                     "decisions": decisions})))
    assert out["u5"]["gates"][0]["status"] == "confirmed"
    assert out["u5"]["gates"][0]["decision"]["id"] == "G1"
    assert out["u1"]["gates"] == []
    assert out["u1"]["waived_gates"][0]["decision"]["reason"] == "影响较小"
    assert out["u1"]["eligibility"]["unit"] is True
    assert out["u1"]["grade"] == "好"
