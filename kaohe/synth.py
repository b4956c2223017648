"""A seeded synthetic-data generator: plausible documents for any scheme and any number of units.

For demos, tests and benchmarks only; every generated document says so in its remarks.
Pure: returns plain documents, writes nothing.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from typing import Any

from kaohe.engine.model import Indicator, Scheme

__all__ = ["scale_scheme", "synthesize"]

_RATING_WEIGHTS = {"好": 0.9, "较好": 0.6, "一般": 0.3, "较差": 0.05}
_RATERS = {"superiors": 15, "peers": 40, "staff": 30, "public": 30}


def scale_scheme(doc: Mapping[str, Any], n_units: int) -> dict[str, Any]:
    """A copy of the scheme with `n_units` units spread over its groups in proportion."""
    out = copy.deepcopy(dict(doc))
    if n_units == len(doc["units"]):
        return out
    groups = [g["id"] for g in doc["groups"]]
    share = {g: max(1, sum(1 for u in doc["units"] if u["group"] == g)) for g in groups}
    total = sum(share.values())
    counts = {g: max(1, n_units * share[g] // total) for g in groups}
    counts[groups[0]] += n_units - sum(counts.values())
    units = []
    for g in groups:
        for i in range(counts[g]):
            units.append({"id": f"{g}_{i + 1:04d}",
                          "name": f"示例{_group_name(doc, g)}单位{i + 1:04d}",
                          "name_en": f"Sample {g} unit {i + 1}", "group": g})
    out["units"] = units
    for ind in out["indicators"]:
        if "targets" in ind and ind.get("target") is not None:
            ind["targets"] = {}
    return out


def _group_name(doc: Mapping[str, Any], group_id: str) -> str:
    return next(g["name"] for g in doc["groups"] if g["id"] == group_id)


def synthesize(scheme: Scheme, seed: int = 2016, quality_seed: int = 2016) -> dict[str, Any]:
    """Documents for every unit: unit_reports, lead_scores, adjustments, routine, ballots.

    A unit's latent quality depends only on `quality_seed` and its id, so runs for several
    years (different `seed`) keep the same units strong, as real units tend to stay.
    """
    rng = random.Random(seed)
    quality = {u.id: random.Random(f"{quality_seed}:{u.id}").betavariate(4, 2)
               for u in scheme.units}
    reports = {u.id: _unit_report(scheme, u.id, u.group, quality[u.id], rng) for u in scheme.units}
    return {
        "unit_reports": reports,
        "lead_scores": _lead_scores(scheme, quality, rng),
        "adjustments": _adjustments(scheme, quality, rng),
        "routine": _routine(scheme, quality, rng),
        "ballots": _ballots(scheme, quality, rng),
    }


def _header(scheme: Scheme, kind: str) -> dict[str, Any]:
    return {"kind": kind, "scheme_id": scheme.scheme_id, "year": scheme.year}


def _actual(ind: Indicator, target: float | None, q: float, rng: random.Random) -> float:
    """A plausible actual value; better units (q near 1) tend to do better."""
    noise = rng.uniform(-0.08, 0.08)
    basis = ind.params.get("basis")
    if ind.method == "tiered" and basis == "value":
        lows = [t["min"] for t in ind.params["tiers"]]
        return round(min(100.0, lows[0] - 4 + (100 - lows[0] + 4) * min(1, q + noise)), 1)
    if ind.method == "efficacy" and "worst" in ind.params:
        worst, best = ind.params["worst"], ind.params["best"]
        return round(worst + (best - worst) * min(1.05, q + noise), 1)
    if ind.method == "efficacy" or ind.method == "benchmark":
        return round(5 + 10 * (q + noise), 2)
    if ind.method == "rank_points":
        return round(20000 + 60000 * (q + noise), 0)
    base = target if target else 100.0
    ratio = 0.78 + 0.32 * (q + noise)
    if ind.direction == "lower":
        ratio = 2 - ratio
    value = base * ratio
    if ind.measure_unit in {"人", "项", "个", "万元"}:
        return float(round(value))
    return round(value, 2)


def _unit_report(scheme: Scheme, unit_id: str, group: str, q: float,
                 rng: random.Random) -> dict[str, Any]:
    items = []
    for ind in scheme.indicators_for(group):
        if ind.input != "unit_report":
            continue
        target = ind.target_for(unit_id)
        actual = _actual(ind, target, q, rng)
        over = ind.evidence_required_over
        needs_evidence = over is not None and target and actual / target > over
        evidence = "见附件：统计年报及佐证材料" if needs_evidence or rng.random() < 0.6 else ""
        items.append({"indicator_id": ind.id, "target": target, "actual": actual,
                      "evidence": evidence, "remarks": "", "not_applicable": False})
    doc = _header(scheme, "unit_report")
    doc.update(unit_id=unit_id, contact=f"联系人{rng.randint(1, 99):02d}",
               phone=f"0906-{rng.randint(2000000, 2999999)}",
               date=f"{scheme.year + 1}-01-{rng.randint(5, 15):02d}", items=items)
    return doc


def _lead_scores(scheme: Scheme, quality: Mapping[str, float],
                 rng: random.Random) -> list[dict[str, Any]]:
    sheets = []
    for dept in scheme.lead_departments:
        owned = scheme.indicators_of(dept.id)
        if not owned:
            continue
        entries = []
        for ind, body in [(i, b) for i in owned for b in (i.raters or (None,))]:
            for unit in scheme.units:  # (rated by several bodies: a body's column at a time)
                if not ind.applies_to(unit.group):
                    continue
                q = quality[unit.id]
                entry: dict[str, Any] = {"unit_id": unit.id, "indicator_id": ind.id,
                                         "value": None, "rating": None, "count": None,
                                         "remarks": ""}
                if ind.method == "rating":
                    weights = [w * (q if g in {"好", "较好"} else 1 - q + 0.1)
                               for g, w in _RATING_WEIGHTS.items()]
                    if body is not None:
                        entry["rater"] = body.id
                    entry["rating"] = rng.choices(list(_RATING_WEIGHTS), weights)[0]
                elif ind.method in {"ballot", "satisfaction"}:  # the answers of a survey
                    labels = ([*scheme.ballot_grades] if ind.method == "ballot" else
                              [*scheme.satisfaction_options, *scheme.satisfaction_excluded])
                    weights = [q + 0.3, 0.5, (1 - q) * 0.3 + 0.02, 0.08][:len(labels)]
                    weights += [0.05] * (len(labels) - len(weights))
                    answers = rng.choices(labels, weights, k=60)
                    entry["counts"] = {label: answers.count(label) for label in labels}
                    if ind.method == "ballot":
                        entry["invalid"] = 0
                elif ind.method in {"deduction", "bonus"}:
                    entry["count"] = rng.choices([0, 1, 2, 3], [6 * q + 1, 2, 1 - q + 0.2, 0.3])[0]
                else:
                    entry["value"] = _actual(ind, ind.target_for(unit.id), q, rng)
                entries.append(entry)
        doc = _header(scheme, "lead_scores")
        doc.update(lead_department=dept.id, entries=entries)
        sheets.append(doc)
    return sheets


def _adjustments(scheme: Scheme, quality: Mapping[str, float],
                 rng: random.Random) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    year = scheme.year
    units = list(scheme.units)

    def add(unit_id: str, type_: str, category: str, points: float, reason: str,
            **extra: Any) -> str:
        event_id = f"E{len(events) + 1:04d}"
        events.append({"id": event_id, "unit_id": unit_id,
                       "date": f"{year}-{rng.randint(3, 11):02d}-{rng.randint(1, 28):02d}",
                       "type": type_, "category": category, "points": points,
                       "region_wide": False, "indicator_id": None, "reason": reason,
                       "evidence": f"{category}记录 {year}-{len(events) + 1:03d}号",
                       "approver": "地区综考办", **extra})
        return event_id

    for unit in units:
        q = quality[unit.id]
        if rng.random() < 0.35 * q:
            add(unit.id, "bonus", "荣誉表彰", rng.choice([0.5, 1.0, 1.5]), "获自治区级表彰")
        if rng.random() < 0.2:
            add(unit.id, "bonus", "创新工作", 0.5, "改革创新经验被地区推广")
        if rng.random() < 0.3 * (1 - q) + 0.05:
            add(unit.id, "deduction", "察访核验", rng.choice([0.5, 1.0]),
                "察访核验发现工作落实不到位")
    if len(units) >= 3:
        ordered = sorted(units, key=lambda u: -quality[u.id])
        notified = add(ordered[0].id, "notification", "察访核验", 1.0, "察访核验问题受到全疆通报",
                       region_wide=True)
        worst = ordered[-1]
        add(worst.id, "veto", "安全生产", 0.0, "发生重大安全生产责任事故（示例）")
        appealed = add(ordered[1].id, "deduction", "察访核验", 1.0, "暗访发现窗口服务不规范")
        decisions.append({"id": "D0001", "event_id": appealed, "kind": "appeal",
                          "outcome": "overturned", "points": None,
                          "reason": "经复核，问题系上级系统故障所致，撤销扣分",
                          "approver": "地区综考办主任会议", "date": f"{year + 1}-01-20"})
        # the office's judgement of "较大影响" on that gate, and fault tolerance (容错纠错) for
        # a unit's region-assigned indicator: decisions the results show with who and why
        decisions.append({"id": "D0002", "unit_id": ordered[0].id, "event_id": notified,
                          "kind": "gate_review", "gate": "region-notification",
                          "outcome": "confirmed", "points": None,
                          "reason": "通报问题对地区考核结果造成较大影响",
                          "approver": "地区综考办主任会议", "date": f"{year + 1}-01-15"})
        assessed = [u for u in ordered[1:]
                    if any(i.region_assigned for i in scheme.indicators_for(u.group))]
        tolerated = assessed[-1] if assessed else None  # the weakest unit so assessed
        assigned = tolerated and next(i for i in scheme.indicators_for(tolerated.group)
                                      if i.region_assigned)
        if tolerated and assigned:
            decisions.append({"id": "D0003", "unit_id": tolerated.id,
                              "indicator_id": assigned.id, "kind": "fault_tolerance",
                              "outcome": "restored", "points": None,
                              "reason": "改革创新未能实现预期目标，但勤勉尽责、未谋取私利",
                              "approver": "地区综考办主任会议", "date": f"{year + 1}-01-20"})
    doc = _header(scheme, "adjustments")
    doc.update(events=events, decisions=decisions)
    return doc


def _routine(scheme: Scheme, quality: Mapping[str, float], rng: random.Random) -> dict[str, Any]:
    entries = [{"unit_id": u.id, "period": p,
                "score": round(min(100.0, 80 + 18 * quality[u.id] + rng.uniform(-3, 3)), 1)}
               for u in scheme.units for p in scheme.routine_periods]
    if scheme.routine_kinds:  # one score per kind and period (周记实, 月自查, 季考评)
        entries = [{"unit_id": u.id, "kind": k.id, "period": p,
                    "score": round(min(100.0, 80 + 18 * quality[u.id] + rng.uniform(-3, 3)), 1)}
                   for u in scheme.units for k in scheme.routine_kinds for p in k.periods]
    doc = _header(scheme, "routine")
    doc["entries"] = entries
    # "其余项目均以平时考核为扣分依据": a few routine findings taken off named indicators
    weakest = sorted(scheme.units, key=lambda u: quality[u.id])[:2]
    findings = []
    for unit in weakest:
        ind = next((i for i in scheme.indicators_for(unit.group)
                    if i.input == "lead_department" and i.method == "deduction"), None)
        if ind is not None:
            findings.append({"unit_id": unit.id, "indicator_id": ind.id,
                             "period": scheme.routine_periods[1 % len(scheme.routine_periods)],
                             "points": 0.5, "reason": "平时考核发现作风效能问题"})
    if findings:
        doc["deductions"] = findings
    return doc


def _ballots(scheme: Scheme, quality: Mapping[str, float], rng: random.Random) -> dict[str, Any]:
    grades = list(scheme.ballot_grades)
    conduct = []
    skipped_once = False
    for unit in scheme.units:
        q = quality[unit.id]
        for rater in scheme.rater_groups:
            if not skipped_once and rater.id == "public" and unit.group != "county":
                skipped_once = True  # one unit without public ballots shows renormalisation
                continue
            n = _RATERS.get(rater.id, 30)
            weights = [q + 0.2, 0.6, (1 - q) * 0.5 + 0.05, (1 - q) * 0.1 + 0.01][:len(grades)]
            votes = rng.choices(grades, weights, k=n)
            conduct.append({"unit_id": unit.id, "rater_group": rater.id,
                            "counts": {g: votes.count(g) for g in grades},
                            "invalid": rng.choice([0, 0, 0, 1]),
                            "raters": n + 2})  # two of the group handed no ballot in
    options = list(scheme.satisfaction_options) + list(scheme.satisfaction_excluded)
    satisfaction = []
    for unit in scheme.units:
        q = quality[unit.id]
        weights = [q + 0.3, 0.5, (1 - q) * 0.3 + 0.02] + [0.08] * len(scheme.satisfaction_excluded)
        for channel in scheme.satisfaction_channels or (None,):  # each survey channel apart
            answers = rng.choices(options, weights[:len(options)], k=400 if channel is None
                                  else 200)
            tally = {"unit_id": unit.id, "counts": {o: answers.count(o) for o in options},
                     "sample": len(answers)}
            satisfaction.append(tally if channel is None else
                                {"unit_id": unit.id, "channel": channel.id, **tally})
    doc = _header(scheme, "ballots")
    doc.update(conduct=conduct, satisfaction=satisfaction)
    return doc
