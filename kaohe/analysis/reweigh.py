"""Re-weight, re-total, re-rank and re-grade one group's scored units for many weight draws.

Vectorised over draws (numpy, imported when a group is built). Nothing is scored again: each
indicator keeps the points the engine gave it, as a share of its full score (its score
rate), so a changed full score changes its points in proportion; the components other
than indicators keep their scores. Then the engine's order of work, per draw: total from
the components and the group's (changed) component weights, plus bonus, minus deductions,
floored at 0; rounding (half-up or half-even, as the scheme says); rank within the group
with the scheme's tie-breakers (ties share the best place); score bands; quotas in rank
order, where a unit not eligible for the top grade never takes a top-grade place; then the
eligibility gate and the veto cap. Gates do not move with weights (a region-assigned
indicator's lost share is a share), so each unit keeps the gates it hit.

A draw whose factors are all exactly 1 reproduces the engine's rounded totals exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kaohe.engine.model import Scheme
from kaohe.engine.numbers import round_count

__all__ = ["GroupArrays", "group_arrays", "outcomes"]


@dataclass(frozen=True)
class GroupArrays:
    """One group's scored units as arrays (n units, k components, m indicators)."""

    unit_ids: tuple[str, ...]
    component_ids: tuple[str, ...]
    weights: Any  # (k,) the group's normalised component weights
    scores: Any  # (n, k) unrounded component scores
    rounded: Any  # (n, k) the engine's rounded component scores, scaled to integers
    totals: Any  # (n,) the engine's rounded totals, scaled to integers
    extra: Any  # (n,) bonus − deduction
    indicator_ids: tuple[str, ...]
    indicator_component: Any  # (m,) index into component_ids
    points: Any  # (n, m) points of applicable indicators, else 0
    possible: Any  # (n, m) full score of applicable indicators, else 0
    tie_breakers: tuple[int, ...]  # component indexes, in the scheme's order
    fixed_keys: dict[int, Any]  # a tie-breaker the group does not weigh: its (n,) keys
    eligible: Any  # (n,) bool: may hold the top grade
    veto: Any  # (n,) bool
    scale: int  # 10 ** rounding digits
    mode: str
    bands: tuple[tuple[float, int], ...]  # (min, grade index), highest min first
    quotas: tuple[tuple[int, int], ...]  # (grade index, places)
    veto_grade: int
    grade_count: int


