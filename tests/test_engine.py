"""The engine end to end on a small scheme: components, rater renormalisation, adjustments."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.engine import Documents, Scheme, score
from tests.conftest import small_scheme_doc


def report(unit_id: str, actual: float | None, na: bool = False) -> dict[str, Any]:
    return {"kind": "unit_report", "scheme_id": "test-2020", "year": 2020, "unit_id": unit_id,
            "items": [{"indicator_id": "I1", "target": 10, "actual": actual,
                       "not_applicable": na}]}


def full_docs(**over: Any) -> Documents:
    units = [f"u{i}" for i in range(1, 6)] + ["d1"]
    actual = {"u1": 10, "u2": 9, "u3": 8, "u4": 7, "u5": 5, "d1": 10}
    base: dict[str, Any] = {
        "unit_reports": {u: report(u, actual[u]) for u in units},
        "lead_scores": [{"kind": "lead_scores", "lead_department": "lead", "entries": [
            {"unit_id": u, "indicator_id": "I2", "rating": "好"} for u in units]}],
        "routine": {"entries": [{"unit_id": u, "period": p, "score": 90.0}
                                for u in units for p in ("Q1", "Q2", "Q3", "Q4")]},
        "ballots": {"conduct": [{"unit_id": u, "rater_group": g, "counts": {"好": 10}, "invalid": 0}
                                for u in units for g in ("leaders", "public")],
                    "satisfaction": [{"unit_id": u, "counts": {"满意": 90, "不满意": 10,
                                                               "不了解": 50}} for u in units]},
        "adjustments": {"events": [], "decisions": []},
    }
    base.update(over)
    return Documents(**base)


def by_id(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["unit_id"]: u for u in results["units"]}


def test_hand_computed_total(small_scheme: Scheme) -> None:
    out = by_id(score(small_scheme, full_docs()))
    u2 = out["u2"]
    # I1: 60 × 9/10 = 54; I2: 40 × 1.0 = 40 -> year_end 94
    assert u2["components"] == {"year_end": 94.0, "routine": 90.0, "satisfaction": 90.0,
                                "conduct": 100.0}
    # 0.5·94 + 0.3·90 + 0.1·90 + 0.1·100 = 93
    assert u2["total"] == 93.0
    i1 = next(i for i in u2["indicators"] if i["indicator_id"] == "I1")
    assert i1["points"] == pytest.approx(54.0)
    assert i1["explanation"]
    assert i1["inputs"]["actual"] == 9 and i1["inputs"]["target"] == 10


def test_not_applicable_scores_as_rate(small_scheme: Scheme) -> None:
    docs = full_docs()
    reports = dict(docs.unit_reports)
    reports["u1"] = report("u1", None, na=True)
    out = by_id(score(small_scheme, Documents(**{**docs.__dict__, "unit_reports": reports})))
    # only I2 applies: 40/40 -> 100
    assert out["u1"]["components"]["year_end"] == 100.0
    assert any("不适用" in n for n in out["u1"]["notes"])


def test_missing_rater_group_renormalises_and_says_so(small_scheme: Scheme) -> None:
    docs = full_docs()
    conduct = [t for t in docs.ballots["conduct"] if not (t["unit_id"] == "u3"
                                                          and t["rater_group"] == "public")]
    conduct = [dict(t, counts={"好": 10} if t["rater_group"] == "leaders" else {"一般": 10})
               for t in conduct]
    ballots = {**docs.ballots, "conduct": conduct}
    out = by_id(score(small_scheme, Documents(**{**docs.__dict__, "ballots": ballots})))
    # u3: only leaders (100) remain -> 100; u2: 0.6·100 + 0.4·60 = 84
    assert out["u3"]["components"]["conduct"] == 100.0
    assert out["u2"]["components"]["conduct"] == 84.0
    detail = out["u3"]["component_details"]["conduct"]
    assert detail["renormalised"] is True and detail["missing_rater_groups"] == ["public"]
    assert any("测评票" in n for n in out["u3"]["notes"])


def test_missing_actual_scores_zero_with_a_note(small_scheme: Scheme) -> None:
    docs = full_docs()
    reports = dict(docs.unit_reports)
    reports["u4"] = report("u4", None)
    out = by_id(score(small_scheme, Documents(**{**docs.__dict__, "unit_reports": reports})))
    i1 = next(i for i in out["u4"]["indicators"] if i["indicator_id"] == "I1")
    assert i1["points"] == 0.0 and i1["missing"] is True
    assert "缺少" in i1["explanation"]


def test_bonus_caps_and_appeal_overturn(small_scheme: Scheme) -> None:
    events = [
        {"id": "E1", "unit_id": "u1", "type": "bonus", "category": "荣誉表彰", "points": 1.5},
        {"id": "E2", "unit_id": "u1", "type": "bonus", "category": "荣誉表彰", "points": 1.5},
        {"id": "E3", "unit_id": "u1", "type": "bonus", "category": "其他", "points": 2.0},
        {"id": "E4", "unit_id": "u2", "type": "deduction", "category": "察访核验", "points": 1.0},
        {"id": "E5", "unit_id": "u2", "type": "deduction", "category": "察访核验", "points": 0.5},
    ]
    decisions = [{"id": "D1", "event_id": "E4", "kind": "appeal", "outcome": "overturned",
                  "reason": "复核撤销"},
                 {"id": "D2", "event_id": "E5", "kind": "fault_tolerance", "outcome": "adjusted",
                  "points": 0.25, "reason": "容错减轻"}]
    docs = full_docs(adjustments={"events": events, "decisions": decisions})
    out = by_id(score(small_scheme, docs))
    # u1: 荣誉表彰 3 capped at 2, + 其他 2 = 4, total cap 3
    assert out["u1"]["bonus"] == 3.0
    assert any("上限" in n for n in out["u1"]["notes"])
    assert out["u2"]["deduction"] == 0.25
    e4 = next(a for a in out["u2"]["adjustments"] if a["event_id"] == "E4")
    assert e4["counted"] == 0.0 and e4["decision"]["outcome"] == "overturned"


def test_results_carry_the_required_fields(small_scheme: Scheme) -> None:
    results = score(small_scheme, full_docs())
    assert results["grades"] == ["好", "较好", "一般", "较差"]
    for u in results["units"]:
        for key in ("unit_id", "unit_name", "group", "total", "rank", "grade",
                    "top_grade_eligible", "gates", "components", "indicators"):
            assert key in u
        for ind in u["indicators"]:
            assert {"indicator_id", "points", "full_score", "method", "explanation"} <= set(ind)


def test_weights_given_as_percent_equal_weights_as_shares() -> None:
    doc = small_scheme_doc()
    doc["component_weights"] = {g: {k: v * 100 for k, v in w.items()}
                                for g, w in doc["component_weights"].items()}
    a = by_id(score(Scheme.from_document(small_scheme_doc()), full_docs()))
    b = by_id(score(Scheme.from_document(doc), full_docs()))
    assert [a[k]["total"] for k in sorted(a)] == [b[k]["total"] for k in sorted(b)]
