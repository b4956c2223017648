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
