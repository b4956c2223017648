"""Scoring methods: one pure function per rule type, in the explicit registry SCORERS.

Each method takes (inputs, params, full_score, direction) and returns Scored: the points
and a one-line explanation in Chinese and English. See docs/contracts.md for the rules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kaohe.engine.places import meets, place
from kaohe.errors import KaoheError, MissingInput, SchemeError

__all__ = ["Inputs", "Scored", "Scorer", "SCORERS", "GROUP_RELATIVE", "MissingInput",
           "completion", "base_step", "tiered", "efficacy", "benchmark", "rank_points",
           "pass_fail", "deduction", "bonus", "rating", "ballot", "satisfaction"]


@dataclass(frozen=True)
class Inputs:
    """What a method may look at for one unit and one indicator."""

    actual: float | None = None
    target: float | None = None
    rating: str | None = None
    count: float | None = None
    counts: Mapping[str, float] | None = None
    invalid: float = 0.0
    peers: tuple[float, ...] = ()


@dataclass(frozen=True)
class Scored:
    """Points with their explanation and the inputs actually used."""

    points: float
    explanation: str
    explanation_en: str
    used: Mapping[str, Any] = field(default_factory=dict)


Scorer = Callable[[Inputs, Mapping[str, Any], float, str], Scored]

# Filled in below by the method implementations.
SCORERS: dict[str, Scorer] = {}
# Methods whose points depend on the other units of the group (they read Inputs.peers).
GROUP_RELATIVE: frozenset[str] = frozenset({"efficacy", "benchmark", "rank_points"})


# -- helpers --------------------------------------------------------------------------------

_CENT = Decimal("0.01")


_FMT_SEEN: dict[float, str] = {}


def _fmt(x: float) -> str:
    """Format a number for an explanation: at most 2 decimals (half up), no trailing zeros."""
    # Explanations repeat a few numbers thousands of times: each float's text is kept (floats
    # that compare equal format alike, 0.0 and -0.0 both as "0").
    if type(x) is float and (seen := _FMT_SEEN.get(x)) is not None:
        return seen
    if not math.isfinite(x) or abs(x) >= 1e15:
        return f"{x:g}"
    text = f"{Decimal(repr(x)).quantize(_CENT, ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    if type(x) is float and len(_FMT_SEEN) < 65_536:
        _FMT_SEEN[x] = text
    return text


def _pct(rate: float) -> str:
    """Format a rate as a percentage, e.g. 0.93333 -> '93.33%'."""
    return f"{_fmt(rate * 100)}%"


def _clamp(x: float, low: float, high: float) -> float:
    """Keep x within [low, high]."""
    return min(max(x, low), high)


def _is_lower(direction: str) -> bool:
    """True when lower values are better; any direction but higher/lower is a scheme error."""
    if direction not in ("higher", "lower"):
        raise SchemeError(f"指标方向 {direction!r} 应为 higher 或 lower",
                          f"direction {direction!r} must be 'higher' or 'lower'")
    return direction == "lower"


_meets = meets  # whether value reaches target, forgiving float noise (kaohe.engine.places)


def _need(value: float | None, what: str, what_en: str) -> float:
    """Return a required input as a float, or raise MissingInput naming it."""
    if value is None:
        raise MissingInput(what, what_en)
    return float(value)


def _count(inputs: Inputs, what: str, what_en: str) -> float:
    """Return the (non-negative) count of incidents or items."""
    count = _need(inputs.count, what, what_en)
    if count < 0:
        raise KaoheError(f"{what}不能为负数：{_fmt(count)}",
                         f"{what_en} cannot be negative: {_fmt(count)}")
    return count


def _peers(inputs: Inputs) -> tuple[float, ...]:
    """Return the group's values, or raise MissingInput when there are none."""
    if not inputs.peers:
        raise MissingInput("同组单位的完成值", "group values")
    return tuple(map(float, inputs.peers))


def _number(params: Mapping[str, Any], name: str, default: float | None = None, *,
            low: float | None = None, high: float | None = None, positive: bool = False) -> float:
    """Read a numeric parameter (or its default); a missing or out-of-range one is a SchemeError."""
    value = params.get(name)
    value = default if value is None else value
    if value is None:
        raise SchemeError(f"评分参数 {name} 缺失", f"scoring parameter {name!r} is missing")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SchemeError(f"评分参数 {name} 应为数字：{value!r}",
                          f"scoring parameter {name!r} must be a number: {value!r}")
    if ((low is not None and value < low) or (high is not None and value > high)
            or (positive and value <= 0)):
        ends = (("-∞" if low is None else _fmt(low)), ("∞" if high is None else _fmt(high)))
        bounds = "> 0" if positive else f"[{ends[0]}, {ends[1]}]"
        raise SchemeError(f"评分参数 {name} = {value} 超出范围 {bounds}",
                          f"scoring parameter {name!r} = {value} is outside {bounds}")
    return float(value)


