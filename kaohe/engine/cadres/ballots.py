"""Ballots of a cadre or a team: per rater group converted, weighted; vote shares and alerts.

A rater group's score is Σ votes·points ÷ its valid votes; the groups combine by the
scheme's weights, renormalised over the groups that cast valid votes. Alerts compare exact
vote shares (fractions of whole votes) with the thresholds: "under 2/3" flags 59 of 90 votes
but not 60 of 90.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from kaohe.engine.cadres.rules import CadreRules
from kaohe.engine.numbers import fmt

__all__ = ["BallotScore", "ballot_score", "vote_alerts"]


@dataclass(frozen=True)
class BallotScore:
    """A subject's ballot score (None when no valid vote), votes by label, and why."""

    score: float | None
    votes: Mapping[str, int]
    valid: int
    invalid: int
    by_group: Mapping[str, float] = field(default_factory=dict)
    missing_groups: tuple[str, ...] = ()
    explanation: str = ""
    explanation_en: str = ""

    def share(self, labels: Sequence[str]) -> Fraction | None:
        """The exact share of valid votes that went to `labels`."""
        if not self.valid:
            return None
        return Fraction(sum(self.votes.get(label, 0) for label in labels), self.valid)


def ballot_score(entries: Sequence[Mapping[str, Any]], points: Mapping[str, float],
                 weights: Mapping[str, float],
                 names: Mapping[str, tuple[str, str]] | None = None) -> BallotScore:
    """Score one subject's tallies (one entry per rater group) with the scheme's points.

    >>> b = ballot_score([{"rater_group": "a", "counts": {"优秀": 3, "称职": 1}}],
    ...                  {"优秀": 100, "称职": 80}, {"a": 1.0})
    >>> b.score, b.valid
    (95.0, 4)
    """
    votes: dict[str, int] = {label: 0 for label in points}
    by_group: dict[str, float] = {}
    invalid = 0
    parts: list[str] = []
    parts_en: list[str] = []
    names = names or {}
    for entry in entries:
        group = entry["rater_group"]
        counts = entry.get("counts") or {}
        invalid += int(entry.get("invalid") or 0)
        valid = sum(int(counts.get(label) or 0) for label in points)
        for label in points:
            votes[label] += int(counts.get(label) or 0)
        if valid and group in weights:
            by_group[group] = sum(int(counts.get(lb) or 0) * p for lb, p in points.items()) / valid
            zh, en = names.get(group, (group, group))
            parts.append(f"{zh} {fmt(by_group[group])}×{weights[group]:g}")
            parts_en.append(f"{en} {fmt(by_group[group])}×{weights[group]:g}")
    missing = tuple(g for g in weights if g not in by_group)
    total_weight = sum(weights[g] for g in by_group)
    score = (sum(by_group[g] * weights[g] for g in by_group) / total_weight
             if total_weight else None)
    text = "测评得分 = " + " + ".join(parts) if parts else "无有效测评票"
    text_en = "ballot score = " + " + ".join(parts_en) if parts_en else "no valid ballots"
    if score is not None and missing:
        text += f"，缺 {len(missing)} 个测评主体，权重按其余主体折算（÷{total_weight:g}）"
        text_en += f"; {len(missing)} rater group(s) missing, reweighted (÷{total_weight:g})"
    if score is not None:
        text += f" = {fmt(score)}"
        text_en += f" = {fmt(score)}"
    return BallotScore(score, votes, sum(votes.values()), invalid, by_group, missing, text,
                       text_en)


def vote_alerts(ballot: BallotScore, rules: CadreRules) -> list[dict[str, Any]]:
    """The ballot alerts of a cadre: approval (优秀+称职) under its minimum, disapproval
    (不称职) over its maximum — flagged with the shares, never applied to the grade."""
    alerts: list[dict[str, Any]] = []
    approval = ballot.share(rules.grades[:2])
    disapproval = ballot.share(rules.grades[-1:])
    if approval is not None and rules.approval_min is not None and approval < rules.approval_min:
        alerts.append(_alert("low-approval", approval, rules.approval_min, rules.approval_action,
                             f"{'、'.join(rules.grades[:2])}票占 {_pct(approval)}，低于 "
                             f"{rules.approval_min}",
                             f"{' + '.join(rules.grades[:2])} votes {_pct(approval)}, under "
                             f"{rules.approval_min}", ballot))
    if (disapproval is not None and rules.disapproval_max is not None
            and disapproval > rules.disapproval_max):
        alerts.append(_alert("high-disapproval", disapproval, rules.disapproval_max,
                             rules.disapproval_action,
                             f"{rules.grades[-1]}票占 {_pct(disapproval)}，超过 "
                             f"{rules.disapproval_max}",
                             f"{rules.grades[-1]} votes {_pct(disapproval)}, over "
                             f"{rules.disapproval_max}", ballot))
    return alerts


def _pct(share: Fraction) -> str:
    return f"{fmt(float(share) * 100)}%"


def _alert(slug: str, share: Fraction, threshold: Fraction, action: tuple[str, str],
           zh: str, en: str, ballot: BallotScore) -> dict[str, Any]:
    return {"alert": slug, "share": round(float(share), 6),
            "votes": int(share * ballot.valid), "valid": ballot.valid,
            "threshold": str(threshold), "action": action[0],
            "action_en": action[1], "reason": f"{zh}：建议{action[0]}（须经组织研究，不自动执行）",
            "reason_en": f"{en}: suggested {action[1]} (for the office to decide; not applied)"}
