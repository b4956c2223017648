"""Synthetic leadership teams for the demo and the benchmark: rosters (5–9 cadres per unit),
cadre ballot tallies, routine scores and a sanctions register, seeded.

A person's id and latent quality depend only on the unit and the slot (and `quality_seed`), so
the same people come back every year — strong cadres stay strong, and a few earn a third
consecutive 优秀. Pure: returns plain documents, writes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from kaohe.engine.model import Scheme

__all__ = ["synthesize_cadres", "team_size"]

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
             "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
_GIVEN = "建国志强海燕丽华明军红梅永刚德胜玉兰文杰秀英国平晓东春生金花卫东新民桂芝俊峰立新"
_POSTS_COUNTY = ["县委书记", "县长", "县委副书记", "常务副县长", "副县长", "纪委书记", "组织部部长",
                 "宣传部部长", "政法委书记"]
_POSTS_DEPT = ["党组书记、局长", "副局长", "副局长", "纪检组长", "副局长", "总工程师", "调研员",
               "副调研员", "副局长"]
_GROUP_RATERS = {"superiors": 9, "team": 0, "midlevel": 24, "staff": 36}


def team_size(unit_id: str, quality_seed: int = 2016) -> int:
    """How many cadres the unit's team has (5–9), the same every year."""
    return random.Random(f"{quality_seed}:team:{unit_id}").randint(5, 9)


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _votes(share_top: float, raters: int, rng: random.Random,
           labels: list[str]) -> tuple[dict[str, int], int, int]:
    """Counts per label, invalid ballots, raters handed a ballot (votes + invalid ≤ raters)."""
    absent = rng.randint(0, 2) if raters > 6 else 0
    invalid = rng.choice((0, 0, 0, 1))
    cast = max(raters - absent - invalid, 1)
    top = round(cast * min(max(share_top + rng.uniform(-0.08, 0.08), 0.0), 1.0))
    low = round((cast - top) * rng.uniform(0.05, 0.25) * (1.5 if share_top < 0.3 else 0.4))
    rest = cast - top - low
    second = round(rest * 0.85)
    return ({labels[0]: top, labels[1]: second, labels[2]: rest - second, labels[3]: low},
            invalid, raters)


def synthesize_cadres(scheme: Scheme, seed: int = 2016, quality_seed: int = 2016,
                      unit_quality: Mapping[str, float] | None = None) -> dict[str, Any]:
    """{"rosters": {unit: doc}, "cadre_ballots": {unit: doc}, "sanctions": doc} for every unit;
    {} when the scheme has no people rules."""
    people = scheme.document.get("cadres")
    if not people:
        return {}
    rng = random.Random(f"{seed}:cadres")
    grades = list(people["ballot_points"])
    team_labels = list(people.get("team_ballot_points") or {})
    raters = [r["id"] for r in people["rater_groups"]]
    head = {"scheme_id": scheme.scheme_id, "year": scheme.year}
    rosters: dict[str, Any] = {}
    tallies: dict[str, Any] = {}
    everyone: list[tuple[str, str, float]] = []
    for index, unit in enumerate(scheme.units):
        q_unit = (unit_quality or {}).get(unit.id) or random.Random(
            f"{quality_seed}:{unit.id}").betavariate(4, 2)
        size = team_size(unit.id, quality_seed)
        posts = _POSTS_COUNTY if unit.group == "county" else _POSTS_DEPT
        roster = []
        entries: list[dict[str, Any]] = []
        routine: list[dict[str, Any]] = []
        for r in raters:
            counts, invalid, n = _votes(0.25 + 0.6 * q_unit, _raters(r, size), rng, team_labels)
            entries.append({"subject": "team", "rater_group": r, "counts": counts,
                            "invalid": invalid, "raters": n})
        for slot in range(size):
            prng = random.Random(f"{quality_seed}:person:{unit.id}:{slot}")
            pid = f"P{index + 1:04d}{slot + 1:02d}"
            q = min(1.0, max(0.0, 0.5 * q_unit + 0.5 * prng.betavariate(5, 2)))
            if prng.random() < 0.04:  # a cadre the staff do not trust: the alerts fire
                q = 0.05
            roster.append({"person_id": pid, "name": _name(prng), "post": posts[slot],
                           "role": "principal" if slot == 0 else "member", "remarks": None})
            everyone.append((unit.id, pid, q))
            for r in raters:
                counts, invalid, n = _votes(0.15 + 0.8 * q, _raters(r, size), rng, grades)
                entries.append({"subject": pid, "rater_group": r, "counts": counts,
                                "invalid": invalid, "raters": n})
            for period in scheme.routine_periods:
                score = min(100.0, max(0.0, 72 + 26 * q + rng.uniform(-4, 4)))
                routine.append({"person_id": pid, "period": period, "score": round(score, 1)})
        rosters[unit.id] = {"kind": "roster", **head, "unit_id": unit.id, "people": roster}
        tallies[unit.id] = {"kind": "cadre_ballots", **head, "unit_id": unit.id,
                            "entries": entries, "routine": routine}
    return {"rosters": rosters, "cadre_ballots": tallies,
            "sanctions": _sanctions(scheme, everyone, people, head, rng)}


def _raters(group: str, size: int) -> int:
    return _GROUP_RATERS.get(group) or (size - 1 if group == "team" else 20)


def _sanctions(scheme: Scheme, everyone: list[tuple[str, str, float]], people: Mapping[str, Any],
               head: Mapping[str, Any], rng: random.Random) -> dict[str, Any]:
    """A few sanctions (a warning, a demerit, a heavier one of last year, two at once) and
    recorded situations of the bonus checklist."""
    kinds = [s["id"] for s in people.get("sanctions") or ()]
    situations = [c["id"] for c in people.get("bonus_cancellation") or ()
                  if not c.get("when_grade") and not c.get("when_sanction")]
    picked = rng.sample(everyone, min(6, len(everyone)))
    year = scheme.year
    plan = [(kinds[0], year, 0), (kinds[1 % len(kinds)], year, 1),
            (kinds[2 % len(kinds)], year - 1, 2), (kinds[0], year, 3), (kinds[1 % len(kinds)],
                                                                        year, 3)]
    entries = []
    for n, (kind, when, who) in enumerate(plan if kinds else [], start=1):
        entries.append({"id": f"S{n:03d}", "person_id": picked[who][1], "sanction": kind,
                        "date": f"{when}-{rng.randint(3, 11):02d}-{rng.randint(1, 28):02d}",
                        "document_no": f"阿地纪发〔{when}〕{rng.randint(2, 60)}号",
                        "reason": "示例：违反工作纪律"})
    facts = [{"id": f"F{n:03d}", "person_id": picked[4 + n][1], "situation": situations[n],
              "date": f"{year}-{rng.randint(3, 11):02d}-15",
              "document_no": f"阿地办通〔{year}〕{rng.randint(2, 40)}号",
              "evidence": "示例：通报文件"} for n in range(min(2, len(situations)))
             if 4 + n < len(picked)]
    return {"kind": "sanctions", **head, "entries": entries, "bonus_facts": facts}
