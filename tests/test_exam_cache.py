"""The examination cache: a re-run examines only new or changed files, and its results are
the same, byte for byte, as a run that examines everything."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import kaohe.pipeline.exam_cache as exam_cache
from kaohe.pipeline.consolidate import Submission, run_consolidation
from kaohe.pipeline.documents import default_scheme_document
from kaohe.pipeline.exam_cache import CACHE_NAME, decode_entry, encode_entry
from validators.report import Issue, Report

KAOHE = str(Path(sys.executable).with_name("kaohe"))
N = 45  # files in the clean folder


@pytest.fixture
def folder(clean_folder: Path, tmp_path: Path) -> Path:
    assert len(list(clean_folder.iterdir())) == N
    return Path(shutil.copytree(clean_folder, tmp_path / "in"))


def _run(folder: Path, out: Path, **options: Any) -> tuple[bytes, bytes, list[str]]:
    """(results.json, results.xlsx, what was said) of one consolidation into `out`."""
    said: list[str] = []
    options.setdefault("workers", 1)
    run_consolidation(folder, out=out / "results.xlsx", json_out=out / "results.json",
                      echo=said.append, **options)
    return ((out / "results.json").read_bytes(), (out / "results.xlsx").read_bytes(), said)


def _same_as_without_cache(folder: Path, out: Path, tmp_path: Path,
                           **options: Any) -> list[str]:
    """Consolidate with the cache in `out`, and again without any cache elsewhere: the two
    runs' outputs must be the same bytes. Returns what the cached run said."""
    cached = _run(folder, out, **options)
    plain = _run(folder, tmp_path / "plain", cache=False, **options)
    assert cached[0] == plain[0]
    assert cached[1] == plain[1]
    assert not (tmp_path / "plain" / CACHE_NAME).exists()
    return cached[2]


def _reuse(said: list[str]) -> tuple[int, int]:
    """(reused, examined) from the cache's line."""
    import re

    line = next(s for s in said if "缓存" in s)
    if match := re.search(r"复用了 (\d+) 个.*检查了 (\d+) 个", line):
        return int(match[1]), int(match[2])
    return 0, int(re.search(r"检查了 (\d+) 个", line)[1])  # type: ignore[index]


def _rows(out: Path) -> set[str]:
    with sqlite3.connect(out / CACHE_NAME) as conn:
        return {Path(p).name for (p,) in conn.execute("SELECT path FROM exam_cache")}


