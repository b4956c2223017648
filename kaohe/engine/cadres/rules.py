"""The scheme's people rules (`cadres` section) as a frozen record the engine reads.

>>> rules = CadreRules.from_document({"cadres": {
...     "grades": ["优秀", "称职", "基本称职", "不称职"], "ballot_points": {"优秀": 100},
...     "rater_groups": [{"id": "staff", "name": "干部职工", "weight": 1}],
...     "score_weights": {"ballot": 1}, "grade_bands": [{"grade": "优秀", "min": 90}],
...     "team": {"unit_weight": 1, "ballot_weight": 0, "bands": [{"grade": "好", "min": 0}]},
...     "excellent_quota": {"grade": "优秀", "share": 0.2}}})
>>> rules.top, rules.approval_min
('优秀', Fraction(2, 3))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

__all__ = ["CadreRules", "Sanction", "Situation", "Rung", "share_of"]


def share_of(value: Any) -> Fraction | None:
    """A threshold as an exact fraction: "2/3" stays 2/3 (0.6667 would move the boundary)."""
    if value is None:
        return None
    if isinstance(value, str):
        return Fraction(value)
    return Fraction(str(value))


@dataclass(frozen=True)
class Sanction:
    """A sanction kind: the best grade it allows (None: no grade) for `years` years."""

    id: str
    name: str
    name_en: str
    severity: int
    best_grade: str | None
    years: int


@dataclass(frozen=True)
class Situation:
    """One item of the bonus-cancellation checklist."""

    id: str
    name: str
    name_en: str
    when_grade: tuple[str, ...] = ()
    when_sanction: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rung:
    """A merit for a run of consecutive top grades."""

    run: int
    merit: str
    merit_en: str


@dataclass(frozen=True)
class CadreRules:
    """Everything the cadre engine needs from the scheme, parsed once."""

    grades: tuple[str, ...]
    ballot_points: Mapping[str, float]
    team_ballot_points: Mapping[str, float]
    rater_weights: Mapping[str, float]
    rater_names: Mapping[str, tuple[str, str]]
    score_weights: Mapping[str, float]
    grade_bands: tuple[tuple[str, float], ...]
    team_unit_weight: float
    team_ballot_weight: float
    team_bands: tuple[tuple[str, float], ...]
    team_not_above_unit: bool = True
    team_gated_best: str | None = None
    team_vetoed_grade: str | None = None
    quota_grade: str = "优秀"
    quota_share: float = 0.2
    quota_by_unit_grade: Mapping[str, float] = field(default_factory=dict)
    quota_gated_share: float | None = None
    quota_vetoed_share: float | None = None
    quota_rounding: str = "round_half_up"
    gates_apply_to: frozenset[str] = frozenset({"team", "principal"})
    sanctions: Mapping[str, Sanction] = field(default_factory=dict)
    approval_min: Fraction | None = Fraction(2, 3)
    approval_action: tuple[str, str] = ("诫勉谈话或组织调整", "admonishing talk or reassignment")
    disapproval_max: Fraction | None = Fraction(1, 3)
    disapproval_action: tuple[str, str] = ("免职或降职审查", "review for removal or demotion")
    checklist: tuple[Situation, ...] = ()
    ladder: tuple[Rung, ...] = ()
    unsatisfactory_run: int | None = 2
    digits: int = 2
    mode: str = "half_up"

    @property
    def top(self) -> str:
        """The best cadre grade (优秀)."""
        return self.grades[0]

    @property
    def team_grades(self) -> tuple[str, ...]:
        """Team grades, best first, from the team bands."""
        return tuple(g for g, _ in self.team_bands)

    @classmethod
    def from_document(cls, scheme: Mapping[str, Any]) -> CadreRules | None:
        """The rules of a scheme document; None when the scheme has no `cadres` section."""
        doc = scheme.get("cadres")
        if not doc:
            return None
        team = doc["team"]
        quota = doc["excellent_quota"]
        alerts = doc.get("alerts") or {}
        rounding = scheme.get("rounding") or {}
        return cls(
            grades=tuple(doc["grades"]),
            ballot_points=dict(doc["ballot_points"]),
            team_ballot_points=dict(doc.get("team_ballot_points") or {}),
            rater_weights={r["id"]: float(r["weight"]) for r in doc["rater_groups"]},
            rater_names={r["id"]: (r["name"], r.get("name_en") or r["name"])
                         for r in doc["rater_groups"]},
            score_weights={k: float(v) for k, v in doc["score_weights"].items()},
            grade_bands=tuple((b["grade"], float(b["min"])) for b in doc["grade_bands"]),
            team_unit_weight=float(team["unit_weight"]),
            team_ballot_weight=float(team["ballot_weight"]),
            team_bands=tuple((b["grade"], float(b["min"])) for b in team["bands"]),
            team_not_above_unit=bool(team.get("not_above_unit_grade", True)),
            team_gated_best=team.get("gated_best"),
            team_vetoed_grade=team.get("vetoed_grade"),
            quota_grade=quota["grade"], quota_share=float(quota["share"]),
            quota_by_unit_grade={k: float(v) for k, v in
                                 (quota.get("by_unit_grade") or {}).items()},
            quota_gated_share=quota.get("gated_share"),
            quota_vetoed_share=quota.get("vetoed_share"),
            quota_rounding=quota.get("rounding", "round_half_up"),
            gates_apply_to=frozenset(doc.get("unit_gates_apply_to", ("team", "principal"))),
            sanctions={s["id"]: Sanction(s["id"], s["name"], s.get("name_en") or s["name"],
                                         int(s["severity"]), s.get("best_grade"),
                                         int(s["years"]))
                       for s in doc.get("sanctions") or ()},
            approval_min=share_of(alerts.get("approval_min", "2/3")),
            approval_action=(alerts.get("approval_action", "诫勉谈话或组织调整"),
                             alerts.get("approval_action_en",
                                        "admonishing talk or reassignment")),
            disapproval_max=share_of(alerts.get("disapproval_max", "1/3")),
            disapproval_action=(alerts.get("disapproval_action", "免职或降职审查"),
                                alerts.get("disapproval_action_en",
                                           "review for removal or demotion")),
            checklist=tuple(Situation(c["id"], c["name"], c.get("name_en") or c["name"],
                                      tuple(c.get("when_grade") or ()),
                                      tuple(c.get("when_sanction") or ()))
                            for c in doc.get("bonus_cancellation") or ()),
            ladder=tuple(sorted((Rung(int(r["run"]), r["merit"], r.get("merit_en") or r["merit"])
                                 for r in doc.get("merit_ladder") or ()), key=lambda r: r.run)),
            unsatisfactory_run=doc.get("unsatisfactory_run"),
            digits=int(rounding.get("digits", 2)), mode=rounding.get("mode", "half_up"),
        )
