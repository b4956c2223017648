"""Rank-stability sections kept between runs: a group whose inputs did not change is not
drawn again, and the outputs are the same bytes as a run that draws everything."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kaohe.analysis.stability import rank_stability, stability_settings
from kaohe.pipeline import sharing
from kaohe.pipeline.exam_cache import CACHE_NAME
from tests.test_analysis_stability import scored
from tests.test_exam_cache import _run  # (results.json, results.xlsx, what was said)

GROUPS = 5  # the Altay scheme's groups (county and four department groups)


@pytest.fixture
def folder(clean_folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(clean_folder, tmp_path / "in"))


def _drawn(said: list[str]) -> tuple[int, int] | None:
    """(reused, drawn) from the run's stability-cache line, None when it said none."""
    import re

    for line in said:
        if match := re.match(r"名次稳定性：复用了 (\d+) 个分组.*重新抽样 (\d+) 个", line):
            return int(match[1]), int(match[2])
    return None


def _keys(out: Path) -> set[str]:
    with sqlite3.connect(out / CACHE_NAME) as conn:
        return {k for (k,) in conn.execute("SELECT key FROM stability_cache")}


def test_unchanged_groups_are_not_drawn_again_and_the_bytes_are_the_same(
        folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _run(folder, out)
    assert _drawn(first[2]) is None and len(_keys(out)) == GROUPS
    again = _run(folder, out)
    assert _drawn(again[2]) == (GROUPS, 0)
    assert again[:2] == first[:2]
    # one county's report replaced by another county's: only the county group changes
    shutil.copy(folder / "单位自评表_布尔津县.xlsx", folder / "单位自评表_福海县.xlsx")
    changed = _run(folder, out)
    plain = _run(folder, tmp_path / "plain", cache=False)
    assert _drawn(changed[2]) == (GROUPS - 1, 1)
    assert changed[:2] == plain[:2]
    stability = json.loads(changed[0])["stability"]
    assert stability != json.loads(first[0])["stability"]
    assert len(_keys(out)) == GROUPS  # the county's old section dropped, its new one kept


def test_a_changed_setting_draws_every_group_again(folder: Path, tmp_path: Path) -> None:
    from kaohe.pipeline.documents import default_scheme_document
    from kaohe.pipeline.io import write_json

    out = tmp_path / "out"
    _run(folder, out)
    before = _keys(out)
    doc = default_scheme_document()
    doc["stability"] = {"seed": 7}
    write_json(tmp_path / "scheme.json", doc)
    said = _run(folder, out, scheme_path=tmp_path / "scheme.json")[2]
    plain = _run(folder, tmp_path / "plain", cache=False, scheme_path=tmp_path / "scheme.json")
    assert _drawn(said) is None  # nothing reused: a new scheme, new keys
    assert not before & _keys(out)
    assert json.loads(plain[0])["stability"]["seed"] == 7


def test_a_damaged_section_is_drawn_again_with_a_note(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _run(folder, out)
    import hashlib

    with sqlite3.connect(out / CACHE_NAME) as conn:
        one, two = sorted(_keys(out))[:2]
        # bytes changed under their digest; a digest right for text that is not a section
        conn.execute("UPDATE stability_cache SET entry = entry || ' ' WHERE key = ?", (one,))
        conn.execute("UPDATE stability_cache SET entry = '{', digest = ? WHERE key = ?",
                     (hashlib.sha256(b"{").hexdigest(), two))
    again = _run(folder, out)
    assert again[:2] == first[:2]
    assert any("2 条记录已损坏，已忽略并重新抽样" in line for line in again[2])
    assert _drawn(_run(folder, out)[2]) == (GROUPS, 0)  # kept again, whole


def test_a_kept_section_is_the_section_drawn() -> None:
    scheme, results = scored(units=60)
    settings = stability_settings(scheme.document, scheme.year)

    class Memo(dict[str, Any]):
        def put(self, key: str, entry: dict[str, Any]) -> None:
            self[key] = json.loads(json.dumps(entry))

    memo = Memo()
    drawn = rank_stability(scheme, results, settings, memo)
    assert len(memo) == len(drawn["groups"])
    assert rank_stability(scheme, results, settings, memo) == drawn
    # a unit's score moved: its group's key is new, the others' are the same
    unit = results["units"][0]
    unit["indicators"][0]["points"] = unit["indicators"][0]["points"] / 2
    rank_stability(scheme, results, settings, memo)
    assert len(memo) == len(drawn["groups"]) + 1


def test_the_key_names_every_input_of_a_section() -> None:
    """A section is kept under its group's id and place, the settings and the units' ranks
    and grades as well as the arrays: change any one and the key changes."""
    from kaohe.analysis.reweigh import group_arrays
    from kaohe.analysis.stability import group_key

    scheme, results = scored(units=40)
    settings = stability_settings(scheme.document, scheme.year)
    group = results["groups"][0]["id"]
    units = [u for u in results["units"] if u["group"] == group]
    arrays = group_arrays(scheme, group, units)
    key = group_key(arrays, settings, group, 0, units, scheme.grades)
    moved = [dict(u, rank=u["rank"] + 1) if i == 0 else u for i, u in enumerate(units)]
    others = {
        "group": group_key(arrays, settings, group + "x", 0, units, scheme.grades),
        "index": group_key(arrays, settings, group, 1, units, scheme.grades),
        "seed": group_key(arrays, {**settings, "seed": 1}, group, 0, units, scheme.grades),
        "band": group_key(arrays, {**settings, "band": 0.1}, group, 0, units, scheme.grades),
        "rank": group_key(arrays, settings, group, 0, moved, scheme.grades),
        "grades": group_key(arrays, settings, group, 0, units, list(scheme.grades)[::-1]),
        "arrays": group_key(group_arrays(scheme, group, units[1:]), settings, group, 0, units,
                            scheme.grades)}
    assert key == group_key(arrays, settings, group, 0, units, scheme.grades)
    assert all(other != key for other in others.values()), others


def test_draws_shared_over_two_processes_are_the_draws_made_here(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A consolidation shares the groups' draws out over two processes (largest first to
    the one with fewer units); the sections are those drawn one after another here."""
    import os

    import kaohe.pipeline.stability_memo as memo_module
    from kaohe.analysis import stability

    scheme, results = scored(units=300, quota=0.1)
    settings = stability_settings(scheme.document, scheme.year) | {"draws": 2000}
    here = rank_stability(scheme, results, settings)
    drawn_by: list[int] = []
    real = stability.draw_group

    def spy(*args: Any) -> Any:
        drawn_by.append(os.getpid())
        return real(*args)

    monkeypatch.setattr(stability, "draw_group", spy)
    shared = rank_stability(scheme, results, settings, draw_all=memo_module.draw_shared)
    assert shared == here
    assert drawn_by and set(drawn_by) == {os.getpid()}  # some groups were drawn elsewhere
    assert len(drawn_by) < len(here["groups"])
    monkeypatch.setattr(sharing, "SHARED_UNITS", 10 ** 9)  # too few units: all here
    drawn_by.clear()
    assert rank_stability(scheme, results, settings, draw_all=memo_module.draw_shared) == here
    assert len(drawn_by) == len(here["groups"])


def test_a_consolidation_writes_the_same_bytes_with_its_scoring_and_draws_shared_or_not(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sharing, "SHARED_UNITS", 0)  # the demo's 34 units: shared out
    shared = _run(folder, tmp_path / "shared", cache=False)
    monkeypatch.setattr(sharing, "SHARED_UNITS", 10 ** 9)
    here = _run(folder, tmp_path / "here", cache=False)
    assert shared[:2] == here[:2]


@pytest.mark.parametrize("case", [dict(units=60, coarse=True), dict(units=200, quota=0.1)])
def test_one_groups_pieces_of_draws_counted_in_two_processes_are_the_draws_made_here(
        case: dict[str, Any], tmp_path: Path) -> None:
    """A group drawn alone (a re-run where one report changed) has every other piece of its
    draws counted in a second process: its section is the one counted here."""
    import os

    from kaohe.analysis.reweigh import group_arrays
    from kaohe.analysis.stability import draw_group
    from kaohe.pipeline.stability_memo import split_pieces

    scheme, results = scored(**case)
    settings = stability_settings(scheme.document, scheme.year)
    group = scheme.groups[0].id
    units = [u for u in results["units"] if u["group"] == group]
    arrays = group_arrays(scheme, group, units)
    here = draw_group(scheme, settings, 0, group, units, arrays)
    counted_by = tmp_path / "counted-by.txt"
    given: list[int] = []

    def noted(count: Any, pieces: list[Any]) -> Any:
        given.append(len(pieces))

        def noting(some: Any) -> Any:
            with open(counted_by, "a", encoding="utf-8") as note:
                note.write(f"{os.getpid()} {len(some)}\n")
            return count(some)

        return split_pieces(noting, pieces)

    shared = draw_group(scheme, settings, 0, group, units, arrays, split=noted)
    assert shared == here
    lines = [line.split() for line in counted_by.read_text().splitlines()]
    pids = {pid for pid, _ in lines}
    assert len(lines) == 2 and str(os.getpid()) in pids and len(pids) == 2  # here and there
    assert given[0] > 2 and sum(int(n) for _, n in lines) == given[0]   # every piece, once


def test_a_rerun_drawing_one_group_in_pieces_writes_the_same_bytes(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kaohe.pipeline.stability_memo as memo_module
    from kaohe.analysis import stability

    out = tmp_path / "out"
    _run(folder, out)
    monkeypatch.setattr(memo_module, "SPLIT_CELLS", 0)  # the demo's 8 counties: in pieces
    splits: list[Any] = []
    real = stability.draw_group

    def spy(*args: Any, split: Any = None) -> Any:
        splits.append(split)
        return real(*args, split=split)

    monkeypatch.setattr(stability, "draw_group", spy)
    shutil.copy(folder / "单位自评表_布尔津县.xlsx", folder / "单位自评表_福海县.xlsx")
    changed = _run(folder, out)
    assert _drawn(changed[2]) == (GROUPS - 1, 1)
    assert splits == [memo_module.split_pieces]
    monkeypatch.setattr(stability, "draw_group", real)
    plain = _run(folder, tmp_path / "plain", cache=False)
    assert changed[:2] == plain[:2]
