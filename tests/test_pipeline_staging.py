"""A run's outputs are one unit of work (kaohe.pipeline.staging): a full disk, a kill or a
second run on the same folder leaves the complete old set or the complete new set, and the
history database agrees."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kaohe.errors import KaoheError
from kaohe.pipeline import staging
from kaohe.pipeline.consolidate import run_consolidation
from kaohe.pipeline.staging import OutputSet, folder_lock

ROOT = Path(__file__).resolve().parent.parent


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("kill_soak", ROOT / "bench" / "kill_soak.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def two_folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two submission folders that differ in one unit's reported value."""
    result: tuple[Path, Path] = _bench().prepare(tmp_path_factory.mktemp("two"))
    return result


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in ("history.sqlite", ".kaohe.lock")
            and not p.name.startswith("history.sqlite-")}


def _run(folder: Path, out: Path, **extra: Any) -> tuple[int, str]:
    said: list[str] = []
    code, _ = run_consolidation(folder, json_out=out / "results.json", out=out / "results.xlsx",
                                feedback=out / "fb", db=str(out / "history.sqlite"),
                                echo=said.append, **extra)
    return code, "\n".join(said)


def _files(tmp_path: Path, names: dict[str, str]) -> None:
    for name, text in names.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")


def _killed_while_moving(tmp_path: Path, token: dict[str, Any]) -> None:
    """A child that commits a new set and dies (os._exit) after its first move."""
    pid = os.fork()
    if pid == 0:
        try:
            real = os.replace
            count = [0]

            def dying(src: Any, dst: Any) -> None:
                real(src, dst)
                count[0] += 1
                if count[0] == 2:  # the first old file aside, the first new one in
                    os._exit(0)

            staging.os.replace = dying  # type: ignore[assignment]
            with OutputSet([tmp_path / "a.json", tmp_path / "b.xlsx"],
                           [tmp_path / "fb"]) as outputs:
                outputs.stage(tmp_path / "a.json").write_text("new a", encoding="utf-8")
                outputs.stage(tmp_path / "b.xlsx").write_text("new b", encoding="utf-8")
                (outputs.stage_folder(tmp_path / "fb") / "x.xlsx").write_text(
                    "new x", encoding="utf-8")
                outputs.remove(tmp_path / "fb" / "gone.xlsx")
                outputs.commit(token)
        finally:
            os._exit(1)
    os.waitpid(pid, 0)


OLD = {"a.json": "old a", "b.xlsx": "old b", "fb/x.xlsx": "old x", "fb/gone.xlsx": "old gone"}


@pytest.mark.parametrize("forward", [True, False])
def test_a_run_killed_while_moving_is_finished_or_undone_by_the_next(tmp_path: Path,
                                                                     forward: bool) -> None:
    _files(tmp_path, OLD)
    _killed_while_moving(tmp_path, {"run_id": "2016-r9"})
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == "new a"  # a mixture, for now
    assert (tmp_path / "b.xlsx").read_text(encoding="utf-8") == "old b"
    seen: list[Any] = []

    def decide(token: Any) -> bool:
        seen.append(token)
        return forward

    with OutputSet([tmp_path / "a.json"], [tmp_path / "fb"], decide=decide) as outputs:
        assert any(p.name.startswith(".kaohe-staging-") for p in outputs.removed)
    assert seen == [{"run_id": "2016-r9"}]
    found = {str(p.relative_to(tmp_path)): p.read_text(encoding="utf-8")
             for p in sorted(tmp_path.rglob("*")) if p.is_file() and p.name != ".kaohe.lock"}
    if forward:
        assert found == {"a.json": "new a", "b.xlsx": "new b", "fb/x.xlsx": "new x"}
    else:
        assert found == OLD


def test_stale_staging_and_temporaries_are_removed_by_the_next_run(tmp_path: Path) -> None:
    _files(tmp_path, {".kaohe-staging-0123456789ab/f0.json": "half",
                      ".results.abcd1234.json.tmp": "half", "fb/.结果反馈_x.abcd_123.xlsx.tmp": "",
                      "results.json": "old", ".hidden.txt": "the user's"})
    with OutputSet([tmp_path / "results.json"], [tmp_path / "fb"]) as outputs:
        outputs.stage(tmp_path / "results.json").write_text("new", encoding="utf-8")
        outputs.commit()
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == [".hidden.txt", ".kaohe.lock", "fb", "results.json"]
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == "new"


