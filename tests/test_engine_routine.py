"""Practice 5: routine assessment by kind with weights (周记实, 月自查, 季考评), a kind without
scores renormalised and said; routine findings deducted from named indicators; the checks and
the routine summary's columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kaohe.engine import Scheme, score
from tests.conftest import small_scheme_doc
from tests.test_engine import by_id, full_docs
from validators.rules.values import run_checks

KINDS = [{"id": "weekly", "name": "周记实", "weight": 0.2, "periods": ["Q1", "Q2"]},
         {"id": "monthly", "name": "月自查", "weight": 0.3, "periods": ["Q1", "Q2"]},
         {"id": "quarterly", "name": "季考评", "weight": 0.5, "periods": ["Q1", "Q2"]}]


def kinds_scheme() -> Scheme:
    doc = small_scheme_doc()
    doc["routine"] = {"periods": ["Q1", "Q2"], "kinds": KINDS}
    return Scheme.from_document(doc)


def entry(unit: str, kind: str, period: str, value: float) -> dict[str, Any]:
    return {"unit_id": unit, "kind": kind, "period": period, "score": value}


def test_kinds_are_averaged_then_weighted_and_a_missing_kind_renormalised() -> None:
    entries = [entry("u1", "weekly", "Q1", 90), entry("u1", "weekly", "Q2", 94),
               entry("u1", "monthly", "Q1", 80), entry("u1", "quarterly", "Q1", 70),
               entry("u1", "quarterly", "Q2", 80),
               entry("u2", "monthly", "Q1", 90), entry("u2", "quarterly", "Q2", 80)]
    out = by_id(score(kinds_scheme(), full_docs(routine={"entries": entries})))
    # u1: weekly 92 ×0.2 + monthly 80 ×0.3 + quarterly 75 ×0.5 = 18.4 + 24 + 37.5 = 79.9
    assert out["u1"]["components"]["routine"] == 79.9
    detail = out["u1"]["component_details"]["routine"]
    assert "周记实 92×20%" in detail["explanation"] and detail["renormalised"] is False
    assert "月自查缺少 1 期成绩" in detail["note"]
    # u2: no weekly: (90·0.3 + 80·0.5) / 0.8 = 83.75, said
    assert out["u2"]["components"]["routine"] == 83.75
    assert out["u2"]["component_details"]["routine"]["missing_kinds"] == ["weekly"]
    assert any("缺少周记实成绩" in n for n in out["u2"]["notes"])


def test_routine_findings_are_deducted_from_named_indicators(small_scheme: Scheme) -> None:
    routine = full_docs().routine
    findings = [{"unit_id": "u1", "indicator_id": "I1", "period": "Q2", "points": 1.5,
                 "reason": "周记实未按时报送"},
                {"unit_id": "u1", "indicator_id": "I1", "period": "Q3", "points": 2.0},
                {"unit_id": "u2", "indicator_id": "I2", "points": 50.0}]
    out = by_id(score(small_scheme, full_docs(routine={**routine, "deductions": findings})))
    i1 = next(r for r in out["u1"]["indicators"] if r["indicator_id"] == "I1")
    # I1: 60 × 10/10 = 60, less 1.5 + 2 = 56.5
    assert (i1["points"], i1["lost"]) == (56.5, 3.5)
    assert "平时考核扣分 Q2 1.5（周记实未按时报送）、Q3 2，共扣 3.5" in i1["explanation"]
    # u2's I2: 40 - 50 floored at 0
    i2 = next(r for r in out["u2"]["indicators"] if r["indicator_id"] == "I2")
    assert i2["points"] == 0.0 and "扣完为止" in i2["explanation"]
    # u1 year_end (56.5 + 40) / 100 = 96.5
    assert out["u1"]["components"]["year_end"] == 96.5


def test_an_indicator_sourced_from_routine_starts_from_full_points() -> None:
    doc = small_scheme_doc()
    doc["indicators"][0]["source"] = "routine"
    docs = full_docs()
    reports = {u: {**r, "items": []} for u, r in docs.unit_reports.items()}
    findings = [{"unit_id": "u3", "indicator_id": "I1", "period": "Q1", "points": 6}]
    out = by_id(score(Scheme.from_document(doc), full_docs(
        unit_reports=reports, routine={**docs.routine, "deductions": findings})))
    rows = {u: next(r for r in out[u]["indicators"] if r["indicator_id"] == "I1")
            for u in ("u1", "u3")}
    assert rows["u1"]["points"] == 60.0 and rows["u1"]["missing"] is False
    assert rows["u3"]["points"] == 54.0 and "以平时考核为扣分依据" in rows["u3"]["explanation"]


def test_checks_locate_a_wrong_kind_and_a_finding_on_a_foreign_indicator() -> None:
    scheme = kinds_scheme()
    doc = {"kind": "routine", "scheme_id": "test-2020", "year": 2020,
           "entries": [entry(u, k["id"], p, 90) for u in [x.id for x in scheme.units]
                       for k in KINDS for p in k["periods"]],
           "deductions": [{"unit_id": "u1", "indicator_id": "I9", "points": 1},
                          {"unit_id": "nobody", "indicator_id": "I1", "points": 1}]}
    doc["entries"][0]["kind"] = "daily"
    found = [(i.rule, i.json_path) for i in run_checks(doc, {}, scheme)
             if i.severity == "error"]
    assert found == [("not-in-list", "$.entries[0].kind"),
                     ("unknown-indicator", "$.deductions[0].indicator_id"),
                     ("unknown-unit", "$.deductions[1].unit_id")]


def test_the_routine_summary_has_a_column_per_kind_and_period(tmp_path: Path) -> None:
    import openpyxl

    from workbook_templates.fill import fill_workbook
    from workbook_templates.reader import read_workbook
    from workbook_templates.tallies import build_routine

    scheme = kinds_scheme()
    path = build_routine(scheme, tmp_path / "routine.xlsx")
    ws = openpyxl.load_workbook(path)["平时考核"]
    heads = [c.value for c in ws[5]]
    assert "周记实·第一季度" in heads and "季考评·第二季度" in heads
    doc = {"kind": "routine", "scheme_id": "test-2020", "year": 2020,
           "entries": [entry("u1", "weekly", "Q1", 90), entry("u1", "quarterly", "Q2", 70)]}
    read = read_workbook(fill_workbook(path, doc, tmp_path / "filled.xlsx"))
    assert read.document["entries"] == doc["entries"]
    formula = ws.cell(6, len(heads)).value
    assert formula.startswith("=IF((0.2*(COUNT(E6:F6)>0)")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_blank_kind_periods_are_named_by_kind(lang: str) -> None:
    scheme = kinds_scheme()
    doc = {"kind": "routine", "scheme_id": "test-2020", "year": 2020,
           "entries": [entry(u.id, "weekly", "Q1", 90) for u in scheme.units]}
    issues = [i for i in run_checks(doc, {}, scheme) if i.rule == "blank-routine-period"]
    text = issues[0].message if lang == "zh" else issues[0].message_en
    assert ("周记实·第二季度" if lang == "zh" else "Q2") in text


def test_kind_weights_must_add_up_and_kinds_round_trip_the_scheme_workbook(
        tmp_path: Path) -> None:
    from validators.scheme.checks import check_scheme
    from workbook_templates.scheme_book import export_scheme_workbook, import_scheme_workbook

    doc = small_scheme_doc()
    doc["routine"] = {"periods": ["Q1", "Q2"], "kinds": KINDS}
    back, issues = import_scheme_workbook(export_scheme_workbook(doc, tmp_path / "s.xlsx"))
    assert issues == [] and back["routine"]["kinds"] == KINDS
    doc["routine"]["kinds"] = [{**KINDS[0], "weight": 0.5}, *KINDS[1:]]
    found = check_scheme(doc).issues
    assert [(i.rule, i.json_path) for i in found] == [("weights-sum", "$.routine.kinds")]
    assert "平时考核各类别的权重合计为 1.3" in found[0].message


def test_routine_findings_round_trip_through_the_summary(tmp_path: Path) -> None:
    from workbook_templates.fill import fill_workbook
    from workbook_templates.reader import read_workbook
    from workbook_templates.tallies import build_routine

    scheme = kinds_scheme()
    findings = [{"unit_id": "u1", "indicator_id": "I1", "period": "Q2", "points": 1.5,
                 "reason": "周记实未按时报送"},
                {"unit_id": "d1", "indicator_id": "I2", "period": "Q1", "points": 0.5,
                 "reason": "月自查流于形式"}]
    doc = {"kind": "routine", "scheme_id": "test-2020", "year": 2020,
           "entries": [entry("u1", "weekly", "Q1", 90)], "deductions": findings}
    path = build_routine(scheme, tmp_path / "routine.xlsx")
    read = read_workbook(fill_workbook(path, doc, tmp_path / "filled.xlsx"))
    assert [i.rule for i in read.errors] == []
    assert read.document["deductions"] == findings
    assert read.cell_map["$.deductions[1].points"] == ("平时考核扣分", "F7")
