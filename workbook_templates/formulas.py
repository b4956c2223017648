"""Excel formula text for quick recalculation: one pure maker per scoring method, in FORMULAS.

A maker mirrors the method in kaohe.engine.methods step by step (same operations in the
same order, same float tolerances), so Excel / LibreOffice show the points the engine will
compute. It returns the bare expression, or None when a formula cannot know the answer
(group-relative methods, a missing target): the template then shows "由考核办计算".
`points_formula` adds the guards (blank input -> blank, N/A -> "不适用").
Only Excel 2007 functions are used: IF, ISNUMBER, MIN, MAX, INT, ROUND, ABS, TRIM, SUM,
COUNT, AVERAGE.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Refs", "FORMULAS", "METHOD_INPUT", "lit", "points_formula", "raters_formula",
           "tally_formula", "average_formula", "tier_list"]


@dataclass(frozen=True)
class Refs:
    """Where a row's inputs are: cell references (\"I7\") or number literals (\"8\")."""

    actual: str = ""
    target: str = ""
    full: str = ""
    rating: str = ""
    count: str = ""


FormulaMaker = Callable[[Refs, Mapping[str, Any], float, str, "float | None"], "str | None"]

#: Which input a method reads: actual (a number), count (incidents/items) or rating (a label).
METHOD_INPUT: dict[str, str] = {
    "completion": "actual", "base_step": "actual", "tiered": "actual", "efficacy": "actual",
    "benchmark": "actual", "rank_points": "actual", "pass_fail": "actual",
    "deduction": "count", "bonus": "count", "rating": "rating",
    "ballot": "counts", "satisfaction": "counts",
}


def lit(x: float) -> str:
    """A number as an Excel literal: shortest round-trip digits, upper-case exponent."""
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {x!r}")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}E{int(exponent)}"
    return text if value >= 0 else f"({text})"


def _param(params: Mapping[str, Any], name: str, default: float | None = None) -> float | None:
    value = params.get(name)
    value = default if value is None else value
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _tol(threshold: float) -> str:
    """The engine's tolerance for "reaches the target" (methods._meets), as formula text."""
    # The same product the engine computes, 1e-9 × max(1, |threshold|), so the spreadsheet
    # rounds it exactly as Python does.
    scale = max(1.0, abs(threshold))
    return "1E-9" if scale == 1.0 else f"1E-9*{lit(scale)}"


def _reaches(x: str, threshold: str, tol: str, lower: bool) -> str:
    return f"{x}<={threshold}+{tol}" if lower else f"{x}>={threshold}-{tol}"


def completion(refs: Refs, params: Mapping[str, Any], full: float, direction: str,
               target: float | None) -> str | None:
    """full × min(max(actual ÷ target, 0), cap); target ÷ actual when lower is better."""
    cap = _param(params, "cap", 1.0)
    if target is None or cap is None:
        return None
    a, t, f, lower = refs.actual, refs.target, refs.full, direction == "lower"
    if target == 0:
        return f"IF({_reaches(a, '0', _tol(0.0), lower)},{f},0)"
    if lower == (target > 0):  # the ratio is target ÷ actual
        return f"IF({a}*{t}<=0,{f}*{lit(cap)},{f}*MIN(MAX({t}/{a},0),{lit(cap)}))"
    return f"{f}*MIN(MAX({a}/{t},0),{lit(cap)})"


