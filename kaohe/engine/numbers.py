"""Decimal-safe rounding: the one place totals are rounded before they are compared."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

__all__ = ["round_score", "round_count", "fmt"]

_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
_ROUNDED: dict[tuple[float, int, str], float] = {}
_COUNT_MODES = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "round_half_up": ROUND_HALF_UP}


def round_score(value: float, digits: int = 2, mode: str = "half_up") -> float:
    """Round as an accountant would: via the shortest decimal repr, so 0.1+0.2 rounds like 0.3.

    >>> round_score(2.675, 2)
    2.68
    """
    # repr() gives the shortest string that round-trips; 0.30000000000000004 keeps its noise
    # only beyond 15 significant digits, which quantize to `digits` removes first.
    number = float(value)
    # Scores repeat: each result is kept, except for zeros (0.0 and -0.0 compare equal but
    # round to differently signed zeros) and NaN (never equal to itself).
    key = (number, digits, mode)
    if (seen := _ROUNDED.get(key)) is not None:
        return seen
    exact = Decimal(repr(number))
    coarse = exact.quantize(Decimal(1).scaleb(-12), rounding=ROUND_HALF_EVEN)
    rounded = float(coarse.quantize(Decimal(1).scaleb(-digits), rounding=_MODES[mode]))
    if number and len(_ROUNDED) < 65_536:
        _ROUNDED[key] = rounded
    return rounded


def round_count(value: float, rounding: str) -> int:
    """A quota's number of places from share × group size (floor, ceil or half-up)."""
    exact = Decimal(repr(float(value))).quantize(Decimal("1e-9"))
    return int(exact.quantize(Decimal(1), rounding=_COUNT_MODES[rounding]))


_FMT: dict[tuple[float, int], str] = {}


def fmt(value: float | None, digits: int = 2) -> str:
    """A compact number for explanations: at most `digits` decimals, no trailing zeros."""
    if value is None:
        return "—"
    # explanations repeat a few numbers thousands of times: each one's text is kept (numbers
    # that compare equal format alike: 0.0 and -0.0 both as "0"; NaN is never found again)
    key = (value, digits)
    if (seen := _FMT.get(key)) is not None:
        return seen
    text = f"{round_score(value, digits):.{digits}f}".rstrip("0").rstrip(".")
    text = "0" if text in {"-0", ""} else text
    if len(_FMT) < 65_536:
        _FMT[key] = text
    return text
