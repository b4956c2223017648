"""Several rater bodies with weights on one indicator (e.g. 分管领导 20 %, 考核组 40 %, 干部职工
40 %): each rating is scored by the indicator's method, ratings are averaged within a body,
the bodies weighted; a body without ratings is left out and the others renormalised — said in
the explanation, never silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kaohe.engine.methods import SCORERS, Inputs, Scored
from kaohe.engine.model import Indicator
from kaohe.engine.numbers import fmt
from kaohe.errors import MissingInput

__all__ = ["score_by_raters"]


def score_by_raters(ind: Indicator, params: Mapping[str, Any],
                    ratings: Mapping[str, Sequence[Inputs]]) -> Scored:
    """Weighted mean over the bodies of the mean points of each body's ratings."""
    means: dict[str, tuple[float, int]] = {}
    for body in ind.raters:
        given = [one for one in ratings.get(body.id) or ()  # a blank rating is no rating
                 if one.rating not in (None, "") or one.actual is not None
                 or one.count is not None]
        scored = [SCORERS[ind.method](one, params, ind.full_score, ind.direction).points
                  for one in given]
        if scored:
            means[body.id] = (sum(scored) / len(scored), len(scored))
    if not means:
        raise MissingInput("各评价主体的评价", "ratings of the rater bodies")
    present = [b for b in ind.raters if b.id in means]
    weight = sum(b.weight for b in present)
    if weight <= 0:
        raise MissingInput("有权重的评价主体的评价", "ratings of a weighted rater body")
    points = sum(means[b.id][0] * b.weight for b in present) / weight
    zh = [f"{b.name} {fmt(means[b.id][0])}（{means[b.id][1]} 份平均）×{fmt(b.weight * 100)}%"
          for b in present]
    en = [f"{b.name_en or b.id} {fmt(means[b.id][0])} (mean of {means[b.id][1]}) "
          f"× {fmt(b.weight * 100)}%" for b in present]
    text = f"({' + '.join(zh)}) ÷ {fmt(weight * 100)}% = {fmt(points)}"
    text_en = f"({' + '.join(en)}) / {fmt(weight * 100)}% = {fmt(points)}"
    missing = [b for b in ind.raters if b.id not in means]
    if missing:
        text += (f"；缺少{'、'.join(b.name for b in missing)}的评价，其余主体权重按比例放大"
                 f"（权重和 {fmt(weight * 100)}%）")
        text_en += (f"; no ratings from {', '.join(b.name_en or b.id for b in missing)}: the "
                    f"other bodies' weights were renormalised (sum {fmt(weight * 100)}%)")
    used = {"raters": {b.id: {"points": means[b.id][0], "ratings": means[b.id][1],
                              "weight": b.weight} for b in present},
            "missing_raters": [b.id for b in missing], "renormalised": bool(missing)}
    return Scored(points, text, text_en, used)