def group_arrays(scheme: Scheme, group_id: str,
                 units: Sequence[Mapping[str, Any]]) -> GroupArrays:
    """The arrays the draws need, from the group's units of a results document."""
    import numpy as np

    weights = dict(units[0].get("weights") or {}) if units else {}
    comp_ids = tuple(weights)
    scale = 10 ** scheme.rounding.digits
    n, k = len(units), len(comp_ids)
    scores = np.zeros((n, k))
    rounded = np.zeros((n, k), dtype=np.int64)
    indicators: list[str] = []
    for unit in units:
        for row in unit.get("indicators", []):
            if row["component"] in weights and row["indicator_id"] not in indicators:
                indicators.append(row["indicator_id"])
    column = {ind: j for j, ind in enumerate(indicators)}
    points = np.zeros((n, len(indicators)))
    possible = np.zeros((n, len(indicators)))
    ind_comp = np.zeros(len(indicators), dtype=np.int64)
    for i, unit in enumerate(units):
        details = unit.get("component_details") or {}
        for c, comp in enumerate(comp_ids):
            value = unit["components"].get(comp, 0.0)
            scores[i, c] = float((details.get(comp) or {}).get("score", value))
            rounded[i, c] = _scaled(value, scale)
        for row in unit.get("indicators", []):
            j = column.get(row["indicator_id"])
            if j is None:
                continue
            ind_comp[j] = comp_ids.index(row["component"])
            if row["applicable"]:
                points[i, j] = float(row["points"])
                possible[i, j] = float(row["full_score"])
    grades = list(scheme.grades)
    names = [name for kind, _, name in (b.partition(":") for b in scheme.tie_breakers)
             if kind == "component"]
    # a tie-breaker component the group does not weigh still orders ties, as the engine's
    # sort key has it; its value does not move with the weights (index k + position)
    fixed = {k + p: np.array([_scaled(u["components"].get(name, 0.0), scale) for u in units],
                             dtype=np.int64)
             for p, name in enumerate(names) if name not in comp_ids}
    tie = tuple(comp_ids.index(name) if name in comp_ids else k + p
                for p, name in enumerate(names))
    return GroupArrays(
        unit_ids=tuple(u["unit_id"] for u in units), component_ids=comp_ids,
        weights=np.array([float(weights[c]) for c in comp_ids]), scores=scores,
        rounded=rounded, totals=np.array([_scaled(u["total"], scale) for u in units],
                                         dtype=np.int64),
        extra=np.array([float(u.get("bonus", 0.0)) - float(u.get("deduction", 0.0))
                        for u in units]),
        indicator_ids=tuple(indicators), indicator_component=ind_comp, points=points,
        possible=possible, tie_breakers=tie, fixed_keys=fixed,
        eligible=np.array([bool(u.get("top_grade_eligible", True)) for u in units]),
        veto=np.array([any(g.get("gate") == "veto" for g in u.get("gates", []))
                       for u in units]),
        scale=scale, mode=scheme.rounding.mode,
        bands=tuple((b.min, grades.index(b.grade)) for b in scheme.bands[group_id]),
        quotas=tuple((grades.index(q.grade), round_count(q.max_share * n, q.rounding))
                     for q in scheme.quotas),
        veto_grade=grades.index(scheme.gates.veto_grade or grades[-1]),
        grade_count=len(grades))


def _scaled(value: float, scale: int) -> int:
    """A rounded score as an integer count of its last digit (89.27 → 8927)."""
    return int(round(float(value) * scale))


def _round(values: Any, scale: int, mode: str) -> Any:
    """Scores → integers at the scheme's rounding; a hair of float noise forgiven (2.675)."""
    import numpy as np

    scaled = np.round(values * scale, 6)
    if mode == "half_even":
        return np.rint(scaled).astype(np.int64)
    return np.floor(scaled + 0.5).astype(np.int64)


def outcomes(g: GroupArrays, comp_factors: Any, ind_factors: Any) -> tuple[Any, Any]:
    """(ranks, grade indexes), each (draws, n), for the given weight factors.

    `comp_factors` (draws, k) multiply the component weights (then renormalised to sum 1);
    `ind_factors` (draws, m) multiply the indicators' full scores.
    """
    import numpy as np

    draws, n = comp_factors.shape[0], len(g.unit_ids)
    weights = g.weights * comp_factors
    weights /= weights.sum(axis=1, keepdims=True)
    total = weights @ g.scores.T  # (draws, n), each component's score as scored …
    changed = ~np.all(comp_factors == 1.0, axis=1)
    keyed: dict[int, Any] = {}
    for c in range(len(g.component_ids)):
        own = g.indicator_component == c
        if not own.any():
            continue
        factors = ind_factors[:, own]
        moved = ~np.all(factors == 1.0, axis=1)
        if not moved.any():
            continue
        rows = slice(None) if moved.all() else moved  # a view when every draw moved
        num = factors[rows] @ g.points[:, own].T
        den = factors[rows] @ g.possible[:, own].T
        value = np.divide(num * 100.0, den, out=np.zeros_like(num), where=den > 0)
        # … then the indicator components re-totalled under their changed full scores
        total[rows] += weights[rows, c:c + 1] * (value - g.scores[None, :, c])
        if c in g.tie_breakers:
            keyed[c] = np.broadcast_to(g.rounded[:, c], (draws, n)).copy()
            keyed[c][rows] = _round(value, g.scale, g.mode)
        changed |= moved
    total = np.maximum(total + g.extra, 0.0)
    totals = np.where(changed[:, None], _round(total, g.scale, g.mode), g.totals[None, :])
    # a tie-breaker no draw moved is one (n,) row for every draw
    keys = [totals] + [keyed[c] if c in keyed else
                       g.fixed_keys[c] if c in g.fixed_keys else g.rounded[:, c]
                       for c in g.tie_breakers]
    ranks, at, ordered, tied = _ranks(keys)
    grades = _grades(g, totals, at, ordered, tied)
    return ranks, grades


