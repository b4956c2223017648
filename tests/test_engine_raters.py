"""Practice 3: several rater bodies with weights on one indicator — hand-computed, with a
missing body renormalised and said; the scheme and lead_scores checks; the scheme workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kaohe.engine import Scheme, score
from tests.conftest import small_scheme_doc
from tests.test_engine import by_id, full_docs
from validators.rules.values import run_checks
from validators.scheme.checks import check_scheme

BODIES = [{"id": "leader", "name": "分管领导", "weight": 0.2},
          {"id": "team", "name": "考核组", "weight": 0.4},
          {"id": "staff", "name": "干部职工", "weight": 0.4}]


def rated_doc() -> dict[str, Any]:
    doc = small_scheme_doc()
    doc["indicators"][1]["raters"] = BODIES  # I2: rating, 40 points, 好 1.0 较好 0.8 一般 0.6
    return doc


def lead(*entries: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"kind": "lead_scores", "lead_department": "lead", "entries": [
        {"unit_id": u, "indicator_id": "I2", "rater": r, "rating": g} for u, r, g in entries]}]


def test_bodies_are_averaged_within_and_weighted_across() -> None:
    entries = [("u1", "leader", "好"), ("u1", "team", "好"), ("u1", "team", "一般"),
               ("u1", "staff", "较好"), ("u2", "leader", "较好"), ("u2", "team", "好")]
    out = by_id(score(Scheme.from_document(rated_doc()), full_docs(lead_scores=lead(*entries))))
    i2 = next(r for r in out["u1"]["indicators"] if r["indicator_id"] == "I2")
    # leader 40; team (40 + 24) / 2 = 32; staff 32 → 40·0.2 + 32·0.4 + 32·0.4 = 33.6
    assert i2["points"] == pytest.approx(33.6)
    assert "考核组 32（2 份平均）×40%" in i2["explanation"]
    assert i2["inputs"]["raters"]["team"] == {"points": 32.0, "ratings": 2, "weight": 0.4}
    # u2 has no staff ratings: (32·0.2 + 40·0.4) / 0.6 = 37.33…, renormalised and said
    j2 = next(r for r in out["u2"]["indicators"] if r["indicator_id"] == "I2")
    assert j2["points"] == pytest.approx(22.4 / 0.6)
    assert "缺少干部职工的评价" in j2["explanation"] and j2["inputs"]["renormalised"] is True
    # u3 has no ratings at all: missing, 0
    k2 = next(r for r in out["u3"]["indicators"] if r["indicator_id"] == "I2")
    assert k2["points"] == 0.0 and k2["missing"] is True


def test_checks_locate_a_wrong_body_and_weights_that_do_not_add_up() -> None:
    scheme = Scheme.from_document(rated_doc())
    doc = {"kind": "lead_scores", "scheme_id": "test-2020", "year": 2020,
           "lead_department": "lead",
           "entries": [{"unit_id": "u1", "indicator_id": "I2", "rater": "boss", "rating": "好"},
                       {"unit_id": "u1", "indicator_id": "I2", "rating": "好"},
                       {"unit_id": "u1", "indicator_id": "I2", "rater": "team", "rating": "好"},
                       {"unit_id": "u1", "indicator_id": "I2", "rater": "team", "rating": "好"}]}
    found = [(i.rule, i.json_path) for i in run_checks(doc, {}, scheme)
             if i.rule != "missing-entry"]
    assert found == [("unknown-rater", "$.entries[0].rater"),
                     ("unknown-rater", "$.entries[1].rater")]
    bad = rated_doc()
    bad["indicators"][1]["raters"] = [{**BODIES[0], "weight": 0.5}, *BODIES[1:]]
    issues = check_scheme(bad).issues
    assert [(i.rule, i.json_path) for i in issues] == [("weights-sum", "$.indicators[1].raters")]
    assert "指标 I2 各评价主体的权重合计为 1.3" in issues[0].message


def test_rater_bodies_round_trip_through_the_scheme_workbook(tmp_path: Path) -> None:
    from workbook_templates.scheme_book import export_scheme_workbook, import_scheme_workbook

    doc = rated_doc()
    path = export_scheme_workbook(doc, tmp_path / "scheme.xlsx")
    back, issues = import_scheme_workbook(path)
    assert issues == [] and back["indicators"][1]["raters"] == BODIES


def test_the_add_in_shows_the_weighted_points_on_every_body_row() -> None:
    from xl_addin.tasks import provisional_points

    scheme = Scheme.from_document(rated_doc())
    doc = lead(("u1", "leader", "好"), ("u1", "team", "一般"))[0]
    shown = {path: value for path, _, value in provisional_points(doc, scheme)}
    # (40·0.2 + 24·0.4) / 0.6 = 29.33, on both rows (one points cell per unit)
    assert shown["$.entries[0]"] == pytest.approx(17.6 / 0.6) == shown["$.entries[1]"]
