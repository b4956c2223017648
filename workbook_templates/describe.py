"""One-sentence descriptions of an indicator's scoring rule, for the 计分方法及标准 column."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kaohe.engine.model import Indicator
from kaohe.engine.numbers import fmt
from workbook_templates.formulas import tier_list

__all__ = ["describe", "DESCRIBERS"]

Text = tuple[str, str]


def _n(value: Any, default: float | None = None) -> str:
    number = default if value is None else value
    return "—" if number is None else fmt(float(number), 4)


def _completion(ind: Indicator, p: Mapping[str, Any]) -> Text:
    cap = _n(p.get("cap"), 1.0)
    cap_pct = fmt(float(p.get("cap") or 1.0) * 100)
    if ind.direction == "lower":
        return (f"完成率法（越低越好）：得分 = 满分 × 目标值 ÷ 完成值，完成率最高按 {cap_pct}% 计",
                f"Completion (lower is better): full × target ÷ actual, rate capped at {cap}")
    return (f"完成率法：得分 = 满分 × 完成值 ÷ 目标值，完成率最高按 {cap_pct}% 计",
            f"Completion: full × actual ÷ target, rate capped at {cap}")


def _base_step(ind: Indicator, p: Mapping[str, Any]) -> Text:
    base, size, up, down = _n(p.get("base")), _n(p.get("step_size")), _n(p.get("step_up"), 0), \
        _n(p.get("step_down"), 0)
    top, bottom = _n(p.get("max"), ind.full_score), _n(p.get("min"), 0)
    unit = ind.measure_unit or ""
    more, less = ("少", "多") if ind.direction == "lower" else ("超", "少")
    return (f"基准分法：完成目标得 {base} 分；每{more} {size}{unit} 加 {up} 分，"
            f"每{less} {size}{unit} 扣 {down} 分；最高 {top} 分，最低 {bottom} 分",
            f"Base and steps: {base} at the target; +{up} per full {size} better, "
            f"−{down} per full {size} worse; between {bottom} and {top}")


def _tiered(ind: Indicator, p: Mapping[str, Any]) -> Text:
    lower = ind.direction == "lower"
    tiers = tier_list(p, lower) or []
    ratio = p.get("basis") == "ratio"

    def show(x: float) -> str:
        return f"{fmt(x * 100)}%" if ratio else f"{fmt(x, 4)}{ind.measure_unit or ''}"

    word, word_en = ("不高于", "at most") if lower else ("达到", "reaching")
    what = "完成比例" if ratio else "完成值"
    parts = "，".join(f"{word} {show(x)} 得 {_n(pts)} 分" for x, pts in reversed(tiers))
    parts_en = "; ".join(f"{word_en} {show(x)}: {_n(pts)}" for x, pts in reversed(tiers))
    interp = "，档间按比例插值" if p.get("interpolate") else ""
    interp_en = ", interpolated between tiers" if p.get("interpolate") else ""
    return (f"分档计分（{what}）：{parts}{interp}；最低档以下得 0 分",
            f"Tiers ({'ratio' if ratio else 'value'}): {parts_en}{interp_en}; below: 0")


def _efficacy(ind: Indicator, p: Mapping[str, Any]) -> Text:
    given = p.get("base_share")
    share = float(given) if given is not None else 0.6
    s, r = fmt(share * 100), fmt((1 - share) * 100)
    if p.get("use_group"):
        return (f"功效系数法：以同组最差、最好值为界，得分 = 满分 × ({s}% + {r}% × 位置)，"
                "由考核办汇总后统一计算",
                f"Efficacy: between the group's worst and best, full × ({s}% + {r}% × "
                "position); computed by the office")
    low = "（越低越好）" if ind.direction == "lower" else ""
    return (f"功效系数法{low}：不允许值 {_n(p.get('worst'))}，满意值 {_n(p.get('best'))}，"
            f"得分 = 满分 × ({s}% + {r}% × 位置)",
            f"Efficacy: worst {_n(p.get('worst'))}, best {_n(p.get('best'))}, "
            f"full × ({s}% + {r}% × position)")


def _benchmark(ind: Indicator, p: Mapping[str, Any]) -> Text:
    if ind.direction == "lower":
        return ("标杆法（越低越好）：得分 = 满分 × 同组最低值 ÷ 完成值，由考核办汇总后统一计算",
                "Benchmark: full × group's lowest ÷ actual; computed by the office")
    return ("标杆法：得分 = 满分 × 完成值 ÷ 同组最高值，由考核办汇总后统一计算",
            "Benchmark: full × actual ÷ group's highest; computed by the office")


def _rank_points(ind: Indicator, p: Mapping[str, Any]) -> Text:
    step = _n(p.get("step")) if p.get("step") is not None else "满分 ÷ 单位数"
    step_en = _n(p.get("step")) if p.get("step") is not None else "full ÷ units"
    return (f"排位赋分：同组第 1 名得满分，每后移一位扣 {step} 分，最低 {_n(p.get('min'), 0)} 分，"
            "由考核办汇总后统一计算",
            f"Rank points: first place full, −{step_en} per place, at least "
            f"{_n(p.get('min'), 0)}; computed by the office")


def _pass_fail(ind: Indicator, p: Mapping[str, Any]) -> Text:
    sign = "≤" if ind.direction == "lower" else "≥"
    fail = _n(p.get("fail_points"), 0)
    return (f"达标制：完成值 {sign} 目标值得满分，否则得 {fail} 分",
            f"Pass/fail: actual {sign} target earns full, otherwise {fail}")


def _deduction(ind: Indicator, p: Mapping[str, Any]) -> Text:
    unit = ind.measure_unit or "次"
    return (f"扣分制：每发生 1 {unit}扣 {_n(p.get('per_incident'))} 分，扣完为止"
            f"（最低 {_n(p.get('floor'), 0)} 分）",
            f"Deduction: −{_n(p.get('per_incident'))} per incident, not below "
            f"{_n(p.get('floor'), 0)}")


def _bonus(ind: Indicator, p: Mapping[str, Any]) -> Text:
    cap = _n(p.get("cap"), ind.full_score)
    return (f"加分制：每项加 {_n(p.get('per_item'))} 分，最多加 {cap} 分",
            f"Bonus: +{_n(p.get('per_item'))} per item, at most {cap}")


def _rating(ind: Indicator, p: Mapping[str, Any]) -> Text:
    ratings = p.get("ratings") or {}
    zh = "、".join(f"{k} {fmt(float(v) * 100)}%" for k, v in ratings.items())
    en = ", ".join(f"{k} {fmt(float(v) * 100)}%" for k, v in ratings.items())
    return (f"定性评价：按评定等次得满分的 {zh}", f"Rating: share of full by rating — {en}")


def _ballot(ind: Indicator, p: Mapping[str, Any]) -> Text:
    return ("测评计票：按各档次票数加权平均，由考核办统计", "Ballot: weighted mean of the votes")


def _satisfaction(ind: Indicator, p: Mapping[str, Any]) -> Text:
    return ("满意度测评：按各选项票数加权平均（“不了解”不计入），由考核办统计",
            "Satisfaction: weighted mean of the answers (don't-know excluded)")


DESCRIBERS: dict[str, Callable[[Indicator, Mapping[str, Any]], Text]] = {
    "completion": _completion, "base_step": _base_step, "tiered": _tiered,
    "efficacy": _efficacy, "benchmark": _benchmark, "rank_points": _rank_points,
    "pass_fail": _pass_fail, "deduction": _deduction, "bonus": _bonus, "rating": _rating,
    "ballot": _ballot, "satisfaction": _satisfaction,
}


def describe(ind: Indicator, lang: str = "zh") -> str:
    """The indicator's scoring rule in one sentence, e.g. "达标制：完成值 ≥ 目标值得满分"."""
    maker = DESCRIBERS.get(ind.method)
    if maker is None:
        return ind.method
    zh, en = maker(ind, ind.params)
    return en if lang == "en" else zh
