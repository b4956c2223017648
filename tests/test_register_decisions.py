"""Decisions on an indicator's points and on gates in the office's register: the decisions
sheet carries them (build, fill, read back), the register checks locate what is wrong, and
consolidation-grade scoring uses them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kaohe.engine import Scheme, score
from kaohe.pipeline.documents import default_scheme_document
from tests.test_engine import by_id, full_docs
from validators.rules.values import run_checks
from workbook_templates.adjustments import build_adjustments
from workbook_templates.fill import fill_workbook
from workbook_templates.reader import read_workbook

DECISIONS = [
    {"id": "D0001", "unit_id": "fuyun", "indicator_id": "C01", "kind": "fault_tolerance",
     "outcome": "restored", "reason": "改革创新未达预期但勤勉尽责", "approver": "地区综考办",
     "date": "2017-01-20"},
    {"id": "D0002", "unit_id": "burqin", "indicator_id": "C02", "kind": "appeal",
     "outcome": "adjusted", "points": 7.5, "lifts_gate": True, "reason": "统计口径调整",
     "approver": "张三", "date": "2017-01-21"},
    {"id": "D0003", "unit_id": "fuhai", "kind": "gate_review", "gate": "region-loss",
     "indicator_id": "C01", "outcome": "waived", "reason": "影响较小", "approver": "地区综考办",
     "date": "2017-01-22"},
]


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


def register(decisions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "adjustments", "scheme_id": "altay-2016", "year": 2016, "events": [],
            "decisions": decisions}


def test_decisions_on_indicators_and_gates_round_trip_through_the_register(
        scheme: Scheme, tmp_path: Path) -> None:
    template = build_adjustments(scheme, tmp_path / "adjustments.xlsx")
    filled = fill_workbook(template, register(DECISIONS), tmp_path / "filled.xlsx")
    read = read_workbook(filled)
    assert [i.rule for i in read.errors] == []
    given = [{k: v for k, v in d.items() if v is not None} for d in read.document["decisions"]]
    assert given == DECISIONS


def test_register_checks_locate_decisions_that_name_nothing_or_do_not_fit(
        scheme: Scheme) -> None:
    bad = [{"id": "D1", "kind": "appeal", "outcome": "upheld"},
           {"id": "D2", "unit_id": "fuyun", "indicator_id": "C01", "kind": "appeal",
            "outcome": "overturned"},
           {"id": "D3", "unit_id": "fuyun", "kind": "gate_review", "outcome": "waived"},
           {"id": "D4", "unit_id": "fuyun", "indicator_id": "C01", "kind": "appeal",
            "outcome": "adjusted"},
           {"id": "D5", "unit_id": "atlantis", "indicator_id": "C01", "kind": "appeal",
            "outcome": "restored"}]
    found = [(i.rule, i.json_path) for i in run_checks(register(bad), {}, scheme)]
    assert found == [
        ("decision-without-target", "$.decisions[0].event_id"),
        ("decision-outcome-mismatch", "$.decisions[1].outcome"),
        ("decision-without-target", "$.decisions[2].gate"),
        ("adjusted-without-points", "$.decisions[3].points"),
        ("unknown-unit", "$.decisions[4].unit_id"),
    ]
    messages = {i.rule: i.message for i in run_checks(register(bad), {}, scheme)}
    assert "“overturned”不适用于指标得分" in messages["decision-outcome-mismatch"]
    assert "缺少 gate" in messages["decision-without-target"] or \
        "缺少 event_id" in messages["decision-without-target"]


def test_the_projects_register_decisions_are_clean(scheme: Scheme) -> None:
    assert [i.rule for i in run_checks(register(DECISIONS), {}, scheme)] == []


def test_a_gate_review_on_the_small_scheme_names_its_decision_in_the_results() -> None:
    from tests.conftest import small_scheme_doc

    doc = small_scheme_doc()
    doc["gates"]["review"] = "confirm"
    decision = {"id": "G1", "unit_id": "u5", "kind": "gate_review", "gate": "region-loss",
                "outcome": "confirmed", "reason": "较大影响", "approver": "综考办",
                "date": "2021-01-10"}
    out = by_id(score(Scheme.from_document(doc),
                      full_docs(adjustments={"events": [], "decisions": [decision]})))
    assert out["u5"]["gates"][0]["status"] == "confirmed"
    assert out["u4"]["gates"][0]["status"] == "pending"  # 7 of 10: lost 30 %