def base_step(refs: Refs, params: Mapping[str, Any], full: float, direction: str,
              target: float | None) -> str | None:
    """base ± whole steps × step points, kept within [min, max]."""
    base, size = _param(params, "base"), _param(params, "step_size")
    up, down = _param(params, "step_up", 0.0), _param(params, "step_down", 0.0)
    top, bottom = _param(params, "max", full), _param(params, "min", 0.0)
    if None in (base, size, up, down, top, bottom) or target is None or not size:
        return None
    assert base is not None and size is not None and up is not None and down is not None
    assert top is not None and bottom is not None
    a, t = refs.actual, refs.target
    # ROUND(…, 9) absorbs float noise (7.3 − 7.0 = 0.29999…98); the engine uses exact decimals.
    steps = f"INT(ROUND(ABS({a}-{t})/{lit(size)},9))"
    better = f"{a}<{t}" if direction == "lower" else f"{a}>{t}"
    raw = f"IF({better},{lit(base)}+{steps}*{lit(up)},{lit(base)}-{steps}*{lit(down)})"
    return f"MIN(MAX({raw},{lit(bottom)}),{lit(top)})"


def tier_list(params: Mapping[str, Any], lower: bool) -> list[tuple[float, float]] | None:
    """Tiers as (threshold, points) from the first reached to the best, as the engine sorts."""
    tiers = params.get("tiers")
    if not isinstance(tiers, list | tuple) or not tiers:
        return None
    pairs = []
    for tier in tiers:
        low, points = _param(tier, "min"), _param(tier, "points")
        if low is None or points is None:
            return None
        pairs.append((low, points))
    return sorted(pairs, key=lambda pair: pair[0], reverse=lower)


def tiered(refs: Refs, params: Mapping[str, Any], full: float, direction: str,
           target: float | None) -> str | None:
    """Points of the best tier reached, optionally interpolated; never above full."""
    lower = direction == "lower"
    tiers = tier_list(params, lower)
    basis = params.get("basis", "value")
    if tiers is None or basis not in ("value", "ratio"):
        return None
    if basis == "ratio":
        if not target:
            return None
        x = f"({refs.actual}/{refs.target})"
    else:
        x = refs.actual
    expr = "0"
    for i, (low_x, low_p) in enumerate(tiers):
        if params.get("interpolate") and i + 1 < len(tiers):
            high_x, high_p = tiers[i + 1]
            share = f"MIN(MAX(({x}-{lit(low_x)})/({lit(high_x)}-{lit(low_x)}),0),1)"
            branch = f"{lit(low_p)}+{share}*({lit(high_p)}-{lit(low_p)})"
        else:
            branch = lit(low_p)
        expr = f"IF({_reaches(x, lit(low_x), _tol(low_x), lower)},{branch},{expr})"
    return f"MIN({expr},{refs.full})"


def efficacy(refs: Refs, params: Mapping[str, Any], full: float, direction: str,
             target: float | None) -> str | None:
    """full × (share + (1 − share) × position between fixed worst and best)."""
    if params.get("use_group"):
        return None  # worst and best come from the whole group: only the office knows them
    worst, best = _param(params, "worst"), _param(params, "best")
    share = _param(params, "base_share", 0.6)
    if worst is None or best is None or share is None:
        return None
    if best == worst:
        return refs.full
    if (best < worst) != (direction == "lower"):
        return None  # the engine rejects such parameters
    w, b, s = lit(worst), lit(best), lit(share)
    position = f"MIN(MAX(({refs.actual}-{w})/({b}-{w}),0),1)"
    return f"{refs.full}*({s}+(1-{s})*{position})"


def pass_fail(refs: Refs, params: Mapping[str, Any], full: float, direction: str,
              target: float | None) -> str | None:
    """Full points when the target is met, else fail_points (at most full)."""
    fail = _param(params, "fail_points", 0.0)
    if target is None or fail is None:
        return None
    reached = _reaches(refs.actual, refs.target, _tol(target), direction == "lower")
    return f"IF({reached},{refs.full},{lit(min(fail, full))})"


def deduction(refs: Refs, params: Mapping[str, Any], full: float, direction: str,
              target: float | None) -> str | None:
    """full − count × per_incident, not below the floor (扣完为止)."""
    per, floor = _param(params, "per_incident"), _param(params, "floor", 0.0)
    if per is None or floor is None:
        return None
    return f"MAX({refs.full}-{refs.count}*{lit(per)},{lit(min(floor, full))})"


