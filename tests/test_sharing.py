"""Scoring shared out over two processes, group by group (kaohe.pipeline.sharing): the units
are those scored in one process, in the same order; a failure on either side is scored again
here, so what is raised is what one process raises."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.engine import Documents, Scheme, score, score_groups
from kaohe.errors import KaoheError
from kaohe.pipeline import sharing
from kaohe.pipeline.documents import default_scheme_document
from kaohe.synth import scale_scheme, synthesize


def _scheme_and_docs(units: int = 120, seed: int = 7) -> tuple[Scheme, Documents]:
    scheme = Scheme.from_document(scale_scheme(default_scheme_document(), units))
    g = synthesize(scheme, seed=seed, quality_seed=seed)
    return scheme, Documents(unit_reports=g["unit_reports"], lead_scores=g["lead_scores"],
                             adjustments=g["adjustments"], routine=g["routine"],
                             ballots=g["ballots"])


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True for Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@given(st.lists(st.integers(min_value=0, max_value=1000), max_size=12),
       st.sampled_from([1.0, 1.5, 3.0]))
def test_two_shares_split_every_group_once_largest_first_to_the_cheaper_side(
        sizes: list[int], second: float) -> None:
    first, other = sharing.two_shares(sizes, second)
    assert sorted(first + other) == list(range(len(sizes)))
    # largest first, to the first side; then the sides' costs differ by at most the
    # largest group's cost
    if sizes:
        assert first[0] == min(range(len(sizes)), key=lambda i: (-sizes[i], i))
    gap = abs(sum(sizes[i] for i in first) - second * sum(sizes[i] for i in other))
    assert gap <= second * max(sizes, default=0)
    assert sharing.two_shares([120, 40, 100, 30]) == ([0, 3], [2, 1])
    assert sharing.two_shares([235, 208, 205, 205, 147], 1.5) == ([0, 2, 4], [1, 3])


def test_units_scored_in_two_processes_are_those_scored_in_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    scheme, docs = _scheme_and_docs()
    assert len(scheme.groups) >= 3
    here = score_groups(scheme, docs)
    asked: list[tuple[int, tuple[str, ...] | None]] = []
    real = sharing.score_groups

    def spy(scheme: Scheme, docs: Documents, groups: Any = None) -> list[dict[str, Any]]:
        asked.append((os.getpid(), None if groups is None else tuple(groups)))
        return real(scheme, docs, groups)

    monkeypatch.setattr(sharing, "score_groups", spy)
    monkeypatch.setattr(sharing, "SHARED_UNITS", 0)
    shared = sharing.score_shared(scheme, docs)
    # the same units, values and types, in the same order
    assert _same(shared, here)
    assert [u["unit_id"] for u in shared] == [u["unit_id"] for u in here]
    # this process scored only its share: the other groups were scored elsewhere
    assert [pid for pid, _ in asked] == [os.getpid()]
    mine = asked[0][1]
    assert mine and set(mine) < {g.id for g in scheme.groups}
    # and the results document of the two ways is the same
    assert score(scheme, docs, scored=shared) == score(scheme, docs)


def test_few_units_are_scored_here(monkeypatch: pytest.MonkeyPatch) -> None:
    scheme, docs = _scheme_and_docs(units=34)
    asked: list[Any] = []
    real = sharing.score_groups
    monkeypatch.setattr(sharing, "score_groups",
                        lambda s, d, groups=None: asked.append(groups) or real(s, d, groups))
    assert sharing.score_shared(scheme, docs) == score_groups(scheme, docs)
    assert asked == [None]   # one call, every group, in this process


def test_a_side_that_fails_is_scored_again_here(monkeypatch: pytest.MonkeyPatch) -> None:
    scheme, docs = _scheme_and_docs()
    here = score_groups(scheme, docs)
    parent = os.getpid()
    real = sharing.score_groups

    def failing_elsewhere(scheme: Scheme, docs: Documents, groups: Any = None) -> Any:
        if os.getpid() != parent:
            raise MemoryError("the second process ran out of memory")
        return real(scheme, docs, groups)

    monkeypatch.setattr(sharing, "SHARED_UNITS", 0)
    monkeypatch.setattr(sharing, "score_groups", failing_elsewhere)
    assert _same(sharing.score_shared(scheme, docs), here)

    def failing_here_once(scheme: Scheme, docs: Documents, groups: Any = None) -> Any:
        if groups is not None and os.getpid() == parent:
            raise KaoheError("坏了", "broken")
        return real(scheme, docs, groups)

    monkeypatch.setattr(sharing, "score_groups", failing_here_once)
    assert _same(sharing.score_shared(scheme, docs), here)


def test_a_broken_scheme_raises_what_one_process_raises(
        monkeypatch: pytest.MonkeyPatch) -> None:
    scheme, docs = _scheme_and_docs()

    def broken(scheme: Scheme, docs: Documents, groups: Any = None) -> Any:
        raise KaoheError(f"方案有误：{'全部' if groups is None else '、'.join(groups)}",
                         f"broken scheme: {groups or 'all'}")

    monkeypatch.setattr(sharing, "SHARED_UNITS", 0)
    monkeypatch.setattr(sharing, "score_groups", broken)
    with pytest.raises(KaoheError) as raised:
        sharing.score_shared(scheme, docs)
    assert raised.value.message == "方案有误：全部"   # the one-process call's error