def test_a_second_run_on_a_locked_folder_waits_then_refuses(clean_folder: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "out"
    _files(out, {"results.json": "the first run's"})
    with folder_lock(out):
        with pytest.raises(KaoheError, match="另一次运行正在写入") as caught:
            run_consolidation(clean_folder, json_out=out / "results.json",
                              db=str(out / "history.sqlite"), lock_wait=0.3,
                              echo=lambda text: None)
        assert "try again" in caught.value.message_en
    assert (out / "results.json").read_text(encoding="utf-8") == "the first run's"
    from kaohe.store import open_store

    with open_store(out / "history.sqlite") as store:
        assert store.runs() == []  # nothing recorded either


def test_concurrent_runs_on_one_folder_leave_one_complete_set(two_folders: tuple[Path, Path],
                                                              tmp_path: Path) -> None:
    # Two runs writing the same outputs at once left feedback workbooks of both (2 of 10).
    bench = _bench()
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(2):
        procs = [subprocess.Popen(bench.command(folder, out), env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for folder in two_folders]
        for proc in procs:
            text = proc.communicate(timeout=300)[0].decode("utf-8", "replace")
            assert proc.returncode in (0, 1), text
        assert bench.check_agree(out) == ""


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    if not shutil.which("mount") or (hasattr(os, "geteuid") and os.geteuid() != 0):
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, check=False)
    return done.returncode == 0


def test_a_full_disk_leaves_the_old_set_and_a_database_that_agrees(
        two_folders: tuple[Path, Path], tmp_path: Path) -> None:
    # Consolidating into a nearly full disk left results.xlsx and half the feedback new,
    # results.json old, and the new run recorded.
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "6m"):
        pytest.skip("mounting a small tmpfs is not permitted here (needs root and mount)")
    try:
        out = disk / "out"
        assert _run(two_folders[0], out)[0] in (0, 1)
        before = _snapshot(out)
        filler = disk / "filler"
        with open(filler, "wb") as handle:  # fill the disk, then give back a little
            try:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            except OSError:
                pass
        os.truncate(filler, max(0, filler.stat().st_size - 256 * 1024))
        with pytest.raises(KaoheError) as caught:
            _run(two_folders[1], out)
        assert "磁盘空间不足" in caught.value.message or "disk" in caught.value.message_en
        assert _snapshot(out) == before  # the complete old set
        assert _bench().check_agree(out) == ""  # and the database says so
        filler.unlink()
        assert _run(two_folders[1], out)[0] in (0, 1)
        assert _snapshot(out) != before and _bench().check_agree(out) == ""
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_kill_soak_reduced(tmp_path: Path) -> None:
    # bench/kill_soak.py (20 kills and more there): kill -9 at random moments of a
    # consolidation with --feedback and --db; each rerun succeeds, outputs and database
    # agree, and the killed run's worker processes end with it.
    problems = _bench().soak(3, tmp_path, seed=7)
    assert problems == []
    assert sys.platform != "win32"


def _children() -> set[int]:
    """This process's child processes, now (from /proc)."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def test_a_failure_while_recording_stops_the_outputs_already_under_way(
        two_folders: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The results workbook is written by a second process while the run is recorded: when
    recording fails, that process is waited for, nothing is moved, nothing is recorded."""
    import kaohe.store.db as store_db

    out = tmp_path / "out"
    assert _run(two_folders[0], out)[0] in (0, 1)
    before, children = _snapshot(out), _children()
    started: list[int] = []
    real_start = store_db.Store._insert_run

    def boom(*args: Any, **kwargs: Any) -> Any:
        started.extend(_children() - children)  # the second process is writing by now
        real_start(*args, **kwargs)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_db.Store, "_insert_run", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        _run(two_folders[1], out)
    assert started, "the outputs were not under way while the run was recorded"
    assert not _children() - children  # no process left writing
    assert _snapshot(out) == before
    assert not [p for p in out.rglob("*") if p.name.startswith(staging.STAGE_PREFIX)]
    assert _bench().check_agree(out) == ""
    monkeypatch.undo()
    assert _run(two_folders[1], out)[0] in (0, 1)
    assert _snapshot(out) != before and _bench().check_agree(out) == ""
