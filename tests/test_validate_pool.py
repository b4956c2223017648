"""validators.pool.map_files: results in the paths' order, on one core or several."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from validators.pool import map_files


def _describe(path: Path, scheme: Scheme, suffix: str) -> tuple[str, int, str, int]:
    return path.name, path.stat().st_size, scheme.scheme_id + suffix, os.getpid()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_give_the_results_in_the_paths_order(tmp_path: Path, method: str) -> None:
    scheme = Scheme.from_document(default_scheme_document())
    paths = []
    for n in range(30):  # sizes not in name order: the pool takes the largest first
        path = tmp_path / f"{n:02d}.bin"
        path.write_bytes(b"x" * ((n * 7919) % 1000))
        paths.append(path)
    ticks: list[tuple[int, int]] = []
    serial = map_files(_describe, paths, scheme, workers=1, extra=("!",))
    parallel = map_files(_describe, paths, scheme, workers=2, extra=("!",), threshold=2,
                         progress=lambda done, total: ticks.append((done, total)),
                         context=multiprocessing.get_context(method))
    assert [r[:3] for r in parallel] == [r[:3] for r in serial]
    assert [r[0] for r in parallel] == [p.name for p in paths]
    assert all(r[2] == f"{scheme.scheme_id}!" for r in parallel)  # the scheme reached them
    assert {r[3] for r in parallel} - {os.getpid()}  # not run here
    assert ticks == [(n, 30) for n in range(1, 31)]


def test_where_processes_cannot_start_the_files_are_done_here_in_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under Pyodide (xlwings Lite) sys.platform is "emscripten": no pool, same results."""
    import validators.pool as pool

    scheme = Scheme.from_document(default_scheme_document())
    paths = [tmp_path / f"{n:02d}.bin" for n in range(30)]
    for n, path in enumerate(paths):
        path.write_bytes(b"x" * n)
    monkeypatch.setattr(pool.sys, "platform", "emscripten")
    assert not pool.processes_available()
    ticks: list[tuple[int, int]] = []
    done = map_files(_describe, paths, scheme, workers=2, extra=("",), threshold=2,
                     progress=lambda n, total: ticks.append((n, total)))
    assert [r[0] for r in done] == [p.name for p in paths]
    assert {r[3] for r in done} == {os.getpid()}
    assert ticks == [(n, 30) for n in range(1, 31)]