def _composite(keys: list[Any]) -> tuple[Any, int] | None:
    """(one int64 key ordering like the tuple of keys, from 0, and its number of values), or
    None when it would not fit. The first key is (draws, n); the others (draws, n) or one
    (n,) row for every draw."""
    low = [int(k.min()) for k in keys]
    spans = [int(k.max()) - lo + 1 for k, lo in zip(keys, low, strict=True)]
    size = 1
    for span in spans:
        size *= span
    if size >= 2 ** 62:
        return None
    out = keys[0] - low[0]  # a new array, worked on in place
    for key, lo, span in zip(keys[1:], low[1:], spans[1:], strict=True):
        out *= span
        out += key - lo
    return out, size


def _flat(order: Any) -> Any:
    """Per-row positions (draws, n) as positions in the flattened array: x.ravel()[_flat(o)]
    is np.take_along_axis(x, o, axis=1) for a C-ordered x, as a plain gather."""
    import numpy as np

    return order + (np.arange(order.shape[0]) * order.shape[1])[:, None]


def _ranks(keys: list[Any]) -> tuple[Any, Any, Any, Any]:
    """(ranks, at, ranks in that order, tied): rank = 1 + the number of units with a better
    key tuple, per draw (ties share the best); `at` lists the units best first, as positions
    in the flattened (draws, n) arrays (x.ravel()[at] is x in rank order, a plain gather);
    `tied` the draws in which two units share a place.

    Units with equal keys share a place and every later step (quotas included) treats a
    block of them as one, so their order within the block is free. Where the key and a
    unit's index fit in 63 bits together, each draw's (key, index) pairs are sorted as
    plain integers, much faster than an argsort."""
    import numpy as np

    composite = _composite(keys)
    bits = max(1, (keys[0].shape[1] - 1).bit_length())
    if composite is not None and composite[1] << bits < 2 ** 63:
        key, size = composite
        packed = np.subtract(size - 1, key, out=key)  # best first when ascending
        packed <<= bits
        packed |= np.arange(key.shape[1])
        packed.sort(axis=1)
        order = packed & ((1 << bits) - 1)
        at = _flat(order)
        packed >>= bits
        ordered = [packed]  # equal where the keys are equal: all the blocks need
    elif composite is not None:
        order = np.argsort(-composite[0], axis=1)
        at = _flat(order)
        ordered = [composite[0].ravel()[at]]
    else:  # least significant key first, each sort stable: the tuple's order
        shape = keys[0].shape
        keys = [np.broadcast_to(k, shape) for k in keys]
        order = np.argsort(-keys[-1], axis=1, kind="stable")
        for k in reversed(keys[:-1]):
            step = np.argsort(-np.take_along_axis(k, order, axis=1), axis=1, kind="stable")
            order = np.take_along_axis(order, step, axis=1)
        at = _flat(order)
        ordered = [np.ascontiguousarray(k).ravel()[at] for k in keys]
    draws, n = order.shape
    start = np.empty((draws, n), dtype=np.int64)  # each position's rank, best first
    start[:] = np.arange(1, n + 1)  # where no two keys are equal, the position itself
    tied = np.zeros(0, dtype=np.int64)
    if n > 1:
        new = np.any([o[:, 1:] != o[:, :-1] for o in ordered], axis=0)
        tied = np.flatnonzero(~new.all(axis=1))
        if tied.size:  # a tie shares the place of its block's first
            first = np.ones((tied.size, n), dtype=bool)
            first[:, 1:] = new[tied]
            block = np.where(first, np.arange(n)[None, :], 0)
            np.maximum.accumulate(block, axis=1, out=block)
            start[tied] = block + 1
    ranks = np.empty(start.shape, dtype=start.dtype)  # C order: ravel() is a view
    ranks.ravel()[at] = start
    return ranks, at, start, tied


