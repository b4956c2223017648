"""The draws' ranking: the three ways `_ranks` sorts (packed integers, one composite key,
one stable sort per key) agree with a by-hand count, ties and widths of keys alike, and the
quota blocks do not depend on the order of units inside a tie."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.analysis.reweigh import _composite, _ranks


def by_hand(keys: list[np.ndarray]) -> np.ndarray:
    """rank = 1 + the number of units whose key tuple is greater, per draw."""
    draws, n = keys[0].shape
    full = [np.broadcast_to(k, (draws, n)) for k in keys]
    ranks = np.ones((draws, n), dtype=np.int64)
    for d in range(draws):
        rows = [tuple(int(k[d, i]) for k in full) for i in range(n)]
        for i in range(n):
            ranks[d, i] += sum(other > rows[i] for other in rows)
    return ranks


def path(keys: list[np.ndarray]) -> str:
    composite = _composite(keys)
    if composite is None:
        return "stable"
    bits = max(1, (keys[0].shape[1] - 1).bit_length())
    return "packed" if composite[1] << bits < 2 ** 63 else "composite"


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 40), st.integers(1, 3), st.integers(0, 2 ** 32),
       st.booleans())
def test_every_sorting_path_ranks_as_counted_by_hand(draws: int, n: int, extra: int,
                                                     seed: int, fixed_tail: bool) -> None:
    rng = np.random.default_rng(seed)
    base = [rng.integers(0, 4, size=(draws, n)) for _ in range(extra + 1)]  # many ties
    if fixed_tail:  # a tie-breaker no draw moved: one row for every draw
        base[-1] = rng.integers(0, 4, size=n)
    for key in base:  # every key spans 0..3 (so each width below takes a known path)
        key[..., 0], key[..., -1] = 0, 3
    expected = by_hand(base)
    seen = set()
    # the same order at three widths: each width takes another path
    for scale in (1, 2 ** 19, 2 ** 22):
        keys = [k * scale - scale for k in base]
        seen.add(path(keys))
        ranks, at, ordered, tied = _ranks([np.array(k) for k in keys])
        assert (ranks == expected).all()
        assert set(tied.tolist()) == {d for d in range(draws) if len(set(expected[d])) < n}
        # `at` lists the units best first: their ranks in that order are `ordered`, rising
        assert (ranks.ravel()[at] == ordered).all()
        assert (np.diff(ordered, axis=1) >= 0).all()
    if extra == 2 and n >= 3:
        assert seen == {"packed", "composite", "stable"}


def test_the_packed_path_is_the_one_taken_for_real_scores() -> None:
    from kaohe.analysis.reweigh import group_arrays
    from tests.test_analysis_stability import scored

    scheme, results = scored(units=300)
    for group in results["groups"]:
        units = [u for u in results["units"] if u["group"] == group["id"]]
        g = group_arrays(scheme, group["id"], units)
        keys = [np.broadcast_to(g.totals, (3, len(units))).copy()] + [
            g.rounded[:, c] for c in g.tie_breakers if c < len(g.component_ids)]
        assert path(keys) == "packed"
