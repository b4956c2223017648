"""kaohe.pipeline.background: a job in a forked child, its failure raised in the parent."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from kaohe.errors import KaoheError, MissingInput
from kaohe.pipeline import background
from kaohe.pipeline.background import Background, BackgroundError


def test_the_job_runs_in_another_process_and_its_file_is_there_after_wait(
        tmp_path: Path) -> None:
    assert background.can_fork()  # Linux: the path the tests exercise is the forked one
    marker = tmp_path / "pid"
    job = Background(lambda: marker.write_text(str(os.getpid())))
    job.wait()
    assert int(marker.read_text()) != os.getpid()


def test_the_parent_goes_on_while_the_child_works(tmp_path: Path) -> None:
    # The child waits for a file only the parent writes after starting it: were the job
    # run in the parent (before going on), this would never finish.
    go, done = tmp_path / "go", tmp_path / "done"

    def job() -> None:
        while not go.exists():
            threading.Event().wait(0.01)
        done.write_text("ok")

    started = Background(job)
    go.write_text("go")
    started.wait()
    assert done.read_text() == "ok"


def test_a_kaohe_error_comes_back_whole() -> None:
    def job() -> None:
        raise MissingInput("完成值", "actual")

    with pytest.raises(MissingInput) as caught:
        Background(job).wait()
    assert caught.value.message == "缺少完成值" and caught.value.message_en == "missing actual"


def test_an_error_that_does_not_pickle_comes_back_as_text() -> None:
    class Odd(Exception):
        def __reduce__(self) -> str:
            raise TypeError("no")

    def job() -> None:
        raise Odd("磁盘已满 disk full")

    with pytest.raises(BackgroundError, match="磁盘已满 disk full"):
        Background(job).wait()


def test_a_child_that_dies_is_an_error() -> None:
    with pytest.raises(BackgroundError, match="exit status"):
        Background(lambda: os._exit(3)).wait()


def test_without_fork_the_job_runs_here_at_wait(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setattr(background, "can_fork", lambda: False)
    marker = tmp_path / "pid"
    job = Background(lambda: marker.write_text(str(os.getpid())))
    assert not marker.exists()
    job.wait()
    assert int(marker.read_text()) == os.getpid()

    def failing() -> None:
        raise KaoheError("坏", "bad")

    with pytest.raises(KaoheError, match="坏"):
        Background(failing).wait()


def test_a_cancelled_job_is_finished_or_never_run(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    """cancel(): a forked child is waited for (nothing of it runs on) and its failure is
    ignored; without fork the job never runs."""
    done = tmp_path / "done"

    def slow() -> None:
        threading.Event().wait(0.3)
        done.write_text("late")
        raise KaoheError("坏", "bad")

    Background(slow).cancel()  # returns only once the child is gone; its error ignored
    assert done.read_text() == "late"
    done.unlink()
    monkeypatch.setattr(background, "can_fork", lambda: False)
    Background(slow).cancel()
    assert not done.exists()


def test_a_job_s_value_comes_back_as_json_gives_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """returns=True: the child's value (here far more than a pipe holds) comes back from
    wait(), as JSON gives it back; without fork the same value, the same way."""
    value = {"pid": 0, "rows": [[i, i / 7, f"第 {i} 名"] for i in range(20_000)], "t": (1, 2)}

    def job() -> dict[str, object]:
        return {**value, "pid": os.getpid()}

    forked = Background(job, returns=True).wait()
    assert forked["pid"] != os.getpid()
    assert forked["rows"] == [list(r) for r in value["rows"]] and forked["t"] == [1, 2]
    monkeypatch.setattr(background, "can_fork", lambda: False)
    here = Background(job, returns=True).wait()
    assert here == {**forked, "pid": os.getpid()}
    assert Background(job).wait() is None


def test_side_by_side_gives_both_values_and_a_failure_on_either_side(tmp_path: Path) -> None:
    from kaohe.pipeline.background import side_by_side

    here, there = side_by_side(lambda: os.getpid(), lambda: (os.getpid(), (1, 2.5)),
                               pickled=True)
    assert here == os.getpid() and there[0] != os.getpid() and there[1] == (1, 2.5)
    # `there` fails: its failure, once `here` has ended
    def failing_there() -> None:
        raise KaoheError("那边", "there")

    with pytest.raises(KaoheError, match="那边"):
        side_by_side(lambda: None, failing_there)
    # `here` fails: the other is waited for (it has written its file) and given up
    finished = tmp_path / "finished"

    def slow() -> None:
        import time

        time.sleep(0.2)
        finished.write_text("yes")

    def failing() -> None:
        raise KaoheError("这边", "here")

    with pytest.raises(KaoheError, match="这边"):
        side_by_side(failing, slow)
    assert finished.read_text() == "yes"
