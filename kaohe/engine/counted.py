"""Scoring methods on counts and labels: incidents (deduction), items (bonus), a rating label
(rating), and vote tallies (ballot, satisfaction). Registered by name in
kaohe.engine.methods.SCORERS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe.engine.method_base import Inputs, Scored, _fmt, _need, _number, _pct
from kaohe.errors import KaoheError, MissingInput, SchemeError
from kaohe.labels import word_en

__all__ = ["deduction", "bonus", "rating", "ballot", "satisfaction"]


def _count(inputs: Inputs, what: str, what_en: str) -> float:
    """Return the (non-negative) count of incidents or items."""
    count = _need(inputs.count, what, what_en)
    if count < 0:
        raise KaoheError(f"{what}不能为负数：{_fmt(count)}",
                         f"{what_en} cannot be negative: {_fmt(count)}")
    return count


def _options(params: Mapping[str, Any], name: str) -> tuple[dict[str, float], set[str]]:
    """Read label → points from a dict, or from a scheme list [{label, points, excluded}]."""
    spec = params.get(name)
    if isinstance(spec, Mapping):
        items: list[Any] = [{"label": k, "points": v} for k, v in spec.items()]
    elif isinstance(spec, list | tuple) and spec:
        items = list(spec)
    else:
        raise SchemeError(f"评分参数 {name} 缺失", f"scoring parameter {name!r} is missing")
    points: dict[str, float] = {}
    excluded: set[str] = set()
    for item in items:
        if item.get("excluded"):
            excluded.add(str(item["label"]))
        else:
            points[str(item["label"])] = _number(item, "points", low=0.0, high=100.0)
    return points, excluded


def _tally(counts: Mapping[str, float] | None, points: Mapping[str, float],
           excluded: set[str]) -> tuple[float, float, list[str]]:
    """Mean points over the counted votes: (score 0–100, valid votes, terms like '20 × 100')."""
    if not counts:
        raise MissingInput("票数", "vote counts")
    total = valid = 0.0
    terms: list[str] = []
    for label, raw in counts.items():
        n = float(raw or 0)
        if n < 0:
            raise KaoheError(f"选项「{label}」的票数不能为负数：{_fmt(n)}",
                             f"the count for {label!r} cannot be negative: {n}")
        if label in excluded:
            continue
        if label not in points:
            allowed = [*points, *sorted(excluded)]
            raise KaoheError(f"票数中的选项「{label}」不在允许的选项中（{'、'.join(allowed)}）",
                             f"vote label {label!r} is not one of the allowed options: "
                             f"{', '.join(allowed)}")
        valid += n
        total += n * points[label]
        terms.append(f"{_fmt(n)} × {_fmt(points[label])}")
    if valid <= 0:
        raise MissingInput("有效票", "valid votes")
    return total / valid, valid, terms


def deduction(inputs: Inputs, params: Mapping[str, Any], full_score: float,
              direction: str) -> Scored:
    """Deduct per incident from the full points, down to the floor (扣完为止)."""
    count = _count(inputs, "扣分次数", "incident count")
    per = _number(params, "per_incident", low=0.0)
    full = float(full_score)
    floor = min(_number(params, "floor", 0.0, low=0.0), full)
    lost = count * per
    raw = full - lost
    points = max(raw, floor)
    zh = (f"扣分 {_fmt(count)} 次 × 每次 {_fmt(per)} = {_fmt(lost)}，"
          f"得分 = {_fmt(full)} − {_fmt(lost)} = {_fmt(raw)}")
    en = (f"{_fmt(count)} incidents × {_fmt(per)} = {_fmt(lost)} deducted, "
          f"points = {_fmt(full)} − {_fmt(lost)} = {_fmt(raw)}")
    if points != raw:
        zh += f"，扣完为止，不低于 {_fmt(floor)}"
        en += f", deducted no further than {_fmt(floor)}"
    return Scored(points, zh, en, {"count": count})


def bonus(inputs: Inputs, params: Mapping[str, Any], full_score: float,
          direction: str) -> Scored:
    """Add per item, up to the cap (default the full points)."""
    count = _count(inputs, "加分项数", "item count")
    per = _number(params, "per_item", low=0.0)
    cap = _number(params, "cap", float(full_score), low=0.0)
    raw = count * per
    points = min(raw, cap)
    zh = f"加分 {_fmt(count)} 项 × 每项 {_fmt(per)} = {_fmt(raw)}"
    en = f"{_fmt(count)} items × {_fmt(per)} = {_fmt(raw)}"
    if points != raw:
        zh += f"，封顶 {_fmt(cap)}"
        en += f", capped at {_fmt(cap)}"
    return Scored(points, zh + f"，得 {_fmt(points)} 分", en + f": {_fmt(points)} points",
                  {"count": count})


def rating(inputs: Inputs, params: Mapping[str, Any], full_score: float,
           direction: str) -> Scored:
    """Full points × the share of the rating label, e.g. 较好 → 80 %."""
    label = (inputs.rating or "").strip()
    if not label:
        raise MissingInput("评定等次", "rating")
    ratings = params.get("ratings")
    if not isinstance(ratings, Mapping) or not ratings:
        raise SchemeError("评分参数 ratings 缺失", "scoring parameter 'ratings' is missing")
    if label not in ratings:
        raise KaoheError(f"评定等次「{label}」不在允许的等次中（{'、'.join(ratings)}）",
                         f"rating {label!r} is not one of the allowed ratings: "
                         f"{', '.join(ratings)}")
    share = _number(ratings, label, low=0.0, high=1.0)
    full = float(full_score)
    points = full * share
    zh = f"评定等次「{label}」，得分 = {_fmt(full)} × {_pct(share)} = {_fmt(points)}"
    en = f"rated {word_en(label)!r}: points = {_fmt(full)} × {_pct(share)} = {_fmt(points)}"
    return Scored(points, zh, en, {"rating": label, "share": share})


def ballot(inputs: Inputs, params: Mapping[str, Any], full_score: float,
           direction: str) -> Scored:
    """Ballot: mean grade points over the valid votes (invalid ballots excluded) × full ÷ 100."""
    grades, _ = _options(params, "grades")
    score, valid, terms = _tally(inputs.counts, grades, set())
    invalid = float(inputs.invalid or 0)
    full = float(full_score)
    points = min(full * score / 100, full)
    inv_zh = f"（无效票 {_fmt(invalid)} 张不计）" if invalid else ""
    inv_en = f" ({_fmt(invalid)} invalid ballots excluded)" if invalid else ""
    zh = (f"有效票 {_fmt(valid)} 张{inv_zh}，得分率 = ({' + '.join(terms)}) ÷ {_fmt(valid)} = "
          f"{_fmt(score)}，得分 = {_fmt(full)} × {_fmt(score)}% = {_fmt(points)}")
    en = (f"{_fmt(valid)} valid votes{inv_en}: score = ({' + '.join(terms)}) ÷ {_fmt(valid)} = "
          f"{_fmt(score)}, points = {_fmt(full)} × {_fmt(score)}% = {_fmt(points)}")
    return Scored(points, zh, en, {"counts": dict(inputs.counts or {}), "invalid": invalid,
                                   "valid": valid, "score": round(score, 4)})


def satisfaction(inputs: Inputs, params: Mapping[str, Any], full_score: float,
                 direction: str) -> Scored:
    """Satisfaction: mean option points over the answers, excluded options (不了解) left out."""
    options, excluded = _options(params, "options")
    excluded |= {str(label) for label in params.get("excluded") or ()}
    options = {k: v for k, v in options.items() if k not in excluded}
    score, valid, terms = _tally(inputs.counts, options, excluded)
    full = float(full_score)
    points = min(full * score / 100, full)
    left_out = {k: float(v or 0) for k, v in (inputs.counts or {}).items() if k in excluded}
    out_zh = "、".join(f"「{k}」{_fmt(v)} 票" for k, v in left_out.items() if v)
    out_en = ", ".join(f"{_fmt(v)} {word_en(k)!r}" for k, v in left_out.items() if v)
    zh = (f"满意度 = ({' + '.join(terms)}) ÷ {_fmt(valid)} = {_fmt(score)}"
          f"{f'（{out_zh}不计入）' if out_zh else ''}，"
          f"得分 = {_fmt(full)} × {_fmt(score)}% = {_fmt(points)}")
    en = (f"satisfaction = ({' + '.join(terms)}) ÷ {_fmt(valid)} = {_fmt(score)}"
          f"{f' ({out_en} not counted)' if out_en else ''}, "
          f"points = {_fmt(full)} × {_fmt(score)}% = {_fmt(points)}")
    return Scored(points, zh, en, {"counts": dict(inputs.counts or {}), "valid": valid,
                                   "excluded": left_out, "score": round(score, 4)})
