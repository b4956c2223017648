"""Places in a group: what counting the peers one by one gives, in O(n log n).

A rank is 1 + the number of peers a value does not reach (`meets`, which forgives float
noise relative to the target). Counting peer by peer for every unit of a group is
quadratic: 25 million comparisons for each rank-points indicator at 5,000 units. `place`
sorts the peers' thresholds once per group and indicator and bisects them, with exactly
the float expressions `meets` evaluates; a value or peer that is not finite falls back to
counting one by one.

>>> place(80.0, (90.0, 80.0, 70.0, 80.0), lower=False)
(2, True)
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from functools import lru_cache

__all__ = ["meets", "place"]


def meets(value: float, target: float, lower: bool) -> bool:
    """Whether value reaches target (≥, or ≤ when lower is better), forgiving float noise."""
    # The tolerance depends on the target only, so the test stays monotone in value.
    tol = 1e-9 * max(1.0, abs(target))
    return value <= target + tol if lower else value >= target - tol


@lru_cache(maxsize=64)
def _sorted(peers: tuple[float, ...], lower: bool) -> tuple[list[float], list[float]] | None:
    """The peers' thresholds (target ± tol, as `meets` computes them) and the peers, sorted;
    None when a peer is not finite."""
    if not all(map(math.isfinite, peers)):
        return None
    bounds = [p + 1e-9 * max(1.0, abs(p)) if lower else p - 1e-9 * max(1.0, abs(p))
              for p in peers]
    return sorted(bounds), sorted(peers)


def place(value: float, peers: tuple[float, ...], lower: bool) -> tuple[int, bool]:
    """(1 + the number of peers `value` does not meet, whether two or more peers tie with it
    — meeting it and being met by it)."""
    found = _sorted(peers, lower) if math.isfinite(value) else None
    if found is None:
        rank = 1 + sum(1 for p in peers if not meets(value, p, lower))
        tied = sum(1 for p in peers if meets(value, p, lower) and meets(p, value, lower)) > 1
        return rank, tied
    bounds, ordered = found
    # Not meeting p: value > p + tol(p) when lower is better, value < p - tol(p) otherwise.
    missed = bisect_left(bounds, value) if lower else len(bounds) - bisect_right(bounds, value)
    # A tie lies within a hair of value (≈ 1e-9 relative); look 1000 times wider, test exactly.
    margin = 1e-6 * max(1.0, abs(value))
    tol = 1e-9 * max(1.0, abs(value))
    ties = 0
    if lower:
        at = bisect_right(ordered, value + tol) - 1
        while at >= 0 and ordered[at] >= value - margin and ties < 2:
            p = ordered[at]
            ties += meets(value, p, lower) and meets(p, value, lower)
            at -= 1
    else:
        at = bisect_left(ordered, value - tol)
        while at < len(ordered) and ordered[at] <= value + margin and ties < 2:
            p = ordered[at]
            ties += meets(value, p, lower) and meets(p, value, lower)
            at += 1
    return 1 + missed, ties > 1
