"""Places in a group by sorting and bisecting equal counting the peers one by one."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.engine.places import meets, place
from kaohe.engine.ranking import _place


def _one_by_one(value: float, peers: tuple[float, ...], lower: bool) -> tuple[int, bool]:
    rank = 1 + sum(1 for p in peers if not meets(value, p, lower))
    tied = sum(1 for p in peers if meets(value, p, lower) and meets(p, value, lower)) > 1
    return rank, tied


BASES = [0.0, -0.0, 1.0, 80.0, 80.5, -3.25, 1e-9, 7.3, 1e12, -1e12, 0.1 + 0.2, 0.3]
# Values a hair apart (inside and just outside the tolerance), and a few wild ones.
NEAR = st.builds(lambda base, k, rel: base + k * rel * max(1.0, abs(base)),
                 st.sampled_from(BASES), st.integers(-3, 3),
                 st.sampled_from([1e-12, 5e-10, 1e-9, 1.000001e-9, 2e-9, 1e-3]))
VALUES = st.one_of(NEAR, st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([math.inf, -math.inf, math.nan]))


@settings(max_examples=500, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=30), st.integers(0, 29), st.booleans())
def test_place_equals_counting_one_by_one(peers: list[float], pick: int, lower: bool) -> None:
    value = peers[pick % len(peers)]
    assert place(value, tuple(peers), lower) == _one_by_one(value, tuple(peers), lower)


@settings(max_examples=300, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=30), VALUES, st.booleans())
def test_place_of_an_outside_value(peers: list[float], value: float, lower: bool) -> None:
    assert place(value, tuple(peers), lower) == _one_by_one(value, tuple(peers), lower)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([90.0, 85.5, 85.5, 70.0, -0.0, 0.0, math.nan]),
                          st.sampled_from([1.0, 2.0, 2.0])), min_size=1, max_size=25))
def test_ranks_in_one_pass_equal_counting_every_pair(keys: list[tuple[float, float]]) -> None:
    members = [{"unit_id": f"u{i:02d}"} for i in range(len(keys))]
    by_id = {m["unit_id"]: k for m, k in zip(members, keys, strict=True)}
    members.sort(key=lambda u: (tuple(-k for k in by_id[u["unit_id"]]), u["unit_id"]))
    _place(members, by_id)
    for unit in members:
        mine = by_id[unit["unit_id"]]
        assert unit["rank"] == 1 + sum(1 for other in members if by_id[other["unit_id"]] > mine)
        assert unit["group_size"] == len(members)
