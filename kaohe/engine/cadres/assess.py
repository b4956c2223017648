"""The people's assessment of one year: teams and cadres scored, graded, capped, flagged.

Inputs are plain documents (rosters and cadre ballots per unit, the sanctions register) and
the units' results as the engine ranked them; the output is the `cadres` section of the
results, every number with its explanation in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import fmean
from typing import Any

from kaohe.engine.cadres.ballots import ballot_score, vote_alerts
from kaohe.engine.cadres.followups import bonus_cancellations, merit
from kaohe.engine.cadres.grading import (
    allocate_top,
    band,
    eligible,
    quota_places,
    sanction_cap,
    team_grade,
)
from kaohe.engine.cadres.rules import CadreRules
from kaohe.engine.numbers import fmt, round_score

__all__ = ["assess_cadres", "ROLE_NAMES"]

ROLE_NAMES = {"principal": ("主要负责人", "principal leader"), "member": ("班子成员", "member")}
_PARTS = {"ballot": ("民主测评", "ballots"), "routine": ("平时考核", "routine"),
          "unit": ("单位得分", "unit total")}


def _by_subject(doc: Mapping[str, Any] | None) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = {}
    for entry in (doc or {}).get("entries", ()):
        out.setdefault(str(entry["subject"]), []).append(entry)
    return out


def _routine(doc: Mapping[str, Any] | None) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for entry in (doc or {}).get("routine", ()) or ():
        if entry.get("score") is not None:
            out.setdefault(str(entry["person_id"]), []).append(float(entry["score"]))
    return out


def _score(parts: dict[str, float | None], rules: CadreRules) -> tuple[float, str, str]:
    used = {k: v for k, v in parts.items() if v is not None and rules.score_weights.get(k)}
    total_weight = sum(rules.score_weights[k] for k in used) or 1.0
    value = sum(v * rules.score_weights[k] for k, v in used.items()) / total_weight
    value = round_score(value, rules.digits, rules.mode)
    zh = " + ".join(f"{_PARTS[k][0]} {fmt(v)}×{rules.score_weights[k]:g}" for k, v in used.items())
    en = " + ".join(f"{_PARTS[k][1]} {fmt(v)}×{rules.score_weights[k]:g}" for k, v in used.items())
    left = [k for k in rules.score_weights if k not in used and rules.score_weights[k]]
    if left:
        zh += f"（无{'、'.join(_PARTS[k][0] for k in left)}，按其余部分折算 ÷{total_weight:g}）"
        en += f" (no {', '.join(_PARTS[k][1] for k in left)}: reweighted ÷{total_weight:g})"
    return value, f"干部得分 = {zh} = {fmt(value)}", f"cadre score = {en} = {fmt(value)}"


def _cadre(person: Mapping[str, Any], unit: Mapping[str, Any], tallies: list[Mapping[str, Any]],
           routine: list[float], records: list[Mapping[str, Any]], year: int,
           rules: CadreRules) -> dict[str, Any]:
    ballot = ballot_score(tallies, rules.ballot_points, rules.rater_weights,
                          rules.rater_names)
    routine_mean = fmean(routine) if routine else None
    parts = {"ballot": ballot.score, "routine": routine_mean,
             "unit": float(unit.get("total") or 0.0)}
    score, text, text_en = _score(parts, rules)
    cap = sanction_cap(records, year, rules)
    blocked: list[tuple[str, str]] = []
    if cap is not None and (cap["no_grade"] or cap["best_grade"] != rules.top):
        blocked.append((cap["reason"], cap["reason_en"]))
    role = person.get("role", "member")
    gate_applies = ("principal" if role == "principal" else "members") in rules.gates_apply_to
    if gate_applies and not eligible(unit, "principal_leader" if role == "principal"
                                     else "team"):
        blocked.append(("单位被取消评优资格，主要负责人不得评为" + rules.top,
                        f"the unit lost eligibility: its principal leader cannot be {rules.top}"))
    shares = {label: round(v / ballot.valid, 6) if ballot.valid else None
              for label, v in ballot.votes.items()}
    return {
        "person_id": person["person_id"], "name": person.get("name", ""),
        "post": person.get("post") or "", "role": role,
        "unit_id": unit["unit_id"], "unit_name": unit.get("unit_name", ""),
        "group": unit.get("group", ""), "score": score,
        "parts": {k: (round_score(v, rules.digits, rules.mode) if v is not None else None)
                  for k, v in parts.items()},
        "votes": dict(ballot.votes), "valid_votes": ballot.valid, "invalid_votes": ballot.invalid,
        "ballot_shares": shares, "ballot_explanation": ballot.explanation,
        "ballot_explanation_en": ballot.explanation_en,
        "missing_rater_groups": list(ballot.missing_groups),
        "band_grade": None if cap and cap["no_grade"] else band(score, rules.grade_bands),
        "cap": cap, "top_blocked": blocked or None,
        "alerts": vote_alerts(ballot, rules),
        "explanation": [text], "explanation_en": [text_en], "quota": None,
    }


def _grade_unit(cadres: list[dict[str, Any]], unit: Mapping[str, Any],
                rules: CadreRules) -> dict[str, Any]:
    quota = quota_places(len(cadres), unit, rules)
    graded = [c for c in cadres if c["band_grade"] is not None]
    graded.sort(key=lambda c: (-c["score"], -(c["parts"]["ballot"] or 0), c["person_id"]))
    quota["used"] = allocate_top(graded, quota["places"], rules)
    quota["passed_down"] = [c["person_id"] for c in graded if c.get("quota") == "passed_down"]
    for rank, cadre in enumerate(graded, start=1):
        cadre["rank_in_unit"] = rank
        _explain_grade(cadre, rules)
    for cadre in cadres:
        if cadre["band_grade"] is None:
            cadre["grade"] = None
            cadre["rank_in_unit"] = None
            cadre["explanation"].append(f"不确定等次：{cadre['cap']['reason']}")
            cadre["explanation_en"].append(f"no grade: {cadre['cap']['reason_en']}")
    return quota


def _explain_grade(cadre: dict[str, Any], rules: CadreRules) -> None:
    zh, en = cadre["explanation"], cadre["explanation_en"]
    zh.append(f"分数线等次 {cadre['band_grade']}")
    en.append(f"band grade {cadre['band_grade']}")
    why = {"used": ("占用本单位优秀名额", "takes one of the unit's places"),
           "over_quota": ("本单位优秀名额已满，定为" + rules.grades[1],
                          f"the unit's places are taken: {rules.grades[1]}"),
           "passed_down": ("不得评为" + rules.top + "（" + "；".join(
               r[0] for r in cadre["top_blocked"] or ()) + "），名额顺延给下一位",
               f"cannot be {rules.top} (" + "; ".join(
                   r[1] for r in cadre["top_blocked"] or ()) + "): the place passes down")}
    if cadre.get("quota") in why:
        zh.append(why[cadre["quota"]][0])
        en.append(why[cadre["quota"]][1])
    cap = cadre["cap"]
    if cap and cap["best_grade"] in rules.grades:
        best = rules.grades.index(cap["best_grade"])
        if rules.grades.index(cadre["grade"]) < best:
            cadre["grade"] = cap["best_grade"]
            zh.append(cap["reason"])
            en.append(cap["reason_en"])


def assess_cadres(rules: CadreRules, units: Sequence[Mapping[str, Any]],
                  rosters: Mapping[str, Mapping[str, Any]],
                  ballots: Mapping[str, Mapping[str, Any]],
                  sanctions: Sequence[Mapping[str, Any]], year: int,
                  unit_grades: Sequence[str],
                  history: Mapping[str, Mapping[int, str | None]] | None = None) -> dict[str, Any]:
    """Teams and cadres of every scored unit: the results' `cadres` section."""
    records: dict[str, list[Mapping[str, Any]]] = {}
    facts: dict[str, list[Mapping[str, Any]]] = {}
    for doc in sanctions:
        for entry in doc.get("entries", ()):
            records.setdefault(str(entry["person_id"]), []).append(entry)
        for entry in doc.get("bonus_facts", ()) or ():
            facts.setdefault(str(entry["person_id"]), []).append(entry)
    teams, people, quotas, missing = [], [], [], []
    for unit in units:
        uid = unit["unit_id"]
        tallies = _by_subject(ballots.get(uid))
        team_ballot = (ballot_score(tallies.get("team", []), rules.team_ballot_points,
                                    rules.rater_weights, rules.rater_names)
                       if rules.team_ballot_points else None)
        team = team_grade(unit, team_ballot.score if team_ballot else None, unit_grades, rules)
        teams.append({"unit_id": uid, "unit_name": unit.get("unit_name", ""),
                      "group": unit.get("group", ""), "unit_total": unit.get("total"),
                      "unit_grade": unit.get("grade"), **team})
        roster = rosters.get(uid)
        if roster is None:
            missing.append({"unit_id": uid, "unit_name": unit.get("unit_name", ""),
                            "reason": "未收到可用的领导班子成员名册",
                            "reason_en": "no usable leadership roster received"})
            continue
        routine = _routine(ballots.get(uid))
        cadres = [_cadre(p, unit, tallies.get(p["person_id"], []), routine.get(p["person_id"], []),
                         records.get(p["person_id"], []), year, rules)
                  for p in roster.get("people", ())]
        quota = _grade_unit(cadres, unit, rules)
        quotas.append({"unit_id": uid, **quota})
        for cadre in cadres:
            pid = cadre["person_id"]
            cadre["bonus_cancelled"] = bonus_cancellations(
                pid, cadre["grade"], records.get(pid, []), facts.get(pid, []), year, rules)
            grades_by_year = dict((history or {}).get(pid, {}))
            grades_by_year[year] = cadre["grade"]
            cadre["merit"] = merit(grades_by_year, year, rules)
            cadre.pop("top_blocked", None)
        people.extend(cadres)
    return {"teams": teams, "cadres": people, "quotas": quotas, "not_assessed": missing,
            "follow_ups": follow_ups(people, rules)}