def _whole_steps(actual: float, target: float, size: float) -> int:
    """Count the full steps of `size` between actual and target, exactly on their decimal forms."""
    # Decimal on repr() so 7.3 − 7.0 is 3 steps of 0.1, not 2.9999999999999982.
    gap = abs(Decimal(repr(actual)) - Decimal(repr(target)))
    return int(gap / Decimal(repr(size)))


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


# -- methods --------------------------------------------------------------------------------


def completion(inputs: Inputs, params: Mapping[str, Any], full_score: float,
               direction: str) -> Scored:
    """Completion rate: full × min(actual ÷ target, cap); target ÷ actual when lower is better."""
    lower = _is_lower(direction)
    actual = _need(inputs.actual, "完成值", "actual value")
    target = _need(inputs.target, "目标值", "target value")
    cap = _number(params, "cap", 1.0, low=0.0)
    full = float(full_score)
    if target == 0:  # no ratio to zero: the target is met or it is not
        met = _meets(actual, 0.0, lower)
        points, sign = (full if met else 0.0), ("≤" if lower else "≥")
        zh = (f"目标值为 0，完成值 {_fmt(actual)} {sign} 0，达标，得满分 {_fmt(full)}" if met
              else f"目标值为 0，完成值 {_fmt(actual)} 未达到（应 {sign} 0），得 0 分")
        en = (f"target is 0; actual {_fmt(actual)} {sign} 0 meets it: full {_fmt(full)} points"
              if met else f"target is 0; actual {_fmt(actual)} misses it (needs {sign} 0): 0")
        return Scored(points, zh, en, {"actual": actual, "target": target, "met": met})
    # A negative target (e.g. a reduction of 2 %) mirrors the ratio's direction.
    by_target = lower == (target > 0)
    if by_target and actual * target <= 0:  # actual is past zero, beyond the target: best rate
        points = full * cap
        zh = (f"完成值 {_fmt(actual)} 越过 0，优于目标值 {_fmt(target)}，按上限 {_pct(cap)} 计，"
              f"得分 = {_fmt(full)} × {_pct(cap)} = {_fmt(points)}")
        en = (f"actual {_fmt(actual)} is past 0, beyond target {_fmt(target)}: capped rate "
              f"{_pct(cap)}, points = {_fmt(full)} × {_pct(cap)} = {_fmt(points)}")
        return Scored(points, zh, en, {"actual": actual, "target": target, "rate": None})
    rate = target / actual if by_target else actual / target
    used_rate = _clamp(rate, 0.0, cap)
    points = full * used_rate
    a, t = _fmt(actual), _fmt(target)
    ratio_zh = f"目标值 {t} ÷ 完成值 {a}" if by_target else f"完成值 {a} ÷ 目标值 {t}"
    ratio_en = f"target {t} ÷ actual {a}" if by_target else f"actual {a} ÷ target {t}"
    note_zh = f"，封顶 {_pct(cap)}" if rate > cap else "，按 0 计" if rate < 0 else ""
    note_en = f", capped at {_pct(cap)}" if rate > cap else ", counted as 0" if rate < 0 else ""
    zh = (f"完成率 {_pct(rate)}（{ratio_zh}）{note_zh}，"
          f"得分 = {_fmt(full)} × {_pct(used_rate)} = {_fmt(points)}")
    en = (f"completion rate {_pct(rate)} ({ratio_en}){note_en}, "
          f"points = {_fmt(full)} × {_pct(used_rate)} = {_fmt(points)}")
    return Scored(points, zh, en, {"actual": actual, "target": target, "rate": round(rate, 4)})


