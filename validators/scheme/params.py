"""Scheme checks of method parameters: tiers ordered, worst ≠ best, floors under the full
score, targets where a method needs one."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from validators.report import WARNING, Issue
from validators.scheme.common import TOLERANCE, as_number, finding_at, items_of, show

__all__ = ["method_params", "PARAM_CHECKS"]

_NEEDS_TARGET = {"completion", "base_step", "pass_fail"}

def method_params(doc: Mapping[str, Any]) -> Iterator[Issue]:
    """Parameters make sense together: tiers ordered, worst ≠ best, floors under the full score…"""
    groups_units: dict[str, list[str]] = {}
    for _, unit in items_of(doc, "units"):
        groups_units.setdefault(str(unit.get("group")), []).append(str(unit.get("id")))
    for index, ind in items_of(doc, "indicators"):
        raw = ind.get("params")
        params: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        full = as_number(ind.get("full_score"))
        method = ind.get("method")
        check = PARAM_CHECKS.get(str(method))
        if check is None or full is None:
            continue
        for issue in check(params, full, ind.get("direction", "higher"), ("indicators", index)):
            yield issue.located(indicator_id=str(ind.get("id", "")))
        if method in _NEEDS_TARGET or (method == "tiered" and params.get("basis") == "ratio"):
            yield from _targets(ind, index, groups_units)


def _targets(ind: Mapping[str, Any], index: int,
             groups_units: Mapping[str, list[str]]) -> Iterator[Issue]:
    raw = ind.get("targets")
    targets: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    if as_number(ind.get("target")) is not None:
        return
    missing = [u for g in ind.get("groups") or [] for u in groups_units.get(str(g), [])
               if as_number(targets.get(u)) is None]
    if missing:
        shown = "、".join(missing[:5]) + ("…" if len(missing) > 5 else "")
        yield finding_at("missing-target", ("indicators", index, "target"),
                         indicator_id=str(ind.get("id", "")), method=ind.get("method"),
                         units=shown, count=len(missing))


ParamCheck = Callable[[Mapping[str, Any], float, str, tuple[str | int, ...]], Iterator[Issue]]


def _tiered(params: Mapping[str, Any], full: float, direction: str,
            path: tuple[str | int, ...]) -> Iterator[Issue]:
    raw = params.get("tiers")
    tiers: list[Any] = raw if isinstance(raw, list) else []
    lower = direction == "lower"
    last_min: float | None = None
    last_points: float | None = None
    for t_index, tier in enumerate(tiers):
        if not isinstance(tier, Mapping):
            continue
        here = (*path, "params", "tiers", t_index)
        low, points = as_number(tier.get("min")), as_number(tier.get("points"))
        if low is not None and last_min is not None:
            if low == last_min or (low < last_min) != lower:
                yield finding_at("tiers-order", (*here, "min"), value=low, low=show(low),
                                 previous=show(last_min),
                                 order="从高到低" if lower else "从低到高",
                                 order_en="descending" if lower else "ascending")
        if points is not None and points > full + TOLERANCE:
            yield finding_at("points-above-full", (*here, "points"), value=points,
                             points=show(points), full=show(full))
        elif points is not None and last_points is not None and points < last_points:
            yield finding_at("tiers-points", (*here, "points"), value=points, points=show(points),
                             previous=show(last_points))
        last_min = low if low is not None else last_min
        last_points = points if points is not None else last_points


def _efficacy(params: Mapping[str, Any], full: float, direction: str,
              path: tuple[str | int, ...]) -> Iterator[Issue]:
    worst, best = as_number(params.get("worst")), as_number(params.get("best"))
    if params.get("use_group") or worst is None or best is None:
        return
    if worst == best:
        yield finding_at("worst-equals-best", (*path, "params", "best"), value=best,
                         value_text=show(best))
    elif (best < worst) != (direction == "lower"):
        yield finding_at("worst-best-direction", (*path, "params", "best"), severity=WARNING,
                         value=best, worst=show(worst), best=show(best),
                         direction="越低越好" if direction == "lower" else "越高越好",
                         direction_en=direction)


def _base_step(params: Mapping[str, Any], full: float, direction: str,
               path: tuple[str | int, ...]) -> Iterator[Issue]:
    top = as_number(params.get("max", full))
    bottom = as_number(params.get("min", 0))
    base = as_number(params.get("base"))
    if top is not None and top > full + TOLERANCE:
        yield finding_at("points-above-full", (*path, "params", "max"), value=top, points=show(top),
                         full=show(full))
    if top is not None and bottom is not None and bottom > top:
        yield finding_at("floor-above-full", (*path, "params", "min"), value=bottom,
                         floor=show(bottom), full=show(top))
    if base is not None and top is not None and bottom is not None and not bottom <= base <= top:
        yield finding_at("base-out-of-range", (*path, "params", "base"), value=base,
                         base=show(base), low=show(bottom), high=show(top))


def _floor_param(name: str) -> ParamCheck:
    def check(params: Mapping[str, Any], full: float, direction: str,
              path: tuple[str | int, ...]) -> Iterator[Issue]:
        floor = as_number(params.get(name))
        if floor is not None and floor > full + TOLERANCE:
            yield finding_at("floor-above-full", (*path, "params", name), value=floor,
                             floor=show(floor), full=show(full))
    return check


def _bonus(params: Mapping[str, Any], full: float, direction: str,
           path: tuple[str | int, ...]) -> Iterator[Issue]:
    cap, per_item = as_number(params.get("cap")), as_number(params.get("per_item"))
    if cap is not None and per_item is not None and per_item > cap:
        yield finding_at("per-item-above-cap", (*path, "params", "per_item"), severity=WARNING,
                         value=per_item, per_item=show(per_item), cap=show(cap))


def _rating(params: Mapping[str, Any], full: float, direction: str,
            path: tuple[str | int, ...]) -> Iterator[Issue]:
    ratings = params.get("ratings")
    shares = [as_number(v) for v in ratings.values()] if isinstance(ratings, Mapping) else []
    if shares and None not in shares and max(s for s in shares if s is not None) < 1:
        yield finding_at("rating-no-full", (*path, "params", "ratings"), severity=WARNING,
                         best=show(max(s for s in shares if s is not None)))


PARAM_CHECKS: dict[str, ParamCheck] = {
    "tiered": _tiered,
    "efficacy": _efficacy,
    "base_step": _base_step,
    "deduction": _floor_param("floor"),
    "pass_fail": _floor_param("fail_points"),
    "rank_points": _floor_param("min"),
    "bonus": _bonus,
    "rating": _rating,
}