def test_a_rerun_reuses_every_unchanged_file_and_writes_the_same_bytes(
        folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _same_as_without_cache(folder, out, tmp_path)
    assert _reuse(first) == (0, N)
    assert (out / CACHE_NAME).is_file() and len(_rows(out)) == N
    again = _same_as_without_cache(folder, out, tmp_path)
    assert _reuse(again) == (N, 0)


def test_changed_added_removed_and_renamed_files(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(folder, out)
    # changed: another unit's bytes under this unit's name (a file named for another unit)
    shutil.copy(folder / "单位自评表_布尔津县.xlsx", folder / "单位自评表_福海县.xlsx")
    assert _reuse(_same_as_without_cache(folder, out, tmp_path)) == (N - 1, 1)
    # added: a second copy of one report
    shutil.copy(folder / "单位自评表_青河县.xlsx", folder / "单位自评表_青河县（修改版）.xlsx")
    assert _reuse(_same_as_without_cache(folder, out, tmp_path)) == (N, 1)
    # removed: gone from the results and from the cache
    (folder / "单位自评表_哈巴河县.xlsx").unlink()
    assert _reuse(_same_as_without_cache(folder, out, tmp_path)) == (N, 0)
    assert "单位自评表_哈巴河县.xlsx" not in _rows(out)
    # renamed: examined again under its new name (findings name the file), the old dropped
    (folder / "单位自评表_吉木乃县.xlsx").rename(folder / "吉木乃县.xlsx")
    assert _reuse(_same_as_without_cache(folder, out, tmp_path)) == (N - 1, 1)
    names = _rows(out)
    assert "吉木乃县.xlsx" in names and "单位自评表_吉木乃县.xlsx" not in names
    assert len(names) == N


def test_changed_files_examined_beside_the_kept_ones_in_a_second_process(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A few changed files among many kept ones are examined in a second process while the
    kept ones are read back: the same outputs; should that process fail, they are examined
    here. (The demo's 45 files are below OVERLAP_FILES: lowered here.)"""
    import os

    out = tmp_path / "out"
    _run(folder, out)
    monkeypatch.setattr(exam_cache, "OVERLAP_FILES", 1)
    parent, seen = os.getpid(), tmp_path / "examined-by.txt"
    real = exam_cache.examine_entry

    def spy(path: Path, scheme: Any) -> Any:
        with open(seen, "a", encoding="utf-8") as note:
            note.write(f"{os.getpid()} {path.name}\n")
        return real(path, scheme)

    monkeypatch.setattr(exam_cache, "examine_entry", spy)
    shutil.copy(folder / "单位自评表_布尔津县.xlsx", folder / "单位自评表_福海县.xlsx")
    shutil.copy(folder / "单位自评表_青河县.xlsx", folder / "单位自评表_青河县（修改版）.xlsx")
    said = _same_as_without_cache(folder, out, tmp_path, workers=2)
    assert _reuse(said) == (N - 1, 2)
    lines = seen.read_text(encoding="utf-8").split("\n")[:2]   # the cached run's
    assert sorted(line.split()[1] for line in lines) == ["单位自评表_福海县.xlsx",
                                                           "单位自评表_青河县（修改版）.xlsx"]
    assert all(int(line.split()[0]) != parent for line in lines)
    # the second process fails: the changed file is examined here, with the same outputs
    seen.unlink()

    def failing_elsewhere(path: Path, scheme: Any) -> Any:
        if os.getpid() != parent:
            raise MemoryError("the second process ran out of memory")
        return spy(path, scheme)

    monkeypatch.setattr(exam_cache, "examine_entry", failing_elsewhere)
    shutil.copy(folder / "单位自评表_哈巴河县.xlsx", folder / "单位自评表_吉木乃县.xlsx")
    said = _same_as_without_cache(folder, out, tmp_path, workers=2)
    assert _reuse(said) == (N, 1)
    assert seen.read_text(encoding="utf-8").split("\n")[0] == f"{parent} 单位自评表_吉木乃县.xlsx"


def test_a_changed_scheme_or_examiner_uses_nothing_kept(folder: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _run(folder, out)
    doc = default_scheme_document()
    doc["name"] = str(doc.get("name") or "") + "（修订）"
    changed = tmp_path / "scheme.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert _reuse(_same_as_without_cache(folder, out, tmp_path, scheme_path=changed)) == (0, N)
    # another version of kaohe (or of its code): nothing kept is trusted, and it is dropped
    monkeypatch.setattr(exam_cache, "examiner_fingerprint", lambda: "kaohe 99; code other")
    assert _reuse(_same_as_without_cache(folder, out, tmp_path)) == (0, N)
    with sqlite3.connect(out / CACHE_NAME) as conn:
        assert {e for (e,) in conn.execute("SELECT DISTINCT examiner FROM exam_cache")} == {
            "kaohe 99; code other"}


def test_a_damaged_entry_is_ignored_with_a_note(folder: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import base64
    import zlib

    out = tmp_path / "out"
    _run(folder, out)
    with sqlite3.connect(out / CACHE_NAME) as conn:
        # the bound an entry may inflate to, lowered to just above the largest real one
        largest = max(len(zlib.decompress(base64.b64decode(e)))
                      for (e,) in conn.execute("SELECT entry FROM exam_cache"))
        monkeypatch.setattr(exam_cache, "_MAX_ENTRY", largest + 1)
        # a truncated entry, and one whose digest matches but is not an examination
        conn.execute("UPDATE exam_cache SET entry = substr(entry, 1, 50) WHERE path LIKE ?",
                     ("%布尔津县%",))
        bogus = exam_cache._pack(json.dumps({"kind": 1}))
        import hashlib

        conn.execute("UPDATE exam_cache SET entry = ?, digest = ? WHERE path LIKE ?",
                     (bogus, hashlib.sha256(bogus.encode()).hexdigest(), "%福海县%"))
        # and a bomb: a few kilobytes that would inflate past what an entry may be
        bomb = exam_cache._pack(" " * (largest + 2))
        conn.execute("UPDATE exam_cache SET entry = ?, digest = ? WHERE path LIKE ?",
                     (bomb, hashlib.sha256(bomb.encode()).hexdigest(), "%青河县%"))
    said = _same_as_without_cache(folder, out, tmp_path)
    assert _reuse(said) == (N - 3, 3)
    assert any("3 条记录已损坏" in s for s in said)
    assert not any("已损坏" in s for s in _run(folder, out)[2])  # replaced by sound ones


def test_a_cache_file_that_is_not_a_database_is_started_again(folder: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / CACHE_NAME).write_bytes(b"this is not a database" * 100)
    said = _same_as_without_cache(folder, out, tmp_path)
    assert any("已损坏" in s and "重新建立" in s for s in said)
    assert _reuse(_run(folder, out)[2]) == (N, 0)


def test_with_a_history_database_the_cache_lives_in_it(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    out = tmp_path / "out"
    assert _reuse(_run(folder, out, db=str(db))[2]) == (0, N)
    said = _run(folder, out, db=str(db))[2]
    assert _reuse(said) == (N, 0)
    assert any("exam_cache 表，可随时清空" in s for s in said)  # not "delete the history"
    assert not (out / CACHE_NAME).exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM exam_cache").fetchone()[0] == N


def test_the_command_says_what_it_reused_and_no_cache_examines_all(folder: Path,
                                                                   tmp_path: Path) -> None:
    args = [KAOHE, "--lang", "en", "consolidate", str(folder), "--json",
            str(tmp_path / "r" / "results.json")]
    subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert f"reused the examination of {N} unchanged files, examined 0" in proc.stdout
    assert "Traceback" not in proc.stderr
    proc = subprocess.run([*args, "--no-cache"], capture_output=True, text=True, timeout=300)
    assert "examination" not in proc.stdout and "Traceback" not in proc.stderr


def _sub(document: Any, value: Any = None) -> Submission:
    report = Report(file="a.xlsx", kind="unit_report", unit_id="u1")
    report.add(Issue("bad-value", "坏", "bad", value=value, row_number=3))
    return Submission("a.xlsx", "ab" * 32, "unit_report", "u1", document, report, "2026-01-02",
                      filled="2026-01-02")


def test_an_entry_comes_back_exactly_or_is_not_kept() -> None:
    sub = _sub({"unit_id": "u1", "items": [{"actual": 1.0, "n": 1, "ok": True, "x": None}]},
               value=12.5)
    text = encode_entry(sub)
    assert text and decode_entry(text, sub.sha256, sub.stamp) == sub
    # values JSON would change (a tuple becomes a list, a number key a string) are not kept
    assert encode_entry(_sub({"pair": (1, 2)})) == ""
    assert encode_entry(_sub({1: "a"})) == ""
    assert encode_entry(_sub({}, value=float("nan"))) == ""
    from datetime import date

    assert encode_entry(_sub({}, value=date(2026, 1, 2))) == ""
    flipped = text[:30] + ("B" if text[30] == "A" else "A") + text[31:]
    for damaged in ['{"kind": "unit_report"}', exam_cache._pack('{"kind": "unit_report"}'),
                    exam_cache._pack("[1, 2]"), text[:-8], flipped]:
        with pytest.raises(ValueError):
            decode_entry(damaged, "", "")


def test_the_collection_tracker_shares_the_consolidation_cache(folder: Path,
                                                               tmp_path: Path) -> None:
    """收集情况 as files arrive: with the consolidation's cache the tracker examines only new
    or changed files, says the same as without it, and keeps them for the next 汇总."""
    from kaohe.pipeline.documents import load_scheme
    from kaohe.pipeline.exam_cache import open_exam_cache
    from kaohe.pipeline.tracker import track

    db, out = tmp_path / "history.sqlite", tmp_path / "out"
    _run(folder, out, db=str(db))
    scheme = load_scheme()
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))

    def tracked(**cached: Any) -> list[Any]:
        return track(folder, scheme, results, workers=1, **cached)

    shutil.copy(folder / "单位自评表_青河县.xlsx", folder / "单位自评表_青河县（修改版）.xlsx")
    plain = tracked()
    kept, notes = open_exam_cache(scheme, db=str(db))
    assert kept is not None and not notes
    try:
        assert tracked(cache=kept) == plain
        assert (kept.reused, kept.examined) == (N, 1)  # only the new file
    finally:
        kept.close()
    assert _reuse(_run(folder, out, db=str(db))[2]) == (N + 1, 0)  # the tracker kept it


def test_a_failure_reading_back_waits_for_the_second_process(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should reading the kept examinations back fail, the failure is raised once the
    second process (examining the changed file) has ended: nothing of it runs on."""
    import time

    out = tmp_path / "out"
    _run(folder, out)
    monkeypatch.setattr(exam_cache, "OVERLAP_FILES", 1)
    ended = tmp_path / "ended"
    real = exam_cache.examine_entry

    def slow(path: Path, scheme: Any) -> Any:
        time.sleep(0.3)
        result = real(path, scheme)
        ended.write_text(path.name, encoding="utf-8")
        return result

    def broken(self: Any, path: Path, sha: str) -> Any:
        raise RuntimeError("the cache went away")

    monkeypatch.setattr(exam_cache, "examine_entry", slow)
    monkeypatch.setattr(exam_cache.ExamCache, "_lookup", broken)
    shutil.copy(folder / "单位自评表_布尔津县.xlsx", folder / "单位自评表_福海县.xlsx")
    with pytest.raises(RuntimeError, match="went away"):
        _run(folder, out, workers=2)
    assert ended.read_text(encoding="utf-8") == "单位自评表_福海县.xlsx"
