"""From a block's priorities to full scores every group of the block can keep, and the
proposed scheme document.

A scheme gives each indicator one full score, and each group's indicators must add up to
the component's full score (the scheme checks say so). In a block of several groups (the
four kinds of departments share D01–D05, each has its own specialty indicator), each group
takes the block's priorities restricted to its own categories and indicators (renormalised:
AHP's criteria are independent) and is composed to its present total. The indicators every
group of the block has then get the mean of the groups' values (or, when a group has no
other indicators, that group's values); each group's other indicators share what is left of
its total in proportion to its own composition. Every group's sum is exact, in multiples of
the step. A scheme of one group per block is simply the composition.

Point-valued method parameters (tier points, base and step points, per-incident and
per-item points, floors and caps) are scaled with the full score, so an indicator keeps its
meaning as a score rate.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kaohe.analysis.ahp import apportion
from kaohe.analysis.hierarchy import Block
from kaohe.engine.model import Scheme

__all__ = ["POINT_PARAMS", "block_full_scores", "proposed_scheme"]

#: Method parameters given in points (scaled with the full score); "tiers" is tiers[].points.
POINT_PARAMS: dict[str, tuple[str, ...]] = {
    "tiered": ("tiers",), "base_step": ("base", "step_up", "step_down", "max", "min"),
    "deduction": ("per_incident", "floor"), "pass_fail": ("fail_points",),
    "rank_points": ("step", "min"), "bonus": ("per_item", "cap")}


def _group_values(scheme: Scheme, block: Block, group: str,
                  category_weights: Mapping[str, float],
                  indicator_weights: Mapping[str, Mapping[str, float]],
                  step: float) -> dict[str, float]:
    """The group's own composition: its categories and indicators, its present total."""
    own = {i.id for i in scheme.indicators_for(group)}
    cats = [c for c in block.categories if any(i in own for i, _ in block.indicators[c])]
    total = sum(scheme.indicator(i).full_score for c in cats for i, _ in block.indicators[c]
                if i in own)
    members = {c: [i for i, _ in block.indicators[c] if i in own] for c in cats}
    cat_totals = apportion(total, [category_weights[c] for c in cats], step,
                           [len(members[c]) for c in cats])
    values: dict[str, float] = {}
    for cat, cat_total in zip(cats, cat_totals, strict=True):
        values.update(zip(members[cat], apportion(cat_total, [indicator_weights[cat][i]
                                                              for i in members[cat]], step,
                                                  [1] * len(members[cat])), strict=True))
    return values


def block_full_scores(scheme: Scheme, block: Block, category_weights: Mapping[str, float],
                      indicator_weights: Mapping[str, Mapping[str, float]],
                      step: float = 0.5) -> dict[str, float]:
    """Proposed full scores of the block's indicators; each group's sum stays its total."""
    per_group = {g: _group_values(scheme, block, g, category_weights, indicator_weights, step)
                 for g in block.groups}
    per_group = {g: v for g, v in per_group.items() if v}
    if not per_group:
        return {}
    common = [i for i in next(iter(per_group.values()))
              if all(i in v for v in per_group.values())]
    whole = next((v for v in per_group.values() if set(v) == set(common)), None)
    if whole is not None:  # a group has only the common indicators: they take its total
        fixed = {i: whole[i] for i in common}
    else:
        means = [sum(v[i] for v in per_group.values()) / len(per_group) for i in common]
        shared = (apportion(round(sum(means) / step) * step, means, step, [1] * len(common))
                  if common else [])
        fixed = dict(zip(common, shared, strict=True))
    out = dict(fixed)
    for values in per_group.values():
        rest = [i for i in values if i not in fixed]
        left = sum(values.values()) - sum(fixed.values())
        if not rest:
            continue
        shares = [values[i] for i in rest]
        if sum(shares) <= 0:
            shares = [1.0] * len(rest)
        for i, v in zip(rest, apportion(max(left, 0.0), shares, step, [1] * len(rest)),
                        strict=True):
            out.setdefault(i, v)  # shared by groups with the same indicator set: equal
    return out


def _scale(params: dict[str, Any], method: str, factor: float) -> None:
    for key in POINT_PARAMS.get(method, ()):
        if key == "tiers":
            for tier in params.get("tiers") or []:
                if isinstance(tier.get("points"), int | float):
                    tier["points"] = round(tier["points"] * factor, 4)
        elif isinstance(params.get(key), int | float) and not isinstance(params[key], bool):
            params[key] = round(params[key] * factor, 4)


def proposed_scheme(document: Mapping[str, Any], proposal: Mapping[str, float],
                    note: str = "") -> dict[str, Any]:
    """A copy of the scheme document with the proposed full scores, point parameters scaled."""
    doc = copy.deepcopy(dict(document))
    for ind in doc["indicators"]:
        new = proposal.get(ind["id"])
        if new is None or new == ind["full_score"]:
            continue
        factor = new / ind["full_score"] if ind["full_score"] else 1.0
        _scale(ind.setdefault("params", {}), ind["method"], factor)
        ind["full_score"] = new
    if note:
        doc["description"] = (str(doc.get("description") or "") + " " + note).strip()
    return doc
