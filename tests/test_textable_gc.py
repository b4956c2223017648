"""Small things the consolidation's speed rests on: the text tables measure each cell once
(ASCII by its length) and line up as before; the garbage collector paused for scoring and
the outputs is enabled again afterwards."""

from __future__ import annotations

import gc
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.textable import table, width


def _slow_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@given(st.text())
def test_width_counts_wide_characters_twice(text: str) -> None:
    assert width(text) == _slow_width(text)


def test_a_table_lines_up_chinese_and_latin() -> None:
    text = table(["单位", "score"], [["阿勒泰市", 89.27], ["Fuyun", None]])
    lines = text.splitlines()
    assert lines == ["单位      score", "--------  -----", "阿勒泰市  89.27", "Fuyun"]
    assert {_slow_width(line.rstrip()) for line in lines[:3]} == {15}


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_as_it_was_after_a_consolidation(clean_folder: Path, tmp_path: Path,
                                                          enabled: bool) -> None:
    from kaohe.pipeline.consolidate import paused_gc, run_consolidation

    (gc.enable if enabled else gc.disable)()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        run_consolidation(clean_folder, json_out=tmp_path / "r.json", workers=1,
                          echo=lambda *a: None)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_what_the_paused_block_made_is_old_and_its_cyclic_garbage_still_collected() -> None:
    """After the block its objects are in the oldest generation (the young passes do not
    walk them again), and cycles it left are still found by the next full pass."""
    import weakref

    from kaohe.pipeline.consolidate import paused_gc

    class Node:
        pass

    gc.enable()
    gc.collect()
    with paused_gc():
        kept = [[i] for i in range(50_000)]  # (lists are always tracked)
        cycle = Node()
        cycle.me = cycle  # type: ignore[attr-defined]
        gone = weakref.ref(cycle)
        del cycle
    young, middle, _ = (len(gc.get_objects(generation=g)) for g in range(3))
    assert young + middle < 1_000 < len(kept)   # moved on, not left young
    assert gc.get_freeze_count() == 0           # and not frozen for good
    assert gone() is not None                   # the cycle waits for a full pass …
    gc.collect()
    assert gone() is None                       # … which collects it