def follow_ups(cadres: Sequence[Mapping[str, Any]], rules: CadreRules) -> list[dict[str, Any]]:
    """The office's list: alerts (约谈, 诫勉 …), bonus cancellations, merits, repeated 不称职."""
    out: list[dict[str, Any]] = []
    for c in cadres:
        who = {"unit_id": c["unit_id"], "unit_name": c["unit_name"], "person_id": c["person_id"],
               "name": c["name"]}
        for alert in c["alerts"]:
            out.append({**who, "kind": alert["alert"], "action": alert["action"],
                        "action_en": alert["action_en"], "reason": alert["reason"],
                        "reason_en": alert["reason_en"]})
        for item in c["bonus_cancelled"]:
            out.append({**who, "kind": "bonus-cancelled", "action": "取消年度绩效奖励",
                        "action_en": "performance bonus cancelled",
                        "reason": f"{item['situation']} {item['name']}：{item['evidence']}",
                        "reason_en": f"{item['situation']} {item['name_en']}: "
                                     f"{item['evidence_en']}"})
        m = c["merit"]
        if m["merit"]:
            out.append({**who, "kind": "merit", "action": m["merit"], "action_en": m["merit_en"],
                        "reason": m["merit_reason"], "reason_en": m["merit_reason_en"],
                        "run": m["top_run"]})
        if m["unsatisfactory_flag"]:
            out.append({**who, "kind": "unsatisfactory-run", "action": "组织研究处理",
                        "action_en": "for the office to review",
                        "reason": m["unsatisfactory_reason"],
                        "reason_en": m["unsatisfactory_reason_en"]})
    return out
