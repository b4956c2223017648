"""Indicators scored by ballot or satisfaction, with their counts in a lead department's
document and the scheme's tables as default params; and a lead department's verified actual
of an indicator it leads (validate accepts it, the engine uses it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kaohe.engine import Scheme, score
from tests.conftest import small_scheme_doc
from tests.test_engine import by_id, full_docs
from validators.rules.values import run_checks

EXAMPLES = Path(__file__).resolve().parent.parent / "validators" / "examples"


def voted_scheme() -> Scheme:
    doc = small_scheme_doc()
    doc["indicators"][1] = {  # I2 by ballot with the scheme's grades (no params)
        "id": "I2", "name": "作风评议", "category": "作风", "component": "year_end",
        "full_score": 20, "method": "ballot", "input": "lead_department",
        "groups": ["county", "dept"], "lead_department": "lead"}
    doc["indicators"].append({  # I3 by satisfaction with the scheme's options
        "id": "I3", "name": "群众评价", "category": "民生", "component": "year_end",
        "full_score": 20, "method": "satisfaction", "input": "lead_department",
        "groups": ["county", "dept"], "lead_department": "lead"})
    return Scheme.from_document(doc)


def entries(**over: Any) -> list[dict[str, Any]]:
    units = [f"u{i}" for i in range(1, 6)] + ["d1"]
    out = []
    for u in units:
        out.append({"unit_id": u, "indicator_id": "I2",
                    "counts": {"好": 6, "较好": 3, "一般": 1, "差": 0}, "invalid": 2})
        out.append({"unit_id": u, "indicator_id": "I3",
                    "counts": {"满意": 30, "不满意": 10, "不了解": 20}})
    return out


def test_ballot_and_satisfaction_indicators_use_the_schemes_tables() -> None:
    docs = full_docs(lead_scores=[{"kind": "lead_scores", "lead_department": "lead",
                                   "entries": entries()}])
    out = by_id(score(voted_scheme(), docs))
    rows = {r["indicator_id"]: r for r in out["u1"]["indicators"]}
    # ballot: (6·100 + 3·80 + 1·60) / 10 valid = 90 -> 20 × 90 % = 18; 2 invalid left out
    assert rows["I2"]["points"] == pytest.approx(18.0)
    assert "无效票 2 张不计" in rows["I2"]["explanation"]
    # satisfaction: (30·100 + 10·0) / 40 = 75 (不了解 excluded) -> 20 × 75 % = 15
    assert rows["I3"]["points"] == pytest.approx(15.0)
    assert rows["I3"]["missing"] is False
    # u1: I1 60 + 18 + 15 = 93 of 100 -> year_end 93
    assert out["u1"]["components"]["year_end"] == 93.0


def test_ballot_indicator_without_counts_is_missing_not_a_crash() -> None:
    out = by_id(score(voted_scheme(), full_docs(lead_scores=[])))
    row = next(r for r in out["u1"]["indicators"] if r["indicator_id"] == "I2")
    assert row["points"] == 0.0 and row["missing"] is True and "票数" in row["explanation"]


def test_counts_are_checked_against_the_labels() -> None:
    doc = {"kind": "lead_scores", "scheme_id": "test-2020", "year": 2020,
           "lead_department": "lead", "entries": entries()}
    doc["entries"][0]["counts"] = {"优": 3}
    rules = [(i.rule, i.json_path) for i in run_checks(doc, {}, voted_scheme())]
    assert ("not-in-list", "$.entries[0].counts.优") in rules


def test_the_projects_lead_scores_example_validates_with_its_scheme() -> None:
    scheme = Scheme.from_document(json.loads((EXAMPLES / "scheme.json").read_text("utf-8")))
    doc = json.loads((EXAMPLES / "lead_scores.json").read_text("utf-8"))
    errors = [i.rule for i in run_checks(doc, {}, scheme)
              if i.severity == "error"]
    assert errors == []
    # C01 is led by the statistics bureau and reported by the unit: the verified value wins
    out = by_id(score(scheme, full_docs_for(scheme, doc)))
    c01 = next(r for r in out["altay_city"]["indicators"] if r["indicator_id"] == "C01")
    assert c01["inputs"]["actual"] == 7.8 and c01["inputs"]["source"] == "lead_scores:stats"


def full_docs_for(scheme: Scheme, lead: dict[str, Any]) -> Any:
    from kaohe.engine import Documents

    report = json.loads((EXAMPLES / "unit_report.json").read_text("utf-8"))
    return Documents(unit_reports={report["unit_id"]: report}, lead_scores=[lead])


def test_voted_indicators_round_trip_through_the_lead_department_sheet(tmp_path: Path) -> None:
    from workbook_templates.fill import fill_workbook
    from workbook_templates.lead_scores import build_lead_scores
    from workbook_templates.reader import read_workbook

    scheme = voted_scheme()
    doc = {"kind": "lead_scores", "scheme_id": "test-2020", "year": 2020,
           "lead_department": "lead", "entries": entries()}
    path = build_lead_scores(scheme, "lead", tmp_path / "lead.xlsx")
    read = read_workbook(fill_workbook(path, doc, tmp_path / "filled.xlsx"))
    assert [i.rule for i in read.errors] == []
    got = {(e["unit_id"], e["indicator_id"]): (e["counts"], e.get("invalid"))
           for e in read.document["entries"]}
    assert got[("u1", "I2")] == ({"好": 6, "较好": 3, "一般": 1, "差": 0}, 2)
    assert got[("u1", "I3")] == ({"满意": 30, "不满意": 10, "不了解": 20}, None)
    out = by_id(score(scheme, full_docs(lead_scores=[read.document])))
    rows = {r["indicator_id"]: r for r in out["u1"]["indicators"]}
    assert rows["I2"]["points"] == pytest.approx(18.0)
    assert rows["I3"]["points"] == pytest.approx(15.0)


def test_the_add_in_scores_voted_entries_on_their_counts() -> None:
    from xl_addin.tasks import provisional_points

    doc = {"kind": "lead_scores", "lead_department": "lead", "entries": entries()[:2]}
    shown = [value for _, _, value in provisional_points(doc, voted_scheme())]
    assert shown == [pytest.approx(18.0), pytest.approx(15.0)]