def bonus(refs: Refs, params: Mapping[str, Any], full: float, direction: str,
          target: float | None) -> str | None:
    """count × per_item, at most the cap (default full)."""
    per, cap = _param(params, "per_item"), _param(params, "cap", full)
    if per is None or cap is None:
        return None
    return f"MIN({refs.count}*{lit(per)},{lit(cap)})"


def _text(label: str) -> str:
    return '"' + label.replace('"', '""') + '"'


def rating(refs: Refs, params: Mapping[str, Any], full: float, direction: str,
           target: float | None) -> str | None:
    """full × the share of the chosen rating label; an unknown label shows blank."""
    ratings = params.get("ratings")
    if not isinstance(ratings, Mapping) or not ratings:
        return None
    expr = '""'
    for label, share in reversed(list(ratings.items())):
        expr = f"IF(TRIM({refs.rating})={_text(str(label))},{refs.full}*{lit(share)},{expr})"
    return expr


FORMULAS: dict[str, FormulaMaker] = {
    "completion": completion, "base_step": base_step, "tiered": tiered, "efficacy": efficacy,
    "pass_fail": pass_fail, "deduction": deduction, "bonus": bonus, "rating": rating,
}


def points_formula(method: str, refs: Refs, params: Mapping[str, Any], full: float,
                   direction: str, target: float | None, *, na_cell: str = "",
                   na_yes: str = "是", na_text: str = "不适用") -> str | None:
    """The whole cell formula ("=IF(…)") for a row's provisional points, or None."""
    maker = FORMULAS.get(method)
    expr = maker(refs, params, full, direction, target) if maker else None
    if expr is None:
        return None
    needs = METHOD_INPUT[method]
    if needs == "count":
        c = refs.count
        body = f'IF(ISNUMBER({c}),IF({c}<0,"",{expr}),"")'
    elif needs == "rating":
        body = f'IF(TRIM({refs.rating})="","",{expr})'
    else:
        body = f'IF(ISNUMBER({refs.actual}),{expr},"")'
    if na_cell:
        body = f"IF({na_cell}={_text(na_yes)},{_text(na_text)},{body})"
    return "=" + body


def raters_formula(cells: Sequence[str], weights: Sequence[float], params: Mapping[str, Any],
                   full: float) -> str | None:
    """A rating indicator rated by several bodies: full × Σ w·share ÷ Σ w over the bodies
    whose cell is filled (a blank body renormalises the others, as the engine does)."""
    ratings = params.get("ratings")
    if not isinstance(ratings, Mapping) or not ratings:
        return None
    parts, present = [], []
    for cell, weight in zip(cells, weights, strict=True):
        share = "0"
        for label, value in reversed(list(ratings.items())):
            share = f"IF(TRIM({cell})={_text(str(label))},{lit(value)},{share})"
        filled = f'(TRIM({cell})<>"")'
        parts.append(f"{lit(weight)}*{filled}*{share}")
        present.append(f"{lit(weight)}*{filled}")
    den = "+".join(present)
    return f'=IF(({den})=0,"",{lit(full)}*({"+".join(parts)})/({den}))'


def tally_formula(cells: Sequence[str], points: Sequence[float], full: float = 100.0) -> str:
    """Ballot / satisfaction score: full × min(Σ votes × points ÷ Σ votes, 100) ÷ 100."""
    weighted = "+".join(f"{c}*{lit(p)}" for c, p in zip(cells, points, strict=True))
    votes = "+".join(cells)
    return (f'=IF(COUNT({",".join(cells)})=0,"",IF(({votes})<=0,"",'
            f"{lit(full)}*MIN(({weighted})/({votes}),100)/100))")


def average_formula(cells: str) -> str:
    """Mean of the filled periods (the engine's routine component), blank when none."""
    return f'=IF(COUNT({cells})=0,"",AVERAGE({cells}))'
