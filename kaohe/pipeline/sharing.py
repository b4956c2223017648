"""Work shared out over the machine's two cores, group by group: the scoring of a
consolidation here, the rank-stability draws in kaohe.pipeline.stability_memo.

Both split by group because a group's numbers depend on nothing of the other groups'. The
groups, largest first, go to whichever side has cost less so far (`two_shares`: units, a
unit of the scoring costing more in the forked process); the second side runs in a forked
process (kaohe.pipeline.background) and sends back only what it made. Put back in the
scheme's order, the outcome is the same as made in one process — which is what happens for
few units, or where processes do not fork. (One group drawn alone is shared out by its
pieces of draws instead: kaohe.pipeline.stability_memo.split_pieces.)

>>> two_shares([120, 40, 100, 30])
([0, 3], [2, 1])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kaohe.engine import Documents, Scheme, score_groups

__all__ = ["SHARED_UNITS", "score_shared", "two_shares"]

#: Below this many units, a second process costs more than it saves.
SHARED_UNITS = 300

#: What scoring a unit costs in the forked process, against here: it copies the pages it
#: touches and pickles its units back (measured at 1,000 units: 0.35 + 0.09 ms a unit there,
#: 0.28 ms here).
SECOND_COST = 1.5


def two_shares(sizes: Sequence[int], second: float = 1.0) -> tuple[list[int], list[int]]:
    """The indexes of `sizes` in two shares of about equal cost: largest first (ties in
    order), each to the share that has cost less so far (the first on a tie), a unit costing
    `second` times as much in the second share (a forked process copies the pages it
    touches, and sends back what it made)."""
    shares: tuple[list[int], list[int]] = ([], [])
    costs = [0.0, 0.0]
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        side = 0 if costs[0] <= costs[1] else 1
        shares[side].append(i)
        costs[side] += sizes[i] * (second if side else 1.0)
    return shares


def score_shared(scheme: Scheme, docs: Documents) -> list[dict[str, Any]]:
    """Every unit scored and gated, as `kaohe.engine.score_groups(scheme, docs)` gives it,
    the groups shared out over two processes. Should either side fail, the scoring is done
    again in this process, so that what is raised is what one process raises."""
    from kaohe.pipeline.background import can_fork, side_by_side

    groups = [g.id for g in scheme.groups]
    sizes = [len(scheme.units_in(g)) for g in groups]
    if len(groups) < 2 or sum(sizes) < SHARED_UNITS or not can_fork():
        return score_groups(scheme, docs)
    mine, theirs = ([groups[i] for i in share] for share in two_shares(sizes, SECOND_COST))
    try:
        here, there = side_by_side(lambda: score_groups(scheme, docs, mine),
                                   lambda: score_groups(scheme, docs, theirs), pickled=True)
    except Exception:  # noqa: BLE001 - scored again, in one process
        return score_groups(scheme, docs)
    by_group: dict[str, list[dict[str, Any]]] = {g: [] for g in groups}
    for unit in here + there:
        by_group[unit["group"]].append(unit)
    return [unit for g in groups for unit in by_group[g]]
