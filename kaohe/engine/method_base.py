"""What every scoring method shares: Inputs, Scored, the Scorer type, the number format of
explanations, and the readers of inputs and parameters that turn a gap into a clear error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kaohe.engine.places import meets
from kaohe.errors import MissingInput, SchemeError

__all__ = ["Inputs", "Scored", "Scorer"]


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


# -- helpers --------------------------------------------------------------------------------

_CENT = Decimal("0.01")


_FMT_SEEN: dict[float | int, str] = {}


def _fmt(x: float) -> str:
    """Format a number for an explanation: at most 2 decimals (half up), no trailing zeros."""
    # Explanations repeat a few numbers thousands of times: each float's text is kept (floats
    # that compare equal format alike, 0.0 and -0.0 both as "0").
    known = type(x) is float or type(x) is int
    if known and (seen := _FMT_SEEN.get(x)) is not None:
        return seen
    if not math.isfinite(x) or abs(x) >= 1e15:
        return f"{x:g}"
    text = f"{Decimal(repr(x)).quantize(_CENT, ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    if known and len(_FMT_SEEN) < 65_536:
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
