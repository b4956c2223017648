"""The people rules, each against numbers computed by hand (docs/cadres.md)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kaohe.engine.cadres import (
    CadreRules,
    assess_cadres,
    ballot_score,
    merit,
    quota_places,
    sanction_cap,
    team_grade,
    vote_alerts,
)

UNIT_GRADES = ["好", "较好", "一般", "较差"]
RULES_DOC: dict[str, Any] = {
    "grades": ["优秀", "称职", "基本称职", "不称职"],
    "ballot_points": {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0},
    "team_ballot_points": {"好": 100, "较好": 80, "一般": 60, "差": 0},
    "rater_groups": [{"id": "sup", "name": "上级", "weight": 0.6},
                     {"id": "staff", "name": "职工", "weight": 0.4}],
    "score_weights": {"ballot": 0.5, "routine": 0.2, "unit": 0.3},
    "grade_bands": [{"grade": "优秀", "min": 90}, {"grade": "称职", "min": 70},
                    {"grade": "基本称职", "min": 60}, {"grade": "不称职", "min": 0}],
    "team": {"unit_weight": 0.6, "ballot_weight": 0.4,
             "bands": [{"grade": "好", "min": 90}, {"grade": "较好", "min": 80},
                       {"grade": "一般", "min": 65}, {"grade": "较差", "min": 0}],
             "not_above_unit_grade": True, "gated_best": "较好", "vetoed_grade": "较差"},
    "excellent_quota": {"grade": "优秀", "share": 0.2,
                        "by_unit_grade": {"好": 0.3, "较好": 0.2, "一般": 0.15, "较差": 0},
                        "gated_share": 0.1, "vetoed_share": 0, "rounding": "round_half_up"},
    "unit_gates_apply_to": ["team", "principal"],
    "sanctions": [
        {"id": "warning", "name": "警告", "severity": 1, "best_grade": "称职", "years": 1},
        {"id": "demerit", "name": "记过", "severity": 2, "best_grade": None, "years": 1},
        {"id": "major", "name": "记大过", "severity": 3, "best_grade": None, "years": 2}],
    "alerts": {"approval_min": "2/3", "disapproval_max": "1/3"},
    "bonus_cancellation": [
        {"id": "B01", "name": "年度考核不称职", "when_grade": ["不称职"]},
        {"id": "B02", "name": "受记过以上处分", "when_sanction": ["demerit", "major"]},
        {"id": "B03", "name": "被诫勉谈话"}],
    "merit_ladder": [{"run": 1, "merit": "嘉奖"}, {"run": 3, "merit": "记三等功"}],
    "unsatisfactory_run": 2,
}
_PARSED = CadreRules.from_document({"cadres": RULES_DOC})
assert _PARSED is not None
RULES: CadreRules = _PARSED


def rules_with(**changes: Any) -> CadreRules:
    doc = copy.deepcopy(RULES_DOC)
    doc.update(changes)
    return CadreRules.from_document({"cadres": doc})  # type: ignore[return-value]


def unit(grade: str = "较好", total: float = 85.0, gates: list[dict[str, Any]] | None = None,
         uid: str = "u1") -> dict[str, Any]:
    return {"unit_id": uid, "unit_name": "单位", "group": "g", "total": total, "grade": grade,
            "gates": gates or [], "top_grade_eligible": not gates}


def tally(subject: str, group: str, **counts: int) -> dict[str, Any]:
    names = {"e": "优秀", "c": "称职", "b": "基本称职", "u": "不称职"}
    return {"subject": subject, "rater_group": group,
            "counts": {names[k]: v for k, v in counts.items()}, "invalid": 0}


def test_default_scheme_rules_parse() -> None:
    doc = json.loads((Path(__file__).parents[1] / "kaohe/data/altay-2016.scheme.json").read_text(
        encoding="utf-8"))
    rules = CadreRules.from_document(doc)
    assert rules is not None and rules.top == "优秀" and len(rules.checklist) == 10


def test_ballot_score_weights_rater_groups_and_renormalises() -> None:
    # sup: (8·100 + 2·80)/10 = 96; staff: (5·100 + 4·80 + 1·0)/10 = 82
    both = ballot_score([tally("p", "sup", e=8, c=2), tally("p", "staff", e=5, c=4, u=1)],
                        RULES.ballot_points, RULES.rater_weights)
    assert both.score == pytest.approx(96 * 0.6 + 82 * 0.4)  # 90.4
    assert both.valid == 20 and both.votes["优秀"] == 13
    one = ballot_score([tally("p", "staff", e=5, c=4, u=1)], RULES.ballot_points,
                       RULES.rater_weights)
    assert one.score == pytest.approx(82) and one.missing_groups == ("sup",)


def test_cadre_score_is_the_weighted_composition() -> None:
    # ballot 90.4·0.5 + routine mean(80, 90)=85·0.2 + unit 85·0.3 = 45.2 + 17 + 25.5 = 87.7
    ballots = {"u1": {"entries": [tally("p1", "sup", e=8, c=2),
                                  tally("p1", "staff", e=5, c=4, u=1)],
                      "routine": [{"person_id": "p1", "period": "Q1", "score": 80},
                                  {"person_id": "p1", "period": "Q2", "score": 90}]}}
    out = assess_cadres(RULES, [unit()], {"u1": {"people": [
        {"person_id": "p1", "name": "甲", "role": "member"}]}}, ballots, [], 2016, UNIT_GRADES)
    cadre = out["cadres"][0]
    assert cadre["score"] == 87.7 and cadre["band_grade"] == "称职"
    assert cadre["parts"] == {"ballot": 90.4, "routine": 85.0, "unit": 85.0}
    assert "87.7" in cadre["explanation"][0]


@pytest.mark.parametrize(("grade", "gates", "cadres", "places"), [
    ("好", [], 7, 2),        # 0.3 × 7 = 2.1 → 2
    ("好", [], 5, 2),        # 0.3 × 5 = 1.5 → 2 (half up)
    ("较好", [], 7, 1),      # 0.2 × 7 = 1.4 → 1
    ("一般", [], 9, 1),      # 0.15 × 9 = 1.35 → 1
    ("较差", [], 9, 0),      # none for a unit graded 较差
    ("好", [{"gate": "notification"}], 7, 1),  # gated: min(0.3, 0.1) × 7 = 0.7 → 1
    ("一般", [{"gate": "veto"}], 9, 0),         # vetoed: 0
])
def test_quota_is_tied_to_the_unit_grade(grade: str, gates: list[dict[str, Any]], cadres: int,
                                         places: int) -> None:
    assert quota_places(cadres, unit(grade, gates=gates), RULES)["places"] == places


def test_quota_rounding_follows_the_scheme() -> None:
    quota = dict(RULES_DOC["excellent_quota"], rounding="floor")
    assert quota_places(5, unit("好"), rules_with(excellent_quota=quota))["places"] == 1


def _people(n: int, principal: bool = False) -> list[dict[str, Any]]:
    return [{"person_id": f"p{i}", "name": f"人{i}",
             "role": "principal" if principal and i == 1 else "member"} for i in range(1, n + 1)]


def _all_excellent_ballots(n: int, uid: str = "u1") -> dict[str, Any]:
    # p1 best, then p2 …: all in the 优秀 band (unit 95 so scores stay ≥ 90)
    return {uid: {"entries": [tally(f"p{i}", "sup", e=20 - i, c=i) for i in range(1, n + 1)]}}


def test_an_ineligible_cadre_passes_the_place_down() -> None:
    # unit 较好, 5 cadres: 0.2 × 5 = 1 place. p1 (the best) has a warning → 称职; p2 takes it.
    sanctions = [{"entries": [{"id": "S1", "person_id": "p1", "sanction": "warning",
                               "date": "2016-03-01", "document_no": "纪发〔2016〕1号"}]}]
    out = assess_cadres(RULES, [unit("较好", 95)], {"u1": {"people": _people(5)}},
                        _all_excellent_ballots(5), sanctions, 2016, UNIT_GRADES)
    grades = {c["person_id"]: (c["grade"], c["quota"]) for c in out["cadres"]}
    assert grades["p1"] == ("称职", "passed_down")
    assert grades["p2"] == ("优秀", "used")
    assert grades["p3"] == ("称职", "over_quota")
    assert out["quotas"][0]["places"] == 1 and out["quotas"][0]["used"] == 1
    assert out["quotas"][0]["passed_down"] == ["p1"]
    assert any("名额顺延" in line for line in out["cadres"][0]["explanation"])


def test_a_gated_units_principal_leader_passes_the_place_down() -> None:
    # gated unit graded 好: min(0.3, 0.1) × 7 = 0.7 → 1 place; the principal p1 cannot take it.
    out = assess_cadres(RULES, [unit("好", 95, gates=[{"gate": "region-loss", "reason": "C04"}])],
                        {"u1": {"people": _people(7, principal=True)}},
                        _all_excellent_ballots(7), [], 2016, UNIT_GRADES)
    grades = {c["person_id"]: c["grade"] for c in out["cadres"]}
    assert grades["p1"] == "称职" and grades["p2"] == "优秀"
    assert [g for g in grades.values()].count("优秀") == 1
    assert out["teams"][0]["top_grade_eligible"] is False


def _cap(records: list[dict[str, Any]], year: int = 2016) -> Any:
    return sanction_cap(records, year, RULES)


def _s(sid: str, kind: str, date: str) -> dict[str, Any]:
    return {"id": sid, "person_id": "p", "sanction": kind, "date": date}


def test_sanction_caps_and_the_heaviest_applies() -> None:
    assert _cap([_s("S1", "warning", "2016-05-01")])["best_grade"] == "称职"
    assert _cap([_s("S1", "warning", "2015-05-01")]) is None          # that year only
    assert _cap([_s("S1", "demerit", "2016-05-01")])["no_grade"] is True
    assert _cap([_s("S1", "demerit", "2015-05-01")]) is None
    assert _cap([_s("S1", "major", "2015-12-01")])["no_grade"] is True  # that year and the next
    assert _cap([_s("S1", "major", "2015-12-01")], 2017) is None
    both = _cap([_s("S1", "warning", "2016-01-01"), _s("S2", "demerit", "2016-02-01")])
    assert both["record_id"] == "S2" and both["no_grade"] and both["others"] == ["S1"]


def test_no_grade_cadres_take_no_place_and_get_no_grade() -> None:
    sanctions = [{"entries": [_s("S1", "demerit", "2016-02-01") | {"person_id": "p1"}]}]
    out = assess_cadres(RULES, [unit("较好", 95)], {"u1": {"people": _people(5)}},
                        _all_excellent_ballots(5), sanctions, 2016, UNIT_GRADES)
    p1 = out["cadres"][0]
    assert p1["grade"] is None and p1["band_grade"] is None and p1["rank_in_unit"] is None
    assert out["cadres"][1]["grade"] == "优秀"
    # B02 cancels p1's bonus automatically, citing the sanction
    assert [b["situation"] for b in p1["bonus_cancelled"]] == ["B02"]


def _ballot(approve: int, middle: int, against: int) -> Any:
    return ballot_score([{"rater_group": "sup", "counts": {
        "优秀": approve, "称职": 0, "基本称职": middle, "不称职": against}}],
        RULES.ballot_points, RULES.rater_weights)


@pytest.mark.parametrize(("approve", "middle", "against", "alerts"), [
    (60, 30, 0, []),                       # exactly 2/3 approve: not under
    (59, 31, 0, ["low-approval"]),         # 59/90 < 2/3
    (60, 0, 30, []),                       # exactly 1/3 against: not over
    (59, 0, 31, ["low-approval", "high-disapproval"]),
    (30, 29, 31, ["low-approval", "high-disapproval"]),
])
def test_ballot_alerts_at_the_thresholds(approve: int, middle: int, against: int,
                                         alerts: list[str]) -> None:
    found = vote_alerts(_ballot(approve, middle, against), RULES)
    assert [a["alert"] for a in found] == alerts
    for alert in found:
        assert "不自动执行" in alert["reason"] and alert["valid"] == 90


def test_alerts_never_change_the_grade() -> None:
    ballots = {"u1": {"entries": [tally("p1", "sup", e=59, b=31)]}}
    every_one = rules_with(excellent_quota={"grade": "优秀", "share": 1.0})
    out = assess_cadres(every_one, [unit("较好", 97)], {"u1": {"people": _people(1)}}, ballots,
                        [], 2016, UNIT_GRADES)
    cadre = out["cadres"][0]
    # ballot (59·100 + 31·60)/90 = 86.22; score (86.22·0.5 + 97·0.3)/0.8 = 90.26 → 优秀 band
    assert cadre["score"] == 90.26 and cadre["grade"] == "优秀"
    assert cadre["alerts"][0]["votes"] == 59 and cadre["band_grade"] == "优秀"
    assert [f["kind"] for f in out["follow_ups"]][0] == "low-approval"


@pytest.mark.parametrize(("unit_grade", "gates", "total", "ballot", "grade"), [
    ("好", [], 92, 95, "好"),             # 0.6·92 + 0.4·95 = 93.2
    ("较好", [], 92, 95, "较好"),          # not above the unit's grade
    ("好", [{"gate": "notification"}], 92, 95, "较好"),   # gated: at best 较好
    ("好", [{"gate": "veto"}], 92, 95, "较差"),           # vetoed
    ("一般", [], 70, 60, "一般"),         # 0.6·70 + 0.4·60 = 66 → 一般
])
def test_team_grade_rule(unit_grade: str, gates: list[dict[str, Any]], total: float,
                         ballot: float, grade: str) -> None:
    team = team_grade(unit(unit_grade, total, gates), ballot, UNIT_GRADES, RULES)
    assert team["grade"] == grade
    assert team["score"] == round(0.6 * total + 0.4 * ballot, 2)


def test_bonus_cancellation_cites_the_register_and_the_grade() -> None:
    sanctions = [{"entries": [], "bonus_facts": [
        {"id": "F1", "person_id": "p1", "situation": "B03", "document_no": "组通〔2016〕5号",
         "evidence": "诫勉谈话记录"}]}]
    ballots = {"u1": {"entries": [tally("p1", "sup", e=0, u=10), tally("p2", "sup", c=10)]}}
    out = assess_cadres(RULES, [unit("一般", 50)], {"u1": {"people": _people(2)}}, ballots,
                        sanctions, 2016, UNIT_GRADES)
    p1 = out["cadres"][0]
    # score (0·0.5 + 50·0.3)/0.8 = 18.75 → 不称职 → B01 by grade; B03 from the register
    assert p1["grade"] == "不称职"
    assert sorted((b["situation"], b["source"]) for b in p1["bonus_cancelled"]) == [
        ("B01", "grade"), ("B03", "register")]
    assert out["cadres"][1]["bonus_cancelled"] == []
    reasons = [f["reason"] for f in out["follow_ups"] if f["kind"] == "bonus-cancelled"]
    assert any("诫勉谈话记录" in r for r in reasons)


@pytest.mark.parametrize(("history", "award", "run"), [
    ({2016: "优秀"}, "嘉奖", 1),
    ({2015: "优秀", 2016: "优秀"}, "嘉奖", 2),
    ({2014: "优秀", 2015: "优秀", 2016: "优秀"}, "记三等功", 3),
    ({2013: "优秀", 2015: "优秀", 2016: "优秀"}, "嘉奖", 2),   # 2014 missing breaks the run
    ({2014: "优秀", 2015: "称职", 2016: "优秀"}, "嘉奖", 1),
    ({2015: "优秀", 2016: "称职"}, None, 0),
])
def test_merit_ladder(history: dict[int, str], award: str | None, run: int) -> None:
    result = merit(history, 2016, RULES)
    assert (result["merit"], result["top_run"]) == (award, run)


def test_two_unsatisfactory_years_are_flagged() -> None:
    assert merit({2015: "不称职", 2016: "不称职"}, 2016, RULES)["unsatisfactory_flag"] is True
    assert merit({2014: "不称职", 2016: "不称职"}, 2016, RULES)["unsatisfactory_flag"] is False


def test_assess_reads_history_for_merits() -> None:
    every_one = rules_with(excellent_quota={"grade": "优秀", "share": 1.0})
    out = assess_cadres(every_one, [unit("好", 95)], {"u1": {"people": _people(1)}},
                        _all_excellent_ballots(1), [], 2016, UNIT_GRADES,
                        history={"p1": {2014: "优秀", 2015: "优秀"}})
    assert out["cadres"][0]["merit"]["merit"] == "记三等功"
    assert any(f["kind"] == "merit" and f["action"] == "记三等功" for f in out["follow_ups"])


def test_a_unit_without_roster_is_listed_not_assessed() -> None:
    out = assess_cadres(RULES, [unit()], {}, {}, [], 2016, UNIT_GRADES)
    assert out["cadres"] == [] and out["not_assessed"][0]["unit_id"] == "u1"
    assert out["teams"][0]["grade"] == "较好"  # 85 from the unit alone, not above 较好


def test_the_results_eligibility_decides_whom_a_gate_affects() -> None:
    # a gate that (by the scheme's gates.disqualifies) takes eligibility from the team only
    gated = unit("好", 95, gates=[{"gate": "region-loss", "reason": "C04", "affects": ["team"]}])
    gated["eligibility"] = {"unit": False, "team": False, "principal_leader": True}
    out = assess_cadres(rules_with(excellent_quota={"grade": "优秀", "share": 1.0}), [gated],
                        {"u1": {"people": _people(2, principal=True)}},
                        _all_excellent_ballots(2), [], 2016, UNIT_GRADES)
    assert out["teams"][0]["grade"] == "较好" and out["teams"][0]["top_grade_eligible"] is False
    assert out["cadres"][0]["role"] == "principal" and out["cadres"][0]["grade"] == "优秀"


def test_a_waived_gate_takes_nothing() -> None:
    waived = unit("好", 95, gates=[{"gate": "veto", "status": "waived", "reason": "复核撤销"}])
    waived["top_grade_eligible"] = True
    team = team_grade(waived, 95, UNIT_GRADES, RULES)
    assert team["grade"] == "好" and team["top_grade_eligible"] is True
    assert quota_places(7, waived, RULES)["places"] == 2