def base_step(inputs: Inputs, params: Mapping[str, Any], full_score: float,
              direction: str) -> Scored:
    """Base points at the target, plus step_up per full step better, minus step_down per worse."""
    lower = _is_lower(direction)
    actual = _need(inputs.actual, "完成值", "actual value")
    target = _need(inputs.target, "目标值", "target value")
    base = _number(params, "base")
    size = _number(params, "step_size", positive=True)
    up, down = _number(params, "step_up", low=0.0), _number(params, "step_down", low=0.0)
    top = _number(params, "max", float(full_score), low=0.0)
    bottom = _number(params, "min", 0.0, low=0.0, high=top)
    steps = _whole_steps(actual, target, size)
    better = actual < target if lower else actual > target
    raw = base + steps * up if better else base - steps * down
    points = _clamp(raw, bottom, top)
    a, t, s = _fmt(actual), _fmt(target), _fmt(size)
    if steps == 0:
        zh = f"完成值 {a} 与目标值 {t} 相差不足一档（每档 {s}），得基础分 {_fmt(base)}"
        en = f"actual {a} is within one step ({s}) of target {t}: base {_fmt(base)} points"
    else:
        word, word_en, op, step = ("好", "better", "+", up) if better else (
            "差", "worse", "−", down)
        zh = (f"完成值 {a} 比目标值 {t} {word} {steps} 档（每档 {s}），"
              f"得分 = {_fmt(base)} {op} {steps} × {_fmt(step)} = {_fmt(raw)}")
        en = (f"actual {a} is {steps} full steps of {s} {word_en} than target {t}: "
              f"points = {_fmt(base)} {op} {steps} × {_fmt(step)} = {_fmt(raw)}")
    if points != raw:
        zh += f"，限定在 {_fmt(bottom)}–{_fmt(top)} 之间为 {_fmt(points)}"
        en += f", kept within {_fmt(bottom)}–{_fmt(top)}: {_fmt(points)}"
    return Scored(points, zh, en, {"actual": actual, "target": target,
                                   "steps": steps if better else -steps})


def _tiers(params: Mapping[str, Any], lower: bool) -> list[tuple[float, float]]:
    """Read tiers as (threshold, points), from the first tier reached to the best."""
    tiers = params.get("tiers")
    if not isinstance(tiers, list | tuple) or not tiers:
        raise SchemeError("评分参数 tiers 缺失", "scoring parameter 'tiers' is missing")
    pairs = [(_number(tier, "min"), _number(tier, "points", low=0.0)) for tier in tiers]
    return sorted(pairs, key=lambda pair: pair[0], reverse=lower)


def tiered(inputs: Inputs, params: Mapping[str, Any], full_score: float,
           direction: str) -> Scored:
    """Points of the best tier reached (≥ min, or ≤ when lower), optionally interpolated."""
    lower = _is_lower(direction)
    actual = _need(inputs.actual, "完成值", "actual value")
    full = float(full_score)
    used: dict[str, Any] = {"actual": actual}
    show: Callable[[float], str]
    basis = params.get("basis", "value")
    if basis == "ratio":
        target = _need(inputs.target, "目标值", "target value")
        if target == 0:
            raise KaoheError("目标值为 0，无法按完成比例分档",
                             "target is 0: the completion ratio cannot be tiered")
        x, show = actual / target, _pct
        what = f"完成比例 {_pct(x)}（完成值 {_fmt(actual)} ÷ 目标值 {_fmt(target)}）"
        what_en = f"ratio {_pct(x)} (actual {_fmt(actual)} ÷ target {_fmt(target)})"
        used.update(target=target, ratio=round(x, 4))
    elif basis == "value":
        x, show = actual, _fmt
        what, what_en = f"完成值 {_fmt(actual)}", f"actual {_fmt(actual)}"
    else:
        raise SchemeError(f"评分参数 basis 应为 value 或 ratio：{basis!r}",
                          f"scoring parameter 'basis' must be 'value' or 'ratio': {basis!r}")
    tiers = _tiers(params, lower)
    sign = "≤" if lower else "≥"
    reached = sum(1 for threshold, _ in tiers if _meets(x, threshold, lower))
    if reached == 0:
        zh = f"{what} 未达到最低档（{sign} {show(tiers[0][0])}），得 0 分"
        en = f"{what_en} is below the first tier ({sign} {show(tiers[0][0])}): 0 points"
        return Scored(0.0, zh, en, {**used, "tier": 0})
    low_x, low_p = tiers[reached - 1]
    if params.get("interpolate") and reached < len(tiers):
        high_x, high_p = tiers[reached]
        share = _clamp((x - low_x) / (high_x - low_x), 0.0, 1.0)
        raw = low_p + share * (high_p - low_p)
        zh = (f"{what} 介于 {show(low_x)}（{_fmt(low_p)} 分）与 {show(high_x)}（{_fmt(high_p)} 分）"
              f"之间，插值得分 = {_fmt(low_p)} + {_pct(share)} × ({_fmt(high_p)} − {_fmt(low_p)})"
              f" = {_fmt(raw)}")
        en = (f"{what_en} lies between {show(low_x)} ({_fmt(low_p)} points) and {show(high_x)} "
              f"({_fmt(high_p)} points): interpolated {_fmt(low_p)} + {_pct(share)} × "
              f"({_fmt(high_p)} − {_fmt(low_p)}) = {_fmt(raw)}")
    else:
        raw = low_p
        zh = f"{what} 达到「{sign} {show(low_x)}」档，得 {_fmt(raw)} 分"
        en = f"{what_en} reaches the tier '{sign} {show(low_x)}': {_fmt(raw)} points"
    points = min(raw, full)
    if points != raw:
        zh += f"，以满分 {_fmt(full)} 为限"
        en += f", limited to the full {_fmt(full)}"
    return Scored(points, zh, en, {**used, "tier": reached})