def _over_quota(counted: Any, start: Any, end: Any, places: int) -> Any:
    """Per draw, in rank order: whether each position's block of tied candidates is refused
    a place (`counted`: candidates so far, in rank order; `start`, `end`: the first and last
    position of each position's block of equal ranks). As the engine: a tied block that does
    not fit is refused whole and the places pass down to the next block that fits (so count
    only the blocks given places)."""
    import numpy as np

    through = np.take_along_axis(counted, end, axis=1)
    before = np.where(start > 0, np.take_along_axis(counted, np.maximum(start - 1, 0), axis=1),
                      0)
    block = through - before  # candidates in the position's block of tied ranks
    over = through > places  # right while no candidate block is tied
    tied = np.flatnonzero(np.any((block > 1) & (through > places), axis=1))
    if tied.size:  # places pass a refused tie: give them block by block
        given = np.zeros(tied.size, dtype=np.int64)
        refused = np.zeros((tied.size, counted.shape[1]), dtype=bool)
        rows = np.arange(tied.size)
        for j in range(counted.shape[1]):
            opens = start[tied, j] == j
            fits = given + block[tied, j] <= places
            refused[:, j] = np.where(opens, ~fits, refused[rows, start[tied, j]])
            given += np.where(opens & fits, block[tied, j], 0)
        over[tied] = refused
    return over


def _blocks(sorted_ranks: Any) -> tuple[Any, Any]:
    """(start, end): each position's first and last position among equal ranks."""
    import numpy as np

    n = sorted_ranks.shape[1]
    last = np.ones(sorted_ranks.shape, dtype=bool)  # the last of a block of equal ranks
    last[:, :-1] = sorted_ranks[:, 1:] != sorted_ranks[:, :-1]
    end = np.where(last, np.arange(n)[None, :], n)
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]
    first = np.ones(sorted_ranks.shape, dtype=bool)  # the first of a block
    first[:, 1:] = last[:, :-1]
    start = np.maximum.accumulate(np.where(first, np.arange(n)[None, :], 0), axis=1)
    return start, end


def _grades(g: GroupArrays, totals: Any, at: Any, sorted_ranks: Any, tied: Any) -> Any:
    """Bands, quotas in rank order, the eligibility gate and the veto cap, per draw
    (`at`: the units best first, as flat positions; `sorted_ranks` their ranks; `tied`
    the draws in which two units share a place, as _ranks gives them).

    A quota counts candidates in rank order; in a draw with no two equal ranks the count
    is all there is, and only the draws with ties go through the blocks (`_over_quota`)."""
    import numpy as np

    values = totals / g.scale
    grade = np.full(totals.shape, g.grade_count - 1, dtype=np.int64)
    for minimum, index in reversed(g.bands):  # the highest band reached wins: set it last
        grade[values >= minimum] = index
    if g.quotas:
        start, end = _blocks(sorted_ranks[tied]) if tied.size else (None, None)
        for index, places in g.quotas:
            lower = min(index + 1, g.grade_count - 1)
            candidate = grade == index
            if index == 0:
                candidate &= g.eligible[None, :]
            counted = np.cumsum(candidate.ravel()[at], axis=1, dtype=np.int32)
            over_sorted = counted > places
            if tied.size:
                over_sorted[tied] = _over_quota(counted[tied], start, end, places)
            over = np.empty(candidate.shape, dtype=bool)  # C order: ravel() is a view
            over.ravel()[at] = over_sorted
            grade[candidate & over] = lower
    top = (grade == 0) & ~g.eligible[None, :]
    grade[top] = min(1, g.grade_count - 1)
    capped = g.veto[None, :] & (grade < g.veto_grade)
    grade[capped] = g.veto_grade
    return grade
