"""Scoring methods on a measured value: against its target (completion, base_step, tiered,
pass_fail), against fixed or group bounds (efficacy), or against the group (benchmark,
rank_points). Registered by name in kaohe.engine.methods.SCORERS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from kaohe.engine.method_base import (
    Inputs,
    Scored,
    _clamp,
    _fmt,
    _is_lower,
    _meets,
    _need,
    _number,
    _pct,
    _peers,
)
from kaohe.engine.places import place
from kaohe.errors import KaoheError, SchemeError

__all__ = ["completion", "base_step", "tiered", "efficacy", "benchmark", "rank_points",
           "pass_fail"]


def _whole_steps(actual: float, target: float, size: float) -> int:
    """Count the full steps of `size` between actual and target, exactly on their decimal forms."""
    # Decimal on repr() so 7.3 − 7.0 is 3 steps of 0.1, not 2.9999999999999982.
    gap = abs(Decimal(repr(actual)) - Decimal(repr(target)))
    return int(gap / Decimal(repr(size)))


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