def efficacy(inputs: Inputs, params: Mapping[str, Any], full_score: float,
             direction: str) -> Scored:
    """Efficacy coefficient: full × (base_share + (1 − base_share) × position worst→best)."""
    lower = _is_lower(direction)
    x = _need(inputs.actual, "完成值", "actual value")
    share = _number(params, "base_share", 0.6, low=0.0, high=1.0)
    full = float(full_score)
    if params.get("use_group"):
        peers = _peers(inputs)
        worst, best = (max(peers), min(peers)) if lower else (min(peers), max(peers))
        where, where_en = "同组", "group "
    else:
        worst, best = _number(params, "worst"), _number(params, "best")
        where, where_en = "", ""
        if best != worst and (best < worst) != lower:
            raise SchemeError(f"评分参数 best {_fmt(best)} 与 worst {_fmt(worst)} 和方向 "
                              f"{direction} 矛盾", f"parameters best {_fmt(best)} and worst "
                              f"{_fmt(worst)} contradict direction {direction!r}")
    used = {"actual": x, "worst": worst, "best": best}
    if best == worst:
        zh = f"{where}最差值与最好值相同（{_fmt(best)}），得满分 {_fmt(full)}"
        en = f"{where_en}worst and best are equal ({_fmt(best)}): full {_fmt(full)} points"
        return Scored(full, zh, en, {**used, "position": 1.0})
    position = _clamp((x - worst) / (best - worst), 0.0, 1.0)
    points = min(full * (share + (1 - share) * position), full)
    formula = (f"{_fmt(full)} × ({_pct(share)} + {_pct(1 - share)} × {_pct(position)})"
               f" = {_fmt(points)}")
    zh = (f"完成值 {_fmt(x)} 位于{where}最差值 {_fmt(worst)} 至最好值 {_fmt(best)} 的 "
          f"{_pct(position)} 处，得分 = {formula}")
    en = (f"actual {_fmt(x)} lies at {_pct(position)} from {where_en}worst {_fmt(worst)} to "
          f"best {_fmt(best)}: points = {formula}")
    return Scored(points, zh, en, {**used, "position": round(position, 4)})


def benchmark(inputs: Inputs, params: Mapping[str, Any], full_score: float,
              direction: str) -> Scored:
    """Benchmark against the group's best: full × x ÷ max (lower: full × min ÷ x)."""
    lower = _is_lower(direction)
    x = _need(inputs.actual, "完成值", "actual value")
    peers = _peers(inputs)
    full = float(full_score)
    best = min(peers) if lower else max(peers)
    name, name_en = ("同组最低值", "the group's lowest") if lower else ("同组最高值",
                                                                     "the group's highest")
    b, a = _fmt(best), _fmt(x)
    if best <= 0:  # no ratio against a benchmark at or below 0: reaching it is all or nothing
        met = _meets(x, best, lower)
        points = full if met else 0.0
        zh = (f"{name} {b} 不大于 0，不按比例计算：完成值 {a} {'达到' if met else '未达到'}"
              f"{name}，得 {_fmt(points)} 分")
        en = (f"{name_en} value {b} is not above 0, so no ratio: actual {a} "
              f"{'reaches' if met else 'misses'} it: {_fmt(points)} points")
    elif x <= 0:  # past zero: better than any positive value when lower, worse when higher
        points = full if lower else 0.0
        zh = (f"完成值 {a} 不大于 0，{'优于' if lower else '低于'}{name} {b}，"
              f"得 {_fmt(points)} 分")
        en = (f"actual {a} is not above 0, {'better' if lower else 'worse'} than {name_en} "
              f"value {b}: {_fmt(points)} points")
    else:
        ratio = best / x if lower else x / best
        points = full * min(ratio, 1.0)
        shown = f"{b} ÷ {a}" if lower else f"{a} ÷ {b}"
        zh = f"对标{name} {b}，得分 = {_fmt(full)} × {shown} = {_fmt(full * ratio)}"
        en = f"against {name_en} value {b}: points = {_fmt(full)} × {shown} = {_fmt(full * ratio)}"
        if ratio > 1:
            zh += f"，以满分 {_fmt(full)} 为限"
            en += f", limited to the full {_fmt(full)}"
    return Scored(points, zh, en, {"actual": x, "benchmark": best})


def rank_points(inputs: Inputs, params: Mapping[str, Any], full_score: float,
                direction: str) -> Scored:
    """Points by place in the group: full − (rank − 1) × step, not below min; ties share a place."""
    lower = _is_lower(direction)
    x = _need(inputs.actual, "完成值", "actual value")
    peers = _peers(inputs)
    full = float(full_score)
    step = _number(params, "step", full / len(peers), low=0.0)
    bottom = _number(params, "min", 0.0, low=0.0)
    rank, tied = place(x, peers, lower)
    raw = full - (rank - 1) * step
    points = _clamp(raw, min(bottom, full), full)
    tie_zh, tie_en = ("（并列取最好名次）", " (tied: the best place)") if tied else ("", "")
    zh = (f"同组 {len(peers)} 个单位中排第 {rank} 名{tie_zh}，"
          f"得分 = {_fmt(full)} − ({rank} − 1) × {_fmt(step)} = {_fmt(raw)}")
    en = (f"place {rank} of {len(peers)} in the group{tie_en}: "
          f"points = {_fmt(full)} − ({rank} − 1) × {_fmt(step)} = {_fmt(raw)}")
    if points != raw:
        zh += f"，不低于 {_fmt(bottom)}，为 {_fmt(points)}"
        en += f", at least {_fmt(bottom)}: {_fmt(points)}"
    return Scored(points, zh, en, {"actual": x, "rank": rank, "group_size": len(peers)})


def pass_fail(inputs: Inputs, params: Mapping[str, Any], full_score: float,
              direction: str) -> Scored:
    """Full points when the target is met (≥, or ≤ when lower is better), else fail_points."""
    lower = _is_lower(direction)
    actual = _need(inputs.actual, "完成值", "actual value")
    target = _need(inputs.target, "目标值", "target value")
    full = float(full_score)
    fail = min(_number(params, "fail_points", 0.0, low=0.0), full)
    met = _meets(actual, target, lower)
    a, t, sign = _fmt(actual), _fmt(target), "≤" if lower else "≥"
    if met:
        points = full
        zh = f"完成值 {a} {sign} 目标值 {t}，达标，得满分 {_fmt(full)}"
        en = f"actual {a} {sign} target {t}: met, full {_fmt(full)} points"
    else:
        points = fail
        zh = f"完成值 {a} 未达到目标值 {t}（应 {sign} {t}），得 {_fmt(fail)} 分"
        en = f"actual {a} misses target {t} (needs {sign} {t}): {_fmt(fail)} points"
    return Scored(points, zh, en, {"actual": actual, "target": target, "met": met})


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
    en = f"rated {label!r}: points = {_fmt(full)} × {_pct(share)} = {_fmt(points)}"
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
    out_en = ", ".join(f"{_fmt(v)} {k!r}" for k, v in left_out.items() if v)
    zh = (f"满意度 = ({' + '.join(terms)}) ÷ {_fmt(valid)} = {_fmt(score)}"
          f"{f'（{out_zh}不计入）' if out_zh else ''}，"
          f"得分 = {_fmt(full)} × {_fmt(score)}% = {_fmt(points)}")
    en = (f"satisfaction = ({' + '.join(terms)}) ÷ {_fmt(valid)} = {_fmt(score)}"
          f"{f' ({out_en} not counted)' if out_en else ''}, "
          f"points = {_fmt(full)} × {_fmt(score)}% = {_fmt(points)}")
    return Scored(points, zh, en, {"counts": dict(inputs.counts or {}), "valid": valid,
                                   "excluded": left_out, "score": round(score, 4)})


SCORERS.update({
    "completion": completion, "base_step": base_step, "tiered": tiered, "efficacy": efficacy,
    "benchmark": benchmark, "rank_points": rank_points, "pass_fail": pass_fail,
    "deduction": deduction, "bonus": bonus, "rating": rating, "ballot": ballot,
    "satisfaction": satisfaction,
})
